"""Semantics of DreamCoder's list primitives (the ``common`` set), for grammars/lists.induct.

Each value is an uncurried Python function taking as many arguments as its type has
(higher-order arguments arrive as curried callables), or a constant.  Loops and list
builders charge the evaluation budget so that runaway programs fail fast.
"""

from __future__ import annotations

import math

from induct.programs import Abstraction, Index, Primitive, application
from induct.programs.evaluation import Lazy
from induct.programs.limits import MAX_INT, EvaluationLimit, charge
from induct.search.decompose import (Subproblem, call_hole, element_then_arguments, hole_examples, hole_task,
                                     list_arguments, wrap_lambdas)
from induct.types import TypeConstructor, arguments_of, return_of, tbool, tint

__all__ = ["PRIMITIVES", "MAX_LIST", "DECOMPOSITIONS"]

MAX_LIST = 256
"""Longest list a program may build: ten times the longest list in the list tasks (25);
a program that needs more is treated as running away."""


def _map(f, xs):
    charge(len(xs))
    return [f(x) for x in xs]


def _unfold(x, stop, f, nxt):
    out = []
    while not stop(x):
        out.append(f(x))
        if len(out) > MAX_LIST:
            raise EvaluationLimit("unfold built too long a list")
        charge(1)
        following = nxt(x)
        if following == x:
            # A fixed point of ``next`` that does not stop never will: fail now, not at the cap.
            raise EvaluationLimit("unfold does not progress")
        x = following
    return out


def _range(n):
    if n > MAX_LIST:
        raise EvaluationLimit("range too long")
    charge(max(n, 0))
    return list(range(n))


def _index(i, xs):
    if i < 0:
        raise IndexError("negative index")
    return xs[i]


def _fold(xs, z, f):
    # A right fold: f x0 (f x1 (... z)).
    charge(len(xs))
    acc = z
    for x in reversed(xs):
        acc = f(x)(acc)
    return acc


def _if(c, t, e):
    return t() if c() else e()


def _cons(x, xs):
    if len(xs) >= MAX_LIST:
        raise EvaluationLimit("list too long")
    charge(1)
    return [x] + xs


def _car(xs):
    return xs[0] if xs else _fail("car of an empty list")


def _cdr(xs):
    if not xs:
        _fail("cdr of an empty list")
    return xs[1:]


def _fail(message: str):
    raise ValueError(message)


def _mul(a, b):
    r = a * b
    if -MAX_INT < r < MAX_INT:
        return r
    raise EvaluationLimit("integer overflow")


def _add(a, b):
    r = a + b
    if -MAX_INT < r < MAX_INT:
        return r
    raise EvaluationLimit("integer overflow")


_WITNESSES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37)


def _is_prime(n):
    # Miller–Rabin with the first twelve primes as witnesses is exact below 3.3e24, which
    # covers every integer a program can build (|n| < MAX_INT); trial division up to
    # sqrt(n) would let one call on a large number run for minutes.
    if n < 2:
        return False
    for q in _WITNESSES:
        if n % q == 0:
            return n == q
    d, r = n - 1, 0
    while d % 2 == 0:
        d, r = d // 2, r + 1
    for a in _WITNESSES:
        x = pow(a, d, n)
        if x == 1 or x == n - 1:
            continue
        for _ in range(r - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


def _is_square(n):
    if n < 0:
        return False
    r = math.isqrt(n)
    return r * r == n


PRIMITIVES = {
    "map": _map,
    "unfold": _unfold,
    "range": _range,
    "index": _index,
    "fold": _fold,
    "length": len,
    "if": Lazy(_if, 3),
    "+": _add,
    "-": lambda a, b: _add(a, -b),
    "empty": [],
    "cons": _cons,
    "car": _car,
    "cdr": _cdr,
    "empty?": lambda xs: not xs,
    "0": 0,
    "1": 1,
    "*": _mul,
    "mod": lambda a, b: a % b,
    "gt?": lambda a, b: a > b,
    "eq?": lambda a, b: a == b,
    "is-prime": _is_prime,
    "is-square": _is_square,
}


# --- deduction (see induct.search.decompose) --------------------------------------------

class _Elementwise:
    """``map f xs``: every output is a list as long as the list argument ``xs``, and equal
    elements (with the same other arguments) go to equal outputs.  The hole is ``f``, as a
    function of the element and of the task's arguments."""

    name = "map"

    def split(self, task, library):
        out = _list_output(task)
        if "map" not in library or out is None:
            return
        n = len(arguments_of(task.request_type))
        for k, element in list_arguments(task):
            if not all(isinstance(e.output, list) and len(e.output) == len(e.inputs[k]) for e in task.examples):
                continue
            if all(e.output == e.inputs[k] for e in task.examples):
                continue  # the identity: nothing to deduce
            rows = [((x, *e.inputs), y) for e in task.examples for x, y in zip(e.inputs[k], e.output)]
            examples = hole_examples(rows)
            if examples is None:
                continue
            yield Subproblem(hole_task(task, "map", element, out, examples),
                             _map_around(n, k), "map")


class _Selection:
    """``fold xs empty (λx acc. if (p x) (cons x acc) acc)`` — a filter written with the
    list primitives — and its complement (the branches swapped): every output is the list
    argument with some elements left out, in order, and equal elements are all kept or all
    dropped.  The hole is ``p``; its examples say which elements are kept (or dropped)."""

    name = "filter"

    def split(self, task, library):
        out = _list_output(task)
        if out is None or not all(p in library for p in ("fold", "empty", "if", "cons")):
            return
        n = len(arguments_of(task.request_type))
        for k, element in list_arguments(task):
            if element != out:
                continue
            if not all(isinstance(e.output, list) for e in task.examples):
                continue
            if not all(e.output == [x for x in e.inputs[k] if x in e.output] for e in task.examples):
                continue
            if all(e.output == e.inputs[k] for e in task.examples) or not any(e.output for e in task.examples):
                continue  # keeps everything or nothing: no predicate to learn
            rows = [((x, *e.inputs), x in e.output) for e in task.examples for x in e.inputs[k]]
            yield from _keep_and_remove(task, ("filter", "remove"), element, rows,
                                        lambda keep: _select_around(n, k, keep))


class _Positional:
    """``fold (range (length xs)) empty (λi acc. if (p i) (cons (index i xs) acc) acc)`` and
    its complement: every output is the list argument with the elements at some *positions*
    left out, where equal values are not all kept or all dropped (else :class:`_Selection`
    applies).  The hole is ``p``, a function of the position and of the task's arguments; its
    examples come from the examples whose kept positions are certain (one way to align the
    output with ``xs``).  A last resort: searched only when the whole-program search fails."""

    name = "positions"
    # Many such tasks (tail, take, drop, slices) have short whole programs that the search
    # finds; the fold over positions is for those it does not.
    last_resort = True

    def split(self, task, library):
        out = _list_output(task)
        if out is None or not all(p in library for p in ("fold", "empty", "if", "cons", "range", "length", "index")):
            return
        n = len(arguments_of(task.request_type))
        for k, element in list_arguments(task):
            if element != out or not all(isinstance(e.output, list) for e in task.examples):
                continue
            if all(e.output == [x for x in e.inputs[k] if x in e.output] for e in task.examples):
                continue  # a selection of values: _Selection's
            kept = [_kept_positions(e.inputs[k], e.output) for e in task.examples]
            if any(positions is False for positions in kept):
                continue  # some output is no subsequence of xs
            known = [(e, positions) for e, positions in zip(task.examples, kept) if positions is not None]
            if not known:
                continue
            rows = [((i, *e.inputs), i in positions) for e, positions in known for i in range(len(e.inputs[k]))]
            yield from _keep_and_remove(task, ("positions", "remove positions"), tint, rows,
                                        lambda keep: _positions_around(n, k, keep))


class _Gather:
    """``map (λi. index (g i xs) xs) (range (length xs))``: every output is as long as the
    list argument ``xs`` and made of its elements, rearranged (a rotation, a reversal, a
    swap).  The hole is ``g``, the position in ``xs`` that output position ``i`` takes its
    element from, as a function of ``i`` and of the task's arguments; its examples come from
    the output positions whose element occurs once in ``xs`` (the others could come from
    more than one position).  A last resort: searched only when the whole-program search
    fails."""

    name = "gather"
    last_resort = True
    # Twice the usual share: the hole is position arithmetic (``mod (- i k) (length xs)`` for a
    # rotation) that a grammar conditioned on the whole list task does not favour, and the
    # share comes out of the budget of few tasks, only those shaped like a rearrangement.
    weight = 2.0

    def split(self, task, library):
        out = _list_output(task)
        if out is None or not all(p in library for p in ("map", "index", "range", "length")):
            return
        n = len(arguments_of(task.request_type))
        for k, element in list_arguments(task):
            if element != out:
                continue
            if not all(isinstance(e.output, list) and len(e.output) == len(e.inputs[k]) for e in task.examples):
                continue
            if all(e.output == e.inputs[k] for e in task.examples):
                continue  # the identity: nothing to deduce
            rows = []
            for e in task.examples:
                xs = e.inputs[k]
                if sorted(map(repr, e.output)) != sorted(map(repr, xs)):
                    break  # not a rearrangement of xs
                for i, y in enumerate(e.output):
                    if xs.count(y) == 1:
                        rows.append(((i, *e.inputs), xs.index(y)))
            else:
                examples = hole_examples(rows)
                if examples is not None:
                    yield Subproblem(hole_task(task, "gather", tint, tint, examples), _gather_around(n, k), "gather")


def _keep_and_remove(task, labels, element, rows, around):
    """Two holes from ``(inputs, kept)`` rows: the predicate that keeps (labelled
    ``labels[0]``) and its complement, each with the whole program ``around(keep)``."""
    for keep, label in zip((True, False), labels):
        examples = hole_examples([(inputs, kept == keep) for inputs, kept in rows])
        if examples is not None:
            yield Subproblem(hole_task(task, label, element, tbool, examples), around(keep), label)


def _kept_positions(xs, ys):
    """The positions of ``xs`` that ``ys`` keeps: False if ``ys`` is no subsequence of ``xs``,
    None if it is one in more than one way."""
    first, j = [], 0
    for i, x in enumerate(xs):
        if j < len(ys) and x == ys[j]:
            first.append(i)
            j += 1
    if j < len(ys):
        return False
    last, j = [], len(ys) - 1
    for i in range(len(xs) - 1, -1, -1):
        if j >= 0 and xs[i] == ys[j]:
            last.append(i)
            j -= 1
    # Every alignment lies between the leftmost and the rightmost one: equal, it is the only one.
    return set(first) if first == last[::-1] else None


def _list_output(task):
    """The element type of the task's output when it is a list (else None)."""
    out = return_of(task.request_type)
    return out.args[0] if isinstance(out, TypeConstructor) and out.name == "list" else None


def _map_around(n, k):
    def assemble(hole):
        f = call_hole(hole, element_then_arguments(n, 0))
        body = application(Primitive("map"), Abstraction(f), Index(n - 1 - k))
        return wrap_lambdas(body, n)

    return assemble


def _select_around(n, k, keep):
    def assemble(hole):
        return _fold_keeping(n, Index(n - 1 - k), Index(1), call_hole(hole, element_then_arguments(n, 1)), keep)

    return assemble


def _fold_keeping(n, over, item, p, keep):
    """``λ(n args). fold over empty (λx acc. if p (cons item acc) acc)`` (branches swapped
    unless ``keep``); ``item`` and ``p`` are written under the step's two λs."""
    kept = application(Primitive("cons"), item, Index(0))
    branches = (kept, Index(0)) if keep else (Index(0), kept)
    step = Abstraction(Abstraction(application(Primitive("if"), p, *branches)))
    return wrap_lambdas(application(Primitive("fold"), over, Primitive("empty"), step), n)


def _positions_around(n, k, keep):
    def assemble(hole):
        positions = application(Primitive("range"), application(Primitive("length"), Index(n - 1 - k)))
        item = application(Primitive("index"), Index(1), Index(n + 1 - k))  # xs[i], under the step's λs
        return _fold_keeping(n, positions, item, call_hole(hole, element_then_arguments(n, 1)), keep)

    return assemble


def _gather_around(n, k):
    def assemble(hole):
        position = call_hole(hole, element_then_arguments(n, 0))
        item = application(Primitive("index"), position, Index(n - k))  # xs[g i ...], under the λi
        positions = application(Primitive("range"), application(Primitive("length"), Index(n - 1 - k)))
        return wrap_lambdas(application(Primitive("map"), Abstraction(item), positions), n)

    return assemble


DECOMPOSITIONS = (_Elementwise(), _Selection(), _Positional(), _Gather())
"""Deductions for the search: a task shaped like a map or a filter of its list argument
(of its values or of its positions), or like a rearrangement of it, is split into a search
for the function applied to each element or position."""
