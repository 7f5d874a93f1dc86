"""The package type-checks: mypy over induct/ reports no error (run by the test command)."""

from __future__ import annotations

from pathlib import Path

import pytest

api = pytest.importorskip("mypy.api")

ROOT = Path(__file__).resolve().parent.parent



def test_the_package_is_clean_under_mypy() -> None:
    """mypy over induct/ (the configuration in pyproject.toml) finds no error in any file."""
    stdout, stderr, _ = api.run(["--config-file", str(ROOT / "pyproject.toml"), str(ROOT / "induct")])
    assert "error: " not in stderr, stderr
    errors = [line for line in stdout.splitlines() if ": error: " in line]
    assert errors == [], "\n".join(errors[:20])


def test_grammars_satisfy_the_prior_protocol() -> None:
    from induct.dsl import load_library
    from induct.grammar import ContextualGrammar, Grammar, Prior

    g = Grammar.uniform(load_library("lists"))
    assert isinstance(g, Prior)
    assert isinstance(ContextualGrammar.from_grammar(g), Prior)
