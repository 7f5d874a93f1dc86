"""One driver for every search strategy: strategies are ``init``/``step`` pairs.

A steppable strategy, in the manner of numpyro's kernels and optax's transformations, is
two functions and no loop of its own:

* ``init(task, grammar, config, key) -> state`` builds everything a search of one task
  needs (``key`` seeds whatever is random);
* ``step(state, budget) -> (state, entries)`` does at most ``budget.programs`` programs'
  worth of work and returns the programs it found, as :class:`Found` records.  A step
  returns soon after it finds something, so that finds reach the frontier (and a worker's
  stream to its parent) as they come.

The state says how many programs it has tried (``tried``) and whether it has nothing left
to do (``done``, with ``error`` set when it stopped on an error and ``timed_out`` when the
budget's clock stopped it).  :func:`drive` owns everything around the steps: the budgets in
programs and seconds, the deadline, the frontier (:class:`~induct.search.base.FrontierBuilder`),
the rule that an exact search ends once its frontier is full, and progress.  The same
driver runs a search in-process, in the local pool and on Ray, and every sub-search the
deductions schedule goes through it too.

The clock belongs to the :class:`Budget`: a strategy asks ``budget.expired()`` between
units of work and lets ``budget.check()`` (which raises
:class:`~induct.search.base.SearchTimeout`) interrupt work that cannot pause.
"""

from __future__ import annotations

import math
import time
import zlib
from typing import Any, Callable, NamedTuple, Protocol, Sequence, runtime_checkable

from induct.programs import Program
from induct.search.base import FrontierBuilder, SearchConfig, SearchTimeout
from induct.search.frontier import Frontier
from induct.tasks import Task

__all__ = ["Budget", "Found", "StepState", "SteppableStrategy", "Stepped", "drive", "run_steps", "task_key", "STEP_PROGRAMS"]

STEP_PROGRAMS = 8192
"""Programs per step: the driver regains control at least this often."""


class Found(NamedTuple):
    """A program a step found: its log prior, log likelihood, and the count tried by then."""

    program: Program
    log_prior: float
    log_likelihood: float
    tried: int


class Budget:
    """What one step may spend, and the driver's clock.

    Attributes:
        programs: programs (or MCMC steps) this step may try.
        deadline: the ``time.monotonic()`` instant the whole search ends at.
    """

    __slots__ = ("programs", "deadline")

    def __init__(self, programs: int, deadline: float) -> None:
        self.programs = programs
        self.deadline = deadline

    def expired(self) -> bool:
        """Whether the search's time is up."""
        return time.monotonic() >= self.deadline

    def check(self) -> None:
        """Raise :class:`SearchTimeout` once the search's time is up."""
        if time.monotonic() >= self.deadline:
            raise SearchTimeout


class StepState(Protocol):
    """What the driver reads of a strategy's state."""

    tried: int
    done: bool
    timed_out: bool
    error: str | None


@runtime_checkable
class SteppableStrategy(Protocol):
    """A strategy as an ``init``/``step`` pair (see the module's text)."""

    name: str

    def init(self, task: Task, grammar: Any, config: SearchConfig, key: Sequence[int]) -> Any: ...

    def step(self, state: Any, budget: Budget) -> tuple[Any, list[Found]]: ...


def task_key(config: SearchConfig, task: Task) -> tuple[int, int]:
    """The random key of a task's search: the config's seed mixed with the task's name."""
    return (config.seed, zlib.crc32(task.name.encode()))


def drive(strategy: SteppableStrategy, task: Task, grammar: Any, config: SearchConfig, deadline: float,
          progress: Callable[[int, int], None] | None = None) -> Frontier:
    """Search ``task`` with ``strategy`` until ``deadline``, ``config.max_programs``, the
    strategy's end, or (exact likelihood, ``stop_when_full``) a full frontier.

    ``progress(tried, found)`` is told after every step.
    """
    state = strategy.init(task, grammar, config, task_key(config, task))
    return run_steps(strategy.name, state, strategy.step, task, config, deadline, progress)


def run_steps(name: str, state: Any, step: Callable[[Any, Budget], tuple[Any, list[Found]]], task: Task,
              config: SearchConfig, deadline: float,
              progress: Callable[[int, int], None] | None = None, pause: float | None = None) -> Frontier:
    """:func:`drive` from a state already made (``name`` is the strategy's, for the stats).

    With ``pause`` (an instant before ``deadline``), no step starts after it: the state is
    left between two steps, so a later ``run_steps`` resumes it where it stopped.  The steps
    themselves keep to ``deadline``, since a step the clock stops may not be resumable."""
    builder = FrontierBuilder(task, name, config.max_frontier)
    limit = config.max_programs if config.max_programs is not None else math.inf
    stop_when_full = config.stop_when_full and config.likelihood == "exact"
    timed_out = False
    while not state.done and state.tried < limit:
        now = time.monotonic()
        if now >= deadline:
            timed_out = True
            break
        if pause is not None and now >= pause:
            break
        programs = int(min(STEP_PROGRAMS, limit - state.tried))
        state, found = step(state, Budget(programs, deadline))
        for f in found:
            builder.add(f.program, f.log_prior, f.log_likelihood, f.tried)
        if progress is not None:
            progress(state.tried, len(builder.entries))
        if stop_when_full and builder.full:
            break
    return builder.frontier(state.tried, timed_out or state.timed_out, state.error)


class Stepped:
    """Mixin: the ``search`` of the :class:`~induct.search.base.SearchStrategy` protocol,
    for a steppable strategy, is :func:`drive`."""

    def search(self, task: Task, grammar: Any, config: SearchConfig, deadline: float) -> Frontier:
        return drive(self, task, grammar, config, deadline)  # type: ignore[arg-type]
