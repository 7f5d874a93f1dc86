"""The case split: ``if p then A else B`` from two programs that each fit part of the examples."""

import pytest

from induct.grammar import Grammar
from induct.programs import parse_program
from induct.programs.evaluation import compile_program
from induct.programs.limits import DEFAULT_LIMITS
from induct.search import SearchConfig, solve_task
from induct.search.cases import Branch, _Cover, assemble_case, branch_pairs, predicate_tasks
from induct.search.deductions import STANDARD_DEDUCTIONS, CaseSplit
from induct.tasks import Example, Task
from induct.types import parse_type

LISTS = [[3, 0, 7, 1, 4], [9, 2, 2, 5], [0, 6, 1, 8, 3, 3], [4, 11, 1, 0], [], [5], [2, 2, 9], [8, 1]]
WITHOUT = tuple(d for d in STANDARD_DEDUCTIONS if d.name != "cases")


def _task(name, f, request="list(int) -> list(int)"):
    return Task(name, parse_type(request), tuple(Example((xs,), f(xs)) for xs in LISTS))


def _correct(program, task, library):
    model = SearchConfig().likelihood_model()
    return model.log_likelihood(compile_program(program, library, {}), task) == 0.0


def test_the_cover_keeps_one_program_per_new_set_of_examples():
    task = Task("t", parse_type("int -> int"), tuple(Example((i,), i) for i in range(4)))
    cover = _Cover(task, limit=10)
    score = cover.scorer()
    assert score([0, 1, 9, 9]) == 0.0  # examples 0 and 1: new
    assert score([0, 9, 9, 9]) == -float("inf")  # inside a set kept before
    assert score([9, 9, 9, 9]) == -float("inf")  # right nowhere
    assert not cover.covered()
    assert score([9, 9, 2, 3]) == 0.0  # examples 2 and 3: with the first, every example
    assert cover.covered()
    assert cover.masks == [0b0011, 0b1100]


def test_pairs_hold_every_example_and_come_most_probable_first():
    p = parse_program("(lambda $0)")
    a, b, c = Branch(p, -1.0, 0b011), Branch(p, -5.0, 0b110), Branch(p, -2.0, 0b100)
    pairs = branch_pairs([a, b, c], 0b111, limit=5)
    assert pairs == [(a, c), (a, b)]
    assert branch_pairs([a, b, c], 0b111, limit=1) == [(a, c)]


def test_the_test_is_true_where_only_the_first_branch_is_right(lists_library):
    task = _task("cdr when long", lambda xs: xs[1:] if len(xs) > 3 else xs)
    then, other = parse_program("(lambda (cdr $0))"), parse_program("(lambda $0)")
    [(test, first, second), (swapped, first_swapped, second_swapped)] = predicate_tasks(
        task, then, other, lists_library, DEFAULT_LIMITS)
    assert (first, second, first_swapped, second_swapped) == (then, other, other, then)
    assert str(test.request_type) == "list(int) -> bool"
    # [] is left out: cdr fails on it and the identity is right, so it asks for false;
    # an example where both are right says nothing (none here).
    assert [(e.inputs[0], e.output) for e in test.examples] == [(xs, len(xs) > 3) for xs in LISTS]
    assert [(e.inputs[0], e.output) for e in swapped.examples] == [(xs, len(xs) <= 3) for xs in LISTS]
    # a pair that misses an example, or one branch that is right everywhere, gives no test
    assert predicate_tasks(task, then, parse_program("(lambda empty)"), lists_library, DEFAULT_LIMITS) == []
    whole = parse_program("(lambda (if (gt? (length $0) K=3) (cdr $0) $0))")
    assert predicate_tasks(task, whole, then, lists_library, DEFAULT_LIMITS) == []


def test_the_assembled_program_applies_its_parts_to_the_arguments(lists_library):
    whole = assemble_case(parse_program("(lambda (lambda (empty? $1)))"), parse_program("(lambda (lambda $0))"),
                          parse_program("(lambda (lambda (cons (car $1) $0)))"), 2)
    assert str(whole) == "(lambda (lambda (if (empty? $1) $0 (cons (car $1) $0))))"


def test_an_element_rule_with_two_cases_is_found_only_through_the_case_split(lists_library):
    task = _task("add one above three", lambda xs: [x + 1 if x > 3 else x for x in xs])
    grammar = Grammar.uniform(lists_library)
    budget = dict(timeout=20, max_programs=300_000)
    assert not solve_task(task, grammar, "enumerate", SearchConfig(deductions=WITHOUT, **budget)).solved
    found = solve_task(task, grammar, "enumerate", SearchConfig(**budget, decompose=0.5))
    assert found.solved and found.stats.strategy == "enumerate+deduction"
    best = found.entries[0]
    assert "(if " in str(best.program) and _correct(best.program, task, lists_library)
    assert best.log_prior == pytest.approx(grammar.bind(task).log_prior(best.program, task.request_type))


def test_a_whole_program_with_two_cases_is_found_only_through_the_case_split(lists_library):
    task = _task("length when the sum passes ten", lambda xs: len(xs) if sum(xs) > 10 else 0, "list(int) -> int")
    grammar = Grammar.uniform(lists_library)
    budget = dict(timeout=20, max_programs=300_000)
    assert not solve_task(task, grammar, "enumerate", SearchConfig(deductions=WITHOUT, **budget)).solved
    found = solve_task(task, grammar, "enumerate", SearchConfig(**budget))
    assert found.solved
    assert str(found.entries[0].program).startswith("(lambda (if ")
    assert all(_correct(e.program, task, lists_library) for e in found.entries)


def test_the_case_split_needs_if_and_two_examples(lists_library, text_library):
    split = CaseSplit()
    task = _task("t", lambda xs: xs)
    assert split.applies(task, lists_library) and split.applies(task, text_library)
    one = Task("one", task.request_type, task.examples[:1])
    assert not split.applies(one, lists_library)
    from induct.dsl import load_library

    arith = load_library("arith")
    assert "if" in arith
    grids = load_library("arc")
    assert "if" not in grids and not split.applies(task, grids)
