"""Prior tests: normalisation over type-valid candidates, sampling, log_prior consistency."""

import math

import numpy as np
import pytest

from induct.dsl import parse_library
from induct.grammar import ContextualGrammar, Grammar, log_sum_exp
from induct.search import enumerate_programs
from induct.types import Substitution, parse_type, unify
from induct.types.core import instantiate, return_of
from induct.errors import TypeUnificationError

REQUESTS = ["int", "list(int)", "bool", "list(t0)", "t0", "list(list(int))"]
ENVIRONMENTS = [(), ("list(int)",), ("int", "t0"), ("t0 -> bool", "list(t0)")]


def _random_grammar(library, seed):
    rng = np.random.default_rng(seed)
    return Grammar(library, tuple(rng.normal(size=len(library.productions))), float(rng.normal()))


@pytest.mark.parametrize("request_text", REQUESTS)
@pytest.mark.parametrize("environment", ENVIRONMENTS)
@pytest.mark.parametrize("seed", [None, 1])
def test_candidate_probabilities_sum_to_one_over_type_valid_candidates(lists_library, request_text, environment, seed):
    g = Grammar.uniform(lists_library) if seed is None else _random_grammar(lists_library, seed)
    names: dict = {}
    request = parse_type(request_text, names)
    env = tuple(parse_type(e, names) for e in environment)
    s = Substitution().reserve(max(names.values(), default=-1) + 1)
    cands = g.candidates(request, s, env)
    assert math.isclose(math.exp(log_sum_exp([c.log_probability for c in cands])), 1.0, rel_tol=1e-9)
    # Exactly the productions whose return type unifies are candidates.
    valid = set()
    for i, p in enumerate(lists_library.productions):
        t, s2 = instantiate(p.type, s)
        try:
            unify(return_of(t), request, s2)
            valid.add(i)
        except TypeUnificationError:
            pass
    assert {c.production for c in cands if c.production >= 0} == valid


def test_prior_mass_of_all_programs_approaches_one():
    lib = parse_library("""semantics hazard_semantics
type int
inc : int -> int
zero : int
double : int -> int
""", check_semantics=False)
    g = Grammar.uniform(lib)
    total = sum(math.exp(lp) for _, lp in enumerate_programs(g, parse_type("int"), max_cost=12.0))
    # A program with k of inc/double costs (k + 1) log 3 and has prior (1/3)(2/3)^k; up to
    # 12 nats k <= 9, so the mass found is 1 - (2/3)^10 exactly.
    assert math.isclose(total, 1.0 - (2 / 3) ** 10, rel_tol=1e-9)


@pytest.mark.parametrize("request_text", ["list(int) -> list(int)", "list(int) -> int", "int -> bool",
                                          "list(t0) -> list(t0)"])
def test_sampled_programs_type_check_and_score_consistently(lists_library, request_text):
    request = parse_type(request_text)
    rng = np.random.default_rng(0)
    for g in (Grammar.uniform(lists_library), _random_grammar(lists_library, 3)):
        seen = 0
        for _ in range(40):
            p = g.sample(request, rng, max_depth=5)
            if p is None:
                continue
            seen += 1
            lists_library.check(p, request)
            lp = g.log_prior(p, request)
            assert -math.inf < lp <= 0.0
            # The contextual form with every context equal scores the same.
            assert math.isclose(ContextualGrammar.from_grammar(g).log_prior(p, request), lp, rel_tol=1e-9)
        assert seen > 10


def test_sample_frequencies_follow_the_prior(lists_library):
    """Among the most probable programs, draws land on each as often as its prior says.

    Sampling rejects draws past ``max_depth``, which scales every shallow program's
    probability by the same factor, so the comparison is within the top programs.
    """
    g = Grammar.uniform(lists_library)
    request = parse_type("list(int) -> bool")
    rng = np.random.default_rng(5)
    counts: dict = {}
    for _ in range(600):
        p = g.sample(request, rng, max_depth=5)
        if p is not None:
            counts[p] = counts.get(p, 0) + 1
    top = list(enumerate_programs(g, request, max_programs=6))
    z = sum(math.exp(lp) for _, lp in top)
    n = sum(counts.get(p, 0) for p, _ in top)
    assert n > 80
    for p, lp in top:
        expected = n * math.exp(lp) / z
        assert abs(counts.get(p, 0) - expected) < 4 * math.sqrt(expected) + 3, (str(p), counts.get(p, 0), expected)
