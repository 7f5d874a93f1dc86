"""A hash-consed corpus: every distinct subtree is one integer id.

Abstraction search works on ids, never on :class:`Program` objects: a node's kind,
children, cost, free variables and number of occurrences are entries of flat lists, and
structurally equal subtrees share one id (so structural equality is ``==`` on ints).
Ids are allocated children-first, so increasing id order is a bottom-up order.
"""

from __future__ import annotations

import sys
from typing import Iterable, Sequence

from induct.compression.config import CostModel
from induct.programs.nodes import Abstraction, Application, Index, Invented, Primitive, Program

__all__ = ["Corpus", "LEAF", "VAR", "LAM", "APP"]

LEAF, VAR, LAM, APP = 0, 1, 2, 3


class Corpus:
    """Interned subtrees of a weighted list of programs.

    Attributes:
        kind: per id, LEAF (primitive or invention), VAR, LAM or APP.
        a: per id, the symbol number (LEAF), the de Bruijn index (VAR), the body (LAM) or
            the function (APP).
        b: per id, the argument (APP) or -1.
        cost: per id, the subtree's cost under the cost model.
        free: per id, a bit mask of its free de Bruijn indices (bit i for ``$i``).
        weight: per id, the summed weight of its occurrences in the corpus.
        occurrences: per id, its number of occurrences (unweighted).
        roots: the id of each program, in input order.
        symbols: symbol number -> the Primitive or Invented node it stands for.
    """

    def __init__(self, programs: Sequence[Program], weights: Sequence[float] | None = None,
                 costs: CostModel = CostModel()) -> None:
        self.costs = costs
        self.kind: list[int] = []
        self.a: list[int] = []
        self.b: list[int] = []
        self.cost: list[int] = []
        self.free: list[int] = []
        self._key: dict[tuple[int, int, int], int] = {}
        self.symbols: list[Program] = []
        self._symbol_number: dict[Program, int] = {}
        self._shift_memo: dict[tuple[int, int, int], int] = {}
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, 20_000))
        try:
            self.roots = [self.intern(p) for p in programs]
        finally:
            sys.setrecursionlimit(limit)
        self.root_weights = list(weights) if weights is not None else [1.0] * len(self.roots)
        if len(self.root_weights) != len(self.roots):
            raise ValueError("one weight per program is needed")
        self.n_original = len(self.kind)
        self.weight, self.occurrences = self._count()

    # --- interning ----------------------------------------------------------------------
    def symbol(self, p: Program) -> int:
        s = self._symbol_number.get(p)
        if s is None:
            s = len(self.symbols)
            self.symbols.append(p)
            self._symbol_number[p] = s
        return s

    def _make(self, kind: int, a: int, b: int) -> int:
        key = (kind, a, b)
        i = self._key.get(key)
        if i is not None:
            return i
        i = len(self.kind)
        c = self.costs
        if kind == APP:
            cost, free = c.app + self.cost[a] + self.cost[b], self.free[a] | self.free[b]
        elif kind == LAM:
            cost, free = c.lam + self.cost[a], self.free[a] >> 1
        elif kind == VAR:
            cost, free = c.leaf, 1 << a
        else:
            cost, free = c.leaf, 0
        self.kind.append(kind)
        self.a.append(a)
        self.b.append(b)
        self.cost.append(cost)
        self.free.append(free)
        self._key[key] = i
        return i

    def leaf(self, p: Program) -> int:
        return self._make(LEAF, self.symbol(p), -1)

    def var(self, i: int) -> int:
        return self._make(VAR, i, -1)

    def lam(self, body: int) -> int:
        return self._make(LAM, body, -1)

    def app(self, f: int, x: int) -> int:
        return self._make(APP, f, x)

    def intern(self, p: Program) -> int:
        if isinstance(p, Application):
            return self.app(self.intern(p.f), self.intern(p.x))
        if isinstance(p, Abstraction):
            return self.lam(self.intern(p.body))
        if isinstance(p, Index):
            return self.var(p.i)
        if isinstance(p, (Primitive, Invented)):
            return self.leaf(p)
        raise TypeError(f"not a program: {p!r}")

    def program(self, i: int) -> Program:
        """The Program that id ``i`` stands for."""
        k = self.kind[i]
        if k == APP:
            return Application(self.program(self.a[i]), self.program(self.b[i]))
        if k == LAM:
            return Abstraction(self.program(self.a[i]))
        if k == VAR:
            return Index(self.a[i])
        return self.symbols[self.a[i]]

    # --- de Bruijn shifting on ids ------------------------------------------------------
    def shift(self, i: int, by: int, cutoff: int = 0) -> int:
        """Id of ``i`` with every free index ≥ ``cutoff`` moved by ``by`` (memoised)."""
        if by == 0 or (self.free[i] >> cutoff) == 0:
            return i
        key = (i, by, cutoff)
        r = self._shift_memo.get(key)
        if r is not None:
            return r
        k = self.kind[i]
        if k == VAR:
            r = self.var(self.a[i] + by)
        elif k == LAM:
            r = self.lam(self.shift(self.a[i], by, cutoff + 1))
        else:
            r = self.app(self.shift(self.a[i], by, cutoff), self.shift(self.b[i], by, cutoff))
        self._shift_memo[key] = r
        return r

    # --- counts -------------------------------------------------------------------------
    def _count(self) -> tuple[list[float], list[int]]:
        n = len(self.kind)
        weight = [0.0] * n
        occ = [0] * n
        for r, w in zip(self.roots, self.root_weights):
            weight[r] += w
            occ[r] += 1
        kind, a, b = self.kind, self.a, self.b
        for i in range(n - 1, -1, -1):
            if occ[i] == 0:
                continue
            k = kind[i]
            if k == APP:
                weight[a[i]] += weight[i]
                weight[b[i]] += weight[i]
                occ[a[i]] += occ[i]
                occ[b[i]] += occ[i]
            elif k == LAM:
                weight[a[i]] += weight[i]
                occ[a[i]] += occ[i]
        return weight, occ

    def owner(self) -> list[int]:
        """For each original id, the one program (index into ``roots``) it occurs in, or -1.

        -1 marks a subtree that occurs in two or more programs (or in none).
        """
        n = self.n_original
        owner = [-2] * n

        def claim(i: int, k: int) -> None:
            if owner[i] == -2:
                owner[i] = k
            elif owner[i] != k:
                owner[i] = -1

        for k, r in enumerate(self.roots):
            claim(r, k)
        kind, a, b = self.kind, self.a, self.b
        for i in range(n - 1, -1, -1):  # parents before children
            k = owner[i]
            if k == -2:
                continue
            if kind[i] == APP:
                claim(a[i], k)
                claim(b[i], k)
            elif kind[i] == LAM:
                claim(a[i], k)
        return [-1 if k == -2 else k for k in owner]

    def parents(self) -> list[list[int]]:
        """For each original id, the ids of the original nodes that have it as a child."""
        n = self.n_original
        parents: list[list[int]] = [[] for _ in range(n)]
        for i in range(n):
            k = self.kind[i]
            if k == APP:
                parents[self.a[i]].append(i)
                if self.b[i] != self.a[i]:
                    parents[self.b[i]].append(i)
            elif k == LAM:
                parents[self.a[i]].append(i)
        return parents

    def total_cost(self) -> float:
        return sum(self.cost[r] for r in self.roots)


def corpus_cost(programs: Iterable[Program], costs: CostModel = CostModel()) -> int:
    """Total cost of ``programs`` under ``costs`` (inventions count as one leaf)."""
    c = Corpus(list(programs), costs=costs)
    return sum(c.cost[r] for r in c.roots)
