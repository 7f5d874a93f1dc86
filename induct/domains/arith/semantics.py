"""The meaning of arith.induct's primitives: integers with overflow treated as a failure."""

from __future__ import annotations

from induct.programs.evaluation import Lazy
from induct.programs.limits import MAX_INT, EvaluationLimit

__all__ = ["PRIMITIVES"]


def _bounded(r: int) -> int:
    if -MAX_INT < r < MAX_INT:
        return r
    raise EvaluationLimit("integer overflow")


PRIMITIVES = {
    "+": lambda a, b: _bounded(a + b),
    "-": lambda a, b: _bounded(a - b),
    "*": lambda a, b: _bounded(a * b),
    "max": max,
    "min": min,
    # ``if`` takes its branches unevaluated (Lazy), so only the one chosen runs.
    "if": Lazy(lambda c, t, e: t() if c() else e(), 3),
    "gt?": lambda a, b: a > b,
    "0": 0,
    "1": 1,
    "2": 2,
}
