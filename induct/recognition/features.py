"""Featurizers: a task's examples as padded integer/real arrays with masks.

A featurizer turns one :class:`~induct.tasks.Task` into a dict of numpy arrays of a
fixed rank, and :meth:`Featurizer.collate` stacks several tasks into one batch whose
variable dimensions are rounded up to a power of two (capped), so that a jitted step
sees a bounded number of shapes.  Each featurizer names the encoder that reads it
(``kind``): ``"sequence"``, ``"grid"`` or ``"points"``.

Domains pick a featurizer by name (:func:`make_featurizer`); a new domain registers its
own with :func:`register_featurizer`.

Example:
    >>> from induct.tasks import Example, Task
    >>> from induct.types import parse_type
    >>> task = Task("inc", parse_type("list(int) -> list(int)"), (Example(([1, 2],), [2, 3]),))
    >>> f = make_featurizer("tokens")
    >>> batch = f.collate([f.featurize(task)])
    >>> batch["tokens"].shape[:2], batch["tokens"].dtype.name
    ((1, 16), 'int32')
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Mapping, Protocol, Sequence

import numpy as np

from induct.errors import InductError
from induct.tasks import Task

__all__ = [
    "Featurizer", "TokenFeaturizer", "GridFeaturizer", "PointsFeaturizer", "FEATURIZERS",
    "register_featurizer", "make_featurizer", "featurizer_to_json", "featurizer_from_json", "bucket",
]

Features = dict[str, np.ndarray]


def bucket(n: int, minimum: int, maximum: int) -> int:
    """The smallest power of two ≥ ``n`` (at least ``minimum``, at most ``maximum``)."""
    size = max(minimum, 1 << max(0, math.ceil(math.log2(max(n, 1)))))
    return min(size, maximum)


class Featurizer(Protocol):
    """Turns tasks into arrays; ``kind`` names the encoder that reads them."""

    name: ClassVar[str]
    kind: ClassVar[str]

    def featurize(self, task: Task) -> Features: ...

    def collate(self, features: Sequence[Features]) -> Features: ...

    def options(self) -> dict[str, Any]: ...

    if TYPE_CHECKING:  # declared for the checker only: a subclass keeps its own hash at run time
        def __hash__(self) -> int:
            """Featurizers key the network caches, so they hash (by value or identity)."""
            ...


# --- token sequences: lists, strings, ints, bools ------------------------------------------
PAD, SEP_INPUT, SEP_OUTPUT, OPEN, CLOSE, TRUE, FALSE, INT_LOW, INT_HIGH, CHAR_OTHER, OTHER = range(11)
_FIRST_FREE = 11


@dataclass(frozen=True)
class TokenFeaturizer:
    """Each example as one token sequence: ``IN x1 IN x2 … OUT y``.

    Lists are bracketed (``[`` … ``]``), ints in ``[-int_range, int_range]`` have a token
    each (beyond: one token for "very negative", one for "very positive"), characters
    with code below ``n_chars`` have a token each (others share one), booleans have two.
    At most ``max_examples`` examples and ``max_length`` tokens per example are kept.
    """

    int_range: int = 64
    n_chars: int = 128
    max_length: int = 64
    max_examples: int = 16

    name: ClassVar[str] = "tokens"
    kind: ClassVar[str] = "sequence"

    def __post_init__(self) -> None:
        if self.int_range < 1 or self.n_chars < 1 or self.max_length < 4 or self.max_examples < 1:
            raise InductError("TokenFeaturizer: int_range, n_chars ≥ 1, max_length ≥ 4, max_examples ≥ 1")

    @property
    def vocabulary_size(self) -> int:
        return _FIRST_FREE + 2 * self.int_range + 1 + self.n_chars

    def token_of_int(self, x: int) -> int:
        if x < -self.int_range:
            return INT_LOW
        if x > self.int_range:
            return INT_HIGH
        return _FIRST_FREE + self.int_range + x

    def token_of_char(self, c: str) -> int:
        code = ord(c)
        return _FIRST_FREE + 2 * self.int_range + 1 + code if code < self.n_chars else CHAR_OTHER

    def tokens_of(self, value: Any, out: list[int]) -> None:
        """Append the tokens of one value (recursing into lists) to ``out``."""
        if len(out) >= self.max_length:
            return
        if isinstance(value, bool):
            out.append(TRUE if value else FALSE)
        elif isinstance(value, int):
            out.append(self.token_of_int(value))
        elif isinstance(value, str) and len(value) == 1:
            out.append(self.token_of_char(value))
        elif isinstance(value, str):
            self.tokens_of(list(value), out)
        elif isinstance(value, (list, tuple)):
            out.append(OPEN)
            for v in value:
                if len(out) >= self.max_length:
                    return
                self.tokens_of(v, out)
            out.append(CLOSE)
        else:
            out.append(OTHER)

    def example_tokens(self, inputs: Sequence[Any], output: Any) -> list[int]:
        out: list[int] = []
        for x in inputs:
            out.append(SEP_INPUT)
            self.tokens_of(x, out)
        out.append(SEP_OUTPUT)
        self.tokens_of(output, out)
        return out[: self.max_length]

    def featurize(self, task: Task) -> Features:
        """``tokens`` (examples, length) int32, padded with 0 to the longest example."""
        seqs = [self.example_tokens(e.inputs, e.output) for e in task.examples[: self.max_examples]]
        width = max((len(s) for s in seqs), default=1)
        tokens = np.zeros((len(seqs), width), dtype=np.int32)
        for i, s in enumerate(seqs):
            tokens[i, : len(s)] = s
        return {"tokens": tokens}

    def collate(self, features: Sequence[Features]) -> Features:
        """``tokens`` (B, max_examples, T) and ``example_mask`` (B, max_examples); T a power of two."""
        longest = max((f["tokens"].shape[1] for f in features), default=1)
        width = bucket(longest, 8, self.max_length)
        tokens = np.zeros((len(features), self.max_examples, width), dtype=np.int32)
        mask = np.zeros((len(features), self.max_examples), dtype=bool)
        for b, f in enumerate(features):
            t = f["tokens"][:, :width]
            tokens[b, : t.shape[0], : t.shape[1]] = t
            mask[b, : t.shape[0]] = True
        return {"tokens": tokens, "example_mask": mask}

    def options(self) -> dict[str, Any]:
        return asdict(self)


# --- ARC-style grids --------------------------------------------------------------------------
@dataclass(frozen=True)
class GridFeaturizer:
    """Input and output grids of each example as colour indices (one-hot inside the encoder).

    Colours are ``0 … n_colors-1``; index ``n_colors`` marks padding.  Grids larger than
    ``max_size`` are cropped.  A task's first input and its output must be grids (lists
    of rows of ints).
    """

    n_colors: int = 10
    max_size: int = 32
    max_examples: int = 8

    name: ClassVar[str] = "grid"
    kind: ClassVar[str] = "grid"

    def _grid(self, value: Any) -> np.ndarray:
        rows = [list(r) for r in value] if isinstance(value, (list, tuple)) else []
        h = min(len(rows), self.max_size)
        w = min(max((len(r) for r in rows), default=0), self.max_size)
        g = np.full((max(h, 1), max(w, 1)), self.n_colors, dtype=np.int32)
        for i in range(h):
            for j, c in enumerate(rows[i][:w]):
                g[i, j] = int(c) if isinstance(c, int) and 0 <= c < self.n_colors else self.n_colors
        return g

    def featurize(self, task: Task) -> Features:
        """``grids`` (examples, 2, H, W) int32, padding colour ``n_colors``."""
        pairs = [(self._grid(e.inputs[0] if e.inputs else []), self._grid(e.output))
                 for e in task.examples[: self.max_examples]]
        h = max(max(a.shape[0], b.shape[0]) for a, b in pairs)
        w = max(max(a.shape[1], b.shape[1]) for a, b in pairs)
        out = np.full((len(pairs), 2, h, w), self.n_colors, dtype=np.int32)
        for i, (a, b) in enumerate(pairs):
            out[i, 0, : a.shape[0], : a.shape[1]] = a
            out[i, 1, : b.shape[0], : b.shape[1]] = b
        return {"grids": out}

    def collate(self, features: Sequence[Features]) -> Features:
        """``grids`` (B, max_examples, 2, S, S) and ``example_mask``; S a power of two."""
        size = max(max(f["grids"].shape[2], f["grids"].shape[3]) for f in features)
        s = bucket(size, 4, self.max_size)
        grids = np.full((len(features), self.max_examples, 2, s, s), self.n_colors, dtype=np.int32)
        mask = np.zeros((len(features), self.max_examples), dtype=bool)
        for b, f in enumerate(features):
            g = f["grids"][:, :, :s, :s]
            grids[b, : g.shape[0], :, : g.shape[2], : g.shape[3]] = g
            mask[b, : g.shape[0]] = True
        return {"grids": grids, "example_mask": mask}

    def options(self) -> dict[str, Any]:
        return asdict(self)


# --- numeric functions ------------------------------------------------------------------------
@dataclass(frozen=True)
class PointsFeaturizer:
    """Each example as one point (inputs…, output), squashed with ``sign(x)·log1p(|x|)``.

    Keeps the first ``n_inputs`` numeric inputs (missing ones are 0) and at most
    ``max_points`` examples.
    """

    n_inputs: int = 1
    max_points: int = 32

    name: ClassVar[str] = "points"
    kind: ClassVar[str] = "points"

    @staticmethod
    def _number(x: Any) -> float:
        try:
            v = float(x)
        except (TypeError, ValueError):
            return 0.0
        if not math.isfinite(v):
            return 0.0
        return math.copysign(math.log1p(abs(v)), v)

    def featurize(self, task: Task) -> Features:
        """``points`` (examples, n_inputs + 1) float32."""
        rows = []
        for e in task.examples[: self.max_points]:
            xs = [self._number(x) for x in e.inputs[: self.n_inputs]]
            xs += [0.0] * (self.n_inputs - len(xs))
            rows.append(xs + [self._number(e.output)])
        return {"points": np.asarray(rows, dtype=np.float32).reshape(len(rows), self.n_inputs + 1)}

    def collate(self, features: Sequence[Features]) -> Features:
        """``points`` (B, max_points, n_inputs + 1) and ``example_mask`` (B, max_points)."""
        pts = np.zeros((len(features), self.max_points, self.n_inputs + 1), dtype=np.float32)
        mask = np.zeros((len(features), self.max_points), dtype=bool)
        for b, f in enumerate(features):
            p = f["points"]
            pts[b, : p.shape[0]] = p
            mask[b, : p.shape[0]] = True
        return {"points": pts, "example_mask": mask}

    def options(self) -> dict[str, Any]:
        return asdict(self)


FEATURIZERS: dict[str, Callable[..., Featurizer]] = {
    "tokens": TokenFeaturizer,
    "grid": GridFeaturizer,
    "points": PointsFeaturizer,
}
"""Featurizer name -> factory taking the featurizer's options as keyword arguments."""


def register_featurizer(name: str, factory: Callable[..., Featurizer]) -> None:
    """Make a featurizer available by name (a domain calls this when it is imported).

    The factory's product must have a ``kind`` the model has an encoder for
    (``sequence``, ``grid`` or ``points``).
    """
    if name in FEATURIZERS and FEATURIZERS[name] is not factory:
        raise InductError(f"a featurizer named {name!r} is already registered")
    FEATURIZERS[name] = factory


def make_featurizer(name: str, **options: Any) -> Featurizer:
    """The featurizer registered as ``name``, built with ``options``."""
    try:
        factory = FEATURIZERS[name]
    except KeyError:
        raise InductError(f"unknown featurizer {name!r}; known: {', '.join(sorted(FEATURIZERS))}") from None
    try:
        return factory(**options)
    except TypeError as e:
        raise InductError(f"featurizer {name!r}: bad options {options}: {e}") from None


def featurizer_to_json(f: Featurizer) -> dict[str, Any]:
    return {"name": f.name, "options": f.options()}


def featurizer_from_json(data: Mapping[str, Any]) -> Featurizer:
    return make_featurizer(str(data["name"]), **dict(data.get("options", {})))
