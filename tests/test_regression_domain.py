"""The regression domain: tasks, numpyro MAP, Laplace structure choice, predictive interval."""

import numpy as np

from induct.dsl import load_library
from induct.programs.evaluation import compile_program
from induct.domains.regression import GRAMMAR
from induct.domains.regression.likelihood import (LaplaceLikelihood, fit_batch, posterior, predictive,
                                                  task_data, trace)
from induct.domains.regression.tasks import load_tasks, make_tasks

LIB = load_library(GRAMMAR)


def candidate(text):
    return trace(compile_program(LIB.parse(text), LIB))


def test_domain_loads_with_split_and_constants():
    tasks = load_tasks()
    assert {t.split for t in tasks} == {"train", "test"}
    t = tasks[0]
    assert len(t.examples) == 50 and all(-5 <= e.inputs[0] < 5 for e in t.examples)
    assert len(t.metadata["constants"]) == candidate(t.metadata["program"]).k


def test_map_recovers_constants_of_a_linear_task():
    task = make_tasks(1, seed=5)[0]
    x, y = task_data(task)
    fit = fit_batch([candidate(task.metadata["program"])], x, y)[0]
    assert np.allclose(fit["theta"], task.metadata["constants"], atol=0.2)


def test_laplace_prefers_true_structure_over_a_spurious_constant():
    task = make_tasks(2, seed=3)[1]  # quadratic
    x, y = task_data(task)
    true = candidate(task.metadata["program"])
    spurious = candidate("(lambda (+ (* REAL (* $0 (+ $0 REAL))) REAL))")
    a, b = fit_batch([true, spurious], x, y)
    assert a["log_joint"] <= b["log_joint"] + 5  # the extra constant fits at least about as well
    assert a["evidence"] > b["evidence"]


def test_likelihood_model_scores_a_compiled_program():
    task = make_tasks(1, seed=5)[0]
    model = LaplaceLikelihood()
    good = model.log_likelihood(compile_program(LIB.parse(task.metadata["program"]), LIB), task)
    bad = model.log_likelihood(compile_program(LIB.parse("(lambda REAL)"), LIB), task)
    assert good > bad


def test_predictive_interval_covers_on_a_toy():
    r = np.random.default_rng(0)
    x = r.uniform(-5, 5, 50)
    y = 2.0 * x + 1.0 + r.normal(0, 0.5, 50)
    c = candidate("(lambda (+ (* REAL $0) REAL))")
    post = posterior(fit_batch([c], x, y)[0], x, y, warmup=200, samples=300)
    xn = r.uniform(-5, 5, 200)
    yn = 2.0 * xn + 1.0 + r.normal(0, 0.5, 200)
    p = predictive(post, xn)
    cover = np.mean((p["lo"] <= yn) & (yn <= p["hi"]))
    assert 0.8 <= cover <= 0.98
    assert np.max(np.abs(p["mean"] - (2.0 * xn + 1.0))) < 0.5
