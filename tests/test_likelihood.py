"""Likelihood models on hand-computed cases."""

from __future__ import annotations

import math

import pytest

from induct.dsl import load_library
from induct.errors import InductError
from induct.likelihood import LIKELIHOODS, ExactMatch, Gaussian, NoisyMatch, make_likelihood
from induct.programs import FAILED
from induct.tasks import Example, Task
from induct.types import parse_type


def bool_task(labels):
    return Task("t", parse_type("bool -> bool"), tuple(Example((True,), y) for y in labels))


def test_noisy_match_counts_matches_and_flips():
    scorer = NoisyMatch(0.2).output_scorer(bool_task([True, True, False]))
    assert scorer([True, True, False]) == pytest.approx(3 * math.log(0.8))
    assert scorer([True, False, False]) == pytest.approx(2 * math.log(0.8) + math.log(0.2))
    assert scorer([False, False, True]) == pytest.approx(3 * math.log(0.2))


def test_noisy_match_failed_example_is_a_mismatch():
    scorer = NoisyMatch(0.2).output_scorer(bool_task([True, False]))
    assert scorer([FAILED, False]) == pytest.approx(math.log(0.2) + math.log(0.8))


def test_noisy_match_mismatch_distribution_for_non_boolean_outputs():
    # Outputs in {0..4}: a wrong example is uniform over the 4 other values, q = 1/4.
    task = Task("t", parse_type("int -> int"), (Example((1,), 1), Example((2,), 3)))
    scorer = NoisyMatch(0.1, mismatch_log_probability=-math.log(4)).output_scorer(task)
    assert scorer([1, 2]) == pytest.approx(math.log(0.9) + math.log(0.1 / 4))
    # The per-example observation distribution is normalised: (1 − ε) + 4 · ε/4 = 1.
    per_example = [math.exp(scorer([1, v]) - math.log(0.9)) for v in range(5)]
    assert sum(per_example) == pytest.approx(1.0)


def test_noisy_match_with_zero_noise_is_exact():
    scorer = NoisyMatch(0.0).output_scorer(bool_task([True, False]))
    assert scorer([True, False]) == 0.0
    assert scorer([True, True]) == -math.inf


def test_noisy_match_on_a_compiled_program_agrees_with_outputs():
    library = load_library("concepts")
    task = Task("red", parse_type("object -> bool"), (
        Example(({"color": "red", "shape": "circle", "size": "small"},), True),
        Example(({"color": "blue", "shape": "circle", "size": "small"},), True),
        Example(({"color": "green", "shape": "square", "size": "large"},), False)))
    program = library.compile(library.parse("(lambda (color-eq (color $0) red))"))
    assert NoisyMatch(0.1).log_likelihood(program, task) == pytest.approx(2 * math.log(0.9) + math.log(0.1))
    assert ExactMatch().log_likelihood(program, task) == -math.inf


def test_noisy_match_validates_its_parameters():
    with pytest.raises(InductError, match="epsilon"):
        NoisyMatch(1.0)
    with pytest.raises(InductError, match="log-probability"):
        NoisyMatch(0.1, mismatch_log_probability=0.5)


def test_gaussian_by_hand():
    task = Task("t", parse_type("int -> int"), (Example((0,), 1.0), Example((0,), 3.0)))
    scorer = Gaussian(2.0).output_scorer(task)
    expected = -(1.0 ** 2) / (2 * 4.0) - 2 * math.log(2.0) - math.log(2 * math.pi)
    assert scorer([0.0, 3.0]) == pytest.approx(expected)


def test_gaussian_matches_scipy_on_vectors():
    stats = pytest.importorskip("scipy.stats")
    task = Task("t", parse_type("int -> list(int)"), (Example((0,), [1.0, 2.0]), Example((0,), [0.5, -1.0])))
    outputs = [[1.5, 2.5], [0.0, 0.0]]
    expected = sum(stats.norm.logpdf(y, loc=f, scale=0.7)
                   for ys, fs in zip([[1.0, 2.0], [0.5, -1.0]], outputs) for y, f in zip(ys, fs))
    assert Gaussian(0.7).output_scorer(task)(outputs) == pytest.approx(expected)


def test_gaussian_failures_are_impossible():
    task = Task("t", parse_type("int -> int"), (Example((0,), 1.0),))
    scorer = Gaussian(1.0).output_scorer(task)
    assert scorer([FAILED]) == -math.inf
    assert scorer([float("nan")]) == -math.inf
    assert scorer([True]) == -math.inf
    with pytest.raises(InductError, match="numeric"):
        Gaussian(1.0).output_scorer(bool_task([True]))
    with pytest.raises(InductError, match="sigma"):
        Gaussian(0.0)


def test_gaussian_on_a_compiled_program():
    library = load_library("lists")
    task = Task("len", parse_type("list(int) -> int"), (Example(([1, 2],), 2.5), Example(([],), 0.0)))
    program = library.compile(library.parse("(lambda (length $0))"))
    expected = -0.5 * 0.25 - 2 * 0.5 * math.log(2 * math.pi)
    assert Gaussian(1.0).log_likelihood(program, task) == pytest.approx(expected)


def test_registry_and_make_likelihood():
    assert {"exact", "noisy", "gaussian"} <= set(LIKELIHOODS)
    model = make_likelihood("noisy", epsilon=0.05)
    assert isinstance(model, NoisyMatch) and model.epsilon == 0.05
    assert make_likelihood(model) is model
    with pytest.raises(InductError, match="unknown likelihood"):
        make_likelihood("fuzzy")
    with pytest.raises(InductError, match="noisy"):
        make_likelihood("noisy", sigma=1.0)


def test_exact_match_scorer():
    scorer = ExactMatch().output_scorer(bool_task([True, False]))
    assert scorer([True, False]) == 0.0
    assert scorer([True, FAILED]) == -math.inf
