"""Likelihood models: how well a program's outputs explain a task's examples.

A likelihood model is called with a library, a compiled program and a task and returns
a log likelihood (``-inf`` for impossible).  ``ExactMatch`` is all-or-nothing; noisy and
real-valued models live beside it.
"""

from induct.likelihood.base import ExactMatch, LikelihoodModel, LIKELIHOODS

__all__ = ["ExactMatch", "LikelihoodModel", "LIKELIHOODS"]
