"""Search (wake): strategies that turn a task and a prior into a Frontier.

Public API:
    SearchConfig, SearchStrategy, STRATEGIES, register_strategy, get_strategy — the interface;
    Budget, Found, Stepped, drive — a strategy as an init/step pair, and the one driver;
    enumerate_programs(grammar, request, ...) — programs in order of prior (a generator);
    solve_tasks(tasks, grammar_or_per_task, strategy, config, workers, progress) — many tasks
    in parallel with per-task timeouts; solve_task for one task in this process;
    Frontier, FrontierEntry, SearchStats — the result.
"""

from induct.search.base import (
    STRATEGIES, FrontierBuilder, SearchConfig, SearchStrategy, SearchTimeout, get_strategy, register_strategy,
)
from induct.search.driver import Budget, Found, Stepped, SteppableStrategy, drive
from induct.search.enumeration import enumerate_programs, enumerative_search
from induct.search.frontier import Frontier, FrontierEntry, SearchStats
from induct.search.parallel import Progress, grammar_from_spec, grammar_to_spec, solve_task, solve_tasks

__all__ = [
    "STRATEGIES", "FrontierBuilder", "SearchConfig", "SearchStrategy", "SearchTimeout", "get_strategy",
    "register_strategy", "enumerate_programs", "enumerative_search", "Frontier", "FrontierEntry", "SearchStats",
    "Progress", "grammar_from_spec", "grammar_to_spec", "solve_task", "solve_tasks", "Budget", "Found", "Stepped",
    "SteppableStrategy", "drive",
]
