"""Gaussian noise for numeric outputs: y_i ~ Normal(f(x_i), σ²) independently.

    log P(examples | program) = Σ_i [ −(y_i − f(x_i))² / (2σ²) − log σ − ½ log 2π ]

An output may be a number or a list of numbers (each component gets independent noise;
a list of the wrong length, a failed example, a non-number or a non-finite value makes the
likelihood −∞).
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Any, Callable, Sequence

from induct.errors import InductError
from induct.likelihood.base import OutputScorer, outputs_of
from induct.programs.limits import DEFAULT_LIMITS, Limits
from induct.tasks import Task

__all__ = ["Gaussian"]

_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)


class Gaussian:
    """Independent Gaussian noise of standard deviation ``sigma`` on every numeric output.

    Example:
        >>> from induct.tasks import Example, Task
        >>> from induct.types import parse_type
        >>> t = Task("t", parse_type("real -> real"), (Example((0.0,), 1.0),))
        >>> round(Gaussian(1.0).output_scorer(t)([0.0]), 6) == round(-0.5 - 0.5 * math.log(2 * math.pi), 6)
        True
    """

    name = "gaussian"

    def __init__(self, sigma: float = 1.0, limits: Limits = DEFAULT_LIMITS):
        if not (sigma > 0 and math.isfinite(sigma)):
            raise InductError(f"sigma must be a positive number, got {sigma}")
        self.sigma = float(sigma)
        self.limits = limits

    def log_likelihood(self, compiled: Callable[[tuple], Any], task: Task) -> float:
        return self.output_scorer(task)(outputs_of(compiled, task, self.limits))

    def output_scorer(self, task: Task) -> OutputScorer:
        targets = [_flatten(e.output) for e in task.examples]
        if any(t is None for t in targets):
            raise InductError(f"task {task.name!r}: the Gaussian likelihood needs numeric outputs "
                              "(numbers or lists of numbers)")
        n_values = sum(len(t) for t in targets if t is not None)  # none is None (checked above)
        constant = -n_values * (math.log(self.sigma) + _HALF_LOG_2PI)
        scale = -0.5 / (self.sigma * self.sigma)

        def score(outputs: Sequence[Any]) -> float:
            if len(outputs) != len(targets):
                return -math.inf
            total = 0.0
            for out, target in zip(outputs, targets):
                values = _flatten(out)
                if values is None or len(values) != len(target):  # type: ignore[arg-type]
                    return -math.inf
                for v, y in zip(values, target):  # type: ignore[arg-type]
                    d = v - y
                    total += d * d
            if not math.isfinite(total):
                return -math.inf
            return constant + scale * total

        return score

    def __repr__(self) -> str:
        return f"Gaussian(sigma={self.sigma})"


def _flatten(value: Any) -> list[float] | None:
    """A number or list of numbers as a list of floats; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, Real):
        return [float(value)] if math.isfinite(value) else None
    if isinstance(value, (list, tuple)):
        out = []
        for v in value:
            if isinstance(v, bool) or not isinstance(v, Real) or not math.isfinite(v):
                return None
            out.append(float(v))
        return out
    return None


