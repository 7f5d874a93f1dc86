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
import time
from bisect import bisect_right
from typing import Any, Iterator

from induct.likelihood.base import BatchLikelihood
from induct.programs import FAILED, Program
from induct.programs.evaluation import compile_program
from induct.programs.limits import start as _start
from induct.search.base import FrontierBuilder, SearchConfig, SearchTimeout
from induct.search.closures import UNSET, value_of
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
    """One task's enumeration: counts programs, checks them, collects the frontier."""

    memory_check_every = 4096
    """New stored entries between two readings of the resident size."""

    def __init__(self, task: Task, grammar: Any, config: SearchConfig, deadline: float,
                 strategy: str, observational: bool = False) -> None:
        self.task = task
        self.config = config
        self.deadline = deadline
        self.library = grammar.library
        envs = [tuple(reversed(e.inputs)) for e in task.examples]
        self.table = Table(grammar, task.request_type, envs, config.limits, observational)
        self.outputs = [e.output for e in task.examples]
        self.n = len(self.outputs)
        self.limits = config.limits
        self.builder = FrontierBuilder(task, strategy, config.max_frontier)
        self.model = config.likelihood_model()
        self.exact = config.likelihood == "exact"
        self.score = None if self.exact else self.model.output_scorer(task)
        self.pending: list | None = (
            [] if self.score is None and not self.exact and isinstance(self.model, BatchLikelihood) else None)
        """Candidates waiting to be scored together (a :class:`BatchLikelihood` model)."""
        self.tried = 0
        self.max_programs = config.max_programs if config.max_programs is not None else math.inf
        self.done = False
        self.streaming = False
        """Past the memory bound: nothing more is stored (see :meth:`Table.stream`)."""
        self.streamed_from: int | None = None
        """Programs tried before the band in which the memory bound was reached."""
        self._memory_base = resident_mb()
        self._next_memory_check = 0
        self.table.interrupt = self._deadline_check

    def _deadline_check(self) -> None:
        if time.monotonic() > self.deadline:
            raise SearchTimeout
        if not self.streaming and self.table.stored >= self._next_memory_check:
            # Reading the resident size costs microseconds: once per few thousand new entries.
            self._next_memory_check = self.table.stored + self.memory_check_every
            if resident_mb() - self._memory_base >= self.config.memory_mb:
                raise _MemoryFull

    # --- the loop ----------------------------------------------------------------------
    def run(self) -> Frontier:
        timed_out = False
        error = None
        gc_was_enabled = gc.isenabled()
        # The table holds millions of long-lived, acyclic objects; the cyclic collector would
        # traverse them again and again (with it off, search runs about 1.6x faster; see
        # benchmarks/enumeration_speed.py).  Reference counting frees them; the collector
        # is back on as soon as the search ends.
        gc.disable()
        try:
            lo = -1.0
            while lo < self.config.max_cost and not self.done:
                hi = min(self.config.band_width if lo < 0 else lo + self.config.band_width, self.config.max_cost)
                tried = self.tried
                try:
                    if self.streaming:
                        self._stream_band(lo, hi)
                    else:
                        self._band(lo, hi)
                except _MemoryFull:
                    # The band again from its start, storing nothing more (the frontier keeps
                    # each program once; the count restarts where the band began).
                    self.streaming = True
                    self.tried = tried
                    self.streamed_from = tried
                    self._stream_band(lo, hi)
                self._flush_pending()
                lo = hi
            self._flush_pending()
        except SearchTimeout:
            timed_out = True  # candidates still waiting for a batched model are not scored
        except RecursionError:
            error = "recursion limit reached while building programs"
        finally:
            if gc_was_enabled:
                gc.enable()
        return self.builder.frontier(self.tried, timed_out, error)

    def _tick(self) -> None:
        self._deadline_check()
        if self.tried >= self.max_programs:
            self.done = True

    def _band(self, lo: float, hi: float) -> None:
        table = self.table
        root = table.root
        for r, rule in enumerate(table.rules_of(root)):
            if self.done:
                return
            self._tick()
            if rule.arity == 0:
                if lo < rule.cost <= hi:
                    self._check_entry(table.make_entry(root, rule, (), rule.cost), (), rule)
                continue
            for pcost, kids, path, _ in table.combinations(root, r, lo, hi, rule.arity - 1):
                self._tick()
                if self.done:
                    return
                child, _, _ = table.transition(root, r, path)
                table.ensure(child, hi - pcost)
                self._last(rule, kids, child, pcost, lo, hi)

    def _stream_band(self, lo: float, hi: float) -> None:
        """:meth:`_band` past the memory bound: the same programs, their new subprograms not kept."""
        table = self.table
        root = table.root
        for r, rule in enumerate(table.rules_of(root)):
            self._tick()
            if self.done:
                return
            for total, _, kids in table.stream_rule(root, r, lo, hi):
                if not lo < total <= hi:
                    continue
                if not self.tried & 255:
                    self._tick()
                    if self.done:
                        return
                self._check_entry(table.make_entry(root, rule, kids, total), kids, rule)
                if self.done:
                    return

    def _last(self, rule: Any, kids: tuple, child: Any, pcost: float, lo: float, hi: float) -> None:
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
                        self._check_entry(self.table.make_entry(self.table.root, rule, kids + (entries[i],), total),
                                          kids + (entries[i],), rule)
                        if self.done:
                            return
                continue
            if dead:
                self.tried += sum(1 for i in range(a, b) if lo < pcost + costs[i] <= hi)
                self._tick()
                continue
            tried = self.tried
            for i in range(a, b):
                total = pcost + costs[i]
                if not lo < total <= hi:
                    continue
                tried += 1
                if not tried & 1023:
                    self.tried = tried
                    self._tick()
                    if self.done:
                        return
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
                    self._rest(rule, kids + (e,), total)
                    if self.done:
                        return
            self.tried = tried

    def _rest(self, rule: Any, kids: tuple, total: float) -> None:
        """The first example matched (fast path): check the others, then record."""
        fn = rule.info.value
        limits = self.limits
        for i in range(1, self.n):
            # Each example may take the whole per-example time limit: on a task with many
            # examples, a slow program that keeps matching must not run past the deadline.
            self._deadline_check()
            args = []
            for k in kids:
                v = value_of(k, i)
                if v is FAILED:
                    return
                args.append(v)
            _start(limits)
            try:
                y = fn(*args)
            except Exception:
                return
            if y != self.outputs[i]:
                return
        self._record(rule, kids, total, 0.0)

    def _check_entry(self, entry: Entry, kids: tuple, rule: Any) -> None:
        """The general path: any head, any likelihood."""
        self.tried += 1
        if self.exact:
            for i in range(self.n):
                if i:
                    self._deadline_check()  # as in _rest
                v = value_of(entry, i)
                if v is FAILED or v != self.outputs[i]:
                    return
            self._record(rule, kids, entry.cost, 0.0)
        elif self.score is None:
            # The model scores whole programs (e.g. it infers their constants).
            program = self.table.wrap(build_program(rule, kids))
            if self.pending is not None:
                self.pending.append((program, entry.cost, self.tried))
                if len(self.pending) >= self.model.batch_size:
                    self._flush()
                return
            ll = self.model.log_likelihood(compile_program(program, self.library, {}), self.task)
            if ll > -math.inf:
                self.builder.add(program, -entry.cost, ll, self.tried)
        else:
            outputs = [value_of(entry, i) for i in range(self.n)]
            ll = self.score(outputs)
            if ll > -math.inf:
                self._record(rule, kids, entry.cost, ll)

    def _flush_pending(self) -> None:
        if self.pending:
            self._flush()

    def _flush(self) -> None:
        """Score the candidates waiting for a batched model, in one call."""
        pending, self.pending = self.pending or [], []
        if not pending:
            return
        lls = self.model.log_likelihoods([compile_program(p, self.library, {}) for p, _, _ in pending], self.task)
        for (program, cost, tried), ll in zip(pending, lls):
            if ll > -math.inf:
                self.builder.add(program, -cost, ll, tried)

    def _record(self, rule: Any, kids: tuple, total: float, ll: float) -> None:
        # The shared values decide: they agree with the reference evaluator on every program
        # (tests/test_evaluators_agree.py), so a hit is not run again.
        program = self.table.wrap(build_program(rule, kids))
        self.builder.add(program, -total, ll, self.tried)
        if self.exact and self.config.stop_when_full and self.builder.full:
            self.done = True


def enumerative_search(task: Task, grammar: Any, config: SearchConfig, deadline: float,
                       strategy: str = "enumerate", observational: bool = False) -> Frontier:
    """Enumerate programs for ``task`` in order of prior until the deadline (or a limit)."""
    return EnumerationRun(task, grammar, config, deadline, strategy, observational).run()
