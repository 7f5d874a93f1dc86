"""Samples per second of the MCMC strategy on noisy boolean concept learning (one core).

The task: objects with a colour, shape and size (the concepts grammar), labelled by a
known rule with a few labels flipped; the likelihood is the noisy match (ε = 0.1).  A
"sample" is one Metropolis–Hastings step (a subtree-regeneration proposal, its prior and
likelihood, the accept/reject decision), counted over all tempered chains — the unit
LOTlib3 and Fleet report.  Target: ≥ 10,000 samples/s (LOTlib3 ≈ 1,050/s in Python, Fleet
≈ 30,000/s per thread in C++).

Variants measured:
  compiled, 4 chains    the default strategy (compiled grammar tables, hash-consed trees,
                        column-wise evaluation cached per subtree), parallel tempering
  compiled, 1 chain     plain MH
  compiled, no memo     the hash-consing table cleared at every new node, so every proposal
                        re-evaluates its new subtree and the path to the root (shows how much
                        of the speed is evaluation reuse)
  general, 4 chains     the polymorphic engine (unification in the loop) on the same task

Usage:
    python benchmarks/mcmc_speed.py [--quick] [--repeats R] [--steps S]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from induct.domains.concepts.semantics import make_concept_task  # noqa: E402
from induct.dsl import load_library  # noqa: E402
from induct.grammar import Grammar  # noqa: E402
from induct.likelihood import NoisyMatch  # noqa: E402
from induct.search import mcmc_compiled  # noqa: E402
from induct.search.mcmc import MCMCConfig, run_mcmc  # noqa: E402

RULE = "(lambda (and (or (color-eq (color $0) red) (shape-eq (shape $0) circle)) (not (size-eq (size $0) small))))"
N_OBJECTS = 50
N_FLIPPED = 3
EPSILON = 0.1
TARGET = 10_000


from _common import git_commit as _git_commit  # noqa: E402


def _one_run(task, grammar, config: MCMCConfig, no_memo: bool) -> dict:
    original = mcmc_compiled.CompiledKernel.__init__
    if no_memo:
        def init(self, *args, **kwargs):  # a table of one node: every new node is evaluated afresh
            kwargs["max_nodes"] = 1
            original(self, *args, **kwargs)

        mcmc_compiled.CompiledKernel.__init__ = init  # type: ignore[method-assign]
    try:
        result = run_mcmc(task, grammar, config, likelihood=NoisyMatch(EPSILON))
    finally:
        mcmc_compiled.CompiledKernel.__init__ = original  # type: ignore[method-assign]
    best = result.frontier.best
    return {"samples": result.steps, "seconds": result.seconds, "samples_per_second": result.samples_per_second,
            "acceptance": list(result.acceptance), "swap_acceptance": result.swap_acceptance,
            "distinct_programs": len(result.frontier.entries), "engine": result.engine,
            "best": str(best.program) if best else None,
            "best_log_posterior": best.log_posterior if best else None}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer steps and repeats (well under a minute)")
    parser.add_argument("--repeats", type=int, default=None, help="runs per variant (median reported)")
    parser.add_argument("--steps", type=int, default=None, help="MH steps per chain per run")
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "mcmc_speed.json"))
    args = parser.parse_args(argv)
    repeats = args.repeats or (3 if args.quick else 5)
    steps = args.steps or (10_000 if args.quick else 50_000)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core

    library = load_library("concepts")
    grammar = Grammar.from_library(library)
    task = make_concept_task(RULE, N_OBJECTS, N_FLIPPED, np.random.default_rng(0), name="concept")
    truth = [library.run(library.parse(RULE), e.inputs) for e in task.examples]

    variants = [
        ("compiled, 4 chains", dict(chains=4, engine="compiled"), False, steps),
        ("compiled, 1 chain", dict(chains=1, engine="compiled"), False, steps),
        ("compiled, no memo", dict(chains=4, engine="compiled"), True, steps),
        ("general, 4 chains", dict(chains=4, engine="general"), False, max(500, steps // 20)),
    ]
    load_before = os.getloadavg()
    rows = []
    for name, options, no_memo, n_steps in variants:
        runs = []
        for r in range(repeats):
            config = MCMCConfig(steps=n_steps, max_depth=8, seed=r, **options)
            runs.append(_one_run(task, grammar, config, no_memo))
        best_run = max(runs, key=lambda x: x["best_log_posterior"])
        best_program = library.parse(best_run["best"])
        recovers = [library.run(best_program, e.inputs) for e in task.examples] == truth
        rows.append({"variant": name, "steps_per_chain": n_steps, "repeats": repeats,
                     "median_samples_per_second": statistics.median(x["samples_per_second"] for x in runs),
                     "best_program": best_run["best"], "best_matches_true_rule": recovers, "runs": runs})
    load_after = os.getloadavg()

    print(f"MCMC samples/s on noisy concept learning ({N_OBJECTS} objects, {N_FLIPPED} flipped, "
          f"eps={EPSILON}); median of {repeats}; target >= {TARGET:,}")
    print(f"{'variant':<22}{'samples/s':>12}{'vs target':>11}  {'accept (cold)':>13}  best program = true rule?")
    for row in rows:
        sps = row["median_samples_per_second"]
        accept = statistics.median(r["acceptance"][0] for r in row["runs"])
        print(f"{row['variant']:<22}{sps:>12,.0f}{sps / TARGET:>10.1f}x  {accept:>13.3f}  {row['best_matches_true_rule']}")
    print(f"reference: LOTlib3 ~1,050/s, Fleet (C++) ~30,000/s per thread; load {load_before} -> {load_after}")

    out = {
        "benchmark": "mcmc_speed",
        "commit": _git_commit(),
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": {"platform": platform.platform(), "processor": platform.processor(),
                    "python": platform.python_version(), "cpu_count": os.cpu_count(), "cores_used": 1},
        "load": {"before": list(load_before), "after": list(load_after)},
        "quick": args.quick,
        "task": {"rule": RULE, "objects": N_OBJECTS, "flipped": N_FLIPPED, "epsilon": EPSILON,
                 "grammar": "concepts", "max_depth": 8},
        "target_samples_per_second": TARGET,
        "reference": {"LOTlib3": 1050, "Fleet_per_thread": 30000},
        "sample_definition": "one Metropolis-Hastings step (proposal, scoring, accept/reject), summed over chains",
        "results": rows,
    }
    path = Path(args.out)
    if args.quick and path.name == "mcmc_speed.json":
        path = path.with_name("mcmc_speed_quick.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=2) + "\n")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
