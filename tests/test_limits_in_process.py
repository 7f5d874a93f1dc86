"""Limits hold in-process too: a primitive that sleeps or spins ends at the timeout."""

import json
import time

import pytest

from induct.cli import main
from induct.dsl import parse_library
from induct.grammar import Grammar
from induct.search.base import SearchConfig
from induct.search.parallel import solve_task
from induct.tasks import Example, Task
from induct.types import parse_type

GRAMMAR = """semantics hazard_semantics
type int
inc : int -> int
hang : int -> int
spin : int -> int
zero : int
"""


def _write(tmp_path):
    g = tmp_path / "hazards.induct"
    g.write_text(GRAMMAR)
    tasks = tmp_path / "tasks.json"
    tasks.write_text(json.dumps({"tasks": [{"name": "plus two", "type": "int -> int", "split": "train",
                                            "examples": [{"inputs": [x], "output": x + 2} for x in (1, 4, 9)]}]}))
    return str(g), str(tasks)


@pytest.mark.parametrize("primitive", ["hang", "spin"])
def test_eval_ends_at_its_timeout(tmp_path, capsys, primitive):
    g, _ = _write(tmp_path)
    started = time.monotonic()
    code = main(["eval", g, f"(lambda ({primitive} $0))", "--inputs", "[1]", "--timeout", "1"])
    assert time.monotonic() - started < 10
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "ran past --timeout 1 s" in err[0]


def test_an_in_process_search_ends_at_its_timeout_and_keeps_what_it_found():
    # hang and spin are improbable: the search reaches (inc (inc $0)) before it first calls them
    library = parse_library(GRAMMAR.replace("hang : int -> int", "hang : int -> int @ 0.001")
                            .replace("spin : int -> int", "spin : int -> int @ 0.001"))
    task = Task("plus two", parse_type("int -> int"), tuple(Example((x,), x + 2) for x in (1, 4, 9)))
    started = time.monotonic()
    frontier = solve_task(task, Grammar.from_library(library), "enumerate", SearchConfig(timeout=1.5, max_frontier=3,
                                                                                     stop_when_full=False))
    assert time.monotonic() - started < 10
    assert frontier.stats.timed_out
    assert "interrupted" in (frontier.stats.error or "")
    assert frontier.solved and str(frontier.best.program) == "(lambda (inc (inc $0)))"


def test_solve_with_no_workers_ends_at_its_timeout(tmp_path, capsys):
    g, tasks = _write(tmp_path)
    started = time.monotonic()
    assert main(["solve", "--grammar", g, "--tasks", tasks, "--timeout", "1", "--workers", "0", "--quiet"]) == 0
    assert time.monotonic() - started < 10
    assert capsys.readouterr().out.strip().splitlines()[-1] in ("solved 0/1", "solved 1/1")
