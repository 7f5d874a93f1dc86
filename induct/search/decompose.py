"""Deduction: split a task on the higher-order function its program is likely to apply.

Some programs are hard to reach whole and easy in parts.  ``λxs. fold xs empty (λx acc.
if (eq? (mod x 3) 0) (cons x acc) acc)`` costs some 30 nats under a plain list grammar —
out of reach of a search of seconds — yet when every example's output is the input with
some elements left out, the examples themselves say which elements the predicate must
accept: the predicate alone (about 12 nats) is a small search over its own examples.
This is the deduction step of λ² (Feser, Chaudhuri and Dillig, PLDI 2015): a
:class:`Decomposition` looks at a task's examples and, when they have its shape, returns
:class:`Subproblem` s — a task for the missing function (the *hole*) and how to build the
whole program around a solution of it.

A DSL's semantics module lists its decompositions in ``DECOMPOSITIONS`` (see
:mod:`induct.domains.lists`).  :func:`search_with_decompositions` gives their holes a
share of a task's budget (``SearchConfig.decompose``) before the ordinary search: every
whole program it builds is checked on the task's own examples and scored by the task's
grammar, so the frontier is the same kind of posterior as the search's.  When the holes
solve the task, the ordinary search is not run.
"""

from __future__ import annotations

import importlib
import math
import time
from dataclasses import dataclass, replace
from typing import Any, Callable, Iterable, Protocol, Sequence

from induct.errors import InductError
from induct.programs import Abstraction, Index, Program, application
from induct.programs.evaluation import compile_program
from induct.programs.transform import beta_normal_form
from induct.search.frontier import Frontier, FrontierEntry, SearchStats
from induct.tasks import Example, Task
from induct.types import TypeConstructor, arguments_of, arrow

__all__ = ["Subproblem", "Decomposition", "decompositions_of", "search_with_decompositions",
           "call_hole", "hole_examples", "hole_task", "list_arguments", "element_then_arguments", "wrap_lambdas"]


@dataclass(frozen=True)
class Subproblem:
    """A hole to search for and the whole program around it.

    Attributes:
        task: the hole's task: its request type and its examples, deduced from the task's.
        assemble: a closed program for ``task`` -> the whole (closed, η-long) program.
        label: what the hole is (``"map"``, ``"filter"`` ...), also in the hole task's name.
    """

    task: Task
    assemble: Callable[[Program], Program]
    label: str


class Decomposition(Protocol):
    """Turns a task into subproblems when its examples have the right shape (else none)."""

    name: str

    def split(self, task: Task, library: Any) -> Iterable[Subproblem]: ...


def decompositions_of(library: Any) -> tuple[Decomposition, ...]:
    """The ``DECOMPOSITIONS`` of ``library``'s semantics module (none when it lists none)."""
    module = getattr(library, "semantics_module", None)
    if not module:
        return ()
    try:
        found = getattr(importlib.import_module(module), "DECOMPOSITIONS", ())
    except ImportError:
        return ()
    return tuple(found)


# --- helpers for writing decompositions ------------------------------------------------

def call_hole(hole: Program, arguments: Sequence[Program]) -> Program:
    """``hole`` applied to ``arguments`` and β-reduced (the hole's λs become the arguments)."""
    return beta_normal_form(application(hole, *arguments), inline=False)


def list_arguments(task: Task) -> list[tuple[int, Any]]:
    """``(position, element type)`` of each of the task's list-typed arguments."""
    found = []
    for k, t in enumerate(arguments_of(task.request_type)):
        if isinstance(t, TypeConstructor) and t.name == "list" and len(t.args) == 1:
            found.append((k, t.args[0]))
    return found


def hole_examples(rows: Iterable[tuple[tuple, Any]]) -> tuple[Example, ...] | None:
    """Examples from ``(inputs, output)`` rows, once each; None if two rows disagree."""
    seen: dict[str, Any] = {}
    examples = []
    for inputs, output in rows:
        key = repr(inputs)
        if key in seen:
            if seen[key] != output:
                return None
            continue
        seen[key] = output
        examples.append(Example(tuple(inputs), output))
    return tuple(examples) if examples else None


def hole_task(task: Task, label: str, element: Any, output: Any,
              examples: tuple[Example, ...]) -> Task:
    """The hole's task: ``element -> (the task's arguments) -> output``."""
    request = arrow(element, *arguments_of(task.request_type), output)
    return Task(f"{task.name} [{label}]", request, examples, task.split, {"decomposed_from": task.name})


def element_then_arguments(n: int, element: int) -> list[Program]:
    """The hole's arguments as variables: the element at ``$element``, the task's
    ``n`` arguments just outside it (the body sits under ``element + 1`` inner λs)."""
    return [Index(element)] + [Index(element + n - i) for i in range(n)]


def wrap_lambdas(body: Program, n: int) -> Program:
    for _ in range(n):
        body = Abstraction(body)
    return body


# --- the search ------------------------------------------------------------------------

def search_with_decompositions(search: Any, task: Task, grammar: Any, config: Any, deadline: float) -> Frontier:
    """Run ``search`` on ``task``, first giving the library's decompositions their share.

    With no decomposition that applies (or ``config.decompose`` 0, or a likelihood other
    than ``exact``, whose examples cannot be split), this is ``search.search``.
    """
    subproblems = _subproblems(task, grammar.library) if (config.decompose > 0 and config.likelihood == "exact") else []
    if not subproblems:
        return search.search(task, grammar, config, deadline)
    started = time.monotonic()
    share = config.decompose / len(subproblems)
    budget = deadline - started
    model = config.likelihood_model()
    library = grammar.library
    entries: dict[Program, FrontierEntry] = {}
    tried = 0
    first: float | None = None
    first_count: int | None = None
    for sub in subproblems:
        if config.max_programs is None:  # a budget in seconds: each hole gets its share of them
            sub_deadline = min(deadline, time.monotonic() + share * budget)
            sub_config = replace(config, decompose=0.0)
        else:  # a budget in programs (reproducible whatever the load): the timeout stays a safety net
            sub_deadline = deadline
            sub_config = replace(config, decompose=0.0, max_programs=max(1, int(share * config.max_programs)))
        found = search.search(sub.task, grammar, sub_config, sub_deadline)
        tried += found.stats.programs_tried
        for entry in found.entries:
            try:
                whole = sub.assemble(entry.program)
                log_prior = grammar.log_prior(whole, task.request_type)
                if log_prior == -math.inf:
                    continue
                ll = model.log_likelihood(compile_program(whole, library, {}), task)
            except InductError:  # a decomposition that built an ill-typed program: not a solution
                continue
            if ll == -math.inf:
                continue
            if first is None:
                first = time.monotonic() - started
                first_count = tried
            entries[whole] = FrontierEntry(whole, log_prior, ll)
        if time.monotonic() >= deadline:
            break
    if entries:
        best = sorted(entries.values(), key=lambda e: -e.log_posterior)[:config.max_frontier]
        stats = SearchStats(tried, time.monotonic() - started, first, first_count, False,
                            f"{search.name}+deduction")
        return Frontier(task.name, task.request_type, tuple(best), stats)
    rest = config if config.max_programs is None else replace(
        config, max_programs=max(1, config.max_programs - tried))
    offset = time.monotonic() - started
    frontier = search.search(task, grammar, rest, deadline)
    s = frontier.stats
    stats = SearchStats(s.programs_tried + tried, offset + s.seconds,
                        None if s.time_to_first_solution is None else offset + s.time_to_first_solution,
                        None if s.programs_before_first_solution is None else tried + s.programs_before_first_solution,
                        s.timed_out, s.strategy, s.error)
    return Frontier(frontier.task_name, frontier.request_type, frontier.entries, stats)


def _subproblems(task: Task, library: Any) -> list[Subproblem]:
    found: list[Subproblem] = []
    for d in decompositions_of(library):
        try:
            found.extend(d.split(task, library))
        except InductError:
            continue
    return found
