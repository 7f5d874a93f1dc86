"""Deductions as a combinator over any search strategy.

:func:`search_with_decompositions` gives the holes of a task's deductions (see
:mod:`induct.search.deductions`; ``SearchConfig.deductions``, which a domain sets) their
share of a task's budget (``SearchConfig.decompose``) before the ordinary search, or, for a
deduction marked ``last_resort``, after it, when it failed.  Every whole program it builds
is checked on the task's own examples and scored by the task's grammar, so the frontier is
the same kind of posterior as the search's.  When the first holes solve the task, the
ordinary search is not run.
"""

from __future__ import annotations

import math
import time
from dataclasses import replace
from typing import Any, Sequence

from induct.errors import InductError
from induct.programs import Program
from induct.programs.evaluation import compile_program
from induct.search.deductions import CaseSplit, Deduction, Subproblem
from induct.search.driver import SteppableStrategy, run_steps, task_key
from induct.search.frontier import Frontier, FrontierEntry, SearchStats
from induct.tasks import Task
from induct.types import arguments_of

__all__ = ["search_with_decompositions", "hole_shares", "case_split_share", "subproblems", "MAX_HOLE_SHARE",
           "MAX_ASSEMBLIES"]


# --- the search ------------------------------------------------------------------------

def search_with_decompositions(search: Any, task: Task, grammar: Any, config: Any, deadline: float) -> Frontier:
    """Run ``search`` on ``task``, giving the library's decompositions their share.

    The holes of a decomposition run before the ordinary search, unless it is marked
    ``last_resort``: then its holes are searched only when the ordinary search, run on the
    budget less their share, found nothing.  A deduction that writes the same programs the
    ordinary search would find longer-winded (a fold over positions for ``cdr``) so stays
    out of the frontiers of tasks the search solves.  With no decomposition that applies
    (or ``config.decompose`` 0, or a likelihood other than ``exact``, whose examples cannot
    be split), this is ``search.search``.
    """
    enabled = config.decompose > 0 and config.likelihood == "exact"
    applicable = subproblems(task, grammar.library, config.deductions) if enabled else []
    cases = next((d for d in config.deductions if isinstance(d, CaseSplit) and d.applies(task, grammar.library)),
                 None) if enabled else None
    if not applicable and cases is None:
        return search.search(task, grammar, config, deadline)
    run = _DeductionRun(search, task, grammar, config, deadline)
    shares = hole_shares(config.decompose, [weight for _, _, weight in applicable]) if applicable else []
    case_share = case_split_share(config.decompose, cases, len(applicable), sum(shares))
    first = [(sub, share) for (sub, last, _), share in zip(applicable, shares) if not last]
    after = [(sub, share) for (sub, last, _), share in zip(applicable, shares) if last]
    if first and run.holes(first):
        return run.frontier()
    # The ordinary search, on what is left less the share kept for the last resorts.
    reserved = sum(share for _, share in after) + case_share
    if config.interleave and reserved > 0 and (after or cases) and isinstance(search, SteppableStrategy):
        return _interleaved(run, search, after, cases, case_share, reserved)
    if config.max_programs is None:
        whole_deadline = deadline - reserved * run.budget
        rest = config
    else:
        whole_deadline = deadline
        rest = replace(config, max_programs=max(1, config.max_programs - run.tried
                                                - int(reserved * config.max_programs)))
    offset = time.monotonic() - run.started
    before = run.tried
    found = search.search(task, grammar, rest, whole_deadline)
    if found.solved or not (after or cases) or time.monotonic() >= deadline:
        return _shifted(found, offset, before)
    run.tried += found.stats.programs_tried  # the failed search counts toward the holes' statistics
    if after and run.holes(after, fill=True, keep=case_share):
        return run.frontier()
    if cases is not None and run.cases(cases, case_share):
        return run.frontier()
    return _shifted(found, offset, run.tried - found.stats.programs_tried)


MAX_HOLE_SHARE = 0.9
"""The largest share of a task's budget its holes may take together, whatever the weights:
the ordinary search always keeps some."""


def hole_shares(decompose: float, weights: Sequence[float]) -> list[float]:
    """Each hole's share of the task's budget: ``decompose`` split among the holes in
    proportion to ``weights`` — a hole of weight w gets w times a weight-1 hole's
    ``decompose / len(weights)`` — scaled down if together they would pass
    :data:`MAX_HOLE_SHARE`."""
    shares = [decompose * w / len(weights) for w in weights]
    total = sum(shares)
    return [s * MAX_HOLE_SHARE / total for s in shares] if total > MAX_HOLE_SHARE else shares


def case_split_share(decompose: float, cases: CaseSplit | None, others: int, taken: float) -> float:
    """The case split's share of a task's budget: ``decompose`` times its weight, split as
    if it were one more of the ``others`` deductions that apply, without cutting their
    shares (``taken`` together); at most what :data:`MAX_HOLE_SHARE` leaves."""
    if cases is None:
        return 0.0
    return max(0.0, min(decompose * cases.weight / (others + 1), MAX_HOLE_SHARE - taken))


class _DeductionRun:
    """The holes searched for one task so far: the whole programs they built, programs tried."""

    def __init__(self, search, task, grammar, config, deadline):
        self.search, self.task, self.grammar, self.config, self.deadline = search, task, grammar, config, deadline
        self.started = time.monotonic()
        self.budget = deadline - self.started
        self.model = config.likelihood_model()
        self.entries: dict[Program, FrontierEntry] = {}
        self.tried = 0
        self.found: dict[str, list[Program]] = {}
        self.first: float | None = None
        self.first_count: int | None = None
        self.timed_out = False

    def holes(self, subproblems: list[tuple[Subproblem, float]], fill: bool = False, keep: float = 0.0) -> bool:
        """Search each hole on its share of the budget; True when some whole program solves the task.

        With ``fill`` (the last resort, when nothing else is left to search) and a budget in
        seconds, the shares divide the time that is left: what a subproblem leaves unused (its
        holes found early, or one of them not found) goes to the subproblems after it.  Within
        a subproblem, its holes divide its time the same way.  ``keep`` is the share of
        what comes after them (the case split's), counted in that division."""
        task = self.task
        found = self.found
        for i, (sub, share) in enumerate(subproblems):
            keys = [_hole_key(hole) for hole in sub.holes]
            # a hole asked twice (the same examples, in one subproblem or two) is searched once
            distinct = {key: hole for key, hole in zip(keys, sub.holes) if key not in found}
            if fill and self.config.max_programs is None:
                left = sum(s for _, s in subproblems[i:]) + keep
                seconds = max(0.0, self.deadline - time.monotonic()) * share / left
            else:
                seconds = share * self.budget
            sub_end = time.monotonic() + seconds
            for j, (key, hole) in enumerate(distinct.items()):
                part = max(0.0, sub_end - time.monotonic()) / (len(distinct) - j)
                found[key] = self._search_hole(hole, share / len(distinct), sub.deduction, part)
                if not found[key]:
                    break
            if all(found.get(key) for key in keys):
                for parts in _combinations([found[key] for key in keys], MAX_ASSEMBLIES) if keys else [()]:
                    try:
                        whole = sub.assemble(*parts)
                    except InductError:  # a decomposition that built an ill-typed program
                        continue
                    self._add(whole, task)
            if time.monotonic() >= self.deadline:
                self.timed_out = True
                break
        return bool(self.entries)

    def _search_hole(self, hole: Task, share: float, made_by: str, seconds: float) -> list[Program]:
        """The programs found for one hole on ``seconds`` (a budget in seconds) or ``share`` of
        the programs (a budget in programs), best first.  The hole may be split in turn by the
        deductions other than the one that made it (and those that made its task): a part
        of a concatenation may be a slice or a map."""
        config = self.config
        nested = tuple(d for d in config.deductions if d.name != made_by)
        decompose = config.decompose if nested else 0.0
        if config.max_programs is None:  # a budget in seconds: each hole gets its share of them
            sub_deadline = min(self.deadline, time.monotonic() + seconds)
            sub_config = replace(config, decompose=decompose, deductions=nested)
        else:  # a budget in programs (reproducible whatever the load): the timeout stays a safety net
            sub_deadline = self.deadline
            sub_config = replace(config, decompose=decompose, deductions=nested,
                                 max_programs=max(1, int(share * config.max_programs)))
        found = search_with_decompositions(self.search, hole, self.grammar, sub_config, sub_deadline)
        self.tried += found.stats.programs_tried
        return [e.program for e in sorted(found.entries, key=lambda e: -e.log_posterior)]

    def cases(self, split: CaseSplit, share: float) -> bool:
        """The case split on ``share`` of the budget (or on all the time left, with a budget
        in seconds): branches by enumeration, then a test for each of the best pairs of
        them; True when some ``if`` program solves the task."""
        from induct.search.cases import assemble_case, branch_pairs, cover_search, predicate_tasks

        config, task, library = self.config, self.task, self.grammar.library
        in_programs = config.max_programs is not None
        now = time.monotonic()
        cover_end = self.deadline if in_programs else now + split.cover_share * max(0.0, self.deadline - now)
        budget = int(share * config.max_programs) if in_programs else None
        branches, tried = cover_search(task, self.grammar, config, cover_end,
                                       None if budget is None else max(1, int(split.cover_share * budget)), split)
        self.tried += tried
        full = (1 << min(len(task.examples), split.max_examples)) - 1
        pairs = branch_pairs(branches, full, split.max_pairs)
        holes = [hole for a, b in pairs for hole in predicate_tasks(task, a.program, b.program, library, config.limits)]
        n = len(arguments_of(task.request_type))
        for j, (test, then, other) in enumerate(holes):
            seconds = max(0.0, self.deadline - time.monotonic()) / (len(holes) - j)
            test_share = (1 - split.cover_share) * share / len(holes)
            for p in self._search_hole(test, test_share, split.name, seconds)[:MAX_ASSEMBLIES]:
                self._add(assemble_case(p, then, other, n), task)
            if self.entries or time.monotonic() >= self.deadline:
                break
        self.timed_out = self.timed_out or time.monotonic() >= self.deadline
        return bool(self.entries)

    def _add(self, whole: Program, task: Task) -> None:
        """Check a whole program on the task's own examples and score it by the task's grammar."""
        try:
            log_prior = self.grammar.log_prior(whole, task.request_type)
            if log_prior == -math.inf:
                return
            ll = self.model.log_likelihood(compile_program(whole, self.grammar.library, {}), task)
        except InductError:  # a decomposition that built an ill-typed program: not a solution
            return
        if ll == -math.inf:
            return
        if self.first is None:
            self.first = time.monotonic() - self.started
            self.first_count = self.tried
        self.entries[whole] = FrontierEntry(whole, log_prior, ll)

    def frontier(self) -> Frontier:
        best = sorted(self.entries.values(), key=lambda e: -e.log_posterior)[:self.config.max_frontier]
        stats = SearchStats(self.tried, time.monotonic() - self.started, self.first, self.first_count,
                            self.timed_out, f"{self.search.name}+deduction")
        return Frontier(self.task.name, self.task.request_type, tuple(best), stats)


def _interleaved(run: "_DeductionRun", search: SteppableStrategy, after: list[tuple[Subproblem, float]],
                 cases: CaseSplit | None, case_share: float, reserved: float) -> Frontier:
    """The ordinary search and the last resorts, interleaved: the ordinary search runs for as
    long as the last resorts' share (``reserved``, of the budget in seconds or programs),
    then they run on that share, then the ordinary search resumes where it paused, on what
    it has left.  Each gets what it would get run one after the other, but a task that the
    last resorts solve is solved early; a hole's own search is scheduled the same way, so a
    last resort nested in a hole gets its time before the hole's budget is spent."""
    task, grammar, config = run.task, run.grammar, run.config
    state = search.init(task, grammar, config, task_key(config, task))
    in_programs = config.max_programs is not None
    total = (max(1, config.max_programs - run.tried - int(reserved * config.max_programs))  # type: ignore[operator]
             if in_programs else None)
    offset, before = time.monotonic() - run.started, run.tried
    if in_programs:
        first = replace(config, max_programs=max(1, min(total, int(reserved * config.max_programs))))  # type: ignore[operator, type-var]
        pause = None
    else:
        # no later than the last resorts' share before the deadline: what the holes searched
        # first have spent comes out of the ordinary search's first stretch, not out of theirs
        first, pause = config, min(time.monotonic() + reserved * run.budget,
                                   run.deadline - reserved * run.budget)
    found = run_steps(search.name, state, search.step, task, first, run.deadline, pause=pause)
    if found.solved or time.monotonic() >= run.deadline:
        return _shifted(found, offset, before)
    paused = found.stats.programs_tried
    run.tried += paused  # the paused search counts toward the holes' statistics
    # The last resorts, on their share; all the time left when the ordinary search is done.
    resume_deadline = run.deadline
    if not state.done and not in_programs:
        run.deadline = min(resume_deadline, time.monotonic() + reserved * run.budget)
    solved = (bool(after) and run.holes(after, fill=True, keep=case_share)) or (
        cases is not None and run.cases(cases, case_share))
    run.deadline = resume_deadline
    run.timed_out = time.monotonic() >= resume_deadline
    if solved:
        return run.frontier()
    # (the ordinary search's own count, which its frontier holds, is counted once)
    if state.done:
        return _shifted(found, time.monotonic() - run.started - found.stats.seconds, run.tried - paused)
    offset = time.monotonic() - run.started
    resumed = replace(config, max_programs=total) if in_programs else config
    found = run_steps(search.name, state, search.step, task, resumed, run.deadline)
    return _shifted(found, offset, run.tried - paused)


def _hole_key(hole: Task) -> str:
    return f"{hole.request_type}|{[(e.inputs, e.output) for e in hole.examples]!r}"


MAX_ASSEMBLIES = 64
"""The most whole programs built from one subproblem's holes (the best solutions of each
first): with one hole, its first 64 solutions; with several, the best combinations."""


def _combinations(options: list[list[Program]], limit: int) -> list[tuple[Program, ...]]:
    """Up to ``limit`` choices of one program per hole, in order of the sum of their ranks."""
    if len(options) == 1:
        return [(p,) for p in options[0][:limit]]
    out: list[tuple[Program, ...]] = []
    total = 0
    deepest = sum(len(o) - 1 for o in options)
    while len(out) < limit and total <= deepest:
        out.extend(tuple(o[i] for o, i in zip(options, ranks)) for ranks in _ranks(options, total))
        total += 1
    return out[:limit]


def _ranks(options: list[list[Program]], total: int):
    """Every choice of one rank per hole (within its list) whose ranks sum to ``total``."""
    if len(options) == 1:
        if total < len(options[0]):
            yield (total,)
        return
    for i in range(min(total, len(options[0]) - 1) + 1):
        for rest in _ranks(options[1:], total - i):
            yield (i, *rest)


def _shifted(frontier: Frontier, offset: float, tried: int) -> Frontier:
    """``frontier`` with its statistics counted from the start of the task's search."""
    s = frontier.stats
    stats = SearchStats(s.programs_tried + tried, offset + s.seconds,
                        None if s.time_to_first_solution is None else offset + s.time_to_first_solution,
                        None if s.programs_before_first_solution is None else tried + s.programs_before_first_solution,
                        s.timed_out, s.strategy, s.error)
    return Frontier(frontier.task_name, frontier.request_type, frontier.entries, stats)


def subproblems(task: Task, library: Any, deductions: Sequence[Deduction]) -> list[tuple[Subproblem, bool, float]]:
    """Each subproblem of ``deductions`` that applies to ``task``, with whether its
    deduction is a last resort and its weight."""
    found: list[tuple[Subproblem, bool, float]] = []
    for d in deductions:
        try:
            found.extend((replace(sub, deduction=d.name), d.last_resort, d.weight) for sub in d.split(task, library))
        except InductError:
            continue
    return found
