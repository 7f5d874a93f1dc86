"""Enumeration: exact prior order, exact log priors, well-typed, complete, distinct."""

import math

import numpy as np
import pytest

from induct.dsl import parse_library
from induct.grammar import ContextualGrammar, Grammar
from induct.grammar.core import VARIABLE_PARENT
from induct.programs import Abstraction, Application
from induct.search import enumerate_programs
from induct.search.table import Table, build_program
from induct.types import Substitution, free_type_variables, is_arrow, parse_type

REQUESTS = ["list(int) -> list(int)", "list(int) -> int", "int -> int -> bool", "list(t0) -> list(t0)",
            "list(t0) -> t0 -> bool", "(int -> bool) -> list(int) -> list(bool)"]


def _random_contextual(library, seed):
    rng = np.random.default_rng(seed)
    n = len(library.productions)

    def g():
        return Grammar(library, tuple(rng.normal(size=n)), float(rng.normal()))

    rows = tuple(tuple(g() for _ in range(len(_args(p.type)))) for p in library.productions)
    return ContextualGrammar(g(), g(), rows)


def _args(t):
    out = []
    while is_arrow(t):
        out.append(t.args[0])
        t = t.args[1]
    return out


def reference_programs(grammar, request, bound):
    """Every program of cost <= bound, by plain depth-first search over the prior's choices."""
    out = {}

    def expand(req, s, env, ctx, budget):
        # yields (program, cost, substitution)
        req = s.apply(req)
        if is_arrow(req):
            for body, c, s2 in expand(req.args[1], s, (req.args[0],) + env, ctx, budget):
                yield Abstraction(body), c, s2
            return
        for cand in grammar.grammar_for(ctx).candidates(req, s, env):
            cost = -cand.log_probability
            if cost > budget + 1e-9:
                continue
            parent = cand.production if cand.production >= 0 else VARIABLE_PARENT
            yield from arguments(cand.program, cand.argument_types, 0, cand.substitution, env, parent, cost, budget)

    def arguments(f, types, k, s, env, parent, cost, budget):
        if k == len(types):
            yield f, cost, s
            return
        for a, c, s2 in expand(types[k], s, env, (parent, k), budget - cost):
            yield from arguments(Application(f, a), types, k + 1, s2, env, parent, cost + c, budget)

    s = Substitution().reserve(max(free_type_variables(request), default=-1) + 1)
    for p, c, _ in expand(request, s, (), (-1, 0), bound):
        out[p] = -c
    return out


@pytest.mark.parametrize("request_text", REQUESTS)
def test_order_is_non_increasing_and_log_priors_are_exact(lists_library, request_text):
    request = parse_type(request_text)
    for g in (Grammar.uniform(lists_library), _random_contextual(lists_library, 7)):
        previous = 0.0
        seen = set()
        for p, lp in enumerate_programs(g, request, max_programs=400):
            assert lp <= previous + 1e-9
            previous = lp
            assert math.isclose(lp, g.log_prior(p, request), rel_tol=1e-9, abs_tol=1e-9)
            lists_library.check(p, request)
            assert p not in seen
            seen.add(p)
        assert len(seen) == 400


@pytest.mark.parametrize("request_text", ["list(int) -> list(int)", "list(t0) -> t0 -> bool", "int -> bool"])
def test_enumeration_is_complete_up_to_a_bound(lists_library, request_text):
    request = parse_type(request_text)
    g = _random_contextual(lists_library, 3)
    found = {}
    for p, lp in enumerate_programs(g, request, max_cost=11.0):
        found[p] = lp
    reference = reference_programs(g, request, 11.0)
    assert len(reference) > 50
    assert {p for p, lp in reference.items() if lp > -11.0 + 1e-6} <= set(found)
    assert set(found) <= set(reference)


def test_a_finite_language_has_total_prior_one():
    lib = parse_library("""semantics hazard_semantics
type int, bool, pair
zero : int
one : int
yes : bool
no : bool
make : int -> bool -> pair
flip : bool -> bool
""", check_semantics=False)
    g = Grammar(lib, (0.3, -0.2, 0.1, 0.0, 0.5, -3.0), 0.0)
    programs = list(enumerate_programs(g, parse_type("pair"), max_cost=200.0, max_programs=10))
    # flip makes the bool language infinite: the mass is within its tail of one.
    total = sum(math.exp(lp) for _, lp in programs)
    finite = list(enumerate_programs(Grammar(lib, (0.3, -0.2, 0.1, 0.0, 0.5, -math.inf), 0.0),
                                     parse_type("pair"), max_cost=200.0))
    assert len(finite) == 4
    assert math.isclose(sum(math.exp(lp) for _, lp in finite), 1.0, rel_tol=1e-9)
    assert total <= 1.0 + 1e-9


def test_inventions_are_enumerated_and_scored(lists_library):
    lib = lists_library.with_inventions([("incr", lists_library.parse("(lambda (+ $0 1))"))])
    g = Grammar.uniform(lib)
    request = parse_type("list(int) -> list(int)")
    programs = dict(enumerate_programs(g, request, max_programs=400))
    target = lib.parse("(lambda (map (lambda (incr $0)) $0))")
    assert target in programs
    assert math.isclose(programs[target], g.log_prior(target, request), rel_tol=1e-9)


def test_unordered_bands_give_the_same_programs(lists_library):
    g = Grammar.uniform(lists_library)
    request = parse_type("list(int) -> int")
    ordered = dict(enumerate_programs(g, request, max_cost=10.0))
    banded = dict(enumerate_programs(g, request, max_cost=10.0, exact_order=False, band_width=3.0))
    assert ordered == banded


@pytest.mark.parametrize("request_text", ["list(int) -> list(int)", "list(t0) -> t0 -> bool"])
def test_contextual_rules_are_built_once_for_every_parent_context(lists_library, request_text):

    request = parse_type(request_text)
    g = _random_contextual(lists_library, 5)

    def programs(share):
        table = Table(g, request)
        table.share = share
        out = {}
        for cost, rule, kids in table.band(-1.0, 12.0):
            out[table.wrap(build_program(rule, kids))] = cost
        return out, table.stored

    shared, built_shared = programs(True)
    separate, built_separate = programs(False)
    assert len(shared) > 100
    assert shared.keys() == separate.keys()
    assert all(math.isclose(shared[p], separate[p], abs_tol=1e-9) for p in shared)
    assert built_shared < built_separate
