"""Bad input reaching any command is one short error and exit 2, never a traceback."""

from __future__ import annotations

from induct.cli import main


def _one_error(capsys) -> str:
    err = capsys.readouterr().err
    assert err.startswith("induct ") and "Traceback" not in err
    return err


def test_deeply_nested_inputs(capsys):
    deep = "[" * 100_000 + "]" * 100_000
    assert main(["eval", "lists", "(lambda $0)", "--inputs", deep]) == 2
    assert len(_one_error(capsys).splitlines()) == 1


def test_integer_with_too_many_digits(capsys):
    assert main(["eval", "lists", "(lambda $0)", "--inputs", "[" + "9" * 5000 + "]"]) == 2
    assert "digits" in _one_error(capsys)


def test_huge_error_excerpt_is_shortened(tmp_path, capsys):
    bad = tmp_path / "bad.induct"
    bad.write_text("type int\nprimitive x : " + "int -> " * 30_000 + "@\n")
    assert main(["check", str(bad)]) == 2
    err = _one_error(capsys)
    assert len(err) < 5_000


def test_eval_timeout_must_be_positive(capsys):
    for bad in ("0", "-1", "nan", "inf"):
        assert main(["eval", "lists", "(lambda $0)", "--inputs", "[1]", "--timeout", bad]) == 2
        assert "--timeout must be a positive number" in _one_error(capsys)
