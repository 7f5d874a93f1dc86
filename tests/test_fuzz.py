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


# --- files a user hands to the CLI: task files, configs, checkpoints, corpora ------------------

JSON_SNIPPETS = ["{", "}", "[", "]", ",", ":", '"', "\\", "null", "true", "false", "-", "1e999", "0.5", "-0",
                 "99999999999999999999", '"type"', '"name"', '"examples"', '"inputs"', '"output"', '"split"',
                 '"tasks"', '"list(int)"', '"int -> bool"', '"list(int, int)"', "[[[[", "]]]]", "\x00", "é", " "]
TOML_SNIPPETS = ["=", "[", "]", '"', "'", "#", ".", "-1", "3.7", "nan", "inf", "true", "1e400", "[train]",
                 "[[train]]", "\n", " ", "0", "é", "\x00", "{", "}", ",", "_", "x"]
TOML_LINES = ["batch_size = 3.7", "seed = -1", "iterations = 0", "timeout = nan", "workers = \"two\"",
              "strategy = 1", "test_splits = [1, 2]", "test_splits = \"test,\"", "colour = \"red\"",
              "[train.sub]", "train = 3", "arity = 9", "decompose = 1.0", "max_programs = 1e3",
              "recognition = \"maybe\"", "task_order = \"random\"", "grammar = []", "domain = {a = 1}"]


def _mutate_file(text: str, rng: np.random.Generator, snippets: list[str], lines: list[str]) -> bytes:
    """A mutant of ``text`` as bytes; one in ten also gets a byte that is not UTF-8."""
    data = _mutate_text(text, rng, snippets, lines).encode("utf-8", "surrogatepass")
    if rng.integers(10) == 0:
        i = int(rng.integers(0, len(data) + 1))
        data = data[:i] + bytes([int(rng.integers(0x80, 0x100))]) + data[i:]
    return data


def _fuzz(n: int, make, check) -> Counter:
    """Run ``check`` on ``n`` mutants; only induct's own errors may escape it."""
    outcomes: Counter[str] = Counter()
    for k in range(n):
        data = make(k)
        try:
            check(data)
        except InductError as e:
            outcomes["error"] += 1
            assert str(e) and "Traceback" not in str(e)
        except Exception as e:  # pragma: no cover - the message shows the mutant
            pytest.fail(f"mutant {k} raised {type(e).__name__}: {e}\n{data[:2000]!r}")
        else:
            outcomes["accepted"] += 1
    print(f"{sum(outcomes.values())} mutants: {dict(outcomes)}")
    return outcomes


def test_fuzzed_task_files_fail_only_with_induct_errors(tmp_path):
    from induct.tasks import load_tasks, tasks_to_json

    source = json.dumps(tasks_to_json(load_tasks(ROOT / "tests" / "data" / "tiny_tasks.json")[:3]), indent=1)
    rng = np.random.default_rng(23)
    path = tmp_path / "tasks.json"

    def make(k):
        return _mutate_file(source, rng, JSON_SNIPPETS, ['"type": "list(int, int) -> int",', '"examples": [],'])

    def check(data):
        path.write_bytes(data)
        for task in load_tasks(path):
            assert task.name and task.examples

    outcomes = _fuzz(1200, make, check)
    assert outcomes["error"] > 500 and outcomes["accepted"] > 50, outcomes


def test_fuzzed_configs_fail_only_with_config_errors(tmp_path):
    from induct.wake_sleep import TrainConfig
    from induct.wake_sleep.config import ConfigError, config_to_toml, load_config

    source = config_to_toml(TrainConfig())
    rng = np.random.default_rng(29)
    path = tmp_path / "config.toml"

    def check(data):
        path.write_bytes(data)
        try:
            config = load_config(path)
        except ConfigError as e:
            assert str(path) in str(e), str(e)  # every config error names the file
            raise
        assert config.batch_size >= 1 and config.seed >= 0

    outcomes = _fuzz(1200, lambda k: _mutate_file(source, rng, TOML_SNIPPETS, TOML_LINES), check)
    assert outcomes["error"] > 300 and outcomes["accepted"] > 100, outcomes


def _tiny_run(tmp_path):
    """A run directory of the tiny domain with one checkpoint, written by the checkpoint writer."""
    from induct.dsl import load_library
    from induct.search.frontier import Frontier, FrontierEntry, SearchStats
    from induct.types import parse_type
    from induct.wake_sleep import TrainConfig
    from induct.wake_sleep.checkpoint import write_checkpoint
    from induct.wake_sleep.config import config_to_toml

    data = ROOT / "tests" / "data"
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (run_dir / "config.toml").write_text(config_to_toml(TrainConfig(iterations=1)))
    (run_dir / "domain.json").write_text(json.dumps({
        "name": "tiny", "registered": False, "grammar": str(data / "tiny.induct"),
        "tasks": str(data / "tiny_tasks.json"), "train_split": "train", "test_splits": ["test"],
        "featurizer": "tokens"}))
    lib = load_library(data / "tiny.induct")
    program = lib.parse("(lambda (map (lambda (+ $0 1)) $0))")
    frontier = Frontier("add-1", parse_type("list(int) -> list(int)"),
                        (FrontierEntry(program, -4.5, 0.0),), SearchStats(programs_tried=12))
    files = {"library.induct": lib.to_text(),
             "frontiers.json": json.dumps({"add-1": frontier.to_json()}, indent=1),
             "metrics.jsonl": json.dumps({"iteration": 1, "train_solved_total": 1}) + "\n",
             "prior.json": json.dumps({"log_variable": 0.0, "log_weights": {p.name: 0.0 for p in lib.productions}}),
             "rng.json": json.dumps({"seed": 0, "next_iteration": 2})}
    return run_dir, write_checkpoint(run_dir, 1, files), files


def test_fuzzed_checkpoints_fail_only_with_induct_errors(tmp_path):
    import hashlib

    from induct.wake_sleep import load_run

    run_dir, checkpoint, files = _tiny_run(tmp_path)
    manifest_path = checkpoint / "MANIFEST.json"
    manifest = json.loads(manifest_path.read_text())
    names = sorted(files) + ["MANIFEST.json"]
    rng = np.random.default_rng(31)
    assert load_run(run_dir)[2].iteration == 1

    def make(k):
        name = names[k % len(names)]
        text = manifest_path.read_text() if name == "MANIFEST.json" else files[name]
        # Two in three mutants get a manifest that matches them (a hand-edited run), so that
        # they reach the readers behind the checksum.
        return name, _mutate_file(text, rng, JSON_SNIPPETS + GRAMMAR_SNIPPETS, GRAMMAR_LINES), k % 3 != 0

    last = []

    def check(case):
        name, data, rehash = case
        while last:  # put back the file the previous mutant changed
            previous = last.pop()
            (checkpoint / previous).write_text(files[previous])
        if name != "MANIFEST.json":
            last.append(name)
        entries = json.loads(json.dumps(manifest))
        if name == "MANIFEST.json":
            manifest_path.write_bytes(data)
        else:
            (checkpoint / name).write_bytes(data)
            if rehash:
                entries["files"][name] = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            manifest_path.write_text(json.dumps(entries))
        _, _, state = load_run(run_dir)
        assert state is None or state.library.productions

    outcomes = _fuzz(1200, make, check)
    assert outcomes["error"] > 400 and outcomes["accepted"] > 50, outcomes


def test_fuzzed_corpora_fail_only_with_induct_errors(tmp_path, lists_library):
    from induct.commands.core import _read_corpus

    corpus = _program_corpus()
    rng = np.random.default_rng(37)
    path = tmp_path / "corpus.json"

    def make(k):
        start = int(rng.integers(len(corpus)))
        return _mutate_file(json.dumps(corpus[start:start + 4], indent=1), rng,
                            JSON_SNIPPETS + PROGRAM_SNIPPETS, ['"(lambda (map $1 $0))",', "[1, 2],"])

    def check(data):
        path.write_bytes(data)
        for text in _read_corpus(str(path)):
            lists_library.infer(lists_library.parse(text))

    outcomes = _fuzz(1200, make, check)
    assert outcomes["error"] > 400 and outcomes["accepted"] > 50, outcomes
