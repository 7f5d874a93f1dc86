"""Deduction: map-, filter- and rearrangement-shaped tasks are split into a search for a smaller function."""

from dataclasses import replace

import pytest

from induct.errors import InductError
from induct.grammar import Grammar
from induct.programs import parse_program
from induct.programs.evaluation import compile_program
from induct.search import SearchConfig, solve_task
from induct.search.decompose import MAX_HOLE_SHARE, hole_shares, subproblems
from induct.search.deductions import STANDARD_DEDUCTIONS, Deduction, Subproblem, Template
from induct.tasks import Example, Task
from induct.types import parse_type, return_of
from induct.wake_sleep import TrainConfig
from induct.wake_sleep.config import ConfigError

LISTS = [[3, 0, 7, 1, 4], [9, 2, 2, 5], [0, 6, 1, 8, 3, 3], [4, 11, 1, 0]]


def _list_task(name, f, request="list(int) -> list(int)", inputs=LISTS):
    return Task(name, parse_type(request), tuple(Example((xs,), f(xs)) for xs in inputs))


def _splits(task, library):
    return [sub for d in STANDARD_DEDUCTIONS for sub in d.split(task, library)]


def _correct(program, task, library):
    model = SearchConfig().likelihood_model()  # exact: 0 when every example's output is right
    return model.log_likelihood(compile_program(program, library, {}), task) == 0.0


def _found_only_through_deduction(task, library, max_programs):
    """The best program for ``task``: the uniform grammar's search misses it on ``max_programs``
    without deduction and finds it, correct, with it."""
    grammar = Grammar.uniform(library)
    budget = dict(timeout=30, max_programs=max_programs)
    assert not solve_task(task, grammar, "enumerate", SearchConfig(decompose=0.0, **budget)).solved
    found = solve_task(task, grammar, "enumerate", SearchConfig(decompose=0.25, **budget))
    assert found.solved and found.stats.strategy == "enumerate+deduction"
    best = found.entries[0].program
    assert _correct(best, task, library)
    return best


def test_a_filter_shaped_task_is_found_through_its_predicate(lists_library):
    task = _list_task("keep above one", lambda xs: [x for x in xs if x > 1])
    grammar = Grammar.uniform(lists_library)
    budget = dict(timeout=30, max_programs=20_000)
    plain = solve_task(task, grammar, "enumerate", SearchConfig(decompose=0.0, **budget))
    assert not plain.solved  # the whole program is beyond this budget ...
    found = solve_task(task, grammar, "enumerate", SearchConfig(decompose=0.25, **budget))
    assert found.solved  # ... its predicate is not
    assert found.stats.strategy == "enumerate+deduction"
    for entry in found.entries:
        assert _correct(entry.program, task, lists_library)
        assert entry.log_prior == pytest.approx(grammar.bind(task).log_prior(entry.program, task.request_type))
    assert str(found.entries[0].program).startswith("(lambda (fold $0 empty (lambda (lambda (if ")


def test_removal_uses_the_swapped_branches(lists_library):
    task = _list_task("drop the empty ones", lambda xs: [x for x in xs if x],
                      "list(list(int)) -> list(list(int))",
                      [[[1], [], [2, 3]], [[], []], [[4, 4], [0], []]])
    found = solve_task(task, Grammar.uniform(lists_library), "enumerate",
                       SearchConfig(timeout=30, max_programs=20_000))
    assert found.solved
    best = found.entries[0].program
    assert _correct(best, task, lists_library)
    assert str(best) == "(lambda (fold $0 empty (lambda (lambda (if (empty? $1) $0 (cons $1 $0))))))"


def test_a_map_whose_function_uses_the_other_arguments(lists_library):
    task = Task("add n", parse_type("int -> list(int) -> list(int)"),
                tuple(Example((n, xs), [x + n for x in xs]) for n, xs in zip([2, 5, 1, 3], LISTS)))
    subs = _splits(task, lists_library)
    assert [s.label for s in subs] == ["map"]
    assert str(subs[0].task.request_type) == "int -> int -> list(int) -> int"
    hole = parse_program("(lambda (lambda (lambda (+ $2 $1))))")  # element + n
    whole = subs[0].assemble(hole)
    assert str(whole) == "(lambda (lambda (map (lambda (+ $0 $2)) $0)))"
    assert _correct(whole, task, lists_library)
    assert not _correct(parse_program("(lambda (lambda $0))"), task, lists_library)
    found = solve_task(task, Grammar.uniform(lists_library), "enumerate",
                       SearchConfig(timeout=30, max_programs=20_000))
    assert found.solved and _correct(found.entries[0].program, task, lists_library)


def test_only_tasks_of_the_right_shape_are_split(lists_library):
    reverse = _list_task("reverse", lambda xs: xs[::-1])
    identity = _list_task("identity", lambda xs: list(xs))
    # the same element must go to the same output for a map: position-dependent is no map
    by_position = _list_task("add index", lambda xs: [x + i for i, x in enumerate(xs)])
    count = _list_task("count", lambda xs: len(xs), "list(int) -> int")
    for task in (identity, by_position, count):
        assert _splits(task, lists_library) == [], task.name
    # a rearrangement of the list: the position each output element comes from
    assert [s.label for s in _splits(reverse, lists_library)] == ["gather"]
    # a subsequence in which equal elements are treated alike: filter and remove
    keep = _list_task("keep odd", lambda xs: [x for x in xs if x % 2])
    assert [s.label for s in _splits(keep, lists_library)] == ["filter", "remove"]
    # dropping one of two equal elements is no filter of values
    # ... but a selection of positions, learned from the examples aligned only one way
    first = _list_task("drop first", lambda xs: xs[1:], inputs=[[2, 1, 2], [3, 3, 4]])
    splits = _splits(first, lists_library)
    assert [s.label for s in splits] == ["positions", "remove positions", "slice", "slice to end"]  # and a run
    assert [e.inputs[0] for e in splits[0].task.examples] == [0, 1, 2]  # [3, 3, 4] -> [3, 4] is left out
    assert [e.output for e in splits[0].task.examples] == [False, True, True]


def test_text_gets_the_list_deductions(text_library):
    # Strings are list(char): a string task shaped like a filter or a map is split as a list task is.
    words = ["a b c", "hello world", " x y ", "no-space"]
    task = Task("drop spaces", parse_type("list(char) -> list(char)"),
                tuple(Example((list(w),), [c for c in w if c != " "]) for w in words))
    assert [s.label for s in _splits(task, text_library)] == ["filter", "remove"]
    doubled = Task("space to dash", parse_type("list(char) -> list(char)"),
                   tuple(Example((list(w),), ["-" if c == " " else c for c in w]) for w in words))
    assert "map" in [s.label for s in _splits(doubled, text_library)]


def test_a_text_filter_is_found_only_through_deduction(text_library):
    words = ["a b c", "hello world", " x y ", "no space here"]
    task = Task("drop spaces", parse_type("list(char) -> list(char)"),
                tuple(Example((list(w),), [c for c in w if c != " "]) for w in words))
    best = _found_only_through_deduction(task, text_library, 20_000)
    assert "char-eq?" in str(best) and "SPACE" in str(best)


def _text_task(name, f, words=("ada", "grace hopper", "alan", "edsger w")):
    return Task(name, parse_type("list(char) -> list(char)"), tuple(Example((list(w),), list(f(w))) for w in words))


def test_a_concatenation_is_split_at_the_constants_its_outputs_share(text_library):
    from induct.search.deductions import Concatenation

    task = _text_task("bracketed", lambda w: "(" + w + ")")
    bound = text_library.bind(task)
    subs = {s.label: s for s in Concatenation().split(task, bound)}
    # cut at the two constants only (the argument is not cut at, by itself, in this split)
    at_constants = [s for label, s in subs.items() if "$0" not in label]
    assert len(at_constants) == 1
    sub = at_constants[0]
    # the parts before "(" and after ")" are empty in every example: one hole, the word itself
    assert len(sub.holes) == 1
    assert [e.output for e in sub.task.examples] == [list(w) for w in ("ada", "grace hopper", "alan", "edsger w")]
    whole = sub.assemble(parse_program("(lambda $0)"))
    assert _correct(whole, task, bound)
    assert not _correct(sub.assemble(parse_program("(lambda (cdr $0))")), task, bound)
    # cut at the constants and the argument, every part is empty: nothing is left to search
    everything = [s for label, s in subs.items() if "$0" in label and "STRING" in label]
    assert everything and everything[0].holes == ()
    assert _correct(everything[0].assemble(), task, bound)
    # no shared constant in the same order: no split
    unshared = _text_task("first letter or word", lambda w: w[0] if " " in w else w + "!")
    assert list(Concatenation().split(unshared, text_library.bind(unshared))) == []


def test_a_list_concatenation_splits_at_a_task_bound_element(lists_library):
    from induct.search.deductions import Concatenation

    task = _list_task("around 42", lambda xs: xs + [42] + xs[:1])
    bound = lists_library.bind(task)
    subs = {s.label: s for s in Concatenation().split(task, bound)}
    # at the constant alone: two holes, the list and its head
    alone = subs["concat (cons K=42 empty)"]
    assert len(alone.holes) == 2
    assert [e.output for e in alone.holes[1].examples] == [xs[:1] for xs in LISTS]
    whole = alone.assemble(parse_program("(lambda $0)"), parse_program("(lambda (cons (car $0) empty))"))
    assert _correct(whole, task, bound)
    # at the argument too: the head alone is left to find
    with_argument = subs["concat $0 (cons K=42 empty)"]
    assert [[e.output for e in h.examples] for h in with_argument.holes] == [[xs[:1] for xs in LISTS]]
    whole = with_argument.assemble(parse_program("(lambda (cons (car $0) empty))"))
    assert _correct(whole, task, bound)


def test_a_concatenation_of_parts_is_found_only_through_deduction(text_library):
    task = _text_task("word and bracketed word", lambda w: w + " [" + w + "]")
    best = _found_only_through_deduction(task, text_library, 20_000)
    assert str(best).count("fold") >= 2  # the parts joined by appends


def test_a_deduction_needs_the_primitives_of_its_template():
    from induct.dsl import parse_library

    library = parse_library("semantics induct.domains.lists.semantics\ntype int, bool, list(a)\n"
                            "map : (a -> b) -> list(a) -> list(b)\n+ : int -> int -> int\n1 : int\n")
    task = _list_task("add one", lambda xs: [x + 1 for x in xs])
    assert [s.label for s in _splits(task, library)] == ["map"]  # map is there; fold, cons ... are not
    kept = _list_task("keep odd", lambda xs: [x for x in xs if x % 2])
    assert _splits(kept, library) == []


def test_templates_are_parsed_once_and_fill_their_placeholders():
    t = Template("(map (lambda (?hole $0 ?args)) ?xs)")
    assert t.primitives == {"map"}
    hole = parse_program("(lambda (lambda (lambda (+ $2 $0))))")  # element, then the task's two arguments
    whole = t.assemble(2, 0)(hole)  # a task of two arguments whose list is the first
    assert str(whole) == "(lambda (lambda (map (lambda (+ $0 $1)) $1)))"
    assert all(isinstance(d, Deduction) for d in STANDARD_DEDUCTIONS)
    assert [d.last_resort for d in STANDARD_DEDUCTIONS] == [False, False, True, True, True, True, True]


def test_the_share_is_checked():
    with pytest.raises(InductError, match="decompose"):
        SearchConfig(decompose=1.0)
    with pytest.raises(ConfigError, match="decompose"):
        TrainConfig().replace(decompose=-0.1)
    assert TrainConfig().replace(decompose="0").search.decompose == 0.0


def test_solve_refuses_a_share_out_of_range(capsys):
    from induct.cli import main

    code = main(["solve", "--grammar", "lists", "--tasks", "lists", "--limit", "1", "--quiet", "--decompose", "1.5"])
    assert code == 2
    assert "decompose must be in [0, 1)" in capsys.readouterr().err


def test_a_task_that_drops_a_position_is_found_through_a_predicate_on_positions(lists_library):
    task = _list_task("remove the third", lambda xs: xs[:2] + xs[3:])
    best = _found_only_through_deduction(task, lists_library, 20_000)
    assert str(best).startswith("(lambda (fold (range (length $0)) empty (lambda (lambda (if ")
    assert "(cons (index $1 $2) $0)" in str(best)


def test_no_split_by_positions_when_an_output_is_no_subsequence(lists_library):
    # [9, 2, 2, 5] -> [2, 9]: the values are there but not in order
    task = _list_task("sorted pair", lambda xs: sorted(xs[:2]), inputs=[[3, 0, 7], [9, 2, 2, 5]])
    assert _splits(task, lists_library) == []


def test_positions_are_a_last_resort_behind_the_whole_program_search(lists_library):
    # drop the first element: a selection of positions, but `cdr` is a short whole program,
    # so the fold over positions is never searched and stays out of the frontier
    task = _list_task("drop first", lambda xs: xs[1:], inputs=[[2, 1, 2], [3, 3, 4], [5, 6]])
    assert [s.label for s in _splits(task, lists_library)] == ["positions", "remove positions", "slice", "slice to end"]
    found = solve_task(task, Grammar.uniform(lists_library), "enumerate",
                       SearchConfig(timeout=30, max_programs=20_000))
    assert found.solved and found.stats.strategy == "enumerate"
    assert str(found.entries[0].program) == "(lambda (cdr $0))"
    assert all("range" not in str(e.program) for e in found.entries)


def test_a_last_resort_counts_every_program_tried(lists_library):
    # run one after the other: the whole-program search fails on its budget less the holes'
    # share, then the holes solve it
    task = _list_task("remove the third", lambda xs: xs[:2] + xs[3:])
    found = solve_task(task, Grammar.uniform(lists_library), "enumerate",
                       SearchConfig(timeout=30, max_programs=20_000, interleave=False))
    assert found.solved and found.stats.strategy == "enumerate+deduction"
    assert 15_000 <= found.stats.programs_tried <= 21_000  # the enumerator stops at the end of a batch
    assert found.stats.programs_before_first_solution >= 15_000


def test_interleaved_last_resorts_run_when_the_search_has_spent_their_share(lists_library):
    # interleaved (the default): the whole-program search pauses after as many programs as
    # the last resorts' share, and they solve the task then; every program counts
    task = _list_task("remove the third", lambda xs: xs[:2] + xs[3:])
    grammar = Grammar.uniform(lists_library)
    found = solve_task(task, grammar, "enumerate", SearchConfig(timeout=30, max_programs=20_000))
    applicable = [(last, w) for _, last, w in subproblems(task, lists_library, SearchConfig().deductions)]
    shares = hole_shares(0.25, [w for _, w in applicable])
    reserved = sum(s for (last, _), s in zip(applicable, shares) if last)
    assert found.solved and found.stats.strategy == "enumerate+deduction"
    assert int(reserved * 20_000) <= found.stats.programs_before_first_solution <= found.stats.programs_tried
    assert found.stats.programs_tried < 15_000
    sequential = solve_task(task, grammar, "enumerate", SearchConfig(timeout=30, max_programs=20_000, interleave=False))
    assert found.entries[0].program == sequential.entries[0].program


def test_a_rearrangement_is_gathered_from_positions_of_unique_values(lists_library):
    # rotate right by one; 2 occurs twice in [9, 2, 2, 5], so its output positions say nothing
    task = _list_task("rotate right", lambda xs: xs[-1:] + xs[:-1])
    subs = _splits(task, lists_library)
    assert [s.label for s in subs] == ["gather"]
    hole = subs[0].task
    assert str(hole.request_type) == "int -> list(int) -> int"
    rows = {(e.inputs[0], tuple(e.inputs[1])): e.output for e in hole.examples}
    assert rows[(0, (3, 0, 7, 1, 4))] == 4 and rows[(1, (3, 0, 7, 1, 4))] == 0
    # [9, 2, 2, 5] -> [5, 9, 2, 2]: the 2s at output positions 2 and 3 could come from 1 or 2
    assert rows[(0, (9, 2, 2, 5))] == 3 and rows[(1, (9, 2, 2, 5))] == 0
    assert (2, (9, 2, 2, 5)) not in rows and (3, (9, 2, 2, 5)) not in rows
    whole = subs[0].assemble(parse_program("(lambda (lambda (mod (- $1 1) (length $0))))"))
    assert str(whole) == "(lambda (map (lambda (index (mod (- $0 1) (length $1)) $1)) (range (length $0))))"
    assert _correct(whole, task, lists_library)
    # not a rearrangement: a value that is not in the list, or a different length
    bumped = _list_task("rotate and add one", lambda xs: [x + 1 for x in xs[-1:] + xs[:-1]])
    doubled = _list_task("twice", lambda xs: xs + xs)
    for other in (bumped, doubled):
        assert "gather" not in [s.label for s in _splits(other, lists_library)], other.name


def test_a_rotation_is_found_through_its_positions(lists_library):
    task = _list_task("rotate right", lambda xs: xs[-1:] + xs[:-1])
    best = _found_only_through_deduction(task, lists_library, 40_000)
    assert str(best).startswith("(lambda (map (lambda (index ")


def test_hole_shares_follow_the_weights_and_are_capped():
    assert hole_shares(0.25, [1.0, 1.0]) == [0.125, 0.125]
    assert hole_shares(0.25, [2.0]) == [0.5]
    assert hole_shares(0.3, [1.0, 2.0]) == pytest.approx([0.15, 0.3])
    capped = hole_shares(0.6, [2.0])
    assert capped == [pytest.approx(MAX_HOLE_SHARE)]
    assert sum(hole_shares(0.9, [3.0, 1.0])) == pytest.approx(MAX_HOLE_SHARE)


CODES = ("118-980-214", "981-424-843", "623-599-749", "830-941-991")


def test_a_slice_is_split_into_its_start_and_its_length(text_library):
    from induct.search.deductions import Slice

    task = _text_task("middle field", lambda w: w[4:7], CODES)
    subs = list(Slice().split(task, text_library))
    assert [s.label for s in subs] == ["slice", "slice to end"]
    start, length = subs[0].holes
    assert [e.output for e in start.examples] == [4, 4, 4, 4] and [e.output for e in length.examples] == [3, 3, 3, 3]
    assert [e.output for e in subs[1].holes[1].examples] == [4, 4, 4, 4]  # left at the end
    four, three = parse_program("(lambda (+ (+ 1 1) (+ 1 1)))"), parse_program("(lambda (+ 1 (+ 1 1)))")
    assert _correct(subs[0].assemble(four, three), task, text_library)
    assert _correct(subs[1].assemble(four, four), task, text_library)
    assert not _correct(subs[0].assemble(three, three), task, text_library)
    # an output that is no contiguous run of the input (or is all of it) is no slice
    assert list(Slice().split(_text_task("ends", lambda w: w[0] + w[-1], CODES), text_library)) == []
    assert list(Slice().split(_text_task("same", lambda w: w, CODES), text_library)) == []


def test_a_run_that_occurs_twice_starts_at_its_first_and_its_last_occurrence(lists_library):
    from induct.search.deductions import Slice

    task = _list_task("the pair", lambda xs: [1, 2], inputs=[[1, 2, 5, 1, 2], [0, 1, 2, 7]])
    subs = list(Slice().split(task, lists_library))
    starts = [[e.output for e in s.task.examples] for s in subs if s.label == "slice"]
    assert starts == [[0, 1], [3, 1]]


DIALLED = ("+6 775-969", "+9 310-537", "+7 001-050", "+1 424-843")


def test_a_slice_at_fixed_positions_is_found_only_through_deduction(text_library):
    task = _text_task("area code", lambda w: w[3:6], DIALLED)
    best = _found_only_through_deduction(task, text_library, 20_000)
    assert "range" in str(best) and "index" in str(best)


def test_a_part_of_a_concatenation_is_split_again_by_the_other_deductions(text_library):
    from induct.search.decompose import subproblems

    words = ("abcdef", "ghijkl", "mnopqr", "stuvwx")
    task = _text_task("middle pair in brackets", lambda w: "<" + w[2:4] + ">", words)
    bound = text_library.bind(task)
    subs = subproblems(task, bound, STANDARD_DEDUCTIONS)
    concat = [s for s, _, _ in subs if s.deduction == "concat"]
    assert concat and [e.output for e in concat[0].task.examples] == [list(w[2:4]) for w in words]
    best = _found_only_through_deduction(task, text_library, 20_000)
    assert "fold" in str(best) and "range" in str(best)  # a join around a slice


PLACES = (("Cornell University", "Ithaca, New York, USA"), ("Yale University", "New Haven, CT, USA"),
          ("University of Maryland", "College Park, MD"), ("UCLA", "Los Angeles, CA"))


def _place_task(name, f):
    return Task(name, parse_type("list(char) -> list(char) -> list(char)"),
                tuple(Example((list(a), list(b)), list(f(a, b))) for a, b in PLACES))


def test_a_concatenation_is_cut_where_its_outputs_hold_an_argument(text_library):
    from induct.search.deductions import Concatenation

    # ", " is in every input, so it is no task-bound string; the arguments cut the outputs
    task = _place_task("name, place", lambda a, b: a + ", " + b)
    bound = text_library.bind(task)
    subs = [s for s in Concatenation().split(task, bound) if "$1" in s.label and "$0" in s.label]
    # the part between them is ", " in every example, spelled from ',' and SPACE: no search
    assert subs and subs[0].holes == ()
    whole = subs[0].assemble()
    assert _correct(whole, task, bound) and "(cons ',' (cons SPACE" in str(whole)
    # a constant part the constants cannot spell ("e" is in every input: no task-bound string)
    joined = _place_task("name e place", lambda a, b: a + "e" + b)
    subs = [s for s in Concatenation().split(joined, text_library.bind(joined)) if "$1" in s.label]
    assert subs and [[e.output for e in h.examples] for h in subs[0].holes] == [[["e"]] * len(PLACES)]
    # an argument absent from one output cuts nothing
    partly = _place_task("name or place", lambda a, b: a if len(a) > 4 else b)
    assert not any("$" in s.label for s in Concatenation().split(partly, text_library.bind(partly)))


def test_a_part_with_two_values_is_searched_as_a_test_between_them(text_library):
    from induct.search.deductions import Concatenation
    from induct.types import tbool

    # ", USA" only where the place lacks it; ", USA" is also inside two of the places, so
    # only the cut at the arguments alone leaves the optional suffix as one part
    task = _place_task("name, place, USA", lambda a, b: a + ", " + b + ("" if b.endswith("USA") else ", USA"))
    bound = text_library.bind(task)
    subs = [s for s in Concatenation().split(task, bound) if s.label.endswith("$1 $0")]
    assert len(subs) == 1 and len(subs[0].holes) == 1
    (hole,) = subs[0].holes
    # a bool hole, true where the suffix is present (the last two places)
    assert return_of(hole.request_type) == tbool
    assert [e.output for e in hole.examples] == [False, False, True, True]
    # "the fourth character from the end is ','" tells them apart
    test = bound.parse("(lambda (lambda (char-eq? ',' (index (- (length $0) (+ 1 (+ 1 (+ 1 1)))) $0))))")
    whole = subs[0].assemble(test)
    assert "(if (char-eq? ','" in str(whole) and _correct(whole, task, bound)
    # a wrong test makes a wrong whole
    assert not _correct(subs[0].assemble(bound.parse("(lambda (lambda (empty? $0)))")), task, bound)


def test_a_part_with_more_than_two_values_or_no_spelling_stays_a_search(text_library):
    from induct.search.deductions import Concatenation

    # three different endings: searched as a part, not as a test
    endings = ["!", ".", "-", "!"]
    three = _place_task("name, place, one of three",
                        lambda a, b: a + ", " + b + endings[[p[0] for p in PLACES].index(a)])
    subs = [s for s in Concatenation().split(three, text_library.bind(three)) if s.label.endswith("$1 $0")]
    assert subs and all(return_of(h.request_type) == return_of(three.request_type) for h in subs[0].holes)
    # two values, one of which no constant spells: "Q" is in one output only, too few for
    # a task-bound string, and no primitive is "Q"
    unspelled = _place_task("name, place, maybe Q", lambda a, b: a + ", " + b + ("Q" if "Ithaca" in b else ""))
    bound = text_library.bind(unspelled)
    assert not any(bound.value(name) == ["Q"] for name in bound.constants("STRING") or ())
    subs = [s for s in Concatenation().split(unspelled, bound) if s.label.endswith("$1 $0")]
    assert subs and return_of(subs[0].holes[0].request_type) == return_of(unspelled.request_type)


def test_a_list_concatenation_is_cut_at_an_element_argument(lists_library):
    from induct.search.deductions import Concatenation

    task = Task("xs, k, xs", parse_type("list(int) -> int -> list(int)"),
                tuple(Example((xs, k), xs + [k] + xs) for xs, k in zip(LISTS, (50, 60, 70, 80))))
    bound = lists_library.bind(task)
    subs = [s for s in Concatenation().split(task, bound) if "(cons $0 empty)" in s.label]
    assert subs
    # every part empty but for the cuts: nothing is left to search
    assert subs[0].holes == ()
    assert _correct(subs[0].assemble(), task, bound)


def test_a_concatenation_of_arguments_is_found_only_through_deduction(text_library):
    task = _place_task("name, place!", lambda a, b: a + ", " + b + "!")
    best = _found_only_through_deduction(task, text_library, 20_000)
    assert "$1" in str(best) and "$0" in str(best)


class _Hole:
    """A last-resort deduction with one hole: the task itself under another name."""

    last_resort = True
    weight = 1.0

    def __init__(self, name, keep):
        self.name, self.keep = name, keep

    def split(self, task, library):
        from induct.search.deductions import Subproblem

        hole = Task(f"{task.name} [{self.name}]", task.request_type, task.examples[:self.keep])
        yield Subproblem(hole, lambda p: p, self.name)


class _Recording:
    """A search that finds nothing at once and records the seconds each call was given."""

    name = "recording"

    def __init__(self):
        self.given = []

    def search(self, task, grammar, config, deadline):
        import time

        from induct.search.frontier import Frontier

        self.given.append((task.name, deadline - time.monotonic()))
        return Frontier(task.name, task.request_type)


def test_a_last_resort_hole_gets_the_time_the_holes_before_it_left(lists_library):
    import time

    from induct.search.decompose import search_with_decompositions

    task = _list_task("anything", lambda xs: xs[::-1])
    search = _Recording()
    config = SearchConfig(timeout=4.0, decompose=0.5, deductions=(_Hole("a", 3), _Hole("b", 2)))
    search_with_decompositions(search, task, Grammar.uniform(lists_library), config, time.monotonic() + 4.0)
    given = dict(search.given)
    # the whole-program search keeps 4 s less the holes' 2 s
    assert 1.8 <= given["anything"] <= 2.0
    # it found nothing at once, so the holes divide the 4 s left (1 s each on fixed shares):
    # each hole's own search is half of its run, the other half its own hole's
    assert 0.9 <= given["anything [a]"] <= 1.0
    # the first hole's run found nothing at once: the second gets all that is left
    assert 1.8 <= given["anything [b]"] <= 2.0


class _Unfinished:
    """A last resort whose hole (the task itself) is searched but never makes a whole program."""

    name = "unfinished"
    last_resort = True
    weight = 1.0

    def split(self, task, library):
        def assemble(hole):
            raise InductError("no whole program")

        yield Subproblem(Task(f"{task.name} [unfinished]", task.request_type, task.examples), assemble, "unfinished")


def test_a_paused_search_resumes_where_it_stopped_when_the_last_resorts_fail(lists_library, monkeypatch):
    # `cdr (cdr xs)` is the 30th program; the whole-program search pauses after 25 (the last
    # resort's share of 100), the last resort fails, and the search goes on from program 25
    from induct.search import strategies

    inits = []
    original = strategies.Enumerate.init

    def counting_init(self, *args):
        inits.append(args[0].name)
        return original(self, *args)

    monkeypatch.setattr(strategies.Enumerate, "init", counting_init)
    task = _list_task("drop two", lambda xs: xs[2:])
    config = SearchConfig(timeout=30, max_programs=400, deductions=(_Unfinished(),), stop_when_full=False)
    sequential = solve_task(task, Grammar.uniform(lists_library), "enumerate", replace(config, interleave=False))
    inits.clear()
    found = solve_task(task, Grammar.uniform(lists_library), "enumerate", replace(config, max_programs=100))
    assert inits == ["drop two", "drop two [unfinished]"]  # the task's own search was made once
    assert found.solved and str(found.entries[0].program) == str(sequential.entries[0].program) == "(lambda (cdr (cdr $0)))"
    # its first solution came after the pause and after the hole's own programs
    assert found.stats.programs_before_first_solution > sequential.stats.programs_before_first_solution


class _Early(_Unfinished):
    """As :class:`_Unfinished`, but searched before the whole-program search, on three times the share."""

    name = "early"
    last_resort = False
    weight = 3.0


def test_interleaved_last_resorts_keep_their_share_when_the_holes_searched_first_spent_theirs(lists_library,
                                                                                               monkeypatch):
    # no program fits (one input, two outputs): the early hole spends its 0.675 of the budget,
    # and the last resort still gets its 0.225 (not the 0.1 left after the ordinary search's
    # first stretch of 0.225)
    import time

    from induct.search import decompose

    left = []
    original = decompose._DeductionRun.holes

    def holes(self, subs, fill=False, keep=0.0):
        if fill and self.task.name == "contradiction":  # not the holes' own (nested) last resorts
            left.append(self.deadline - time.monotonic())
        return original(self, subs, fill, keep)

    monkeypatch.setattr(decompose._DeductionRun, "holes", holes)
    task = Task("contradiction", parse_type("list(int) -> list(int)"),
                (Example(([1, 2],), [1]), Example(([1, 2],), [2])))
    shares = hole_shares(0.8, [_Early.weight, _Unfinished.weight])
    assert shares == pytest.approx([0.675, 0.225])
    config = SearchConfig(timeout=4, decompose=0.8, deductions=(_Early(), _Unfinished()))
    found = solve_task(task, Grammar.uniform(lists_library), "enumerate", config)
    assert not found.solved and len(left) == 1
    assert left[0] >= 0.65  # of its 0.9 s; 0.4 s when the pause did not heed the deadline
