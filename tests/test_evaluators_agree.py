"""The enumerator's shared-value evaluator agrees with the reference compiler on every program.

Enumeration evaluates a program from its children's cached values (each computed under a
fresh budget, see :mod:`induct.search.closures`); :func:`induct.programs.compile_program`
compiles the whole program to one closure.  On random tasks of the list and text domains,
every program the enumerator builds in its first cost bands gets the same output on every
example from both, or fails in both.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from induct.domain import get_domain
from induct.dsl import load_library
from induct.grammar import Grammar
from induct.programs import FAILED
from induct.programs.limits import Limits
from induct.search.closures import value_of
from induct.search.table import Table, build_program
from induct.types import parse_type

LIMITS = Limits(steps=20_000, seconds=1.0)
LIBRARIES = {name: load_library(get_domain(name).grammar) for name in ("lists", "text")}
REQUESTS = {"lists": ["list(int) -> list(int)", "list(int) -> int", "int -> list(int)", "list(int) -> bool"],
            "text": ["list(char) -> list(char)", "list(char) -> int"]}


def _value(rng: np.random.Generator, t: str):
    if t == "int":
        return int(rng.integers(0, 6))
    if t == "list(int)":
        return [int(v) for v in rng.integers(0, 9, int(rng.integers(0, 5)))]
    return list("".join(rng.choice(list("ab .,(X"), int(rng.integers(0, 6)))))


@settings(max_examples=20, deadline=None)
@given(domain=st.sampled_from(sorted(LIBRARIES)), pick=st.integers(0, 10), seed=st.integers(0, 10_000))
def test_every_enumerated_program_runs_the_same_under_both_evaluators(domain, pick, seed):
    library = LIBRARIES[domain]
    text = REQUESTS[domain][pick % len(REQUESTS[domain])]
    request = parse_type(text)
    argument = text.split(" -> ")[0]
    rng = np.random.default_rng(seed)
    inputs = [(_value(rng, argument),) for _ in range(3)]
    envs = [tuple(reversed(x)) for x in inputs]
    table = Table(Grammar.uniform(library), request, envs, LIMITS)
    checked = 0
    lo = -1.0
    while checked < 1500 and lo < 30:
        hi = 1.0 if lo < 0 else lo + 1.0
        for cost, rule, kids in table.band(lo, hi):
            entry = table.make_entry(table.root, rule, kids, cost)
            program = table.wrap(build_program(rule, kids))
            for i, x in enumerate(inputs):
                shared = value_of(entry, i)
                reference = library.run(program, x, LIMITS)
                if reference is FAILED or shared is FAILED:
                    assert reference is FAILED and shared is FAILED, (str(program), x, shared, reference)
                else:
                    assert shared == reference, (str(program), x, shared, reference)
            checked += 1
            if checked >= 1500:
                break
        lo = hi
    assert checked > 0
