"""Does the neural prior make search cheaper?  Base grammar vs predicted grammars on list tasks.

Protocol (DreamCoder's list domain, ../shared/data/dreamcoder_list_tasks.json):
  1. wake: enumerate every *train* task with the base grammar (the library's own weights)
     for ``--train-timeout`` s; the solved ones are the replays;
  2. sleep: for each seed, a recognition model (contextual head) is trained on those
     replays plus dreams (programs enumerated from the base grammar, run on the train
     tasks' inputs) for ``--steps`` gradient steps; training throughput is measured;
  3. test: every *test* task (splits ``test`` + ``dropped_easy_test``, 109 tasks) is
     enumerated for ``--timeout`` s with the base grammar and with each seed's predicted
     grammar; jobs of all conditions are interleaved in one process pool so that they
     share the machine's load alike.

Reported: tasks solved per condition (mean ± sd over seeds), the median number of
programs enumerated before the first solution over the tasks both the base grammar and a
model solve, and its ratio (base / predicted); held-out −log prior of the base grammar's
test solutions under each prior; training gradient steps/s and tasks/s.  Nothing is fitted
on test tasks.  Targets (issue 4): ≥ 10× fewer programs, more tasks solved.

Usage:
    python benchmarks/recognition.py [--quick] [--seeds 3] [--timeout 10] [--workers 2]
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any


ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATA = ROOT.parent / "shared" / "data" / "dreamcoder_list_tasks.json"
TEST_SPLITS = ("test", "dropped_easy_test")
TARGET_RATIO = 10.0


from _common import git_commit as _git_commit  # noqa: E402


# --- search jobs (run in worker processes; grammars travel as logits) -----------------------
_WORKER: dict[str, Any] = {}


def _init_worker(task_file: str) -> None:
    from induct.dsl import load_library
    from induct.tasks import load_tasks

    _WORKER["library"] = load_library("lists")
    _WORKER["tasks"] = {(t.name, t.split): t for t in load_tasks(task_file)}


def _search_job(job: tuple[str, str, str, Any, float]) -> tuple[str, str, str, dict]:
    """Enumerate one task with the base grammar (logits None) or a predicted one."""
    from induct.grammar import Grammar
    from induct.recognition import grammar_from_logits
    from induct.search.base import SearchConfig, get_strategy

    condition, name, split, logits, timeout = job
    library = _WORKER["library"]
    task = _WORKER["tasks"][(name, split)]
    grammar = Grammar.from_library(library) if logits is None else grammar_from_logits(logits, library)
    config = SearchConfig(timeout=timeout, max_frontier=5)
    start = time.monotonic()
    frontier = get_strategy("enumerate").search(task, grammar, config, start + timeout)
    return condition, name, split, frontier.to_json()


def run_searches(jobs: list[tuple], workers: int, task_file: str) -> list[tuple[str, str, str, dict]]:
    ctx = get_context("spawn")  # JAX is running in this process: never fork it
    with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker, initargs=(task_file,)) as pool:
        return list(pool.map(_search_job, jobs, chunksize=1))


# --- the benchmark --------------------------------------------------------------------------
def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="a few minutes: fewer tasks, shorter budgets")
    ap.add_argument("--seeds", type=int, default=None, help="models trained (default 3; quick 1)")
    ap.add_argument("--timeout", type=float, default=None, help="seconds per test task (default 10; quick 2)")
    ap.add_argument("--train-timeout", type=float, default=None, help="seconds per train task (default 10; quick 2)")
    ap.add_argument("--steps", type=int, default=None, help="gradient steps per model (default 3000; quick 300)")
    ap.add_argument("--dreams", type=int, default=None, help="dreams per model (default 2000; quick 300)")
    ap.add_argument("--workers", type=int, default=None, help="search processes (default: CPU count)")
    ap.add_argument("--tasks", default=str(DATA), help="task file (default: DreamCoder's list tasks)")
    ap.add_argument("--output", default=None, help="JSON result path")
    ap.add_argument("--save-model", default=None, metavar="PATH",
                    help="also save seed 0's model (for `induct solve --prior PATH`)")
    args = ap.parse_args()

    import jax

    from induct.dsl import load_library
    from induct.grammar import Grammar
    from induct.recognition import RecognitionConfig, RecognitionModel, predict_logits, save, train
    from induct.search.frontier import Frontier
    from induct.tasks import load_tasks

    quick = args.quick
    seeds = args.seeds or (1 if quick else 3)
    timeout = args.timeout or (2.0 if quick else 10.0)
    train_timeout = args.train_timeout or (2.0 if quick else 10.0)
    steps = args.steps or (300 if quick else 3000)
    n_dreams = args.dreams or (300 if quick else 2000)
    workers = args.workers or os.cpu_count() or 1
    output = Path(args.output) if args.output else ROOT / "benchmarks" / "results" / (
        "recognition_quick.json" if quick else "recognition.json")
    load_start = os.getloadavg()

    library = load_library("lists")
    train_tasks = load_tasks(args.tasks, "train")
    test_tasks = load_tasks(args.tasks, TEST_SPLITS)
    if quick:
        train_tasks, test_tasks = train_tasks[::3], test_tasks[::4]
    print(f"{len(train_tasks)} train tasks, {len(test_tasks)} test tasks, {workers} search workers", file=sys.stderr)

    # 1. wake on the train split with the base grammar
    t0 = time.perf_counter()
    results = run_searches([("base", t.name, t.split, None, train_timeout) for t in train_tasks], workers, args.tasks)
    train_frontiers = {name: Frontier.from_json(f, library) for _, name, _, f in results}
    n_replays = sum(f.solved for f in train_frontiers.values())
    wake_seconds = time.perf_counter() - t0
    print(f"wake: {n_replays}/{len(train_tasks)} train tasks solved by the base grammar "
          f"({wake_seconds:.0f} s)", file=sys.stderr)

    # 2. sleep: one model per seed
    config = RecognitionConfig(steps=steps, n_dreams=n_dreams, batch_size=32, learning_rate=1e-3,
                               progress=True)
    models, training = [], []
    for seed in range(seeds):
        key = jax.random.key(seed)
        k_init, k_train = jax.random.split(key)
        model = RecognitionModel.init(k_init, library, "tokens", config)
        model, metrics = train(model, train_frontiers, train_tasks, library, config, k_train)
        # steady-state throughput: a second, short run on the same compiled step
        t1 = time.perf_counter()
        _, more = train(model, train_frontiers, train_tasks, library,
                        config.replace(steps=max(50, steps // 10), progress=False), k_train,
                        dreams=[])
        metrics["steady_steps_per_second"] = more["steps_per_second"]
        metrics["steady_tasks_per_second"] = more["tasks_per_second"]
        metrics.pop("loss_curve", None)
        models.append(model)
        training.append(metrics)
        print(f"seed {seed}: {metrics['replays']} replays + {metrics['dreams']} dreams, "
              f"loss {metrics['loss_first']:.2f} -> {metrics['loss_last']:.2f}, "
              f"{metrics['steady_steps_per_second']:.1f} steps/s", file=sys.stderr)

    if args.save_model:
        save(models[0], args.save_model)

    # 3. test: base vs each model, interleaved
    predicted = [predict_logits(m, test_tasks) for m in models]
    jobs = []
    for i, t in enumerate(test_tasks):
        jobs.append(("base", t.name, t.split, None, timeout))
        for s in range(seeds):
            jobs.append((f"seed{s}", t.name, t.split, predicted[s][i], timeout))
    t2 = time.perf_counter()
    results = run_searches(jobs, workers, args.tasks)
    test_seconds = time.perf_counter() - t2
    by_condition: dict[str, dict[tuple[str, str], dict]] = {}
    for condition, name, split, f in results:
        by_condition.setdefault(condition, {})[(name, split)] = f

    base = by_condition["base"]

    def solved(f: dict) -> bool:
        return f["stats"]["programs_before_first_solution"] is not None and bool(f["entries"])

    def held_out(s: int) -> tuple[float, float]:
        """Mean −log prior of the base grammar's test solutions under base and model s."""
        from induct.recognition import grammar_from_logits

        g0 = Grammar.from_library(library)
        a, b = [], []
        for i, t in enumerate(test_tasks):
            f = base[(t.name, t.split)]
            if solved(f):
                p = library.parse(f["entries"][0]["program"])
                a.append(-g0.log_prior(p, t.request_type))
                b.append(-grammar_from_logits(predicted[s][i], library).log_prior(p, t.request_type))
        return (statistics.mean(a) if a else math.nan, statistics.mean(b) if b else math.nan)

    per_seed = []
    for s in range(seeds):
        mine = by_condition[f"seed{s}"]
        both = [k for k in base if solved(base[k]) and solved(mine[k])]
        base_programs = [base[k]["stats"]["programs_before_first_solution"] for k in both]
        model_programs = [mine[k]["stats"]["programs_before_first_solution"] for k in both]
        ratios = [(b + 1) / (m + 1) for b, m in zip(base_programs, model_programs)]
        nll_base, nll_model = held_out(s)
        per_seed.append({
            "seed": s,
            "solved": sum(solved(f) for f in mine.values()),
            "solved_by_both": len(both),
            "only_model": sum(1 for k in mine if solved(mine[k]) and not solved(base[k])),
            "only_base": sum(1 for k in mine if solved(base[k]) and not solved(mine[k])),
            "median_programs_base": statistics.median(base_programs) if both else None,
            "median_programs_model": statistics.median(model_programs) if both else None,
            "median_ratio": (statistics.median(base_programs) / max(statistics.median(model_programs), 1))
            if both else None,
            "geometric_mean_per_task_ratio": math.exp(statistics.mean(math.log(r) for r in ratios)) if ratios else None,
            "heldout_nll_base": nll_base,
            "heldout_nll_model": nll_model,
        })

    def mean_sd(xs: list[float]) -> dict[str, float | None]:
        xs = [x for x in xs if x is not None]
        if not xs:
            return {"mean": None, "sd": None}
        return {"mean": statistics.mean(xs), "sd": statistics.stdev(xs) if len(xs) > 1 else 0.0}

    base_solved = sum(solved(f) for f in base.values())
    summary = {
        "base_solved": base_solved,
        "model_solved": mean_sd([r["solved"] for r in per_seed]),
        "median_programs_base": mean_sd([r["median_programs_base"] for r in per_seed]),
        "median_programs_model": mean_sd([r["median_programs_model"] for r in per_seed]),
        "median_ratio": mean_sd([r["median_ratio"] for r in per_seed]),
        "steps_per_second": mean_sd([m["steady_steps_per_second"] for m in training]),
        "tasks_per_second": mean_sd([m["steady_tasks_per_second"] for m in training]),
        "target_ratio": TARGET_RATIO,
        "meets_ratio_target": all(r["median_ratio"] is not None and r["median_ratio"] >= TARGET_RATIO
                                  for r in per_seed),
        "meets_solved_target": all(r["solved"] > base_solved for r in per_seed),
    }
    record = {
        "benchmark": "recognition",
        "quick": quick,
        "commit": _git_commit(),
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": {"platform": platform.platform(), "processor": platform.processor(),
                    "cpu_count": os.cpu_count(), "jax_backend": jax.default_backend(),
                    "jax_devices": [str(d) for d in jax.devices()]},
        "load": {"start": load_start, "end": os.getloadavg()},
        "protocol": {"train_tasks": len(train_tasks), "test_tasks": len(test_tasks), "seeds": seeds,
                     "timeout": timeout, "train_timeout": train_timeout, "workers": workers,
                     "strategy": "enumerate", "base_grammar": "library weights (Grammar.from_library)",
                     "config": {k: v for k, v in config.__dict__.items()}},
        "wake": {"train_solved": n_replays, "seconds": wake_seconds},
        "test_seconds": test_seconds,
        "training": training,
        "per_seed": per_seed,
        "summary": summary,
        "per_task": {f"{name}|{split}": {c: by_condition[c][(name, split)]["stats"]["programs_before_first_solution"]
                                        for c in by_condition}
                     for (name, split) in base},
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(record, indent=2, default=str) + "\n")
    _print_table(record)
    print(f"wrote {output}")


def _fmt(ms: dict[str, Any], digits: int = 1) -> str:
    if ms["mean"] is None:
        return "-"
    return f"{ms['mean']:.{digits}f} ± {ms['sd']:.{digits}f}"


def _print_table(r: dict) -> None:
    s, p = r["summary"], r["protocol"]
    n = p["test_tasks"]
    print(f"\nrecognition benchmark ({'quick' if r['quick'] else 'full'}), {n} test tasks at {p['timeout']:g} s, "
          f"{p['seeds']} seed(s); replays: {r['wake']['train_solved']}/{p['train_tasks']} train tasks")
    print(f"{'':34}{'base grammar':>16}{'predicted':>20}{'target':>14}")
    print(f"{'tasks solved':34}{s['base_solved']:>16}{_fmt(s['model_solved']):>20}{'> base':>14}")
    print(f"{'median programs before solution':34}{_fmt(s['median_programs_base'], 0):>16}"
          f"{_fmt(s['median_programs_model'], 0):>20}{'':>14}")
    print(f"{'  ratio base / predicted':34}{'':>16}{_fmt(s['median_ratio']):>20}{'≥ 10×':>14}")
    print(f"{'training gradient steps/s (CPU)':34}{'':>16}{_fmt(s['steps_per_second']):>20}")
    print(f"{'training tasks/s (CPU)':34}{'':>16}{_fmt(s['tasks_per_second']):>20}")
    for row in r["per_seed"]:
        print(f"  seed {row['seed']}: solved {row['solved']} (both {row['solved_by_both']}, only model "
              f"{row['only_model']}, only base {row['only_base']}), median programs {row['median_programs_base']} -> "
              f"{row['median_programs_model']}, held-out −log prior {row['heldout_nll_base']:.2f} -> "
              f"{row['heldout_nll_model']:.2f}")


if __name__ == "__main__":
    main()
