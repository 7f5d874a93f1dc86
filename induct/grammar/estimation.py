"""Re-estimating grammar weights from frontiers (DreamCoder's inside-outside approximation).

For each production, ``log w = log(uses + α) − log(possible + α)``: ``uses`` is the
(posterior-weighted) number of times it was chosen, ``possible`` the number of choice
points at which it was a type-valid candidate; α is the pseudocount.
"""

from __future__ import annotations

import math
from typing import Iterable

from induct.grammar.core import ContextualGrammar, Grammar, NO_PARENT, VARIABLE_PARENT
from induct.grammar.summary import LikelihoodSummary

__all__ = ["fit_grammar", "fit_contextual_grammar"]


def _weights(counts_use: dict[int, float], counts_possible: dict[int, float], n: int, pseudocounts: float):
    ws = [math.log(counts_use.get(i, 0.0) + pseudocounts) - math.log(counts_possible.get(i, 0.0) + pseudocounts)
          for i in range(n)]
    lv = math.log(counts_use.get(n, 0.0) + pseudocounts) - math.log(counts_possible.get(n, 0.0) + pseudocounts)
    return ws, lv


def fit_grammar(grammar: Grammar, summaries: Iterable[tuple[LikelihoodSummary, float]],
                pseudocounts: float = 1.0) -> Grammar:
    """A Grammar over the same library with weights re-estimated from weighted summaries."""
    uses: dict[int, float] = {}
    possible: dict[int, float] = {}
    for summary, weight in summaries:
        for c in summary.choices:
            uses[c.chosen] = uses.get(c.chosen, 0.0) + weight
            for i in c.candidates:
                possible[i] = possible.get(i, 0.0) + weight
    ws, lv = _weights(uses, possible, grammar.n_productions, pseudocounts)
    return grammar.with_log_weights(ws, lv)


def fit_contextual_grammar(grammar: ContextualGrammar, summaries: Iterable[tuple[LikelihoodSummary, float]],
                           pseudocounts: float = 1.0) -> ContextualGrammar:
    """Re-estimate each context's distribution separately."""
    uses: dict[tuple, dict[int, float]] = {}
    possible: dict[tuple, dict[int, float]] = {}
    for summary, weight in summaries:
        for c in summary.choices:
            key = c.context if c.context[0] >= 0 else (c.context[0], 0)
            u = uses.setdefault(key, {})
            u[c.chosen] = u.get(c.chosen, 0.0) + weight
            q = possible.setdefault(key, {})
            for i in c.candidates:
                q[i] = q.get(i, 0.0) + weight
    n = grammar.n_productions
    base = grammar.no_parent

    def fit(key):
        ws, lv = _weights(uses.get(key, {}), possible.get(key, {}), n, pseudocounts)
        return base.with_log_weights(ws, lv)

    lib = tuple(tuple(fit((i, k)) for k in range(len(row))) for i, row in enumerate(grammar.library_grammars))
    return ContextualGrammar(fit((NO_PARENT, 0)), fit((VARIABLE_PARENT, 0)), lib)
