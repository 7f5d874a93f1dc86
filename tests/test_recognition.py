"""The neural prior: loss = −log prior, finite gradients, learning, persistence, growth."""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from induct.grammar import ContextualGrammar, Grammar
from induct.programs import Invented
from induct.recognition import (
    ContextLayout, RecognitionConfig, RecognitionModel, batch_loss, grow, grow_model, load, make_batch,
    predict_grammar, predict_logits, read_header, save, task_losses, train,
    training_items,
)
from induct.search.frontier import Frontier, FrontierEntry
from induct.errors import ConfigError
from induct.tasks import Example, Task
from induct.types import parse_type


@pytest.fixture(autouse=True)
def strict_ranks():
    with jax.numpy_rank_promotion("raise"):
        yield


@pytest.fixture
def strict_dtypes():
    """Strict dtype promotion for our own code (optax's Adam relies on standard promotion)."""
    with jax.numpy_dtype_promotion("strict"):
        yield


LIST_PROGRAMS = [
    ("list(int) -> list(int)", "(lambda (map (lambda (+ $0 1)) $0))"),
    ("list(int) -> int", "(lambda (fold $0 0 (lambda (lambda (+ $0 $1)))))"),
    ("list(int) -> list(int)", "(lambda (cdr $0))"),
    ("list(int) -> bool", "(lambda (empty? $0))"),
    ("list(int) -> list(bool)", "(lambda (map (lambda (gt? $0 1)) $0))"),
]


def _task(name: str, request: str, examples) -> Task:
    return Task(name, parse_type(request), tuple(Example(tuple(i), o) for i, o in examples))


def _tasks_and_frontiers(lib):
    tasks, frontiers = [], {}
    inputs = [[1, 2, 3], [4, 0], [5], [2, 2, 7, 1]]
    for k, (request, text) in enumerate(LIST_PROGRAMS):
        program = lib.parse(text)
        task = _task(f"t{k}", request, [((x,), lib.run(program, (x,))) for x in inputs])
        tasks.append(task)
        frontiers[task.name] = Frontier(task.name, task.request_type, (FrontierEntry(program, -5.0, 0.0),))
    return tasks, frontiers


@pytest.fixture(scope="module")
def small_config():
    return RecognitionConfig(embedding_dim=8, hidden_dim=16, batch_size=8, steps=20, n_dreams=0,
                             progress=False, head_init_scale=0.5, prior_mix=0.0)


@pytest.mark.parametrize("head", ["contextual", "unigram"])
def test_loss_equals_negative_log_prior(lists_library, small_config, head, strict_dtypes):
    lib = lists_library
    config = small_config.replace(head=head)
    model = RecognitionModel.init(jax.random.key(1), lib, "tokens", config)
    tasks, frontiers = _tasks_and_frontiers(lib)
    items = training_items(model, list(frontiers.values()), {t.name: t for t in tasks})
    assert len(items) == len(tasks)
    feats, progs = make_batch(model, items)
    net_logits = predict_logits(model, tasks)
    losses = np.asarray(task_losses(jnp.asarray(net_logits), {k: v[: len(tasks)] for k, v in progs.items()}))
    for task, loss in zip(tasks, losses):
        g = predict_grammar(model, task)
        assert isinstance(g, ContextualGrammar if head == "contextual" else Grammar)
        expected = -g.bind(task).log_prior(frontiers[task.name].best.program, task.request_type)
        assert math.isfinite(expected)
        assert loss == pytest.approx(expected, rel=1e-4, abs=1e-4)
    # the batch loss is the mean over real tasks (padding tasks carry no weight)
    from induct.recognition.model import network

    net = network(model.config, model.featurizer, model.layout)
    from induct.recognition.model import prior_logits

    offset = jnp.asarray(prior_logits(model))[None, None, :]
    value = float(batch_loss(net.apply({"params": model.params}, feats) + offset, progs))
    assert value == pytest.approx(float(np.mean(losses)), rel=1e-4)


def test_gradients_are_finite(lists_library, small_config, strict_dtypes):
    from induct.recognition.model import network

    model = RecognitionModel.init(jax.random.key(2), lists_library, "tokens", small_config)
    tasks, frontiers = _tasks_and_frontiers(lists_library)
    items = training_items(model, list(frontiers.values()), {t.name: t for t in tasks})
    feats, progs = make_batch(model, items)
    net = network(model.config, model.featurizer, model.layout)
    grads = jax.grad(lambda p: batch_loss(net.apply({"params": p}, feats), progs))(model.params)
    leaves = jax.tree_util.tree_leaves(grads)
    assert leaves and all(bool(jnp.all(jnp.isfinite(g))) for g in leaves)
    assert any(float(jnp.max(jnp.abs(g))) > 0 for g in leaves)


def test_learns_a_production_that_is_always_used(lists_library, small_config):
    """Every replayed program is (cdr $0): the model must come to prefer cdr at the root."""
    lib = lists_library
    program = lib.parse("(lambda (cdr $0))")
    request = parse_type("list(int) -> list(int)")
    rng = np.random.default_rng(0)
    tasks, frontiers = [], {}
    for k in range(12):
        xs = [list(map(int, rng.integers(0, 9, size=int(rng.integers(2, 6))))) for _ in range(3)]
        task = _task(f"c{k}", "list(int) -> list(int)", [((x,), x[1:]) for x in xs])
        tasks.append(task)
        frontiers[task.name] = Frontier(task.name, request, (FrontierEntry(program, -3.0, 0.0),))
    config = small_config.replace(steps=150, learning_rate=1e-2)
    model = RecognitionModel.init(jax.random.key(3), lib, "tokens", config)
    before = predict_grammar(model, tasks[0]).log_prior(program, request)
    model, metrics = train(model, frontiers, tasks, lib, config, jax.random.key(4))
    after = predict_grammar(model, tasks[0]).log_prior(program, request)
    assert metrics["steps"] == 150 and metrics["replays"] == 12
    assert metrics["loss_last"] < metrics["loss_first"]
    assert after > before + 1.0
    assert after > math.log(0.5)  # cdr $0 now takes most of the mass at the root
    g = predict_grammar(model, tasks[0])
    cdr = lib.production("cdr").program
    root = g.grammar_for((-1, 0))
    best = max(range(g.n_productions), key=lambda i: root.log_weights[i])
    assert lib.productions[best].program == cdr


def test_save_load_identical_predictions(lists_library, small_config, tmp_path, strict_dtypes):
    lib = lists_library
    model = RecognitionModel.init(jax.random.key(5), lib, "tokens", small_config.replace(encoder="gru"))
    tasks, _ = _tasks_and_frontiers(lib)
    path = save(model, tmp_path / "model.msgpack")
    header = read_header(path)
    assert header["productions"] == [p.name for p in lib.productions]
    assert header["architecture"]["encoder"] == "gru"
    loaded = load(path, lib)
    np.testing.assert_array_equal(predict_logits(model, tasks), predict_logits(loaded, tasks))
    assert b"pickle" not in path.read_bytes()


def test_load_refuses_a_library_without_the_models_productions(lists_library, text_library, small_config, tmp_path):
    from induct.recognition import RecognitionError

    model = RecognitionModel.init(jax.random.key(6), lists_library, "tokens", small_config)
    path = save(model, tmp_path / "m.msgpack")
    with pytest.raises(RecognitionError, match="lacks"):
        load(path, text_library)
    bad = tmp_path / "bad.msgpack"
    bad.write_bytes(b"not msgpack at all")
    with pytest.raises(RecognitionError):
        load(bad, lists_library)


@pytest.mark.parametrize("head", ["contextual", "unigram"])
def test_growth_keeps_old_weights(lists_library, small_config, head):
    lib = lists_library
    model = RecognitionModel.init(jax.random.key(7), lib, "tokens", small_config.replace(head=head))
    grown_lib = lib.with_inventions([("inc-all", lib.parse("(lambda (map (lambda (+ $0 1)) $0))")),
                                     ("add", lib.parse("(lambda (lambda (+ $0 $1)))"))])
    grown = grow_model(model, grown_lib)
    old, new = ContextLayout.of(lib, head), ContextLayout.of(grown_lib, head)
    assert new.n_contexts == old.n_contexts + (0 if head == "unigram" else 1 + 2)
    tasks, _ = _tasks_and_frontiers(lib)
    a, b = predict_logits(model, tasks), predict_logits(grown, tasks)
    p = old.n_productions
    for row in range(old.n_contexts):
        context = old.contexts()[row]
        np.testing.assert_allclose(b[:, new.index(context), :p], a[:, row, :p], rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(b[:, new.index(context), -1], a[:, row, -1], rtol=1e-5, atol=1e-6)
        np.testing.assert_array_equal(b[:, new.index(context), p:-1], 0.0)
    # encoder parameters are untouched
    for k in model.params:
        if k != "head":
            for x, y in zip(jax.tree_util.tree_leaves(model.params[k]), jax.tree_util.tree_leaves(grown.params[k])):
                np.testing.assert_array_equal(np.asarray(x), np.asarray(y))
    # the grown model scores programs that use the inventions
    g = predict_grammar(grown, tasks[0])
    inc_all = grown_lib.production("inc-all").program
    assert isinstance(inc_all, Invented)
    from induct.programs import Application, Abstraction, Index

    assert math.isfinite(g.log_prior(Abstraction(Application(inc_all, Index(0))), parse_type("list(int) -> list(int)")))
    # growing is the identity on the same library
    same = grow(model.params, lib, lib, head)
    for x, y in zip(jax.tree_util.tree_leaves(model.params), jax.tree_util.tree_leaves(same)):
        np.testing.assert_array_equal(np.asarray(x), np.asarray(y))


def test_grown_model_trains_and_saves(lists_library, small_config, tmp_path):
    lib = lists_library
    model = RecognitionModel.init(jax.random.key(8), lib, "tokens", small_config)
    path = save(model, tmp_path / "old.msgpack")
    grown_lib = lib.with_inventions([("dec-all", lib.parse("(lambda (map (lambda (- $0 1)) $0))"))])
    tasks, frontiers = _tasks_and_frontiers(lib)
    loaded = load(path, grown_lib)  # loading into a grown library grows the head
    assert loaded.layout.n_productions == len(grown_lib.productions)
    trained, metrics = train(loaded, frontiers, tasks, grown_lib, small_config, jax.random.key(9))
    assert metrics["steps"] == small_config.steps and math.isfinite(metrics["loss_last"])


def test_training_is_deterministic_given_the_key(lists_library, small_config):
    lib = lists_library
    tasks, frontiers = _tasks_and_frontiers(lib)
    config = small_config.replace(steps=5, n_dreams=10)
    outs = []
    for _ in range(2):
        model = RecognitionModel.init(jax.random.key(10), lib, "tokens", config)
        model, metrics = train(model, frontiers, tasks, lib, config, jax.random.key(11))
        outs.append((predict_logits(model, tasks), metrics["dreams"]))
    np.testing.assert_array_equal(outs[0][0], outs[1][0])
    assert outs[0][1] == outs[1][1]


def test_train_requires_a_key(lists_library, small_config):
    from induct.errors import InductError

    model = RecognitionModel.init(jax.random.key(0), lists_library, "tokens", small_config)
    with pytest.raises(InductError, match="key"):
        train(model, {}, [], lists_library, small_config, None)


def test_config_is_validated():
    from induct.recognition import RecognitionError

    with pytest.raises(ConfigError, match="head"):
        RecognitionConfig(head="trigram")
    with pytest.raises(ConfigError, match="dream_fraction"):
        RecognitionConfig(dream_fraction=2.0)
    with pytest.raises(ConfigError, match="prior_mix"):
        RecognitionConfig(prior_mix=1.0)
    with pytest.raises(ConfigError, match="unknown"):
        RecognitionConfig().replace(hidden=3)


def _zero_head(model):
    params = dict(model.params)
    params["head"] = {k: jnp.zeros_like(v) for k, v in params["head"].items()}
    return model.with_params(params)


@pytest.mark.parametrize("offset", [True, False])
def test_network_output_is_a_correction_to_the_library_prior(lists_library, small_config, offset):
    names = [p.name for p in lists_library.productions]
    weights = {n: -0.1 * k for k, n in enumerate(names)}
    lib = lists_library.with_log_weights(weights, -1.5)
    model = _zero_head(RecognitionModel.init(jax.random.key(3), lib, "tokens", small_config.replace(prior_offset=offset)))
    tasks, _ = _tasks_and_frontiers(lib)
    logits = predict_logits(model, tasks)
    expected = np.asarray([weights[n] for n in names] + [-1.5]) if offset else np.zeros(len(names) + 1)
    for row in logits.reshape(-1, logits.shape[-1]):
        np.testing.assert_allclose(row, expected, rtol=1e-6, atol=1e-6)


def test_prior_mix_bounds_every_choice(lists_library):
    from induct.recognition import grammar_from_logits

    lib = lists_library
    layout = ContextLayout.of(lib, "contextual")
    logits = np.zeros((layout.n_contexts, layout.n_outputs))
    logits[:, 0] = 60.0  # the network is certain of production 0 everywhere
    n = layout.n_outputs
    for mix in (0.0, 0.25):
        g = grammar_from_logits(logits, lib, "contextual", prior_mix=mix)
        for row in [g.no_parent, g.variable_parent] + [r for rows in g.library_grammars for r in rows]:
            w = np.asarray(list(row.log_weights) + [row.log_variable])
            p = np.exp(w - np.logaddexp.reduce(w))
            if mix == 0.0:
                assert p[0] > 0.999
            else:  # the library prior here is uniform over the n outputs
                assert p[0] == pytest.approx(0.75 + 0.25 / n)
                np.testing.assert_allclose(p[1:], 0.25 / n, rtol=1e-9)
