"""The core commands: check, typecheck, eval, tasks (exit 0 on success, 2 on bad input)."""

from __future__ import annotations

import json

import pytest

from induct.cli import main

COMMANDS = ["check", "typecheck", "eval", "tasks"]


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as e:  # argparse exits for --help and for malformed command lines
        code = e.code
    out, err = capsys.readouterr()
    return code, out, err


def _assert_bad_input(code: int, err: str, *words: str) -> None:
    assert code == 2
    first = err.strip().splitlines()[0] if "usage:" not in err else err.strip().splitlines()[-1]
    assert "error:" in first
    for w in words:
        assert w in first, first


@pytest.mark.parametrize("command", COMMANDS)
def test_help_on_every_command(capsys, command):
    code, out, _ = _run(capsys, command, "--help")
    assert code == 0
    assert out.startswith(f"usage: induct {command}")


@pytest.mark.parametrize("command", COMMANDS)
def test_missing_arguments_are_bad_input(capsys, command):
    code, _, err = _run(capsys, command)
    assert code == 2 and "the following arguments are required" in err


# ---- check -------------------------------------------------------------------------------------

def test_check_prints_types_and_primitives(capsys):
    code, out, err = _run(capsys, "check", "lists")
    assert code == 0 and err == ""
    assert "semantics induct.domains.lists.semantics" in out
    assert "types: int, bool, list/1" in out
    assert "fold" in out and "list(t0) -> t1 -> (t0 -> t1 -> t1) -> t1" in out
    assert out.strip().splitlines()[-1] == "23 primitives, 0 inventions"


def test_check_refuses_a_broken_grammar_with_its_location(capsys, tmp_path):
    path = tmp_path / "bad.induct"
    path.write_text("semantics induct.domains.lists.semantics\ntype int\nmap : (a -> b) -> lst(a)\n")
    code, _, err = _run(capsys, "check", str(path))
    _assert_bad_input(code, err, f"{path}:3:19", "unknown type 'lst'")
    assert "hint:" in err


def test_check_unknown_grammar_name(capsys):
    code, _, err = _run(capsys, "check", "no-such-grammar")
    _assert_bad_input(code, err, "not found", "lists")


# ---- typecheck ---------------------------------------------------------------------------------

def test_typecheck_prints_each_type_and_a_total(capsys, tmp_path):
    corpus = tmp_path / "corpus.json"
    corpus.write_text(json.dumps(["(lambda (map (lambda (+ $0 1)) $0))", "(lambda (fold $0 0 (lambda (lambda (+ $1 $0)))))"]))
    code, out, err = _run(capsys, "typecheck", "lists", str(corpus))
    assert code == 0 and err == ""
    lines = out.strip().splitlines()
    assert lines[0].startswith("list(int) -> list(int)\t")
    assert lines[1].startswith("list(int) -> int\t")
    assert lines[-1] == "2/2 well-typed"


def test_typecheck_reports_ill_typed_programs(capsys, tmp_path):
    corpus = tmp_path / "corpus.json"
    corpus.write_text(json.dumps({"programs": ["(lambda (car $0))", "(lambda (+ $0 empty))", "(map"]}))
    code, out, err = _run(capsys, "typecheck", "lists", str(corpus))
    lines = out.strip().splitlines()
    assert lines[0].startswith("list(t0) -> t0")
    assert lines[1].startswith("ERROR ") and "empty" in lines[1]
    assert lines[2].startswith("ERROR ") and "column" in lines[2]
    assert lines[-1] == "1/3 well-typed"
    _assert_bad_input(code, err, "2 of 3 programs")


@pytest.mark.parametrize("content,words", [
    ("not json", ["not valid JSON"]),
    ('{"x": 1}', ["expected a JSON list of program strings"]),
    ("[1, 2]", ["expected a JSON list of program strings"]),
])
def test_typecheck_bad_corpus_file(capsys, tmp_path, content, words):
    corpus = tmp_path / "corpus.json"
    corpus.write_text(content)
    code, _, err = _run(capsys, "typecheck", "lists", str(corpus))
    _assert_bad_input(code, err, *words)


def test_typecheck_missing_corpus(capsys, tmp_path):
    code, _, err = _run(capsys, "typecheck", "lists", str(tmp_path / "none.json"))
    _assert_bad_input(code, err, "cannot read")


# ---- eval --------------------------------------------------------------------------------------

@pytest.mark.parametrize("grammar,program,inputs,expected", [
    ("lists", "(lambda (map (lambda (+ $0 1)) $0))", "[[1, 2, 3]]", [2, 3, 4]),
    ("lists", "(lambda (lambda (fold $1 $0 (lambda (lambda (cons $1 $0))))))", "[[1], [2, 3]]", [1, 2, 3]),
    ("lists", "(lambda (is-prime $0))", "[7]", True),
    ("lists", "(+ 1 1)", "[]", 2),
    ("text", "(lambda (map (lambda (if (char-eq? $0 ',') LPAREN $0)) $0))", '["a,b"]', "a(b"),
])
def test_eval_prints_the_output_as_json(capsys, grammar, program, inputs, expected):
    code, out, err = _run(capsys, "eval", grammar, program, "--inputs", inputs)
    assert code == 0 and err == ""
    assert json.loads(out) == expected


@pytest.mark.parametrize("program,inputs,words", [
    ("(lambda (map $0", "[[1]]", ["unclosed '('", "column 9"]),
    ("(lambda (+ $0 empty))", "[1]", ["empty"]),
    ("(lambda (car $0))", "[[]]", ["failed"]),
    ("(lambda (car $0))", "[1]", ["input 0", "expected a list"]),
    ("(lambda (car $0))", "[[1], [2]]", ["takes 1 input(s), got 2"]),
    ("(lambda (car $0))", "{", ["--inputs is not valid JSON"]),
    ("(lambda (car $0))", '{"a": 1}', ["--inputs must be a JSON list"]),
    ("(lambda (lambda (+ $0 $1)))", "[1]", ["the result is a function", "int -> int"]),
    ("(lambda (unfold $0 (lambda (eq? 0 1)) (lambda $0) (lambda (+ $0 1))))", "[0]", ["failed"]),
    ("(lambda (bogus $0))", "[1]", ["unknown primitive 'bogus'"]),
])
def test_eval_bad_input(capsys, program, inputs, words):
    code, _, err = _run(capsys, "eval", "lists", program, "--inputs", inputs)
    _assert_bad_input(code, err, *words)


# ---- tasks -------------------------------------------------------------------------------------

def test_tasks_summarises_the_shipped_list_tasks(capsys):
    code, out, err = _run(capsys, "tasks", "lists", "--grammar", "lists")
    assert code == 0 and err == ""
    lines = out.strip().splitlines()
    assert lines[0].startswith("218 tasks, ")
    assert lines[1] == "splits: dropped_easy_test 31, test 78, train 109"
    assert any("list(int) -> list(int)" in line for line in lines)


def test_tasks_summarises_the_shipped_text_tasks(capsys):
    code, out, _ = _run(capsys, "tasks", "text", "--grammar", "text")
    assert code == 0
    assert out.startswith("236 tasks, ")


def test_tasks_against_a_grammar_without_the_types(capsys):
    code, _, err = _run(capsys, "tasks", "text", "--grammar", "lists")
    _assert_bad_input(code, err, "'char' is not declared by the grammar")


@pytest.mark.parametrize("tasks,words", [
    ({"tasks": [{"name": "a", "type": "int -> int", "examples": [{"inputs": [1], "output": "x"}]}]},
     ["task 'a'", "example 0", "output", "expected an int"]),
    ({"tasks": [{"name": "a", "type": "int ->", "examples": [{"inputs": [1], "output": 1}]}]}, ["task 'a'", "bad type"]),
    ({"tasks": [{"name": "a", "type": "int -> int", "examples": []}]}, ["task 'a'", "non-empty"]),
    ({"tasks": [{"type": "int", "examples": []}]}, ["task #0", "missing 'name'"]),
    ({"nothing": []}, ["'tasks' list"]),
])
def test_tasks_bad_file_names_the_task(capsys, tmp_path, tasks, words):
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps(tasks))
    code, _, err = _run(capsys, "tasks", str(path))
    _assert_bad_input(code, err, *words)


def test_no_command_prints_help_and_exits_2(capsys):
    code, out, _ = _run(capsys)
    assert code == 2 and "usage: induct" in out


def test_train_help_describes_every_config_field_grouped_by_config(capsys):
    from induct.config import settings
    from induct.wake_sleep import TrainConfig
    from induct.wake_sleep.config import ALIASES, FIELD_HELP, FIXED

    every = list(settings(TrainConfig, FIXED))
    assert {"search.timeout", "compression.library_size_penalty", "recognition.steps",
            "compression.costs.leaf"} <= {s.path for s in every}
    assert all(FIELD_HELP.get(s.path) for s in every)
    code, out, _ = _run(capsys, "train", "--help")
    assert code == 0
    text = " ".join(out.split())
    assert all(s.flag in out for s in every)
    assert all("--" + old.replace("_", "-") in out for old in ALIASES)
    groups = [text.index(title) for title in ("run settings ([train] table)", "([search] table)",
                                              "([compression] table)", "([recognition] table)")]
    assert groups == sorted(groups)
    assert text.index("--search.max-frontier") > groups[1] and text.index("--recognition.n-dreams") > groups[3]
    assert "given first to the holes of the deductions" in text