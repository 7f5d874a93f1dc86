"""Featurizers, the program/array boundary, and dreams."""

from __future__ import annotations

import json

import jax
import numpy as np
import pytest

from induct.errors import InductError
from induct.grammar import Grammar
from induct.programs import FAILED
from induct.recognition import (
    FEATURIZERS, ContextLayout, GridFeaturizer, PointsFeaturizer, TokenFeaturizer, collate_programs,
    dream, dream_by_enumeration, make_featurizer, program_arrays, register_featurizer,
)
from induct.recognition.features import CLOSE, OPEN, SEP_INPUT, SEP_OUTPUT, TRUE, bucket
from induct.tasks import Example, Task, load_tasks
from induct.types import parse_type


def test_bucket_is_a_bounded_power_of_two():
    assert [bucket(n, 8, 64) for n in (1, 8, 9, 33, 64, 500)] == [8, 8, 16, 64, 64, 64]


def test_tokens_of_lists_strings_ints_bools():
    f = TokenFeaturizer(int_range=4, max_length=32)
    seq = f.example_tokens(([1, -9, 99], "ab"), True)
    assert seq[0] == SEP_INPUT and seq[1] == OPEN and seq[5] == CLOSE
    assert seq[2] == f.token_of_int(1) and seq[3] == f.token_of_int(-100) and seq[4] == f.token_of_int(100)
    assert seq[6] == SEP_INPUT and seq[7] == OPEN and seq[8] == f.token_of_char("a")
    assert seq[-2:] == [SEP_OUTPUT, TRUE]
    assert len(set(range(f.vocabulary_size))) == f.vocabulary_size
    assert max(seq) < f.vocabulary_size
    long = f.example_tokens((list(range(100)),), 0)
    assert len(long) == 32


@pytest.mark.parametrize("name", sorted(FEATURIZERS))
def test_collate_buckets_shapes(name):
    f = make_featurizer(name)
    if name == "grid":
        tasks = [Task(f"g{k}", parse_type("grid -> grid"),
                      tuple(Example(([[1] * (k + 2)] * (k + 1),), [[2] * (k + 1)]) for _ in range(3)))
                 for k in range(3)]
    else:
        tasks = [Task(f"t{k}", parse_type("list(int) -> list(int)"),
                      tuple(Example((list(range(k * 3)),), list(range(k))) for _ in range(k + 1)))
                 for k in range(3)]
    batch = f.collate([f.featurize(t) for t in tasks])
    assert batch["example_mask"].shape[0] == 3
    assert batch["example_mask"].sum(axis=1).tolist() == [min(len(t.examples), batch["example_mask"].shape[1])
                                                          for t in tasks]
    for k, v in batch.items():
        if k != "example_mask" and name != "points":
            for dim in v.shape[2:]:
                assert dim & (dim - 1) == 0, (k, v.shape)


def test_registry_refuses_duplicates_and_unknown_names():
    with pytest.raises(InductError, match="unknown featurizer"):
        make_featurizer("nope")
    with pytest.raises(InductError, match="already registered"):
        register_featurizer("tokens", GridFeaturizer)
    register_featurizer("tokens", TokenFeaturizer)  # the same factory again is fine


def test_layout_and_arrays_match_the_summary(lists_library):
    lib = lists_library
    layout = ContextLayout.of(lib)
    assert layout.n_contexts == 2 + sum(layout.arities)
    assert len(layout.contexts()) == layout.n_contexts
    assert [layout.index(c) for c in layout.contexts()] == list(range(layout.n_contexts))
    request = parse_type("list(int) -> list(int)")
    program = lib.parse("(lambda (map (lambda (+ $0 1)) $0))")
    arrays = program_arrays(program, request, lib, layout)
    summary = Grammar.uniform(lib).summary(program, request)
    assert arrays.length == len(summary.choices)
    for i, c in enumerate(summary.choices):
        assert arrays.context[i] == layout.index(c.context)
        assert arrays.chosen[i] == c.chosen
        assert set(np.flatnonzero(arrays.candidates[i])) == set(c.candidates)
    batch = collate_programs([[(arrays, 1.0)], []], layout.n_outputs, 3, 64)
    assert batch.context.shape == (2, 3, 8)
    assert batch.choice_mask.sum() == arrays.length and batch.weight.tolist() == [[1, 0, 0], [0, 0, 0]]
    assert batch.candidates.any(axis=-1).all()  # padded rows have a finite normaliser


def _check_dreams(lib, dreams, tasks):
    behaviours = set()
    for d in dreams:
        entry = d.frontier.best
        assert d.frontier.solved and len(d.frontier.entries) == 1
        outputs = [e.output for e in d.task.examples]
        assert len({json.dumps(o) for o in outputs}) > 1  # not constant
        for e in d.task.examples:
            assert lib.run(entry.program, e.inputs) == e.output != FAILED
        # Sampled dreams are scored under the prior bound to the task that lent its inputs.
        source = {t.name: t for t in tasks}[d.task.metadata["dreamed_from"]]
        prior = Grammar.from_library(lib)
        expected = {prior.log_prior(entry.program, d.task.request_type),
                    prior.bind(source).log_prior(entry.program, d.task.request_type)}
        assert any(entry.log_prior == pytest.approx(v) for v in expected)
        behaviours.add((d.task.request_type, d.task.metadata["dreamed_from"], json.dumps(outputs)))
    assert len(behaviours) == len(dreams)  # no two fantasies on the same inputs behave alike


def test_dreams_by_enumeration(lists_library):
    tasks = load_tasks("lists", "train")[:20]
    dreams = dream_by_enumeration(lists_library, tasks, 30, jax.random.key(0), programs_per_dream=50)
    assert 10 <= len(dreams) <= 30
    _check_dreams(lists_library, dreams, tasks)
    again = dream_by_enumeration(lists_library, tasks, 30, jax.random.key(0), programs_per_dream=50)
    assert [str(d.frontier.best.program) for d in dreams] == [str(d.frontier.best.program) for d in again]


def test_dreams_by_sampling(lists_library):
    tasks = load_tasks("lists", "train")[:20]
    dreams = dream(lists_library, tasks, 5, jax.random.key(1), max_attempts=300)
    assert dreams
    _check_dreams(lists_library, dreams, tasks)
    again = dream(lists_library, tasks, 5, jax.random.key(1), max_attempts=300)
    assert [str(d.frontier.best.program) for d in dreams] == [str(d.frontier.best.program) for d in again]


def test_predicted_grammar_drives_enumeration(lists_library):
    """A ContextualGrammar from the model is a prior the enumerate strategy can search with."""
    import time

    from induct.recognition import RecognitionConfig, RecognitionModel, predict_grammar
    from induct.search.base import SearchConfig, get_strategy

    config = RecognitionConfig(embedding_dim=8, hidden_dim=16, progress=False)
    model = RecognitionModel.init(jax.random.key(0), lists_library, "tokens", config)
    task = Task("cdr", parse_type("list(int) -> list(int)"),
                tuple(Example((x,), x[1:]) for x in ([1, 2, 3], [4, 5], [7, 8, 9, 1])))
    g = predict_grammar(model, task)
    frontier = get_strategy("enumerate").search(task, g, SearchConfig(timeout=5.0), time.monotonic() + 5.0)
    assert frontier.solved
    best = frontier.best
    assert best.log_prior == pytest.approx(g.log_prior(best.program, task.request_type))


def test_points_featurizer_squashes_and_pads():
    f = PointsFeaturizer(n_inputs=2, max_points=4)
    task = Task("f", parse_type("int -> int -> int"), tuple(Example((x, 1), x * 1000) for x in range(6)))
    batch = f.collate([f.featurize(task)])
    assert batch["points"].shape == (1, 4, 3) and batch["example_mask"].all()
    assert np.all(np.abs(batch["points"]) < 20)


def _dreams_as_data(dreams):
    return [(d.task.name, str(d.task.request_type), d.task.metadata["dreamed_from"],
             json.dumps([[list(e.inputs), e.output] for e in d.task.examples]),
             str(d.frontier.best.program), d.frontier.best.log_prior) for d in dreams]


@pytest.mark.parametrize("method", ["enumerate", "sample"])
def test_dreams_made_on_worker_processes_are_those_made_here(lists_library, method):
    from induct.recognition import RecognitionConfig, make_dreams

    tasks = load_tasks("lists", "train")[:30]
    assert len({t.request_type for t in tasks}) > 1  # more than one job for enumeration
    config = RecognitionConfig(n_dreams=40, dream_method=method)
    here = make_dreams(lists_library, tasks, config, jax.random.key(4))
    pooled = make_dreams(lists_library, tasks, config, jax.random.key(4), backend="local", workers=2)
    assert len(here) >= 10
    _check_dreams(lists_library, pooled, tasks)
    assert _dreams_as_data(pooled) == _dreams_as_data(here)
