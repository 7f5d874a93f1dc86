"""The recognition model on ARC shapes: grids of many sizes, conditioned on each task."""

from __future__ import annotations

import jax
import numpy as np

from induct.domain import get_domain
from induct.domains.arc.data import random_grid_tasks
from induct.recognition import RecognitionConfig, RecognitionModel, predict_grammar, train
from induct.recognition.features import GridFeaturizer
from induct.search.frontier import Frontier, FrontierEntry
from induct.tasks import Example, Task
from induct.types import parse_type

GRID = parse_type("grid -> grid")


def _tasks(rng, n, library):
    """Tasks whose outputs are their inputs rotated (even k) or mirrored (odd k), grids 3-30 a side."""
    programs = [library.parse("(lambda (rot90 $0))"), library.parse("(lambda (flip-h $0))")]
    made = random_grid_tasks(library, programs, n, rng)
    frontiers = {t.name: Frontier(t.name, GRID, (FrontierEntry(p, -4.0, 0.0),)) for t, p in made}
    return [t for t, _ in made], frontiers, programs


def test_grid_sizes_are_bucketed_so_compilations_stay_few():
    f = GridFeaturizer()
    sides = {f.collate([f.featurize(Task("t", GRID, (Example(([[0] * w] * h,), [[0] * w] * h),)))])["grids"].shape[-1]
             for h in range(1, 31) for w in (1, 7, 30)}
    assert sides <= {4, 8, 16, 32}


def test_the_model_learns_which_transformation_an_arc_shaped_task_shows():
    library = get_domain("arc").load_library()
    rng = np.random.default_rng(0)
    tasks, frontiers, (rot, flip) = _tasks(rng, 16, library)
    held_out, _, _ = _tasks(np.random.default_rng(1), 6, library)
    config = RecognitionConfig(embedding_dim=8, hidden_dim=32, batch_size=16, steps=150, n_dreams=0,
                               progress=False, learning_rate=3e-3, prior_mix=0.0)
    model = RecognitionModel.init(jax.random.key(0), library, "grid", config)
    model, metrics = train(model, frontiers, tasks, library, config, jax.random.key(1))
    assert metrics["loss_last"] < metrics["loss_first"]
    right = 0
    for k, task in enumerate(held_out):
        g = predict_grammar(model, task)
        want, other = (rot, flip) if k % 2 == 0 else (flip, rot)
        right += g.log_prior(want, GRID) > g.log_prior(other, GRID)
    assert right >= 5, right  # conditioned on the task's grids, not only on what is common
