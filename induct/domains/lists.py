"""Semantics of DreamCoder's list primitives (the ``common`` set), for grammars/lists.induct.

Each value is an uncurried Python function taking as many arguments as its type has
(higher-order arguments arrive as curried callables), or a constant.  Loops and list
builders charge the evaluation budget so that runaway programs fail fast.
"""

from __future__ import annotations

from induct.programs.evaluation import Lazy
from induct.programs.limits import MAX_INT, EvaluationLimit, charge

__all__ = ["PRIMITIVES", "MAX_LIST"]

MAX_LIST = 1000
"""Longest list a program may build."""


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
        x = nxt(x)
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


def _is_prime(n):
    if n < 2:
        return False
    if n < 4:
        return True
    if n % 2 == 0:
        return False
    i = 3
    while i * i <= n:
        if n % i == 0:
            return False
        i += 2
    return True


def _is_square(n):
    if n < 0:
        return False
    r = int(n ** 0.5)
    while r * r > n:
        r -= 1
    while (r + 1) * (r + 1) <= n:
        r += 1
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
