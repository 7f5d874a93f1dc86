"""DreamCoder's library-learning objective, with a unigram likelihood over productions.

The objective of a library ``L`` with weights θ on frontiers ``F`` is (Ellis et al. 2021,
eq. 4 with the AIC-style library prior)::

    J(L) = log P(F | L, θ) − λ·|L| − μ·Σ_{inventions} size(body)

with θ set to its pseudocount-smoothed maximum-likelihood value after each change of the
library, and ``size`` DreamCoder's size of an invention body: one per primitive or
invention and 0.1 per variable (``fragmentSize``; λ and application nodes are free), so an
argument costs a tenth of a symbol.  ``log P(F | L, θ)`` here is a *unigram* model: each program is a sequence of
choices, one per leaf, each choosing a production (a primitive or invention) or "a
variable"; ``P(choice) = θ_choice``, with ``θ_s = (c_s + α) / Σ_t (c_t + α)`` where ``c_s`` is
the posterior-weighted number of uses of ``s`` and α the pseudocount.  A frontier
contributes the posterior-weighted sum of its programs' log probabilities (the expected
log prior under the posterior).  Unlike DreamCoder's typed grammar this does not
normalise over the type-valid candidates at each choice point, so it needs no library of
types and runs on untyped corpora; the application structure is deterministic given the
leaves' arities and is not charged.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Sequence

from induct.programs.nodes import Index, Invented, Primitive, Program, subterms

__all__ = ["Objective", "production_counts", "objective", "invention_size"]

VARIABLE = "$var"


@dataclass(frozen=True, slots=True)
class Objective:
    """The parts of J: ``value = log_likelihood − λ·library_size − μ·invention_size``.

    λ and μ are :class:`~induct.compression.CompressionConfig`'s ``library_size_penalty`` and
    ``invention_size_penalty``.
    """

    value: float
    log_likelihood: float
    library_size: int
    invention_size: float


def _symbol(p: Program) -> str | None:
    if isinstance(p, Primitive):
        return p.name
    if isinstance(p, Invented):
        return "#" + (p.name or repr(p.body))
    if isinstance(p, Index):
        return VARIABLE
    return None


def invention_size(body: Program) -> float:
    """DreamCoder's size of an invention body: 1 per symbol, 0.1 per variable."""
    total = 0.0
    for q in subterms(body):
        if isinstance(q, (Primitive, Invented)):
            total += 1.0
        elif isinstance(q, Index):
            total += 0.1
    return total


def production_counts(programs: Sequence[Program], weights: Sequence[float]) -> Counter:
    """Posterior-weighted uses of each production (and of ``$var``) in ``programs``."""
    counts: Counter[str] = Counter()  # posterior-weighted (float) uses
    for p, w in zip(programs, weights):
        for q in subterms(p):
            s = _symbol(q)
            if s is not None:
                counts[s] += w  # type: ignore[assignment]  # Counter's values here are float weights
    return counts


def objective(programs: Sequence[Program], weights: Sequence[float], base_productions: Iterable[str],
              inventions: Sequence[Invented], library_size_penalty: float, invention_size_penalty: float,
              pseudocounts: float) -> Objective:
    """J for the library ``base_productions ∪ inventions`` on the (rewritten) ``programs``.

    Args:
        programs: every frontier entry, already rewritten in terms of ``inventions``.
        weights: posterior weight of each entry.
        base_productions: the names of the library's primitives (and earlier inventions).
        inventions: the inventions learned so far (their bodies are priced by size).
        library_size_penalty, invention_size_penalty, pseudocounts: λ, μ and α.
    """
    counts = production_counts(programs, weights)
    vocabulary = set(base_productions) | {_symbol(i) for i in inventions} | {VARIABLE}
    vocabulary |= set(counts)
    total = sum(counts.values()) + pseudocounts * len(vocabulary)
    log_total = math.log(total)
    ll = sum(c * (math.log(c + pseudocounts) - log_total) for c in counts.values())
    library_size = len(vocabulary) - 1
    body_size = sum(invention_size(i.body) for i in inventions)
    value = ll - library_size_penalty * library_size - invention_size_penalty * body_size
    return Objective(value, ll, library_size, body_size)
