"""The built-in strategies (:func:`builtin_strategies`, read by :data:`induct.search.base.STRATEGIES`).

* ``enumerate`` — every program in order of prior (cost bands), checked as it comes.
* ``bottom_up`` — the same enumeration, but subprograms outside every λ are kept only
  when their values on the examples differ from every cheaper one's (observational
  equivalence, as in Probe and TF-Coder): the space collapses for first-order fragments.
* ``mcmc`` — Metropolis–Hastings over program trees (see :mod:`induct.search.mcmc`).
"""

from __future__ import annotations

from typing import Any, Sequence

from induct.search.base import SearchConfig, SearchStrategy
from induct.search.driver import Budget, Found, Stepped
from induct.search.enumeration import EnumerationRun, advance_step
from induct.tasks import Task

__all__ = ["Enumerate", "BottomUp", "MCMCStrategy", "builtin_strategies"]


class Enumerate(Stepped):
    """Programs in non-increasing prior probability (bands of ``config.band_width`` nats)."""

    name = "enumerate"
    observational = False

    def init(self, task: Task, grammar: Any, config: SearchConfig, key: Sequence[int]) -> EnumerationRun:
        return EnumerationRun(task, grammar, config, self.name, self.observational)

    def step(self, state: EnumerationRun, budget: Budget) -> tuple[EnumerationRun, list[Found]]:
        return advance_step(state, budget)


class BottomUp(Enumerate):
    """Enumeration with observational equivalence on the subprograms outside every λ."""

    name = "bottom_up"
    observational = True


class MCMCStrategy(Stepped):
    """Tempered Metropolis–Hastings (:class:`induct.search.mcmc.MCMCRun`), stepped by the driver.

    ``config.options`` may set any :class:`~induct.search.mcmc.MCMCConfig` field
    (``chains``, ``max_depth`` ...); ``config.max_programs`` bounds the steps of all chains
    together, as the driver counts them.
    """

    name = "mcmc"

    def init(self, task: Task, grammar: Any, config: SearchConfig, key: Sequence[int]) -> Any:
        from induct.search.mcmc import MCMCConfig, MCMCRun

        options = dict(config.options)
        options.setdefault("steps", None)
        mcmc_config = MCMCConfig(likelihood=config.likelihood, likelihood_options=dict(config.likelihood_options),
                                 seed=config.seed, **options)
        return MCMCRun(task, grammar, mcmc_config, key)

    def step(self, state: Any, budget: Budget) -> tuple[Any, list[Found]]:
        return state, state.finds(budget)


def builtin_strategies() -> dict[str, SearchStrategy]:
    """The strategies induct ships, by name."""
    return {s.name: s for s in (Enumerate(), BottomUp(), MCMCStrategy())}
