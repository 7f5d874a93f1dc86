"""The wake-sleep loop: wake (search), abstraction sleep (compress), dream sleep (recognition).

Each iteration ends with an atomic checkpoint in the run directory, so a run can be
resumed after any interruption with nothing checkpointed lost or redone.  All randomness
of iteration ``i`` is derived from ``(seed, i)``, so a resumed run reproduces an
uninterrupted one.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Collection

import numpy as np

from induct.dsl import Library, parse_library
from induct.errors import InductError
from induct.search.frontier import Frontier
from induct.tasks import Task, check_task_types
from induct.wake_sleep import phases
from induct.wake_sleep.checkpoint import (
    CheckpointError, atomic_write, latest_checkpoint, read_checkpoint, write_checkpoint,
)
from induct.wake_sleep.config import TrainConfig, config_to_toml, load_config
from induct.wake_sleep.domain import Domain, domain_names, get_domain, resolve_domain

__all__ = ["RunState", "RunResult", "train", "resume", "load_run", "load_state", "open_run", "Progress"]

log = logging.getLogger("induct.train")


@dataclass
class RunState:
    """What one iteration hands to the next (and what a checkpoint holds)."""

    iteration: int
    library: Library
    frontiers: dict[str, Frontier]
    model: Any = None
    metrics: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class RunResult:
    run_dir: Path
    state: RunState
    config: TrainConfig

    @property
    def library(self) -> Library:
        return self.state.library

    @property
    def metrics(self) -> list[dict]:
        return self.state.metrics


class Progress:
    """Live progress on stderr: phase, tasks done and solved, elapsed time and ETA."""

    def __init__(self, enabled: bool = True, stream=sys.stderr):
        self.enabled = enabled
        self.stream = stream
        self.start = time.time()
        self._last = 0.0
        self._width = 0

    def update(self, text: str, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.time()
        if not force and now - self._last < 0.2:
            return
        self._last = now
        line = f"[{_clock(now - self.start)}] {text}"
        pad = max(0, self._width - len(line))
        self._width = len(line)
        if self.stream.isatty():
            self.stream.write("\r" + line + " " * pad)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def done(self, text: str) -> None:
        if not self.enabled:
            return
        if self.stream.isatty():
            self.stream.write("\r" + " " * self._width + "\r")
        self._width = 0
        self.stream.write(f"[{_clock(time.time() - self.start)}] {text}\n")
        self.stream.flush()


def _clock(seconds: float) -> str:
    m, s = divmod(int(seconds), 60)
    h, m = divmod(m, 60)
    return f"{h:d}:{m:02d}:{s:02d}"


# --- run directory ----------------------------------------------------------------------

def _setup_logging(run_dir: Path) -> logging.Handler:
    handler = logging.FileHandler(run_dir / "log.txt")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logging.getLogger("induct").addHandler(handler)
    logging.getLogger("induct").setLevel(logging.INFO)
    return handler


def _domain_record(domain: Domain) -> dict:
    registered = domain.name in domain_names() and get_domain(domain.name).grammar == domain.grammar
    # A registered domain's own tasks are not recorded by path: a run directory moved to
    # another checkout or machine then reads them from wherever induct is installed there.
    own = registered and domain.tasks_path is not None and get_domain(domain.name).tasks_path == domain.tasks_path
    tasks = _absolute(domain.tasks_path) if domain.tasks_path is not None and not own else None
    return {"name": domain.name, "grammar": _absolute(domain.grammar), "tasks": tasks,
            "train_split": domain.train_split, "test_splits": list(domain.test_splits),
            "featurizer": domain.featurizer, "registered": registered}


def _absolute(path: str | Path) -> str:
    """A path that exists is recorded absolute (a run may be inspected from anywhere); a
    shipped grammar's or task set's name is kept as it is."""
    p = Path(path)
    return str(p.resolve()) if p.exists() else str(path)


def _save_checkpoint(run_dir: Path, state: RunState, config: TrainConfig) -> None:
    files: dict[str, bytes | str] = {
        "library.induct": state.library.to_text(),
        "frontiers.json": json.dumps({name: f.to_json() for name, f in sorted(state.frontiers.items())},
                                     indent=1),
        "metrics.jsonl": "".join(json.dumps(m) + "\n" for m in state.metrics),
        "prior.json": json.dumps({"log_variable": state.library.variable_log_weight,
                                  "log_weights": {p.name: p.log_weight for p in state.library.productions}}),
        "rng.json": json.dumps({"seed": config.seed, "next_iteration": state.iteration + 1,
                                "scheme": "numpy.random.default_rng([seed, iteration])"}),
    }
    if state.model is not None:
        files.update(phases.model_files(state.model))
    write_checkpoint(run_dir, state.iteration, files)
    atomic_write(run_dir / "metrics.jsonl", files["metrics.jsonl"])
    atomic_write(run_dir / "library.induct", files["library.induct"])


def load_run(run_dir: str | Path, trusted: Collection[str] | None = ()) -> tuple[TrainConfig, Domain, RunState | None]:
    """Read a run directory: its config, domain and the state of its last complete checkpoint.

    By default nothing the run names is imported: the library is read without the Python
    values of its primitives (enough to print and report it).  ``trusted`` names the
    semantics modules that may be imported (``None``: any), for a run that will be resumed.
    """
    run_dir = Path(run_dir)
    if not (run_dir / "config.toml").exists():
        raise InductError(f"{run_dir} is not a run directory (no config.toml); start one with induct train")
    config = load_config(run_dir / "config.toml")
    try:
        record = json.loads((run_dir / "domain.json").read_text())
    except (OSError, ValueError):
        raise CheckpointError(f"{run_dir}/domain.json is missing or damaged") from None
    if record.get("registered") and record.get("name") in domain_names():
        base = get_domain(record["name"])
        domain = dataclasses.replace(base, tasks=record.get("tasks") or base.tasks,
                                     train_split=record["train_split"], test_splits=tuple(record["test_splits"]))
    elif record.get("tasks") is None:
        raise InductError(f"{run_dir}: this run's tasks were given in Python; resume it with "
                          "induct.wake_sleep.resume(run_dir, domain=...)")
    else:
        domain = Domain(record["name"], record["grammar"], record["tasks"], record["train_split"],
                        tuple(record["test_splits"]), record.get("featurizer", "tokens"))
    return config, domain, load_state(run_dir, domain, trusted, check_semantics=trusted is None)


def load_state(run_dir: Path, domain: Domain, trusted: Collection[str] | None = None,
               check_semantics: bool = True) -> RunState | None:
    """The state of the last complete checkpoint of ``run_dir`` (None if there is none yet).

    ``trusted``: the semantics modules that may be imported (``None``: any).  Without
    ``check_semantics`` an untrusted module is not an error: the library is then read
    without Python values (enough to print and report it)."""
    path = latest_checkpoint(run_dir)
    if path is None:
        return None
    ck = read_checkpoint(path)
    library = _library_from_text(ck.text("library.induct"), path, trusted, check_semantics)
    try:
        prior = ck.json("prior.json")
        library = library.with_log_weights(prior["log_weights"], float(prior["log_variable"]))
    except (KeyError, ValueError, TypeError) as e:
        raise CheckpointError(f"checkpoint {path}: prior.json is damaged ({e})") from None
    try:
        frontiers = {name: Frontier.from_json(f, library) for name, f in ck.json("frontiers.json").items()}
        metrics = [json.loads(line) for line in ck.text("metrics.jsonl").splitlines() if line.strip()]
    except (ValueError, InductError) as e:
        raise CheckpointError(f"checkpoint {path} cannot be read: {e}") from None
    model = phases.model_from_files(ck.files, library, path) if phases.has_model_files(ck.files) else None
    return RunState(ck.iteration, library, frontiers, model, metrics)


def _library_from_text(text: str, where: Path, trusted: Collection[str] | None = None,
                       check_semantics: bool = True) -> Library:
    try:
        lib = parse_library(text, str(where / "library.induct"), check_semantics=check_semantics, trusted=trusted)
    except InductError as e:
        raise CheckpointError(f"the library of checkpoint {where} does not load: {e}") from None
    return lib


def _semantics_of(grammar: str | Path, trusted: Collection[str] | None) -> set[str]:
    """The semantics modules a grammar file (and its imports) names."""
    from induct.dsl import load_library

    lib = load_library(grammar, check_semantics=False, trusted=trusted)
    return {lib.semantics_module} if lib.semantics_module else set()


def _shipped_semantics(domain: Domain) -> set[str]:
    """The semantics of the shipped domain a run was started with, if it was one (trusted:
    it comes with induct, not with the run)."""
    shipped = get_domain(domain.name) if domain.name in domain_names() else None
    found: set[str] = set()
    try:
        # A module that ships inside induct is induct's own code, whatever grammar names it.
        found |= {m for m in _semantics_of(domain.grammar, ()) if m.startswith("induct.domains.")}
    except InductError:
        pass
    if shipped is None or domain.grammar != _absolute(shipped.grammar) and domain.grammar != shipped.grammar:
        return found
    try:
        return found | _semantics_of(shipped.grammar, None)
    except InductError:
        return found


class _RunLock:
    """An exclusive lock on a run directory (``run_dir/lock.txt``), held while a process trains it."""

    def __init__(self, run_dir: Path):
        self.path = run_dir / "lock.txt"
        self.file: Any = None

    def __enter__(self) -> "_RunLock":
        try:
            import fcntl
        except ImportError:  # no flock (Windows): no lock
            return self
        try:
            self.file = open(self.path, "a")
        except OSError as e:
            raise InductError(f"cannot write to run directory {self.path.parent}: {e.strerror}") from None
        try:
            fcntl.flock(self.file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self.file.close()
            self.file = None
            raise InductError(f"{self.path.parent} is in use by another induct process "
                              "(train or resume); wait for it to finish") from None
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.file is not None:
            self.file.close()  # closing releases the lock


# --- the loop ---------------------------------------------------------------------------

def train(config: TrainConfig | None = None, run_dir: str | Path = "runs/latest", domain: Domain | None = None,
          progress: bool = True, overwrite: bool = False) -> RunResult:
    """Start a wake-sleep run in ``run_dir`` and run it to the configured number of iterations.

    Args:
        config: the run's configuration (defaults: ``TrainConfig()``).
        run_dir: where checkpoints, metrics and the log go.
        domain: a user domain; by default the shipped one named by ``config.domain``.
        progress: show live progress on stderr.
        overwrite: allow starting over in a directory that already holds a run.
    """
    config = config or TrainConfig()
    domain = domain or resolve_domain(config.domain, config.grammar, config.tasks, config.train_split,
                                      config.test_splits)
    run_dir = Path(run_dir)
    if run_dir.exists() and not run_dir.is_dir():
        raise InductError(f"--out {run_dir} is a file, not a directory: choose another --out")
    if (run_dir / "config.toml").exists() and not overwrite:
        raise InductError(f"{run_dir} already holds a run: continue it with `induct resume {run_dir}` "
                          "or choose another --out")
    if run_dir.is_dir() and not (run_dir / "config.toml").exists() and any(run_dir.iterdir()):
        raise InductError(f"--out {run_dir} is a non-empty directory that is not a run: "
                          "choose an empty or new directory")
    # Everything the run needs is checked before anything is written to its directory.
    train_tasks, test_tasks = domain.load_tasks()
    check_task_types(train_tasks + test_tasks, domain.load_library().type_constructors)
    try:
        run_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InductError(f"cannot create run directory {run_dir}: {e.strerror}") from None
    with _RunLock(run_dir):
        if overwrite and (run_dir / "checkpoints").exists():
            import shutil

            shutil.rmtree(run_dir / "checkpoints")
        atomic_write(run_dir / "config.toml", config_to_toml(config))
        atomic_write(run_dir / "domain.json", json.dumps(_domain_record(domain), indent=1))
        return _run(config, domain, run_dir, None, progress)


def resume(run_dir: str | Path, domain: Domain | None = None, progress: bool = True,
           iterations: int | None = None, trust_semantics: Collection[str] = ()) -> RunResult:
    """Continue a run from its last complete checkpoint (optionally to more iterations).

    Only trusted code is imported: the semantics of a shipped domain recorded at ``train``
    time, of the ``domain`` given here, and the modules named in ``trust_semantics``.
    """
    run_dir = Path(run_dir)
    if not (run_dir / "config.toml").exists():
        raise InductError(f"{run_dir} is not a run directory (no config.toml); start one with induct train")
    with _RunLock(run_dir):
        return _resume_locked(run_dir, domain, progress, iterations, trust_semantics)


def open_run(run_dir: str | Path, trust_semantics: Collection[str] = ()) -> tuple[TrainConfig, Domain, RunState | None]:
    """A run's config, domain and last state, with its library's semantics imported (to
    search with it) under the rule :func:`resume` follows: only a shipped domain recorded
    at ``train`` time, or a module named in ``trust_semantics``."""
    config, domain, _ = load_run(run_dir)
    trusted = set(trust_semantics) | _shipped_semantics(domain)
    return config, domain, load_state(Path(run_dir), domain, trusted)


def _resume_locked(run_dir: Path, domain: Domain | None, progress: bool, iterations: int | None,
                   trust_semantics: Collection[str]) -> RunResult:
    if domain is None:
        config, domain, _ = load_run(run_dir)
        trusted = set(trust_semantics) | _shipped_semantics(domain)
    else:
        config = load_config(run_dir / "config.toml")
        trusted = set(trust_semantics) | _semantics_of(domain.grammar, None)
    state = load_state(run_dir, domain, trusted)
    if iterations is not None and iterations != config.iterations:
        config = config.replace(iterations=iterations)
        atomic_write(run_dir / "config.toml", config_to_toml(config))
    return _run(config, domain, run_dir, state, progress, trusted)


def _run(config: TrainConfig, domain: Domain, run_dir: Path, state: RunState | None, show: bool,
         trusted: Collection[str] | None = None) -> RunResult:
    handler = _setup_logging(run_dir)
    bar = Progress(show)
    try:
        train_tasks, test_tasks = domain.load_tasks()
        if config.max_test_tasks:
            test_tasks = test_tasks[: config.max_test_tasks]
        if state is None:
            if trusted is None:
                base = domain.load_library()
            else:
                from induct.dsl import load_library

                base = load_library(domain.grammar, trusted=trusted)
            library = phases.initial_library(base, config)
            state = RunState(0, library, {}, None, [])
            log.info("new run: domain %s, %d train and %d test tasks", domain.name, len(train_tasks), len(test_tasks))
        else:
            log.info("resuming after iteration %d", state.iteration)
            bar.done(f"resuming {run_dir} after iteration {state.iteration}")
        while state.iteration < config.iterations:
            state = _iteration(state, config, domain, train_tasks, test_tasks, bar)
            _save_checkpoint(run_dir, state, config)
            m = state.metrics[-1]
            test = f", test {m['test_solved']}/{m['test_total']}" if m.get("test_solved") is not None else ""
            bar.done(f"iteration {state.iteration}/{config.iterations}: train solved "
                     f"{m['train_solved_total']}/{len(train_tasks)}{test}, library +{m['new_inventions']} "
                     f"({m['library_size']} productions) — checkpoint written")
        return RunResult(run_dir, state, config)
    finally:
        logging.getLogger("induct").removeHandler(handler)
        handler.close()


def _iteration(state: RunState, config: TrainConfig, domain: Domain, train_tasks: list[Task],
               test_tasks: list[Task], bar: Progress) -> RunState:
    i = state.iteration + 1
    rng = np.random.default_rng([config.seed, i])
    t0 = time.time()
    batch = _batch(train_tasks, config, i, state.frontiers)
    metrics: dict[str, Any] = {"iteration": i, "batch": len(batch)}

    # Wake: search the batch with the current library and the recognition model's grammars.
    bar.update(f"iteration {i}: wake, searching {len(batch)} tasks", force=True)
    found = phases.wake(batch, state.library, state.model, config, config.search.max_programs, config.search.timeout,
                        lambda what, done, total, solved: bar.update(
                            f"iteration {i}: wake ({what}) {done}/{total} tasks, {solved} solved"
                            f"{_eta(t0, done, total) if what == 'search' else ''}"),
                        generative=config.generative_wake, report=metrics, deductions=domain.deductions,
                        likelihood=domain.likelihood)
    frontiers = dict(state.frontiers)
    for name, f in found.items():
        if f.solved:
            frontiers[name] = frontiers[name].combine(f, config.search.max_frontier) if name in frontiers else f.top(config.search.max_frontier)
    metrics["wake_seconds"] = time.time() - t0
    metrics["train_solved_batch"] = sum(1 for f in found.values() if f.solved)
    metrics["train_solved_total"] = sum(1 for f in frontiers.values() if f.solved)
    metrics["search_seconds_median"] = _median([f.stats.time_to_first_solution for f in found.values()
                                                if f.solved and f.stats.time_to_first_solution is not None])
    log.info("iteration %d wake: %d/%d of the batch solved", i, metrics["train_solved_batch"], len(batch))

    # Abstraction sleep: compress all frontiers so far into new inventions.
    t1 = time.time()
    library = state.library
    new_inventions: list[dict] = []
    if config.use_compression and frontiers:
        bar.update(f"iteration {i}: abstraction sleep over {len(frontiers)} frontiers", force=True)
        library, frontiers, new_inventions = phases.abstraction(library, frontiers, train_tasks, config, i)
    library = phases.refit_weights(library, frontiers, train_tasks, config)
    metrics["compression_seconds"] = time.time() - t1
    metrics["new_inventions"] = len(new_inventions)
    metrics["inventions"] = new_inventions
    metrics["library_size"] = len(library)
    log.info("iteration %d abstraction: %d new inventions", i, len(new_inventions))

    # Dream sleep: train the recognition model on replays and dreams.
    t2 = time.time()
    model = state.model
    if config.use_recognition:
        bar.update(f"iteration {i}: dream sleep (recognition training)", force=True)
        model, rec_metrics = phases.dream(model, state.library, library, frontiers, train_tasks, config, rng,
                                          domain, lambda text: bar.update(f"iteration {i}: {text}"))
        metrics["recognition"] = rec_metrics
    metrics["recognition_seconds"] = time.time() - t2

    # Test.
    if test_tasks and (i % config.test_every == 0 or i == config.iterations):
        bar.update(f"iteration {i}: testing on {len(test_tasks)} tasks", force=True)
        t3 = time.time()
        tested = phases.wake(test_tasks, library, model, config, config.test_max_programs, config.test_timeout,
                             lambda _, done, total, solved: bar.update(f"iteration {i}: test {done}/{total}, "
                                                                       f"{solved} solved{_eta(t3, done, total)}"),
                             deductions=domain.deductions, likelihood=domain.likelihood)
        metrics["test_solved"] = sum(1 for f in tested.values() if f.solved)
        metrics["test_total"] = len(test_tasks)
        metrics["test_seconds"] = time.time() - t3
        metrics["test_search_seconds_median"] = _median([f.stats.time_to_first_solution for f in tested.values()
                                                         if f.solved and f.stats.time_to_first_solution is not None])
        log.info("iteration %d test: %d/%d solved", i, metrics["test_solved"], len(test_tasks))
    metrics["seconds"] = time.time() - t0
    return RunState(i, library, frontiers, model, state.metrics + [metrics])


def _batch(tasks: list[Task], config: TrainConfig, iteration: int, frontiers: dict[str, Frontier]) -> list[Task]:
    """The training batch of an iteration, from a fixed seeded rotation of the tasks.

    ``cyclic``: the next ``batch_size`` tasks of the rotation.  ``unsolved-first``: the
    rotation from the same starting point, tasks without a solution first (with none solved
    yet, the cyclic batch).
    """
    order = np.random.default_rng([config.seed, 0]).permutation(len(tasks))
    n = min(config.batch_size, len(tasks))
    start = ((iteration - 1) * n) % len(tasks)
    rotation = [tasks[order[(start + k) % len(tasks)]] for k in range(len(tasks))]
    if config.task_order == "unsolved-first":
        solved = {name for name, f in frontiers.items() if f.solved}
        rotation = [t for t in rotation if t.name not in solved] + [t for t in rotation if t.name in solved]
    return rotation[:n]


def _eta(start: float, done: int, total: int) -> str:
    """", ETA h:mm:ss" for a phase that has done ``done`` of ``total`` since ``start``."""
    if done <= 0 or done >= total:
        return ""
    return f", ETA {_clock((time.time() - start) / done * (total - done))}"


def _median(xs: list[float]) -> float | None:
    return float(np.median(xs)) if xs else None
