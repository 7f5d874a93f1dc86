"""DreamCoder's list protocol on this machine: wake-sleep on the train split, then test.

Learns on the 109 list train tasks for as many iterations as fit the training budget
(default 90 minutes of wall time on 2 cores, counted from the run's own metrics so that a
resumed run keeps to it; an iteration starts only if one as long as the last still
fits), testing cheaply after every iteration (a program budget per task; these passes
measure and do not learn, so their time is not counted in the training budget), then
tests the final library and recognition model on the 109 test tasks (``test`` +
``dropped_easy_test``) at 30 s per task; the tasks left are then searched with
the library's own prior at half that, reported apart.  The run directory is kept: rerunning
the script resumes it where it stopped.  Ablations (no recognition model; no compression; no
decomposition of map- and filter-shaped tasks) run at ``--quick`` sizes beside the full
configuration.

Usage:
    python benchmarks/list_wake_sleep.py                 # ~2 hours: learn 90 min (+ test passes), test 109 × 30 s / 2
    python benchmarks/list_wake_sleep.py --quick         # a few minutes, with the ablations
    python benchmarks/list_wake_sleep.py --ablations     # full run plus quick-sized ablations

Writes benchmarks/results/list_wake_sleep[_quick].json and prints a table.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from _common import ROOT, metadata, write_result


def _config(quick: bool, domain: str = "lists", **changes):
    from induct.wake_sleep import TrainConfig

    if quick:
        base = TrainConfig().replace(domain=domain, iterations=2, batch_size=24, test_max_programs=30_000,
                                     test_timeout=10, seed=0, search={"max_programs": 30_000, "timeout": 10},
                                     recognition={"steps": 100, "n_dreams": 100}, compression={"iterations": 3})
    else:
        base = TrainConfig().replace(domain=domain, iterations=100, batch_size=40, test_max_programs=20_000,
                                     test_timeout=10, seed=0, search={"max_programs": 400_000, "timeout": 30},
                                     recognition={"steps": 600, "n_dreams": 500}, compression={"iterations": 5})
    return base.replace(**changes)


def _learning_seconds(metrics: dict) -> float:
    """An iteration's wall time less its test pass (which measures and does not learn)."""
    return metrics.get("seconds", 0) - metrics.get("test_seconds", 0)


def _learn(name: str, config, run_dir: Path, budget_seconds: float, quick_tasks: int | None,
           domain=None) -> list[dict]:
    """Train one iteration at a time until the configured iterations or the budget is spent
    (``domain``: the one to learn on, by default the registered domain ``config.domain``)."""
    from induct.wake_sleep import Domain, get_domain, resume, train

    domain = domain or get_domain(config.domain)
    if quick_tasks:
        train_tasks, test_tasks = domain.load_tasks()
        # Every k-th task of each split: a fixed subset, not chosen by results.
        step_train = max(1, len(train_tasks) // quick_tasks)
        step_test = max(1, len(test_tasks) // quick_tasks)
        domain = Domain(f"{config.domain}-quick", domain.grammar,
                        tuple(train_tasks[::step_train] + test_tasks[::step_test]), "train", domain.test_splits)
    from induct.wake_sleep import load_state

    state = load_state(run_dir, domain) if (run_dir / "config.toml").exists() else None
    spent = sum(_learning_seconds(m) for m in (state.metrics if state else []))
    iteration = state.iteration if state else 0
    result = None

    def fits() -> bool:
        # Another iteration starts only if one as long as the last still fits the budget.
        metrics = result.metrics if result else (state.metrics if state else [])
        last = _learning_seconds(metrics[-1]) if metrics else 0
        return spent + last <= budget_seconds

    while iteration < config.iterations and fits():
        target = iteration + 1
        if iteration == 0 and not (run_dir / "config.toml").exists():
            result = train(config.replace(iterations=1), run_dir, domain=domain, overwrite=True)
        else:
            result = resume(run_dir, domain=domain, iterations=target)
        iteration = result.state.iteration
        spent = sum(_learning_seconds(m) for m in result.metrics)
        print(f"{name}: iteration {iteration} done, {spent / 60:.1f} of {budget_seconds / 60:.0f} min used",
              file=sys.stderr)
    if result is None and state is not None:
        return state.metrics
    return result.metrics if result else []


def _final_test(run_dir: Path, timeout: float, workers: int, quick_tasks: int | None,
                fallback_timeout: float = 0.0, decompose: float = 0.25, domain_name: str = "lists") -> dict:
    """Search the test tasks with the final library and recognition model at ``timeout`` s each
    (and, with ``fallback_timeout``, the tasks left with the library's prior, reported apart)."""
    from induct.grammar import Grammar
    from induct.search import SearchConfig, solve_tasks
    from induct.wake_sleep import get_domain
    from induct.wake_sleep import load_state

    domain = get_domain(domain_name)
    state = load_state(run_dir, domain)
    _, test_tasks = domain.load_tasks()
    if quick_tasks:
        test_tasks = test_tasks[:: max(1, len(test_tasks) // quick_tasks)]
    if state.model is not None:
        from induct.recognition.prior import task_grammars

        grammar = task_grammars(state.model, test_tasks)
    else:
        grammar = Grammar.from_library(state.library)
    started = time.monotonic()

    def progress(p, what: str = "final test") -> None:
        sys.stderr.write(f"\r{what}: {p.done}/{p.total}, solved {p.solved}, {p.elapsed:.0f} s ")
        sys.stderr.flush()

    frontiers = solve_tasks(test_tasks, grammar, "enumerate", SearchConfig(timeout=timeout, decompose=decompose),
                            workers, progress)
    sys.stderr.write("\n")
    times = sorted(f.stats.time_to_first_solution for f in frontiers.values()
                   if f.solved and f.stats.time_to_first_solution is not None)
    out = {"solved": sum(f.solved for f in frontiers.values()), "total": len(test_tasks),
           "timeout": timeout, "median_time_to_solve": times[len(times) // 2] if times else None,
           "seconds": time.monotonic() - started,
           "solved_tasks": sorted(n for n, f in frontiers.items() if f.solved)}
    left = [t for t in test_tasks if not frontiers[t.name].solved]
    if state.model is not None and fallback_timeout > 0 and left:
        # Beyond the protocol, reported apart: the tasks left, searched again with the library's
        # own prior (as the wake does), fallback_timeout seconds each.
        started = time.monotonic()
        again = solve_tasks(left, Grammar.from_library(state.library), "enumerate",
                            SearchConfig(timeout=fallback_timeout, decompose=decompose), workers,
                            lambda p: progress(p, "then the library prior"))
        sys.stderr.write("\n")
        out["library_prior_after"] = {"timeout": fallback_timeout, "searched": len(left),
                                      "solved_tasks": sorted(n for n, f in again.items() if f.solved),
                                      "seconds": time.monotonic() - started}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (a few minutes), ablations included")
    parser.add_argument("--ablations", action="store_true", help="also run the ablations (at quick sizes)")
    parser.add_argument("--train-minutes", type=float, default=None, help="training budget (default 90; quick 4)")
    parser.add_argument("--test-timeout", type=float, default=None, help="final test seconds per task (default 30; quick 5)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--runs", default=str(ROOT / "benchmarks" / "runs"), help="where run directories go")
    parser.add_argument("--variants", default=None,
                        help="comma-separated subset of full,no-recognition,no-compression,no-decomposition")
    args = parser.parse_args()
    quick = args.quick
    minutes = args.train_minutes if args.train_minutes is not None else (4 if quick else 90)
    test_timeout = args.test_timeout if args.test_timeout is not None else (5 if quick else 30)
    suffix = "_quick" if quick else ""
    variants = [("full", {})]
    if quick or args.ablations:
        variants += [("no-recognition", {"use_recognition": False}), ("no-compression", {"use_compression": False}),
                     ("no-decomposition", {"search.decompose": 0.0})]
    if args.variants:
        wanted = [v.strip() for v in args.variants.split(",") if v.strip()]
        known = {"full": {}, "no-recognition": {"use_recognition": False}, "no-compression": {"use_compression": False},
                 "no-decomposition": {"search.decompose": 0.0}}
        unknown = [v for v in wanted if v not in known]
        if unknown:
            parser.error(f"unknown variant(s) {', '.join(unknown)}; choose from {', '.join(known)}")
        variants = [(v, known[v]) for v in wanted]
    result = {"benchmark": "list_wake_sleep", **metadata(),
              "settings": {"quick": quick, "train_minutes": minutes, "final_test_timeout": test_timeout,
                           "workers": args.workers, "tasks": "DreamCoder list train split; test = test + dropped_easy_test"},
              "variants": {}}
    for name, changes in variants:
        small = quick or name != "full"
        config = _config(small, workers=args.workers, **changes)
        run_dir = Path(args.runs) / (f"list_wake_sleep{suffix}_{name}" if name == "full" or quick
                                     else f"list_wake_sleep_ablation_{name}")
        budget = (minutes if name == "full" else min(minutes, 4)) * 60
        metrics = _learn(name, config, run_dir, budget, 24 if small else None)
        timeout = test_timeout if name == "full" else 5
        final = _final_test(run_dir, timeout, args.workers, 24 if small else None, timeout / 2, config.search.decompose)
        result["variants"][name] = {
            "config": config.to_dict(), "run_dir": str(run_dir),
            "per_iteration": [{"iteration": m["iteration"], "train_solved_total": m["train_solved_total"],
                               "test_solved": m.get("test_solved"), "test_total": m.get("test_total"),
                               "library_size": m["library_size"], "new_inventions": m["new_inventions"],
                               "solved_by_library_prior": m.get("generative_solved", 0),
                               "seconds": round(m.get("seconds", 0), 1),
                               "test_seconds": round(m.get("test_seconds", 0), 1)} for m in metrics],
            "final_test": final,
        }
        # A subset of the variants is written beside the full result, not over it.
        subset = "_" + "_".join(n for n, _ in variants) if args.variants else ""
        path = write_result(f"list_wake_sleep{suffix}{subset}", result)
    print(f"\n{'variant':<16} {'iters':>5} {'train solved':>12} {'test/iter':>20} {'final test':>12} {'median s':>9}")
    for name, v in result["variants"].items():
        per = v["per_iteration"]
        curve = ",".join(str(r["test_solved"]) for r in per if r["test_solved"] is not None)
        f = v["final_test"]
        med = f"{f['median_time_to_solve']:.2f}" if f["median_time_to_solve"] is not None else "-"
        print(f"{name:<16} {len(per):>5} {per[-1]['train_solved_total'] if per else 0:>12} {curve:>20} "
              f"{f['solved']:>5}/{f['total']:<6} {med:>9}")
        if "library_prior_after" in f:
            after = f["library_prior_after"]
            print(f"{'':<16} then the library prior, {after['timeout']:g} s on the {after['searched']} left: "
                  f"+{len(after['solved_tasks'])}")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
