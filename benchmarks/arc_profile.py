"""Where search time goes on ARC grids: primitive calls against enumeration overhead.

Searches a few ARC-AGI-1 evaluation tasks one at a time in this process (no workers) under
cProfile, with the base DSL and plain enumeration, and reports per task: programs tried,
the share of time spent inside the grid primitives (from the call into a primitive to its
return, conversions at the boundary included) and the share of the candidates that matched
the first train pair and so were ever run on a second one (a candidate is rejected at the
first train pair it fails; later pairs are computed only for the candidates that passed).

Usage:
    python benchmarks/arc_profile.py                 # 6 tasks, 4 s each
    python benchmarks/arc_profile.py --tasks 10 --timeout 5

Writes benchmarks/results/arc_profile.json and prints a table.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats

from _common import metadata, write_result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=6, help="the first N evaluation tasks")
    parser.add_argument("--timeout", type=float, default=4.0, help="seconds per task")
    parser.add_argument("--tag", default="", help="a label for the result file")
    args = parser.parse_args()
    from induct.domain import get_domain
    from induct.domains.arc.data import DATA_VERSION
    from induct.grammar import Grammar
    from induct.search import SearchConfig, solve_tasks
    from induct.search.enumeration import EnumerationRun

    domain = get_domain("arc")
    _, evaluation = domain.load_tasks()
    library = domain.load_library()
    passed_first = [0]
    original_rest = EnumerationRun._rest

    def counting_rest(self, rule, kids, total):
        passed_first[0] += 1
        return original_rest(self, rule, kids, total)

    EnumerationRun._rest = counting_rest
    result = {"benchmark": "arc_profile", **metadata(), "data": DATA_VERSION, "tag": args.tag,
              "settings": {"timeout": args.timeout, "tasks": args.tasks, "strategy": "enumerate", "workers": 0},
              "rows": []}
    print(f"{'task':<10} {'programs':>9} {'per s':>8} {'in primitives':>14} {'passed pair 1':>14}")
    for task in evaluation[:args.tasks]:
        passed_first[0] = 0
        profile = cProfile.Profile()
        profile.enable()
        frontier = solve_tasks([task], Grammar.uniform(library), "enumerate",
                               SearchConfig(timeout=args.timeout, max_frontier=10), workers=0)[task.name]
        profile.disable()
        stats = pstats.Stats(profile).stats
        total = sum(tt for (_, _, _), (_, _, tt, _, _) in stats.items())
        inside = sum(ct for (path, _, name), (_, _, _, ct, _) in stats.items()
                     if path.endswith("arc/semantics.py") and name == "run")
        tried = frontier.stats.programs_tried
        row = {"task": task.name, "programs_tried": tried, "seconds": round(total, 3),
               "programs_per_second": round(tried / total) if total else 0,
               "primitive_share": round(inside / total, 3) if total else 0.0,
               "passed_first_pair": passed_first[0],
               "passed_first_pair_share": round(passed_first[0] / tried, 5) if tried else 0.0}
        result["rows"].append(row)
        print(f"{task.name:<10} {tried:>9} {row['programs_per_second']:>8} {row['primitive_share']:>13.0%} "
              f"{row['passed_first_pair']:>7} ({row['passed_first_pair_share']:.2%})")
    path = write_result("arc_profile" + (f"_{args.tag}" if args.tag else ""), result)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
