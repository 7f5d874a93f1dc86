"""MCMC: the cold chain's sample frequencies match a posterior enumerated exactly by brute force.

Each grammar here has a finite program space under the depth bound, so the exact posterior
(prior restricted to the bound, times the likelihood) is computed by listing every program.
The statistical check is the total-variation distance between the chain's frequencies and
that posterior; each test also runs the chain without the Hastings correction (the proposal
ratio) and asserts that the same check catches it.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from induct.dsl import parse_library
from induct.grammar import VARIABLE_PARENT, ContextualGrammar, Grammar
from induct.likelihood import NoisyMatch
from induct.programs import Abstraction, application
from induct.search.mcmc import MCMCConfig, run_mcmc
from induct.search.mcmc_general import walk_choices
from induct.tasks import Example, Task
from induct.types import Substitution, free_type_variables, is_arrow, parse_type

CONCEPTS_SMALL = """
semantics induct.domains.concepts.semantics
type bool, object, color
not      : bool -> bool
and      : bool -> bool -> bool
true     : bool @ 2
color    : object -> color
color-eq : color -> color -> bool
red, green : color
"""

LISTS_SMALL = """
semantics induct.domains.lists.semantics
type int, list(a)
car    : list(a) -> a
cons   : a -> list(a) -> list(a)
empty  : list(a)
length : list(a) -> int
0, 1   : int
"""


def all_programs(grammar, request, max_depth):
    """Every program of depth <= max_depth, by brute-force expansion of the grammar."""

    def expand(req, s, env, ctx, depth):
        req = s.apply(req)
        if is_arrow(req):
            for body, s2 in expand(req.args[1], s, (req.args[0],) + env, ctx, depth):
                yield Abstraction(body), s2
            return
        if depth <= 0:
            return
        for c in grammar.candidates(req, s, env, ctx):
            parent = c.production if c.production >= 0 else VARIABLE_PARENT

            def arguments(k, s):
                if k == len(c.argument_types):
                    yield [], s
                    return
                for a, s2 in expand(c.argument_types[k], s, env, (parent, k), depth - 1):
                    for rest, s3 in arguments(k + 1, s2):
                        yield [a] + rest, s3

            for args, s2 in arguments(0, c.substitution):
                yield application(c.program, *args), s2

    s = Substitution().reserve(max(free_type_variables(request), default=-1) + 1)
    return {p for p, _ in expand(request, s, (), (-1, 0), max_depth)}


def exact_posterior(grammar, task, model, max_depth):
    library = grammar.library
    scores = {}
    for p in all_programs(grammar, task.request_type, max_depth):
        scores[p] = grammar.log_prior(p, task.request_type) + model.log_likelihood(library.compile(p), task)
    m = max(scores.values())
    z = sum(math.exp(v - m) for v in scores.values())
    return {p: math.exp(v - m) / z for p, v in scores.items()}


def total_variation(freqs, exact):
    keys = set(freqs) | set(exact)
    return 0.5 * sum(abs(freqs.get(k, 0.0) - exact.get(k, 0.0)) for k in keys)


def concept_task():
    objects = [{"color": c, "shape": "circle", "size": "small"} for c in ("red", "green", "red", "blue", "red")]
    labels = [True, False, True, True, False]  # "red", with two labels flipped
    return Task("red-ish", parse_type("object -> bool"), tuple(Example((o,), y) for o, y in zip(objects, labels)))


def list_task():
    examples = [([1, 0], 1), ([0], 0), ([1, 1, 0], 2), ([], 0)]
    return Task("first-or-length", parse_type("list(int) -> int"), tuple(Example((x,), y) for x, y in examples))


@pytest.fixture(scope="module")
def concepts_small():
    return parse_library(CONCEPTS_SMALL)


@pytest.fixture(scope="module")
def lists_small():
    return parse_library(LISTS_SMALL)


def test_brute_force_prior_normalises_on_unbounded_depth_limit(concepts_small):
    # The enumeration used as ground truth must itself be right: the prior mass of all
    # programs of depth <= d grows with d towards 1 and never exceeds it.
    g = Grammar.from_library(concepts_small)
    request = parse_type("object -> bool")
    masses = [sum(math.exp(g.log_prior(p, request)) for p in all_programs(g, request, d)) for d in (2, 3, 4)]
    assert masses[0] < masses[1] < masses[2] <= 1.0 + 1e-9
    assert masses[2] > 0.8


@pytest.mark.parametrize("chains", [1, 3])
def test_compiled_engine_matches_exact_posterior(concepts_small, chains):
    g = Grammar.from_library(concepts_small)
    task, model, depth = concept_task(), NoisyMatch(0.25), 3
    exact = exact_posterior(g, task, model, depth)
    assert 40 < len(exact) < 200
    config = MCMCConfig(steps=150_000, chains=chains, max_temperature=4.0, max_depth=depth, engine="compiled",
                        seed=1, burn_in=1000)
    result = run_mcmc(task, g, config, likelihood=model)
    assert result.engine == "compiled"
    freqs = result.sample_frequencies()
    assert set(freqs) <= set(exact), "the chain left the depth-bounded support"
    tv = total_variation(freqs, exact)
    assert tv < 0.03, tv
    wrong = run_mcmc(task, g, config, likelihood=model, hastings=False)
    tv_wrong = total_variation(wrong.sample_frequencies(), exact)
    assert tv_wrong > 0.1, f"dropping the proposal ratio went undetected (TV {tv_wrong:.3f})"


def test_general_engine_matches_exact_posterior_with_polymorphism(lists_small):
    g = Grammar.from_library(lists_small)
    task, depth = list_task(), 4
    model = NoisyMatch(0.3, mismatch_log_probability=math.log(0.25))
    exact = exact_posterior(g, task, model, depth)
    # Polymorphism is exercised: some programs build lists of lists inside `length`.
    assert any("(length (cons empty" in str(p) for p in exact)
    assert 20 < len(exact) < 400
    config = MCMCConfig(steps=30_000, chains=1, max_depth=depth, engine="general", seed=2, burn_in=500)
    result = run_mcmc(task, g, config, likelihood=model)
    assert result.engine == "general"
    tv = total_variation(result.sample_frequencies(), exact)
    assert tv < 0.06, tv
    wrong = run_mcmc(task, g, config, likelihood=model, hastings=False)
    tv_wrong = total_variation(wrong.sample_frequencies(), exact)
    assert tv_wrong > 0.1, f"dropping the proposal ratio went undetected (TV {tv_wrong:.3f})"


def test_contextual_grammar_compiled_matches_exact(concepts_small):
    base = Grammar.from_library(concepts_small)
    # Make `not` unlikely under `not` and `and` likely at the root: contexts must matter.
    names = [p.name for p in concepts_small.productions]
    under_not = base.with_log_weights([(-3.0 if n == "not" else w) for n, w in zip(names, base.log_weights)], 0.0)
    root = base.with_log_weights([(1.5 if n == "and" else w) for n, w in zip(names, base.log_weights)], 0.0)
    cg = ContextualGrammar.from_grammar(base)
    grammars = list(list(row) for row in cg.library_grammars)
    grammars[names.index("not")][0] = under_not
    cg = ContextualGrammar(root, base, tuple(tuple(row) for row in grammars))
    task, model, depth = concept_task(), NoisyMatch(0.25), 3
    exact = exact_posterior(cg, task, model, depth)
    config = MCMCConfig(steps=100_000, chains=2, max_temperature=3.0, max_depth=depth, seed=3, burn_in=1000)
    result = run_mcmc(task, cg, config, likelihood=model)
    assert result.engine == "compiled"
    assert total_variation(result.sample_frequencies(), exact) < 0.035


def test_frontier_scores_are_exact_and_within_depth(concepts_small):
    g = Grammar.from_library(concepts_small)
    task, depth = concept_task(), 3
    config = MCMCConfig(steps=5000, chains=2, max_depth=depth, likelihood="noisy",
                        likelihood_options={"epsilon": 0.25}, frontier_size=20)
    frontier = run_mcmc(task, g, config).frontier
    assert 0 < len(frontier.entries) <= 20
    model = NoisyMatch(0.25)
    for e in frontier.entries:
        assert e.log_prior == pytest.approx(g.log_prior(e.program, task.request_type))
        assert e.log_likelihood == pytest.approx(model.log_likelihood(concepts_small.compile(e.program), task))
        assert max(c.level for c in walk_choices(g, e.program, task.request_type)) <= depth
    weights = frontier.posterior_weights()
    assert sum(weights) == pytest.approx(1.0)
    assert weights == sorted(weights, reverse=True)
    assert frontier.stats.strategy == "mcmc" and frontier.stats.programs_tried == 10_000


def test_engines_agree_and_runs_are_reproducible(concepts_small):
    g = Grammar.from_library(concepts_small)
    task = concept_task()
    config = MCMCConfig(steps=2000, chains=2, max_depth=3, likelihood="noisy", likelihood_options={"epsilon": 0.25})
    a, b = run_mcmc(task, g, config), run_mcmc(task, g, config)
    assert a.sample_counts == b.sample_counts
    general = run_mcmc(task, g, MCMCConfig(**{**config.__dict__, "engine": "general"}))
    assert general.frontier.best.log_posterior == pytest.approx(a.frontier.best.log_posterior)


def test_deadline_stops_the_run(concepts_small):
    import time

    g = Grammar.from_library(concepts_small)
    config = MCMCConfig(steps=None, max_depth=4, likelihood="noisy")
    result = run_mcmc(concept_task(), g, config, deadline=time.monotonic() + 0.3)
    assert result.frontier.stats.timed_out
    assert result.seconds < 1.5 and result.steps > 0


def test_config_is_validated():
    from induct.errors import InductError

    with pytest.raises(InductError, match="chains"):
        MCMCConfig(chains=0)
    with pytest.raises(InductError, match="unknown likelihood"):
        MCMCConfig(likelihood="nope")
    with pytest.raises(InductError, match="engine"):
        MCMCConfig(engine="fast")
    with pytest.raises(InductError, match="steps or a deadline"):
        run_mcmc(concept_task(), None, MCMCConfig(steps=None))  # type: ignore[arg-type]


def test_compiled_engine_refuses_polymorphic_grammar(lists_small):
    from induct.errors import InductError

    with pytest.raises(InductError, match="polymorphic"):
        run_mcmc(list_task(), Grammar.from_library(lists_small), MCMCConfig(steps=10, engine="compiled"))


def test_concept_search_recovers_rule_despite_flipped_labels():
    from induct.domains.concepts.semantics import make_concept_task
    from induct.dsl import load_library

    library = load_library("concepts")
    rule = "(lambda (or (shape-eq (shape $0) circle) (size-eq (size $0) large)))"
    task = make_concept_task(rule, 60, 4, np.random.default_rng(5))
    config = MCMCConfig(steps=30_000, chains=4, likelihood="noisy", likelihood_options={"epsilon": 0.1}, seed=0)
    frontier = run_mcmc(task, Grammar.from_library(library), config).frontier
    # The best program classifies every object as the true rule does (it may be written differently).
    objects = [e.inputs for e in task.examples]
    truth = [library.run(library.parse(rule), x) for x in objects]
    assert [library.run(frontier.best.program, x) for x in objects] == truth
    assert sum(t != e.output for t, e in zip(truth, task.examples)) == 4
