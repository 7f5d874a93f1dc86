"""Configuration of a wake-sleep run: the run's settings and each phase's config, read from TOML,
overridable setting by setting."""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, is_dataclass
from pathlib import Path
from typing import Any

from induct.compression.config import CompressionConfig, CostModel
from induct.config import (field_help, finite, in_range, merge, non_negative, one_of, positive, split_dotted,
                           to_nested, toml_text, update, validate)
from induct.errors import ConfigError
from induct.recognition.config import RecognitionConfig
from induct.search.base import SearchConfig

__all__ = ["TrainConfig", "ConfigError", "load_config", "config_to_toml", "TASK_ORDERS", "FIELD_HELP", "ALIASES",
           "FIXED"]

TASK_ORDERS = ("unsolved-first", "cyclic")
"""How an iteration's batch is drawn from the train tasks (a fixed seeded rotation either way):
``cyclic`` takes the next ``batch_size`` tasks of the rotation; ``unsolved-first`` takes the
tasks without a solution first (in rotation order), then solved ones, so that the search
goes where it is still needed; solved tasks fill the batch when fewer are unsolved."""


BACKENDS = ("local", "ray")
"""Where the wake phase and test passes run: local worker processes, or a Ray cluster
(``address``; empty: start a local one)."""


def _search() -> SearchConfig:
    return SearchConfig(timeout=10.0, max_frontier=5, max_programs=60_000, decompose=0.25)


def _compression() -> CompressionConfig:
    return CompressionConfig(iterations=3, max_arity=2, invention_size_penalty=1.5, library_size_penalty=1.0,
                             pseudocounts=30.0, top_k=2)


def _recognition() -> RecognitionConfig:
    return RecognitionConfig(steps=200, seconds=None, n_dreams=200, progress=False)


@dataclass(frozen=True)
class TrainConfig:
    """Everything a wake-sleep run needs; defaults suit a laptop and finish in minutes.

    The run's own settings are fields here; each phase's are its own config: ``search`` (a
    :class:`~induct.search.SearchConfig`: the wake phase's budget and search settings),
    ``compression`` (a :class:`~induct.compression.CompressionConfig`: abstraction sleep) and
    ``recognition`` (a :class:`~induct.recognition.RecognitionConfig`: dream sleep).  Search
    budgets are counted in programs (``search.max_programs``) so that a run with a fixed seed
    is reproducible whatever the machine's load; ``search.timeout`` is a wall-clock safety net
    per task.  The test passes search with the same settings at their own budget
    (``test_max_programs``, ``test_timeout``).

    Attributes:
        domain: a registered domain (induct domains lists them).
        grammar: a .induct grammar file instead of the domain's.
        tasks: a task JSON file instead of the domain's.
        train_split: the tasks' split to learn on.
        test_splits: comma-separated splits to test on.
        iterations: wake-sleep iterations.
        batch_size: train tasks searched per iteration.
        task_order: how batches are drawn (see :data:`TASK_ORDERS`).
        test_every: test every N iterations.
        test_max_programs: test: programs tried per task.
        test_timeout: test: wall seconds per task.
        max_test_tasks: test on at most N tasks (0: all).
        workers: search processes (0: all cores).
        backend: where searches run: local (worker processes) or ray (needs the ray extra).
        address: the Ray cluster's address with backend ray (empty: start a local cluster).
        strategy: search strategy (enumerate, bottom_up, mcmc).
        generative_wake: search the tasks the model's grammars leave unsolved again with the
            library's prior (DreamCoder searches with both).
        use_compression: learn inventions (abstraction sleep).
        use_recognition: train and use the recognition model (dream sleep).
        seed: random seed of the run (batches, dreams, and the search's ``seed``).
        search: the wake phase's search settings.
        compression: abstraction sleep's settings.
        recognition: the recognition model and its training.
    """

    domain: str = "lists"
    grammar: str | None = None
    tasks: str | None = None
    train_split: str | None = None
    test_splits: tuple[str, ...] | None = None
    iterations: int = 3
    batch_size: int = 25
    task_order: str = "unsolved-first"
    test_every: int = 1
    test_max_programs: int = 20_000
    test_timeout: float = 10.0
    max_test_tasks: int = 0
    workers: int = 0
    backend: str = "local"
    address: str = ""
    strategy: str = "enumerate"
    generative_wake: bool = True
    use_compression: bool = True
    use_recognition: bool = True
    seed: int = 0
    search: SearchConfig = field(default_factory=_search)
    compression: CompressionConfig = field(default_factory=_compression)
    recognition: RecognitionConfig = field(default_factory=_recognition)

    def __post_init__(self) -> None:
        validate(self, {"iterations": positive, "batch_size": positive, "test_every": positive,
                        "test_max_programs": positive, "test_timeout": positive & finite,
                        "max_test_tasks": non_negative, "workers": non_negative, "seed": non_negative,
                        "backend": one_of(*BACKENDS), "task_order": one_of(*TASK_ORDERS)})
        # What training asks more of than the phases' configs do on their own.
        validate(self.search, {"timeout": finite, "max_programs": positive}, "TrainConfig.search")
        validate(self.compression, {"max_arity": in_range(0, 3)}, "TrainConfig.compression")
        if self.search.seed != self.seed:   # one seed for the run: the search's is the run's
            object.__setattr__(self, "search", dataclasses.replace(self.search, seed=self.seed))

    def replace(self, **changes: Any) -> "TrainConfig":
        """A copy with settings changed: fields, dotted paths (``**{"search.timeout": 5}``),
        tables for the phases' configs (``search={"timeout": 5}``) or the flat names of the
        previous version (``timeout=5``, see :data:`ALIASES`); raw strings are coerced."""
        return _apply(self, [(changes, "")])

    def to_dict(self) -> dict[str, Any]:
        """The settings as nested plain values (what :func:`config_to_toml` writes)."""
        return to_nested(self, FIXED)


FIXED = frozenset({"search.seed", "search.likelihood", "search.likelihood_options", "compression.name_prefix",
                   "recognition.progress"})
"""Settings that the run sets itself: the search's seed is the run's ``seed``, its likelihood
model is the domain's, inventions are named after their iteration, and training has its own
progress line."""

SECTIONS = ("search", "compression", "recognition")

ALIASES: dict[str, str] = {
    "max_programs": "search.max_programs",
    "timeout": "search.timeout",
    "frontier_size": "search.max_frontier",
    "decompose": "search.decompose",
    "compression_iterations": "compression.iterations",
    "arity": "compression.max_arity",
    "structure_penalty": "compression.library_size_penalty",
    "size_penalty": "compression.invention_size_penalty",
    "pseudocounts": "compression.pseudocounts",
    "top_k": "compression.top_k",
    "recognition_steps": "recognition.steps",
    "recognition_seconds": "recognition.seconds",
    "dreams": "recognition.n_dreams",
}
"""The flat names of the previous version, still read from TOML and the command line.
``compression`` and ``recognition`` given a value rather than a table are the old on/off
switches (``use_compression``, ``use_recognition``); ``recognition_seconds = 0`` meant no
time limit (``recognition.seconds`` none)."""

SWITCHES = {"compression": "use_compression", "recognition": "use_recognition"}


def _resolve(changes: Mapping[str, Any], source: str) -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
    """Flat, dotted and nested ``changes`` as one nested mapping of paths; how each was spelled; its source."""
    flat: dict[str, Any] = {}
    shown: dict[str, str] = {}
    for key, value in changes.items():
        path = key
        if key in SWITCHES and not isinstance(value, Mapping) and not is_dataclass(value):
            path = SWITCHES[key]
        elif key in ALIASES:
            path = ALIASES[key]
            if key == "recognition_seconds" and _is_zero(value):
                value = None
        if path != key:
            shown[path] = f"{key} (now {path})"
        flat[path] = value
    nested = split_dotted(flat)
    origins = {p: source for p in _paths(nested)}
    return nested, shown, origins


def _is_zero(value: Any) -> bool:
    try:
        return not isinstance(value, bool) and float(value) == 0.0
    except (TypeError, ValueError):
        return False


def _paths(nested: Mapping[str, Any], prefix: str = "") -> list[str]:
    out = []
    for k, v in nested.items():
        out.append(prefix + k)
        if isinstance(v, Mapping):
            out += _paths(v, prefix + k + ".")
    return out


def _apply(config: TrainConfig, layers: list[tuple[Mapping[str, Any], str]]) -> TrainConfig:
    """``config`` with each layer of changes (from its source) laid over the one before."""
    merged: dict[str, Any] = {}
    shown: dict[str, str] = {}
    origins: dict[str, str] = {}
    for changes, source in layers:
        nested, spelled, where = _resolve(changes, source)
        merged = merge(merged, nested)
        for path in where:          # a later layer's spelling is the one to show
            shown.pop(path, None)
        shown.update(spelled)
        origins.update(where)
    try:
        return update(config, merged, FIXED, shown=shown)
    except ConfigError as e:
        path = next((p for p, label in shown.items() if label == e.key), e.key)
        source = origins.get(path) or origins.get(path.split(".")[0], "")
        raise ConfigError(e.problem, e.key, source) from None


def _help() -> dict[str, str]:
    out = {k: v for k, v in field_help(TrainConfig).items() if k not in SECTIONS}
    out["task_order"] = "how batches are drawn: " + ", ".join(TASK_ORDERS)
    out["test_splits"] = "comma-separated splits to test on"
    for prefix, cls in (("search.", SearchConfig), ("compression.", CompressionConfig),
                        ("recognition.", RecognitionConfig), ("compression.costs.", CostModel)):
        out.update({prefix + k: v for k, v in field_help(cls).items()})
    out["compression.costs.leaf"] = "cost of a primitive, invention or variable (ranking abstractions)"
    out["compression.costs.lam"] = "cost of a λ (ranking abstractions)"
    out["compression.costs.app"] = "cost of an application (ranking abstractions)"
    return out


FIELD_HELP = _help()
"""A line for each setting (by dotted path), shown by ``induct train --help``."""

TITLES = {
    "": "run settings ([train] table)",
    "search": "search: the wake phase's SearchConfig ([search] table)",
    "compression": "compression: abstraction sleep's CompressionConfig ([compression] table)",
    "compression.costs": "compression.costs: its CostModel ([compression.costs] table)",
    "recognition": "recognition: dream sleep's RecognitionConfig ([recognition] table)",
}


def aliases_of() -> dict[str, list[str]]:
    """The old flat names of each setting's path (for the command line)."""
    out: dict[str, list[str]] = {}
    for old, path in ALIASES.items():
        out.setdefault(path, []).append(old)
    for old, path in SWITCHES.items():
        out.setdefault(path, []).append(old)
    return out


def load_config(path: str | Path | None = None, **overrides: Any) -> TrainConfig:
    """Read a TOML config (every setting optional) and lay ``overrides`` over it (None values ignored).

    The file holds a ``[train]`` table for the run's settings and ``[search]``,
    ``[compression]`` and ``[recognition]`` tables for the phases' (also accepted as
    ``[train.search]`` ...); a file without tables is read as the ``[train]`` table.  The flat
    names of the previous version are still read (see :data:`ALIASES`).  Every error names
    the setting and where it came from (the file, or ``command line`` for ``overrides``).
    """
    layers: list[tuple[Mapping[str, Any], str]] = []
    if path is not None:
        p = Path(path)
        layers.append((_read_toml(p), str(p)))
    given = {k: v for k, v in overrides.items() if v is not None}
    if given:
        layers.append((given, "command line"))
    return _apply(TrainConfig(), layers)


def _read_toml(p: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except UnicodeDecodeError as e:
        raise ConfigError(f"{p}: not UTF-8 text (byte {e.start})") from None
    except OSError as e:
        raise ConfigError(f"cannot read config {p}: {e.strerror}") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{p}: not valid TOML: {e}") from None
    if "train" not in data:
        return data
    table = data["train"]
    if not isinstance(table, dict):
        raise ConfigError("must be a table", "train", str(p))
    table = dict(table)
    for name, value in data.items():
        if name == "train":
            continue
        if name not in SECTIONS:
            raise ConfigError(f"is not a table of the config (tables: train, {', '.join(SECTIONS)})", f"[{name}]",
                              str(p))
        if not isinstance(value, dict):
            raise ConfigError("must be a table", name, str(p))
        if isinstance(table.get(name), dict):
            table[name] = merge(table[name], value)
        elif name in table and name in SWITCHES and SWITCHES[name] not in table:
            table[SWITCHES[name]] = table[name]    # the old on/off switch, beside the new table
            table[name] = value
        elif name in table:
            raise ConfigError(f"is given both in [train] and as the [{name}] table", name, str(p))
        else:
            table[name] = value
    return table


def config_to_toml(config: TrainConfig) -> str:
    """The config as TOML (every setting written out), read back equal by :func:`load_config`."""
    settings = config.to_dict()
    defaults = TrainConfig().to_dict()
    top = {k: v for k, v in settings.items() if k not in SECTIONS}
    tables = {"train": top, **{name: settings[name] for name in SECTIONS}}
    shape = {"train": {k: v for k, v in defaults.items() if k not in SECTIONS},
             **{name: defaults[name] for name in SECTIONS}}
    return toml_text(tables, shape, header="# induct train configuration")
