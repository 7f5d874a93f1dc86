"""Enumeration speed: distinct well-typed programs per second, each checked on a list task.

For ``list(int) -> list(int)`` with the lists grammar (uniform weights), the enumerate
strategy runs over the first N programs (10^6; ``--quick``: 10^5) in order of prior, checking
each against the task's 15 examples and stopping at its first wrong one, on one core (a
comparison row leaves the cyclic garbage collector on during the search).  The
tasks are the first ``--tasks`` tasks of that type in the train split, in file order (the
figure depends on the examples: long inputs cost more to run).  Each task runs in a fresh
process so that its memory peak (max RSS growth) is its own.

The search's memory bound (``SearchConfig.memory_mb``, 2 GB by default) holds: past it the
search stores nothing more and goes on in prior order, slower.  ``--programs 10000000
--tasks 1 --main-only --unbounded`` shows the memory and the rate at 10^7 programs, with and
without the bound, side by side.

Usage:  python benchmarks/enumeration_speed.py [--quick] [--programs N] [--tasks K] [--memory-mb MB]
Writes benchmarks/results/enumeration_speed[_quick|_1e07].json and prints a table.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET = 85_000
REQUEST = "list(int) -> list(int)"


def _one(task_name: str, n_programs: int, strategy: str, max_list: int | None, cyclic_gc: bool = False,
         memory_mb: float | None = None) -> dict:
    if cyclic_gc:
        import gc

        gc.disable = lambda: None  # comparison row only: the collector stays on during the search
    if max_list is not None:
        import induct.domains.lists.semantics

        induct.domains.lists.semantics.MAX_LIST = max_list  # sensitivity run only: lowers the semantics' cap
    from induct.dsl import load_library
    from induct.grammar import Grammar
    from induct.search.base import SearchConfig
    from induct.search.enumeration import EnumerationRun
    from induct.tasks import load_tasks

    grammar = Grammar.uniform(load_library("lists"))
    task = next(t for t in load_tasks("lists") if t.name == task_name)
    bound = {} if memory_mb is None else {"memory_mb": memory_mb}
    config = SearchConfig(timeout=3600, max_programs=n_programs, stop_when_full=False, **bound)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    cpu_start = time.process_time()
    run = EnumerationRun(task, grammar, config, strategy, observational=(strategy == "bottom_up"))
    frontier = run.run(time.monotonic() + 3600)
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu_start
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "task": task_name, "examples": len(task.examples), "programs": frontier.stats.programs_tried,
        "seconds": seconds, "programs_per_second": frontier.stats.programs_tried / seconds,
        "cpu_seconds": cpu_seconds, "programs_per_cpu_second": frontier.stats.programs_tried / cpu_seconds,
        "memory_peak_mb": (rss_after - rss_before) / 1024, "max_rss_mb": rss_after / 1024,
        "stored_subprograms": run.table.size(), "states": len(run.table.states),
        "solutions_found": len(frontier.entries), "memory_bound_mb": config.memory_mb,
        "past_memory_bound_from_program": run.streamed_from,
        "best": str(frontier.best.program) if frontier.best else None,
    }


from _common import metadata as _metadata  # noqa: E402  (commit, date, machine, load)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10^5 programs, one task")
    parser.add_argument("--programs", type=int, help="programs per task (default 10^6; quick 10^5)")
    parser.add_argument("--tasks", type=int, help="how many tasks (default 3; quick 1)")
    parser.add_argument("--strategy", default="enumerate", choices=["enumerate", "bottom_up"])
    parser.add_argument("--max-list", type=int, default=100,
                        help="also measure with the lists semantics' list-size cap lowered to this "
                             "(a sensitivity row: runaway unfolds run to the cap; 0 skips it)")
    parser.add_argument("--memory-mb", type=float,
                        help="the search's memory bound (SearchConfig.memory_mb; default as shipped, 2048)")
    parser.add_argument("--unbounded", action="store_true",
                        help="also a row with no memory bound, to compare the rate past the bound")
    parser.add_argument("--main-only", action="store_true", help="skip the sensitivity and collector rows")
    args = parser.parse_args(argv)
    n_programs = args.programs or (100_000 if args.quick else 1_000_000)
    n_tasks = args.tasks or (1 if args.quick else 3)

    from induct.tasks import load_tasks
    from induct.types import show_type

    names = [t.name for t in load_tasks("lists", split="train") if show_type(t.request_type) == REQUEST][:n_tasks]
    meta = _metadata()
    context = multiprocessing.get_context("spawn")
    runs: dict[str, tuple[int | None, bool, float | None]] = {"default": (None, False, args.memory_mb)}
    if args.unbounded:
        runs["no_memory_bound"] = (None, False, float("inf"))
    if args.max_list and not args.main_only:
        runs[f"max_list_{args.max_list}"] = (args.max_list, False, args.memory_mb)
    if not args.main_only:
        runs["cyclic_gc_on"] = (None, True, args.memory_mb)
    result = {"benchmark": "enumeration_speed", **meta,
              "settings": {"grammar": "lists (uniform)", "request": REQUEST, "programs_per_task": n_programs,
                           "strategy": args.strategy, "cores": 1, "check": "15 examples, stop at first wrong",
                           "semantics": "induct.domains.lists as shipped (list-size cap MAX_LIST = 1000)"},
              "target_programs_per_second": TARGET, "runs": {}}
    for label, (max_list, cyclic_gc, memory_mb) in runs.items():
        print(f"-- {label}" + ("" if max_list is None else f" (lists MAX_LIST lowered to {max_list})")
              + (" (the cyclic garbage collector left on during the search)" if cyclic_gc else ""))
        rows = []
        for name in names:
            with context.Pool(1, maxtasksperchild=1) as pool:
                rows.append(pool.apply(_one, (name, n_programs, args.strategy, max_list, cyclic_gc, memory_mb)))
            r = rows[-1]
            print(f"{r['task'][:34]:<34} {r['programs']:>9,} programs {r['seconds']:7.2f} s "
                  f"{r['programs_per_second']:>9,.0f}/s wall {r['programs_per_cpu_second']:>9,.0f}/s cpu  "
                  f"peak +{r['memory_peak_mb']:.0f} MB"
                  + ("" if r["past_memory_bound_from_program"] is None else
                     f" (bound {r['memory_bound_mb']:.0f} MB reached near program "
                     f"{r['past_memory_bound_from_program']:,})"), flush=True)
        summary = {"tasks": rows,
                   "median_programs_per_second": statistics.median(r["programs_per_second"] for r in rows),
                   "median_programs_per_cpu_second": statistics.median(r["programs_per_cpu_second"] for r in rows),
                   "median_memory_peak_mb": statistics.median(r["memory_peak_mb"] for r in rows)}
        result["runs"][label] = summary
        print(f"{'median':<34} {summary['median_programs_per_second']:>28,.0f}/s wall "
              f"{summary['median_programs_per_cpu_second']:>9,.0f}/s cpu  (target {TARGET:,}/s)")
    result["load_after"] = os.getloadavg()
    result["median_programs_per_second"] = result["runs"]["default"]["median_programs_per_second"]
    if "cyclic_gc_on" in result["runs"]:
        result["cpu_speedup_with_collector_off"] = (result["runs"]["default"]["median_programs_per_cpu_second"]
                                                    / result["runs"]["cyclic_gc_on"]["median_programs_per_cpu_second"])
        print(f"collector off during search: {result['cpu_speedup_with_collector_off']:.2f}x the CPU rate with it on")
    if "no_memory_bound" in result["runs"]:
        result["cpu_rate_bounded_over_unbounded"] = (
            result["runs"]["default"]["median_programs_per_cpu_second"]
            / result["runs"]["no_memory_bound"]["median_programs_per_cpu_second"])
        print(f"with the memory bound: {result['cpu_rate_bounded_over_unbounded']:.2f}x the CPU rate without it")
    print(f"load average before {meta['load_before'][0]:.2f}, after {result['load_after'][0]:.2f} "
          f"(on {os.cpu_count()} cores; wall rates suffer from other load, cpu rates less)")
    suffix = "_quick" if args.quick else f"_{n_programs:.0e}".replace("+", "") if args.programs else ""
    out = ROOT / "benchmarks" / "results" / f"enumeration_speed{suffix}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
