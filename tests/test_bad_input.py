"""Bad input found by probing the CLI: each case is one line on stderr and exit 2, naming the culprit."""

from __future__ import annotations

import json

import pytest

from induct.cli import main


def _one_line_error(capsys) -> str:
    err = capsys.readouterr().err
    assert err.startswith("induct ") and "Traceback" not in err, err
    assert len(err.strip().splitlines()) == 1, err
    return err


def _task_file(tmp_path, type_text: str, inputs: list, output) -> str:
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps({"tasks": [{"name": "odd-type", "type": type_text,
                                          "examples": [{"inputs": inputs, "output": output}]}]}))
    return str(path)


@pytest.mark.parametrize("type_text, inputs, output", [
    ("list(int, int) -> int", [[1]], 1),
    ("int(bool) -> int", [1], 1),
    ("int -> list", [1], [1]),
    ("list(list(int, bool)) -> int", [[[1]]], 1),
])
def test_tasks_grammar_checks_constructor_arity(tmp_path, capsys, type_text, inputs, output):
    tasks = _task_file(tmp_path, type_text, inputs, output)
    assert main(["tasks", tasks, "--grammar", "lists"]) == 2
    err = _one_line_error(capsys)
    assert "'odd-type'" in err and "argument" in err


def test_tasks_grammar_accepts_right_arity(tmp_path, capsys):
    tasks = _task_file(tmp_path, "list(int) -> int", [[1]], 1)
    assert main(["tasks", tasks, "--grammar", "lists"]) == 0
