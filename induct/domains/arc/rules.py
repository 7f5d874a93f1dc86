"""Local rewrite rules read from a grid task: arc.induct's task-bound ``RULE`` family.

Many grid tasks keep the input's shape and recolour some of its cells, each by what lies
around it: a cell enclosed by a shape is filled, a cell between two of one colour joins
them, a cell next to a lone speck takes its colour.  A *rule* is such a map, read from the
task's train pairs as a constant is: a few cell features (the cell's colour and, say, its
four neighbours, the first colour met in each direction, or whether its shape is the
largest) are a key, and the rule is the
table from each key seen to the colour the output has there.

:func:`local_rules` fits a table for each set of one or two features on the train pairs
and keeps the sets whose table is consistent (no key is given two colours), changes some
cell, and predicts each train pair from the other pairs alone (leave-one-out; a colour map,
with at most ten keys, needs not), those with fewer features and smaller tables first.  Without that last check a table of fine features
explains any pairs by memorising them, and ends the search with a program that is wrong on
the test input (on ARC-AGI-1's training tasks, 101 of the 144 tasks with a consistent rule;
with the check, 4 of 43).  :func:`rewrite` applies a rule to any grid; a key its table lacks
keeps its colour.

A ``rank`` rule reads each grid's colours as their ranks in it (the background 0, then the
most frequent colour 1, and so on), so that one rule serves pairs of different colours:
"each ring is filled with its own colour" is one rule on ranks and none on colours that
predicts a ring of a colour never seen.  Rules on colours are tried first.

A rule may also hold between a *view* of each input and its output: the input turned,
cropped, scaled or tiled, when that gives grids of the outputs' shapes (a recoloured
upscaling, a tiling whose copies are marked).  Given the views (the grid DSL's one-grid
primitives: ``semantics.RULE_VIEWS``), the extractor adds the best rule read after each
view, and the search finds the program that applies it there, ``rewrite (scale $0 2) RULE``.

A rule is a JSON list ``["colour+FEATURE+...", [[key..., colour], ...]]`` (``rank+...``
for a rule on ranks; the features its keys hold, joined by ``+``) holding only the keys whose colour changes, so that it is
written, saved and read back like any constant.
"""

from __future__ import annotations

import itertools
from functools import lru_cache
from typing import Any, Callable, Sequence

import numpy as np
from scipy import ndimage

__all__ = ["FEATURES", "FEATURE_SETS", "MAX_RULES", "MAX_VIEW_RULES", "cell_features", "fit_rule", "rules_between",
           "local_rules", "rewrite"]

MAX_RULES = 4
"""At most this many rules per task from its inputs themselves (the best ranked first)."""

MAX_VIEW_RULES = 8
"""At most this many rules per task in all, with those from views of its inputs."""

_FOUR = ndimage.generate_binary_structure(2, 1)
_EIGHT = ndimage.generate_binary_structure(2, 2)
_SIDES = ((-1, 0), (1, 0), (0, -1), (0, 1))
_CORNERS = ((-1, -1), (-1, 1), (1, -1), (1, 1))


def _shifted(g: np.ndarray, dr: int, dc: int) -> np.ndarray:
    """Each cell's neighbour at ``(dr, dc)``, -1 beyond the border."""
    h, w = g.shape
    out = np.full((h, w), -1, dtype=np.int16)
    out[max(0, -dr):min(h, h - dr), max(0, -dc):min(w, w - dc)] = \
        g[max(0, dr):min(h, h + dr), max(0, dc):min(w, w + dc)]
    return out


def _ray(g: np.ndarray, dr: int, dc: int) -> np.ndarray:
    """The first non-background colour strictly beyond each cell towards ``(dr, dc)``, -1 if none."""
    h, w = g.shape
    out = np.full((h, w), -1, dtype=np.int16)
    rows = range(h) if dr <= 0 else range(h - 1, -1, -1)
    if dr == 0:  # along rows: sweep the columns
        cols = range(w) if dc < 0 else range(w - 1, -1, -1)
        seen = np.full(h, -1, dtype=np.int16)
        for c in cols:
            out[:, c] = seen
            seen = np.where(g[:, c] != 0, g[:, c], seen)
        return out
    for r in rows:  # down or up, straight or diagonal: each row from the one before it
        pr = r + dr
        if not 0 <= pr < h:
            continue
        near = _shifted(g[pr:pr + 1], 0, dc)[0]
        far = _shifted(out[pr:pr + 1], 0, dc)[0]
        out[r] = np.where(near > 0, near, far)
    return out


def _colour_sets(g: np.ndarray, axis: int) -> np.ndarray:
    """For each row (axis 1) or column (axis 0), the set of its colours as a bit mask."""
    mask = np.zeros(g.shape[1 - axis], dtype=np.int16)
    for k in range(1, 10):
        mask |= ((g == k).any(axis) << k).astype(np.int16)
    return mask


def _total(arrays) -> np.ndarray:
    return np.sum(list(arrays), axis=0).astype(np.int16)


def _compute(g: np.ndarray) -> dict[str, list[np.ndarray]]:
    h, w = g.shape
    sides = [_shifted(g, *d) for d in _SIDES]
    corners = [_shifted(g, *d) for d in _CORNERS]
    background = g == 0
    labels, _ = ndimage.label(background, _FOUR)
    edge = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    size = np.zeros((h, w), dtype=np.int16)
    for colour in np.unique(g):
        lab, _ = ndimage.label(g == colour, _FOUR)
        size = np.where(g == colour, np.bincount(lab.ravel())[lab], size)
    # each shape (a one-colour component off the background) ranked by size: 1 the largest,
    # 2 the smallest, 3 any other
    rank = np.zeros((h, w), dtype=np.int16)
    if not background.all():
        sizes = size[~background]
        rank = np.where(background, 0, np.where(size == sizes.max(), 1, np.where(size == sizes.min(), 2, 3)))
    filled = ~background
    boxed = np.zeros((h, w), dtype=np.int16)
    for box in ndimage.find_objects(ndimage.label(filled, _EIGHT)[0]):
        if box is not None:
            boxed[box] = 1
    rows, cols = np.arange(h)[:, None], np.arange(w)[None, :]
    rowset, colset = _colour_sets(g, 1), _colour_sets(g, 0)
    marker, holes, alike, border = _shape_features(g)
    return {
        "colour": [g],
        "sides": sides,                                         # the four neighbours' colours
        "around": sides + corners,                              # the eight neighbours' colours
        "count4": [_total((s > 0).astype(np.int16) for s in sides)],
        "count8": [_total((s > 0).astype(np.int16) for s in sides + corners)],
        "filled8": [_total(((s > 0) << i).astype(np.int16) for i, s in enumerate(sides + corners))],
        "same4": [_total(((s == g) << i).astype(np.int16) for i, s in enumerate(sides))],
        "same8": [_total(((s == g) << i).astype(np.int16) for i, s in enumerate(sides + corners))],
        "rays": [_ray(g, *d) for d in _SIDES],                  # first colour met up, down, left, right
        "diagonal-rays": [_ray(g, *d) for d in _CORNERS],
        "enclosed": [(background & ~np.isin(labels, edge)).astype(np.int16)],
        "size": [np.minimum(size, 10)],                         # of the cell's one-colour component
        "size-rank": [rank.astype(np.int16)],
        "in-box": [boxed],                                      # within a shape's bounding box
        "parity": [np.broadcast_to(rows % 2 * 2 + cols % 2, (h, w)).astype(np.int16)],
        "period3": [np.broadcast_to(rows % 3 * 3 + cols % 3, (h, w)).astype(np.int16)],
        "line-filled": [np.broadcast_to((g != 0).any(1, keepdims=True) + 2 * (g != 0).any(0, keepdims=True),
                                        (h, w)).astype(np.int16)],
        "line-colours": [np.broadcast_to(rowset[:, None], (h, w)), np.broadcast_to(colset[None, :], (h, w))],
        "line-counts": [np.broadcast_to(np.minimum(filled.sum(1, keepdims=True), 10), (h, w)).astype(np.int16),
                        np.broadcast_to(np.minimum(filled.sum(0, keepdims=True), 10), (h, w)).astype(np.int16)],
        "marker": [marker],
        "holes": [holes],
        "alike": [alike],
        "border": [border],
    }


def _shape_features(g: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For each cell off the background: the rarest colour of its group of touching cells of
    any colour (its *marker*: a shape's one odd cell; the smaller colour on a tie), the cells
    of any colour its one-colour shape encloses (at most 3), how many shapes in the grid
    have its shape (at most 3), and whether its shape touches the border; 0 on the
    background."""
    h, w = g.shape
    marker, holes, alike, border = (np.zeros((h, w), dtype=np.int16) for _ in range(4))
    blobs, n = ndimage.label(g != 0, _EIGHT)
    for k, box in enumerate(ndimage.find_objects(blobs), 1):
        if box is None:
            continue
        here = blobs[box] == k
        counts = np.bincount(g[box][here], minlength=10)
        present = np.flatnonzero(counts)
        rare = present[np.argmin(counts[present])]
        marker[box] = np.where(here, rare, marker[box])
    shapes: dict[bytes, list] = {}
    for colour in np.unique(g):
        if colour == 0:
            continue
        lab, _ = ndimage.label(g == colour, _FOUR)
        for k, box in enumerate(ndimage.find_objects(lab), 1):
            if box is None:
                continue
            here = lab[box] == k
            inside = int((ndimage.binary_fill_holes(here) & ~here).sum())
            holes[box] = np.where(here, min(inside, 3), holes[box])
            touching = box[0].start == 0 or box[1].start == 0 or box[0].stop == h or box[1].stop == w
            border[box] = np.where(here, int(touching), border[box])
            shapes.setdefault(here.shape + (here.tobytes(),), []).append((box, here))
    for same in shapes.values():
        for box, here in same:
            alike[box] = np.where(here, min(len(same), 3), alike[box])
    return marker, holes, alike, border


FEATURES: tuple[str, ...] = ("sides", "around", "count4", "count8", "filled8", "same4", "same8", "rays",
                             "diagonal-rays", "enclosed", "size", "size-rank", "in-box", "parity", "period3",
                             "line-filled", "line-colours", "line-counts", "marker", "holes", "alike", "border")
"""The cell features a rule may key on besides the cell's colour, the simplest first."""

FEATURE_SETS: tuple[tuple[str, ...], ...] = ((),) + tuple((f,) for f in FEATURES) + tuple(
    itertools.combinations(FEATURES, 2))
"""The feature sets a rule is fitted with: none (a colour map), each one, each two."""


@lru_cache(maxsize=256)
def _features_of(shape: tuple, data: bytes) -> dict[str, list[np.ndarray]]:
    return _compute(np.frombuffer(data, dtype=np.uint8).reshape(shape).astype(np.int16))


def cell_features(g: np.ndarray) -> dict[str, list[np.ndarray]]:
    """Every feature of every cell of ``g``, by name: a list of arrays the shape of ``g``."""
    g = np.ascontiguousarray(g, dtype=np.uint8)
    return _features_of(g.shape, g.tobytes())


def _keys(g: np.ndarray, names: Sequence[str]) -> np.ndarray:
    """One row per cell (reading order): its colour, then the named features."""
    found = cell_features(g)
    columns = found["colour"] + [a for name in names for a in found[name]]
    return np.stack([c.ravel() for c in columns], 1)


_MIX = np.random.default_rng(0).integers(1, 2 ** 62, size=64, dtype=np.int64) | 1


def _consistent(pairs: Sequence[tuple[np.ndarray, np.ndarray]], names: Sequence[str],
                keys: list[np.ndarray] | None = None) -> bool:
    """Whether no key is given two colours (keys hashed and sorted: no table is built)."""
    every = np.concatenate(keys if keys is not None else [_keys(x, names) for x, _ in pairs]).astype(np.int64)
    hashed = every @ _MIX[:every.shape[1]]
    colours = np.concatenate([y.ravel() for _, y in pairs])
    order = np.lexsort((colours, hashed))
    hashed, colours = hashed[order], colours[order]
    return not bool(np.any((hashed[1:] == hashed[:-1]) & (colours[1:] != colours[:-1])))


def fit_rule(pairs: Sequence[tuple[np.ndarray, np.ndarray]], names: Sequence[str]) -> dict[tuple, int] | None:
    """The table from each key (the cell's colour and ``names``' features) to its output
    colour over ``pairs`` of same-shaped grids, or None when a key is given two colours."""
    keys = [_keys(x, names) for x, _ in pairs]
    if not _consistent(pairs, names, keys):
        return None
    table: dict[tuple, int] = {}
    for k, (_, y) in zip(keys, pairs):
        for key, colour in zip(map(tuple, k.tolist()), y.ravel().tolist()):
            if table.setdefault(key, colour) != colour:
                return None
    return table


def _apply(table: dict[tuple, int], g: np.ndarray, names: Sequence[str]) -> np.ndarray:
    keys = _keys(g, names).tolist()
    return np.array([table.get(tuple(k), k[0]) for k in keys], dtype=np.uint8).reshape(g.shape)


def rules_between(pairs: Sequence[tuple[np.ndarray, np.ndarray]], limit: int = MAX_RULES) -> list[list]:
    """Up to ``limit`` rules that take each first grid of ``pairs`` to its second (all of one
    shape), the best first: fewest features, then smallest table; rules on colours before
    rules on colour ranks."""
    found = _fitted(pairs, limit, "colour")
    by_rank = [(table[x], table[y]) for table, (x, y) in ((_ranks(x), (x, y)) for x, y in pairs)]
    if len(found) < limit and not all(np.array_equal(a, x) and np.array_equal(b, y)
                                      for (a, b), (x, y) in zip(by_rank, pairs)):
        found += _fitted(by_rank, limit - len(found), "rank")
    return found


def _fitted(pairs: Sequence[tuple[np.ndarray, np.ndarray]], limit: int, kind: str) -> list[list]:
    # A key of fewer features is coarser: when the key of every feature at once gives some
    # cell two colours, so does every key, and there is no rule.
    if not _consistent(pairs, FEATURES):
        return []
    ranked: list = []
    for size in (0, 1, 2):
        if len(ranked) >= limit:
            break  # a rule of fewer features ranks first whatever its table
        for names in (n for n in FEATURE_SETS if len(n) == size):
            table = fit_rule(pairs, names)
            if table is None:
                continue
            changes = {k: v for k, v in table.items() if v != k[0]}
            if not changes or (names and not _generalises(pairs, names)):  # a colour map cannot memorise
                continue
            ranked.append(((len(names), len(table)), names, changes))
    ranked.sort(key=lambda r: r[0])
    return [["+".join((kind,) + names), [[*k, v] for k, v in sorted(changes.items())]]
            for _, names, changes in ranked[:limit]]


def _ranks(g: np.ndarray) -> np.ndarray:
    """Each colour's rank in ``g`` (a lookup table): the background 0, the other colours of
    ``g`` 1, 2 ... from the most frequent (ties: the smaller colour first), and a colour
    ``g`` lacks 10 plus itself."""
    counts = np.bincount(g.ravel(), minlength=10)
    table = np.arange(10, 20, dtype=np.uint8)
    table[0] = 0
    for rank, colour in enumerate(sorted((c for c in range(1, 10) if counts[c]), key=lambda c: (-counts[c], c)), 1):
        table[colour] = rank
    return table


def local_rules(task: Any, views: Sequence[tuple[str, Callable[[np.ndarray], np.ndarray]]] = ()) -> list[list]:
    """The rules a task's train pairs give, the best first: those that take each input to its
    output (when every pair keeps its shape), then, for each of ``views`` in turn (functions
    of a grid, such as the DSL's turns, crops and scalings) that gives grids the shape of
    the outputs, the best rule that takes the view of each input to its output.  At most
    :data:`MAX_RULES` of the first kind and :data:`MAX_VIEW_RULES` in all."""
    pairs = []
    for e in task.examples:
        x, y = np.asarray(e.inputs[0], dtype=np.uint8), np.asarray(e.output, dtype=np.uint8)
        if x.ndim != 2 or y.ndim != 2 or x.size == 0 or y.size == 0:
            return []
        pairs.append((x, y))
    found = rules_between(pairs) if all(x.shape == y.shape for x, y in pairs) else []
    seen = {tuple((x.shape, x.tobytes()) for x, _ in pairs)}
    for _, view in views:
        if len(found) >= MAX_VIEW_RULES:
            break
        try:
            seen_pairs = [(np.asarray(view(x), dtype=np.uint8), y) for x, y in pairs]
        except Exception:  # a view that does not apply to these grids (a primitive's refusal)
            continue
        if any(v.shape != y.shape for v, y in seen_pairs):
            continue
        key = tuple((v.shape, v.tobytes()) for v, _ in seen_pairs)
        if key in seen or all(np.array_equal(v, y) for v, y in seen_pairs):
            continue  # the same grids as an earlier view, or the outputs already: no rule needed
        seen.add(key)
        found.extend(r for r in rules_between(seen_pairs, 1) if r not in found)
    return found[:MAX_VIEW_RULES]


def _generalises(pairs: Sequence[tuple[np.ndarray, np.ndarray]], names: Sequence[str]) -> bool:
    """Whether each pair is predicted by the rule fitted on the other pairs (two or more pairs)."""
    if len(pairs) < 2:
        return False
    for k, (x, y) in enumerate(pairs):
        table = fit_rule([p for j, p in enumerate(pairs) if j != k], names)
        if table is None or not np.array_equal(_apply(table, x, names), y):
            return False
    return True


@lru_cache(maxsize=64)
def _table(kind: str, names: tuple, rows: tuple) -> dict[tuple, int]:
    found = cell_features(np.zeros((1, 1), dtype=np.uint8))
    width = 2 + sum(len(found[n]) for n in names)  # the colour, the features, the new colour
    top = 9 if kind == "colour" else 19
    if any(len(row) != width or not 0 <= row[-1] <= top for row in rows):
        raise ValueError(f"each row of a rule keyed on {'+'.join((kind,) + names)} holds {width} numbers, "
                         f"the last from 0 to {top}")
    return {tuple(row[:-1]): row[-1] for row in rows}


def rewrite(g: np.ndarray, rule: Sequence) -> np.ndarray:
    """``g`` with each cell given the colour ``rule`` maps its key to (its own when unmapped).

    A ``rank`` rule reads ``g``'s colours as their ranks in ``g`` (see :func:`_ranks`), so
    one rule serves grids of different colours; its new colours are ranks of ``g``'s colours
    (a rank ``g`` lacks fails) or 10 plus a fixed colour."""
    try:
        keyed, rows = rule
        kind, *rest = keyed.split("+")
        names = tuple(rest)
        if kind not in ("colour", "rank") or any(n not in FEATURES for n in names):
            raise ValueError(f"unknown cell feature in rule: {keyed}")
        table = _table(kind, names, tuple(tuple(r) for r in rows))
    except (AttributeError, TypeError, ValueError) as e:
        raise ValueError(f"not a rule: {e}") from None
    if kind == "colour":
        return _apply(table, g, names)
    ranks = _ranks(g)
    back = np.full(20, 255, dtype=np.uint8)
    present = np.bincount(g.ravel(), minlength=10) > 0
    back[ranks[present]] = np.flatnonzero(present)
    back[10:] = np.arange(10)
    back[0] = 0
    out = back[_apply(table, ranks[g], names)]
    if (out == 255).any():
        raise ValueError("the rule gives a colour rank this grid lacks")
    return out


RULE_PRIMITIVES: dict[str, Callable] = {"rewrite": rewrite}
