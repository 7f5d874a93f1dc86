"""The one search driver: strategies as init/step pairs, the driver owning time and the frontier."""

import time
from dataclasses import replace

import pytest

from induct.dsl import load_library
from induct.grammar import Grammar
from induct.programs import Primitive
from induct.search import STRATEGIES, Budget, Found, SearchConfig, Stepped, SteppableStrategy, solve_task
from induct.search import driver
from induct.search.base import register_strategy
from induct.tasks import Example, Task
from induct.types import parse_type

BUILTIN = ("enumerate", "bottom_up", "mcmc")


def _task(name, f, inputs=((1, 2), (3,), (4, 0, 2), (5, 5))):
    return Task(name, parse_type("list(int) -> list(int)"), tuple(Example((list(x),), f(list(x))) for x in inputs))


@pytest.fixture(scope="module")
def lists():
    return Grammar.uniform(load_library("lists"))


@pytest.mark.parametrize("name", BUILTIN)
def test_every_builtin_strategy_is_an_init_step_pair(name):
    assert isinstance(STRATEGIES[name], SteppableStrategy)


@pytest.mark.parametrize("name", BUILTIN)
def test_pausing_between_steps_changes_nothing(name, lists, monkeypatch):
    """Steps of 7 programs give the frontier one long step gives: a step resumes where it paused."""
    task = _task("identity", lambda xs: xs)  # many programs compute it
    config = SearchConfig(timeout=60, max_programs=3000, stop_when_full=False, max_frontier=20,
                          options={"chains": 2} if name == "mcmc" else {})

    def frontier():
        f = driver.drive(STRATEGIES[name], task, lists, config, time.monotonic() + 60)
        return f.stats.programs_tried, sorted((str(e.program), round(e.log_posterior, 9)) for e in f.entries)

    whole = frontier()
    monkeypatch.setattr(driver, "STEP_PROGRAMS", 7)
    assert frontier() == whole
    assert whole[0] >= 3000 and whole[1]  # it searched, and found programs


class _Forever(Stepped):
    """A strategy that never ends on its own and never reads a clock: it proposes ``[]``
    once and then counts programs it does not find."""

    name = "forever"

    def init(self, task, grammar, config, key):
        class State:
            tried = 0
            done = timed_out = False
            error = None
        return State()

    def step(self, state, budget: Budget):
        time.sleep(0.001)
        first = state.tried == 0
        state.tried += budget.programs
        return state, ([Found(Primitive("empty"), -1.0, 0.0, 1)] if first else [])


def test_the_driver_stops_a_strategy_that_never_looks_at_the_clock(lists):
    register_strategy(_Forever())
    try:
        task = _task("empty", lambda xs: [])
        started = time.monotonic()
        # no deductions: the case split would keep a share of the time for itself
        frontier = solve_task(task, lists, "forever", SearchConfig(timeout=0.5, decompose=0.0))
        elapsed = time.monotonic() - started
    finally:
        STRATEGIES._added.pop("forever", None)
    assert frontier.stats.timed_out and 0.5 <= elapsed < 1.0
    assert [str(e.program) for e in frontier.entries] == ["empty"]  # the driver kept what the step found
    assert frontier.stats.programs_tried > 0 and frontier.stats.strategy == "forever"


def test_max_programs_is_the_drivers_budget(lists):
    register_strategy(_Forever())
    try:
        frontier = solve_task(_task("empty", lambda xs: []), lists, "forever",
                              SearchConfig(timeout=30, max_programs=50_000, decompose=0.0))
    finally:
        STRATEGIES._added.pop("forever", None)
    assert frontier.stats.programs_tried == 50_000 and not frontier.stats.timed_out


@pytest.mark.parametrize("name", ("enumerate", "bottom_up"))
def test_a_search_paused_on_the_clock_resumes_where_it_stopped(name, lists):
    """``run_steps(pause=...)`` stops between steps, before the deadline: the state is not
    done, and a second ``run_steps`` on it goes on to the same first solution as one run."""
    task = _task("last", lambda xs: xs[-1:])  # some thousands of programs in
    strategy = STRATEGIES[name]
    config = SearchConfig(timeout=60, stop_when_full=True, max_frontier=1)
    whole = driver.drive(strategy, task, lists, config, time.monotonic() + 60)
    assert whole.solved and whole.stats.programs_tried > 1000

    state = strategy.init(task, lists, config, driver.task_key(config, task))
    now = time.monotonic()
    paused = driver.run_steps(name, state, strategy.step, task, config, now + 60, pause=now)
    assert paused.stats.programs_tried == 0 and not state.done and not paused.stats.timed_out
    half = whole.stats.programs_tried // 2
    paused = driver.run_steps(name, state, strategy.step, task, replace(config, max_programs=half),
                              time.monotonic() + 60, pause=time.monotonic() + 60)
    assert 0 < state.tried < whole.stats.programs_tried and not state.done and not paused.solved
    resumed = driver.run_steps(name, state, strategy.step, task, config, time.monotonic() + 60)
    assert resumed.solved and str(resumed.best.program) == str(whole.best.program)
    assert resumed.stats.programs_tried == whole.stats.programs_tried  # counted from the start, not restarted
