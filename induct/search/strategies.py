"""The built-in strategies, registered in :data:`induct.search.base.STRATEGIES`.

* ``enumerate`` — every program in order of prior (cost bands), checked as it comes.
* ``bottom_up`` — the same enumeration, but subprograms outside every λ are kept only
  when their values on the examples differ from every cheaper one's (observational
  equivalence, as in Probe and TF-Coder): the space collapses for first-order fragments.
* ``mcmc`` — Metropolis–Hastings over program trees (see :mod:`induct.search.mcmc`),
  when that module is present.
"""

from __future__ import annotations

from typing import Any

from induct.search.base import SearchConfig, register_strategy
from induct.search.enumeration import enumerative_search
from induct.search.frontier import Frontier
from induct.tasks import Task

__all__ = ["Enumerate", "BottomUp", "MCMCStrategy"]


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


register_strategy(Enumerate())
register_strategy(BottomUp())
try:
    import induct.search.mcmc  # noqa: F401
except ModuleNotFoundError as e:  # the MCMC strategy is optional
    if e.name != "induct.search.mcmc":
        raise
else:
    register_strategy(MCMCStrategy())
