"""Semantics of DreamCoder's list primitives (the ``common`` set), for lists.induct beside this module.

Each value is an uncurried Python function taking as many arguments as its type has
(higher-order arguments arrive as curried callables), or a constant.  Loops and list
builders charge the evaluation budget so that runaway programs fail fast.
"""

from __future__ import annotations

import math

from induct.programs.evaluation import Lazy
from induct.programs.limits import MAX_INT, EvaluationLimit, charge

__all__ = ["PRIMITIVES", "MAX_LIST"]

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
