"""Text: wake-sleep on the 128 synthetic text tasks, then the 108 SyGuS-2017 PBE string problems.

Learns on the text domain's train split (DreamCoder's 128 synthetic string-editing tasks)
for as many iterations as fit the training budget (default 90 minutes on 2 cores, counted
from the run's own metrics, so a resumed run keeps to it), then searches the 108 SyGuS
tasks (the ``test`` split, never seen in training) at 30 s each with the final library and
recognition model.  The base grammar alone is searched at the same budget, side by side.
Strings the outputs hold and the inputs lack are the task-bound ``STRING`` constants.

Everything resumes: the run directory keeps the learning, and each final-test row is
appended to a journal as soon as its chunk of tasks finishes, so a rerun searches only the
tasks left.  ``--without cases`` searches the test split with the domain's deductions less
those named (the learning is the same run), into journals and a result named by them, so
what a deduction adds is measured with the same library and model; ``--tag NAME`` searches
the run as it stands (no more learning) into journals and a result named by NAME too, to
search a finished run's test split again after the search changed.

Usage:
    python benchmarks/text_wake_sleep.py              # learn 90 min, then 2 × 108 tasks × 30 s / 2 workers
    python benchmarks/text_wake_sleep.py --quick      # every 5th task, 2 short iterations, 5 s per task

Writes benchmarks/results/text_wake_sleep[_quick].json and prints a table.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from _common import ROOT, journaled_search, metadata, write_result
from list_wake_sleep import _config, _learn


def resumable_test(label: str, tasks: list, grammar_for, timeout: float, workers: int, journal: Path,
                   decompose: float, deductions: tuple) -> dict:
    """Search ``tasks`` in chunks, appending one row per task to ``journal``; tasks already
    there are not searched again.  ``grammar_for(tasks)`` gives the prior for a chunk."""
    from induct.search import SearchConfig

    def row_of(task, frontier) -> dict:
        best = frontier.best if frontier.solved else None
        return {"solved": bool(frontier.solved), "time_to_solve": frontier.stats.time_to_first_solution,
                "program": str(best.program) if best else None}

    config = SearchConfig(timeout=timeout, decompose=decompose, deductions=deductions)
    rows = journaled_search(label, tasks, grammar_for, "enumerate", config, workers, journal, row_of, "solved")
    times = sorted(r["time_to_solve"] for r in rows if r["solved"] and r["time_to_solve"] is not None)
    return {"solved": sum(r["solved"] for r in rows), "total": len(rows), "timeout": timeout,
            "median_time_to_solve": times[len(times) // 2] if times else None,
            "solved_tasks": sorted(r["task"] for r in rows if r["solved"]), "journal": str(journal)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="every 5th task, 2 short iterations, 5 s per test task")
    parser.add_argument("--train-minutes", type=float, default=None, help="training budget (default 90; quick 4)")
    parser.add_argument("--test-timeout", type=float, default=None, help="seconds per test task (default 30; quick 5)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--runs", default=str(ROOT / "benchmarks" / "runs"), help="where run directories go")
    parser.add_argument("--skip-base", action="store_true", help="do not search with the base grammar alone")
    parser.add_argument("--seed", type=int, default=0, help="the run's seed (a run other than 0 is named by it)")
    parser.add_argument("--without", default="",
                        help="search the test split with the domain's deductions less these (comma-separated "
                             "names, e.g. cases); the journals and the result are named by them")
    parser.add_argument("--tag", default="",
                        help="search the run as it stands (no more learning), naming the test journals and "
                             "the result by this too: a finished run's test split searched again with a later "
                             "search, beside the earlier rows")
    args = parser.parse_args()
    if args.tag and not args.tag.replace("_", "").replace("-", "").isalnum():
        parser.error(f"--tag must be letters, digits, '_' or '-', got {args.tag!r}")
    from induct.dsl import load_library
    from induct.grammar import Grammar
    from induct.wake_sleep import get_domain, load_state

    quick = args.quick
    minutes = args.train_minutes if args.train_minutes is not None else (4 if quick else 90)
    timeout = args.test_timeout if args.test_timeout is not None else (5 if quick else 30)
    suffix = ("_quick" if quick else "") + (f"_seed{args.seed}" if args.seed else "")
    domain = get_domain("text")
    without = sorted({n.strip() for n in args.without.split(",") if n.strip()})
    unknown = set(without) - {d.name for d in domain.deductions}
    if unknown:
        parser.error(f"--without: the text domain has no deduction {', '.join(sorted(unknown))}")
    deductions = tuple(d for d in domain.deductions if d.name not in without)
    tested = (f"_without_{'_'.join(without)}" if without else "") + (f"_{args.tag}" if args.tag else "")
    subset = 24 if quick else None
    config = _config(quick, domain="text", workers=args.workers, seed=args.seed)
    run_dir = Path(args.runs) / f"text_wake_sleep{suffix}"
    result = {"benchmark": "text_wake_sleep", **metadata(),
              "settings": {"quick": quick, "train_minutes": minutes, "test_timeout": timeout,
                           "workers": args.workers, "config": config.to_dict(),
                           "test_deductions": [d.name for d in deductions],
                           "tasks": "text train split (128 synthetic) -> test split (108 SyGuS-2017 PBE strings)"}}
    if args.tag:  # the run as it stands: no more learning
        if not (run_dir / "config.toml").exists():
            parser.error(f"--tag searches a run that has learned, and {run_dir} has none")
        metrics = load_state(run_dir, domain).metrics
    else:
        metrics = _learn("text", config, run_dir, minutes * 60, subset)
    result["per_iteration"] = [{"iteration": m["iteration"], "train_solved_total": m["train_solved_total"],
                                "test_solved": m.get("test_solved"), "library_size": m["library_size"],
                                "new_inventions": m["new_inventions"], "seconds": round(m.get("seconds", 0), 1)}
                               for m in metrics]
    _, test_tasks = domain.load_tasks()
    if subset:
        test_tasks = test_tasks[:: max(1, len(test_tasks) // subset)]
    state = load_state(run_dir, domain)

    def learned(part):
        if state.model is None:
            return Grammar.from_library(state.library)
        from induct.recognition.prior import task_grammars

        return task_grammars(state.model, part)

    result["learned"] = resumable_test("learned", test_tasks, learned, timeout, args.workers,
                                       run_dir / f"final_test{tested}.jsonl", config.search.decompose, deductions)
    path = write_result(f"text_wake_sleep{suffix}{tested}", result)
    if not args.skip_base:
        base = Grammar.from_library(load_library(domain.grammar))
        result["base_grammar"] = resumable_test("base grammar", test_tasks, lambda part: base, timeout,
                                                args.workers, run_dir / f"base_test{tested}.jsonl",
                                                config.search.decompose, deductions)
        path = write_result(f"text_wake_sleep{suffix}{tested}", result)
    print(f"\n{'prior':<14} {'SyGuS solved':>14} {'median s':>9}   (target: >= 92 of 108; DreamCoder 91, CVC4 89)")
    for name in ("learned", "base_grammar"):
        if name in result:
            r = result[name]
            med = f"{r['median_time_to_solve']:.2f}" if r["median_time_to_solve"] is not None else "-"
            print(f"{name:<14} {r['solved']:>6}/{r['total']:<7} {med:>9}")
    curve = ", ".join(f"{m['iteration']}:{m['train_solved_total']}" for m in result["per_iteration"])
    print(f"train solved by iteration: {curve}")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
