"""Search strategies and the parallel driver: solving, timeouts, workers that die."""

import math
import time

import pytest

from induct.dsl import parse_library
from induct.grammar import ContextualGrammar, Grammar
from induct.search import STRATEGIES, SearchConfig, get_strategy, solve_task, solve_tasks
from induct.search import parallel
from induct.search.enumeration import EnumerationRun
from induct.tasks import Example, Task, load_tasks
from induct.types import parse_type
from induct.errors import InductError

get_strategy("enumerate")  # loads the built-in strategies into the registry
EXHAUSTIVE = ["enumerate", "bottom_up"]
EASY = ["drop-k with k=1", "range", "prepend-k with k=1", "bool-identify-is-prime"]

HAZARDS = """semantics hazard_semantics
type int
inc : int -> int
double : int -> int
zero : int
"""


def _int_task(name, f, inputs=(1, 2, 3, 5)):
    return Task(name, parse_type("int -> int"), tuple(Example((x,), f(x)) for x in inputs))


@pytest.fixture(scope="module")
def easy_tasks():
    tasks = {t.name: t for t in load_tasks("lists")}
    return [tasks[n] for n in EASY if n in tasks]


@pytest.mark.parametrize("strategy", EXHAUSTIVE)
def test_exhaustive_strategies_solve_easy_list_tasks(lists_library, easy_tasks, strategy):
    assert len(easy_tasks) >= 3
    g = Grammar.uniform(lists_library)
    for task in easy_tasks:
        f = solve_task(task, g, strategy, SearchConfig(timeout=20, max_frontier=2))
        assert f.solved, task.name
        best = f.best
        assert best.log_likelihood == 0.0
        # The prior the search scored it under: the grammar bound to the task (its constants).
        assert math.isclose(best.log_prior, g.bind(task).log_prior(best.program, task.request_type), rel_tol=1e-9)
        for e in task.examples:
            assert lists_library.run(best.program, e.inputs) == e.output
        assert f.stats.programs_before_first_solution is not None
        assert f.stats.time_to_first_solution is not None


@pytest.mark.parametrize("enabled_before", [True, False])
def test_a_task_runs_with_the_cyclic_collector_off_and_leaves_it_as_it_was(lists_library, easy_tasks, monkeypatch,
                                                                          enabled_before):
    import gc

    seen = []
    search = parallel.search_with_decompositions

    def spy(*args):
        seen.append(gc.isenabled())
        return search(*args)

    monkeypatch.setattr(parallel, "search_with_decompositions", spy)
    was = gc.isenabled()
    try:
        gc.enable() if enabled_before else gc.disable()
        f = solve_task(easy_tasks[0], Grammar.uniform(lists_library), "enumerate", SearchConfig(timeout=10))
        after = gc.isenabled()
    finally:
        gc.enable() if was else gc.disable()
    assert f.solved
    assert seen == [False]
    assert after is enabled_before


@pytest.mark.parametrize("strategy", sorted(STRATEGIES))
def test_every_strategy_returns_a_well_formed_frontier_in_time(lists_library, strategy):
    task = _int_task("plus-two", lambda x: x + 2)
    lib = parse_library(HAZARDS)
    g = Grammar.uniform(lib)
    start = time.monotonic()
    f = solve_task(task, g, strategy, SearchConfig(timeout=2, max_frontier=3))
    assert time.monotonic() - start < 6
    assert f.task_name == "plus-two" and f.stats.strategy == strategy
    assert len(f.entries) <= 3
    weights = f.posterior_weights()
    if f.solved:
        assert math.isclose(sum(weights), 1.0)
        assert str(f.best.program) == "(lambda (inc (inc $0)))"


def test_enumeration_with_a_contextual_grammar_and_program_limit():
    lib = parse_library(HAZARDS)
    g = ContextualGrammar.from_grammar(Grammar.uniform(lib))
    task = _int_task("never", lambda x: -x)  # unsolvable: nothing negates
    f = EnumerationRun(task, g, SearchConfig(timeout=30, max_programs=500)).run(time.monotonic() + 30)
    assert not f.solved
    assert 500 <= f.stats.programs_tried < 500 + 1100


def test_in_process_and_parallel_results_agree(lists_library, easy_tasks):
    g = Grammar.uniform(lists_library)
    config = SearchConfig(timeout=20, max_frontier=1)
    seen = []
    serial = solve_tasks(easy_tasks[:2], g, "enumerate", config, workers=0)
    parallel_results = solve_tasks(easy_tasks[:2], g, "enumerate", config, workers=2, progress=seen.append)
    assert [p.done for p in seen] == [1, 2]
    for name in serial:
        assert serial[name].best.program == parallel_results[name].best.program
        assert math.isclose(serial[name].best.log_prior, parallel_results[name].best.log_prior)


def test_a_worker_that_dies_or_hangs_costs_only_its_task(monkeypatch):
    monkeypatch.setattr(parallel, "GRACE_SECONDS", 2.0)
    safe = Grammar.uniform(parse_library(HAZARDS))
    crashing = Grammar.uniform(parse_library(HAZARDS + "crash : int -> int\n"))
    hanging = Grammar.uniform(parse_library(HAZARDS + "hang : int -> int\n"))
    tasks = [_int_task("crash", lambda x: x + 7), _int_task("plus-one", lambda x: x + 1),
             _int_task("hang", lambda x: x + 7), _int_task("double", lambda x: 2 * x)]
    grammars = {"crash": crashing, "plus-one": safe, "hang": hanging, "double": safe}
    start = time.monotonic()
    results = solve_tasks(tasks, grammars, "enumerate", SearchConfig(timeout=2), workers=1)
    assert time.monotonic() - start < 30
    assert not results["crash"].solved and "died" in results["crash"].stats.error
    assert not results["hang"].solved and results["hang"].stats.timed_out
    # the worker's own watchdog interrupts the primitive first (the parent's kill is the fallback)
    assert "interrupted" in results["hang"].stats.error or "killed" in results["hang"].stats.error
    assert str(results["plus-one"].best.program) == "(lambda (inc $0))"
    assert str(results["double"].best.program) == "(lambda (double $0))"


def test_bad_input_is_refused_with_the_options():
    with pytest.raises(InductError, match="enumerate"):
        get_strategy("nope")
    with pytest.raises(InductError, match="timeout"):
        SearchConfig(timeout=0)
    with pytest.raises(InductError, match="distinct"):
        t = _int_task("same", lambda x: x)
        solve_tasks([t, t], Grammar.uniform(parse_library(HAZARDS)), workers=0)


def test_enumeration_runs_inventions(lists_library):
    lib = lists_library.with_inventions([("add3", lists_library.parse("(lambda (+ $0 (+ 1 (+ 1 1))))"))])
    task = Task("add-three", parse_type("list(int) -> list(int)"),
                tuple(Example((xs,), [x + 3 for x in xs]) for xs in ([1, 2], [5], [0, 9, 4])))
    f = solve_task(task, Grammar.uniform(lib), "enumerate", SearchConfig(timeout=20, max_frontier=1))
    assert f.solved
    assert f.best.program == lib.parse("(lambda (map (lambda (add3 $0)) $0))")


_ORPHAN_SCRIPT = """
import sys
from induct.dsl import parse_library
from induct.grammar import Grammar
from induct.search import SearchConfig, solve_tasks
from induct.tasks import Example, Task
from induct.types import parse_type

lib = parse_library(sys.argv[1])
task = Task("hang", parse_type("int -> int"), tuple(Example((x,), x + 7) for x in (1, 2)))
solve_tasks([task], Grammar.uniform(lib), "enumerate", SearchConfig(timeout=120), workers=1)
"""


def _proc_stat(pid: int) -> list[str] | None:
    from pathlib import Path

    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def _children(pid: int) -> list[int]:
    from pathlib import Path

    return [int(p.name) for p in Path("/proc").glob("[0-9]*")
            if (fields := _proc_stat(int(p.name))) is not None and int(fields[1]) == pid]


def _running(pid: int) -> bool:
    fields = _proc_stat(pid)
    return fields is not None and fields[0] != "Z"


@pytest.mark.skipif(not __import__("os").path.exists("/proc/self/stat"), reason="needs /proc")
def test_workers_exit_when_their_parent_is_killed():
    import os
    import signal
    import subprocess
    import sys
    from pathlib import Path

    tests_dir = str(Path(__file__).resolve().parent)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([tests_dir, os.environ.get("PYTHONPATH", "")]))
    parent = subprocess.Popen([sys.executable, "-c", _ORPHAN_SCRIPT, HAZARDS + "hang : int -> int\n"], env=env)
    try:
        deadline = time.monotonic() + 60
        workers: list[int] = []
        while len(workers) < 1 and time.monotonic() < deadline:
            time.sleep(0.5)
            workers = _children(parent.pid)
        assert workers, "no worker process was started"
        time.sleep(2)  # the worker is now inside the hanging primitive
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_running(w) for w in workers):
            time.sleep(0.2)
        alive = [w for w in workers if _running(w)]
        assert not alive, f"workers {alive} outlived their killed parent"
    finally:
        if parent.poll() is None:
            parent.kill()


_UNGUARDED_SCRIPT = """
from induct.dsl import load_library
from induct.grammar import Grammar
from induct.search import SearchConfig, solve_tasks
from induct.tasks import Example, Task
from induct.types import parse_type

tasks = [Task(f"add-{k}", parse_type("int -> int"), tuple(Example((x,), x + k) for x in (1, 2))) for k in (1, 2, 3)]
frontiers = solve_tasks(tasks, Grammar.uniform(load_library("lists")), "enumerate", SearchConfig(timeout=5), workers=2)
print("solved", sum(f.solved for f in frontiers.values()))
"""


def test_a_script_without_a_main_guard_gets_a_clear_error_not_empty_frontiers(tmp_path):
    import subprocess
    import sys

    script = tmp_path / "unguarded.py"
    script.write_text(_UNGUARDED_SCRIPT)
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert done.returncode != 0, done.stdout
    assert "solved" not in done.stdout
    assert 'if __name__ == "__main__":' in done.stderr


def test_a_program_slow_on_many_examples_does_not_run_past_the_deadline(lists_library, monkeypatch):
    # Every example may take the whole per-example time limit; between examples the search
    # looks at its deadline, so a program that keeps matching cannot hold it for n limits.
    from induct.search import enumeration

    fast = enumeration.value_of

    def slow(entry, i):
        if i:
            time.sleep(0.02)
        return fast(entry, i)

    monkeypatch.setattr(enumeration, "value_of", slow)
    task = Task("identity", parse_type("int -> int"), tuple(Example((n,), n) for n in range(200)))
    started = time.monotonic()
    found = EnumerationRun(task, Grammar.uniform(lists_library), SearchConfig(timeout=0.3)).run(time.monotonic() + 0.3)
    elapsed = time.monotonic() - started
    assert found.stats.timed_out
    assert elapsed < 1.5  # checking the identity alone would take 200 x 0.02 s = 4 s


def test_a_worker_sigkilled_after_its_first_solution_still_yields_it():
    # "boom" SIGKILLs its worker on an argument of 16 or more, which only deeper programs
    # (e.g. boom (double (double $0)) on the input 5) reach: by then "inc" has been found and streamed.
    killing = Grammar.uniform(parse_library(HAZARDS + "boom : int -> int\n"))
    tasks = [_int_task("plus-one", lambda x: x + 1), _int_task("double", lambda x: 2 * x)]
    results = solve_tasks(tasks, killing, "enumerate", SearchConfig(timeout=20, max_frontier=50), workers=1)
    plus_one = results["plus-one"]
    assert "died" in plus_one.stats.error  # the retry died the same way
    assert plus_one.solved and str(plus_one.best.program) == "(lambda (inc $0))"
    # the solutions are those a search in this process finds before reaching the kill
    programs = {str(e.program) for e in plus_one.entries}
    assert "(lambda (inc $0))" in programs
    assert results["double"].solved and str(results["double"].best.program) == "(lambda (double $0))"


def test_strategies_and_commands_come_from_declared_tables_not_import_side_effects():
    import subprocess
    import sys

    code = ("import sys; from induct.search.base import STRATEGIES, register_strategy; "
            "assert 'induct.search.strategies' not in sys.modules; "
            "names = sorted(STRATEGIES); assert names == ['bottom_up', 'enumerate', 'mcmc'], names; "
            "class Mine:\n    name = 'mine'\n    def search(self, *a): pass\n"
            "register_strategy(Mine()); assert 'mine' in STRATEGIES; "
            "import induct.commands.train, induct.cli as cli; "
            "assert list(cli.commands())[:3] == ['check', 'typecheck', 'eval'], list(cli.commands())")
    code = code.replace("; class", "\nclass").replace("pass\nregister", "pass\nregister")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_pool_workers_log_records_are_emitted_by_the_parent(caplog):
    import logging
    import os

    chatty = Grammar.uniform(parse_library(HAZARDS + "chatty : int -> int\n"))
    with caplog.at_level(logging.WARNING, logger="induct"):
        solve_tasks([_int_task("plus-one", lambda x: x + 1)], chatty, "enumerate",
                    SearchConfig(timeout=20, max_frontier=5, max_programs=500), workers=1)
    records = [r for r in caplog.records if r.name == "induct.hazard"]
    assert records and records[0].getMessage().startswith("chatty ran in process")
    assert records[0].process != os.getpid()  # it came from a worker
