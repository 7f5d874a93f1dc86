"""What search, scoring and sampling need from a prior over programs.

Both :class:`~induct.grammar.core.Grammar` (unigram) and
:class:`~induct.grammar.core.ContextualGrammar` (bigram) satisfy :class:`Prior`.  Code that
only reads a prior takes a ``Prior`` rather than either class.  The per-choice-point
queries ``fitting`` and ``log_probabilities`` belong to the unigram distribution that
:meth:`Prior.grammar_for` returns for a context.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

from induct.programs import Program
from induct.types import Substitution, Type

if TYPE_CHECKING:
    from induct.dsl.library import Library
    from induct.grammar.core import Candidate, Context, Grammar
    from induct.grammar.summary import LikelihoodSummary

__all__ = ["Prior"]


@runtime_checkable
class Prior(Protocol):
    """A prior over a library's programs, read one choice point at a time."""

    @property
    def library(self) -> Library:
        """The productions the prior weighs."""
        ...

    @property
    def n_productions(self) -> int:
        """How many library productions there are (variables not counted)."""
        ...

    def grammar_for(self, context: Context) -> Grammar:
        """The unigram distribution at a choice point with this (parent, argument) context."""
        ...

    def candidates(self, request: Type, substitution: Substitution, environment: tuple[Type, ...],
                   context: Context = ...) -> list[Candidate]:
        """The normalised candidates for a (non-arrow) request in a context."""
        ...

    def log_prior(self, program: Program, request: Type) -> float:
        """The exact log-probability of ``program`` at ``request``."""
        ...

    def summary(self, program: Program, request: Type) -> LikelihoodSummary:
        """The choices ``program`` makes, for scoring under any weights."""
        ...

    def sample(self, request: Type, rng: np.random.Generator, max_depth: int = 6,
               environment: tuple[Type, ...] = (), max_tries: int = 20) -> Program | None:
        """A program drawn from the prior, or None when every try was too deep."""
        ...

    def production_index(self, program: Program) -> int:
        """The index of a library production (a primitive or invention)."""
        ...

    def bind(self, task: Any) -> Prior:
        """This prior with its library's task-bound literals read from ``task``."""
        ...
