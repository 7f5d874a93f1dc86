"""Configuration of a wake-sleep run: a frozen dataclass read from TOML, overridable field by field."""

from __future__ import annotations

import dataclasses
import math
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from induct.errors import InductError

__all__ = ["TrainConfig", "ConfigError", "load_config", "config_to_toml", "TASK_ORDERS", "FIELD_HELP"]

TASK_ORDERS = ("unsolved-first", "cyclic")
"""How an iteration's batch is drawn from the train tasks (a fixed seeded rotation either way):
``cyclic`` takes the next ``batch_size`` tasks of the rotation; ``unsolved-first`` takes the
tasks without a solution first (in rotation order), then solved ones, so that the search
goes where it is still needed; solved tasks fill the batch when fewer are unsolved."""


BACKENDS = ("local", "ray")
"""Where the wake phase and test passes run: local worker processes, or a Ray cluster
(``address``; empty: start a local one)."""


class ConfigError(InductError):
    """A configuration value that is missing, unknown or out of range."""


@dataclass(frozen=True)
class TrainConfig:
    """Everything a wake-sleep run needs; defaults suit a laptop and finish in minutes.

    ``task_order`` picks each iteration's batch (see :data:`TASK_ORDERS`).  Search budgets
    are counted in programs (``max_programs``) so that a run with a fixed
    seed is reproducible whatever the machine's load; ``timeout`` is a wall-clock safety
    net per task.  ``generative_wake``: with a recognition model, the train tasks its
    grammars leave unsolved are searched again with the library's own prior (DreamCoder
    searches with both).  ``decompose``: the share of each task's program budget given
    first to the DSL's decompositions (a search for the function a map or a filter
    applies; see :mod:`induct.search.decompose`); 0 turns them off.
    """

    domain: str = "lists"
    grammar: str | None = None
    tasks: str | None = None
    train_split: str | None = None
    test_splits: tuple[str, ...] | None = None
    iterations: int = 3
    batch_size: int = 25
    task_order: str = "unsolved-first"
    max_programs: int = 60_000
    timeout: float = 10.0
    test_every: int = 1
    test_max_programs: int = 20_000
    test_timeout: float = 10.0
    max_test_tasks: int = 0
    workers: int = 0
    backend: str = "local"
    address: str = ""
    strategy: str = "enumerate"
    frontier_size: int = 5
    generative_wake: bool = True
    decompose: float = 0.25
    recognition: bool = True
    recognition_steps: int = 200
    recognition_seconds: float = 0.0
    dreams: int = 200
    compression: bool = True
    compression_iterations: int = 3
    arity: int = 2
    structure_penalty: float = 1.0
    size_penalty: float = 1.5
    pseudocounts: float = 30.0
    top_k: int = 2
    seed: int = 0

    def __post_init__(self) -> None:
        positive = ["iterations", "batch_size", "max_programs", "test_every", "test_max_programs",
                    "frontier_size", "top_k"]
        for name in positive:
            if getattr(self, name) <= 0:
                raise ConfigError(f"{name} must be positive, got {getattr(self, name)}")
        for name in ["timeout", "test_timeout", "pseudocounts"]:
            if not 0 < getattr(self, name) < math.inf:   # also refuses nan
                raise ConfigError(f"{name} must be a positive finite number, got {getattr(self, name)}")
        for name in ["recognition_seconds", "structure_penalty", "size_penalty"]:
            if not math.isfinite(getattr(self, name)):
                raise ConfigError(f"{name} must be a finite number, got {getattr(self, name)}")
        if self.seed < 0:
            raise ConfigError(f"seed must be ≥ 0, got {self.seed}")
        for name in ["workers", "max_test_tasks", "recognition_steps", "recognition_seconds", "dreams",
                     "compression_iterations"]:
            if getattr(self, name) < 0:
                raise ConfigError(f"{name} must be ≥ 0, got {getattr(self, name)}")
        if self.backend not in BACKENDS:
            raise ConfigError(f"backend must be one of {', '.join(BACKENDS)}, got {self.backend!r}")
        if self.task_order not in TASK_ORDERS:
            raise ConfigError(f"task_order must be one of {', '.join(TASK_ORDERS)}, got {self.task_order!r}")
        if not 0 <= self.decompose < 1:
            raise ConfigError(f"decompose must be in [0, 1), got {self.decompose}")
        if not 0 <= self.arity <= 3:
            raise ConfigError(f"arity must be 0..3, got {self.arity}")

    def replace(self, **changes: Any) -> "TrainConfig":
        unknown = set(changes) - {f.name for f in fields(self)}
        if unknown:
            raise ConfigError(f"unknown config field(s): {', '.join(sorted(unknown))}; "
                              f"fields are: {', '.join(f.name for f in fields(self))}")
        return dataclasses.replace(self, **{k: _coerce(k, v) for k, v in changes.items()})

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _coerce(name: str, value: Any) -> Any:
    field = next(f for f in fields(TrainConfig) if f.name == name)
    t = str(field.type)
    try:
        if value is None:
            return None
        if "tuple" in t:
            if isinstance(value, str):
                return tuple(x.strip() for x in value.split(",") if x.strip())
            return tuple(value)
        if t.startswith("bool"):
            if isinstance(value, str):
                if value.lower() in ("1", "true", "yes", "on"):
                    return True
                if value.lower() in ("0", "false", "no", "off"):
                    return False
                raise ValueError(value)
            return bool(value)
        if t.startswith("int"):
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError(value)   # 3.7 is not silently read as 3
            return int(value)
        if t.startswith("float"):
            return float(value)
        return str(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{name}: cannot use {value!r} (expected {t})") from None


FIELD_HELP = {
    "domain": "a registered domain (induct domains lists them)",
    "grammar": "a .induct grammar file instead of the domain's",
    "tasks": "a task JSON file instead of the domain's",
    "train_split": "the tasks' split to learn on",
    "test_splits": "comma-separated splits to test on",
    "iterations": "wake-sleep iterations",
    "batch_size": "train tasks searched per iteration",
    "task_order": "how batches are drawn: " + ", ".join(TASK_ORDERS),
    "max_programs": "wake: programs tried per task (the budget; reproducible)",
    "timeout": "wake: wall seconds per task (a safety net)",
    "test_every": "test every N iterations",
    "test_max_programs": "test: programs tried per task",
    "test_timeout": "test: wall seconds per task",
    "max_test_tasks": "test on at most N tasks (0: all)",
    "workers": "search processes (0: all cores)",
    "backend": "where searches run: local (worker processes) or ray (needs the ray extra)",
    "address": "the Ray cluster's address with backend ray (empty: start a local cluster)",
    "strategy": "search strategy (enumerate, bottom_up, mcmc)",
    "frontier_size": "programs kept per task",
    "generative_wake": "search the tasks the model's grammars leave unsolved again with the library's prior",
    "decompose": "share of each task's budget first given to the DSL's decompositions (0: off)",
    "recognition": "train and use the recognition model",
    "recognition_steps": "recognition training steps per iteration",
    "recognition_seconds": "recognition training seconds per iteration (0: steps only)",
    "dreams": "programs dreamt from the library per iteration",
    "compression": "learn inventions (abstraction sleep)",
    "compression_iterations": "at most this many inventions per abstraction sleep",
    "arity": "largest number of arguments of an invention",
    "structure_penalty": "compression: cost of each invention (nats)",
    "size_penalty": "compression: cost per leaf of an invention's body",
    "pseudocounts": "prior counts when the library's weights are re-estimated",
    "top_k": "programs per task that compression reads",
    "seed": "random seed",
}
"""A line for each field, shown by ``induct train --help``."""


def load_config(path: str | Path | None = None, **overrides: Any) -> TrainConfig:
    """Read a TOML config (every field optional) and apply overrides (None values ignored)."""
    data: dict[str, Any] = {}
    if path is not None:
        p = Path(path)
        try:
            data = tomllib.loads(p.read_text(encoding="utf-8"))
        except UnicodeDecodeError as e:
            raise ConfigError(f"{p}: not UTF-8 text (byte {e.start})") from None
        except OSError as e:
            raise ConfigError(f"cannot read config {p}: {e.strerror}") from None
        except tomllib.TOMLDecodeError as e:
            raise ConfigError(f"{p}: not valid TOML: {e}") from None
        if "train" in data and isinstance(data["train"], dict):
            data = data["train"]
    data.update({k: v for k, v in overrides.items() if v is not None})
    return TrainConfig().replace(**data)


def config_to_toml(config: TrainConfig) -> str:
    lines = ["# induct train configuration", "[train]"]
    for k, v in config.to_dict().items():
        if v is None:
            continue
        lines.append(f"{k} = {_toml_value(v)}")
    return "\n".join(lines) + "\n"


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, tuple):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    s = str(v).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{s}"'
