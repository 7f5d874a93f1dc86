"""Dreams (fantasies): programs drawn from the library, run on real tasks' inputs.

Two ways to draw them: :func:`dream` samples programs from the prior (each attempt picks
a real training task, samples a program at its request type and runs it on that task's
inputs); :func:`dream_by_enumeration` enumerates each request type's programs in order of
prior probability (DreamCoder's Helmholtz enumeration), which finds far more distinct
behaviours per second under a flat prior, where samples are mostly the same few tiny
programs.  A fantasy is kept only when it succeeds on every input,
its outputs are not all equal, and no other fantasy on the same inputs behaves the
same; among programs that behave alike the most probable one is kept (DreamCoder).

Both can run the programs on the workers of a search backend (``backend``, ``workers``):
the local pool or Ray.  What the workers do is pure (run given programs on given inputs),
and the choices are made here in the order one process would make them, so the dreams do
not depend on where they were made.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

import jax
import numpy as np

from induct.dsl import Library
from induct.grammar import ContextualGrammar, Grammar
from induct.programs import FAILED, Limits, Program
from induct.search.frontier import Frontier, FrontierEntry
from induct.search.probing import behaviour_job, behaviour_key, probe_job, run_all
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


def _varied_outputs(library: Library, program: Program, source: Task, limits: Limits) -> list | None:
    """``program``'s outputs on ``source``'s inputs, or None when one fails, is a function, or
    they are all alike (a fantasy must show a behaviour)."""
    outputs = [library.run(program, e.inputs, limits) for e in source.examples]
    if any(v is FAILED or callable(v) for v in outputs):
        return None
    keys = [behaviour_key(v) for v in outputs]
    if any(k is None for k in keys) or len(set(keys)) <= 1:
        return None
    return outputs


def numpy_rng(key: jax.Array) -> np.random.Generator:
    """A numpy Generator seeded from a jax PRNG key (for sampling code written in numpy)."""
    data = np.asarray(jax.random.key_data(key)).ravel().astype(np.uint64)
    return np.random.default_rng([int(x) for x in data])


def dream(library: Library, tasks: Sequence[Task], n: int, key: jax.Array,
          grammar: Grammar | ContextualGrammar | None = None, max_depth: int = 6,
          limits: Limits = DREAM_LIMITS, max_attempts: int | None = None,
          seconds: float | None = None, backend: Any = None, workers: int = 0) -> list[Dream]:
    """Up to ``n`` distinct fantasies (fewer when ``max_attempts`` draws do not yield them).

    With a ``backend`` and ``workers``, the draws are made here in waves and the workers run
    them on the probe inputs (the costly part); the draws are then taken in order, as in one
    process, so the fantasies are the same (without ``seconds``) whatever the backend.

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
        backend: where the probes run (a name or :class:`~induct.search.backends.Backend`);
            None or ``workers=0``: in this process.
        workers: processes (or Ray tasks) to run them on.
    """
    if not tasks or n <= 0:
        return []
    grammar = grammar if grammar is not None else Grammar.from_library(library)
    rng = numpy_rng(key)
    max_attempts = 50 * n if max_attempts is None else max_attempts
    probes = _probe_inputs(tasks)
    probe, runner = _prober(grammar, probes, limits, backend, workers)
    try:
        return _sampled(library, tasks, n, grammar, rng, max_depth, limits, max_attempts, seconds, probe)
    finally:
        if runner is not None:
            runner.close()


def _sampled(library: Library, tasks: Sequence[Task], n: int, grammar: Any, rng: np.random.Generator,
             max_depth: int, limits: Limits, max_attempts: int, seconds: float | None,
             probe: Callable[[list[tuple[Type, Program | None]]], Iterable[list[str] | None]]) -> list[Dream]:
    best: dict[tuple[Type, str], tuple[float, int, Program, Task]] = {}
    deadline = None if seconds is None else time.perf_counter() + seconds
    bound: dict[str, Any] = {}

    def prior_for(source: Task) -> Any:
        """The prior bound to the task lending its inputs (its task-bound literals' constants)."""
        if source.name not in bound:
            bound[source.name] = grammar.bind(source) if hasattr(grammar, "bind") else grammar
        return bound[source.name]

    attempt, wave = 0, max(64, 2 * n)
    while attempt < max_attempts and len(best) < n:
        # The draws use the generator alone (not what the programs do): drawing a wave ahead
        # of the loop below gives the draws one loop drawing one at a time would make.
        draws = []
        for _ in range(min(wave, max_attempts - attempt)):
            source = tasks[int(rng.integers(len(tasks)))]
            draws.append((source, prior_for(source).sample(source.request_type, rng, max_depth=max_depth)))
        outputs_of = probe([(s.request_type, p) for s, p in draws])
        for (source, program), probe_outputs in zip(draws, outputs_of):
            if len(best) >= n or (deadline is not None and time.perf_counter() > deadline):
                attempt = max_attempts
                break
            attempt += 1
            if program is None or probe_outputs is None:
                continue
            # Behaviour = outputs on a fixed probe set per request type, so that a program
            # is one fantasy however many real tasks lend it their inputs.
            request = source.request_type
            behaviour = (request, "\x00".join(probe_outputs))
            log_prior = prior_for(source).log_prior(program, request)
            held = best.get(behaviour)
            if held is not None and held[0] >= log_prior:
                continue
            outputs = _varied_outputs(library, program, source, limits)
            if outputs is None:
                continue
            examples = tuple(Example(e.inputs, v) for e, v in zip(source.examples, outputs))
            fantasy = Task(f"dream-{attempt - 1}", request, examples, "dream", {"dreamed_from": source.name})
            best[behaviour] = (log_prior, attempt - 1, program, fantasy)
        wave *= 2
    out = []
    for log_prior, _, program, fantasy in sorted(best.values(), key=lambda x: x[1]):
        if not math.isfinite(log_prior):
            continue
        entry = FrontierEntry(program, log_prior, 0.0)
        out.append(Dream(fantasy, Frontier(fantasy.name, fantasy.request_type, (entry,))))
    return out[:n]


def _prober(grammar: Any, probes: dict[Type, list[tuple]], limits: Limits, backend: Any,
            workers: int) -> tuple[Callable[[list[tuple[Type, Program | None]]], Iterable[list[str] | None]], Any]:
    """A function from (request, program) pairs to their outputs on the probes (:func:`~induct.search.probing.run_all`),
    and the backend it runs them on (None: this process)."""
    if backend is None or workers <= 1:
        # lazily: the loop may stop before the end of a wave
        return (lambda drawn: (None if p is None else run_all(grammar.library, p, probes[r], limits)
                               for r, p in drawn)), None
    from induct.programs import show
    from induct.search.backends import get_backend
    from induct.search.parallel import grammar_to_spec

    spec, runner = grammar_to_spec(grammar), get_backend(backend)

    def probe(drawn: list[tuple[Type, Program | None]]) -> list[list[str] | None]:
        texts = [(r, None if p is None else show(p)) for r, p in drawn]
        size = -(-len(texts) // workers)
        slices = [texts[k:k + size] for k in range(0, len(texts), size)]
        answers = runner.map(probe_job, [(spec, piece, probes, limits) for piece in slices], workers)
        return [keys for piece in answers for keys in piece]

    return probe, runner


def _fantasy(library: Library, source: Task, name: str, outputs: list, text: str, log_prior: float) -> Dream:
    examples = tuple(Example(e.inputs, v) for e, v in zip(source.examples, outputs))
    fantasy = Task(name, source.request_type, examples, "dream", {"dreamed_from": source.name})
    entry = FrontierEntry(library.parse(text), log_prior, 0.0)
    return Dream(fantasy, Frontier(name, source.request_type, (entry,)))


def _probe_inputs(tasks: Sequence[Task], per_task: int = 2, max_inputs: int = 24) -> dict[Type, list[tuple]]:
    """A fixed list of inputs per request type, pooled from the tasks of that type."""
    out: dict[Type, list[tuple]] = {}
    for t in tasks:
        inputs = out.setdefault(t.request_type, [])
        for e in t.examples[:per_task]:
            if len(inputs) < max_inputs:
                inputs.append(e.inputs)
    return out


def dream_by_enumeration(library: Library, tasks: Sequence[Task], n: int, key: jax.Array,
                         grammar: Grammar | ContextualGrammar | None = None,
                         limits: Limits = DREAM_LIMITS, programs_per_dream: int = 200,
                         seconds: float | None = None, backend: Any = None, workers: int = 0) -> list[Dream]:
    """Up to ``n`` fantasies: the most probable program of each distinct behaviour.

    Each request type of ``tasks`` gets a share of ``n`` proportional to its number of
    tasks; its programs are enumerated in order of prior until that many behaviours are
    found (or ``programs_per_dream`` times as many programs were tried, or its share of
    ``seconds`` is spent).  Which real task lends its inputs to a fantasy is drawn with
    ``key``; the programs themselves are deterministic.

    With a ``backend`` and ``workers``, the programs are run on the probe inputs (the costly
    part) by the workers, each taking every ``workers``-th program in enumeration order
    (:func:`behaviour_job`); the behaviours are then taken here in enumeration order, as in
    one process, so the fantasies are the same (without ``seconds``) whatever the backend or
    the number of workers.
    """
    if not tasks or n <= 0:
        return []
    grammar = grammar if grammar is not None else Grammar.from_library(library)
    rng = numpy_rng(key)
    shards = max(1, workers) if backend is not None else 1
    spec: Any = grammar
    if shards > 1:
        from induct.search.backends import get_backend
        from induct.search.parallel import grammar_to_spec

        spec, runner = grammar_to_spec(grammar), get_backend(backend)
    probes = _probe_inputs(tasks)
    by_type: dict[Type, list[Task]] = {}
    for t in tasks:
        by_type.setdefault(t.request_type, []).append(t)
    groups = sorted(by_type.items(), key=lambda kv: -len(kv[1]))
    walks = []
    for request, group in groups:
        quota = max(1, round(n * len(group) / len(tasks)))
        share = None if seconds is None else seconds * len(group) / len(tasks)
        walks.append(_Walk(request, group, quota, quota * programs_per_dream, share))

    def round_of(pending: list[_Walk]) -> None:
        arguments = [(spec, w.request, probes[w.request], limits, k, shards, w.start, w.cap, w.wanted(), w.seconds)
                     for w in pending for k in range(shards)]
        answers = (runner.map(behaviour_job, arguments, shards) if shards > 1
                   else [behaviour_job(*a) for a in arguments])
        for j, w in enumerate(pending):
            w.take(answers[j * shards:(j + 1) * shards])

    out: list[Dream] = []
    try:
        round_of(walks)  # every request type's first round at once
        for w in walks:  # in order, as the source draws share one generator
            while not w.walk(library, rng, limits, out):
                round_of([w])
    finally:
        if shards > 1:
            runner.close()
    return out[:n]


class _Walk:
    """One request type of :func:`dream_by_enumeration`: the behaviours found so far, taken in order."""

    def __init__(self, request: Type, group: list[Task], quota: int, cap: int, seconds: float | None) -> None:
        self.request, self.group, self.quota, self.cap, self.seconds = request, group, quota, cap, seconds
        self.start = 0  # the first program index the next round looks at
        self.found = 0
        self.seen: set[tuple[str, ...]] = set()
        self.candidates: list[tuple] = []
        self.complete_to: float = -1  # every program up to this index has been looked at
        self.exhausted = False

    def wanted(self) -> int:
        return self.quota - self.found + 8  # a few spare: some behaviours fail on their source task

    def take(self, answers: list[tuple[list[tuple], int, bool]]) -> None:
        self.candidates = sorted(c for found, _, _ in answers for c in found)
        ends = [last for _, last, done in answers if not done]
        self.exhausted = not ends
        self.complete_to = min(ends) if ends else math.inf

    def walk(self, library: Library, rng: np.random.Generator, limits: Limits, out: list[Dream]) -> bool:
        """Take the candidates in order; False when a further round is needed."""
        for index, keys, text, log_prior in self.candidates:
            if self.found >= self.quota:
                return True
            if index > self.complete_to:
                break
            if keys in self.seen:
                continue
            self.seen.add(keys)  # enumeration is in prior order: the first is the most probable
            source = self.group[int(rng.integers(len(self.group)))]
            program = library.parse(text)
            outputs = _varied_outputs(library, program, source, limits)
            if outputs is None:
                continue
            out.append(_fantasy(library, source, f"dream-{len(out)}", outputs, text, log_prior))
            self.found += 1
        if self.found >= self.quota or self.exhausted:
            return True
        self.start = int(self.complete_to) + 1
        return False


