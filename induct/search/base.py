"""The search-strategy interface, its configuration, and the registry of strategies.

Every strategy is one object with a ``name`` and
``search(task, grammar, config, deadline) -> Frontier``; :func:`induct.search.parallel.solve_tasks`
runs any of them over many tasks with timeouts, parallelism and progress.  The built-in
strategies are ``init``/``step`` pairs whose ``search`` is the one driver,
:func:`induct.search.driver.drive`, which owns the deadline and the frontier; a user's
strategy can be written either way.
"""

from __future__ import annotations

import contextlib
import math
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Mapping, Protocol

from induct.config import at_least, in_range, positive, validate
from induct.errors import ConfigError, InductError
from induct.programs import Program
from induct.programs.limits import Limits
from induct.search.frontier import Frontier, FrontierEntry, SearchStats
from induct.search.deductions import STANDARD_DEDUCTIONS, Deduction
from induct.tasks import Task

__all__ = ["SearchConfig", "SearchStrategy", "STRATEGIES", "register_strategy", "get_strategy",
           "FrontierBuilder", "SearchTimeout", "streaming_entries"]


class SearchTimeout(Exception):
    """Raised inside a step when the search's time is up (:meth:`induct.search.driver.Budget.check`)."""


@dataclass(frozen=True)
class SearchConfig:
    """Settings shared by the search strategies.

    Attributes:
        timeout: wall seconds per task.
        max_frontier: programs kept per task (best log posterior first).
        likelihood: a registered likelihood model (``exact``, ``noisy``, ``gaussian``).
        likelihood_options: keyword arguments of that model (e.g. ``{"epsilon": 0.1}``).
        max_programs: stop after trying this many programs (None: until the timeout).
        stop_when_full: with the exact likelihood, stop once ``max_frontier`` programs are
            found (enumeration finds them in order of prior, so they are the best ones).
        max_cost: largest description length (nats, −log prior) enumerated.
        band_width: width in nats of the cost bands enumeration proceeds in.
        memory_mb: how far enumeration's tables may grow the worker's resident memory (MB).
            Past it no more subprograms are stored: the search goes on in the same order of
            prior, building the dearer subprograms again where needed (slower, not bigger).
        steps: evaluation step budget per example.
        example_seconds: evaluation time limit per example.
        seed: seed of stochastic strategies (mixed with the task name).
        decompose: share of a task's budget (time and programs) given first to the holes of
            the deductions (see :mod:`induct.search.decompose`); 0 turns them off.
        deductions: the deductions that may split a task (a domain's ``deductions``; by
            default the standard list-shaped ones, each applying where the DSL fits it).
        interleave: with deductions marked ``last_resort``, the ordinary search pauses once
            it has run as long as their share, they run on it, and it resumes where it
            stopped; False runs it first on all of its share (see
            :mod:`induct.search.decompose`).
        options: strategy-specific settings (e.g. MCMC's ``chains``).
    """

    timeout: float = 10.0
    max_frontier: int = 5
    likelihood: str = "exact"
    likelihood_options: Mapping[str, Any] = field(default_factory=dict)
    max_programs: int | None = None
    stop_when_full: bool = True
    max_cost: float = 60.0
    band_width: float = 1.5
    memory_mb: float = 2048.0
    steps: int = 100_000
    example_seconds: float = 0.1
    seed: int = 0
    decompose: float = 0.25
    deductions: tuple[Deduction, ...] = STANDARD_DEDUCTIONS
    interleave: bool = True
    options: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        validate(self, {"timeout": positive, "max_frontier": at_least(1), "max_programs": at_least(1),
                        "band_width": positive, "memory_mb": at_least(0), "max_cost": positive,
                        "decompose": in_range(0, 1, include_high=False), "steps": at_least(1),
                        "example_seconds": positive})
        from induct.likelihood import make_likelihood

        try:
            make_likelihood(self.likelihood, **dict(self.likelihood_options))  # validates name and options
        except InductError as e:
            raise ConfigError(f"cannot be used: {e}", "SearchConfig.likelihood") from None

    @property
    def limits(self) -> Limits:
        return Limits(self.steps, self.example_seconds)

    def likelihood_model(self) -> Any:
        from induct.likelihood import make_likelihood

        options = dict(self.likelihood_options)
        if self.likelihood == "exact" and "limits" not in options:
            options["limits"] = self.limits
        return make_likelihood(self.likelihood, **options)


class SearchStrategy(Protocol):
    """A search strategy: ``search`` returns the task's Frontier by ``deadline``.

    ``deadline`` is a :func:`time.monotonic` instant; the search stops by then (the
    parallel driver kills a worker that overruns it by more than a grace period).  A
    strategy written as ``init``/``step`` (:class:`induct.search.driver.SteppableStrategy`)
    gets this method from :class:`induct.search.driver.Stepped`.
    """

    name: str

    def search(self, task: Task, grammar: Any, config: SearchConfig, deadline: float) -> Frontier: ...


class _Strategies(Mapping[str, SearchStrategy]):
    """The built-in strategies (read on first use) and those given to :func:`register_strategy`."""

    def __init__(self) -> None:
        self._added: dict[str, SearchStrategy] = {}
        self._builtin: dict[str, SearchStrategy] | None = None

    def _all(self) -> dict[str, SearchStrategy]:
        if self._builtin is None:
            from induct.search.strategies import builtin_strategies

            self._builtin = builtin_strategies()
        return {**self._builtin, **self._added}

    def __getitem__(self, name: str) -> SearchStrategy:
        return self._all()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def add(self, strategy: SearchStrategy) -> None:
        self._added[strategy.name] = strategy


STRATEGIES = _Strategies()
"""The strategies by name: the built-in ones (``enumerate``, ``bottom_up``, ``mcmc``) and any registered."""


def register_strategy(strategy: SearchStrategy) -> SearchStrategy:
    """Make ``strategy`` available under its ``name`` (e.g. to ``solve_tasks`` and ``--strategy``)."""
    STRATEGIES.add(strategy)
    return strategy


def get_strategy(name: str) -> SearchStrategy:
    """The strategy called ``name``; the error lists the known ones."""
    try:
        return STRATEGIES[name]
    except KeyError:
        raise InductError(f"unknown strategy {name!r}; choose one of: {', '.join(sorted(STRATEGIES))}") from None


_ENTRY_SINK: Callable[[str, FrontierEntry], None] | None = None


@contextlib.contextmanager
def streaming_entries(sink: Callable[[str, FrontierEntry], None] | None):
    """Inside, every new (or improved) frontier entry is passed to ``sink(task_name, entry)``.

    A worker process uses it to send its finds to the parent as they come, so that a
    worker killed mid-search loses only the search time it had left.
    """
    global _ENTRY_SINK
    previous, _ENTRY_SINK = _ENTRY_SINK, sink
    try:
        yield
    finally:
        _ENTRY_SINK = previous


class FrontierBuilder:
    """Collects a search's programs: the best ``keep`` by log posterior, and the statistics."""

    def __init__(self, task: Task, strategy: str, keep: int) -> None:
        self.task = task
        self.strategy = strategy
        self.keep = keep
        self.entries: dict[Program, FrontierEntry] = {}
        self.started = time.monotonic()
        self.first_time: float | None = None
        self.first_count: int | None = None
        self.solutions = 0

    def add(self, program: Program, log_prior: float, log_likelihood: float, tried: int) -> None:
        if log_likelihood == -math.inf:
            return
        if self.first_time is None:
            self.first_time = time.monotonic() - self.started
            self.first_count = tried
        old = self.entries.get(program)
        if old is not None and old.log_posterior >= log_prior + log_likelihood:
            return
        if old is None:
            self.solutions += 1
        entry = self.entries[program] = FrontierEntry(program, log_prior, log_likelihood)
        if _ENTRY_SINK is not None:
            _ENTRY_SINK(self.task.name, entry)
        if len(self.entries) > 2 * self.keep:
            self._trim()

    @property
    def full(self) -> bool:
        return len(self.entries) >= self.keep

    def _trim(self) -> None:
        best = sorted(self.entries.values(), key=lambda e: -e.log_posterior)[:self.keep]
        self.entries = {e.program: e for e in best}

    def frontier(self, tried: int, timed_out: bool, error: str | None = None) -> Frontier:
        self._trim()
        stats = SearchStats(tried, time.monotonic() - self.started, self.first_time, self.first_count,
                            timed_out, self.strategy, error)
        return Frontier(self.task.name, self.task.request_type, tuple(self.entries.values()), stats)
