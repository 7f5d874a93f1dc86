"""Parts of a grid chosen by a property: arc.induct's task-bound ``PART`` family.

Many grid tasks answer with one piece of the input: the largest shape, the one object of
an odd colour, the cell of a lattice that differs from the others, the region a frame
encloses.  Which piece is a choice read from the train pairs, as a constant is: a
*selector* names how the input is cut into parts (a segmentation), how a part is drawn
(its bounding box as it lies in the grid, the part's own cells alone, or the inside of
that box), and the property whose extreme picks the part (its size, its height, how many
parts share its shape ...).  A selector fits a task when, on every train pair, the part it
picks, turned or flipped (or scaled up) the same way on every pair, is the output; the
search then finds that turn, ``(rot90 (select-part $0 PART))``.

:func:`part_selectors` lists the selectors that fit a task, the simplest first (properties
in :data:`FEATURES` order, then segmentations, then drawings); :func:`select_part` applies
one to any grid.  The extreme must be unique: a tie picks nothing, and the program fails on
that grid rather than guess.

Segmentations (:data:`SEGMENTATIONS`): ``object4`` and ``object8``, one-colour components
(4- or 8-connected); ``blob``, components of non-background cells of any colour
(8-connected); ``colour``, all the cells of one colour; ``cell``, the parts between full
separator lines of one colour.

A selector is a JSON list ``[segmentation, drawing, feature, "max" | "min"]``, written,
saved and read back like any constant.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from typing import Any, Callable, Sequence

import numpy as np
from scipy import ndimage

__all__ = ["SEGMENTATIONS", "DRAWINGS", "FEATURES", "MAX_SELECTORS", "MAX_PARTS", "parts_of", "select_part",
           "part_selectors"]

SEGMENTATIONS = ("object4", "object8", "blob", "colour", "cell")
DRAWINGS = ("box", "alone", "inside")
FEATURES = ("size", "area", "height", "width", "colours", "filled", "holes", "shape-count", "colour-count",
            "content-count", "top", "left", "bottom", "right", "border", "symmetry")
"""The properties a selector's extreme may be of, the simplest first."""

MAX_SELECTORS = 4
"""At most this many selectors per task (the simplest first)."""

MAX_PARTS = 60
"""A segmentation that cuts a train input into more parts than this is not tried on that task."""

_FOUR = ndimage.generate_binary_structure(2, 1)
_EIGHT = ndimage.generate_binary_structure(2, 2)

_TURNS: tuple[Callable[[np.ndarray], np.ndarray], ...] = (
    lambda g: g, lambda g: g[::-1].T, lambda g: g[::-1, ::-1], lambda g: g[:, ::-1].T,
    lambda g: g[:, ::-1], lambda g: g[::-1], lambda g: g.T, lambda g: g[::-1, ::-1].T)
"""The eight turns and flips of a grid (the identity first)."""


class _Part:
    """A part of a grid: its bounding box ``(top, bottom, left, right)`` and its cells there."""

    __slots__ = ("box", "mask")

    def __init__(self, box: tuple[int, int, int, int], mask: np.ndarray):
        self.box, self.mask = box, mask


def _components(g: np.ndarray, mask: np.ndarray, structure: np.ndarray) -> list[_Part]:
    labels, _ = ndimage.label(mask, structure)
    found = []
    for k, s in enumerate(ndimage.find_objects(labels)):
        if s is not None:
            found.append(_Part((s[0].start, s[0].stop, s[1].start, s[1].stop), labels[s] == k + 1))
    return found


def spans(cuts: list[int], n: int) -> list[tuple[int, int]]:
    """The runs ``(start, stop)`` of ``range(n)`` between the indices ``cuts`` (none empty)."""
    out, start = [], 0
    for cut in cuts + [n]:
        if cut > start:
            out.append((start, cut))
        start = cut + 1
    return out


def _cells(g: np.ndarray) -> list[_Part]:
    h, w = g.shape
    rows = [r for r in range(h) if g[r, 0] != 0 and (g[r] == g[r, 0]).all()]
    cols = [c for c in range(w) if g[0, c] != 0 and (g[:, c] == g[0, c]).all()]
    if not rows and not cols:
        return []
    return [_Part((a, b, c, d), np.ones((b - a, d - c), dtype=bool))
            for a, b in spans(rows, h) for c, d in spans(cols, w)]


@lru_cache(maxsize=512)
def _parts(shape: tuple, data: bytes, segmentation: str) -> tuple[_Part, ...]:
    g = np.frombuffer(data, dtype=np.uint8).reshape(shape)
    if segmentation in ("object4", "object8"):
        structure = _FOUR if segmentation == "object4" else _EIGHT
        found = [p for colour in np.unique(g) if colour != 0 for p in _components(g, g == colour, structure)]
    elif segmentation == "blob":
        found = _components(g, g != 0, _EIGHT)
    elif segmentation == "colour":
        found = []
        for colour in np.unique(g):
            if colour != 0:
                rows, cols = np.nonzero(g == colour)
                t, b, l, r = rows.min(), rows.max() + 1, cols.min(), cols.max() + 1
                found.append(_Part((int(t), int(b), int(l), int(r)), g[t:b, l:r] == colour))
    elif segmentation == "cell":
        found = _cells(g)
    else:
        raise ValueError(f"unknown segmentation {segmentation!r}")
    found.sort(key=lambda p: p.box)  # reading order of their boxes
    return tuple(found)


def parts_of(g: np.ndarray, segmentation: str) -> tuple[Any, ...]:
    """The parts ``segmentation`` cuts ``g`` into, in reading order of their boxes."""
    g = np.ascontiguousarray(g, dtype=np.uint8)
    return _parts(g.shape, g.tobytes(), segmentation)


@lru_cache(maxsize=512)
def _parts_features(shape: tuple, data: bytes, segmentation: str,
                    drawing: str) -> tuple[tuple[_Part, ...], dict[str, np.ndarray]]:
    """A grid's parts and their features, computed once per grid, cut and drawing: the search
    applies the same selector's cut to the same grid on every program that reads it."""
    g = np.frombuffer(data, dtype=np.uint8).reshape(shape)
    parts = _parts(shape, data, segmentation)
    features = _features(g, parts, drawing) if parts else {}
    for values in features.values():
        values.flags.writeable = False  # shared by every later call
    return parts, features


def _drawn(g: np.ndarray, part: _Part, drawing: str) -> np.ndarray | None:
    t, b, l, r = part.box
    box = g[t:b, l:r]
    if drawing == "box":
        return box
    if drawing == "alone":
        return np.where(part.mask, box, 0).astype(np.uint8)
    if drawing == "inside":
        return box[1:-1, 1:-1] if box.shape[0] > 2 and box.shape[1] > 2 else None
    raise ValueError(f"unknown drawing {drawing!r}")


def _features(g: np.ndarray, parts: Sequence[_Part], drawing: str) -> dict[str, np.ndarray]:
    """Each feature of each part, by name: an array with one value per part."""
    h, w = g.shape
    drawn = [_drawn(g, p, drawing) for p in parts]
    shapes = [p.mask.shape + (p.mask.tobytes(),) for p in parts]
    colour_sets = [frozenset(np.unique(g[p.box[0]:p.box[1], p.box[2]:p.box[3]][p.mask]).tolist()) for p in parts]
    contents = [None if d is None else (d.shape, d.tobytes()) for d in drawn]

    def count(keys: list) -> np.ndarray:
        seen = Counter(keys)
        return np.array([seen[k] for k in keys])

    def symmetry(d: np.ndarray | None) -> int:
        return 0 if d is None else int(np.array_equal(d, d[:, ::-1])) + int(np.array_equal(d, d[::-1]))

    return {
        "size": np.array([p.mask.sum() for p in parts]),
        "area": np.array([p.mask.size for p in parts]),
        "height": np.array([p.mask.shape[0] for p in parts]),
        "width": np.array([p.mask.shape[1] for p in parts]),
        "colours": np.array([len(s - {0}) for s in colour_sets]),
        "filled": np.array([-1 if d is None else int((d != 0).sum()) for d in drawn]),
        "holes": np.array([int((ndimage.binary_fill_holes(p.mask) & ~p.mask).sum()) for p in parts]),
        "shape-count": count(shapes),
        "colour-count": count(colour_sets),
        "content-count": count(contents),
        "top": np.array([p.box[0] for p in parts]),
        "left": np.array([p.box[2] for p in parts]),
        "bottom": np.array([p.box[1] for p in parts]),
        "right": np.array([p.box[3] for p in parts]),
        "border": np.array([int(p.box[0] == 0 or p.box[2] == 0 or p.box[1] == h or p.box[3] == w) for p in parts]),
        "symmetry": np.array([symmetry(d) for d in drawn]),
    }


def _pick(values: np.ndarray, direction: str) -> int | None:
    """The index of the unique extreme of ``values``, or None on a tie."""
    best = values.max() if direction == "max" else values.min()
    where = np.flatnonzero(values == best)
    return int(where[0]) if len(where) == 1 else None


def _checked(selector: Any) -> tuple[str, str, str, str]:
    try:
        segmentation, drawing, feature, direction = selector
    except (TypeError, ValueError):
        raise ValueError(f"not a part selector: {selector!r}") from None
    if segmentation not in SEGMENTATIONS or drawing not in DRAWINGS or feature not in FEATURES \
            or direction not in ("max", "min"):
        raise ValueError(f"not a part selector: {selector!r}")
    return segmentation, drawing, feature, direction


def select_part(g: np.ndarray, selector: Sequence) -> np.ndarray:
    """The part of ``g`` that ``selector`` picks, drawn as it says; fails (``ValueError``)
    when ``g`` has no parts, its extreme is tied, or the part picked is the whole grid."""
    segmentation, drawing, feature, direction = _checked(selector)
    g = np.ascontiguousarray(g, dtype=np.uint8)
    parts, features = _parts_features(g.shape, g.tobytes(), segmentation, drawing)
    if not parts:
        raise ValueError("no parts")
    k = _pick(features[feature], direction)
    if k is None:
        raise ValueError(f"{feature} ties between parts")
    if parts[k].box == (0, g.shape[0], 0, g.shape[1]):
        raise ValueError("the whole grid is no part")  # as the selectors are read
    out = _drawn(g, parts[k], drawing)
    if out is None:
        raise ValueError("the part has no inside")
    return np.ascontiguousarray(out)


def _fits(d: np.ndarray | None, y: np.ndarray) -> set[tuple[int, int]]:
    """The ``(turn, scale)`` pairs under which the drawn part ``d`` is ``y``: the part
    turned and flipped, then each cell made a ``scale × scale`` block (1: as it is)."""
    if d is None:
        return set()
    found = set()
    for t, turn in enumerate(_TURNS):
        e = turn(d)
        if y.shape[0] % e.shape[0] or y.shape[1] % e.shape[1]:
            continue
        k = y.shape[0] // e.shape[0]
        if k * e.shape[1] == y.shape[1] and k <= 4 and \
                np.array_equal(np.repeat(np.repeat(e, k, 0), k, 1) if k > 1 else e, y):
            found.add((t, k))
    return found


def part_selectors(task: Any) -> list[list[str]]:
    """The selectors that pick each train output from its input (each output that part, or
    that part turned or flipped, or scaled up, the same way on every pair), the simplest
    first: at most :data:`MAX_SELECTORS`; none when an output is larger than its input (a
    part scaled up is found only when the output still fits in the input's cells)."""
    pairs = []
    if not task.examples:
        return []
    for e in task.examples:
        x, y = np.asarray(e.inputs[0], dtype=np.uint8), np.asarray(e.output, dtype=np.uint8)
        if x.ndim != 2 or y.ndim != 2 or x.size == 0 or y.size == 0 or y.size > x.size:
            return []
        pairs.append((x, y))
    found = []
    for segmentation in SEGMENTATIONS:
        every = [parts_of(x, segmentation) for x, _ in pairs]
        if any(not p or len(p) > MAX_PARTS for p in every):
            continue
        for drawing in DRAWINGS:
            if segmentation == "cell" and drawing == "alone":
                continue  # a cell is all its box
            # for each pair, the turns under which each part is the output
            fits = []
            for (x, y), parts in zip(pairs, every):
                fits.append([set() if p.box == (0, x.shape[0], 0, x.shape[1])  # the whole grid is no part
                             else _fits(_drawn(x, p, drawing), y) for p in parts])
            if not all(any(f) for f in fits):
                continue
            features = [_features(x, parts, drawing) for (x, _), parts in zip(pairs, every)]
            for rank, feature in enumerate(FEATURES):
                for direction in ("max", "min"):
                    turns = {(t, k) for t in range(len(_TURNS)) for k in range(1, 5)}
                    for fit, values in zip(fits, features):
                        k = _pick(values[feature], direction)
                        turns &= fit[k] if k is not None else set()
                        if not turns:
                            break
                    if turns:
                        found.append((rank, SEGMENTATIONS.index(segmentation), DRAWINGS.index(drawing),
                                      [segmentation, drawing, feature, direction]))
    found.sort(key=lambda f: f[:3])
    return [f[3] for f in found[:MAX_SELECTORS]]


PART_PRIMITIVES: dict[str, Callable] = {"select-part": select_part}
