"""Training the recognition model with optax on replays and dreams.

Replays are the frontiers of solved training tasks; dreams are fantasies sampled from
the library (:mod:`induct.recognition.dreams`).  Each batch mixes the two
(``dream_fraction``), is padded to a fixed number of tasks and bucketed lengths, and
takes one jitted Adam step on the loss of :mod:`induct.recognition.loss`.
"""

from __future__ import annotations

import functools
import logging
import math
import sys
import time
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import jax
import jax.numpy as jnp
import numpy as np
import optax

from induct.dsl import Library
from induct.errors import InductError
from induct.search.frontier import Frontier
from induct.tasks import Task

from induct.recognition.dreams import Dream, dream, dream_by_enumeration, numpy_rng
from induct.recognition.loss import batch_loss
from induct.recognition.model import RecognitionConfig, RecognitionModel, grow_model, network, prior_logits
from induct.recognition.targets import ContextLayout, ProgramArrays, collate_programs, program_arrays

__all__ = ["TrainingItem", "training_items", "train", "evaluate_loss", "make_batch", "make_dreams", "dream_key"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainingItem:
    """One task ready for the loss: its features and its weighted programs' arrays."""

    name: str
    features: dict[str, np.ndarray]
    programs: tuple[tuple[ProgramArrays, float], ...]
    source: str


def training_items(model: RecognitionModel, frontiers: Sequence[Frontier], tasks: Mapping[str, Task],
                   source: str = "replay") -> list[TrainingItem]:
    """Items for the solved frontiers whose task is in ``tasks`` (by name).

    The ``max_programs`` most probable programs of each frontier are kept, weighted by
    their posterior renormalised over those kept; programs longer than ``max_choices``
    choice points, or that the library cannot score, are left out.
    """
    layout = ContextLayout.of(model.library, model.config.head)
    cache: dict = {}
    out = []
    for f in frontiers:
        task = tasks.get(f.task_name)
        if task is None or not f.solved:
            continue
        weighted: list[tuple[Any, float]] = []
        for e, w in zip(f.entries, f.posterior_weights()):
            if w <= 0 or len(weighted) >= model.config.max_programs:
                continue
            try:
                arrays = program_arrays(e.program, f.request_type, model.library, layout, cache, task)
            except InductError as err:
                log.debug("skipping %s of %s: %s", e.program, f.task_name, err)
                continue
            if arrays.length <= model.config.max_choices:
                weighted.append((arrays, w))
        total = sum(w for _, w in weighted)
        if total <= 0:
            continue
        programs = tuple((a, w / total) for a, w in weighted)
        out.append(TrainingItem(f.task_name, model.featurizer.featurize(task), programs, source))
    return out


def make_batch(model: RecognitionModel, items: Sequence[TrainingItem]) -> tuple[dict, dict]:
    """Features and program arrays for ``items``, padded to ``config.batch_size`` tasks."""
    size = model.config.batch_size
    if not items or len(items) > size:
        raise InductError(f"a batch holds 1 to {size} items, got {len(items)}")
    feats = [it.features for it in items] + [items[0].features] * (size - len(items))
    progs = [list(it.programs) for it in items] + [[] for _ in range(size - len(items))]
    layout = model.layout
    fb = model.featurizer.collate(feats)
    pb = collate_programs(progs, layout.n_outputs, model.config.max_programs, model.config.max_choices)
    return ({k: jnp.asarray(v) for k, v in fb.items()},
            {k: jnp.asarray(getattr(pb, k)) for k in ("context", "chosen", "candidates", "constant",
                                                       "choice_mask", "weight")})


@functools.lru_cache(maxsize=16)
def _steps(net: Any, learning_rate: float) -> tuple[optax.GradientTransformation, Any, Any]:
    optimizer = optax.adam(learning_rate)

    def loss_fn(params, feats, progs, offset):
        return batch_loss(net.apply({"params": params}, feats) + offset[None, None, :], progs)

    @jax.jit
    def step(params, opt_state, feats, progs, offset):
        loss, grads = jax.value_and_grad(loss_fn)(params, feats, progs, offset)
        updates, opt_state = optimizer.update(grads, opt_state, params)
        return optax.apply_updates(params, updates), opt_state, loss

    return optimizer, step, jax.jit(loss_fn)


def evaluate_loss(model: RecognitionModel, items: Sequence[TrainingItem]) -> float:
    """Mean per-task loss of ``items`` (no gradient step)."""
    if not items:
        return math.nan
    _, _, loss_fn = _steps(network(model.config, model.featurizer, model.layout), model.config.learning_rate)
    total, n = 0.0, 0
    offset = jnp.asarray(prior_logits(model))
    size = model.config.batch_size
    for start in range(0, len(items), size):
        chunk = items[start:start + size]
        feats, progs = make_batch(model, chunk)
        total += float(loss_fn(model.params, feats, progs, offset)) * len(chunk)
        n += len(chunk)
    return total / n


class _Progress:
    """A plain-text progress line on stderr (rewritten in place on a terminal)."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.total, self.enabled = total, enabled
        self.tty = enabled and sys.stderr.isatty()
        self.last = 0.0
        self.start = time.perf_counter()

    def update(self, step: int, loss: float, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.perf_counter()
        if not force and now - self.last < (0.5 if self.tty else 10.0):
            return
        self.last = now
        frac = step / self.total if self.total else 1.0
        bar = "#" * int(30 * frac) + "." * (30 - int(30 * frac))
        rate = step / max(now - self.start, 1e-9)
        line = f"recognition [{bar}] {step}/{self.total} steps  loss {loss:.3f}  {rate:.1f} steps/s"
        sys.stderr.write(("\r" + line) if self.tty else line + "\n")
        if self.tty and force:
            sys.stderr.write("\n")
        sys.stderr.flush()


def train(model: RecognitionModel, frontiers_by_task: Mapping[str, Frontier], tasks: Sequence[Task],
          library: Library | None = None, config: RecognitionConfig | None = None,
          key: jax.Array | None = None, dreams: Sequence[Dream] | None = None
          ) -> tuple[RecognitionModel, dict[str, Any]]:
    """Train on replays of ``frontiers_by_task`` and on dreams; returns the new model and metrics.

    Args:
        model: the model to continue from (its head is grown first when ``library``
            has productions it lacks).
        frontiers_by_task: task name -> frontier; the solved ones are replayed.
        tasks: the training tasks (features of replays, inputs and types of dreams).
        library: the current library (default: the model's).
        config: training options (default: the model's config; its architecture
            options must match the model's).
        key: jax PRNG key (dreams and batch order are deterministic functions of it).
        dreams: fantasies to use instead of sampling ``config.n_dreams`` new ones.

    Returns:
        ``(model, metrics)`` where metrics has ``steps``, ``seconds``, ``steps_per_second``,
        ``tasks_per_second``, ``replays``, ``dreams``, ``dream_seconds``, ``loss_first``,
        ``loss_last`` and ``loss_curve`` ([step, mean loss] pairs).
    """
    if key is None:
        raise InductError("train needs an explicit PRNG key, e.g. jax.random.key(0)")
    config = config or model.config
    if config.architecture() != model.config.architecture():
        raise InductError("config changes the architecture of the model "
                          f"({model.config.architecture()} -> {config.architecture()}); init a new model")
    if library is not None and library is not model.library:
        model = grow_model(model, library)
    model = RecognitionModel(model.library, model.featurizer, config, model.params)
    library = model.library
    k_dream, k_order = jax.random.split(key)  # k_dream is dream_key(key)
    t0 = time.perf_counter()
    if dreams is None:
        dreams = make_dreams(library, tasks, config, k_dream)
    dream_seconds = time.perf_counter() - t0
    by_name = {t.name: t for t in tasks}
    replays = training_items(model, list(frontiers_by_task.values()), by_name, "replay")
    fantasies = training_items(model, [d.frontier for d in dreams], {d.task.name: d.task for d in dreams}, "dream")
    metrics: dict[str, Any] = {"replays": len(replays), "dreams": len(fantasies), "dream_seconds": dream_seconds}
    if not replays and not fantasies:
        log.warning("nothing to train on: no solved frontier and no dream")
        metrics.update(steps=0, seconds=0.0, steps_per_second=0.0, tasks_per_second=0.0,
                       loss_first=math.nan, loss_last=math.nan, loss_curve=[])
        return model, metrics
    model, loop = _fit(model, replays, fantasies, numpy_rng(k_order))
    metrics.update(loop)
    return model, metrics


def make_dreams(library: Library, tasks: Sequence[Task], config: RecognitionConfig, key: jax.Array,
                backend: Any = None, workers: int = 0) -> list[Dream]:
    """The fantasies ``config`` asks for (method, number, time budget).

    With a ``backend`` (a name or :class:`~induct.search.backends.Backend`) and ``workers``,
    they are made on its workers, with the same result as in this process.
    """
    where = {"backend": backend, "workers": workers}
    if config.dream_method == "enumerate":
        return dream_by_enumeration(library, tasks, config.n_dreams, key, seconds=config.dream_seconds, **where)
    return dream(library, tasks, config.n_dreams, key, max_depth=config.dream_max_depth,
                 seconds=config.dream_seconds, **where)


def dream_key(key: jax.Array) -> jax.Array:
    """The key :func:`train` makes its dreams with, from the key it is given."""
    return jax.random.split(key)[0]


def _batch_items(replays: Sequence[TrainingItem], fantasies: Sequence[TrainingItem], size: int,
                 dream_fraction: float, rng: np.random.Generator) -> list[TrainingItem]:
    n_dream = int(round(size * dream_fraction)) if replays and fantasies else (size if fantasies else 0)
    n_replay = size - n_dream
    out = [replays[int(i)] for i in rng.integers(len(replays), size=n_replay)] if n_replay else []
    out += [fantasies[int(i)] for i in rng.integers(len(fantasies), size=n_dream)] if n_dream else []
    return out


def _fit(model: RecognitionModel, replays: Sequence[TrainingItem], fantasies: Sequence[TrainingItem],
         rng: np.random.Generator) -> tuple[RecognitionModel, dict[str, Any]]:
    config = model.config
    optimizer, step, _ = _steps(network(config, model.featurizer, model.layout), config.learning_rate)
    params, opt_state = model.params, optimizer.init(model.params)
    offset = jnp.asarray(prior_logits(model))
    progress = _Progress(config.steps, config.progress)
    curve: list[list[float]] = []
    window: list[Any] = []
    start = time.perf_counter()
    deadline = None if config.seconds is None else start + config.seconds
    done = 0
    while done < config.steps and (deadline is None or time.perf_counter() < deadline):
        items = _batch_items(replays, fantasies, config.batch_size, config.dream_fraction, rng)
        feats, progs = make_batch(model, items)
        params, opt_state, loss = step(params, opt_state, feats, progs, offset)
        window.append(loss)
        done += 1
        if done % 25 == 0 or done == config.steps:
            mean = float(np.mean([float(x) for x in window]))
            curve.append([done, mean])
            window.clear()
            progress.update(done, mean)
    if window:
        curve.append([done, float(np.mean([float(x) for x in window]))])
    seconds = time.perf_counter() - start
    progress.update(done, curve[-1][1] if curve else math.nan, force=True)
    loop = {"steps": done, "seconds": seconds, "steps_per_second": done / max(seconds, 1e-9),
            "tasks_per_second": done * config.batch_size / max(seconds, 1e-9),
            "loss_first": curve[0][1] if curve else math.nan, "loss_last": curve[-1][1] if curve else math.nan,
            "loss_curve": curve}
    return model.with_params(params), loop
