"""Outputs made cell by cell from the input's parts laid on each other: the ``STACK`` family.

Many grid tasks cut the input into equal parts (at separator lines, or into halves or
thirds) and answer with one grid of a part's shape whose every cell depends on the cells
at the same place in each part: where both halves are filled, where neither is, where
exactly one is.  Which function is read from the train pairs, as a rewrite rule is: a
*stack rule* names the cut, what a cell's key holds (whether each part's cell is filled,
or its colour), and the table from each key seen to the output's colour there.

:func:`stack_rules` lists the rules that fit a task: the cut gives parts of each output's
shape on every pair, no key is given two colours, and each pair is predicted by the table
read from the others alone (leave-one-out, as for rewrite rules: a table of colours that
only memorised its pairs is no rule).  :func:`combine` applies one to any grid; a key its
table lacks fails, rather than guess.

A cut is ``"lines:C"`` (the parts between full lines of colour ``C``), ``"rows:K"`` or
``"cols:K"`` (``K`` equal bands).  A rule is a JSON list ``[cut, "filled" | "colour",
[[key..., colour], ...]]``, written, saved and read back like any constant.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable, Sequence

import numpy as np

from induct.domains.arc.parts import spans

__all__ = ["MAX_STACK_RULES", "cut", "combine", "stack_rules"]

MAX_STACK_RULES = 3
"""At most this many stack rules per task."""


def cut(g: np.ndarray, how: str) -> list[np.ndarray]:
    """The parts of ``g`` that ``how`` cuts it into, in reading order, all of one shape;
    fails (``ValueError``) when they are not."""
    kind, _, arg = how.partition(":")
    try:
        n = int(arg)
    except ValueError:
        raise ValueError(f"not a cut: {how!r}") from None
    h, w = g.shape
    if kind == "lines":
        rows = [r for r in range(h) if (g[r] == n).all()]
        cols = [c for c in range(w) if (g[:, c] == n).all()]
        parts = [g[a:b, c:d] for a, b in spans(rows, h) for c, d in spans(cols, w)]
    elif kind in ("rows", "cols") and 2 <= n <= 4:
        size = (h if kind == "rows" else w) // n
        if size == 0 or size * n != (h if kind == "rows" else w):
            raise ValueError(f"{h}x{w} does not cut into {n} equal {kind}")
        parts = [g[k * size:(k + 1) * size] if kind == "rows" else g[:, k * size:(k + 1) * size] for k in range(n)]
    else:
        raise ValueError(f"not a cut: {how!r}")
    if len(parts) < 2 or len({p.shape for p in parts}) != 1:
        raise ValueError("the parts differ in shape")
    return parts


def _keys(parts: Sequence[np.ndarray], mode: str) -> np.ndarray:
    stacked = np.stack([(p != 0).astype(np.int16) if mode == "filled" else p.astype(np.int16) for p in parts], -1)
    return stacked.reshape(-1, len(parts))


def _fit(rows: Sequence[tuple[list[np.ndarray], np.ndarray]], mode: str) -> dict[tuple, int] | None:
    table: dict[tuple, int] = {}
    for parts, y in rows:
        for key, colour in zip(map(tuple, _keys(parts, mode).tolist()), y.ravel().tolist()):
            if table.setdefault(key, colour) != colour:
                return None
    return table


def _apply(table: dict[tuple, int], parts: Sequence[np.ndarray], mode: str) -> np.ndarray:
    try:
        return np.array([table[tuple(k)] for k in _keys(parts, mode).tolist()],
                        dtype=np.uint8).reshape(parts[0].shape)
    except KeyError:
        raise ValueError("a stack of cells the rule has not seen") from None


def _cuts(x: np.ndarray, shape: tuple) -> list[str]:
    """The cuts of ``x`` into parts of ``shape``."""
    found = []
    h, w = x.shape
    for colour in np.unique(x):
        if (x == colour).all(1).any() or (x == colour).all(0).any():
            found.append(f"lines:{colour}")
    found += [f"rows:{k}" for k in (2, 3, 4) if h == k * shape[0] and w == shape[1]]
    found += [f"cols:{k}" for k in (2, 3, 4) if w == k * shape[1] and h == shape[0]]
    good = []
    for how in found:
        try:
            if cut(x, how)[0].shape == shape:
                good.append(how)
        except ValueError:
            continue
    return good


def stack_rules(task: Any) -> list[list]:
    """The stack rules a task's train pairs give (two pairs or more), those on filled cells
    before those on colours; at most :data:`MAX_STACK_RULES`."""
    pairs = []
    for e in task.examples:
        x, y = np.asarray(e.inputs[0], dtype=np.uint8), np.asarray(e.output, dtype=np.uint8)
        if x.ndim != 2 or y.ndim != 2 or y.size == 0 or y.size * 2 > x.size:
            return []
        pairs.append((x, y))
    if len(pairs) < 2:
        return []
    common = set(_cuts(pairs[0][0], pairs[0][1].shape))
    for x, y in pairs[1:]:
        common &= set(_cuts(x, y.shape))
    found = []
    for mode in ("filled", "colour"):
        for how in sorted(common):
            rows = [(cut(x, how), y) for x, y in pairs]
            if len({len(p) for p, _ in rows}) != 1:
                continue
            table = _fit(rows, mode)
            if table is None or not _generalises(rows, mode):
                continue
            found.append([how, mode, [[*k, v] for k, v in sorted(table.items())]])
    return found[:MAX_STACK_RULES]


def _generalises(rows: Sequence[tuple[list[np.ndarray], np.ndarray]], mode: str) -> bool:
    for k, (parts, y) in enumerate(rows):
        table = _fit([r for j, r in enumerate(rows) if j != k], mode)
        try:
            if table is None or not np.array_equal(_apply(table, parts, mode), y):
                return False
        except ValueError:
            return False
    return True


@lru_cache(maxsize=64)
def _table(rows: tuple) -> tuple[dict[tuple, int], int | None]:
    """A rule's table and the number of parts its keys are for (None when they differ or a
    colour is out of range), read once per rule (search applies one rule to many grids)."""
    table = {tuple(r[:-1]): int(r[-1]) for r in rows}
    sizes = {len(k) for k in table}
    if len(sizes) != 1 or any(not 0 <= v <= 9 for v in table.values()):
        return table, None
    return table, sizes.pop()


def combine(g: np.ndarray, rule: Sequence) -> np.ndarray:
    """The grid whose each cell is what ``rule`` gives the stack of ``g``'s parts there."""
    try:
        how, mode, rows = rule
        if mode not in ("filled", "colour") or not isinstance(how, str):
            raise ValueError(mode)
        table, n = _table(tuple(tuple(r) for r in rows))
    except (TypeError, ValueError, IndexError):
        raise ValueError(f"not a stack rule: {rule!r}") from None
    parts = cut(np.asarray(g, dtype=np.uint8), how)
    if n != len(parts):
        raise ValueError("the rule is for another number of parts")
    return _apply(table, parts, mode)


STACK_PRIMITIVES: dict[str, Callable] = {"combine": combine}
