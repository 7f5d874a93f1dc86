"""Bad input found by probing the CLI: each case is one line on stderr and exit 2, naming the culprit."""

from __future__ import annotations

import json
import os

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


def _fake_run(tmp_path, model_bytes: bytes | None = None):
    """A run directory written with the checkpoint writer: the lists domain, one checkpoint."""
    from induct.dsl import load_library
    from induct.wake_sleep import TrainConfig
    from induct.wake_sleep.checkpoint import write_checkpoint
    from induct.wake_sleep.config import config_to_toml

    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (run_dir / "config.toml").write_text(config_to_toml(TrainConfig(iterations=1)))
    (run_dir / "domain.json").write_text(json.dumps({
        "name": "lists", "registered": True, "grammar": "lists", "tasks": None,
        "train_split": "train", "test_splits": ["test"], "featurizer": "tokens"}))
    lib = load_library("lists")
    files = {"library.induct": lib.to_text(), "frontiers.json": "{}", "metrics.jsonl": "",
             "prior.json": json.dumps({"log_variable": lib.variable_log_weight,
                                       "log_weights": {p.name: p.log_weight for p in lib.productions}}),
             "rng.json": "{}"}
    if model_bytes is not None:
        files["recognition.msgpack"] = model_bytes
    return run_dir, write_checkpoint(run_dir, 1, files)


@pytest.mark.parametrize("command", ["report", "resume", "library"])
def test_bad_config_inside_a_run_names_the_file(tmp_path, capsys, command):
    run_dir, _ = _fake_run(tmp_path)
    config = run_dir / "config.toml"
    config.write_text(config.read_text().replace("batch_size = 25", 'batch_size = "many"'))
    assert main([command, str(run_dir)]) == 2
    err = _one_line_error(capsys)
    assert str(config) in err and "batch_size" in err


@pytest.mark.parametrize("blob", [b"\x93\x01\x02", b"\xc1\xc1garbage",
                                  b"\x84\xa6format\xb2induct-recognition\xa7version\x01\xa6header\xa1{\xa6params\xc0",
                                  b"\x84\xa6format\xb2induct-recognition\xa7version\x01\xa6header\xa2{}\xa6params\xc0"])
def test_broken_recognition_model_names_its_real_path(tmp_path, capsys, blob):
    run_dir, checkpoint = _fake_run(tmp_path, blob)
    assert main(["library", str(run_dir)]) == 2
    err = _one_line_error(capsys)
    assert str(checkpoint / "recognition.msgpack") in err
    import tempfile

    assert tempfile.gettempdir() + "/tmp" not in err


@pytest.mark.parametrize("where", ["missing/dir/out.json", "a_file/out.json", "."])
def test_solve_out_is_checked_before_the_search(tmp_path, capsys, monkeypatch, where):
    import induct.commands.search as search

    def no_search(*args, **kwargs):
        raise AssertionError("the search started although --out cannot be written")

    monkeypatch.setattr(search, "solve_tasks", no_search)
    (tmp_path / "a_file").write_text("not a directory")
    out = tmp_path / where
    assert main(["solve", "--grammar", "lists", "--tasks", "lists", "--limit", "1", "--quiet",
                 "--out", str(out)]) == 2
    assert "--out" in _one_line_error(capsys)
    assert not (tmp_path / "missing").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_solve_out_refuses_an_unwritable_directory(tmp_path, capsys, monkeypatch):
    import induct.commands.search as search

    monkeypatch.setattr(search, "solve_tasks", lambda *a, **k: pytest.fail("search started"))
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        assert main(["solve", "--grammar", "lists", "--tasks", "lists", "--quiet",
                     "--out", str(locked / "out.json")]) == 2
        assert "not writable" in _one_line_error(capsys)
    finally:
        locked.chmod(0o700)


NOT_UTF8 = b'["(lambda $0)", "caf\xe9"]\n'


@pytest.mark.parametrize("command", [
    ["typecheck", "lists", "{bad}"],
    ["tasks", "{bad}"],
    ["tasks", "{bad}", "--grammar", "lists"],
    ["train", "{bad}", "--out", "{tmp}/run"],
    ["compress", "{bad}"],
    ["compress", "{good}", "--tasks", "{bad}"],
    ["solve", "--grammar", "lists", "--tasks", "{bad}", "--quiet"],
    ["predict", "--grammar", "lists", "--tasks", "{bad}", "--quiet"],
    ["check", "{bad}"],
])
def test_a_file_that_is_not_utf8_is_named(tmp_path, capsys, command):
    bad = tmp_path / "latin1.txt"
    bad.write_bytes(NOT_UTF8)
    good = tmp_path / "corpus.json"
    good.write_text('["(lambda $0)", "(lambda $0)"]')
    argv = [a.format(bad=bad, good=good, tmp=tmp_path) for a in command]
    assert main(argv) == 2
    err = _one_line_error(capsys)
    assert str(bad) in err and "UTF-8" in err, err
    assert not (tmp_path / "run").exists()


def test_compress_task_names_that_are_not_json_are_named(tmp_path, capsys):
    corpus = tmp_path / "corpus.json"
    corpus.write_text('["(lambda $0)"]')
    owners = tmp_path / "owners.json"
    owners.write_text("[oops")
    assert main(["compress", str(corpus), "--tasks", str(owners)]) == 2
    assert f"{owners}:1:2" in _one_line_error(capsys)


@pytest.mark.parametrize("command", [
    ["solve", "--grammar", "lists", "--tasks", "{tasks}", "--quiet"],
    ["predict", "--grammar", "lists", "--tasks", "{tasks}", "--quiet"],
    ["train", "--grammar", "lists", "--tasks", "{tasks}", "--out", "{run}", "--quiet"],
])
def test_task_types_are_checked_against_the_grammar_before_searching(tmp_path, capsys, monkeypatch, command):
    import induct.commands.search as search

    monkeypatch.setattr(search, "solve_tasks", lambda *a, **k: pytest.fail("the search started"))
    tasks = _task_file(tmp_path, "int(bool) -> int", [1], 1)
    run = tmp_path / "run"
    assert main([a.format(tasks=tasks, run=run) for a in command]) == 2
    err = _one_line_error(capsys)
    assert "'odd-type'" in err and "'int(bool)'" in err
    assert not run.exists()
