"""Programs run on probe inputs: the work dreaming hands to a backend's workers.

A worker is given programs (as text) or a slice of an enumeration, and returns what they
do on fixed inputs; every choice that depends on the order of programs stays with the
caller (:mod:`induct.recognition.dreams`), so the result does not depend on the workers.
This module imports no JAX, so that a fresh worker process starts quickly.
"""

from __future__ import annotations

import json
import time
from typing import Any, Sequence

from induct.dsl import Library
from induct.programs import FAILED, Limits, Program, show
from induct.types import Type

__all__ = ["behaviour_key", "run_all", "grammar_of", "probe_job", "behaviour_job"]


def behaviour_key(value: Any) -> str | None:
    try:
        return json.dumps(value, sort_keys=True)
    except (TypeError, ValueError):
        return None  # a function or an unprintable value is not a behaviour we can compare


def run_all(library: Library, program: Program, inputs: Sequence[tuple], limits: Limits) -> list[str] | None:
    """The outputs (as JSON text) on every input, or None when one fails or all are equal."""
    keys = []
    for x in inputs:
        v = library.run(program, x, limits)
        if v is FAILED or callable(v):
            return None
        k = behaviour_key(v)
        if k is None:
            return None
        keys.append(k)
    if len(set(keys)) <= 1:
        return None
    return keys


def grammar_of(grammar: Any) -> Any:
    """``grammar`` itself, or the grammar a :func:`~induct.search.parallel.grammar_to_spec` spec describes."""
    if isinstance(grammar, dict):
        from induct.search.parallel import grammar_from_spec

        return grammar_from_spec(grammar)
    return grammar


def probe_job(grammar: Any, drawn: list[tuple[Type, str | None]], probes: dict[Type, list[tuple]],
               limits: Limits) -> list[list[str] | None]:
    """:func:`run_all` of each drawn program (as text; None: no program) on its request type's probes."""
    library = grammar_of(grammar).library
    return [None if text is None else run_all(library, library.parse(text), probes[request], limits)
            for request, text in drawn]


def behaviour_job(grammar: Any, request: Type, probes: list[tuple], limits: Limits, shard: int, shards: int,
                   start: int, cap: int, wanted: int, seconds: float | None) -> tuple[list[tuple], int, bool]:
    """The programs ``start + shard (mod shards)`` of ``request`` that behave as no earlier one here.

    Returns (index, behaviour, program, log prior) for up to ``wanted`` of them, the last
    index looked at, and whether the enumeration (to ``cap`` programs, or ``seconds``) ended.
    """
    from induct.search.enumeration import enumerate_programs

    grammar = grammar_of(grammar)
    library = grammar.library
    budget = None if seconds is None else time.perf_counter() + seconds
    seen: set[tuple[str, ...]] = set()
    found: list[tuple] = []
    last = start - 1
    for index, (program, log_prior) in enumerate(enumerate_programs(grammar, request, max_programs=cap,
                                                                     exact_order=True)):
        if index < start or index % shards != shard:
            continue
        if budget is not None and (index // shards) % 64 == 0 and time.perf_counter() > budget:
            return found, last, True
        last = index
        keys = run_all(library, program, probes, limits)
        if keys is None or tuple(keys) in seen:
            continue
        seen.add(tuple(keys))
        found.append((index, tuple(keys), show(program), log_prior))
        if len(found) >= wanted:
            return found, last, False
    return found, last, True
