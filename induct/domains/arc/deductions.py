"""Deductions from a grid task's examples.

:class:`Blocks`: every output is an ``a × b`` arrangement of blocks the size of its input
(the same ``a`` and ``b`` in every example: an input mirrored into the four corners, a row
of rotations, a tiling).  Each block position is a hole of its own, ``grid -> grid``, whose
examples are the input and that block of the output; the whole program joins the holes'
solutions with ``hconcat`` and ``vconcat``.  Blocks with the same examples are one search
(a tiling of one transform is one hole).  The deduction reads only shapes and equalities
of the examples, so it applies to any grid DSL with the two joins.
"""

from __future__ import annotations

from typing import Any, Iterable

import numpy as np

from induct.programs import Abstraction, Index, Primitive, Program, application
from induct.search.deductions import Subproblem, call_hole
from induct.tasks import Example, Task
from induct.types import arguments_of, return_of

__all__ = ["Blocks", "MAX_BLOCKS"]

MAX_BLOCKS = 9
"""The most blocks an output may be split into (a 3 × 3 arrangement)."""


class Blocks:
    """An output made of input-sized blocks: one hole per block position."""

    name = "blocks"
    last_resort = False
    weight = 1.0

    def split(self, task: Task, library: Any) -> Iterable[Subproblem]:
        if not ("hconcat" in library and "vconcat" in library):
            return
        args = arguments_of(task.request_type)
        if len(args) != 1 or str(args[0]) != "grid" or str(return_of(task.request_type)) != "grid":
            return
        shape = _arrangement(task)
        if shape is None:
            return
        a, b = shape
        holes = []
        for r in range(a):
            for s in range(b):
                examples = []
                for e in task.examples:
                    x = np.asarray(e.inputs[0])
                    h, w = x.shape
                    block = np.asarray(e.output)[r * h:(r + 1) * h, s * w:(s + 1) * w]
                    examples.append(Example(e.inputs, block.tolist()))
                holes.append(Task(f"{task.name} [block {r},{s}]", task.request_type, tuple(examples), task.split,
                                  {"decomposed_from": task.name}))
        yield Subproblem(holes[0], _joiner(a, b), f"blocks {a}x{b}", tuple(holes[1:]))

    def __repr__(self) -> str:
        return "Blocks()"

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __hash__(self) -> int:
        return hash("Blocks")


def _arrangement(task: Task) -> tuple[int, int] | None:
    """``(a, b)`` when every output is ``a`` input heights by ``b`` input widths (not 1 × 1)."""
    shape = None
    for e in task.examples:
        try:
            x, y = np.asarray(e.inputs[0]), np.asarray(e.output)
        except (TypeError, ValueError):
            return None
        if x.ndim != 2 or y.ndim != 2 or 0 in x.shape:
            return None
        (h, w), (hh, ww) = x.shape, y.shape
        if hh % h or ww % w:
            return None
        here = (hh // h, ww // w)
        if shape not in (None, here):
            return None
        shape = here
    if shape is None or shape == (1, 1) or shape[0] * shape[1] > MAX_BLOCKS:
        return None
    return shape


def _joiner(a: int, b: int):
    """The whole program from the holes' solutions, row by row: rows of ``hconcat`` joined by ``vconcat``."""
    hconcat, vconcat = Primitive("hconcat"), Primitive("vconcat")

    def join(*holes: Program) -> Program:
        parts = [call_hole(h, [Index(0)]) for h in holes]
        rows = []
        for r in range(a):
            row = parts[r * b]
            for p in parts[r * b + 1:(r + 1) * b]:
                row = application(hconcat, row, p)
            rows.append(row)
        body = rows[0]
        for row in rows[1:]:
            body = application(vconcat, body, row)
        return Abstraction(body)

    return join
