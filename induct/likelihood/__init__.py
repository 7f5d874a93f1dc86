"""Likelihood models: how well a program's outputs explain a task's examples.

A likelihood model is called with a compiled program and a task and returns a log
likelihood (``-inf`` for impossible); ``output_scorer(task)`` gives the same score from a
list of outputs.  ``ExactMatch`` is all-or-nothing, ``NoisyMatch`` lets each example be
wrong with probability ε, ``Gaussian`` puts Normal noise on numeric outputs.
"""

from typing import Callable

from induct.likelihood.base import BatchLikelihood, ExactMatch, LikelihoodModel, OutputScorer, make_likelihood, outputs_of
from induct.likelihood.gaussian import Gaussian
from induct.likelihood.noisy import NoisyMatch

LIKELIHOODS: dict[str, Callable[..., LikelihoodModel]] = {"exact": ExactMatch, "noisy": NoisyMatch,
                                                         "gaussian": Gaussian}
"""induct's own likelihood models by name (a domain may provide more: ``Domain.likelihoods``)."""

__all__ = ["BatchLikelihood", "ExactMatch", "Gaussian", "LikelihoodModel", "LIKELIHOODS", "NoisyMatch", "OutputScorer",
           "make_likelihood", "outputs_of"]
