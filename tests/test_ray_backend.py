"""The Ray backend gives the local pool's results (skipped when Ray is not installed)."""

import pytest

ray = pytest.importorskip("ray")

from induct.dsl import parse_library  # noqa: E402
from induct.grammar import Grammar  # noqa: E402
from induct.search.base import SearchConfig  # noqa: E402
from induct.search.parallel import solve_tasks  # noqa: E402
from test_search import HAZARDS, _int_task  # noqa: E402  (the same hazardous DSL and tasks)


@pytest.fixture(scope="module")
def cluster():
    import os
    import sys

    tests = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(tests)
    ray.init(num_cpus=2, include_dashboard=False, _node_ip_address="127.0.0.1", log_to_driver=False,
             runtime_env={"env_vars": {"PYTHONPATH": os.pathsep.join([tests, root] + sys.path[1:2])}})
    yield
    ray.shutdown()


def _frontiers(results):
    return {n: [(str(e.program), e.log_prior, e.log_likelihood) for e in f.entries] for n, f in results.items()}


def test_ray_gives_the_local_pools_frontiers(cluster):
    g = Grammar.uniform(parse_library(HAZARDS))
    tasks = [_int_task("plus-one", lambda x: x + 1), _int_task("double", lambda x: 2 * x),
             _int_task("plus-two", lambda x: x + 2)]
    config = SearchConfig(timeout=20, max_frontier=5, max_programs=2000)  # a budget in programs, not seconds
    local = solve_tasks(tasks, g, "enumerate", config, workers=2)
    remote = solve_tasks(tasks, g, "enumerate", config, workers=2, backend="ray")
    assert all(f.solved for f in remote.values())
    assert _frontiers(local) == _frontiers(remote)
    assert [f.stats.programs_tried for f in local.values()] == [f.stats.programs_tried for f in remote.values()]


def test_a_ray_worker_killed_mid_search_loses_no_task(cluster):
    killing = Grammar.uniform(parse_library(HAZARDS + "boom : int -> int\n"))
    safe = Grammar.uniform(parse_library(HAZARDS))
    tasks = [_int_task("plus-one", lambda x: x + 1), _int_task("double", lambda x: 2 * x)]
    results = solve_tasks(tasks, {"plus-one": killing, "double": safe}, "enumerate",
                          SearchConfig(timeout=10, max_frontier=50), workers=2, backend="ray")
    assert set(results) == {"plus-one", "double"}
    assert "died" in results["plus-one"].stats.error
    assert str(results["double"].best.program) == "(lambda (double $0))"


def test_a_short_training_on_ray_gives_the_pools_library_and_frontiers(cluster, tmp_path):
    from pathlib import Path

    from induct.wake_sleep import Domain, TrainConfig, train

    data = Path(__file__).parent / "data"
    domain = Domain("tiny", str(data / "tiny.induct"), str(data / "tiny_tasks.json"), "train", ("test",))
    config = TrainConfig(iterations=2, batch_size=4, max_programs=3000, test_max_programs=2000, workers=2,
                         recognition=False, seed=1)
    local = train(config, tmp_path / "local", domain=domain, progress=False)
    remote = train(config.replace(backend="ray"), tmp_path / "ray", domain=domain, progress=False)
    assert remote.library.to_text() == local.library.to_text()
    assert {n: f.to_json()["entries"] for n, f in remote.state.frontiers.items()} == \
        {n: f.to_json()["entries"] for n, f in local.state.frontiers.items()}
    assert [m["train_solved_total"] for m in remote.metrics] == [m["train_solved_total"] for m in local.metrics]
