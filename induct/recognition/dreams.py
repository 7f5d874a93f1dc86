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


def dream(library: Library, tasks: Sequence[Task], n: int, key: jax.Array,
          grammar: Grammar | ContextualGrammar | None = None, max_depth: int = 6,
          limits: Limits = DREAM_LIMITS, max_attempts: int | None = None,
          seconds: float | None = None) -> list[Dream]:
    """Up to ``n`` distinct fantasies (fewer when ``max_attempts`` draws do not yield them).

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
    """
    if not tasks or n <= 0:
        return []
    grammar = grammar if grammar is not None else Grammar.from_library(library)
    rng = numpy_rng(key)
    max_attempts = 50 * n if max_attempts is None else max_attempts
    probes = _probe_inputs(tasks)
    best: dict[tuple[Type, str], tuple[float, int, Program, Task]] = {}
    deadline = None if seconds is None else time.perf_counter() + seconds
    bound: dict[str, Any] = {}
    for attempt in range(max_attempts):
        if len(best) >= n or (deadline is not None and time.perf_counter() > deadline):
            break
        source = tasks[int(rng.integers(len(tasks)))]
        request = source.request_type
        if source.name not in bound:  # task-bound literals take the source task's constants
            bound[source.name] = grammar.bind(source) if hasattr(grammar, "bind") else grammar
        prior = bound[source.name]
        program = prior.sample(request, rng, max_depth=max_depth)
        if program is None:
            continue
        # Behaviour = outputs on a fixed probe set per request type, so that a program
        # is one fantasy however many real tasks lend it their inputs.
        probe_outputs = _run_all(library, program, probes[request], limits)
        if probe_outputs is None:
            continue
        behaviour = (request, "\x00".join(probe_outputs))
        log_prior = prior.log_prior(program, request)
        held = best.get(behaviour)
        if held is not None and held[0] >= log_prior:
            continue
        outputs = [library.run(program, e.inputs, limits) for e in source.examples]
        if any(v is FAILED or callable(v) for v in outputs):
            continue
        keys = [_behaviour_key(v) for v in outputs]
        if any(k is None for k in keys) or len(set(keys)) <= 1:
            continue
        examples = tuple(Example(e.inputs, v) for e, v in zip(source.examples, outputs))
        fantasy = Task(f"dream-{attempt}", request, examples, "dream", {"dreamed_from": source.name})
        best[behaviour] = (log_prior, attempt, program, fantasy)
    out = []
    for log_prior, _, program, fantasy in sorted(best.values(), key=lambda x: x[1]):
        if not math.isfinite(log_prior):
            continue
        entry = FrontierEntry(program, log_prior, 0.0)
        out.append(Dream(fantasy, Frontier(fantasy.name, fantasy.request_type, (entry,))))
    return out[:n]


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
                         seconds: float | None = None) -> list[Dream]:
    """Up to ``n`` fantasies: the most probable program of each distinct behaviour.

    Each request type of ``tasks`` gets a share of ``n`` proportional to its number of
    tasks; its programs are enumerated in order of prior until that many behaviours are
    found (or ``programs_per_dream`` times as many programs were tried, or its share of
    ``seconds`` is spent).  Which real task lends its inputs to a fantasy is drawn with
    ``key``; the programs themselves are deterministic.
    """
    from induct.search.enumeration import enumerate_programs

    if not tasks or n <= 0:
        return []
    grammar = grammar if grammar is not None else Grammar.from_library(library)
    rng = numpy_rng(key)
    probes = _probe_inputs(tasks)
    by_type: dict[Type, list[Task]] = {}
    for t in tasks:
        by_type.setdefault(t.request_type, []).append(t)
    out: list[Dream] = []
    for request, group in sorted(by_type.items(), key=lambda kv: -len(kv[1])):
        quota = max(1, round(n * len(group) / len(tasks)))
        budget = None if seconds is None else time.perf_counter() + seconds * len(group) / len(tasks)
        seen: set[tuple[str, ...]] = set()
        found = 0
        for tried, (program, log_prior) in enumerate(enumerate_programs(
                grammar, request, max_programs=quota * programs_per_dream, exact_order=True)):
            if found >= quota or (budget is not None and tried % 64 == 0 and time.perf_counter() > budget):
                break
            keys = _run_all(library, program, probes[request], limits)
            if keys is None or tuple(keys) in seen:
                continue
            seen.add(tuple(keys))  # enumeration is in prior order: the first is the most probable
            source = group[int(rng.integers(len(group)))]
            outputs = [library.run(program, e.inputs, limits) for e in source.examples]
            if any(v is FAILED or callable(v) for v in outputs):
                continue
            out_keys = [_behaviour_key(v) for v in outputs]
            if any(k is None for k in out_keys) or len(set(out_keys)) <= 1:
                continue
            name = f"dream-{len(out)}"
            examples = tuple(Example(e.inputs, v) for e, v in zip(source.examples, outputs))
            fantasy = Task(name, request, examples, "dream", {"dreamed_from": source.name})
            entry = FrontierEntry(program, log_prior, 0.0)
            out.append(Dream(fantasy, Frontier(name, request, (entry,))))
            found += 1
    return out[:n]
