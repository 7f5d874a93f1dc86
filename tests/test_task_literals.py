"""Task-bound literals: constants a grammar's literal family reads from each task."""

from __future__ import annotations

import math

import pytest

from induct.domain import get_domain
from induct.dsl import load_library, parse_library
from induct.dsl.task_literals import literal_name, literal_value, output_ints, output_strings
from induct.errors import GrammarFileError
from induct.grammar import ContextualGrammar, Grammar
from induct.programs import Primitive
from induct.search import SearchConfig, solve_tasks
from induct.search.frontier import Frontier
from induct.tasks import parse_tasks
from induct.types import parse_type
from induct.wake_sleep.checkpoint import read_checkpoint, write_checkpoint

SMALL = """
type char, list(a)
rev : list(a) -> list(a)
literal S : list(char) from task output_strings @ 3
"""


def _task(pairs, name="t", type_="list(char) -> list(char)"):
    return parse_tasks([{"name": name, "type": type_,
                         "examples": [{"inputs": list(i), "output": o} for i, o in pairs]}])[0]


SUFFIX = _task([(["abc"], "abc, USA"), (["xy"], "xy, USA"), (["q"], "q, USA")], "suffix")


def test_output_strings_are_what_outputs_share_and_inputs_lack():
    assert ["".join(s) for s in output_strings(SUFFIX)] == [", USA"]
    two = _task([(["a b"], "a-b (x)"), (["c d"], "c-d (x)"), (["e f"], "e-f (x)")])
    found = ["".join(s) for s in output_strings(two)]
    assert " (x)" in found and "-" in found
    one = _task([(["ab"], "[ab]")])
    assert sorted("".join(s) for s in output_strings(one)) == ["[", "]"]


def test_output_ints_are_the_integers_outputs_add():
    t = _task([([[1, 2]], [18, 42, 1, 2]), ([[5]], [18, 42, 5]), ([[42]], [18, 42, 42])], type_="list(int) -> list(int)")
    assert output_ints(t)[:2] == [18, 42]
    assert 1 not in output_ints(t)[:2]


@pytest.mark.parametrize("value", [list(" a(b)#:@'\"\\,c"), list(""), list("tab\there")])
def test_a_constant_is_one_token_whose_name_gives_back_its_value(value):
    t = parse_type("list(char)")
    name = literal_name("S", value, t)
    assert not any(c.isspace() or c in "()" for c in name)
    assert literal_value(name, t) == value
    lib = parse_library(SMALL, check_semantics=False)
    assert lib.parse(f"(rev {name})") == lib.parse(f"(rev {name})")
    assert lib.value(name) == value


def test_the_log_prior_of_a_constant_is_its_share_of_the_family():
    lib = parse_library(SMALL, check_semantics=False)
    task = _task([(["ab"], "ab!!?"), (["c"], "c!!?")])
    g = Grammar.from_library(lib).bind(task)
    constants = g.library.constants("S")
    assert len(constants) >= 1
    k = len(constants)
    program = lib.parse(f"(lambda {constants[0]})")
    # At the root: rev (weight 1), the family S (weight 3) and the variable $0 (weight 1).
    expected = math.log(3 / 5) - math.log(k)
    assert g.log_prior(program, task.request_type) == pytest.approx(expected)
    # Under two constants the family's probability is shared: the two sum to the family's.
    two = _task([(["ab"], "Xab"), (["cd"], "Xcd"), (["ab"], "abY"), (["ef"], "efY")])
    g2 = Grammar.from_library(lib).bind(two)
    names = g2.library.constants("S")
    assert len(names) == 2
    total = sum(math.exp(g2.log_prior(lib.parse(f"(lambda {c})"), two.request_type)) for c in names)
    assert total == pytest.approx(3 / 5)
    # A contextual grammar binds every context the same way.
    cg = ContextualGrammar.from_grammar(Grammar.from_library(lib)).bind(two)
    assert cg.log_prior(lib.parse(f"(lambda {names[0]})"), two.request_type) == pytest.approx(math.log(3 / 10))


def test_search_enumerates_each_constant_the_task_gives():
    lib = parse_library(SMALL, check_semantics=False)
    task = _task([(["ab"], "Xab"), (["cd"], "Xcd"), (["ab"], "abY"), (["ef"], "efY")])
    g = Grammar.uniform(lib).bind(task)
    from induct.search.enumeration import enumerate_programs

    heads = {str(p) for p, _ in enumerate_programs(g, task.request_type, max_programs=6)}
    assert {'(lambda S="X")', '(lambda S="Y")'} <= heads
    assert "(lambda S)" not in heads  # the family itself is not a program once bound


def test_a_task_that_appends_a_fixed_string_is_solved_through_a_task_bound_string():
    lib = load_library(get_domain("text").grammar)
    assert "STRING" in lib.task_literals
    frontiers = solve_tasks([SUFFIX], Grammar.uniform(lib), "enumerate", SearchConfig(timeout=20), workers=0)
    f = frontiers["suffix"]
    assert f.solved, f.stats
    best = max(f.entries, key=lambda e: e.log_posterior)
    assert 'STRING=",\\u0020USA"' in str(best.program)
    assert lib.run(best.program, [list("new")]) == list("new, USA")  # runs with no task at hand


def test_a_frontier_with_a_constant_round_trips_through_a_checkpoint(tmp_path):
    lib = load_library(get_domain("text").grammar)
    f = solve_tasks([SUFFIX], Grammar.uniform(lib), "enumerate", SearchConfig(timeout=20, max_frontier=3),
                    workers=0)["suffix"]
    assert f.solved
    import json

    path = write_checkpoint(tmp_path, 1, {"frontiers.json": json.dumps({"suffix": f.to_json()})})
    back = Frontier.from_json(read_checkpoint(path).json("frontiers.json")["suffix"], lib)
    assert [e.program for e in back.entries] == [e.program for e in f.entries]
    assert [e.log_prior for e in back.entries] == [e.log_prior for e in f.entries]


def test_an_invention_holding_a_constant_writes_and_reads_back():
    lib = load_library(get_domain("text").grammar)
    body = lib.parse('(lambda (fold $0 STRING=",\\u0020USA" (lambda (lambda (cons $1 $0)))))')
    grown = lib.with_inventions([("add_usa", body)])
    assert str(grown.type_of("add_usa")) == str(parse_type("list(char) -> list(char)"))
    text = grown.to_text()
    assert "literal STRING : list(char) from task output_strings" in text
    again = parse_library(text)
    assert again == grown
    assert again.run(again.parse("(lambda (add_usa $0))"), [list("x")]) == list("x, USA")


def test_a_grammar_naming_an_unknown_extractor_is_refused_where_it_says_so(tmp_path):
    path = tmp_path / "g.induct"
    path.write_text("type char, list(a)\nliteral S : list(char) from task no_such_thing\n")
    with pytest.raises(GrammarFileError) as info:
        load_library(path)
    assert info.value.line == 2 and "no_such_thing" in str(info.value)
    path.write_text("type char, list(a)\nliteral S : list(a) from task output_strings\n")
    with pytest.raises(GrammarFileError, match="without variables"):
        load_library(path)


def test_an_unbound_family_fails_when_run_and_a_library_without_families_binds_to_itself():
    lib = parse_library(SMALL, check_semantics=False)
    from induct.programs.evaluation import FAILED

    assert lib.run(Primitive("S"), []) is FAILED
    plain = parse_library("type char, list(a)\nrev : list(a) -> list(a)\n", check_semantics=False)
    assert plain.bind(SUFFIX) is plain


def test_an_extractor_may_keep_more_constants_than_the_default_eight():
    from dataclasses import replace

    lib = parse_library(SMALL, check_semantics=False)

    def letters(task):
        return [[c] for c in "abcdefghijkl"]

    def some(task):
        return letters(task)

    letters.max_constants = 10  # type: ignore[attr-defined]
    bound = Grammar.uniform(replace(lib, extractors={"S": letters})).bind(SUFFIX).library
    assert len(bound.constants("S")) == 10
    assert len(Grammar.uniform(replace(lib, extractors={"S": some})).bind(SUFFIX).library.constants("S")) == 8
