"""Completing a regular pattern where part of it is hidden.

Many grid tasks show a symmetric mosaic or a repeating pattern with some cells covered by
one colour, and ask for the pattern whole, or for what the cover hides.  The hidden cells
are those of a given colour; the pattern's regularity is read from the cells that are not:

* :func:`complete_symmetric`: every mirror (about a row, a column or a diagonal line, the
  axis anywhere in the middle half of the grid) and every half turn that maps the visible
  cells onto cells of their own colour, with enough of them compared, is a symmetry of the
  pattern; a hidden cell takes the colour its images under these symmetries (and their
  compositions) show.
* :func:`complete_periodic`: the smallest period (rows by columns) under which the visible
  cells of each class agree gives each hidden cell its class's colour.

When a hidden cell is reached by nothing visible, or the grid has no such regularity, the
completion fails (``ValueError``), as a primitive does on a grid it cannot handle.
``patch`` gives only the box the cover spanned.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

__all__ = ["complete_symmetric", "complete_periodic", "COMPLETION_PRIMITIVES"]

MIN_COMPARED = 0.25
"""A symmetry counts only when it compares at least this share of the visible cells."""


def _mirrors(h: int, w: int) -> list[tuple]:
    """The candidate symmetries of an ``h × w`` grid, by family: for each family a tuple
    ``(row offsets, row from r, row from k, col offsets, col from r, col from k)`` (the
    offsets one per candidate) mapping a cell ``(r, k)`` to ``(offset + a*r + b*k, ...)``:
    mirrors about a row line and about a column line, half turns, and the two diagonal
    mirrors."""
    rs = np.arange(h - 1 - h // 2, h - 1 + h // 2 + 1)
    cs = np.arange(w - 1 - w // 2, w - 1 + w // 2 + 1)
    side = min(h, w)
    ds = np.arange(-(side // 2), side // 2 + 1)
    ss = np.arange(side - 1 - side // 2, max(h, w) + side // 2)
    turn_r, turn_c = (a.ravel() for a in np.meshgrid(rs, cs, indexing="ij"))
    # each family: (row offset, row from r, row from k, col offset, col from r, col from k)
    return [
        (rs, -1, 0, np.zeros_like(rs), 0, 1),
        (np.zeros_like(cs), 1, 0, cs, 0, -1),
        (turn_r, -1, 0, turn_c, 0, -1),
        (ds, 0, 1, -ds, 1, 0),
        (ss, 0, -1, ss, -1, 0),
    ]


def _images(family, r: np.ndarray, k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    ro, rr, rk, co, cr, ck = family
    return ro[:, None] + rr * r[None] + rk * k[None], co[:, None] + cr * r[None] + ck * k[None]


@lru_cache(maxsize=256)
def _symmetric(shape: tuple, data: bytes, cover: int) -> bytes:
    g = np.frombuffer(data, dtype=np.uint8).reshape(shape)
    h, w = shape
    visible = g != cover
    hidden = ~visible
    if not hidden.any() or not visible.any():
        raise ValueError("nothing hidden" if visible.any() else "nothing visible")
    need = max(4, MIN_COMPARED * visible.sum())
    vr, vk = np.nonzero(visible)
    step = max(1, len(vr) // 48)
    sr, sk = vr[::step], vk[::step]  # a sample of the visible cells rejects most candidates at once
    all_r, all_k = (a.ravel() for a in np.mgrid[0:h, 0:w])
    sources, targets = [], []
    for family in _mirrors(h, w):
        ir, ik = _images(family, sr, sk)
        inside = (ir >= 0) & (ir < h) & (ik >= 0) & (ik < w)
        seen = g[np.where(inside, ir, 0), np.where(inside, ik, 0)]
        clash = inside & (seen != cover) & (seen != g[sr, sk][None])
        for j in np.flatnonzero(~clash.any(1)):
            one = tuple(np.atleast_1d(f[j:j + 1]) if isinstance(f, np.ndarray) else f for f in family)
            ir, ik = (a[0] for a in _images(one, all_r, all_k))
            inside = (ir >= 0) & (ir < h) & (ik >= 0) & (ik < w)
            ir, ik = np.where(inside, ir, 0), np.where(inside, ik, 0)
            both = inside & visible.ravel() & visible[ir, ik]
            if both.sum() < need or (g[ir, ik][both] != g.ravel()[both]).any():
                continue
            reach = inside & (hidden.ravel() | hidden[ir, ik])
            if reach.any():
                sources.append(np.flatnonzero(reach))
                targets.append(ir[reach] * w + ik[reach])
    if not sources:
        raise ValueError("no symmetry")
    a, b = np.concatenate(sources), np.concatenate(targets)
    graph = coo_matrix((np.ones(len(a)), (a, b)), shape=(h * w, h * w))
    _, label = connected_components(graph, directed=False)
    return _filled(g, visible, label)


def _filled(g: np.ndarray, visible: np.ndarray, label: np.ndarray) -> bytes:
    """``g`` with each hidden cell given its class's one visible colour (``label``: each
    cell's class); fails when a class shows two colours or a hidden cell's class none."""
    n = label.max() + 1
    flat, seen = g.ravel(), visible.ravel()
    low = np.full(n, 255, dtype=np.int16)
    high = np.full(n, -1, dtype=np.int16)
    np.minimum.at(low, label[seen], flat[seen])
    np.maximum.at(high, label[seen], flat[seen])
    if (low[high >= 0] != high[high >= 0]).any():
        raise ValueError("the symmetries disagree")
    fill = high[label]
    if (fill[~seen] < 0).any():
        raise ValueError("a hidden cell no symmetry reaches")
    return np.where(seen, flat, fill).astype(np.uint8).tobytes()


@lru_cache(maxsize=256)
def _periodic(shape: tuple, data: bytes, cover: int) -> bytes:
    g = np.frombuffer(data, dtype=np.uint8).reshape(shape)
    h, w = shape
    visible = g != cover
    if visible.all() or not visible.any():
        raise ValueError("nothing hidden" if visible.any() else "nothing visible")

    def agrees(a: np.ndarray, b: np.ndarray) -> bool:  # visible cells of a shifted copy agree
        return not ((a != b) & (a != cover) & (b != cover)).any()

    rows = [p for p in range(1, h + 1) if agrees(g[p:], g[:h - p])]
    cols = [q for q in range(1, w + 1) if agrees(g[:, q:], g[:, :w - q])]
    r, c = np.mgrid[0:h, 0:w]
    for p, q in sorted(((p, q) for p in rows for q in cols if 2 * p * q <= h * w), key=lambda pq: (pq[0] * pq[1], pq)):
        label = ((r % p) * q + c % q).ravel()
        try:
            return _filled(g, visible, label)
        except ValueError:
            continue
    raise ValueError("no period")


def _cover_box(g: np.ndarray, cover: int) -> tuple[slice, slice]:
    rows, cols = np.nonzero(g == cover)
    if len(rows) == 0:
        raise ValueError("nothing hidden")
    return slice(rows.min(), rows.max() + 1), slice(cols.min(), cols.max() + 1)


def complete_symmetric(g: np.ndarray, cover: int, patch: bool = False) -> np.ndarray:
    """``g`` with its cells of colour ``cover`` restored from its symmetries (``patch``:
    only the box they spanned)."""
    g = np.ascontiguousarray(g, dtype=np.uint8)
    out = np.frombuffer(_symmetric(g.shape, g.tobytes(), int(cover)), dtype=np.uint8).reshape(g.shape)
    return out[_cover_box(g, cover)].copy() if patch else out.copy()


def complete_periodic(g: np.ndarray, cover: int, patch: bool = False) -> np.ndarray:
    """``g`` with its cells of colour ``cover`` restored from its smallest period (``patch``:
    only the box they spanned)."""
    g = np.ascontiguousarray(g, dtype=np.uint8)
    out = np.frombuffer(_periodic(g.shape, g.tobytes(), int(cover)), dtype=np.uint8).reshape(g.shape)
    return out[_cover_box(g, cover)].copy() if patch else out.copy()


COMPLETION_PRIMITIVES = {
    "complete-symmetric": complete_symmetric,
    "complete-periodic": complete_periodic,
    "patch-symmetric": lambda g, c: complete_symmetric(g, c, patch=True),
    "patch-periodic": lambda g, c: complete_periodic(g, c, patch=True),
}
