"""Dreams (fantasies): programs drawn from the library, run on real tasks' inputs.

Two ways to draw them: :func:`dream` samples programs from the prior (each attempt picks
a real training task, samples a program at its request type and runs it on that task's
inputs); :func:`dream_by_enumeration` enumerates each request type's programs in order of
prior probability (DreamCoder's Helmholtz enumeration), which finds far more distinct
behaviours per second under a flat prior, where samples are mostly the same few tiny
programs.  A fantasy is kept only when it succeeds on every input,
its outputs are not all equal, and no other fantasy on the same inputs behaves the
same; among programs that behave alike the most probable one is kept (DreamCoder).
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass
from typing import Any, Sequence

import jax
import numpy as np

from induct.dsl import Library
from induct.grammar import ContextualGrammar, Grammar
from induct.programs import FAILED, Limits, Program
from induct.search.frontier import Frontier, FrontierEntry
from induct.tasks import Example, Task
from induct.types import Type

__all__ = ["Dream", "dream", "dream_by_enumeration", "DREAM_METHODS", "numpy_rng"]

DREAM_METHODS = ("enumerate", "sample")

DREAM_LIMITS = Limits(steps=20_000, seconds=0.05)


@dataclass(frozen=True)
class Dream:
    """A fantasy: the task it defines and its one-program frontier."""

    task: Task
    frontier: Frontier


def numpy_rng(key: jax.Array) -> np.random.Generator:
    """A numpy Generator seeded from a jax PRNG key (for sampling code written in numpy)."""
    data = np.asarray(jax.random.key_data(key)).ravel().astype(np.uint64)
    return np.random.default_rng([int(x) for x in data])


def _behaviour_key(value: Any) -> str | None:
    try:
        return json.dumps(value, sort_keys=True)
    except (TypeError, ValueError):
        return None  # a function or an unprintable value is not a behaviour we can compare


SAMPLE_CHUNKS = 8
"""Jobs :func:`dream` splits its draws into (a fixed number: the result does not depend on the workers)."""


def dream(library: Library, tasks: Sequence[Task], n: int, key: jax.Array,
          grammar: Grammar | ContextualGrammar | None = None, max_depth: int = 6,
          limits: Limits = DREAM_LIMITS, max_attempts: int | None = None,
          seconds: float | None = None, backend: Any = None, workers: int = 0) -> list[Dream]:
    """Up to ``n`` distinct fantasies (fewer when ``max_attempts`` draws do not yield them).

    The draws are split into :data:`SAMPLE_CHUNKS` jobs, each with its own key folded from
    ``key`` and its share of the attempts (and of ``seconds``), that each aim for ``n``
    behaviours; the jobs' fantasies are then merged (the most probable program of each
    behaviour, the earliest draw on a tie), so the result is the same whichever backend or
    how many workers ran the jobs.

    Args:
        library: the current library (its programs run the fantasies).
        tasks: real training tasks, lending their request types and inputs.
        n: how many fantasies to aim for.
        key: a jax PRNG key; the result is a deterministic function of it.
        grammar: the prior to sample from (default: the library's own weights).
        max_depth: depth bound of sampled programs.
        limits: evaluation bounds per input.
        max_attempts: draws allowed in all (default ``50 * n``).
        seconds: optional wall-time budget (the result then depends on the machine's speed).
        backend: where the jobs run (a name or :class:`~induct.search.backends.Backend`);
            None or ``workers=0``: in this process.
        workers: processes (or Ray tasks) to run the jobs on.
    """
    if not tasks or n <= 0:
        return []
    grammar = grammar if grammar is not None else Grammar.from_library(library)
    max_attempts = 50 * n if max_attempts is None else max_attempts
    bounds = [max_attempts * j // SAMPLE_CHUNKS for j in range(SAMPLE_CHUNKS + 1)]
    share = None if seconds is None else seconds / SAMPLE_CHUNKS
    jobs = [(bounds[j], bounds[j + 1], _seed(jax.random.fold_in(key, j))) for j in range(SAMPLE_CHUNKS)
            if bounds[j + 1] > bounds[j]]
    found = _fan_out(_sample_job, grammar, [(list(tasks), n, a, b, words, max_depth, limits, share)
                                            for a, b, words in jobs], backend, workers)
    best: dict[tuple[Type, str], tuple[float, int, int, list, str]] = {}
    for chunk in found:  # in draw order: a later draw replaces a held behaviour only when more probable
        for behaviour, log_prior, attempt, source, outputs, text in chunk:
            held = best.get(behaviour)
            if held is None or log_prior > held[0]:
                best[behaviour] = (log_prior, attempt, source, outputs, text)
    out = []
    for log_prior, attempt, source, outputs, text in sorted(best.values(), key=lambda x: x[1]):
        if not math.isfinite(log_prior):
            continue
        out.append(_fantasy(library, tasks[source], f"dream-{attempt}", outputs, text, log_prior))
    return out[:n]


def _seed(key: jax.Array) -> list[int]:
    return [int(x) for x in np.asarray(jax.random.key_data(key)).ravel().astype(np.uint64)]


def _fantasy(library: Library, source: Task, name: str, outputs: list, text: str, log_prior: float) -> Dream:
    examples = tuple(Example(e.inputs, v) for e, v in zip(source.examples, outputs))
    fantasy = Task(name, source.request_type, examples, "dream", {"dreamed_from": source.name})
    entry = FrontierEntry(library.parse(text), log_prior, 0.0)
    return Dream(fantasy, Frontier(name, source.request_type, (entry,)))


def _fan_out(job: Any, grammar: Any, arguments: list[tuple], backend: Any, workers: int) -> list:
    """``job(grammar, *a)`` for each ``a``: here, or on ``backend``'s workers (the grammar as text)."""
    if backend is None or workers == 0 or len(arguments) <= 1:
        return [job(grammar, *a) for a in arguments]
    from induct.search.backends import get_backend
    from induct.search.parallel import grammar_to_spec

    spec = grammar_to_spec(grammar)
    return get_backend(backend).map(job, [(spec, *a) for a in arguments], workers)


def _grammar(grammar: Any) -> Any:
    if isinstance(grammar, dict):
        from induct.search.parallel import grammar_from_spec

        return grammar_from_spec(grammar)
    return grammar


def _sample_job(grammar: Any, tasks: list[Task], n: int, first: int, last: int, seed: list[int],
                max_depth: int, limits: Limits, seconds: float | None) -> list[tuple]:
    """Draws ``first`` to ``last`` of :func:`dream`: (behaviour, log prior, draw, source, outputs, program)."""
    from induct.programs import show

    grammar = _grammar(grammar)
    library = grammar.library
    rng = np.random.default_rng(seed)
    probes = _probe_inputs(tasks)
    best: dict[tuple[Type, str], tuple] = {}
    deadline = None if seconds is None else time.perf_counter() + seconds
    for attempt in range(first, last):
        if len(best) >= n or (deadline is not None and time.perf_counter() > deadline):
            break
        source = int(rng.integers(len(tasks)))
        request = tasks[source].request_type
        program = grammar.sample(request, rng, max_depth=max_depth)
        if program is None:
            continue
        # Behaviour = outputs on a fixed probe set per request type, so that a program
        # is one fantasy however many real tasks lend it their inputs.
        probe_outputs = _run_all(library, program, probes[request], limits)
        if probe_outputs is None:
            continue
        behaviour = (request, "\x00".join(probe_outputs))
        log_prior = grammar.log_prior(program, request)
        held = best.get(behaviour)
        if held is not None and held[1] >= log_prior:
            continue
        outputs = [library.run(program, e.inputs, limits) for e in tasks[source].examples]
        if any(v is FAILED or callable(v) for v in outputs):
            continue
        keys = [_behaviour_key(v) for v in outputs]
        if any(k is None for k in keys) or len(set(keys)) <= 1:
            continue
        best[behaviour] = (behaviour, log_prior, attempt, source, outputs, show(program))
    return sorted(best.values(), key=lambda x: x[2])


def _probe_inputs(tasks: Sequence[Task], per_task: int = 2, max_inputs: int = 24) -> dict[Type, list[tuple]]:
    """A fixed list of inputs per request type, pooled from the tasks of that type."""
    out: dict[Type, list[tuple]] = {}
    for t in tasks:
        inputs = out.setdefault(t.request_type, [])
        for e in t.examples[:per_task]:
            if len(inputs) < max_inputs:
                inputs.append(e.inputs)
    return out


def _run_all(library: Library, program: Program, inputs: Sequence[tuple], limits: Limits) -> list[str] | None:
    """The outputs (as JSON text) on every input, or None when one fails or all are equal."""
    keys = []
    for x in inputs:
        v = library.run(program, x, limits)
        if v is FAILED or callable(v):
            return None
        k = _behaviour_key(v)
        if k is None:
            return None
        keys.append(k)
    if len(set(keys)) <= 1:
        return None
    return keys


def dream_by_enumeration(library: Library, tasks: Sequence[Task], n: int, key: jax.Array,
                         grammar: Grammar | ContextualGrammar | None = None,
                         limits: Limits = DREAM_LIMITS, programs_per_dream: int = 200,
                         seconds: float | None = None, backend: Any = None, workers: int = 0) -> list[Dream]:
    """Up to ``n`` fantasies: the most probable program of each distinct behaviour.

    Each request type of ``tasks`` gets a share of ``n`` proportional to its number of
    tasks; its programs are enumerated in order of prior until that many behaviours are
    found (or ``programs_per_dream`` times as many programs were tried, or its share of
    ``seconds`` is spent).  Which real task lends its inputs to a fantasy is drawn with a
    key folded from ``key`` and the request type's rank; the programs themselves are
    deterministic.  Each request type is one job, run in this process or, with a
    ``backend`` and ``workers``, on its workers, with the same result.
    """
    if not tasks or n <= 0:
        return []
    grammar = grammar if grammar is not None else Grammar.from_library(library)
    by_type: dict[Type, list[Task]] = {}
    for t in tasks:
        by_type.setdefault(t.request_type, []).append(t)
    groups = sorted(by_type.items(), key=lambda kv: -len(kv[1]))
    arguments = []
    for rank, (request, group) in enumerate(groups):
        quota = max(1, round(n * len(group) / len(tasks)))
        share = None if seconds is None else seconds * len(group) / len(tasks)
        arguments.append((request, group, quota, programs_per_dream, limits, share,
                          _seed(jax.random.fold_in(key, rank))))
    out: list[Dream] = []
    for (request, group), found in zip(groups, _fan_out(_enumeration_job, grammar, arguments, backend, workers)):
        for source, outputs, text, log_prior in found:
            out.append(_fantasy(library, group[source], f"dream-{len(out)}", outputs, text, log_prior))
    return out[:n]


def _enumeration_job(grammar: Any, request: Type, group: list[Task], quota: int, programs_per_dream: int,
                     limits: Limits, seconds: float | None, seed: list[int]) -> list[tuple]:
    """One request type of :func:`dream_by_enumeration`: (source, outputs, program, log prior) per fantasy."""
    from induct.programs import show
    from induct.search.enumeration import enumerate_programs

    grammar = _grammar(grammar)
    library = grammar.library
    rng = np.random.default_rng(seed)
    probes = _probe_inputs(group)[request]
    budget = None if seconds is None else time.perf_counter() + seconds
    seen: set[tuple[str, ...]] = set()
    found: list[tuple] = []
    for tried, (program, log_prior) in enumerate(enumerate_programs(
            grammar, request, max_programs=quota * programs_per_dream, exact_order=True)):
        if len(found) >= quota or (budget is not None and tried % 64 == 0 and time.perf_counter() > budget):
            break
        keys = _run_all(library, program, probes, limits)
        if keys is None or tuple(keys) in seen:
            continue
        seen.add(tuple(keys))  # enumeration is in prior order: the first is the most probable
        source = int(rng.integers(len(group)))
        outputs = [library.run(program, e.inputs, limits) for e in group[source].examples]
        if any(v is FAILED or callable(v) for v in outputs):
            continue
        out_keys = [_behaviour_key(v) for v in outputs]
        if any(k is None for k in out_keys) or len(set(out_keys)) <= 1:
            continue
        found.append((source, outputs, show(program), log_prior))
    return found
