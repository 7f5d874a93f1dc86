"""Grammar files: what loads, and how each kind of mistake is reported.

Every refusal names file:line:col, shows the offending line with a caret under the
column, and ends with a hint that says how to fix it.
"""

from __future__ import annotations

import pytest

from induct.dsl import load_library, parse_library
from induct.errors import GrammarFileError
from induct.types import show_type

HEADER = "semantics induct.domains.lists.semantics\ntype int, bool, list(a)\n"


def _write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text)
    return path


def _refusal(tmp_path, text: str, name: str = "bad.induct") -> GrammarFileError:
    path = _write(tmp_path, name, text)
    with pytest.raises(GrammarFileError) as info:
        load_library(path)
    return info.value


def _assert_located(error: GrammarFileError, path, line: int, column: int, offending: str) -> list[str]:
    lines = str(error).splitlines()
    assert lines[0].startswith(f"{path}:{line}:{column}: "), lines[0]
    assert (error.line, error.column) == (line, column)
    source_line, caret_line = lines[1], lines[2]
    assert offending in source_line
    assert caret_line.strip() == "^"
    # The caret sits under the column (both lines carry the same indent).
    assert caret_line.index("^") - 4 == column - 1
    assert source_line[4 + column - 1:].startswith(offending)
    assert lines[-1].startswith("hint: ") and len(lines[-1]) > len("hint: ") + 5
    return lines


def test_unknown_type(tmp_path):
    e = _refusal(tmp_path, HEADER + "map : (a -> b) -> lst(a) -> list(b)\n")
    lines = _assert_located(e, tmp_path / "bad.induct", 3, 19, "lst(a)")
    assert "unknown type 'lst'" in lines[0]
    assert "type lst" in lines[-1] and "known: bool, int, list" in lines[-1]


def test_unknown_type_for_a_literal_family(tmp_path):
    e = _refusal(tmp_path, HEADER + "literal colour : 'red'\n")
    lines = _assert_located(e, tmp_path / "bad.induct", 3, 9, "colour")
    assert "type colour" in lines[-1]


def test_duplicate_name(tmp_path):
    e = _refusal(tmp_path, HEADER + "car : list(a) -> a\ncdr : list(a) -> list(a)\ncar : list(int) -> int\n")
    lines = _assert_located(e, tmp_path / "bad.induct", 5, 1, "car")
    assert "duplicate name 'car'" in lines[0] and "first declared at line 3" in lines[0]


def test_duplicate_name_between_a_literal_and_a_primitive(tmp_path):
    e = _refusal(tmp_path, HEADER + "0 : int\nliteral int : 0..3\n")
    _assert_located(e, tmp_path / "bad.induct", 4, 15, "0..3")
    assert "duplicate name '0'" in str(e)


def test_duplicate_type(tmp_path):
    e = _refusal(tmp_path, HEADER + "type bool\n")
    _assert_located(e, tmp_path / "bad.induct", 3, 6, "bool")


@pytest.mark.parametrize("line,column,offending,expect", [
    ("car : list(a) ->", 17, "", "unexpected"),
    ("car : list(a -> a", 18, "", "unexpected"),
    ("car : list(a)) -> a", 14, ")", "unexpected"),
    ("car list(a) -> a", 5, "list", "unexpected"),
    ("car : list(a, b) -> a", 7, "list", "takes 1 argument(s), got 2"),
    ("car : int(a) -> a", 7, "int", "takes 0 argument(s), got 1"),
    ("car : list(a) -> a @ 0", 22, "0", "prior weight must be positive"),
    ("car : list(a) -> a @ 1e999", 22, "1e999", "prior weight must be finite"),
])
def test_bad_signature(tmp_path, line, column, offending, expect):
    e = _refusal(tmp_path, HEADER + line + "\n")
    lines = _assert_located(e, tmp_path / "bad.induct", 3, column, offending)
    assert expect in lines[0]


def test_bad_signature_hint_lists_what_was_expected(tmp_path):
    e = _refusal(tmp_path, HEADER + "car : list(a) ->\n")
    assert "expected one of" in str(e).splitlines()[-1]


def test_primitive_without_semantics(tmp_path):
    e = _refusal(tmp_path, HEADER + "map : (a -> b) -> list(a) -> list(b)\nflatten : list(list(a)) -> list(a)\n")
    lines = _assert_located(e, tmp_path / "bad.induct", 4, 1, "flatten")
    assert "'flatten' has no semantics" in lines[0]


def test_a_missing_semantics_is_reported_where_the_reader_meets_it(tmp_path):
    # Statements are handled as they are read: the error at line 3 comes before the reader
    # gets to the broken line after it (so a long file fails at once, not after parsing it all).
    nl = chr(10)
    text = HEADER + "flatten : list(list(a)) -> list(a)" + nl + ("ok : int" + nl) * 50 + "car : : :" + nl
    e = _refusal(tmp_path, text)
    lines = _assert_located(e, tmp_path / "bad.induct", 3, 1, "flatten")
    assert "'flatten' has no semantics" in lines[0]


def test_primitive_without_a_semantics_module(tmp_path):
    e = _refusal(tmp_path, "type int\nzero : int\n")
    lines = _assert_located(e, tmp_path / "bad.induct", 2, 1, "zero")
    assert "semantics MODULE" in lines[-1]


def test_semantics_module_that_does_not_exist(tmp_path):
    e = _refusal(tmp_path, "semantics induct.domains.nothing_here\n")
    _assert_located(e, tmp_path / "bad.induct", 1, 11, "induct.domains.nothing_here")


def test_semantics_module_without_primitives(tmp_path):
    e = _refusal(tmp_path, "type int\nsemantics induct.errors\n")
    lines = _assert_located(e, tmp_path / "bad.induct", 2, 11, "induct.errors")
    assert "PRIMITIVES" in lines[-1]


def test_import_cycle(tmp_path):
    _write(tmp_path, "a.induct", 'import "b.induct"\n')
    _write(tmp_path, "b.induct", HEADER + 'import "c.induct"\n')
    _write(tmp_path, "c.induct", '# closes the loop\nimport "a.induct"\n')
    with pytest.raises(GrammarFileError) as info:
        load_library(tmp_path / "a.induct")
    e = info.value
    lines = _assert_located(e, (tmp_path / "c.induct").resolve(), 2, 8, '"a.induct"')
    assert "import cycle: a.induct -> b.induct -> c.induct -> a.induct" in lines[0]
    assert "remove one of the imports" in lines[-1]


def test_self_import_is_a_cycle(tmp_path):
    e = _refusal(tmp_path, HEADER + 'import "bad.induct"\n')
    assert "import cycle" in str(e) and e.line == 3


def test_missing_import(tmp_path):
    e = _refusal(tmp_path, 'import "elsewhere/none.induct"\n')
    lines = _assert_located(e, tmp_path / "bad.induct", 1, 8, '"elsewhere/none.induct"')
    assert "relative to the importing file" in lines[-1]


def test_unexpected_text_at_the_start_of_a_statement(tmp_path):
    e = _refusal(tmp_path, HEADER + '"car" : list(a) -> a\n')
    lines = _assert_located(e, tmp_path / "bad.induct", 3, 1, '"car"')
    assert "statements are" in lines[-1] and "invention NAME = BODY" in lines[-1]


def test_unexpected_token_lists_what_could_come_next(tmp_path):
    e = _refusal(tmp_path, HEADER + "car : list(a) -> a ; cdr\n")
    lines = _assert_located(e, tmp_path / "bad.induct", 3, 20, ";")
    assert "'->'" in lines[-1] and "end of line" in lines[-1]
    e = _refusal(tmp_path, HEADER + "literal int : 3 . 4\n")
    lines = _assert_located(e, tmp_path / "bad.induct", 3, 17, ".")
    assert lines[-1] == "hint: expected one of: '..'"


def test_ill_typed_invention(tmp_path):
    e = _refusal(tmp_path, HEADER + "+ : int -> int -> int\ncar : list(a) -> a\ninvention bad = (lambda (+ (car $0) $0))\n")
    lines = _assert_located(e, tmp_path / "bad.induct", 5, 17, "(lambda")
    assert "ill-typed" in lines[0] and "(car $0)" in lines[0]


def test_type_variable_cannot_be_declared_as_a_type(tmp_path):
    e = _refusal(tmp_path, "type int, t3\n")
    lines = _assert_located(e, tmp_path / "bad.induct", 1, 11, "t3")
    assert "type variable" in lines[0]


def test_second_semantics_line(tmp_path):
    e = _refusal(tmp_path, HEADER + "semantics induct.domains.text.semantics\n")
    _assert_located(e, tmp_path / "bad.induct", 3, 11, "induct.domains.text")


def test_error_message_for_a_string_names_the_given_path():
    with pytest.raises(GrammarFileError, match=r"^inline\.induct:2:5: "):
        parse_library("type int\nx : nat\n", path="inline.induct")


# ---- what loads -------------------------------------------------------------------------------

def test_shipped_grammars_load_with_the_declared_signatures():
    lists = load_library("lists")
    assert len(lists.primitives) == 23  # DreamCoder's 22 and the task-bound family K
    assert lists.task_literals == {"K": "output_ints"}
    assert show_type(lists.type_of("fold")) == "list(t0) -> t1 -> (t0 -> t1 -> t1) -> t1"
    assert show_type(lists.type_of("unfold")) == "t0 -> (t0 -> bool) -> (t0 -> t1) -> (t0 -> t0) -> list(t1)"
    text = load_library("text")
    assert {"char-eq?", "STRING", "SPACE", "LPAREN", "RPAREN", "'.'", "','", "'-'"} <= {p.name for p in text.productions}
    assert text.value("'.'") == "."


def test_import_weights_literals_and_inventions(tmp_path):
    lists = (load_library("lists").source)
    _write(tmp_path, "more.induct",
           f'import "{lists}"\n'
           "literal int : 2..4 @ 0.5\n"
           "invention inc = (lambda (+ $0 1)) : int -> int @ 2\n"
           "invention twice = (lambda (inc (inc $0)))\n")
    library = load_library(tmp_path / "more.induct")
    assert library.run(library.parse("(lambda (twice (+ $0 4)))"), [1]) == 7
    assert library.production("3").log_weight == pytest.approx(-0.6931, abs=1e-3)
    assert library.production("inc").log_weight == pytest.approx(0.6931, abs=1e-3)
    assert show_type(library.type_of("twice")) == "int -> int"
    # Written back as a grammar file, the library loads again with the same productions.
    again = parse_library(library.to_text(), path=str(tmp_path / "again.induct"))
    assert [(p.name, p.type) for p in again.productions] == [(p.name, p.type) for p in library.productions]


def test_comments_blank_lines_and_crlf(tmp_path):
    library = parse_library("# a comment\r\n\r\nsemantics induct.domains.lists.semantics  # trailing\r\n"
                            "type int\r\n0, 1 : int\r\n+ : int -> int -> int\r\n")
    assert library.run(library.parse("(+ 1 1)"), []) == 2


@pytest.mark.parametrize("name", ["lambda", "lam", "λ", "$0", "$x", "'a b'", "'f(x'", "'g)'", "'k=1'"])
def test_names_programs_cannot_mention_are_refused(tmp_path, name):
    text = HEADER + f"+ : int -> int -> int\n{name} : int\n"
    error = _refusal(tmp_path, text)
    lines = _assert_located(error, tmp_path / "bad.induct", 4, 1, name)
    assert "bad name" in lines[0] and lines[-1].startswith("hint: rename it")


@pytest.mark.parametrize("name", ["lambda", "$1"])
def test_invention_names_programs_cannot_mention_are_refused(tmp_path, name):
    text = HEADER + f"+ : int -> int -> int\n1 : int\ninvention {name} = (+ 1)\n"
    error = _refusal(tmp_path, text)
    assert "bad name" in str(error) and error.line == 5


def test_names_with_dollar_or_lambda_inside_still_load(tmp_path):
    # Only a leading '$' and the exact lambda words are reserved.
    path = _write(tmp_path, "ok.induct", HEADER + "a$b, lambda2 : int\n")
    lib = parse_library(path.read_text(), check_semantics=False)
    assert {p.name for p in lib.productions} == {"a$b", "lambda2"}


def test_loading_does_not_rescan_the_productions_per_name(tmp_path, monkeypatch):
    # Loading was quadratic: every new name was checked by a scan of all productions so far.
    import induct.dsl.loader as loader

    scans = []

    class CountingList(list):
        def __iter__(self):
            scans.append(len(self))
            return super().__iter__()

    class Counting(loader._Declared):
        def __init__(self):
            super().__init__()
            self.productions = CountingList(self.productions)

    monkeypatch.setattr(loader, "_Declared", Counting)
    n = 400
    body = "".join(f"p{i} : int -> int\n" for i in range(n))
    inventions = "".join(f"invention f{k} = (lambda (p{k} $0))\n" for k in range(20))
    lib = parse_library(HEADER + body + inventions, check_semantics=False)
    assert len(lib.productions) == n + 20
    assert sum(scans) <= 2 * (n + 20), f"{len(scans)} scans of the productions while loading"
