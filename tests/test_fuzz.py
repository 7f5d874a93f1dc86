"""Fuzzing the front ends: mutated grammar files and program strings.

Every input either loads/parses or raises one of induct's own errors, and that error says
where the problem is: grammar errors give ``file:line:col``, syntax errors a column, type
errors the ill-typed subterm.  Mutations come from a seeded numpy Generator.
"""

from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pytest

from conftest import ROOT, shared_data
from induct.dsl import parse_library
from induct.errors import GrammarFileError, InductError, ProgramSyntaxError, ProgramTypeError
from induct.programs import FAILED, Limits
from induct.types import TypeConstructor, arguments_of

GRAMMAR_SNIPPETS = [
    ":", "(", ")", "->", ",", "@", "#", "'", '"', "=", ".", "..", "$0", "λ", "\t", " ", "\n", "0", "9",
    "type ", "literal ", "invention ", "import ", "semantics ", "list(", "int", "bool", "foo", " : ", "@ 0",
    "#(", "\x00", "\ufeff", "\r\n", "é",
]
GRAMMAR_LINES = [
    "foo : (a -> ", "x : int @ -1", "x : int @ 1e400", "x : int @ 0.5", "bar : quux -> int", "baz : list(int, int)",
    "invention inc = (lambda (+ $0 1))", "invention bad = (lambda (+ $0 $1))", "invention f = #(lambda $0) : int",
    "invention g = (map car)", "invention h = (lambda", "literal int : 5..2", "literal int : 0..99999999999",
    "literal char : 'ab' 'c'", "literal tree : 'x'", "literal char : 'q'", "type list(a)", "type a", "type int",
    "type pair(a, b)", "type set(int)", "import \"nope.induct\"", "import \"\"", "semantics no.such.module",
    "semantics induct.domains", "semantics induct.domains.text.semantics", "map : int", "x, y, x : int", "'.' : char",
    ": int", "x :", "x : int -> -> int", "x : (int", "x : int) ", "((((", "type", "literal", "invention",
]


def _mutate_text(text: str, rng: np.random.Generator, snippets: list[str], lines: list[str]) -> str:
    for _ in range(int(rng.integers(1, 4))):
        rows = text.split("\n")
        op = int(rng.integers(0, 10))
        i = int(rng.integers(0, len(text) + 1))
        if op == 0 and text:  # delete a character
            text = text[:i] + text[i + 1:]
        elif op == 1:  # insert a snippet
            text = text[:i] + snippets[int(rng.integers(len(snippets)))] + text[i:]
        elif op == 2 and len(text) > 1:  # swap two characters
            j = int(rng.integers(0, len(text)))
            a, b = sorted((min(i, len(text) - 1), j))
            text = text[:a] + text[b] + text[a + 1:b] + text[a] + text[b + 1:] if a != b else text
        elif op == 3:  # delete a line
            del rows[int(rng.integers(len(rows)))]
            text = "\n".join(rows)
        elif op == 4:  # duplicate a line
            k = int(rng.integers(len(rows)))
            rows.insert(k, rows[k])
            text = "\n".join(rows)
        elif op == 5:  # swap two lines
            k, m = (int(x) for x in rng.integers(0, len(rows), size=2))
            rows[k], rows[m] = rows[m], rows[k]
            text = "\n".join(rows)
        elif op == 6:  # unknown types
            k = int(rng.integers(len(rows)))
            rows[k] = rows[k].replace("int", "integer").replace("list(", "lst(").replace("bool", "boolean")
            text = "\n".join(rows)
        elif op == 7 and lines:  # insert a hostile line
            rows.insert(int(rng.integers(len(rows) + 1)), lines[int(rng.integers(len(lines)))])
            text = "\n".join(rows)
        elif op == 8:  # delete a span
            j = i + int(rng.integers(1, 12))
            text = text[:i] + text[j:]
        else:  # copy a span elsewhere
            j = int(rng.integers(0, len(text) + 1))
            text = text[:i] + text[j:j + int(rng.integers(1, 10))] + text[i:]
    return text


def _grammar_sources() -> list[str]:
    return [(ROOT / "induct" / "domains" / name / f"{name}.induct").read_text() for name in ("lists", "text")]


def test_fuzzed_grammar_files_fail_only_with_located_grammar_errors(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # imports in mutated files resolve here, where nothing exists
    rng = np.random.default_rng(20240611)
    sources = _grammar_sources()
    outcomes: Counter[str] = Counter()
    for k in range(1200):
        text = _mutate_text(sources[k % 2], rng, GRAMMAR_SNIPPETS, GRAMMAR_LINES)
        try:
            library = parse_library(text, path="fuzzed.induct")
        except GrammarFileError as e:
            outcomes["error"] += 1
            first = str(e).splitlines()[0]
            assert e.line >= 1 and e.column >= 1
            assert first.startswith(f"{e.path}:{e.line}:{e.column}: "), first
            assert e.path.endswith(".induct") or e.path == "fuzzed.induct"
        except InductError as e:  # pragma: no cover - the assertion explains the failure
            pytest.fail(f"mutant {k} raised {type(e).__name__} instead of GrammarFileError: {e}\n{text}")
        else:
            outcomes["loaded"] += 1
            assert all(p.name for p in library.productions)
    # Both outcomes occur: the mutations are neither all harmless nor all fatal.
    assert outcomes["error"] > 300 and outcomes["loaded"] > 50, outcomes


PROGRAM_SNIPPETS = ["(", ")", "#(", "$0", "$1", "$9", "$", "$x", "$-1", "$²", "lambda", "lam", "λ", " ", "map", "fold",
                    "foo", "+", "1", "car", "empty", "#", "((", "))", "(lambda)", "()", "\t", "\n", "'.'"]


def _program_corpus() -> list[str]:
    try:
        path = shared_data("stitch", "dreamcoder", "list_it18.dc_syntax.json")
        return json.loads(path.read_text())
    except pytest.skip.Exception:
        from test_reference_programs import LIST_PROGRAMS

        return list(LIST_PROGRAMS.values())


def _sample_input(t, rng: np.random.Generator):
    if isinstance(t, TypeConstructor) and t.name == "int":
        return int(rng.integers(-5, 10))
    if isinstance(t, TypeConstructor) and t.name == "list":
        return [_sample_input(t.args[0], rng) for _ in range(int(rng.integers(0, 6)))]
    if isinstance(t, TypeConstructor) and t.name == "bool":
        return bool(rng.integers(2))
    return None


def test_fuzzed_programs_fail_only_with_located_program_errors(lists_library):
    rng = np.random.default_rng(7)
    corpus = _program_corpus()
    outcomes: Counter[str] = Counter()
    quick = Limits(steps=20_000, seconds=0.05)
    for k in range(1500):
        text = _mutate_text(corpus[int(rng.integers(len(corpus)))], rng, PROGRAM_SNIPPETS, [])
        try:
            program = lists_library.parse(text)
            t = lists_library.infer(program)
        except ProgramSyntaxError as e:
            outcomes["syntax"] += 1
            assert 1 <= e.column <= len(text) + 1
            assert f"column {e.column}" in str(e)
            continue
        except ProgramTypeError as e:
            outcomes["type"] += 1
            assert e.subterm and e.subterm in str(e), str(e)
            continue
        except InductError as e:  # pragma: no cover
            pytest.fail(f"mutant {k} raised {type(e).__name__}: {e}\n{text}")
        outcomes["typed"] += 1
        inputs = [_sample_input(a, rng) for a in arguments_of(t)]
        if all(x is not None for x in inputs):
            out = lists_library.run(program, inputs, quick)
            outcomes["failed" if out is FAILED else "ran"] += 1
    assert outcomes["syntax"] > 200 and outcomes["type"] > 200 and outcomes["typed"] > 20, outcomes
    assert outcomes["ran"] > 0, outcomes


def test_program_syntax_errors_point_at_the_problem():
    from induct.programs import parse_program

    cases = {"(map car": 1, "(map car))": 10, "": 1, "(lambda)": 8, "()": 2, "$x": 1, "$²": 1,
             "(lambda $0) extra": 13, "(+ 1 $-1)": 6, "lambda": 1}
    for text, column in cases.items():
        with pytest.raises(ProgramSyntaxError) as info:
            parse_program(text)
        assert info.value.column == column, (text, str(info.value))
        assert "^" in str(info.value)


def test_deeply_nested_program_text_is_a_syntax_error():
    from induct.programs import parse_program

    text = "(lambda " + "(+ 1 " * 5000 + "$0" + ")" * 5001
    with pytest.raises(ProgramSyntaxError, match="nested too deeply"):
        parse_program(text)


def test_the_mutator_really_mutates():
    rng = np.random.default_rng(1)
    source = _grammar_sources()[0]
    mutants = [_mutate_text(source, rng, GRAMMAR_SNIPPETS, GRAMMAR_LINES) for _ in range(200)]
    assert sum(m != source for m in mutants) > 180
    assert len(set(mutants)) > 150
