"""Rewriting a corpus to use an invention, choosing among overlapping uses optimally."""

from __future__ import annotations

import sys

from induct.compression.corpus import APP, LAM, Corpus
from induct.compression.search import Pattern, match_pattern
from induct.programs.nodes import Invented, Program

__all__ = ["rewrite_corpus"]


def rewrite_corpus(corpus: Corpus, pattern: Pattern, invention: Invented) -> list[Program]:
    """Every program of ``corpus`` rewritten to use ``invention`` where that lowers its cost.

    A bottom-up dynamic program over the interned nodes picks, at each node, the cheaper of
    keeping the node (with its children rewritten) and replacing it with ``invention``
    applied to its (rewritten) arguments, so overlapping uses are resolved optimally.
    The result β-reduces to the original program.
    """
    costs = corpus.costs
    inv = corpus.leaf(invention)
    tokens, arity = pattern.tokens, pattern.arity
    kind, a, b = corpus.kind, corpus.a, corpus.b
    memo: dict[int, tuple[int, int]] = {}

    def rewrite(n: int) -> tuple[int, int]:
        got = memo.get(n)
        if got is not None:
            return got
        k = kind[n]
        if k == APP:
            f, cf = rewrite(a[n])
            x, cx = rewrite(b[n])
            best = (corpus.app(f, x), costs.app + cf + cx)
        elif k == LAM:
            body, cb = rewrite(a[n])
            best = (corpus.lam(body), costs.lam + cb)
        else:
            best = (n, corpus.cost[n])
        where = match_pattern(corpus, tokens, arity, n)
        if where is not None:
            used = inv
            total = costs.leaf + arity * costs.app
            for m, d in reversed(where):  # the last argument is applied first (see pattern_body)
                r, cr = rewrite(m)
                used = corpus.app(used, corpus.shift(r, -d))
                total += cr
            if total < best[1]:
                best = (used, total)
        memo[n] = best
        return best

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 20_000))
    try:
        return [corpus.program(rewrite(r)[0]) for r in corpus.roots]
    finally:
        sys.setrecursionlimit(limit)
