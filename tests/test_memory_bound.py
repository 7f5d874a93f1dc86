"""Enumeration past its memory bound: the same programs in the same bands, nothing more stored."""

import math
import time

import pytest

from induct.grammar import Grammar
from induct.search.base import SearchConfig
from induct.search.enumeration import EnumerationRun
from induct.search.table import Table, build_program
from induct.tasks import load_tasks
from induct.types import parse_type

from test_enumeration import _random_contextual

REQUESTS = ["list(int) -> list(int)", "list(int) -> int", "list(t0) -> t0 -> bool",
            "(int -> bool) -> list(int) -> list(bool)"]


def _band(table, lo, hi):
    return {table.wrap(build_program(rule, kids)): cost for cost, rule, kids in table.band(lo, hi)}


def _streamed(table, lo, hi):
    out = {}
    for r, rule in enumerate(table.rules_of(table.root)):
        for cost, _, kids in table.stream_rule(table.root, r, lo, hi):
            if lo < cost <= hi:
                out[table.wrap(build_program(rule, kids))] = cost
    return out


@pytest.mark.parametrize("request_text", REQUESTS)
@pytest.mark.parametrize("contextual", [False, True])
def test_streaming_from_a_partly_grown_table_gives_the_same_programs(lists_library, request_text, contextual):
    request = parse_type(request_text)
    g = _random_contextual(lists_library, 11) if contextual else Grammar.uniform(lists_library)
    expected = _band(Table(g, request), -1.0, 11.0)
    assert len(expected) > 100
    for grown_to in (0.0, 5.0, 8.0):
        table = Table(g, request)
        _band(table, -1.0, grown_to)  # grows the children's states up to what that band needs
        stored = table.stored
        got = _streamed(table, -1.0, 11.0)
        assert table.stored == stored  # streaming stores nothing
        assert got.keys() == expected.keys()
        assert all(math.isclose(got[p], expected[p], abs_tol=1e-9) for p in got)


def _run(task, grammar, strategy, memory_mb):
    config = SearchConfig(timeout=600, max_cost=15.0, stop_when_full=False, max_frontier=1000,
                          memory_mb=memory_mb)
    run = EnumerationRun(task, grammar, config, strategy, observational=strategy == "bottom_up")
    frontier = run.run(time.monotonic() + 600)
    return run, frontier.stats.programs_tried, {e.program: e.log_prior for e in frontier.entries}


@pytest.mark.parametrize("strategy", ["enumerate", "bottom_up"])
def test_a_search_past_its_memory_bound_finds_the_same_programs(lists_library, strategy, monkeypatch):
    import induct.search.enumeration as enumeration

    g = Grammar.uniform(lists_library)
    tasks = [t for t in load_tasks("lists") if t.name in ("add-k with k=1", "index-k with k=2")]
    assert len(tasks) == 2
    for task in tasks:
        free, tried, found = _run(task, g, strategy, 1e9)
        assert not free.streaming and found
        # From the start (a bound of 0 MB) ...
        bounded, tried0, found0 = _run(task, g, strategy, 0.0)
        assert bounded.streaming and bounded.table.stored == 0
        _same(strategy, (tried0, found0), (tried, found))
        # ... and from the middle of a band: the resident size jumps after a few reads.
        reads = iter(range(10**6))
        monkeypatch.setattr(EnumerationRun, "memory_check_every", 500)
        monkeypatch.setattr(enumeration, "resident_mb", lambda: 0.0 if next(reads) < 2 else 1e6)
        switched, tried1, found1 = _run(task, g, strategy, 100.0)
        monkeypatch.undo()
        assert switched.streaming and 0 < switched.table.stored < free.table.stored
        _same(strategy, (tried1, found1), (tried, found))


def _same(strategy, got, expected):
    if strategy == "enumerate":
        assert got == expected
    else:
        # Observational equivalence prunes only against what is stored: past the bound a
        # bottom-up search tries more programs (equivalent ones among them), never fewer.
        (tried, found), (tried_free, found_free) = got, expected
        assert tried >= tried_free
        assert found_free.items() <= found.items()
