"""The built-in strategies (:func:`builtin_strategies`, read by :data:`induct.search.base.STRATEGIES`).

* ``enumerate`` — every program in order of prior (cost bands), checked as it comes.
* ``bottom_up`` — the same enumeration, but subprograms outside every λ are kept only
  when their values on the examples differ from every cheaper one's (observational
  equivalence, as in Probe and TF-Coder): the space collapses for first-order fragments.
* ``mcmc`` — Metropolis–Hastings over program trees (see :mod:`induct.search.mcmc`).
"""

from __future__ import annotations

from typing import Any

from induct.search.base import SearchConfig, SearchStrategy
from induct.search.enumeration import enumerative_search
from induct.search.frontier import Frontier
from induct.tasks import Task

__all__ = ["Enumerate", "BottomUp", "MCMCStrategy", "builtin_strategies"]


class Enumerate:
    """Programs in non-increasing prior probability (bands of ``config.band_width`` nats)."""

    name = "enumerate"

    def search(self, task: Task, grammar: Any, config: SearchConfig, deadline: float) -> Frontier:
        return enumerative_search(task, grammar, config, deadline, self.name)


class BottomUp:
    """Enumeration with observational equivalence on the subprograms outside every λ."""

    name = "bottom_up"

    def search(self, task: Task, grammar: Any, config: SearchConfig, deadline: float) -> Frontier:
        return enumerative_search(task, grammar, config, deadline, self.name, observational=True)


class MCMCStrategy:
    """Adapter: runs :func:`induct.search.mcmc.mcmc_search` until the deadline.

    ``config.options`` may set any :class:`~induct.search.mcmc.MCMCConfig` field
    (``chains``, ``max_depth`` ...).
    """

    name = "mcmc"

    def search(self, task: Task, grammar: Any, config: SearchConfig, deadline: float) -> Frontier:
        from induct.search.mcmc import MCMCConfig, mcmc_search

        options = dict(config.options)
        options.setdefault("steps", config.max_programs)
        mcmc_config = MCMCConfig(likelihood=config.likelihood, likelihood_options=dict(config.likelihood_options),
                                 seed=config.seed, **options)
        frontier = mcmc_search(task, grammar, mcmc_config, deadline)
        return frontier.top(config.max_frontier)


def builtin_strategies() -> dict[str, SearchStrategy]:
    """The strategies induct ships, by name."""
    return {s.name: s for s in (Enumerate(), BottomUp(), MCMCStrategy())}
