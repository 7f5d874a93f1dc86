"""Semantics of the ARC grid primitives (arc.induct), on numpy.

Grids are 2-D ``uint8`` arrays of colours 0-9 (0 is the background); objects are
:class:`Obj` (a connected component: its top-left position, its colour and its shape as a
boolean mask).  Every primitive is total on well-formed input: anything it cannot do
raises an ordinary exception (``ValueError``/``IndexError``), which the search counts as
a failed example.  No primitive builds a grid larger than ``MAX_SIDE`` on a side.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from scipy import ndimage

from induct.domains.arc import parts, rules, stacks
from induct.domains.arc.completion import COMPLETION_PRIMITIVES
from induct.domains.arc.parts import PART_PRIMITIVES, spans
from induct.domains.arc.stacks import STACK_PRIMITIVES
from induct.domains.arc.rules import RULE_PRIMITIVES

__all__ = ["PRIMITIVES", "NUMPY_PRIMITIVES", "MAX_SIDE", "Obj", "Grid", "grid_value", "as_grid", "objects", "grid_key",
           "palette", "local_rules", "part_selectors", "stack_rules"]

MAX_SIDE = 60
"""Largest side a program may build: twice ARC's largest grid (30)."""


def as_grid(value) -> np.ndarray:
    g = np.asarray(value, dtype=np.uint8)
    if g.ndim != 2 or g.size == 0:
        raise ValueError("not a grid")
    return g


def _checked(g: np.ndarray) -> np.ndarray:
    if g.ndim != 2 or g.shape[0] == 0 or g.shape[1] == 0:
        raise ValueError("empty grid")
    if g.shape[0] > MAX_SIDE or g.shape[1] > MAX_SIDE:
        raise ValueError(f"grid of {g.shape[0]}x{g.shape[1]} exceeds {MAX_SIDE} a side")
    return g


def grid_key(g: np.ndarray) -> tuple:
    return (g.shape, g.tobytes())


@dataclass(frozen=True, eq=False)
class Obj:
    row: int
    col: int
    color: int
    mask: np.ndarray  # bool, the component's bounding box

    @property
    def size(self) -> int:
        return int(self.mask.sum())

    def shape_key(self) -> tuple:
        return grid_key(self.mask.astype(np.uint8))


def objects(g: np.ndarray, diagonal: bool = False) -> list[Obj]:
    """Single-colour 4- (or 8-) connected components of non-background cells, in reading
    order (of each component's first cell)."""
    return list(_objects_of(g.shape, g.tobytes(), diagonal))


_FOUR = ndimage.generate_binary_structure(2, 1)
_EIGHT = ndimage.generate_binary_structure(2, 2)


@lru_cache(maxsize=1024)
def _objects_of(shape: tuple, data: bytes, diagonal: bool) -> tuple[Obj, ...]:
    # Search applies many object primitives to the same grid (every subprogram that yields
    # it), so each grid's components are found once; labelling is scipy's, not a Python flood fill.
    g = np.frombuffer(data, dtype=np.uint8).reshape(shape)
    order = np.arange(g.size).reshape(shape)
    found = []
    for colour in np.unique(g):
        if colour == 0:
            continue
        labels, n = ndimage.label(g == colour, _EIGHT if diagonal else _FOUR)
        firsts = ndimage.minimum(order, labels, np.arange(1, n + 1))
        for k, box in enumerate(ndimage.find_objects(labels)):
            mask = labels[box] == k + 1
            mask.setflags(write=False)
            found.append((int(firsts[k]), Obj(box[0].start, box[1].start, int(colour), mask)))
    found.sort(key=lambda pair: pair[0])
    return tuple(o for _, o in found)


# --- geometry ---------------------------------------------------------------------------

def _mirror_h(g):
    return _checked(np.hstack([g, g[:, ::-1]]))


def _mirror_v(g):
    return _checked(np.vstack([g, g[::-1, :]]))


def _hconcat(a, b):
    if a.shape[0] != b.shape[0]:
        raise ValueError("heights differ")
    return _checked(np.hstack([a, b]))


def _vconcat(a, b):
    if a.shape[1] != b.shape[1]:
        raise ValueError("widths differ")
    return _checked(np.vstack([a, b]))


def _tile(g, n, m):
    if n < 1 or m < 1:
        raise ValueError("tile count")
    return _checked(np.tile(g, (n, m)))


def _scale(g, k):
    if k < 1:
        raise ValueError("scale factor")
    return _checked(np.kron(g, np.ones((k, k), dtype=np.uint8)))


def _downscale(g, k):
    h, w = g.shape
    if k < 2 or h % k or w % k:
        raise ValueError("not divisible")
    return _checked(g[::k, ::k].copy())


def _crop_nonbg(g):
    ys, xs = np.nonzero(g)
    if len(ys) == 0:
        raise ValueError("blank grid")
    return _checked(g[ys.min():ys.max() + 1, xs.min():xs.max() + 1])


def _half(g, which):
    h, w = g.shape
    if which == "top":
        return _checked(g[: h // 2])
    if which == "bottom":
        return _checked(g[h - h // 2:])
    if which == "left":
        return _checked(g[:, : w // 2])
    return _checked(g[:, w - w // 2:])


def _split_parts(g) -> list[np.ndarray]:
    """The grid's parts between full separator lines (rows/columns of one non-zero colour),
    or its two halves along the longer side when there are none."""
    h, w = g.shape
    rows = [r for r in range(h) if g[r, 0] != 0 and (g[r] == g[r, 0]).all()]
    cols = [c for c in range(w) if g[0, c] != 0 and (g[:, c] == g[0, c]).all()]
    if not rows and not cols:
        raise ValueError("no separator")
    parts = [g[a:b, c:d] for a, b in spans(rows, h) for c, d in spans(cols, w)]
    if len(parts) < 2:
        raise ValueError("one part")
    return parts


def _split_two(g):
    """Two equal halves: split at a separator line if any, else along the longer side."""
    try:
        parts = _split_parts(g)
        if len(parts) == 2 and parts[0].shape == parts[1].shape:
            return parts
    except ValueError:
        pass
    h, w = g.shape
    if w >= h and w % 2 == 0:
        return [g[:, : w // 2], g[:, w // 2:]]
    if h % 2 == 0:
        return [g[: h // 2], g[h // 2:]]
    raise ValueError("no equal halves")


def _mask_logic(g, op, colour):
    a, b = _split_two(g)
    if a.shape != b.shape:
        raise ValueError("halves differ in shape")
    x, y = a != 0, b != 0
    m = {"and": x & y, "or": x | y, "xor": x ^ y, "nor": ~(x | y), "left-only": x & ~y}[op]
    return _checked(np.where(m, colour, 0).astype(np.uint8))


def _overlay_parts(g):
    parts = _split_parts(g)
    if len({p.shape for p in parts}) != 1:
        raise ValueError("parts differ in shape")
    out = parts[0].copy()
    for p in parts[1:]:
        out = np.where(p != 0, p, out)
    return _checked(out.astype(np.uint8))


# --- colours ----------------------------------------------------------------------------

def _recolor(g, a, b):
    return np.where(g == a, b, g).astype(np.uint8)


def _swap(g, a, b):
    out = g.copy()
    out[g == a] = b
    out[g == b] = a
    return out


def _paint_nonbg(g, c):
    return np.where(g != 0, c, 0).astype(np.uint8)


def _remove_color(g, c):
    return np.where(g == c, 0, g).astype(np.uint8)


def _color_counts(g) -> Counter:
    return Counter(int(v) for v in g.ravel() if v != 0)


def _most_common(g):
    counts = _color_counts(g)
    if not counts:
        raise ValueError("blank")
    return max(sorted(counts), key=lambda c: counts[c])


def _least_common(g):
    counts = _color_counts(g)
    if not counts:
        raise ValueError("blank")
    return min(sorted(counts), key=lambda c: counts[c])


def _count_colors(g):
    return len(_color_counts(g))


def _count_objects(g):
    return len(objects(g))


# --- objects ----------------------------------------------------------------------------

def _obj_grid(o: Obj) -> np.ndarray:
    return np.where(o.mask, o.color, 0).astype(np.uint8)


def _crop_obj(g: np.ndarray, o: Obj) -> np.ndarray:
    """The input's window under the object's bounding box (keeping what else lies there)."""
    return _checked(g[o.row:o.row + o.mask.shape[0], o.col:o.col + o.mask.shape[1]].copy())


def _paint(g: np.ndarray, o: Obj) -> np.ndarray:
    out = g.copy()
    h, w = o.mask.shape
    region = out[o.row:o.row + h, o.col:o.col + w]
    if region.shape != o.mask.shape:
        raise ValueError("object outside the grid")
    region[o.mask] = o.color
    return out


def _select(objs: list[Obj], how: str) -> Obj:
    if not objs:
        raise ValueError("no objects")
    if how == "largest":
        return max(objs, key=lambda o: o.size)
    if how == "smallest":
        return min(objs, key=lambda o: o.size)
    if how == "odd-colour":
        colours = Counter(o.color for o in objs)
        odd = [o for o in objs if colours[o.color] == 1]
    else:  # odd shape
        shapes = Counter(o.shape_key() for o in objs)
        odd = [o for o in objs if shapes[o.shape_key()] == 1]
    if len(odd) != 1:
        raise ValueError("no single odd one out")
    return odd[0]


def _select_obj(g, how):
    return _select(objects(g), how)


def _select_obj8(g, how):
    return _select(objects(g, diagonal=True), how)


def _multicolour_components(g):
    """8-connected components of non-background cells regardless of colour, as bounding boxes
    ``(top, bottom, left, right, cells)``, in reading order of their first cells."""
    return _blobs_of(g.shape, g.tobytes())


@lru_cache(maxsize=1024)
def _blobs_of(shape: tuple, data: bytes) -> tuple[tuple, ...]:
    g = np.frombuffer(data, dtype=np.uint8).reshape(shape)
    labels, n = ndimage.label(g != 0, _EIGHT)
    if n == 0:
        return ()
    index = np.arange(1, n + 1)
    firsts = ndimage.minimum(np.arange(g.size).reshape(shape), labels, index)
    sizes = np.bincount(labels.ravel(), minlength=n + 1)
    boxes = [(int(firsts[k]), (b[0].start, b[0].stop, b[1].start, b[1].stop, int(sizes[k + 1])))
             for k, b in enumerate(ndimage.find_objects(labels))]
    boxes.sort(key=lambda pair: pair[0])
    return tuple(b for _, b in boxes)


def _crop_blob(g, how):
    boxes = _multicolour_components(g)
    if not boxes:
        raise ValueError("no objects")
    if how == "largest":
        b = max(boxes, key=lambda b: b[4])
    elif how == "smallest":
        b = min(boxes, key=lambda b: b[4])
    else:
        raise ValueError(how)
    return _checked(g[b[0]:b[1], b[2]:b[3]].copy())


def _keep_obj(g, how):
    o = _select_obj(g, how)
    return _paint(np.zeros_like(g), o)


def _filter_objects(f, objs):
    return [o for o in objs if f(o)]


def _map_objects(f, objs):
    return [f(o) for o in objs]


def _argmax_objects(f, objs):
    if not objs:
        raise ValueError("no objects")
    return max(objs, key=f)


def _paint_all(g, objs):
    out = g
    for o in objs:
        out = _paint(out, o)
    return out


def _recolor_obj(o: Obj, c: int) -> Obj:
    return Obj(o.row, o.col, int(c), o.mask)


def _recolor_by_size(g, how, c):
    """Recolour the largest/smallest object of the grid."""
    return _paint(g, _recolor_obj(_select_obj(g, how), c))


# --- filling, gravity --------------------------------------------------------------------

def _fill_enclosed(g, c):
    """Colour ``c`` into background cells not connected to the border through background."""
    background = g == 0
    labels, _ = ndimage.label(background, _FOUR)
    outside = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    enclosed = background & ~np.isin(labels, outside)
    if not enclosed.any():
        raise ValueError("nothing enclosed")
    return np.where(enclosed, c, g).astype(np.uint8)


def _gravity_down(g):
    out = np.zeros_like(g)
    h = g.shape[0]
    for c in range(g.shape[1]):
        col = g[:, c][g[:, c] != 0]
        if len(col):
            out[h - len(col):, c] = col
    return out


def _gravity(g, direction):
    if direction == "down":
        return _gravity_down(g)
    if direction == "up":
        return _gravity_down(g[::-1])[::-1].copy()
    if direction == "right":
        return _gravity_down(g.T).T.copy()
    return _gravity_down(g[:, ::-1].T).T[:, ::-1].copy()


def _symmetrize(g, kind):
    """Complete a partly symmetric pattern: fill background cells from the mirror image."""
    m = {"h": g[:, ::-1], "v": g[::-1, :], "t": g.T if g.shape[0] == g.shape[1] else None}[kind]
    if m is None:
        raise ValueError("not square")
    return np.where(g == 0, m, g).astype(np.uint8)


def _outline(g, c):
    """Colour ``c`` into background cells 4-adjacent to a non-background cell."""
    nb = g != 0
    near = np.zeros_like(nb)
    near[1:] |= nb[:-1]
    near[:-1] |= nb[1:]
    near[:, 1:] |= nb[:, :-1]
    near[:, :-1] |= nb[:, 1:]
    return np.where(near & ~nb, c, g).astype(np.uint8)


def _connect_lines(g):
    """Join each two cells of one colour that face each other along a row or a column over
    background only: the background between them takes their colour."""
    out = g.copy()
    for grid, into in ((g, out), (g.T, out.T)):
        for r in range(grid.shape[0]):
            row = grid[r]
            filled = np.flatnonzero(row)
            for a, b in zip(filled[:-1], filled[1:]):
                if b > a + 1 and row[a] == row[b]:
                    into[r, a + 1:b] = row[a]
    if np.array_equal(out, g):
        raise ValueError("nothing to connect")
    return out


def _in_boxes(g, ring: bool) -> np.ndarray:
    """Cells inside (or, ``ring``, on the one-cell ring around) the bounding box of each
    8-connected blob of non-background cells."""
    inside = np.zeros(g.shape, dtype=bool)
    h, w = g.shape
    for top, bottom, left, right, _ in _multicolour_components(g):
        if ring:
            inside[max(top - 1, 0):bottom + 1, max(left - 1, 0):right + 1] = True
        else:
            inside[top:bottom, left:right] = True
    if ring:
        for top, bottom, left, right, _ in _multicolour_components(g):
            inside[top:bottom, left:right] = False
    return inside


def _fill_boxes(g, c, ring: bool):
    """Colour ``c`` into the background cells inside (or on the ring around) each blob's box."""
    where = _in_boxes(g, ring) & (g == 0)
    if not where.any():
        raise ValueError("no background in the boxes")
    return np.where(where, c, g).astype(np.uint8)


def _remove_specks(g):
    """Clear every single-cell object (8-connected): isolated noise."""
    out = g.copy()
    specks = [o for o in objects(g, diagonal=True) if o.size == 1]
    if not specks:
        raise ValueError("no specks")
    for o in specks:
        out[o.row, o.col] = 0
    return out


def _fractal(g):
    """Each non-background cell becomes a copy of the grid (the 007bbfb7 self-tiling)."""
    h, w = g.shape
    _checked(np.zeros((h * h, w * w), dtype=np.uint8))
    return np.kron((g != 0).astype(np.uint8), np.ones_like(g)) * np.tile(g, (h, w))


NUMPY_PRIMITIVES = {
    # geometry
    # (slices, not np.rot90, whose argument handling cost more than the rotation itself)
    "rot90": lambda g: g[::-1].T.copy(),
    "rot180": lambda g: g[::-1, ::-1].copy(),
    "rot270": lambda g: g[:, ::-1].T.copy(),
    "flip-h": lambda g: g[:, ::-1].copy(),
    "flip-v": lambda g: g[::-1, :].copy(),
    "transpose": lambda g: g.T.copy(),
    "antitranspose": lambda g: g[::-1, ::-1].T.copy(),
    # crop / split / tile / scale / mirror
    "crop-nonbg": _crop_nonbg,
    "top-half": lambda g: _half(g, "top"),
    "bottom-half": lambda g: _half(g, "bottom"),
    "left-half": lambda g: _half(g, "left"),
    "right-half": lambda g: _half(g, "right"),
    "tile": _tile,
    "scale": _scale,
    "downscale": _downscale,
    "mirror-h": _mirror_h,
    "mirror-v": _mirror_v,
    "hconcat": _hconcat,
    "vconcat": _vconcat,
    "fractal": _fractal,
    "overlay-parts": _overlay_parts,
    "and-halves": lambda g, c: _mask_logic(g, "and", c),
    "or-halves": lambda g, c: _mask_logic(g, "or", c),
    "xor-halves": lambda g, c: _mask_logic(g, "xor", c),
    "nor-halves": lambda g, c: _mask_logic(g, "nor", c),
    "left-only-halves": lambda g, c: _mask_logic(g, "left-only", c),
    # colours
    "recolor": _recolor,
    "swap-colors": _swap,
    "paint-nonbg": _paint_nonbg,
    "remove-color": _remove_color,
    "most-common-color": _most_common,
    "least-common-color": _least_common,
    "count-colors": _count_colors,
    "count-objects": _count_objects,
    # objects
    "objects": lambda g: objects(g),
    "objects8": lambda g: objects(g, diagonal=True),
    "largest": lambda objs: _select(objs, "largest"),
    "smallest": lambda objs: _select(objs, "smallest"),
    "odd-colour": lambda objs: _select(objs, "odd-colour"),
    "odd-shape": lambda objs: _select(objs, "odd-shape"),
    "by-color": lambda c, objs: [o for o in objs if o.color == c],
    "obj-size": lambda o: o.size,
    "obj-color": lambda o: o.color,
    "obj-grid": _obj_grid,
    "crop-obj": _crop_obj,
    "paint": _paint,
    "paint-all": _paint_all,
    "recolor-obj": _recolor_obj,
    "map-objects": lambda f, objs: _map_objects(f, objs),
    "filter-objects": lambda f, objs: _filter_objects(f, objs),
    "argmax-objects": lambda f, objs: _argmax_objects(f, objs),
    "crop-blob-largest": lambda g: _crop_blob(g, "largest"),
    "crop-blob-smallest": lambda g: _crop_blob(g, "smallest"),
    "keep-largest": lambda g: _keep_obj(g, "largest"),
    "keep-smallest": lambda g: _keep_obj(g, "smallest"),
    "recolor-largest": lambda g, c: _recolor_by_size(g, "largest", c),
    "recolor-smallest": lambda g, c: _recolor_by_size(g, "smallest", c),
    # filling, gravity, symmetry
    "fill-enclosed": _fill_enclosed,
    "outline": _outline,
    "connect-lines": _connect_lines,
    "fill-boxes": lambda g, c: _fill_boxes(g, c, ring=False),
    "box-outline": lambda g, c: _fill_boxes(g, c, ring=True),
    "remove-specks": _remove_specks,
    "gravity-down": lambda g: _gravity(g, "down"),
    "gravity-up": lambda g: _gravity(g, "up"),
    "gravity-left": lambda g: _gravity(g, "left"),
    "gravity-right": lambda g: _gravity(g, "right"),
    "symmetrize-h": lambda g: _symmetrize(g, "h"),
    "symmetrize-v": lambda g: _symmetrize(g, "v"),
    "symmetrize-t": lambda g: _symmetrize(g, "t"),
    "1": 1, "2": 2, "3": 3,
    "is-color": lambda c, o: o.color == c,
}
NUMPY_PRIMITIVES.update({f"c{c}": c for c in range(10)})
NUMPY_PRIMITIVES.update(RULE_PRIMITIVES)
NUMPY_PRIMITIVES.update(PART_PRIMITIVES)
NUMPY_PRIMITIVES.update(COMPLETION_PRIMITIVES)
NUMPY_PRIMITIVES.update(STACK_PRIMITIVES)

_VIEWED: Any = NUMPY_PRIMITIVES
RULE_VIEWS: tuple[tuple[str, Any], ...] = tuple((name, _VIEWED[name]) for name in (
    "rot90", "rot180", "rot270", "flip-h", "flip-v", "transpose", "antitranspose",
    "crop-nonbg", "crop-blob-largest", "crop-blob-smallest", "top-half", "bottom-half", "left-half", "right-half",
    "mirror-h", "mirror-v", "fractal", "overlay-parts", "keep-largest", "keep-smallest", "connect-lines",
    "remove-specks", "gravity-down", "gravity-up", "gravity-left", "gravity-right",
    "symmetrize-h", "symmetrize-v", "symmetrize-t")) + tuple(
    (f"{name} {k}", (lambda name, k: lambda g: _VIEWED[name](g, k))(name, k))
    for name in ("scale", "downscale") for k in (2, 3)) + tuple(
    (f"tile {a} {b}", (lambda a, b: lambda g: _tile(g, a, b))(a, b)) for a in (1, 2, 3) for b in (1, 2, 3) if a * b > 1)
"""The views of an input a rule may be read after: the DSL's one-grid primitives, scalings
by 2 and 3, and tilings up to 3 × 3 (a program then applies the rule to that view)."""


def local_rules(task) -> list[list]:
    """arc.induct's ``RULE`` extractor: the rules a task's train pairs give, from each input
    itself or from one of :data:`RULE_VIEWS` of it (see :mod:`induct.domains.arc.rules`)."""
    return rules.local_rules(task, RULE_VIEWS)
"""The primitives on numpy grids (``uint8`` arrays), as the functions above take and give them."""


# --- the boundary with search ----------------------------------------------------------------
# Search compares values with ``==`` and hashes them (observational equivalence), and task
# examples are JSON, so a grid outside a primitive is a list of rows of ints; inside, numpy.
# A grid a primitive gives back is a ``Grid``: that list of rows, carrying its (read-only)
# array, so the next primitive takes the array as it is instead of converting the lists.

class Grid(list):
    """A grid as programs see it: a list of rows of colours (equal to, and written to JSON
    as, the plain list of rows) that carries its numpy array for the primitives."""

    __slots__ = ("array",)
    array: np.ndarray

    def __reduce__(self):
        return (grid_value, (list(self),))


def grid_value(rows) -> Grid:
    """``rows`` (a list of rows of colours, or a 2-D array) as a :class:`Grid`."""
    array = np.array(rows, dtype=np.uint8)
    if array.ndim != 2:
        raise ValueError("not a grid")
    array.setflags(write=False)
    g = Grid(array.tolist())
    g.array = array
    return g


def _inward(x):
    if isinstance(x, Grid):
        return x.array
    if isinstance(x, list) and x and isinstance(x[0], list):
        return np.asarray(x, dtype=np.uint8)
    if callable(x):
        return _boundary(x)  # a function from the program (higher-order primitives)
    return x


def _outward(x):
    if isinstance(x, np.ndarray):
        if x.ndim != 2:
            return x
        x.setflags(write=False)
        g = Grid(x.tolist())
        g.array = x
        return g
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, np.bool_):
        return bool(x)
    if callable(x):
        return _boundary(x)
    return x


def _boundary(f):
    """``f`` taking and giving grids as lists of rows (each argument and result converted)."""
    def g(*args):
        return _outward(f(*[_inward(a) for a in args]))
    return g


def _program_side(f):
    """A function the program passes in, called from numpy code: lists in, numpy out."""
    def g(*args):
        return _inward(f(*[_outward(a) for a in args]))
    return g


def _primitive(v):
    if not callable(v):
        return v

    def run(*args):
        return _outward(v(*[_program_side(a) if callable(a) else _inward(a) for a in args]))
    return run


PRIMITIVES = {name: _primitive(v) for name, v in NUMPY_PRIMITIVES.items()}
"""The primitives as the grammar's programs run them: grids are lists of rows of colours."""


def part_selectors(task) -> list[list[str]]:
    """arc.induct's ``PART`` extractor: the selectors of a part of each train input that is
    its output (see :mod:`induct.domains.arc.parts`)."""
    return parts.part_selectors(task)


def stack_rules(task) -> list[list]:
    """arc.induct's ``STACK`` extractor: the rules that make each train output cell by cell
    from its input's parts (see :mod:`induct.domains.arc.stacks`)."""
    return stacks.stack_rules(task)


def palette(task) -> list[int]:
    """The colours of a task's train inputs and outputs, the most frequent first (ties: the
    smaller colour first): the values of arc.induct's task-bound ``COLOR`` family."""
    counts: Counter = Counter()
    for example in task.examples:
        for grid in (*example.inputs, example.output):
            for row in grid:
                counts.update(int(c) for c in row)
    return [c for c, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


palette.max_constants = 10  # type: ignore[attr-defined]  # every colour: the rarest may matter most
