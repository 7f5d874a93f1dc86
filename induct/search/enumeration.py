"""Enumeration: programs in order of prior probability, checked against a task as they come.

The root's programs are streamed band by band — all programs with cost (−log prior) in
(lo, lo + band_width] — from the memoised :class:`~induct.search.table.Table`, without
being stored.  Each is checked on the first example first and dropped at its first wrong
output; its children's values on the examples are already cached, so checking a program
costs one call of its head primitive per example tried.

:func:`enumerate_programs` is the generator API (exact non-increasing prior order, bands
sorted); :func:`enumerative_search` is the strategy's core.
"""

from __future__ import annotations

import gc
import math
import os
import resource
import sys
from bisect import bisect_right
from typing import Any, Iterator

from induct.likelihood.base import BatchLikelihood, OutputScorer
from induct.programs import FAILED, Program
from induct.programs.evaluation import compile_program
from induct.programs.limits import start as _start
from induct.search.base import SearchConfig, SearchTimeout
from induct.search.closures import UNSET, value_of
from induct.search.driver import Budget, Found, run_steps
from induct.search.frontier import Frontier
from induct.search.table import EPS, Entry, Table, build_program
from induct.tasks import Task
from induct.types import Type

__all__ = ["enumerate_programs", "enumerative_search", "EnumerationRun", "resident_mb"]


class _MemoryFull(SearchTimeout):
    """The tables reached the search's memory bound (``SearchConfig.memory_mb``)."""


def resident_mb() -> float:
    """This process's resident memory in MB (Linux: now; elsewhere: its peak so far)."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * _PAGE / 2**20
    except (OSError, ValueError, IndexError):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def enumerate_programs(grammar: Any, request: Type, *, max_programs: int | None = None,
                       max_cost: float = 60.0, band_width: float = 1.0,
                       exact_order: bool = True) -> Iterator[tuple[Program, float]]:
    """Yield ``(program, log_prior)`` for the programs of ``request``, most probable first.

    Programs are η-long and well typed; each appears once.  With ``exact_order`` every band
    is sorted, so the log priors never increase (ties in any order); otherwise the order is
    exact only between bands of ``band_width`` nats, as in DreamCoder.

    Example:
        >>> from induct.dsl import load_library
        >>> from induct.grammar import Grammar
        >>> from induct.types import parse_type
        >>> g = Grammar.uniform(load_library("lists"))
        >>> [str(p) for p, _ in enumerate_programs(g, parse_type("list(int) -> int"), max_programs=2)]
        ['(lambda (length $0))', '(lambda (car $0))']
    """
    table = Table(grammar, request)
    produced = 0
    lo = -1.0
    while lo < max_cost:
        hi = min(band_width if lo < 0 else lo + band_width, max_cost)
        band = table.band(lo, hi)
        if exact_order:
            items = sorted(band, key=_cost)
        else:
            items = band  # type: ignore[assignment]
        for cost, rule, kids in items:
            yield table.wrap(build_program(rule, kids)), -cost
            produced += 1
            if max_programs is not None and produced >= max_programs:
                return
        lo = hi


def _cost(item: tuple) -> float:
    return item[0]


class EnumerationRun:
    """One task's enumeration, as a steppable state: counts programs and checks them.

    The bands are one generator (:meth:`_bands`) that pauses at the points where the loop
    used to look at the clock (every combination of arguments, every 1024 programs of the
    fast path, every find); :meth:`advance` resumes it for one step of the driver
    (:func:`induct.search.driver.drive`), which owns the deadline and the frontier.
    """

    memory_check_every = 4096
    """New stored entries between two readings of the resident size."""

    def __init__(self, task: Task, grammar: Any, config: SearchConfig, strategy: str = "enumerate",
                 observational: bool = False, scorer: OutputScorer | None = None) -> None:
        """``scorer`` (outputs on every example -> log likelihood) replaces the config's
        likelihood model when given: a search that looks for something other than a
        solution (the case split's branches, say) scores candidates with it."""
        self.task = task
        self.config = config
        self.strategy = strategy
        self.library = grammar.library
        envs = [tuple(reversed(e.inputs)) for e in task.examples]
        self.table = Table(grammar, task.request_type, envs, config.limits, observational)
        self.outputs = [e.output for e in task.examples]
        self.n = len(self.outputs)
        self.limits = config.limits
        self.model = config.likelihood_model()
        self.exact = config.likelihood == "exact" and scorer is None
        self.score = scorer if scorer is not None else None if self.exact else self.model.output_scorer(task)
        self.pending: list | None = (
            [] if self.score is None and not self.exact and isinstance(self.model, BatchLikelihood) else None)
        """Candidates waiting to be scored together (a :class:`BatchLikelihood` model)."""
        self.tried = 0
        self.done = False
        self.timed_out = False
        self.error: str | None = None
        self.found: list[Found] = []
        """What the current step found."""
        self.streaming = False
        """Past the memory bound: nothing more is stored (see :meth:`Table.stream`)."""
        self.streamed_from: int | None = None
        """Programs tried before the band in which the memory bound was reached."""
        self._memory_base = resident_mb()
        self._next_memory_check = 0
        self._budget: Budget | None = None
        self.table.interrupt = self._check
        self._work = self._bands()

    def _check(self) -> None:
        """Inside work that cannot pause: the driver's clock, and the memory bound."""
        if self._budget is not None:
            self._budget.check()
        if not self.streaming and self.table.stored >= self._next_memory_check:
            # Reading the resident size costs microseconds: once per few thousand new entries.
            self._next_memory_check = self.table.stored + self.memory_check_every
            if resident_mb() - self._memory_base >= self.config.memory_mb:
                raise _MemoryFull

    # --- one step ----------------------------------------------------------------------
    def advance(self, budget: Budget) -> list[Found]:
        """Resume the enumeration for at most ``budget.programs`` programs, until it finds
        something, or until the budget's clock runs out; returns what it found."""
        self._budget = budget
        self.found = []
        target = self.tried + budget.programs
        gc_was_enabled = gc.isenabled()
        # The table holds millions of long-lived, acyclic objects; the cyclic collector would
        # traverse them again and again (with it off, search runs about 1.6x faster; see
        # benchmarks/enumeration_speed.py).  Reference counting frees them; the collector
        # is back on as soon as the step ends.
        gc.disable()
        try:
            for _ in self._work:
                if self.tried >= target or self.found:
                    break
                if budget.expired():
                    raise SearchTimeout
            else:
                self.done = True
            self._flush_pending()
        except SearchTimeout:
            self.done = self.timed_out = True  # candidates still waiting for a batched model are not scored
        except RecursionError:
            self.done = True
            self.error = "recursion limit reached while building programs"
        finally:
            self._budget = None
            if gc_was_enabled:
                gc.enable()
        return self.found

    def run(self, deadline: float) -> Frontier:
        """The whole search until ``deadline``, through the driver."""
        return run_steps(self.strategy, self, advance_step, self.task, self.config, deadline)

    # --- the loop ----------------------------------------------------------------------
    def _bands(self) -> Iterator[None]:
        lo = -1.0
        while lo < self.config.max_cost:
            hi = min(self.config.band_width if lo < 0 else lo + self.config.band_width, self.config.max_cost)
            tried = self.tried
            try:
                if self.streaming:
                    yield from self._stream_band(lo, hi)
                else:
                    yield from self._band(lo, hi)
            except _MemoryFull:
                # The band again from its start, storing nothing more (the frontier keeps
                # each program once; the count restarts where the band began).
                self.streaming = True
                self.tried = tried
                self.streamed_from = tried
                yield from self._stream_band(lo, hi)
            self._flush_pending()
            lo = hi

    def _band(self, lo: float, hi: float) -> Iterator[None]:
        table = self.table
        root = table.root
        for r, rule in enumerate(table.rules_of(root)):
            yield
            if rule.arity == 0:
                if lo < rule.cost <= hi:
                    if self._check_entry(table.make_entry(root, rule, (), rule.cost), (), rule):
                        yield
                continue
            for pcost, kids, path, _ in table.combinations(root, r, lo, hi, rule.arity - 1):
                yield
                child, _, _ = table.transition(root, r, path)
                table.ensure(child, hi - pcost)
                yield from self._last(rule, kids, child, pcost, lo, hi)

    def _stream_band(self, lo: float, hi: float) -> Iterator[None]:
        """:meth:`_band` past the memory bound: the same programs, their new subprograms not kept."""
        table = self.table
        root = table.root
        for r, rule in enumerate(table.rules_of(root)):
            yield
            for total, _, kids in table.stream_rule(root, r, lo, hi):
                if not lo < total <= hi:
                    continue
                if not self.tried & 255:
                    yield
                if self._check_entry(table.make_entry(root, rule, kids, total), kids, rule):
                    yield

    def _last(self, rule: Any, kids: tuple, child: Any, pcost: float, lo: float, hi: float) -> Iterator[None]:
        """Check every program ``rule(kids..., e)`` for ``e`` in ``child`` within the band."""
        info = rule.info
        fast = self.exact and info.kind == "strict" and rule.arity <= 3
        if fast:
            pre = [value_of(k, 0) for k in kids]
            dead = any(v is FAILED for v in pre)
            fn = info.value
            out0 = self.outputs[0]
            limits = self.limits
        for costs, entries in child.groups.values():
            a = bisect_right(costs, lo - pcost - EPS)
            b = bisect_right(costs, hi - pcost + EPS)
            if a >= b:
                continue
            if not fast:
                for i in range(a, b):
                    total = pcost + costs[i]
                    if lo < total <= hi:
                        if self._check_entry(self.table.make_entry(self.table.root, rule, kids + (entries[i],), total),
                                             kids + (entries[i],), rule):
                            yield
                        elif not self.tried & 1023:
                            yield  # as the fast path does: the driver's program count and clock
                continue
            if dead:
                self.tried += sum(1 for i in range(a, b) if lo < pcost + costs[i] <= hi)
                yield
                continue
            tried = self.tried
            for i in range(a, b):
                total = pcost + costs[i]
                if not lo < total <= hi:
                    continue
                tried += 1
                if not tried & 1023:
                    self.tried = tried
                    yield
                e = entries[i]
                x = e.vals[0]
                if x is UNSET:
                    x = value_of(e, 0)
                if x is FAILED:
                    continue
                _start(limits)
                try:
                    if len(pre) == 0:
                        y = fn(x)
                    elif len(pre) == 1:
                        y = fn(pre[0], x)
                    else:
                        y = fn(pre[0], pre[1], x)
                except Exception:
                    continue
                if y == out0:
                    self.tried = tried
                    if self._rest(rule, kids + (e,), total):
                        yield
            self.tried = tried

    def _rest(self, rule: Any, kids: tuple, total: float) -> bool:
        """The first example matched (fast path): check the others, then record."""
        fn = rule.info.value
        limits = self.limits
        for i in range(1, self.n):
            # Each example may take the whole per-example time limit: on a task with many
            # examples, a slow program that keeps matching must not run past the deadline.
            self._check()
            args = []
            for k in kids:
                v = value_of(k, i)
                if v is FAILED:
                    return False
                args.append(v)
            _start(limits)
            try:
                y = fn(*args)
            except Exception:
                return False
            if y != self.outputs[i]:
                return False
        self._record(rule, kids, total, 0.0)
        return True

    def _check_entry(self, entry: Entry, kids: tuple, rule: Any) -> bool:
        """The general path: any head, any likelihood.  True when something was found."""
        self.tried += 1
        if self.exact:
            for i in range(self.n):
                if i:
                    self._check()  # as in _rest
                v = value_of(entry, i)
                if v is FAILED or v != self.outputs[i]:
                    return False
            self._record(rule, kids, entry.cost, 0.0)
            return True
        if self.score is None:
            # The model scores whole programs (e.g. it infers their constants).
            program = self.table.wrap(build_program(rule, kids))
            if self.pending is not None:
                self.pending.append((program, entry.cost, self.tried))
                return len(self.pending) >= self.model.batch_size and self._flush()
            ll = self.model.log_likelihood(compile_program(program, self.library, {}), self.task)
            if ll > -math.inf:
                self.found.append(Found(program, -entry.cost, ll, self.tried))
                return True
            return False
        outputs = [value_of(entry, i) for i in range(self.n)]
        ll = self.score(outputs)
        if ll > -math.inf:
            self._record(rule, kids, entry.cost, ll)
            return True
        return False

    def _flush_pending(self) -> None:
        if self.pending:
            self._flush()

    def _flush(self) -> bool:
        """Score the candidates waiting for a batched model, in one call; True if any fits."""
        pending, self.pending = self.pending or [], []
        if not pending:
            return False
        lls = self.model.log_likelihoods([compile_program(p, self.library, {}) for p, _, _ in pending], self.task)
        before = len(self.found)
        for (program, cost, tried), ll in zip(pending, lls):
            if ll > -math.inf:
                self.found.append(Found(program, -cost, ll, tried))
        return len(self.found) > before

    def _record(self, rule: Any, kids: tuple, total: float, ll: float) -> None:
        # The shared values decide: they agree with the reference evaluator on every program
        # (tests/test_evaluators_agree.py), so a hit is not run again.
        self.found.append(Found(self.table.wrap(build_program(rule, kids)), -total, ll, self.tried))


def advance_step(state: EnumerationRun, budget: Budget) -> tuple[EnumerationRun, list[Found]]:
    """The enumeration strategies' ``step``: :meth:`EnumerationRun.advance`, in the driver's shape."""
    return state, state.advance(budget)


def enumerative_search(task: Task, grammar: Any, config: SearchConfig, deadline: float,
                       strategy: str = "enumerate", observational: bool = False) -> Frontier:
    """Enumerate programs for ``task`` in order of prior until the deadline (or a limit)."""
    return EnumerationRun(task, grammar, config, strategy, observational).run(deadline)
