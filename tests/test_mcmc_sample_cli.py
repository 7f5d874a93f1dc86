"""``induct sample``: programs from the prior, with log probabilities that the grammar confirms."""

from __future__ import annotations

import pytest

import induct.commands.sample  # noqa: F401  (registers the command)
from induct.cli import main
from induct.dsl import load_library
from induct.grammar import Grammar
from induct.types import parse_type


@pytest.mark.parametrize("grammar,request_type", [("concepts", "object -> bool"), ("lists", "list(int) -> list(int)")])
def test_sample_prints_programs_with_their_log_prior(capsys, grammar, request_type):
    assert main(["sample", "--grammar", grammar, "--type", request_type, "-n", "8", "--seed", "4"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 8
    library = load_library(grammar)
    g = Grammar.from_library(library)
    request = parse_type(request_type)
    for line in lines:
        log_prior, text = line.split(None, 1)
        program = library.parse(text)
        library.check(program, request)
        assert float(log_prior) == pytest.approx(g.log_prior(program, request), abs=1e-3)


def test_sample_is_reproducible_and_seeded(capsys):
    args = ["sample", "--grammar", "concepts", "--type", "object -> bool", "-n", "6"]
    main(args + ["--seed", "1"])
    first = capsys.readouterr().out
    main(args + ["--seed", "1"])
    assert capsys.readouterr().out == first
    main(args + ["--seed", "2"])
    assert capsys.readouterr().out != first


def test_sample_respects_max_depth(capsys):
    from induct.search.mcmc_general import walk_choices

    main(["sample", "--grammar", "concepts", "--type", "object -> bool", "-n", "20", "--max-depth", "2"])
    library = load_library("concepts")
    g = Grammar.from_library(library)
    request = parse_type("object -> bool")
    for line in capsys.readouterr().out.strip().splitlines():
        choices = walk_choices(g, library.parse(line.split(None, 1)[1]), request)
        assert max(c.level for c in choices) <= 2


@pytest.mark.parametrize("args,message", [
    (["--type", "list(int -> int"], "expected ')'"),
    (["--type", "widget -> int"], "'widget' is not declared"),
    (["--type", "list(int, int)"], "takes 1 parameter"),
    (["--type", "int", "-n", "0"], "-n must be at least 1"),
    (["--type", "int", "--max-depth", "0"], "--max-depth"),
])
def test_sample_bad_input_is_a_clear_error(capsys, args, message):
    assert main(["sample", "--grammar", "lists"] + args) == 2
    err = capsys.readouterr().err
    assert err.startswith("induct sample: error:") and message in err


def test_sample_unknown_grammar(capsys):
    assert main(["sample", "--grammar", "no-such-grammar", "--type", "int"]) == 2
    assert "not found" in capsys.readouterr().err
