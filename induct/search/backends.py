"""Where :func:`induct.search.parallel.solve_tasks` runs its tasks: one dispatch interface.

A backend takes the tasks and calls ``finish(task, frontier)`` once per task, in any order;
the driver (``solve_tasks``) owns everything else (validation, results, progress).  Search
inside a task is the same code on every backend, seeded by the task alone, and budgets are
counted in programs, so which worker ran a task does not change its frontier.

* :class:`LocalPool` (the default): spawn-context processes on this machine, streaming each
  frontier entry to the parent as it is found.
* :class:`RayBackend`: one Ray task per search task, on an existing cluster (``address``) or a
  local one started on loopback, streaming its finds to a small actor the driver drains.
  Ray is an optional extra, imported only when used.

On both, a task whose worker died is retried once and keeps what the dead worker had
found, and the workers' log records are emitted by the parent's loggers
(:mod:`induct.search.worker_logs`).
"""

from __future__ import annotations

import contextlib
import time
from typing import Any, Callable, Protocol, Sequence

from induct.errors import InductError
from induct.search.base import SearchConfig
from induct.search.frontier import Frontier
from induct.tasks import Task

__all__ = ["Backend", "LocalPool", "RayBackend", "get_backend", "BACKENDS"]

Finish = Callable[[Task, Frontier], None]


class Backend(Protocol):
    """Runs ``strategy`` on every task, calling ``finish`` with each task's frontier."""

    name: str

    def run(self, tasks: Sequence[Task], grammar_of: Callable[[Task], Any], strategy: str,
            config: SearchConfig, workers: int, finish: Finish) -> None: ...

    def map(self, job: Callable[..., Any], arguments: Sequence[tuple], workers: int) -> list[Any]:
        """``[job(*a) for a in arguments]`` on at most ``workers`` workers (``job`` a module-level function)."""
        ...

    def close(self) -> None:
        """Release what :meth:`map` kept for its next call (worker processes)."""
        ...


def _logged_call(job: Callable[..., Any], arguments: tuple, level: int) -> tuple[Any, list[dict]]:
    """``job(*arguments)`` in a worker, with the ``induct`` log records it emitted."""
    from induct.search.worker_logs import forwarding_logs

    records: list[dict] = []
    with forwarding_logs(records.append, level):
        return job(*arguments), records


def _results(answers: Any) -> list[Any]:
    from induct.search.worker_logs import emit

    out = []
    for result, records in answers:
        for record in records:
            emit(record)
        out.append(result)
    return out


class LocalPool:
    """Worker processes on this machine (see :mod:`induct.search.parallel`)."""

    name = "local"

    def run(self, tasks, grammar_of, strategy, config, workers, finish) -> None:
        from induct.search.parallel import _parallel

        _parallel(tasks, grammar_of, strategy, config, min(workers, len(tasks)), finish)

    def __init__(self) -> None:
        self._pool: Any = None  # the worker processes of map, kept for the next call until close

    def map(self, job, arguments, workers) -> list[Any]:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        from induct.search.parallel import _startup_failure
        from induct.search.worker_logs import parent_level

        if not arguments:
            return []
        size = max(1, workers)
        if self._pool is None or self._pool[0] != size:
            self.close()
            self._pool = (size, ProcessPoolExecutor(size, mp_context=multiprocessing.get_context("spawn")))
        level = parent_level()
        try:
            return _results(self._pool[1].map(_logged_call, [job] * len(arguments), arguments,
                                              [level] * len(arguments)))
        except BrokenProcessPool:
            self.close()
            raise InductError("a worker process died before finishing its job; if they die as they "
                              "start: " + _startup_failure(None)) from None

    def close(self) -> None:
        """Stop the processes :meth:`map` started (a later call starts new ones)."""
        if self._pool is not None:
            self._pool[1].shutdown(cancel_futures=True)
            self._pool = None


class _Sink:
    """A small Ray actor the workers push their finds and log records to, drained by the driver.

    Entries are kept per task key until the driver takes them (a worker died or was killed)
    or the worker that found them finished (it then drops them: its frontier has them).
    """

    def __init__(self) -> None:
        self.entries: dict[str, list[dict]] = {}
        self.records: list[dict] = []

    def push(self, items: list[tuple[str, str, dict]]) -> None:
        for kind, key, data in items:
            if kind == "entry":
                self.entries.setdefault(key, []).append(data)
            else:
                self.records.append(data)

    def take(self, key: str) -> list[dict]:
        return self.entries.pop(key, [])

    def drop(self, key: str) -> None:
        self.entries.pop(key, None)

    def logs(self) -> list[dict]:
        out, self.records = self.records, []
        return out


class _Streamer:
    """The worker's side of :class:`_Sink`: finds are sent in batches, at most ``period`` apart.

    The first item goes at once; later ones are gathered by a daemon thread and sent every
    ``period`` seconds, so a worker killed mid-search loses at most its last ``period`` of
    finds, and a search that finds thousands of programs a second makes few actor calls.
    """

    def __init__(self, sink: Any, key: str, period: float = 0.05) -> None:
        import threading

        self.sink, self.key, self.period = sink, key, period
        self.items: list[tuple[str, str, dict]] = []
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.sent_any = False
        self.logged = False
        self.thread = threading.Thread(target=self._loop, name="induct-stream", daemon=True)
        self.thread.start()

    def add(self, kind: str, data: dict) -> None:
        self.logged = self.logged or kind == "log"
        with self.lock:
            self.items.append((kind, self.key, data))
            if not self.sent_any:
                self._flush()

    def _flush(self) -> Any:
        if self.items:
            ref = self.sink.push.remote(self.items)
            self.items, self.sent_any = [], True
            return ref
        return None

    def _loop(self) -> None:
        while not self.stopped.wait(self.period):
            with self.lock:
                self._flush()

    def close(self) -> Any:
        """Send what is left; the reference of the last call, to wait on (None: nothing was left)."""
        self.stopped.set()
        self.thread.join()
        with self.lock:
            return self._flush()


def _ray_solve(task: Task, spec: dict, strategy: str, config: SearchConfig, sink: Any, key: str,
               level: int) -> dict:
    import ray

    from induct.search.base import streaming_entries
    from induct.search.parallel import _entry_json, grammar_from_spec, solve_task
    from induct.search.worker_logs import forwarding_logs

    streamer = _Streamer(sink, key)

    def stream(name: str, entry: Any) -> None:
        if name == task.name:  # a decomposition's hole searches stream nothing
            streamer.add("entry", _entry_json(entry))

    try:
        with forwarding_logs(lambda record: streamer.add("log", record), level), streaming_entries(stream):
            frontier = solve_task(task, grammar_from_spec(spec), strategy, config)
    finally:
        streamer.close()
    if streamer.sent_any:
        done = sink.drop.remote(key)  # the frontier has the entries now
        if streamer.logged:
            # One caller's actor calls run in order: once "drop" has run, every push has, so
            # the driver, which drains the log records last of all, finds them all.
            ray.get(done)
    return frontier.to_json()


_SINKS: dict[str, Any] = {}


def _check_reachable(address: str, seconds: float = 5.0) -> None:
    """Refuse a ``host:port`` (or ``ray://host:port``) nothing listens at: Ray would retry for minutes."""
    import socket

    host, _, port = address.split("://", 1)[-1].rpartition(":")
    if not host or not port.isdigit():
        return  # "auto", or a form Ray resolves itself
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=seconds).close()
    except OSError as e:
        raise InductError(f"cannot reach the Ray cluster at {address!r} ({e.strerror or e}); start one "
                          "with `ray start --head`, or leave out --address to start a local one") from None


class RayBackend:
    """One Ray task per search task; at most ``workers`` in flight (each asks for one CPU).

    Workers stream their finds to a small actor on the cluster (:class:`_Sink`).  A task
    whose worker died is retried once, and what the dead worker had found is merged into the
    retry's frontier; a task that overruns its timeout by the grace period is cancelled (its
    worker killed) and recorded as timed out, with what it had found.  Log records of the
    ``induct`` loggers in workers are re-emitted by the driver's loggers.
    """

    name = "ray"

    def __init__(self, address: str | None = None) -> None:
        self.address = address

    def _ray(self) -> Any:
        try:
            import ray
        except ImportError:
            raise InductError('the ray backend needs Ray: pip install "induct[ray]"') from None
        if self.address:
            _check_reachable(self.address)
        if not ray.is_initialized():
            if self.address:
                try:
                    ray.init(address=self.address, log_to_driver=True)
                except (ConnectionError, RuntimeError, ValueError) as e:
                    raise InductError(f"cannot use the Ray cluster at {self.address!r}: {e}") from None
            else:
                ray.init(include_dashboard=False, _node_ip_address="127.0.0.1", log_to_driver=True)
        return ray

    def map(self, job, arguments, workers) -> list[Any]:
        from induct.search.worker_logs import parent_level

        ray = self._ray()
        remote = ray.remote(num_cpus=1, max_retries=1)(_logged_call)
        level, pending = parent_level(), list(range(len(arguments)))[::-1]
        refs: dict[int, Any] = {}
        running: list[Any] = []
        while pending or running:
            while pending and len(running) < max(1, workers):
                i = pending.pop()
                refs[i] = remote.remote(job, arguments[i], level)
                running.append(refs[i])
            _, running = ray.wait(running, num_returns=1)
        return _results(ray.get([refs[i] for i in range(len(arguments))]))

    def close(self) -> None:
        pass  # the cluster's workers are Ray's to keep

    def _sink(self, ray: Any) -> Any:
        # One sink per driver and Ray job, kept for later runs (starting an actor costs a process).
        # The handle is held here: Ray ends an actor, named or not, when no handle to it is left.
        job = ray.get_runtime_context().get_job_id()
        if _SINKS.get("job") != job:
            _SINKS.update(job=job, sink=ray.remote(num_cpus=0)(_Sink).remote())
        return _SINKS["sink"]

    def run(self, tasks, grammar_of, strategy, config, workers, finish) -> None:
        import uuid

        from induct.search import parallel
        from induct.search.worker_logs import emit, parent_level

        ray = self._ray()
        remote = ray.remote(num_cpus=1, max_retries=0)(_ray_solve)
        sink = self._sink(ray)
        run_id, level = uuid.uuid4().hex, parent_level()
        specs: dict[int, Any] = {}
        pending = list(range(len(tasks)))[::-1]
        running: dict[Any, tuple[int, float]] = {}
        saved: dict[int, list[dict]] = {}  # what a dead worker had found, for its task's retry
        retried: set[int] = set()
        limit = config.timeout + parallel.GRACE_SECONDS + 60.0  # 60 s for a cold worker's imports
        last_logs = time.monotonic()

        def found(i: int) -> list[dict]:
            return saved.pop(i, []) + ray.get(sink.take.remote(f"{run_id}/{i}"))

        def done(i: int, frontier: Frontier, entries: list[dict]) -> None:
            finish(tasks[i], parallel._merged(frontier, entries, grammar_of(tasks[i]).library, config))

        try:
            while pending or running:
                while pending and len(running) < max(1, workers):
                    i = pending.pop()
                    g = grammar_of(tasks[i])
                    ref = specs.get(id(g))
                    if ref is None:
                        ref = specs[id(g)] = ray.put(parallel.grammar_to_spec(g))
                    job = remote.remote(tasks[i], ref, strategy, config, sink, f"{run_id}/{i}", level)
                    running[job] = (i, time.monotonic())
                ready, _ = ray.wait(list(running), num_returns=1, timeout=0.2)
                now = time.monotonic()
                if now - last_logs > 0.5:  # every half second, and once at the end
                    for record in ray.get(sink.logs.remote()):
                        emit(record)
                    last_logs = now
                for ref in ready:
                    i, began = running.pop(ref)
                    task = tasks[i]
                    try:
                        answer = ray.get(ref)
                    except ray.exceptions.RayTaskError as e:  # the task raised (not a death)
                        done(i, parallel._failed(task, strategy, f"{type(e.cause).__name__}: {e.cause}",
                                                 now - began), found(i))
                        continue
                    except ray.exceptions.RayError as e:  # its worker (or node) died
                        if i not in retried:
                            retried.add(i)
                            saved[i] = found(i)
                            pending.append(i)
                            continue
                        done(i, parallel._failed(task, strategy, f"worker died ({type(e).__name__})",
                                                 now - began), found(i))
                        continue
                    done(i, Frontier.from_json(answer, grammar_of(task).library), saved.pop(i, []))
                for ref, (i, began) in list(running.items()):
                    if now - began > limit:
                        ray.cancel(ref, force=True)
                        del running[ref]
                        done(i, parallel._failed(tasks[i], strategy, f"killed after {now - began:.1f} s "
                                                 f"(timeout {config.timeout:g} s)", now - began, True), found(i))
        finally:
            for ref in running:
                ray.cancel(ref, force=True)
            with contextlib.suppress(Exception):  # a cluster gone away has no records left to give
                for record in ray.get(sink.logs.remote(), timeout=10):
                    emit(record)


BACKENDS = ("local", "ray")


def get_backend(name: str | Backend = "local", address: str | None = None) -> Backend:
    """A backend by name ("local" or "ray"), or ``name`` itself when it is already one."""
    if not isinstance(name, str):
        return name
    if name == "local":
        return LocalPool()
    if name == "ray":
        return RayBackend(address)
    raise InductError(f"unknown backend {name!r}; choose one of: {', '.join(BACKENDS)}")
