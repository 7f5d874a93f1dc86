"""How fast does the recognition model train, and where does the time go?  CPU vs GPU.

The recognition model (contextual head, conv encoder) is trained on dreams of the list
domain's library (programs enumerated in prior order, run on the train tasks' inputs),
as the dream sleep does.  For each batch size it measures:

  * ``loop``: :func:`induct.recognition.train` itself, steady state (a first, untimed call
    compiles the step for every padded shape; the calls after it are timed): host-side
    batching (padding, features, program arrays) plus the jitted Adam step;
  * ``step``: the jitted step alone, on one batch already on the device (timed with
    ``block_until_ready``), that is, the accelerator's share.

Each figure is the median of ``--repeats`` timed runs.  JAX picks its default backend; run
it once with ``JAX_PLATFORMS=cpu`` beside a GPU run to compare on the same machine.  The
backend's name is in the output file's name.

Usage:
    python benchmarks/recognition_training.py [--quick] [--batch-sizes 32,128,512]
    JAX_PLATFORMS=cpu python benchmarks/recognition_training.py --quick
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from _common import RESULTS, metadata, write_result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer steps and dreams (about a minute on a CPU)")
    ap.add_argument("--batch-sizes", default=None, help="comma-separated tasks per step (default 32,128,512; quick 32,128)")
    ap.add_argument("--steps", type=int, default=None, help="timed steps per run (default 200; quick 40)")
    ap.add_argument("--dreams", type=int, default=None, help="dreams to train on (default 1000; quick 200)")
    ap.add_argument("--repeats", type=int, default=3, help="timed runs per figure (median reported)")
    ap.add_argument("--hidden", type=int, default=64, help="hidden width of the network (default 64, as in training)")
    args = ap.parse_args()
    quick = args.quick
    sizes = [int(s) for s in (args.batch_sizes or ("32,128" if quick else "32,128,512")).split(",")]
    steps = args.steps or (40 if quick else 200)
    n_dreams = args.dreams or (200 if quick else 1000)
    if min(sizes) < 1 or steps < 1 or n_dreams < 1 or args.repeats < 1:
        ap.error("batch sizes, --steps, --dreams and --repeats must be at least 1")

    started = metadata()  # the load before the run
    import jax

    from induct.recognition import RecognitionConfig, RecognitionModel, train
    from induct.recognition.model import network, prior_logits
    from induct.recognition.training import _batch_items, _steps, make_batch, make_dreams, training_items
    from induct.recognition.dreams import numpy_rng
    from induct.wake_sleep import get_domain

    domain = get_domain("lists")
    train_tasks, _ = domain.load_tasks()
    library = domain.load_library()
    backend = jax.default_backend()
    devices = [str(d) for d in jax.devices()]
    print(f"backend {backend} ({', '.join(devices)}); {len(train_tasks)} train tasks", file=sys.stderr)

    base = RecognitionConfig(hidden_dim=args.hidden, n_dreams=n_dreams, steps=steps, progress=False)
    t0 = time.perf_counter()
    dreams = make_dreams(library, train_tasks, base, jax.random.key(0))
    dream_seconds = time.perf_counter() - t0
    print(f"{len(dreams)} dreams in {dream_seconds:.1f} s", file=sys.stderr)

    rows = []
    for size in sizes:
        config = base.replace(batch_size=size)
        model = RecognitionModel.init(jax.random.key(1), library, "tokens", config)
        # loop: the whole training call; a first, untimed call compiles the step for every
        # padded shape that the timed calls will meet
        train(model, {}, train_tasks, library, config, jax.random.key(3), dreams=dreams)
        loops = []
        for r in range(args.repeats):
            _, m = train(model, {}, train_tasks, library, config, jax.random.key(3 + r), dreams=dreams)
            loops.append(m["steps_per_second"])
        # step: the jitted step alone on one batch already on the device
        items = training_items(model, [d.frontier for d in dreams], {d.task.name: d.task for d in dreams}, "dream")
        batch = _batch_items([], items, size, config.dream_fraction, numpy_rng(jax.random.key(4)))
        feats, progs = make_batch(model, batch)
        optimizer, step, _ = _steps(network(config, model.featurizer, model.layout), config.learning_rate)
        params, opt_state = model.params, optimizer.init(model.params)
        offset = jax.numpy.asarray(prior_logits(model))
        params, opt_state, loss = step(params, opt_state, feats, progs, offset)
        jax.block_until_ready(loss)
        step_rates = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            for _ in range(steps):
                params, opt_state, loss = step(params, opt_state, feats, progs, offset)
            jax.block_until_ready((params, loss))
            step_rates.append(steps / (time.perf_counter() - start))
        loop_rate, step_rate = statistics.median(loops), statistics.median(step_rates)
        row = {"batch_size": size, "loop_steps_per_second": loop_rate, "loop_tasks_per_second": loop_rate * size,
               "step_steps_per_second": step_rate, "step_tasks_per_second": step_rate * size,
               "step_share_of_loop": loop_rate / step_rate, "loop_runs": loops, "step_runs": step_rates}
        rows.append(row)
        print(f"batch {size:>4}: loop {loop_rate:8.1f} steps/s ({loop_rate * size:9.0f} tasks/s), "
              f"step alone {step_rate:8.1f} steps/s ({step_rate * size:9.0f} tasks/s)", file=sys.stderr)

    result = {"benchmark": "recognition_training", **started, "quick": quick,
              "jax": {"version": jax.__version__, "backend": backend, "devices": devices},
              "settings": {"steps": steps, "repeats": args.repeats, "dreams": len(dreams),
                           "dream_seconds": dream_seconds, "hidden_dim": args.hidden,
                           "head": base.head, "encoder": base.encoder, "embedding_dim": base.embedding_dim},
              "rows": rows}
    name = f"recognition_training_{backend}" + ("_quick" if quick else "")
    path = write_result(name, result)
    print(f"\n{'batch':>6} {'loop steps/s':>13} {'loop tasks/s':>13} {'step steps/s':>13} {'step tasks/s':>13} "
          f"{'step share of loop':>19}")
    for r in rows:
        print(f"{r['batch_size']:>6} {r['loop_steps_per_second']:>13.1f} {r['loop_tasks_per_second']:>13.0f} "
              f"{r['step_steps_per_second']:>13.1f} {r['step_tasks_per_second']:>13.0f} "
              f"{r['step_share_of_loop']:>18.0%}")
    print(f"wrote {path.relative_to(RESULTS.parent.parent)}")


if __name__ == "__main__":
    main()
