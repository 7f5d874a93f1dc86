"""The one Metropolis–Hastings accept loop that every MCMC kernel runs.

A kernel supplies only its proposal: ``propose(state)`` returns ``(proposal, log_likelihood,
log_q)`` with ``log_q = log q(state | proposal) − log q(proposal | state)`` (0 for a
symmetric move, or when the Hastings term is dropped), or None when this step proposes
nothing (a draw that failed, or the same state).  States carry their ``log_prior``.  The loop
tempers the likelihood, accepts or rejects, and counts how long the chain holds each state.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Optional, Protocol, TypeVar

__all__ = ["metropolis_hastings", "tempered_likelihood_ratio"]

NEG_INF = -math.inf


class _State(Protocol):
    @property
    def log_prior(self) -> float: ...


S = TypeVar("S", bound=_State)


def tempered_likelihood_ratio(ll_new: float, ll_current: float, inverse_t: float) -> float | None:
    """The likelihood part of log α at temperature 1/inverse_t, or None to reject outright.

    An impossible proposal is rejected while the current state is possible; from an
    impossible state a possible proposal is always taken (α = ∞), and moves between
    impossible states are decided by the prior and proposal terms alone.
    """
    if ll_new == NEG_INF:
        return None if ll_current != NEG_INF else 0.0
    if ll_current == NEG_INF:
        return math.inf
    return (ll_new - ll_current) * inverse_t


def metropolis_hastings(propose: Callable[[S], Optional[tuple[S, float, float]]], state: S,
                        log_likelihood: float, steps: int, temperature: float,
                        uniform: Callable[[], float],
                        visit: Callable[[Any, int], None] | None = None) -> tuple[S, int]:
    """``steps`` MH steps at ``temperature`` from ``state`` (whose log likelihood is given);
    returns (final state, accepted moves).

    ``visit(state, n)`` is told each state the chain holds and for how many steps (run
    lengths, so that counting samples costs one call per change, not per step).
    """
    inverse_t = 1.0 / temperature
    exp = math.exp
    current, ll_current = state, log_likelihood
    accepted = run_length = 0
    for _ in range(steps):
        run_length += 1
        move = propose(current)
        if move is None:
            continue
        proposal, ll_new, log_q = move
        log_alpha = tempered_likelihood_ratio(ll_new, ll_current, inverse_t)
        if log_alpha is None:
            continue
        log_alpha += proposal.log_prior - current.log_prior
        log_alpha += log_q
        if log_alpha >= 0.0 or uniform() < exp(log_alpha):
            if visit is not None:
                visit(current, run_length - 1)
                run_length = 1
            current, ll_current = proposal, ll_new
            accepted += 1
    if visit is not None and run_length:
        visit(current, run_length)
    return current, accepted
