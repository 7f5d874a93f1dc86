"""Contextual search speed: the same programs under a unigram and a contextual (bigram) prior.

A contextual grammar has one distribution per (parent production, argument index), so one
choice point (a type in an environment) is a different table state per parent context.
Its rules cost differently there, but their children do not depend on the context, so
the table builds each rule's programs once and shares them (``Table.share``).  This
script measures what that buys, side by side in one process:

1. Fit the priors on the train split: plain enumeration (uniform grammar, ``--fit-timeout``
   seconds per task, 2 workers) solves what it can, and a unigram and a contextual grammar
   are fitted to the best program of each solved task.
2. Search the test split (``test`` + ``dropped_easy_test``) for the first ``--programs``
   programs of each task (or ``--timeout`` seconds), once per variant, the variants
   interleaved task by task: the fitted unigram grammar, the fitted contextual grammar
   with shared rule bodies (the default), and the same with sharing turned off.

Reports per variant: tasks solved, task-seconds, programs per second (median over tasks)
and stored subprograms; and the per-task time ratio of the two contextual variants
(median).  The two contextual variants enumerate the same programs in the same order, so
they solve the same tasks; only their speed differs.  ``--quick`` takes every 4th test
task and 20k programs.

Usage:  python benchmarks/contextual_search.py [--quick] [--programs N] [--timeout S]
Writes benchmarks/results/contextual_search[_quick].json and prints a table.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _common import write_result  # noqa: E402

VARIANTS = ("unigram", "contextual", "contextual, not shared")


def fit_priors(train: list, grammar, timeout: float, workers: int):
    """Unigram and contextual grammars fitted to plain enumeration's solutions on ``train``."""
    from induct.grammar import ContextualGrammar, fit_contextual_grammar, fit_grammar
    from induct.search import SearchConfig, solve_tasks

    def progress(p) -> None:
        sys.stderr.write(f"\rfit: {p.done}/{p.total} train tasks, solved {p.solved} ")
        sys.stderr.flush()

    frontiers = solve_tasks(train, grammar, "enumerate", SearchConfig(timeout=timeout, decompose=0.0),
                            workers, progress)
    sys.stderr.write("\n")
    contextual = ContextualGrammar.from_grammar(grammar)
    solved = [(t, frontiers[t.name].best.program) for t in train if frontiers[t.name].solved]
    unigram = fit_grammar(grammar, [(grammar.summary(p, t.request_type), 1.0) for t, p in solved])
    bigram = fit_contextual_grammar(contextual, [(contextual.summary(p, t.request_type), 1.0) for t, p in solved])
    return unigram, bigram, len(solved)


def search_one(task, grammar, share: bool | None, programs: int, timeout: float) -> dict:
    from induct.search import SearchConfig
    from induct.search.enumeration import EnumerationRun

    config = SearchConfig(timeout=timeout, max_programs=programs)
    start = time.perf_counter()
    run = EnumerationRun(task, grammar, config)
    if share is not None:
        run.table.share = share
    frontier = run.run(time.monotonic() + timeout)
    seconds = time.perf_counter() - start
    return {"task": task.name, "solved": frontier.solved, "seconds": seconds, "programs": run.tried,
            "stored": run.table.stored, "timed_out": frontier.stats.timed_out}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="every 4th test task, 20k programs")
    parser.add_argument("--programs", type=int, default=None, help="programs per task (default 50k; quick 20k)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per task and variant (default 60)")
    parser.add_argument("--fit-timeout", type=float, default=None, help="seconds per train task for the fit (default 5; quick 2)")
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    args = parser.parse_args()
    programs = args.programs or (20_000 if args.quick else 50_000)
    fit_timeout = args.fit_timeout or (2.0 if args.quick else 5.0)

    from induct.grammar import Grammar
    from induct.wake_sleep import get_domain

    domain = get_domain("lists")
    library = domain.load_library()
    train, test = domain.load_tasks()
    if args.quick:
        test = test[::4]
    unigram, contextual, n_fit = fit_priors(train, Grammar.from_library(library), fit_timeout, args.workers)
    grammars = {"unigram": (unigram, None), "contextual": (contextual, True),
                "contextual, not shared": (contextual, False)}
    rows: dict[str, list[dict]] = {v: [] for v in VARIANTS}
    for n, task in enumerate(test, 1):
        for variant in VARIANTS:
            grammar, share = grammars[variant]
            rows[variant].append(search_one(task, grammar, share, programs, args.timeout))
        sys.stderr.write(f"\rsearch: {n}/{len(test)} test tasks ")
        sys.stderr.flush()
    sys.stderr.write("\n")

    summary = {}
    for variant in VARIANTS:
        r = rows[variant]
        summary[variant] = {
            "solved": sum(x["solved"] for x in r),
            "task_seconds": sum(x["seconds"] for x in r),
            "median_programs_per_second": statistics.median(x["programs"] / x["seconds"] for x in r),
            "stored": sum(x["stored"] for x in r),
        }
    ratios = [a["seconds"] / b["seconds"] for a, b in zip(rows["contextual, not shared"], rows["contextual"])]
    versus_unigram = [a["seconds"] / b["seconds"] for a, b in zip(rows["contextual"], rows["unigram"])]
    print(f"\n{len(test)} test tasks, {programs:,} programs or {args.timeout:g} s each; "
          f"priors fitted to {n_fit}/{len(train)} train tasks solved by plain enumeration ({fit_timeout:g} s)")
    print(f"{'variant':24} {'solved':>7} {'task-s':>8} {'programs/s':>11} {'stored':>11}")
    for variant in VARIANTS:
        s = summary[variant]
        print(f"{variant:24} {s['solved']:>7} {s['task_seconds']:>8.1f} {s['median_programs_per_second']:>11,.0f} "
              f"{s['stored']:>11,}")
    print(f"per task, not shared / shared time: median {statistics.median(ratios):.2f}x; "
          f"shared contextual / unigram: median {statistics.median(versus_unigram):.2f}x")
    result = {
        "config": {"quick": args.quick, "programs": programs, "timeout": args.timeout, "fit_timeout": fit_timeout,
                   "test_tasks": len(test), "train_tasks_fitted": n_fit},
        "summary": summary,
        "median_time_ratio_not_shared_over_shared": statistics.median(ratios),
        "median_time_ratio_contextual_over_unigram": statistics.median(versus_unigram),
        "tasks": rows,
    }
    path = write_result("contextual_search_quick" if args.quick else "contextual_search", result)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
