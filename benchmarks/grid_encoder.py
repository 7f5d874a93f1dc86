"""How fast does the recognition model train on ARC-shaped grids, with and without pooling?

Tasks are random grids of 3-30 cells a side whose outputs are the inputs rotated or
mirrored (the ARC domain's own primitives), three examples each, so the batches hold every
padded grid size (4, 8, 16, 32 a side) that real ARC tasks do.  For each ``grid_pool``
setting the recognition model is trained for ``--steps`` steps after an untimed call that
compiles every shape; settings are interleaved and repeated, and the median steps per
second of each is reported with their ratio, measured side by side in one run.

Usage:
    python benchmarks/grid_encoder.py [--quick] [--pools 1,2,4]
"""

from __future__ import annotations

import argparse
import statistics
import time

from _common import metadata, write_result


def make_tasks(n: int, seed: int, library):
    import numpy as np

    from induct.domains.arc.data import random_grid_tasks
    from induct.search.frontier import Frontier, FrontierEntry

    programs = [library.parse("(lambda (rot90 $0))"), library.parse("(lambda (flip-h $0))")]
    made = random_grid_tasks(library, programs, n, np.random.default_rng(seed))
    frontiers = {t.name: Frontier(t.name, t.request_type, (FrontierEntry(p, -4.0, 0.0),)) for t, p in made}
    return [t for t, _ in made], frontiers


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer steps and repeats (a few minutes on 2 cores)")
    ap.add_argument("--pools", default="1,2", help="comma-separated grid_pool settings (default 1,2)")
    ap.add_argument("--tasks", type=int, default=64, help="training tasks (default 64)")
    ap.add_argument("--steps", type=int, default=None, help="timed steps per run (default 100; quick 30)")
    ap.add_argument("--repeats", type=int, default=None, help="timed runs per setting (default 3; quick 2)")
    args = ap.parse_args()
    steps = args.steps or (30 if args.quick else 100)
    repeats = args.repeats or (2 if args.quick else 3)
    pools = [int(p) for p in args.pools.split(",")]
    started = metadata()

    import jax

    from induct.domain import get_domain
    from induct.recognition import RecognitionConfig, RecognitionModel, train

    library = get_domain("arc").load_library()
    tasks, frontiers = make_tasks(args.tasks, 0, library)
    rates: dict[int, list[float]] = {p: [] for p in pools}
    losses: dict[int, float] = {}
    models = {}
    for pool in pools:
        config = RecognitionConfig(batch_size=16, steps=steps, n_dreams=0, progress=False, prior_mix=0.0, grid_pool=pool)
        model = RecognitionModel.init(jax.random.key(0), library, "grid", config)
        train(model, frontiers, tasks, library, config.replace(steps=8), jax.random.key(1))  # compile the shapes
        models[pool] = (model, config)
    for rep in range(repeats):
        for pool in pools:
            model, config = models[pool]
            t = time.perf_counter()
            _, m = train(model, frontiers, tasks, library, config, jax.random.key(1))
            rates[pool].append(steps / (time.perf_counter() - t))
            losses[pool] = m["loss_last"]
            print(f"  repeat {rep + 1}/{repeats}, grid_pool {pool}: {rates[pool][-1]:.2f} steps/s", flush=True)
    base = statistics.median(rates[pools[0]])
    rows = [{"grid_pool": p, "steps_per_s": statistics.median(rates[p]), "runs": rates[p],
             "ratio_to_first": statistics.median(rates[p]) / base, "loss_last": losses[p]} for p in pools]
    print(f"\n{'grid_pool':>9} {'steps/s':>8} {'ratio':>6} {'loss':>7}")
    for r in rows:
        print(f"{r['grid_pool']:>9} {r['steps_per_s']:>8.2f} {r['ratio_to_first']:>6.2f} {r['loss_last']:>7.3f}")
    result = {"benchmark": "grid_encoder", **started,
              "settings": {"tasks": args.tasks, "steps": steps, "repeats": repeats, "batch_size": 16,
                           "backend": jax.default_backend()}, "rows": rows}
    print(write_result("grid_encoder_quick" if args.quick else "grid_encoder", result))


if __name__ == "__main__":
    main()
