"""Property tests of programs: text round-trip, and random well-typed programs run cleanly.

The well-typed programs come from a small type-directed generator over the lists library
(plus two inventions): each choice is a variable or a production whose return type unifies
with the requested type, as in DreamCoder's sampler.
"""

from __future__ import annotations

import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from induct.programs import (
    FAILED, Abstraction, Application, Index, Invented, Limits, Primitive, beta_normal_form, free_variables,
    parse_program, show, size,
)
from induct.errors import TypeUnificationError
from induct.types import Substitution, arguments_of, instantiate, is_arrow, parse_type, return_of, unify

NAMES = ["map", "fold", "+", "car", "empty?", "0", "1", "is-prime", "'.'", "SPACE", "x_y", "gt?", "#", "a#b", "λx"]


def programs(max_leaves: int = 25):
    """Random program trees: primitives, indices, λs, applications and inlined inventions."""
    leaves = st.one_of(st.sampled_from(NAMES).map(Primitive), st.integers(0, 12).map(Index))

    def extend(inner):
        return st.one_of(
            inner.map(Abstraction),
            st.tuples(inner, inner).map(lambda fx: Application(*fx)),
            inner.map(Invented),
        )

    return st.recursive(leaves, extend, max_leaves=max_leaves)


@given(programs())
def test_program_text_round_trips(p):
    text = show(p)
    assert parse_program(text) == p
    assert show(parse_program(text)) == text


@given(programs())
def test_named_inventions_round_trip_through_their_names(p):
    inventions = {"inc": Abstraction(Application(Application(Primitive("+"), Index(0)), Primitive("1")))}
    q = Application(Invented(inventions["inc"], "inc"), p)
    text = show(q, name_inventions=True)
    assert text.startswith("(inc ")
    assert parse_program(text, inventions) == q


@given(programs())
def test_lam_is_read_as_lambda(p):
    text = show(p)
    assert parse_program(text.replace("(lambda ", "(lam ")) == p


@given(programs(), programs())
def test_size_adds_over_applications_and_ignores_lambdas(p, q):
    assert size(Application(p, q)) == size(p) + size(q)
    assert size(Abstraction(p)) == size(p)
    assert size(Invented(p)) == 1


@given(programs(), st.integers(0, 3))
def test_free_variables_under_lambdas_shift_down(p, k):
    wrapped = p
    for _ in range(k):
        wrapped = Abstraction(wrapped)
    assert free_variables(wrapped) == frozenset(v - k for v in free_variables(p) if v >= k)


def test_round_trip_of_hand_written_forms():
    for text in ["(lambda (map (lambda (+ $0 1)) $0))", "#(lambda (cons $0 empty))", "(#(+ 1) 1)",
                 "(lambda (#(lambda (lambda (map (lambda (if (char-eq? $0 $2) $1 $0))))) ',' LPAREN $0))"]:
        assert show(parse_program(text)) == text
    assert parse_program("(lambda f x)") == parse_program("(lambda (f x))")
    assert show(Invented(Primitive("car"))) == "#(car)"
    assert parse_program("#(car)") == Invented(Primitive("car"))


# ---- random well-typed programs ----------------------------------------------------------------

REQUESTS = ["list(int) -> list(int)", "list(int) -> int", "int -> int", "list(int) -> bool",
            "list(int) -> list(int) -> list(int)", "int -> list(int)", "list(list(int)) -> list(int)"]


@pytest.fixture(scope="module")
def library(lists_library):
    return lists_library.with_inventions([
        ("double", lists_library.parse("(lambda (+ $0 $0))")),
        ("concat", lists_library.parse("(lambda (lambda (fold $1 $0 (lambda (lambda (cons $1 $0))))))")),
    ])


class _Stuck(Exception):
    """The generator reached a type it cannot fill within the depth bound."""


def _generate(choose, library, request, env, s, depth):
    request = s.apply(request)
    if is_arrow(request):
        body, s = _generate(choose, library, request.args[1], [request.args[0]] + env, s, depth)
        return Abstraction(body), s
    viable = []
    candidates = [(Index(i), t, False) for i, t in enumerate(env)]
    # A task-bound family has no value until a task binds it; random programs leave it out.
    candidates += [(p.program, p.type, True) for p in library.productions if p.name not in library.task_literals]
    for program, t, polymorphic in candidates:
        t1, s1 = instantiate(t, s) if polymorphic else (t, s)
        t1 = s1.apply(t1)
        n_args = len(arguments_of(t1))
        if depth <= 0 and n_args:
            continue
        try:
            s1 = unify(return_of(t1), request, s1)
        except TypeUnificationError:
            continue
        viable.append((program, t1, s1))
    if not viable:
        raise _Stuck()
    program, t1, s = viable[choose(len(viable))]
    for argument_type in arguments_of(t1):
        argument, s = _generate(choose, library, argument_type, env, s, depth - 1)
        program = Application(program, argument)
    return program, s


@st.composite
def typed_programs(draw, library):
    request = parse_type(draw(st.sampled_from(REQUESTS)))
    depth = draw(st.integers(1, 4))
    try:
        program, _ = _generate(lambda n: draw(st.integers(0, n - 1)), library, request, [],
                               Substitution().reserve(50), depth)
    except _Stuck:
        from hypothesis import reject

        reject()
    return program, request


def _value(draw_list, t):
    name = t.name
    if name == "int":
        return draw_list.pop() if draw_list else 3
    if name == "list":
        return [_value(draw_list, t.args[0]) for _ in range(len(draw_list) % 5)]
    raise AssertionError(t)


QUICK = Limits(steps=20_000, seconds=0.05)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(st.data())
def test_random_well_typed_programs_type_check_and_run_or_fail_cleanly(library, data):
    program, request = data.draw(typed_programs(library))
    library.check(program, request)
    assert library.parse(show(program, name_inventions=True)) == program
    for _ in range(3):
        numbers = data.draw(st.lists(st.integers(-20, 20), max_size=12))
        inputs = [_value(list(numbers), a) for a in arguments_of(request)]
        start = time.perf_counter()
        out = library.run(program, inputs, QUICK)
        assert time.perf_counter() - start < 1.0
        assert out is FAILED or not callable(out)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(st.data())
def test_beta_normal_form_keeps_the_type_and_the_value(library, data):
    program, request = data.draw(typed_programs(library))
    # Wrap in a β-redex so that there is something to reduce: ((lambda p) 0) -> p.
    redex = Application(Abstraction(program), Primitive("0"))
    normal = beta_normal_form(redex)
    library.check(normal, request)
    numbers = data.draw(st.lists(st.integers(-20, 20), max_size=8))
    inputs = [_value(list(numbers), a) for a in arguments_of(request)]
    before, after = library.run(redex, inputs, QUICK), library.run(normal, inputs, QUICK)
    # Strict evaluation may fail on a discarded argument that β-reduction drops, so only
    # results that both sides produce are compared.
    if before is not FAILED and after is not FAILED:
        assert before == after
    assert not any(isinstance(q, Invented) for q in _all_subterms(normal))


def _all_subterms(p):
    yield p
    if isinstance(p, Application):
        yield from _all_subterms(p.f)
        yield from _all_subterms(p.x)
    elif isinstance(p, Abstraction):
        yield from _all_subterms(p.body)


def test_generator_reaches_higher_order_primitives(library):
    # The generator is not degenerate: over many draws it uses λs, fold and map.
    from hypothesis import find

    find(typed_programs(library), lambda pr: "fold" in show(pr[0]) and "map" in show(pr[0]),
         settings=settings(max_examples=2000, database=None))


def test_seeded_random_programs_mostly_produce_values(library):
    # Over a fixed sample, well-typed programs do run: most give a value, none raises.
    rng = np.random.default_rng(2024)
    outcomes = {"value": 0, "failed": 0}
    made = 0
    while made < 300:
        request = parse_type(REQUESTS[rng.integers(len(REQUESTS))])
        try:
            program, _ = _generate(lambda n: int(rng.integers(n)), library, request, [],
                                   Substitution().reserve(50), int(rng.integers(1, 5)))
        except _Stuck:
            continue
        made += 1
        library.check(program, request)
        inputs = [_value([int(x) for x in rng.integers(-9, 9, size=7)], a) for a in arguments_of(request)]
        out = library.run(program, inputs, QUICK)
        outcomes["failed" if out is FAILED else "value"] += 1
    assert outcomes["value"] > 150 and outcomes["failed"] > 0, outcomes
