"""Bounds on a running program: steps (list elements built, loop iterations) and wall time.

Primitives that loop or build values call :func:`charge` with the work they are about to
do; when the budget of the current evaluation is spent, :class:`EvaluationLimit` is
raised and the example fails.  The budget is per thread and reset by :func:`start`.
"""

from __future__ import annotations

import threading
import time

from induct.errors import EvaluationError

__all__ = ["EvaluationLimit", "Limits", "charge", "start", "DEFAULT_LIMITS", "MAX_INT"]

MAX_INT = 1 << 62


class EvaluationLimit(EvaluationError):
    """A program ran out of its step, size or time budget."""


class Limits:
    """Per-example bounds: ``steps`` units of work and ``seconds`` of wall time."""

    __slots__ = ("steps", "seconds")

    def __init__(self, steps: int = 100_000, seconds: float = 0.1):
        if steps <= 0 or seconds <= 0:
            raise ValueError("limits must be positive")
        self.steps = steps
        self.seconds = seconds


DEFAULT_LIMITS = Limits()


class _Budget(threading.local):
    def __init__(self) -> None:
        self.left = DEFAULT_LIMITS.steps
        self.deadline = float("inf")
        self.checks = 0


_budget = _Budget()


def start(limits: Limits = DEFAULT_LIMITS) -> None:
    """Reset the budget before running one example."""
    _budget.left = limits.steps
    _budget.deadline = time.perf_counter() + limits.seconds
    _budget.checks = 0


def charge(units: int) -> None:
    """Spend ``units`` of work; raise :class:`EvaluationLimit` when the budget is gone."""
    b = _budget
    b.left -= units + 1
    if b.left < 0:
        raise EvaluationLimit("step limit exceeded")
    b.checks += 1
    if b.checks & 63 == 0 and time.perf_counter() > b.deadline:
        raise EvaluationLimit("time limit exceeded")
