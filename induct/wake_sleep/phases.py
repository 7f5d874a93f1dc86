"""The phases of one wake-sleep iteration, each a thin call into its sub-package."""

from __future__ import annotations

import logging
import math
import os
import tempfile
from pathlib import Path
from typing import Any, Callable

import numpy as np

from induct.dsl import Library
from induct.errors import InductError
from induct.grammar import Grammar, PriorError, eta_long, fit_grammar
from induct.search.frontier import Frontier, FrontierEntry
from induct.tasks import Task

log = logging.getLogger("induct.train")

__all__ = ["initial_library", "wake", "abstraction", "refit_weights", "dream", "model_files",
           "model_from_files", "has_model_files"]


def initial_library(library: Library, config) -> Library:
    return library


def _requests(tasks: list[Task]) -> dict[str, Any]:
    return {t.name: t.request_type for t in tasks}


def search_config(config, max_programs: int | None, timeout: float, deductions: tuple | None = None,
                  likelihood: str = "exact"):
    from dataclasses import replace

    extra = {} if deductions is None else {"deductions": tuple(deductions)}
    return replace(config.search, timeout=timeout, max_programs=max_programs, seed=config.seed,
                   likelihood=likelihood, **extra)


def wake(tasks: list[Task], library: Library, model, config, max_programs: int | None, timeout: float,
         progress: Callable[[str, int, int, int], None], generative: bool = False,
         report: dict | None = None, deductions: tuple | None = None,
         likelihood: str = "exact") -> dict[str, Frontier]:
    """Search every task with the recognition model's grammar for it (or the library's prior).

    With ``generative`` (and a model), the tasks the model's grammars leave unsolved are
    searched again, at the same budget, with the library's own prior, as DreamCoder's wake
    searches with both: a task the model steers away from can still be found.  ``progress``
    is called with (pass name, tasks done, tasks in the pass, solved so far); ``report``, if
    given, receives ``generative_solved``, the tasks only that second search solved.
    ``deductions`` are the domain's (None: the search's default), and ``likelihood`` names
    the domain's likelihood model.
    """
    from induct.search.parallel import solve_tasks

    workers = config.workers or (os.cpu_count() or 1)
    settings = search_config(config, max_programs, timeout, deductions, likelihood)
    prior = Grammar.from_library(library)
    grammar: Any = prior
    if model is not None:
        from induct.recognition.prior import task_grammars

        grammar = task_grammars(model, tasks)
    where = {"backend": config.backend, "address": config.address or None}
    found = solve_tasks(tasks, grammar, config.strategy, settings, workers=workers,
                        progress=lambda p: progress("search", p.done, p.total, p.solved), **where)
    unsolved = [t for t in tasks if not found[t.name].solved]
    if model is not None and generative and unsolved:
        solved = len(tasks) - len(unsolved)
        again = solve_tasks(unsolved, prior, config.strategy, settings, workers=workers,
                            progress=lambda p: progress("library prior", p.done, p.total, solved + p.solved), **where)
        rescued = {name: f for name, f in again.items() if f.solved}
        found.update(rescued)
        log.info("wake: the library prior solved %d of the %d tasks the model's grammars did not",
                 len(rescued), len(unsolved))
        if report is not None:
            report["generative_solved"] = len(rescued)
    return found


def abstraction(library: Library, frontiers: dict[str, Frontier], tasks: list[Task], config,
                iteration: int) -> tuple[Library, dict[str, Frontier], list[dict]]:
    """Compress the frontiers into new inventions; rewrite (η-long) and rescore the frontiers."""
    from dataclasses import replace

    from induct.compression import compress_frontiers

    cc = replace(config.compression, name_prefix=f"f{iteration}_")
    weighted = {name: list(zip([e.program for e in f.entries], f.posterior_weights()))
                for name, f in frontiers.items() if f.entries}
    requests = {name: f.request_type for name, f in frontiers.items()}
    new_library, rewritten, inventions = compress_frontiers(weighted, library, cc, requests)
    if new_library is None or not inventions:
        return library, frontiers, []
    grammar = Grammar.from_library(new_library)
    by_name = {t.name: t for t in tasks}
    out: dict[str, Frontier] = {}
    for name, f in frontiers.items():
        entries = []
        # The prior of a task-bound constant is its share of the constants of this task.
        prior = grammar.bind(by_name[name]) if name in by_name else grammar
        programs = [p for p, _ in rewritten.get(name, [])]
        # Entries beyond top_k were not rewritten; keep them as they were.
        kept_originals = sorted(f.entries, key=lambda e: -e.log_posterior)[:config.compression.top_k]
        pairs = list(zip(programs, [e.log_likelihood for e in kept_originals]))
        pairs += [(e.program, e.log_likelihood) for e in f.entries if e not in kept_originals]
        for program, ll in pairs:
            try:
                program = eta_long(program, f.request_type, new_library)
                lp = prior.log_prior(program, f.request_type)
            except (PriorError, InductError) as err:
                log.warning("dropping a rewritten program of %s: %s", name, err)
                continue
            entries.append(FrontierEntry(program, lp, ll))
        out[name] = Frontier(name, f.request_type, tuple(entries), f.stats) if entries else f
    rows = [{"name": inv.name, "type": str(inv.type) if inv.type is not None else None,
             "arity": inv.arity, "uses": inv.uses, "gain": inv.gain} for inv in inventions]
    return new_library, out, rows


def refit_weights(library: Library, frontiers: dict[str, Frontier], tasks: list[Task], config) -> Library:
    """Re-estimate the unigram weights of the library from the frontiers (pseudocounts)."""
    base = Grammar.uniform(library)
    by_name = {t.name: t for t in tasks}
    summaries = []
    for f in frontiers.values():
        # Under the task's own constants, as the search scored the programs.
        scored = base.bind(by_name[f.task_name]) if f.task_name in by_name else base
        for e, w in zip(f.entries, f.posterior_weights()):
            if w <= 0:
                continue
            try:
                summaries.append((scored.summary(e.program, f.request_type), w))
            except PriorError:
                continue
    if not summaries:
        return library
    fitted = fit_grammar(base, summaries, pseudocounts=1.0)
    return library.with_log_weights(dict(zip([p.name for p in library.productions], fitted.log_weights)),
                                    fitted.log_variable)


# --- dream sleep: the recognition model ----------------------------------------------------

def _recognition_config(config, steps: int | None = None):
    from dataclasses import replace

    return replace(config.recognition, progress=False, **({} if steps is None else {"steps": steps}))


FAN_OUT_DREAMS = 1000
"""Dreams asked for from which the dream sleep makes them on the local pool's workers (on Ray:
always, as its workers stay up between calls).  Below it, starting the processes costs more
than they save (measured on 2 cores: 200 dreams take 6.4 s here, 12.9 s on 2 workers)."""


def dream(model, old_library: Library, library: Library, frontiers: dict[str, Frontier], tasks: list[Task],
          config, rng: np.random.Generator, domain, progress: Callable[[str], None]) -> tuple[Any, dict]:
    """Train the recognition model on replays of the solved frontiers and on dreams."""
    import time

    import jax

    from induct.recognition import RecognitionModel, train
    from induct.recognition.training import dream_key, make_dreams

    seed = int(rng.integers(2**31))
    k_init, k_train = jax.random.split(jax.random.key(seed))
    rc = _recognition_config(config)
    if model is None:
        model = RecognitionModel.init(k_init, library, domain.featurizer, rc)
    else:  # a resumed model keeps the shape it was saved with (a run from before an option existed)
        saved = model.config.architecture()
        changed = sorted(k for k, v in rc.architecture().items() if saved.get(k) != v)
        if changed:
            progress(f"the saved recognition model keeps its architecture ({', '.join(changed)} as saved)")
        rc = rc.replace(**saved)
    solved = {name: f for name, f in frontiers.items() if f.solved}
    progress(f"dream sleep: {len(solved)} replays, up to {rc.n_dreams} dreams, {rc.steps} steps")
    # The dreams fan out over the wake phase's backend (train would make the same ones in this
    # process); on the local pool, a few hundred dreams are not worth starting worker processes for.
    started = time.perf_counter()
    fan_out = config.backend == "ray" or rc.n_dreams >= FAN_OUT_DREAMS
    workers = (config.workers or (os.cpu_count() or 1)) if fan_out else 0
    dreams = make_dreams(library, tasks, rc, dream_key(k_train), backend=_backend(config), workers=workers)
    dream_seconds = time.perf_counter() - started
    model, metrics = train(model, solved, tasks, library, rc, k_train, dreams=dreams)
    metrics["dream_seconds"] = dream_seconds
    keep = ("steps", "seconds", "steps_per_second", "tasks_per_second", "replays", "dreams",
            "dream_seconds", "loss_first", "loss_last")
    return model, {k: _plain(metrics.get(k)) for k in keep}


def _backend(config) -> Any:
    from induct.search.backends import get_backend

    return get_backend(config.backend, config.address or None)


def _plain(x: Any) -> Any:
    if isinstance(x, (np.floating, np.integer)):
        x = x.item()
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x


MODEL_FILE = "recognition.msgpack"


def model_files(model) -> dict[str, bytes]:
    from induct.recognition import save

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / MODEL_FILE
        save(model, path)
        return {MODEL_FILE: path.read_bytes()}


def has_model_files(files: dict[str, bytes]) -> bool:
    return MODEL_FILE in files


def model_from_files(files: dict[str, bytes], library: Library, where: str | Path | None = None):
    """The recognition model stored in a checkpoint's files; errors name ``where`` (the
    checkpoint folder), not the temporary copy."""
    from induct.recognition import load

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / MODEL_FILE
        path.write_bytes(files[MODEL_FILE])
        return load(path, library, source=None if where is None else Path(where) / MODEL_FILE)
