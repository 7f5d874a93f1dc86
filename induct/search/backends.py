"""Where :func:`induct.search.parallel.solve_tasks` runs its tasks: one dispatch interface.

A backend takes the tasks and calls ``finish(task, frontier)`` once per task, in any order;
the driver (``solve_tasks``) owns everything else (validation, results, progress).  Search
inside a task is the same code on every backend, seeded by the task alone, and budgets are
counted in programs, so which worker ran a task does not change its frontier.

* :class:`LocalPool` (the default): spawn-context processes on this machine, streaming each
  frontier entry to the parent as it is found.
* :class:`RayBackend`: one Ray task per search task, on an existing cluster (``address``) or a
  local one started on loopback.  Ray is an optional extra, imported only when used.
"""

from __future__ import annotations

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


class LocalPool:
    """Worker processes on this machine (see :mod:`induct.search.parallel`)."""

    name = "local"

    def run(self, tasks, grammar_of, strategy, config, workers, finish) -> None:
        from induct.search.parallel import _parallel

        _parallel(tasks, grammar_of, strategy, config, min(workers, len(tasks)), finish)


def _ray_solve(task: Task, spec: dict, strategy: str, config: SearchConfig) -> dict:
    from induct.search.parallel import grammar_from_spec, solve_task

    return solve_task(task, grammar_from_spec(spec), strategy, config).to_json()


class RayBackend:
    """One Ray task per search task; at most ``workers`` in flight (each asks for one CPU).

    A task that overruns its timeout by the grace period is cancelled (its worker killed) and
    recorded as timed out; a task whose worker died is retried once.
    """

    name = "ray"

    def __init__(self, address: str | None = None) -> None:
        self.address = address

    def _ray(self) -> Any:
        try:
            import ray
        except ImportError:
            raise InductError('the ray backend needs Ray: pip install "induct[ray]"') from None
        if not ray.is_initialized():
            if self.address:
                ray.init(address=self.address, log_to_driver=True)
            else:
                ray.init(include_dashboard=False, _node_ip_address="127.0.0.1", log_to_driver=True)
        return ray

    def run(self, tasks, grammar_of, strategy, config, workers, finish) -> None:
        from induct.search import parallel

        ray = self._ray()
        remote = ray.remote(num_cpus=1, max_retries=1, retry_exceptions=False)(_ray_solve)
        specs: dict[int, Any] = {}
        pending = list(range(len(tasks)))[::-1]
        running: dict[Any, tuple[int, float]] = {}
        limit = config.timeout + parallel.GRACE_SECONDS + 60.0  # 60 s for a cold worker's imports
        while pending or running:
            while pending and len(running) < max(1, workers):
                i = pending.pop()
                g = grammar_of(tasks[i])
                ref = specs.get(id(g))
                if ref is None:
                    ref = specs[id(g)] = ray.put(parallel.grammar_to_spec(g))
                running[remote.remote(tasks[i], ref, strategy, config)] = (i, time.monotonic())
            ready, _ = ray.wait(list(running), num_returns=1, timeout=0.2)
            now = time.monotonic()
            for ref in ready:
                i, began = running.pop(ref)
                task = tasks[i]
                try:
                    frontier = Frontier.from_json(ray.get(ref), grammar_of(task).library)
                except Exception as e:  # the worker died twice, or the task raised
                    frontier = parallel._failed(task, strategy, f"worker died ({type(e).__name__})", now - began)
                finish(task, frontier)
            for ref, (i, began) in list(running.items()):
                if now - began > limit:
                    ray.cancel(ref, force=True)
                    del running[ref]
                    finish(tasks[i], parallel._failed(tasks[i], strategy, f"killed after {now - began:.1f} s "
                                                      f"(timeout {config.timeout:g} s)", now - began, True))


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
