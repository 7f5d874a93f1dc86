"""The Ray backend gives the local pool's results (skipped when Ray is not installed)."""

import pytest

ray = pytest.importorskip("ray")

from induct.dsl import parse_library  # noqa: E402
from induct.grammar import Grammar  # noqa: E402
from induct.search.base import SearchConfig  # noqa: E402
from induct.search.parallel import solve_tasks  # noqa: E402
from test_search import HAZARDS, _int_task  # noqa: E402  (the same hazardous DSL and tasks)


@pytest.fixture(scope="module")
def naps(tmp_path_factory):
    """Where the "nap" primitive leaves the process ids of the workers that reached it."""
    return tmp_path_factory.mktemp("naps")


@pytest.fixture(scope="module")
def cluster(naps):
    import os
    import sys

    tests = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(tests)
    ray.init(num_cpus=2, include_dashboard=False, _node_ip_address="127.0.0.1", log_to_driver=False,
             runtime_env={"env_vars": {"PYTHONPATH": os.pathsep.join([tests, root] + sys.path[1:2]),
                                       "HAZARD_NAP_DIR": str(naps)}})
    yield
    ray.shutdown()


class _Killer:
    """A thread that SIGKILLs each process that reaches "nap", ``after`` seconds into its nap."""

    def __init__(self, folder, after=1.0):
        import threading

        self.folder, self.after, self.killed = folder, after, []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self):
        import os
        import signal
        import time

        while not self.stop.is_set():
            for f in sorted(self.folder.iterdir()):
                pid = int(f.name)
                f.unlink()
                time.sleep(self.after)  # the worker has sent what it found (every 0.05 s)
                os.kill(pid, signal.SIGKILL)
                self.killed.append(pid)
            time.sleep(0.05)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()


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


def test_a_ray_worker_killed_after_its_first_solution_keeps_it(cluster, naps):
    # "nap" is reached only by programs deeper than "inc": by then "inc" has been found and
    # streamed; the worker then sleeps until the test kills it, and the retry is killed the same way.
    napping = Grammar.uniform(parse_library(HAZARDS + "nap : int -> int\n"))
    tasks = [_int_task("plus-one", lambda x: x + 1), _int_task("double", lambda x: 2 * x)]
    with _Killer(naps) as killer:
        results = solve_tasks(tasks, napping, "enumerate", SearchConfig(timeout=20, max_frontier=50),
                              workers=2, backend="ray")
    assert len(killer.killed) >= 2  # the task's first worker and its retry's
    plus_one = results["plus-one"]
    assert "died" in plus_one.stats.error
    assert plus_one.solved and str(plus_one.best.program) == "(lambda (inc $0))"
    # what it kept are solutions, with the prior the grammar gives them
    for e in plus_one.entries:
        assert e.log_likelihood == 0.0
        assert abs(e.log_prior - napping.log_prior(e.program, tasks[0].request_type)) < 1e-9
    assert results["double"].solved and str(results["double"].best.program) == "(lambda (double $0))"


def test_ray_workers_log_records_are_emitted_by_the_driver(cluster, caplog):
    import logging
    import os

    chatty = Grammar.uniform(parse_library(HAZARDS + "chatty : int -> int\n"))
    with caplog.at_level(logging.WARNING, logger="induct"):
        solve_tasks([_int_task("plus-one", lambda x: x + 1)], chatty, "enumerate",
                    SearchConfig(timeout=20, max_frontier=5, max_programs=500), workers=1, backend="ray")
    records = [r for r in caplog.records if r.name == "induct.hazard"]
    assert records and records[0].getMessage().startswith("chatty ran in process")
    assert records[0].process != os.getpid()  # it came from a worker


def test_a_short_training_on_ray_gives_the_pools_library_and_frontiers(cluster, tmp_path):
    from pathlib import Path

    from induct.wake_sleep import Domain, TrainConfig, train

    data = Path(__file__).parent / "data"
    domain = Domain("tiny", str(data / "tiny.induct"), str(data / "tiny_tasks.json"), "train", ("test",))
    config = TrainConfig().replace(iterations=2, batch_size=4, test_max_programs=2000, workers=2,
                                   use_recognition=False, seed=1, search={"max_programs": 3000})
    local = train(config, tmp_path / "local", domain=domain, progress=False)
    remote = train(config.replace(backend="ray"), tmp_path / "ray", domain=domain, progress=False)
    assert remote.library.to_text() == local.library.to_text()
    assert {n: f.to_json()["entries"] for n, f in remote.state.frontiers.items()} == \
        {n: f.to_json()["entries"] for n, f in local.state.frontiers.items()}
    assert [m["train_solved_total"] for m in remote.metrics] == [m["train_solved_total"] for m in local.metrics]


@pytest.mark.parametrize("method", ["enumerate", "sample"])
def test_dreams_made_on_ray_are_those_made_here(cluster, method):
    import jax

    from induct.dsl import load_library
    from induct.recognition import RecognitionConfig, make_dreams
    from induct.tasks import load_tasks
    from test_recognition_data import _dreams_as_data

    library, tasks = load_library("lists"), load_tasks("lists", "train")[:30]
    config = RecognitionConfig(n_dreams=40, dream_method=method)
    here = make_dreams(library, tasks, config, jax.random.key(4))
    remote = make_dreams(library, tasks, config, jax.random.key(4), backend="ray", workers=2)
    assert len(here) >= 10 and _dreams_as_data(remote) == _dreams_as_data(here)


def test_an_address_nothing_listens_at_is_one_line_and_exit_2(capsys):
    from induct.cli import main

    code = main(["solve", "--grammar", "lists", "--tasks", "lists", "--limit", "1", "--backend", "ray",
                 "--address", "127.0.0.1:1"])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert "cannot reach the Ray cluster at '127.0.0.1:1'" in err
