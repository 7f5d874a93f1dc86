"""A Library is a value: equal declarations are equal libraries, whoever built them."""

from induct.dsl import load_library, parse_library
from induct.grammar import Grammar
from induct.types import TypeVariable, canonical, parse_type, rename_variables, show_type


def test_libraries_compare_by_value():
    a, b = load_library("lists"), load_library("lists")
    assert a is not b and a == b and hash(a) == hash(b)
    assert parse_library(a.to_text()) == a  # written back and read again
    heavier = a.with_log_weights({"map": 1.0}, a.variable_log_weight)
    assert heavier != a
    assert a != load_library("text")
    assert len({a, b, load_library("text")}) == 2


def test_equal_libraries_share_what_depends_only_on_types():
    a, b = load_library("lists"), load_library("lists")
    request = parse_type("list(int) -> list(int)")
    ga, gb = Grammar.uniform(a), Grammar.uniform(b)
    program = a.parse("(lambda (map (lambda (+ $0 1)) $0))")
    assert ga.log_prior(program, request) == gb.log_prior(program, request)


def test_one_renaming_helper():
    t = parse_type("(t3 -> t1) -> list(t3) -> list(t1)")
    assert show_type(canonical(t)) == "(t0 -> t1) -> list(t0) -> list(t1)"
    assert show_type(rename_variables(t, {1: parse_type("int")})) == "(t3 -> int) -> list(t3) -> list(int)"
    assert rename_variables(TypeVariable(2), {}) == TypeVariable(2)
