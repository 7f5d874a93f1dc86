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


def test_induct_train_on_the_regression_domain_runs_two_tiny_iterations(tmp_path, capsys):
    """The domain's own likelihood (Laplace evidence, constants inferred) is the one training uses."""
    import json

    from induct.cli import main

    run = tmp_path / "run"
    code = main(["train", "--domain", "regression", "--iterations", "2", "--out", str(run), "--batch-size", "2",
                 "--max-programs", "15", "--timeout", "20", "--test-max-programs", "10", "--test-timeout", "10",
                 "--max-test-tasks", "2", "--workers", "0", "--recognition-steps", "3", "--dreams", "2", "--quiet"])
    assert code == 0, capsys.readouterr().err
    assert sorted(p.name for p in (run / "checkpoints").iterdir()) == ["iteration_0001", "iteration_0002"]
    frontiers = json.loads((run / "checkpoints" / "iteration_0002" / "frontiers.json").read_text())
    lls = [e["log_likelihood"] for f in frontiers.values() for e in f["entries"]]
    # Laplace log evidence of 50 noisy points: finite and far from the exact likelihood's 0.
    assert lls and all(isinstance(v, float) and v < -1.0 for v in lls)


def test_families_merge_what_free_constants_absorb():
    from induct.domains.regression.semantics import family

    def key(text):
        return family(candidate(text).expr)

    assert key("(lambda (+ (* REAL $0) REAL))") == key("(lambda (- (/ $0 REAL) REAL))")
    assert key("(lambda (* (* REAL $0) $0))") == key("(lambda (/ (* $0 $0) REAL))")
    assert key("(lambda (+ REAL (+ REAL $0)))") == key("(lambda (+ $0 REAL))")
    assert key("(lambda (- REAL $0))") != key("(lambda (- $0 REAL))")  # c - x is not x + c
    assert key("(lambda (* $0 $0))") != key("(lambda (* REAL (* $0 $0)))")


def test_size_classes_fit_as_one_padded_batch_does():
    task = make_tasks(3, seed=4)[1]
    x, y = task_data(task)
    cands = [candidate(t) for t in ("(lambda (+ (* REAL $0) REAL))", "(lambda (+ (* REAL (* $0 $0)) REAL))",
                                    "(lambda REAL)", "(lambda (/ REAL (+ (* $0 $0) REAL)))")]
    grouped = fit_batch(cands, x, y, split_from=1)
    padded = fit_batch(cands, x, y, by_size=False)
    for a, b in zip(grouped, padded):
        assert np.isclose(a["evidence"], b["evidence"], rtol=1e-3, atol=0.05)


def test_enumeration_scores_candidates_in_batches(monkeypatch):
    import time

    from induct.grammar import Grammar
    from induct.search.base import SearchConfig
    from induct.search.enumeration import EnumerationRun

    task = make_tasks(1, seed=5)[0]  # linear
    calls = []
    batched = LaplaceLikelihood.log_likelihoods

    def counting(self, compiled, t):
        calls.append(len(compiled))
        return batched(self, compiled, t)

    monkeypatch.setattr(LaplaceLikelihood, "log_likelihoods", counting)
    config = SearchConfig(timeout=120, max_programs=60, stop_when_full=False, max_frontier=3,
                          likelihood="laplace", likelihood_options={"batch_size": 16, "steps": 200})
    run = EnumerationRun(task, Grammar.uniform(LIB), config)
    frontier = run.run(time.monotonic() + 120)
    assert sum(calls) == 60 and max(calls) == 16  # every program scored, in batches
    assert run.pending == []
    assert str(frontier.best.program) in ("(lambda (+ (* REAL $0) REAL))", "(lambda (+ (* $0 REAL) REAL))",
                                          "(lambda (+ REAL (* REAL $0)))", "(lambda (+ REAL (* $0 REAL)))")
