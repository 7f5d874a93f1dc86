"""Noisy match: each example's output is independently wrong with probability ε.

The observation model: with probability 1 − ε the observed output is the program's output;
with probability ε it is "wrong", drawn from a mismatch distribution that gives each
wrong value the probability q.  So

    log P(examples | program) = Σ_i log((1 − ε)·[y_i = f(x_i)] + ε·q·[y_i ≠ f(x_i)])

For boolean outputs the only wrong value is the flipped label, so q = 1 (the default,
``mismatch_log_probability = 0``).  For outputs with K possible values and a uniform
mismatch distribution, pass ``mismatch_log_probability = -log(K - 1)``.  An example on
which the program fails (error or limit) counts as a mismatch: the noise must explain the
observed output.  This is the likelihood of Goodman et al. (2008), "A rational analysis of
rule-based concept learning", with ε their outlier probability.
"""

from __future__ import annotations

import math
import operator
from typing import Any, Callable, Sequence

from induct.errors import InductError
from induct.likelihood.base import OutputScorer, outputs_of
from induct.programs.limits import DEFAULT_LIMITS, Limits
from induct.tasks import Task

__all__ = ["NoisyMatch"]


class NoisyMatch:
    """Each example independently wrong with probability ``epsilon``; see the module docstring.

    Example:
        >>> m = NoisyMatch(0.1)
        >>> from induct.tasks import Example, Task
        >>> from induct.types import parse_type
        >>> t = Task("t", parse_type("bool -> bool"), (Example((True,), True), Example((False,), True)))
        >>> round(m.output_scorer(t)([True, False]), 4) == round(math.log(0.9) + math.log(0.1), 4)
        True
    """

    name = "noisy"

    def __init__(self, epsilon: float = 0.1, mismatch_log_probability: float = 0.0,
                 limits: Limits = DEFAULT_LIMITS):
        if not 0.0 <= epsilon < 1.0:
            raise InductError(f"epsilon must be in [0, 1), got {epsilon}")
        if mismatch_log_probability > 0.0:
            raise InductError(f"mismatch_log_probability is a log-probability (<= 0), got {mismatch_log_probability}")
        self.epsilon = float(epsilon)
        self.mismatch_log_probability = float(mismatch_log_probability)
        self.limits = limits
        self.log_match = math.log1p(-self.epsilon)
        self.log_mismatch = (math.log(self.epsilon) + self.mismatch_log_probability) if self.epsilon > 0 else -math.inf

    def log_likelihood(self, compiled: Callable[[tuple], Any], task: Task) -> float:
        return self.output_scorer(task)(outputs_of(compiled, task, self.limits))

    def output_scorer(self, task: Task) -> OutputScorer:
        targets = [e.output for e in task.examples]
        n = len(targets)
        log_match, log_mismatch = self.log_match, self.log_mismatch
        eq = operator.eq

        def score(outputs: Sequence[Any]) -> float:
            # FAILED never equals a target, so a failed example counts as a mismatch.
            matches = sum(map(eq, outputs, targets))
            if matches == n:
                return n * log_match
            return matches * log_match + (n - matches) * log_mismatch

        return score

    def __repr__(self) -> str:
        return f"NoisyMatch(epsilon={self.epsilon}, mismatch_log_probability={self.mismatch_log_probability})"


