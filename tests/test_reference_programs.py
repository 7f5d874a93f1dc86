"""Hand-written programs for DreamCoder's list and text tasks, and its found-program corpora.

The reference programs pin down the semantics of the primitives (fold is a right fold,
``index`` is 0-based, ``range n`` is ``[0..n-1]`` ...): each must reproduce every example
of its task.  The corpora are the programs DreamCoder itself found; each must parse,
round-trip and type-check under the shipped grammar.
"""

from __future__ import annotations

import json

import pytest

from conftest import shared_data
from induct.programs import FAILED, Limits, parse_program, show
from induct.tasks import load_tasks
from induct.types import arguments_of

# fold xs z f = f x0 (f x1 (... z)); under (lambda (lambda BODY)) inside a fold, $0 is the
# accumulator, $1 the element, and the enclosing program's variables start at $2.
APPEND_K = "(lambda (fold $0 (cons {k} empty) (lambda (lambda (cons $1 $0)))))"
FILTER = "(lambda (fold $0 empty (lambda (lambda (if {keep} (cons $1 $0) $0)))))"
MAXIMUM = "(fold (cdr $0) (car $0) (lambda (lambda (if (gt? $1 $0) $1 $0))))"
TWO = "(+ 1 1)"
THREE = "(+ 1 (+ 1 1))"

LIST_PROGRAMS = {
    "add-k with k=1": "(lambda (map (lambda (+ $0 1)) $0))",
    "add-k with k=3": f"(lambda (map (lambda (+ $0 {THREE})) $0))",
    "append-k with k=0": APPEND_K.format(k="0"),
    "append-k with k=3": APPEND_K.format(k=THREE),
    "append-index-k with k=2": "(lambda (fold $0 (cons (index 1 $0) empty) (lambda (lambda (cons $1 $0)))))",
    "bool-identify-geq-k with k=4": f"(lambda (map (lambda (gt? (+ $0 1) (+ {TWO} {TWO}))) $0))",
    "bool-identify-is-mod-k with k=3": f"(lambda (map (lambda (eq? (mod $0 {THREE}) 0)) $0))",
    "bool-identify-k with k=3": f"(lambda (map (lambda (eq? $0 {THREE})) $0))",
    "caesar-cipher-k-modulo-n with k=1 and n=2": f"(lambda (map (lambda (mod (+ $0 1) {TWO})) $0))",
    "count-head-in-tail": "(lambda (fold (cdr $0) 0 (lambda (lambda (if (eq? $1 (car $2)) (+ $0 1) $0)))))",
    "count-k with k=0": "(lambda (fold $0 0 (lambda (lambda (if (eq? $1 0) (+ $0 1) $0)))))",
    "drop-k with k=3": "(lambda (cdr (cdr (cdr $0))))",
    "dup": "(lambda (fold $0 empty (lambda (lambda (cons $1 (cons $1 $0))))))",
    "empty": "(lambda (empty? $0))",
    "evens": FILTER.format(keep=f"(eq? (mod $1 {TWO}) 0)"),
    "fibonacci": "(lambda (car (fold (range $0) (cons 0 (cons 1 empty)) "
                 "(lambda (lambda (cons (car (cdr $0)) (cons (+ (car $0) (car (cdr $0))) empty)))))))",
    "has-head-in-tail": "(lambda (gt? (fold (cdr $0) 0 (lambda (lambda (if (eq? $1 (car $2)) (+ $0 1) $0)))) 0))",
    "has-k with k=0": "(lambda (gt? (fold $0 0 (lambda (lambda (if (eq? $1 0) (+ $0 1) $0)))) 0))",
    "head": "(lambda (car $0))",
    "index-k with k=3": f"(lambda (index {TWO} $0))",
    "is-evens": f"(lambda (eq? (fold $0 0 (lambda (lambda (+ (mod $1 {TWO}) $0)))) 0))",
    "is-mod-k with k=3": f"(lambda (eq? (fold $0 0 (lambda (lambda (+ (mod $1 {THREE}) $0)))) 0))",
    "is-primes": "(lambda (empty? (fold $0 empty (lambda (lambda (if (is-prime $1) $0 (cons $1 $0)))))))",
    "keep-mod-head": "(lambda (fold (cdr $0) empty (lambda (lambda (if (eq? (mod $1 (car $2)) 0) (cons $1 $0) $0)))))",
    "kth-largest with k=1": f"(lambda {MAXIMUM})",
    "last": "(lambda (index (- (length $0) 1) $0))",
    "len": "(lambda (length $0))",
    "max": f"(lambda {MAXIMUM})",
    "min": "(lambda (fold (cdr $0) (car $0) (lambda (lambda (if (gt? $1 $0) $0 $1)))))",
    "modulo-k with k=2": f"(lambda (map (lambda (mod $0 {TWO})) $0))",
    "mult-k with k=3": f"(lambda (map (lambda (* $0 {THREE})) $0))",
    "odds": FILTER.format(keep=f"(eq? (mod $1 {TWO}) 1)"),
    "pop": "(lambda (map (lambda (index $0 $1)) (range (- (length $0) 1))))",
    "pow-k with k=3": "(lambda (map (lambda (* $0 (* $0 $0))) $0))",
    "prepend-k with k=0": "(lambda (cons 0 $0))",
    "prepend-index-k with k=2": "(lambda (cons (index 1 $0) $0))",
    "product": "(lambda (fold $0 1 (lambda (lambda (* $1 $0)))))",
    "range": "(lambda (range $0))",
    "remove-index-k with k=2": "(lambda (fold (range (length $0)) empty "
                               "(lambda (lambda (if (eq? $1 1) $0 (cons (index $1 $2) $0))))))",
    "repeat": "(lambda (map (lambda (index 1 $1)) (range (car $0))))",
    "repeat-k with k=2": "(lambda (fold $0 $0 (lambda (lambda (cons $1 $0)))))",
    "repeat-many": "(lambda (fold (range (car $0)) empty (lambda (lambda (fold (cdr $2) $0 (lambda (lambda (cons $1 $0))))))))",
    "replace-all-with-index-k with k=2": "(lambda (map (lambda (index 1 $1)) $0))",
    "reverse": "(lambda (map (lambda (index (- (- (length $1) $0) 1) $1)) (range (length $0))))",
    "rotate-k with k=1": "(lambda (cons (index (- (length $0) 1) $0) (map (lambda (index $0 $1)) (range (- (length $0) 1)))))",
    "slice-k-n with k=2 and n=3": f"(lambda (map (lambda (index (+ $0 1) $1)) (range {THREE})))",
    "sum": "(lambda (fold $0 0 (lambda (lambda (+ $1 $0)))))",
    "tail": "(lambda (cdr $0))",
    "take-k with k=2": f"(lambda (map (lambda (index $0 $1)) (range {TWO})))",
    "+1 maximum list": f"(lambda (+ 1 {MAXIMUM}))",
    "range +1 maximum list": f"(lambda (range (+ 1 {MAXIMUM})))",
    "remove empty lists": FILTER.format(keep="(empty? $1)").replace("(cons $1 $0) $0", "$0 (cons $1 $0)"),
    "keep squares": FILTER.format(keep="(is-square $1)"),
    "keep primes": FILTER.format(keep="(is-prime $1)"),
    "remove eq 0": FILTER.format(keep="(eq? $1 0)").replace("(cons $1 $0) $0", "$0 (cons $1 $0)"),
    "keep gt 1": FILTER.format(keep="(gt? $1 1)"),
}

# The position of the first DELIM in the string $0 (its length when there is none): a
# right fold over the positions keeps the smallest match.
FIRST = "(fold (range (length $0)) (length $0) (lambda (lambda (if (char-eq? (index $1 $2) {d}) $1 $0))))"
APPEND = "(lambda (lambda (fold $1 {tail} (lambda (lambda (cons $1 $0))))))"

TEXT_PROGRAMS = {
    "Replace ',' w/ '('": "(lambda (map (lambda (if (char-eq? $0 ',') LPAREN $0)) $0))",
    "Replace '.' w/ ')'": "(lambda (map (lambda (if (char-eq? $0 '.') RPAREN $0)) $0))",
    "Replace '-' w/ ','": "(lambda (map (lambda (if (char-eq? $0 '-') ',' $0)) $0))",
    "Replace '(' w/ '.'": "(lambda (map (lambda (if (char-eq? $0 LPAREN) '.' $0)) $0))",
    "Replace '-' w/ ' '": "(lambda (map (lambda (if (char-eq? $0 '-') SPACE $0)) $0))",
    "Append 2 strings (I)": APPEND.format(tail="$0"),
    "Append 2 strings (IIII)": APPEND.format(tail="$0"),
    "Append two words delimited by ' '": APPEND.format(tail="(cons SPACE $0)"),
    "Append two words delimited by '.'": APPEND.format(tail="(cons '.' $0)"),
    "Append two words delimited by ' -'": APPEND.format(tail="(cons SPACE (cons '-' $0))"),
    "Take first character and append '.'": "(lambda (cons (car $0) (cons '.' empty)))",
    "Take first character and append '('": "(lambda (cons (car $0) (cons LPAREN empty)))",
    "parentheses around a single word (I)": "(lambda (cons LPAREN (fold $0 (cons RPAREN empty) (lambda (lambda (cons $1 $0))))))",
    "Drop last 1 characters": "(lambda (map (lambda (index $0 $1)) (range (- (length $0) 1))))",
    "Drop last 2 characters": "(lambda (map (lambda (index $0 $1)) (range (- (length $0) (+ 1 1)))))",
    "Abbreviate separate words (I)": "(lambda (lambda (cons (car $1) (cons '.' (cons (car $0) (cons '.' empty))))))",
    "drop first word delimited by '.'":
        "(lambda ((lambda (map (lambda (index (+ $0 (+ $1 1)) $2)) (range (- (length $1) (+ $0 1))))) "
        + FIRST.format(d="'.'") + "))",
    "Abbreviate words separated by ' '":
        "(lambda ((lambda (cons (car $1) (cons '.' (cons (index (+ $0 1) $1) (cons '.' empty))))) "
        + FIRST.format(d="SPACE") + "))",
    "First letters of words (I)":
        "(lambda (cons (car $0) (fold (range (- (length $0) 1)) empty "
        "(lambda (lambda (if (char-eq? (index $1 $2) SPACE) (cons (index (+ $1 1) $2) $0) $0))))))",
}

GENEROUS = Limits(steps=1_000_000, seconds=2.0)


def _tasks_by_name(name: str) -> dict:
    return {t.name: t for t in load_tasks(name)}


LIST_TASKS = _tasks_by_name("lists")
TEXT_TASKS = _tasks_by_name("text")


def test_enough_reference_programs():
    assert len(LIST_PROGRAMS) >= 20 and len(TEXT_PROGRAMS) >= 10
    assert set(LIST_PROGRAMS) <= set(LIST_TASKS)
    assert set(TEXT_PROGRAMS) <= set(TEXT_TASKS)


def _check_reference(library, task, text: str) -> None:
    program = library.parse(text)
    assert library.parse(show(program)) == program
    library.check(program, task.request_type)
    assert len(arguments_of(task.request_type)) == len(task.examples[0].inputs)
    for example in task.examples:
        got = library.run(program, example.inputs, GENEROUS)
        assert got is not FAILED, f"{task.name}: failed on {example.inputs}"
        assert got == example.output, f"{task.name}: {example.inputs} -> {got}, expected {example.output}"


@pytest.mark.parametrize("name", sorted(LIST_PROGRAMS))
def test_list_reference_program(lists_library, name):
    _check_reference(lists_library, LIST_TASKS[name], LIST_PROGRAMS[name])


@pytest.mark.parametrize("name", sorted(TEXT_PROGRAMS))
def test_text_reference_program(text_library, name):
    _check_reference(text_library, TEXT_TASKS[name], TEXT_PROGRAMS[name])


def test_a_wrong_program_is_caught(lists_library):
    # The harness is not vacuous: a near miss (a left fold's order) fails the reverse task.
    task = LIST_TASKS["reverse"]
    program = lists_library.parse("(lambda (fold $0 empty (lambda (lambda (cons $1 $0)))))")
    outputs = [lists_library.run(program, e.inputs) for e in task.examples]
    assert any(o != e.output for o, e in zip(outputs, task.examples))


def _corpus(name: str) -> list[str]:
    return json.loads(shared_data("stitch", "dreamcoder", name).read_text())


CORPORA = [("lists", "list_it11.dc_syntax.json"), ("lists", "list_it18.dc_syntax.json"),
           ("text", "text_it5.dc_syntax.json"), ("text", "text_it19.dc_syntax.json")]


@pytest.mark.parametrize("grammar,corpus", CORPORA)
def test_dreamcoder_corpus_parses_round_trips_and_type_checks(grammar, corpus, request):
    library = request.getfixturevalue(f"{grammar}_library")
    programs = _corpus(corpus)
    assert len(programs) > 50
    for text in programs:
        program = library.parse(text)
        assert parse_program(show(program)) == program, text
        assert parse_program(text) == program
        library.infer(program)


def test_every_shared_corpus_file_is_covered():
    folder = shared_data("stitch", "dreamcoder")
    present = {p.name for p in folder.glob("list_*.dc_syntax.json")} | {p.name for p in folder.glob("text_*.dc_syntax.json")}
    assert present == {c for _, c in CORPORA}
