"""The package type-checks: mypy over induct/ reports no error in the files held clean."""

from __future__ import annotations

from pathlib import Path

import pytest

api = pytest.importorskip("mypy.api")

ROOT = Path(__file__).resolve().parent.parent

CLEAN = [
    "induct/search/mcmc_compiled.py",
    "induct/search/table.py",
    "induct/grammar/protocol.py",
    "induct/grammar/core.py",
    "induct/grammar/summary.py",
    *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "induct/programs").glob("*.py")),
    "induct/domains/regression/likelihood.py",
    *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "induct/recognition").glob("*.py")),
    *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "induct/likelihood").glob("*.py")),
]
"""Files that must stay free of mypy errors (the whole package joins once it is clean)."""


@pytest.fixture(scope="module")
def report() -> list[str]:
    stdout, stderr, _ = api.run(["--config-file", str(ROOT / "pyproject.toml"), str(ROOT / "induct")])
    assert "error: " not in stderr, stderr
    return [line for line in stdout.splitlines() if ": error: " in line]


@pytest.mark.parametrize("path", CLEAN)
def test_file_is_clean_under_mypy(report: list[str], path: str) -> None:
    assert (ROOT / path).exists()
    errors = [line for line in report if Path(line.split(":", 1)[0]).resolve() == (ROOT / path).resolve()]
    assert errors == []


def test_grammars_satisfy_the_prior_protocol() -> None:
    from induct.dsl import load_library
    from induct.grammar import ContextualGrammar, Grammar, Prior

    g = Grammar.uniform(load_library("lists"))
    assert isinstance(g, Prior)
    assert isinstance(ContextualGrammar.from_grammar(g), Prior)
