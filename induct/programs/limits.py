"""Bounds on a running program: steps (list elements built, loop iterations) and wall time.

Primitives that loop or build values call :func:`charge` with the work they are about to
do; when the budget of the current evaluation is spent, :class:`EvaluationLimit` is
raised and the example fails.  The budget is per thread and reset by :func:`start`.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from typing import Any, Iterator

from induct.errors import EvaluationError

__all__ = ["EvaluationLimit", "Limits", "charge", "start", "DEFAULT_LIMITS", "MAX_INT", "WallLimit", "wall_limit"]

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


class WallLimit(BaseException):
    """A wall-clock limit passed while Python code (a primitive that sleeps or spins) ran.

    A ``BaseException``, as ``KeyboardInterrupt`` is, so that the ``except Exception`` that
    turns a failing program into a failed example does not swallow it.
    """


WALL_REPEAT = 0.05
"""Once the limit has passed, the alarm fires again every this many seconds, until the
code under :func:`wall_limit` has stopped."""


@contextmanager
def wall_limit(seconds: float, message: str) -> Iterator[None]:
    """Raise :class:`WallLimit` (with ``message``) in this thread once ``seconds`` have passed.

    It interrupts Python code wherever it is, a primitive that sleeps or spins included,
    through ``SIGALRM`` (Linux and macOS).  Only the main thread can receive signals:
    elsewhere, or where there is no ``setitimer``, or inside another ``wall_limit``, this
    does nothing and the caller's own deadline checks are the only limit.
    """
    import signal

    global _WALL_ACTIVE
    usable = (hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
              and not _WALL_ACTIVE)
    if not usable:
        yield
        return

    def fire(signum: int, frame: Any) -> None:
        raise WallLimit(message)

    previous = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 1e-3), WALL_REPEAT)
    _WALL_ACTIVE = True
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        _WALL_ACTIVE = False


_WALL_ACTIVE = False
