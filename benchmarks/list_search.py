"""List search: DreamCoder's 109 list test tasks, base grammar, no learning.

The test tasks (splits ``test`` + ``dropped_easy_test``) are searched with
the lists grammar at its file weights (uniform), 20 s per task on 2 worker processes,
once per strategy: tasks solved and the median time to the first solution (over the solved
tasks).  This is the baseline that learning must beat: the whole-program search, without
the list DSL's deduction (``decompose`` 0).  ``--deduction`` also runs each strategy with
it (``STRATEGY+deduction``: a quarter of each task's time first searches the function a
map- or filter-shaped task applies to each element).  ``--quick`` takes every 6th task
with a 5 s timeout.  ``--domain text`` runs the same protocol on another registered
domain's test splits with its grammar and deductions (strings are lists of characters, so
text's map- and filter-shaped tasks get the list deductions).

``--sequential`` adds each deduction row with the last resorts run after the whole-program
search rather than interleaved with it.  ``--without concat`` adds a row with the domain's deductions less the named ones, so what
they add is measured side by side; ``--split train`` searches another split.
``--max-programs N`` gives each task a budget of N programs instead of seconds, so rows
compare alike whatever else the machine is running.

Usage:  python benchmarks/list_search.py [--quick] [--strategies enumerate,bottom_up] [--timeout S] [--deduction]
                                         [--domain lists] [--without NAMES] [--split SPLIT]
Writes benchmarks/results/list_search[_DOMAIN][_SPLIT][_quick].json (after each strategy) and prints a table.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


from _common import metadata as _metadata  # noqa: E402  (commit, date, machine, load)


def run_strategy(strategy: str, tasks: list, grammar, timeout: float, workers: int, decompose: float = 0.0,
                 deductions: tuple | None = None, label: str | None = None, max_programs: int | None = None,
                 interleave: bool = True) -> dict:
    from induct.search import SearchConfig, solve_tasks

    config = SearchConfig(timeout=timeout, decompose=decompose, max_programs=max_programs, interleave=interleave,
                          **({} if deductions is None else {"deductions": deductions}))
    started = time.monotonic()

    def progress(p) -> None:
        sys.stderr.write(f"\r{label or strategy}: {p.done}/{p.total} tasks, solved {p.solved}, {p.elapsed:.0f} s ")
        sys.stderr.flush()

    frontiers = solve_tasks(tasks, grammar, strategy, config, workers, progress)
    sys.stderr.write("\n")
    rows = []
    for name, f in frontiers.items():
        s = f.stats
        rows.append({"task": name, "solved": f.solved,
                     "time_to_solve": s.time_to_first_solution if f.solved else None,
                     "programs_tried": s.programs_tried,
                     "programs_before_solution": s.programs_before_first_solution if f.solved else None,
                     "best": str(f.best.program) if f.solved and f.best else None,
                     "log_prior": f.best.log_prior if f.solved and f.best else None, "error": s.error})
    times = [r["time_to_solve"] for r in rows if r["solved"]]
    return {"strategy": strategy, "decompose": decompose, "interleave": interleave, "solved": len(times),
            "tasks": len(rows),
            "median_time_to_solve": statistics.median(times) if times else None,
            "wall_seconds": time.monotonic() - started, "per_task": rows,
            "load_after": os.getloadavg()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="every 6th task, 5 s each")
    parser.add_argument("--strategies", default="enumerate,bottom_up", help="comma-separated (default enumerate,bottom_up)")
    parser.add_argument("--timeout", type=float, help="seconds per task (default 20; quick 5)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--deduction", action="store_true",
                        help="also run each strategy with the domain's deductions (decompose 0.25)")
    parser.add_argument("--decompose", default="0.25",
                        help="with --deduction, the budget shares kept for the deductions' holes, comma-separated: "
                             "one row each, side by side (default 0.25)")
    parser.add_argument("--no-plain", action="store_true",
                        help="with --deduction, only the rows with deductions (the rows without are kept from before)")
    parser.add_argument("--domain", default="lists", help="a registered domain (default lists)")
    parser.add_argument("--without", default="",
                        help="with --deduction, also a row with the domain's deductions less these (comma-separated "
                             "names, e.g. concat): what those deductions add, side by side")
    parser.add_argument("--sequential", action="store_true",
                        help="with --deduction, also each deduction row with the last resorts run after the "
                             "whole-program search instead of interleaved with it (SearchConfig.interleave)")
    parser.add_argument("--split", default=None, help="the domain's split to search (default: its test splits)")
    parser.add_argument("--max-programs", type=int, default=None,
                        help="a budget in programs per task instead of seconds (the same whatever the machine's "
                             "load; the timeout, default 120 s with it, is then a safety net)")
    args = parser.parse_args(argv)

    from induct.domain import get_domain
    from induct.grammar import Grammar
    from induct.search import get_strategy
    from induct.tasks import load_tasks

    strategies = [s.strip() for s in args.strategies.split(",") if s.strip()]
    for s in strategies:
        get_strategy(s)
    if args.max_programs is not None and args.max_programs < 1:
        parser.error(f"--max-programs: expected a positive count, got {args.max_programs}")
    timeout = args.timeout or (120.0 if args.max_programs else 5.0 if args.quick else 20.0)
    domain = get_domain(args.domain)
    splits = [args.split] if args.split else list(domain.test_splits)
    tasks = load_tasks(args.domain, split=splits)
    if args.quick:
        tasks = tasks[::6]
    grammar = Grammar.from_library(domain.load_library())
    result = {"benchmark": "list_search", **_metadata(),
              "settings": {"domain": args.domain, "grammar": f"{args.domain} (file weights)", "tasks": len(tasks),
                           "splits": splits, "timeout": timeout, "max_programs": args.max_programs,
                           "workers": args.workers,
                           "deductions": [d.name for d in domain.deductions]},
              "strategies": {}}
    suffix = (("" if args.domain == "lists" else f"_{args.domain}") + (f"_{args.split}" if args.split else "")
              + (f"_{args.max_programs}programs" if args.max_programs else ""))
    out = ROOT / "benchmarks" / "results" / f"list_search{suffix}{'_quick' if args.quick else ''}.json"
    if out.exists():
        try:  # keep the other strategies' earlier results; this run replaces its own
            old = json.loads(out.read_text())
            if old.get("settings", {}).get("tasks") == len(tasks):
                result["strategies"] = old.get("strategies", {})
        except (OSError, json.JSONDecodeError):
            pass
    without = {n.strip() for n in args.without.split(",") if n.strip()}
    unknown = without - {d.name for d in domain.deductions}
    if unknown:
        parser.error(f"--without: {args.domain} has no deduction {', '.join(sorted(unknown))}")
    try:
        shares = [float(x) for x in args.decompose.split(",") if x.strip()]
    except ValueError:
        parser.error(f"--decompose: expected numbers in (0, 1), got {args.decompose!r}")
    if not shares or not all(0 < x < 1 for x in shares):
        parser.error(f"--decompose: expected numbers in (0, 1), got {args.decompose!r}")
    runs = [] if (args.no_plain and args.deduction) else [(s, s, 0.0, domain.deductions, True) for s in strategies]
    if args.deduction:
        for share in shares:
            at = "" if share == 0.25 else f" decompose {share:g}"
            runs += [(f"{s}+deduction{at}", s, share, domain.deductions, True) for s in strategies]
            if args.sequential:
                runs += [(f"{s}+deduction{at} sequential", s, share, domain.deductions, False) for s in strategies]
            if without:
                fewer = tuple(d for d in domain.deductions if d.name not in without)
                runs += [(f"{s}+deduction{at} without {','.join(sorted(without))}", s, share, fewer, True)
                         for s in strategies]
    for label, s, decompose, deductions, interleave in runs:
        r = run_strategy(s, tasks, grammar, timeout, args.workers, decompose, deductions, label, args.max_programs,
                         interleave)
        r["commit"], r["date"], r["load_before"] = result["commit"], result["date"], result["load_before"]
        r["deductions"] = [d.name for d in deductions] if decompose else []
        result["strategies"][label] = r
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=1) + "\n")
    print(f"{'strategy':<20} {'solved':>10} {'median time to solve':>22}   commit")
    for s, r in result["strategies"].items():
        med = f"{r['median_time_to_solve']:.2f} s" if r["median_time_to_solve"] is not None else "-"
        print(f"{s:<20} {r['solved']:>5}/{r['tasks']:<4} {med:>22}   {r.get('commit', '')[:10]}")
    print(f"wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
