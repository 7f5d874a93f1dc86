"""The likelihood-model interface and the exact-match model."""

from __future__ import annotations

import math
from typing import Any, Callable, Protocol

from induct.programs import run_examples
from induct.programs.limits import DEFAULT_LIMITS, Limits
from induct.tasks import Task

__all__ = ["LikelihoodModel", "ExactMatch", "LIKELIHOODS"]


class LikelihoodModel(Protocol):
    """``log_likelihood(compiled, task)`` for a compiled closed program."""

    name: str

    def log_likelihood(self, compiled: Callable[[tuple], Any], task: Task) -> float: ...


class ExactMatch:
    """0 if the program reproduces every example exactly, else −∞ (stops at the first miss)."""

    name = "exact"

    def __init__(self, limits: Limits = DEFAULT_LIMITS):
        self.limits = limits

    def log_likelihood(self, compiled: Callable[[tuple], Any], task: Task) -> float:
        return 0.0 if run_examples(compiled, task.io_pairs, self.limits) else -math.inf


LIKELIHOODS: dict[str, Callable[..., LikelihoodModel]] = {"exact": ExactMatch}
"""Registry of likelihood models by name."""
