"""Programs written to break the evaluator: each must come back FAILED, quickly.

Every run is bounded by steps (λ calls, list elements built, loop iterations), the length
of lists, the size of integers and wall time; none of these programs may raise or hang.
"""

from __future__ import annotations

import re
import time

import pytest

from induct.programs import (
    FAILED, Abstraction, Application, Index, Limits, Primitive, run_examples, run_program,
)

ONE_SECOND = 1.0

ADVERSARIAL = {
    # Doubling a list 40 times through fold/cons: 2^40 elements.
    "exponential list growth (fold/cons)":
        ("(lambda (fold (range 40) $0 (lambda (lambda (fold $0 $0 (lambda (lambda (cons $1 $0))))))))", [[1, 2]]),
    # The same through map: each round maps every element to a list and flattens it.
    "exponential list growth (map/fold)":
        ("(lambda (fold (range 40) $0 (lambda (lambda (fold (map (lambda (cons $0 (cons $0 empty))) $0) empty "
         "(lambda (lambda (fold $1 $0 (lambda (lambda (cons $1 $0)))))))))))", [[1]]),
    # unfold whose stop predicate is never true.
    "endless unfold": ("(lambda (unfold $0 (lambda (eq? 0 1)) (lambda $0) (lambda (+ $0 1))))", [0]),
    # ... which also builds a big list at every step.
    "endless unfold of ranges":
        ("(lambda (unfold $0 (lambda (empty? (cons 1 empty))) (lambda (range 999)) (lambda $0)))", [0]),
    # unfold nested in unfold: quadratic work on top of endless recursion.
    "endless nested unfold":
        ("(lambda (unfold $0 (lambda (eq? 0 1)) (lambda (unfold $0 (lambda (eq? 0 1)) (lambda $0) (lambda $0))) "
         "(lambda (+ $0 1))))", [0]),
    "huge range": ("(lambda (range (* $0 (* $0 $0))))", [100_000]),
    "range of a squared range": ("(lambda (map (lambda (range 999)) (range 999)))", [0]),
    # 2^40 calls of a λ composed with itself: no primitive loops, only closures.
    "exponential function composition":
        ("(lambda ((fold (range 40) (lambda (+ $0 1)) (lambda (lambda (lambda ($1 ($1 $0)))))) $0))", [0]),
    # Repeated squaring overflows any machine integer.
    "integer blow-up": ("(lambda (fold (range 200) $0 (lambda (lambda (* $0 $0)))))", [3]),
    # A chain of 5000 nested closures, called at once: deeper than Python's stack.
    "deep runtime recursion":
        ("(lambda ((fold (range 5000) (lambda $0) (lambda (lambda (lambda ($1 (+ $0 1)))))) $0))", [0]),
    "car of empty": ("(lambda (car (cdr $0)))", [[1]]),
    "index out of range": ("(lambda (index 5 $0))", [[1, 2]]),
    "division by zero": ("(lambda (mod $0 0))", [7]),
}


def _numeral(n: int) -> str:
    """``n`` spelled with the grammar's only literals, 0 and 1."""
    if n <= 1:
        return str(n)
    if n % 2:
        return f"(+ 1 {_numeral(n - 1)})"
    return f"(* (+ 1 1) {_numeral(n // 2)})"


def _program(library, text: str):
    return library.parse(re.sub(r"(?<![$\w])\d+(?![\w])", lambda m: _numeral(int(m.group())), text))


@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_adversarial_program_fails_within_a_second(lists_library, name):
    text, inputs = ADVERSARIAL[name]
    program = _program(lists_library, text)
    lists_library.infer(program)  # all of them are well-typed: the type checker does not save us
    start = time.perf_counter()
    out = lists_library.run(program, inputs)
    elapsed = time.perf_counter() - start
    assert out is FAILED, f"{name}: got {out!r}"
    assert elapsed < ONE_SECOND, f"{name}: took {elapsed:.2f} s"


# Bounded work (10^6 elements) that only the step budget refuses; with unlimited steps it finishes.
STEP_BOUNDED_ONLY = {"range of a squared range"}


@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_adversarial_program_fails_within_a_second_even_with_a_large_step_budget(lists_library, name):
    # With steps effectively unlimited, the wall-time, length and integer bounds still stop them.
    text, inputs = ADVERSARIAL[name]
    compiled = lists_library.compile(_program(lists_library, text))
    start = time.perf_counter()
    out = run_program(compiled, inputs, Limits(steps=10**12, seconds=0.3))
    elapsed = time.perf_counter() - start
    assert out is FAILED or name in STEP_BOUNDED_ONLY
    assert elapsed < ONE_SECOND, f"{name}: took {elapsed:.2f} s"
    assert run_examples(compiled, [(inputs, None)], Limits(steps=10**12, seconds=0.3)) is False


def test_deeply_nested_program_tree_fails_cleanly(lists_library):
    # Built directly (the parser refuses text this deep): (lambda (+ 1 (+ 1 ... $0))) 5000 deep.
    body = Index(0)
    for _ in range(5000):
        body = Application(Application(Primitive("+"), Primitive("1")), body)
    start = time.perf_counter()
    assert lists_library.run(Abstraction(body), [0]) is FAILED
    assert time.perf_counter() - start < ONE_SECOND


def test_moderately_nested_program_still_runs(lists_library):
    body = Index(0)
    for _ in range(150):
        body = Application(Application(Primitive("+"), Primitive("1")), body)
    assert lists_library.run(Abstraction(body), [0]) == 150


def test_big_primality_tests_are_fast_and_exact(lists_library):
    program = lists_library.parse("(lambda (is-prime $0))")
    start = time.perf_counter()
    assert lists_library.run(program, [(1 << 61) - 1]) is True  # a Mersenne prime
    assert lists_library.run(program, [((1 << 31) - 1) * ((1 << 31) - 1)]) is False
    assert time.perf_counter() - start < ONE_SECOND


def test_bounds_do_not_stop_ordinary_programs(lists_library):
    # A quadratic program on the largest lists of the benchmarks runs well inside the default bounds.
    program = lists_library.parse("(lambda (map (lambda (fold $1 0 (lambda (lambda (+ $1 $0))))) $0))")
    assert lists_library.run(program, [list(range(30))]) == [435] * 30


def test_failures_inside_a_run_do_not_leak_into_the_next(lists_library):
    endless = _program(lists_library, ADVERSARIAL["endless unfold"][0])
    fine = lists_library.parse("(lambda (length (range $0)))")
    assert lists_library.run(endless, [0]) is FAILED
    assert lists_library.run(fine, [200]) == 200


def test_unbound_string_constant_fails_at_run_time_not_compile_time(text_library):
    program = text_library.parse("(lambda (cons (car $0) STRING))")
    compiled = text_library.compile(program)  # compiling never runs the program
    assert callable(compiled)
    assert text_library.run(program, [list("ab")]) is FAILED
