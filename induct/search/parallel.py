"""Solving many tasks in parallel over local processes, with per-task timeouts.

Each worker is a separate process (``spawn`` context) that solves one task at a time.  A
task's wall timeout is respected by the strategy itself; a worker that overruns it by more
than a grace period, or dies (a primitive that calls ``os._exit``, a crash in an extension),
is killed and replaced; the task is retried once, and keeps every entry the dead worker had
streamed (its frontier records the error).  Log records of the workers' ``induct`` loggers
are sent to the parent and emitted there.

Grammars cross the process boundary as text: the library as a grammar file
(:meth:`Library.to_text`) and the weights by production name, so that semantics defined as
lambdas (which do not pickle) are re-imported by the worker from their module.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import multiprocessing
import os
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Callable, Mapping, Sequence

from induct.errors import InductError
from induct.programs.limits import WallLimit, wall_limit
from induct.search import base
from induct.search.base import SearchConfig, get_strategy, streaming_entries
from induct.search.decompose import search_with_decompositions
from induct.search.frontier import Frontier, FrontierEntry, SearchStats
from induct.search.worker_logs import emit, forwarding_logs, parent_level
from induct.tasks import Task

__all__ = ["solve_tasks", "solve_task", "collector_paused", "Progress", "grammar_to_spec", "grammar_from_spec",
           "GRACE_SECONDS"]

GRACE_SECONDS = 5.0
"""How long past its timeout a task may run before its worker is killed."""


@dataclass(frozen=True, slots=True)
class Progress:
    """One finished task, as reported to a ``progress`` callback."""

    done: int
    total: int
    solved: int
    elapsed: float
    task_name: str
    frontier: Frontier


# --- grammars as data ------------------------------------------------------------------

def grammar_to_spec(grammar: Any) -> dict:
    """A picklable, text-only description of a Grammar or ContextualGrammar."""
    from induct.grammar import ContextualGrammar, Grammar

    library = grammar.library
    names = [p.name for p in library.productions]

    def weights(g: Grammar) -> dict:
        return {"weights": dict(zip(names, g.log_weights)), "variable": g.log_variable}

    spec: dict = {"library": library.to_text(), "source": library.source}
    if isinstance(grammar, ContextualGrammar):
        spec["kind"] = "contextual"
        spec["no_parent"] = weights(grammar.no_parent)
        spec["variable_parent"] = weights(grammar.variable_parent)
        spec["by_parent"] = {name: [weights(g) for g in row] for name, row in zip(names, grammar.library_grammars)}
    elif isinstance(grammar, Grammar):
        spec["kind"] = "unigram"
        spec.update(weights(grammar))
    else:
        raise InductError(f"expected a Grammar or ContextualGrammar, got {type(grammar).__name__}")
    return spec


_LIBRARIES: dict[str, Any] = {}


def grammar_from_spec(spec: dict) -> Any:
    """Rebuild a grammar from :func:`grammar_to_spec` (libraries cached per process)."""
    from induct.dsl import parse_library
    from induct.grammar import ContextualGrammar, Grammar

    key = hashlib.sha1(spec["library"].encode()).hexdigest()
    library = _LIBRARIES.get(key)
    if library is None:
        library = parse_library(spec["library"], spec.get("source", "<grammar>"))
        _LIBRARIES[key] = library
    names = [p.name for p in library.productions]

    def unigram(w: dict) -> Grammar:
        return Grammar(library, tuple(float(w["weights"][n]) for n in names), float(w["variable"]))

    if spec["kind"] == "unigram":
        return unigram(spec)
    rows = tuple(tuple(unigram(w) for w in spec["by_parent"][n]) for n in names)
    return ContextualGrammar(unigram(spec["no_parent"]), unigram(spec["variable_parent"]), rows)


# --- one task ---------------------------------------------------------------------------

@contextlib.contextmanager
def collector_paused():
    """Keep Python's cyclic garbage collector off inside (restored as it was on leaving).

    An enumeration table holds millions of objects, many in small reference cycles, that
    become garbage together when the search ends.  A collection triggered then (by the next
    allocation once the collector is back on) traverses all of them: seconds, more on a busy
    machine, charged to the task that happens to be running.  With the collector paused for
    the whole task, the garbage is left for the caller to collect when no clock is running
    (a worker does so after sending its answer).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


WALL_GRACE = 1.0
"""Seconds past a task's timeout before the in-process watchdog interrupts its search."""


def solve_task(task: Task, grammar: Any, strategy: str, config: SearchConfig) -> Frontier:
    """Run one strategy on one task in this process (errors become the frontier's ``error``).

    A watchdog holds the timeout even against a primitive that sleeps or spins in Python:
    ``WALL_GRACE`` seconds past it, the search is interrupted and its frontier is what it had
    found by then (see :func:`induct.programs.limits.wall_limit`).
    """
    search = get_strategy(strategy)
    started = time.monotonic()
    deadline = started + config.timeout
    found: dict[Any, Any] = {}
    outer = base._ENTRY_SINK

    def keep(name: str, entry: Any) -> None:
        if name == task.name:
            found[entry.program] = entry
        if outer is not None:
            outer(name, entry)

    with collector_paused():
        try:
            with streaming_entries(keep), wall_limit(config.timeout + WALL_GRACE,
                                                     f"task {task.name!r} ran past its timeout"):
                bound = grammar.bind(task) if hasattr(grammar, "bind") else grammar  # task-bound literals
                return search_with_decompositions(search, task, bound, config, deadline)
        except WallLimit:
            best = sorted(found.values(), key=lambda e: -e.log_posterior)[:config.max_frontier]
            stats = SearchStats(0, time.monotonic() - started, None, None, True, strategy,
                                f"interrupted {WALL_GRACE:g} s past the {config.timeout:g} s timeout "
                                "(a primitive did not return)")
            return Frontier(task.name, task.request_type, tuple(best), stats)
        except (InductError, RecursionError, MemoryError) as e:
            return _failed(task, strategy, f"{type(e).__name__}: {e}")


def _failed(task: Task, strategy: str, error: str, seconds: float = 0.0, timed_out: bool = False) -> Frontier:
    return Frontier(task.name, task.request_type, (),
                    SearchStats(0, seconds, None, None, timed_out, strategy, error))


def _exit_with_parent(parent: int, period: float = 0.5) -> None:
    """Start a daemon thread that ends this process once ``parent`` is gone.

    A parent killed outright (SIGKILL) cannot stop its workers; without this they would
    search on, unseen, until their current task's timeout.
    """
    import threading

    def watch() -> None:
        while True:
            time.sleep(period)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="induct-parent-watch", daemon=True).start()


def _worker_main(connection: Connection, parent: int | None = None) -> None:
    """Worker loop: receive (task, grammar spec, strategy, config), answer with the frontier."""
    if parent is not None:
        _exit_with_parent(parent)
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        index, task, spec, strategy, config, level = message
        connection.send(("start", index))
        try:
            # The answer is sent before the search's garbage is collected: the parent times
            # a task from its "start", so the collection below delays no task's clock.
            def stream(name: str, entry: FrontierEntry, index: int = index, top: str = task.name) -> None:
                if name == top:  # a decomposition's hole searches stream nothing
                    connection.send(("entry", index, _entry_json(entry)))

            def forward(record: dict, index: int = index) -> None:
                connection.send(("log", index, record))

            with collector_paused(), streaming_entries(stream), forwarding_logs(forward, level):
                grammar = grammar_from_spec(spec)
                frontier = solve_task(task, grammar, strategy, config)
                connection.send(("done", index, frontier.to_json()))
        except Exception as e:  # report, keep serving
            connection.send(("error", index, f"{type(e).__name__}: {e}"))
        del frontier, grammar  # drop them before the next task arrives
        gc.collect()


class _Worker:
    def __init__(self, context: Any) -> None:
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, os.getpid()), daemon=True)
        self.process.start()
        child.close()
        self.task: int | None = None
        self.acknowledged = False  # has this process ever taken a task?
        self.started: float | None = None
        self.sent: float = 0.0
        self.streamed: list[dict] = []  # entries of the current task received so far

    def kill(self) -> None:
        try:
            self.process.kill()
            self.process.join(timeout=5)
        except (OSError, ValueError):
            pass
        self.connection.close()

    def stop(self) -> None:
        try:
            self.connection.send(None)
        except (OSError, ValueError):
            pass
        self.process.join(timeout=2)
        if self.process.is_alive():
            self.kill()


# --- many tasks -------------------------------------------------------------------------

def solve_tasks(tasks: Sequence[Task], grammar: Any, strategy: str = "enumerate",
                config: SearchConfig = SearchConfig(), workers: int | None = None,
                progress: Callable[[Progress], None] | None = None, backend: Any = "local",
                address: str | None = None) -> dict[str, Frontier]:
    """Solve every task with ``strategy``; returns task name -> Frontier (in task order).

    Args:
        tasks: the tasks (names must be distinct).
        grammar: one Grammar / ContextualGrammar for all tasks, or a mapping from task name
            to the grammar of that task (e.g. a recognition model's per-task prior).
        strategy: a name in :data:`~induct.search.base.STRATEGIES`.
        config: search settings; ``config.timeout`` is each task's wall time.
        workers: processes to use (default: all cores); 0 solves in this process.
        progress: called with a :class:`Progress` after each task finishes.
        backend: "local" (worker processes here), "ray", or a
            :class:`~induct.search.backends.Backend`; ``address`` is the Ray cluster's.
    """
    from induct.search.backends import get_backend

    runner = get_backend(backend, address)
    get_strategy(strategy)  # fail early on an unknown name
    names = [t.name for t in tasks]
    if len(set(names)) != len(names):
        raise InductError("task names must be distinct to solve them together")
    per_task = isinstance(grammar, Mapping)
    if per_task:
        missing = [n for n in names if n not in grammar]
        if missing:
            raise InductError(f"no grammar for task(s): {', '.join(missing[:5])}")
    if workers is None:
        workers = os.cpu_count() or 1
    if workers < 0:
        raise InductError(f"workers must be at least 0, got {workers}")
    grammar_of = (lambda t: grammar[t.name]) if per_task else (lambda t: grammar)  # type: ignore[index]
    start = time.monotonic()
    results: dict[str, Frontier] = {}
    solved = 0

    def finish(task: Task, frontier: Frontier) -> None:
        nonlocal solved
        results[task.name] = frontier
        solved += frontier.solved
        if progress is not None:
            progress(Progress(len(results), len(tasks), solved, time.monotonic() - start, task.name, frontier))

    if workers == 0 or not tasks:
        for t in tasks:
            finish(t, solve_task(t, grammar_of(t), strategy, config))
        return {n: results[n] for n in names}
    runner.run(tasks, grammar_of, strategy, config, workers, finish)
    return {n: results[n] for n in names}


def _parallel(tasks: Sequence[Task], grammar_of: Callable[[Task], Any], strategy: str, config: SearchConfig,
              n_workers: int, finish: Callable[[Task, Frontier], None]) -> None:
    context = multiprocessing.get_context("spawn")
    specs: dict[int, dict] = {}
    pending = list(range(len(tasks)))
    pending.reverse()
    pool = [_Worker(context) for _ in range(n_workers)]
    limit = config.timeout + GRACE_SECONDS
    any_started = False
    startup_deaths = 0
    saved: dict[int, list[dict]] = {}  # streamed entries of a task waiting for its retry
    retried: set[int] = set()
    level = parent_level()
    try:
        while pending or any(w.task is not None for w in pool):
            for w in pool:
                if w.task is None and pending:
                    i = pending.pop()
                    g = grammar_of(tasks[i])
                    spec = specs.get(id(g))
                    if spec is None:
                        spec = specs[id(g)] = grammar_to_spec(g)
                    w.task, w.started, w.sent, w.streamed = i, None, time.monotonic(), []
                    w.connection.send((i, tasks[i], spec, strategy, config, level))
            busy = [w for w in pool if w.task is not None]
            ready = wait([w.connection for w in busy] + [w.process.sentinel for w in busy], timeout=0.2)
            now = time.monotonic()
            for k, w in enumerate(pool):
                if w.task is None:
                    continue
                outcome = _poll(w, ready, now, limit)
                any_started = any_started or w.acknowledged
                if outcome is None:
                    continue
                if not w.acknowledged and not w.process.is_alive() and not any_started:
                    startup_deaths += 1
                    if startup_deaths >= n_workers:
                        raise InductError(_startup_failure(w.process.exitcode))
                i, task = w.task, tasks[w.task]
                w.task = None
                library = grammar_of(task).library
                kept = saved.pop(i, []) + w.streamed
                if isinstance(outcome, dict):
                    frontier = _merged(Frontier.from_json(outcome, library), kept, library, config)
                else:
                    died = not w.process.is_alive() and not outcome[1]
                    if outcome[1] or not w.process.is_alive():
                        w.kill()
                        pool[k] = _Worker(context)
                    if died and i not in retried:
                        # Retried once; what the dead worker streamed is merged into the retry's frontier.
                        retried.add(i)
                        saved[i] = kept
                        pending.append(i)
                        continue
                    frontier = _merged(_failed(task, strategy, outcome[0], now - (w.started or w.sent), outcome[1]),
                                       kept, library, config)
                finish(task, frontier)
    finally:
        for w in pool:
            if w.task is None:
                w.stop()
            else:
                w.kill()


def _entry_json(entry: FrontierEntry) -> dict:
    from induct.programs import show

    return {"program": show(entry.program), "log_prior": entry.log_prior, "log_likelihood": entry.log_likelihood}


def _merged(frontier: Frontier, streamed: Sequence[dict], library: Any, config: SearchConfig) -> Frontier:
    """``frontier`` with the streamed entries added (the best per program, the best ``max_frontier``)."""
    if not streamed:
        return frontier
    best: dict[Any, FrontierEntry] = {e.program: e for e in frontier.entries}
    for data in streamed:
        e = FrontierEntry(library.parse(data["program"]), float(data["log_prior"]), float(data["log_likelihood"]))
        old = best.get(e.program)
        if old is None or e.log_posterior > old.log_posterior:
            best[e.program] = e
    entries = sorted(best.values(), key=lambda e: -e.log_posterior)[:config.max_frontier]
    return Frontier(frontier.task_name, frontier.request_type, tuple(entries), frontier.stats)


def _startup_failure(exitcode: int | None) -> str:
    code = "" if exitcode is None else f" (exit code {exitcode})"
    return (f"the search's worker processes exit as they start{code}, before taking any "
            "task. Workers are started with multiprocessing's 'spawn' method, which imports the main "
            "script in every worker: if a script calls induct's search or training at its top level, put "
            "that code under `if __name__ == \"__main__\":`. Or search in this process (workers=0).")


def _poll(w: _Worker, ready: list, now: float, limit: float) -> dict | tuple[str, bool] | None:
    """The frontier's JSON, (error, timed out) for a lost task, or None while it runs."""
    if w.connection in ready:
        try:
            while w.connection.poll():
                message = w.connection.recv()
                if message[0] == "start":
                    w.started = now
                    w.acknowledged = True
                elif message[0] == "entry":
                    w.streamed.append(message[2])
                elif message[0] == "log":
                    emit(message[2])
                elif message[0] == "error":
                    return (message[2], False)
                else:
                    return message[2]
        except (EOFError, OSError):
            pass
    if not w.process.is_alive():
        return (f"worker died (exit code {w.process.exitcode})", False)
    begun = w.started if w.started is not None else w.sent
    # Before the worker has acknowledged the task it may still be starting (imports).
    if now - begun > limit + (0.0 if w.started is not None else 60.0):
        return (f"killed after {now - begun:.1f} s (timeout {limit - GRACE_SECONDS:g} s)", True)
    return None
