"""MCMC search: Metropolis–Hastings over program trees with tempering.

The target of the chain at temperature T is  P(p) · L(p)^(1/T)  restricted to programs
whose nesting of choice points is at most ``max_depth`` (P the grammar's prior, L the
likelihood model).  A proposal picks one of the program's choice points uniformly and
redraws the subtree there from the prior at that point's requested type, environment and
context, so

    q(p' | p) = P(new subtree | its request, environment, context) / |choice points of p|

and the reverse proposal is the same expression for the old subtree in p'.  A proposal
deeper than ``max_depth`` is a move to a program of target probability zero, so it is
rejected; this makes the stationary distribution the prior restricted to the bound (times
the likelihood).  Several chains run at temperatures 1 = T_0 < … < T_max (a geometric
ladder) and neighbours propose to swap states every ``swap_every`` steps (parallel
tempering, Geyer 1991); only the T = 1 chain's states are counted as posterior samples.

Two engines implement the same kernel: a compiled one for grammars whose choice points all
have ground types at the request (:mod:`induct.search.mcmc_compiled`, fast), and a general
one for polymorphic grammars (:mod:`induct.search.mcmc_general`).

Example:
    >>> import numpy as np
    >>> from induct.dsl import load_library
    >>> from induct.grammar import Grammar
    >>> from induct.domains.concepts import make_concept_task
    >>> lib = load_library("concepts")
    >>> task = make_concept_task("(lambda (color-eq (color $0) red))", 20, 1, np.random.default_rng(0))
    >>> config = MCMCConfig(steps=2000, likelihood="noisy", likelihood_options={"epsilon": 0.1})
    >>> frontier = mcmc_search(task, Grammar.from_library(lib), config)
    >>> str(frontier.best.program) in ("(lambda (color-eq (color $0) red))", "(lambda (color-eq red (color $0)))")
    True
"""

from __future__ import annotations

import math
import time
import zlib
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np

from induct.config import at_least, non_negative, one_of, validate
from induct.errors import InductError
from induct.likelihood import LikelihoodModel, make_likelihood
from induct.programs import Program
from induct.programs.limits import DEFAULT_LIMITS
from induct.search.driver import STEP_PROGRAMS, Budget, Found
from induct.search.frontier import Frontier, FrontierEntry, SearchStats
from induct.search.mcmc_compiled import CompiledGrammar, CompiledKernel, NotCompilable, Reject
from induct.search.mcmc_general import GeneralKernel
from induct.tasks import Task

__all__ = ["MCMCConfig", "MCMCResult", "MCMCRun", "run_mcmc", "mcmc_search", "temperature_ladder"]

ENGINES = ("auto", "compiled", "general")


@dataclass(frozen=True)
class MCMCConfig:
    """Settings of the MCMC strategy.

    Attributes:
        steps: Metropolis–Hastings steps per chain (None: run until the deadline).
        chains: number of tempered chains (1 = plain MH).
        max_temperature: temperature of the hottest chain; the ladder is geometric from 1.
        swap_every: steps per chain between proposals to swap neighbouring chains.
        max_depth: bound on nested choice points; the target is the prior restricted to it.
        likelihood: a registered likelihood name (``exact``, ``noisy``, ``gaussian``).
        likelihood_options: keyword arguments of that model (e.g. ``{"epsilon": 0.1}``).
        frontier_size: how many of the distinct programs visited (best log posterior first)
            the frontier keeps; posterior weights are normalised over them.
        burn_in: steps per chain before the cold chain's states are counted as samples.
        seed: seed of the random generator (mixed with the task name).
        engine: ``auto`` (compiled when the grammar allows it), ``compiled`` or ``general``.
    """

    steps: int | None = 20_000
    chains: int = 4
    max_temperature: float = 10.0
    swap_every: int = 25
    max_depth: int = 8
    likelihood: str = "exact"
    likelihood_options: Mapping[str, Any] = field(default_factory=dict)
    frontier_size: int = 100
    burn_in: int = 0
    seed: int = 0
    engine: str = "auto"

    def __post_init__(self) -> None:
        validate(self, {"steps": at_least(1), "chains": at_least(1), "max_temperature": at_least(1.0),
                        "swap_every": at_least(1), "max_depth": at_least(1), "frontier_size": at_least(1),
                        "burn_in": non_negative, "engine": one_of(*ENGINES)})
        make_likelihood(self.likelihood, **dict(self.likelihood_options))  # validates name and options


@dataclass(frozen=True)
class MCMCResult:
    """What a run of :func:`run_mcmc` produced.

    Attributes:
        frontier: the distinct programs visited by any chain with a finite likelihood, best
            log posterior first (at most ``config.frontier_size``).
        sample_counts: how many steps (after burn-in) the T = 1 chain spent at each program.
        steps: MH steps taken, all chains together (the "samples" of samples/s).
        seconds: wall time of the sampling (not of compiling the grammar).
        acceptance: acceptance rate of each chain, coldest first.
        swap_acceptance: fraction of swap proposals accepted.
        temperatures: the ladder, coldest first.
        engine: ``compiled`` or ``general``.
    """

    frontier: Frontier
    sample_counts: dict[Program, int]
    steps: int
    seconds: float
    acceptance: tuple[float, ...]
    swap_acceptance: float
    temperatures: tuple[float, ...]
    engine: str

    @property
    def samples_per_second(self) -> float:
        return self.steps / self.seconds if self.seconds > 0 else math.inf

    def sample_frequencies(self) -> dict[Program, float]:
        """The cold chain's empirical distribution over programs."""
        total = sum(self.sample_counts.values())
        return {p: n / total for p, n in self.sample_counts.items()} if total else {}


def temperature_ladder(chains: int, max_temperature: float) -> tuple[float, ...]:
    """Geometric temperatures from 1 to ``max_temperature``."""
    if chains == 1:
        return (1.0,)
    return tuple(float(max_temperature) ** (i / (chains - 1)) for i in range(chains))


def _kernel(task: Task, grammar: Any, config: MCMCConfig, model: LikelihoodModel,
            rng: np.random.Generator, hastings: bool) -> tuple[Any, str]:
    library = grammar.library
    scorer = model.output_scorer(task)
    if config.engine != "general" and scorer is not None:
        try:
            compiled = CompiledGrammar(grammar, task.request_type)
        except NotCompilable:
            if config.engine == "compiled":
                raise InductError(f"the grammar cannot be compiled at {task.request_type}: it is polymorphic "
                                  "there; use engine='general' or 'auto'") from None
        else:
            kernel = CompiledKernel(compiled, library, [e.inputs for e in task.examples],
                                    scorer, config.max_depth, rng,
                                    getattr(model, "limits", DEFAULT_LIMITS), hastings)
            return kernel, "compiled"
    return GeneralKernel(grammar, task.request_type, lambda c: model.log_likelihood(c, task), library,
                         config.max_depth, rng, hastings), "general"


class MCMCRun:
    """One task's tempered chains, as a steppable state (see :mod:`induct.search.driver`).

    :meth:`advance` runs whole blocks of ``swap_every`` steps per chain (then one swap
    proposal) until the step's budget is spent; the states every chain visits are noted
    once each, and those the likelihood allows are the step's finds.
    """

    def __init__(self, task: Task, grammar: Any, config: MCMCConfig, key: Any, *,
                 likelihood: LikelihoodModel | None = None, hastings: bool = True) -> None:
        self.task, self.config = task, config
        model = likelihood if likelihood is not None else make_likelihood(config.likelihood,
                                                                          **dict(config.likelihood_options))
        self.rng = rng = np.random.default_rng(key)
        self.kernel, self.engine = _kernel(task, grammar, config, model, rng, hastings)
        kernel = self.kernel
        self.temperatures = temperature_ladder(config.chains, config.max_temperature)
        self.started = time.monotonic()
        try:
            self.states = [kernel.initial() for _ in self.temperatures]
        except Exception as e:
            if isinstance(e, (Reject,)) or type(e).__name__ == "_TooDeep":
                raise InductError(f"task {task.name!r}: no program of depth <= {config.max_depth} could be drawn "
                                  "from the prior; raise max_depth") from None
            raise
        self.seen: dict[Any, None] = {}
        self.counts: dict[Any, int] = {}
        self.first: list[tuple[float, int]] = []
        self.found: list[tuple[Any, int]] = []
        """States first seen (with a finite likelihood) since the last step, and the steps by then."""
        self.counting = config.burn_in == 0
        self.seen_limit = max(10_000, 20 * config.frontier_size)
        self.steps = 0
        """Steps per chain so far."""
        self.accepted = [0] * len(self.temperatures)
        self.swaps = self.swaps_accepted = 0
        self.done = self.timed_out = False
        self.error: str | None = None
        for st in self.states:
            kernel.log_likelihood(st)
            self._note(st)
        self.visits = [self._visit_cold] + [self._note_n] * (len(self.temperatures) - 1)

    @property
    def tried(self) -> int:
        """MH steps taken, all chains together."""
        return self.steps * len(self.temperatures)

    def _note(self, state: Any) -> None:
        if state not in self.seen:
            seen = self.seen
            seen[state] = None
            if len(seen) > self.seen_limit:  # bounded memory: keep the best programs seen so far
                kept = sorted(seen, key=lambda s: -(s.log_prior + (s.log_likelihood or 0.0)))[:self.seen_limit // 2]
                seen.clear()
                seen.update(dict.fromkeys(kept))
            ll = state.log_likelihood
            if ll is not None and ll > -math.inf:
                if not self.first:
                    self.first.append((time.monotonic() - self.started, self.tried))
                self.found.append((state, self.tried))

    def _note_n(self, state: Any, n: int) -> None:
        self._note(state)

    def _visit_cold(self, state: Any, n: int) -> None:
        self._note(state)
        if n and self.counting:
            self.counts[state] = self.counts.get(state, 0) + n

    def advance(self, budget: Budget) -> list[tuple[Any, int]]:
        """Blocks of steps until ``budget.programs`` steps (all chains) are spent, a block
        finds something new, or the budget's clock runs out; returns the new states."""
        config, kernel, rng = self.config, self.kernel, self.rng
        temperatures, states = self.temperatures, self.states
        found, self.found = self.found, []  # the initial states' finds go with the first step
        target = self.tried + budget.programs
        while not found and self.tried < target:
            if config.steps is not None and self.steps >= config.steps:
                self.done = True
                break
            if budget.expired():
                self.done = self.timed_out = True
                break
            block = config.swap_every if config.steps is None else min(config.swap_every, config.steps - self.steps)
            if config.burn_in:
                if self.steps < config.burn_in:
                    block = min(block, config.burn_in - self.steps)
                self.counting = self.steps >= config.burn_in
            for c, temperature in enumerate(temperatures):
                states[c], a = kernel.run(states[c], block, temperature, self.visits[c])
                self.accepted[c] += a
            self.steps += block
            if len(states) > 1:
                i = int(rng.integers(len(states) - 1))
                self.swaps += 1
                if _accept_swap(kernel.log_likelihood(states[i]), kernel.log_likelihood(states[i + 1]),
                                temperatures[i], temperatures[i + 1], rng):
                    states[i], states[i + 1] = states[i + 1], states[i]
                    self.swaps_accepted += 1
            found, self.found = found + self.found, []
        if config.steps is not None and self.steps >= config.steps:
            self.done = True
        return found

    def finds(self, budget: Budget) -> list[Found]:
        """:meth:`advance`, its new states as the driver's :class:`Found` records."""
        program_of = self.kernel.program_of
        return [Found(program_of(st), st.log_prior, st.log_likelihood, tried) for st, tried in self.advance(budget)]

    def result(self) -> MCMCResult:
        """Everything the chains produced so far."""
        config, kernel = self.config, self.kernel
        seconds = time.monotonic() - self.started
        # Programs the likelihood rules out (log-likelihood −∞) are not part of the posterior.
        explained = [s for s in self.seen if s.log_likelihood > -math.inf]
        ranked = sorted(explained, key=lambda s: -(s.log_prior + s.log_likelihood))[:config.frontier_size]
        entries = tuple(FrontierEntry(kernel.program_of(s), s.log_prior, s.log_likelihood) for s in ranked)
        stats = SearchStats(programs_tried=self.tried, seconds=seconds,
                            time_to_first_solution=self.first[0][0] if self.first else None,
                            programs_before_first_solution=self.first[0][1] if self.first else None,
                            timed_out=self.timed_out, strategy="mcmc")
        frontier = Frontier(self.task.name, self.task.request_type, entries, stats)
        sample_counts: dict[Program, int] = {}
        for s, n in self.counts.items():
            p = kernel.program_of(s)
            sample_counts[p] = sample_counts.get(p, 0) + n
        done = self.steps
        return MCMCResult(frontier, sample_counts, self.tried, seconds,
                          tuple(a / done if done else 0.0 for a in self.accepted),
                          self.swaps_accepted / self.swaps if self.swaps else 0.0, self.temperatures, self.engine)


def run_mcmc(task: Task, grammar: Any, config: MCMCConfig = MCMCConfig(), deadline: float | None = None, *,
             likelihood: LikelihoodModel | None = None, hastings: bool = True) -> MCMCResult:
    """Run tempered subtree-regeneration MCMC on one task (all of :class:`MCMCRun`'s results).

    Args:
        task: the examples and request type.
        grammar: a Grammar or ContextualGrammar (the prior).
        config: the settings.
        deadline: a ``time.monotonic()`` instant to stop at (None: run ``config.steps``).
        likelihood: a model instance, overriding ``config.likelihood``.
        hastings: False drops the proposal ratio from the acceptance probability; the chain is
            then biased (kept to show that the tests detect it), never use it to search.

    Raises:
        InductError: when neither ``config.steps`` nor ``deadline`` bounds the run, or no
            program within ``max_depth`` can be drawn.
    """
    if config.steps is None and deadline is None:
        raise InductError("MCMC needs config.steps or a deadline")
    run = MCMCRun(task, grammar, config, [config.seed, zlib.crc32(task.name.encode())], likelihood=likelihood,
                  hastings=hastings)
    budget = Budget(STEP_PROGRAMS, math.inf if deadline is None else deadline)
    while not run.done:
        run.advance(budget)
    return run.result()


def _accept_swap(ll_i: float, ll_j: float, t_i: float, t_j: float, rng: np.random.Generator) -> bool:
    """Accept exchanging the states of chains at t_i < t_j: min(1, exp((1/t_i − 1/t_j)(ll_j − ll_i)))."""
    if ll_j == ll_i:
        return True
    if ll_j == -math.inf:
        return False
    if ll_i == -math.inf:
        return True
    log_alpha = (1.0 / t_i - 1.0 / t_j) * (ll_j - ll_i)
    return log_alpha >= 0.0 or rng.random() < math.exp(log_alpha)


def mcmc_search(task: Task, grammar: Any, config: MCMCConfig = MCMCConfig(),
                deadline: float | None = None) -> Frontier:
    """The MCMC strategy: a Frontier of the distinct programs visited (see :func:`run_mcmc`).

    Weights (``Frontier.posterior_weights``) are the exact posterior normalised over the
    kept programs; the cold chain's sample frequencies are in :func:`run_mcmc`'s result.
    """
    return run_mcmc(task, grammar, config, deadline).frontier
