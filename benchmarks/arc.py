"""ARC-AGI-1 with the arc domain's grid DSL, scored as ARC scores.

A task counts when, for every test input, one of the two most probable distinct outputs of
the posterior predictive (its frontier's programs run on that input, weighted by posterior)
equals the test output exactly; the test outputs are never used in search.  Rows:

* ``training``: the 400 training tasks with the base DSL.  **In-sample** for the DSL's
  design: its primitives were chosen by looking at training tasks.
* ``evaluation``: the 400 evaluation tasks, never looked at, with the base DSL, or with a
  trained run's final library and recognition model (``--run RUN``, a run of
  ``induct train --domain arc``, which learns on the training tasks only).

Each task's row is appended to a journal as it finishes (``benchmarks/results/arc_journal/``),
so an interrupted run resumes where it stopped.

* ``--learn``: wake-sleep on the training tasks only (``induct train --domain arc``: search,
  compression into inventions, recognition training on replays and dreams), one iteration
  at a time into ``benchmarks/results/arc_run`` (quick: ``benchmarks/runs/arc_quick``) until its iterations or ``--learn-minutes``
  are spent; rerunning resumes it.  The evaluation split is then searched with the final
  library and model.  The training row is then the run's own: its frontiers (found during
  learning, each task searched once at the wake's budget) scored as ARC scores.

Usage:
    python benchmarks/arc.py --quick                 # first 40 of each split, 5 s per task
    python benchmarks/arc.py                         # 400 + 400 at 20 s per task on 2 workers (~2 x 70 min)
    python benchmarks/arc.py --splits evaluation --run runs/arc
    python benchmarks/arc.py --learn --splits evaluation   # learn on training (resumable), then evaluation

Writes benchmarks/results/arc[_quick][_STRATEGY][_Ns][_run][_deductions].json (``_Ns``: a --timeout
other than the default) and prints a table.
The domain's deductions (an output made of input-sized blocks: a hole per block) get a
quarter of each task's time first; ``--no-deductions`` leaves them out, for the row beside.  ``bottom_up``
(observational equivalence: a subprogram whose grids on the examples equal a cheaper one's
is dropped) is compared with plain enumeration by running both.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from _common import RESULTS, journaled_search, metadata, write_result


def two_attempts(frontier, library, task) -> tuple[bool, list]:
    """Whether the two most probable distinct predictions cover every test output."""
    attempts, right = [], True
    for x, y in zip(task.metadata["test_inputs"], task.metadata["test_outputs"]):
        predictive = frontier.predict(library, [x])
        ranked = [k for k, _ in sorted(predictive.items(), key=lambda kv: -kv[1]) if k != "FAILED"][:2]
        guesses = [json.loads(k) for k in ranked]
        attempts.append(len(guesses))
        right = right and any(g == y for g in guesses)
    return right, attempts


def run_split(label: str, tasks: list, prior_for, library, timeout: float, workers: int, journal: Path,
              strategy: str, deductions: tuple) -> dict:
    from induct.search import SearchConfig

    def row_of(task, frontier) -> dict:
        right, _ = two_attempts(frontier, library, task)
        return {"correct": right, "train_fit": frontier.solved,
                "best": str(frontier.best.program) if frontier.best else None,
                "programs_tried": frontier.stats.programs_tried, "error": frontier.stats.error}

    config = SearchConfig(timeout=timeout, max_frontier=10, deductions=deductions,
                          decompose=0.25 if deductions else 0.0)
    rows = journaled_search(label, tasks, prior_for, strategy, config, workers, journal, row_of, "correct")
    tried = sorted(r["programs_tried"] for r in rows)
    return {"tasks": len(rows), "correct": sum(r["correct"] for r in rows),
            "train_pairs_fit": sum(r["train_fit"] for r in rows),
            "fit_but_wrong_on_test": sum(r["train_fit"] and not r["correct"] for r in rows),
            "median_programs_tried": tried[len(tried) // 2] if tried else 0,
            "correct_tasks": sorted(r["task"] for r in rows if r["correct"]), "journal": str(journal)}


def learn(domain, quick: bool, workers: int, minutes: float | None) -> tuple[str, dict]:
    """Wake-sleep on the training tasks (no test split: the evaluation tasks are never seen),
    resuming the run directory; returns it and what learning did, per iteration, with the
    training tasks its frontiers get right as ARC scores them."""
    import dataclasses

    from list_wake_sleep import _learn

    from induct.wake_sleep import TrainConfig, load_state

    # Each wake searches a batch of tasks, those still unsolved first, on a budget in programs
    # (the same whatever the load); a quarter of it goes to the deductions' holes first.
    config = TrainConfig().replace(
        domain="arc", iterations=2 if quick else 4, batch_size=10 if quick else 100, workers=workers, seed=0,
        generative_wake=False, search={"max_programs": 100_000 if quick else 400_000, "timeout": 10 if quick else 30,
                                       "max_frontier": 5},
        # A 32-wide CNN on batches of 16 tasks: a training step on 30 x 30 grids costs about a
        # tenth of the default 64-wide one on 32 tasks, which on 2 cores runs at about 0.1 step/s.
        recognition={"hidden_dim": 32, "batch_size": 16, "steps": 30 if quick else 300,
                     "seconds": 60 if quick else 300, "n_dreams": 60 if quick else 300,
                     "dream_seconds": 30 if quick else 90},
        compression={"iterations": 3})
    # The full run is kept with the results (about 2 MB), so learning resumes in a later sitting.
    run_dir = RESULTS.parent / "runs" / "arc_quick" if quick else RESULTS / "arc_run"
    learning_domain = dataclasses.replace(domain, test_splits=())
    budget = (minutes if minutes is not None else (4 if quick else 55)) * 60
    metrics = _learn("arc", config, run_dir, budget, None, domain=learning_domain)
    state = load_state(run_dir, learning_domain)
    train, _ = domain.load_tasks()
    right = sorted(t.name for t in train if t.name in state.frontiers and state.frontiers[t.name].solved
                   and two_attempts(state.frontiers[t.name], state.library, t)[0])
    return str(run_dir), {
        "config": config.to_dict(), "run": str(run_dir), "iterations": state.iteration,
        "minutes": round(sum(m.get("seconds", 0) for m in metrics) / 60, 1),
        "train_pairs_fit": sum(f.solved for f in state.frontiers.values()), "train_correct": len(right),
        "train_correct_tasks": right, "inventions": [f"{p.name} = {p.program}" for p in state.library.inventions],
        "per_iteration": [{k: m.get(k) for k in ("iteration", "batch", "train_solved_batch", "train_solved_total",
                                                 "new_inventions", "library_size", "seconds")} for m in metrics]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the first 40 tasks of each split at 5 s")
    parser.add_argument("--splits", default="training,evaluation", help="training, evaluation or both")
    parser.add_argument("--timeout", type=float, default=None, help="seconds per task (default 20; quick 5)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--strategy", default="enumerate")
    parser.add_argument("--run", help="a trained run (induct train --domain arc): its library and recognition model")
    parser.add_argument("--learn", action="store_true",
                        help="wake-sleep on the training tasks first (resumable), then search with its final state")
    parser.add_argument("--learn-minutes", type=float, default=None, help="learning budget (default 55; quick 4)")
    parser.add_argument("--limit", type=int, default=None, help="the first N tasks of each split")
    parser.add_argument("--no-deductions", action="store_true",
                        help="search without the domain's deductions (the blocks of an output as holes)")
    parser.add_argument("--deducible", action="store_true",
                        help="only the tasks some deduction of the domain applies to (read from train pairs alone)")
    parser.add_argument("--tag", default="", help="a label for this run's journals and result file (a variant "
                        "compared with another run of the same settings)")
    args = parser.parse_args()
    from induct.domain import get_domain
    from induct.domains.arc.data import DATA_VERSION
    from induct.grammar import Grammar

    domain = get_domain("arc")
    train, evaluation = domain.load_tasks()
    library = domain.load_library()
    prior_for = lambda part: Grammar.uniform(library)  # noqa: E731
    prior_name = "base DSL, uniform weights"
    learned = None
    if args.learn:
        if args.run:
            parser.error("--learn makes its own run: leave out --run")
        args.run, learned = learn(domain, args.quick, args.workers, args.learn_minutes)
    if args.run:
        from induct.wake_sleep import load_state

        state = load_state(Path(args.run), domain)
        library = state.library
        if state.model is not None:
            from induct.recognition.prior import task_grammars

            prior_for = lambda part: task_grammars(state.model, part)  # noqa: E731
        else:
            prior_for = lambda part: Grammar.from_library(library)  # noqa: E731
        prior_name = f"run {args.run} (iteration {state.iteration})"
    limit = args.limit if args.limit is not None else (40 if args.quick else None)
    timeout = args.timeout if args.timeout is not None else (5 if args.quick else 20)
    suffix = "_quick" if args.quick else ""
    deductions = () if args.no_deductions else domain.deductions
    tag = (f"{args.strategy}_{int(timeout)}s" + ("_run" if args.run else "") + ("_deductions" if deductions else "")
           + ("_deducible" if args.deducible else "") + (f"_{args.tag}" if args.tag else ""))
    journals = RESULTS / "arc_journal"
    journals.mkdir(parents=True, exist_ok=True)
    result = {"benchmark": "arc", **metadata(), "data": DATA_VERSION, "prior": prior_name, "learning": learned,
              "tag": args.tag, "settings": {"timeout": timeout, "workers": args.workers, "strategy": args.strategy,
                           "limit": limit, "attempts": 2, "deducible_only": args.deducible,
                           "deductions": [d.name for d in deductions]}, "splits": {}}
    for split in [s.strip() for s in args.splits.split(",") if s.strip()]:
        if split not in ("training", "evaluation"):
            parser.error(f"unknown split {split!r}: training or evaluation")
        tasks = (train if split == "training" else evaluation)[:limit]
        if args.deducible:
            from induct.search.decompose import subproblems

            tasks = [t for t in tasks if subproblems(t, library, domain.deductions)]
        journal = journals / f"{split}{suffix}_{tag}.jsonl"
        row = run_split(split, tasks, prior_for, library, timeout, args.workers, journal, args.strategy, deductions)
        row["in_sample"] = split == "training"
        result["splits"][split] = row
        default_timeout = 5 if args.quick else 20
        path = write_result(f"arc{suffix}" + ("" if args.strategy == "enumerate" else f"_{args.strategy}")
                            + ("" if timeout == default_timeout else f"_{timeout:g}s")
                            + ("_run" if args.run else "") + ("_deductions" if deductions else "")
                            + ("_deducible" if args.deducible else "") + (f"_{args.tag}" if args.tag else ""), result)
    print(f"\n{'split':<12} {'correct':>9} {'fit train':>10} {'fit, wrong':>11}   prior: {prior_name}; "
          f"{timeout:g} s per task, 2 attempts; deductions: {', '.join(d.name for d in deductions) or 'none'}")
    for split, r in result["splits"].items():
        note = "  (in-sample for the DSL's design)" if r["in_sample"] else ""
        print(f"{split:<12} {r['correct']:>4}/{r['tasks']:<4} {r['train_pairs_fit']:>10} "
              f"{r['fit_but_wrong_on_test']:>11}{note}")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
