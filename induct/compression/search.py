"""Top-down search for the most compressive abstraction (after Stitch, Bowers et al. POPL 2023).

A *partial abstraction* is a pattern in preorder tokens with holes ``??``; it carries the
list of places in the corpus where it matches (one state per matching node id, holding
the corpus nodes still under its holes and the values bound to its arguments).  Search
is depth-first branch and bound; it expands the leftmost hole of a partial into an
application, a λ, a symbol or a bound variable (grouping the match states by the node
under that hole, so no matching is redone), or into an argument ``#j`` (new, or reusing
an earlier one when the two subtrees agree).  A hole may become an argument only where
the subtree under it does not refer to a variable bound inside the abstraction; a free
variable can enter a body only through an argument.  Dominated branches are cut: an
argument equal to one subtree at every use (inline it instead), and a new argument equal
to an earlier one at every use (reuse that one); both are checked after every refinement,
since dropping matches can make an argument constant (Stitch's argument capture and
redundant-argument pruning).  A partial left with one distinct match location is cut too
(the closed subtree there, an arity-0 seed, dominates it).  Bodies that only rename a production
(η-equivalent to it, or it applied to bare variables) are never returned.

Utility (Stitch's compressive utility under the cost model): for each use, the cost of
the matched subtree minus the cost of the invention applied to its arguments, summed over
uses, minus the cost of the body.  The body is charged for its structure only (symbols,
bound variables, λs and applications; its argument slots are free, as Stitch counts it).
Its upper bound for a partial — every use saving all
of its subtree except the arguments bound so far — only decreases as a partial is
refined, so partials whose bound is below the k-th best finished abstraction are dropped
(it is a true bound, also where an argument is used twice, so a search that ends within
its budget returns the best abstraction);
children are tried in order of a guess of their value, so strong abstractions are finished
early and the threshold rises fast.
The utility of a finished abstraction is computed exactly with a dynamic program that
chooses which of overlapping uses to take.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from induct.compression.corpus import APP, LAM, LEAF, VAR, Corpus
from induct.programs.nodes import Abstraction, Application, Index, Invented, Primitive, Program, subterms
from induct.programs.transform import free_variables, shift

__all__ = ["Pattern", "ARG", "HOLE", "find_abstractions", "pattern_body", "match_pattern", "eta_normal_form",
           "renames_a_production"]

ARG, HOLE = 4, 5
_APP_T, _LAM_T, _HOLE_T = (APP, 0), (LAM, 0), (HOLE, 0)


@dataclass(frozen=True, slots=True)
class Pattern:
    """A finished abstraction: preorder tokens ``(kind, value)`` and its arity.

    Kinds are APP, LAM, LEAF (value: the corpus symbol), VAR (a variable bound inside
    the body) and ARG (value: the argument number, ``#0`` first introduced).
    """

    tokens: tuple[tuple[int, int], ...]
    arity: int
    utility: float
    uses: float


def pattern_body(pattern: Pattern, corpus: Corpus) -> Program:
    """The closed invention body: ``arity`` λs around the pattern, ``#j`` as a bound index.

    The last argument introduced is the first one applied (``#j`` is bound by the
    ``j``-th λ from the inside), as in Stitch: arguments are introduced left to right, so
    the leftmost hole of the body is the last argument, and a use whose last argument is
    a variable bound just above it stays a partial application that later abstractions
    can match.
    """
    pos = 0
    arity = pattern.arity

    def build(depth: int) -> Program:
        nonlocal pos
        kind, v = pattern.tokens[pos]
        pos += 1
        if kind == APP:
            f = build(depth)
            return Application(f, build(depth))
        if kind == LAM:
            return Abstraction(build(depth + 1))
        if kind == VAR:
            return Index(v)
        if kind == ARG:
            return Index(depth + v)
        return corpus.symbols[v]

    body = build(0)
    for _ in range(arity):
        body = Abstraction(body)
    return body


def match_pattern(corpus: Corpus, tokens: tuple[tuple[int, int], ...], arity: int,
                  node: int) -> list[tuple[int, int]] | None:
    """Where ``tokens`` matches ``node``: per argument, (corpus node, λ depth) of its first hole.

    Returns None when it does not match (including when an argument would capture a
    variable bound inside the pattern, or a repeated argument sees different values).
    """
    kind, a, b, free = corpus.kind, corpus.a, corpus.b, corpus.free
    stack = [(node, 0)]
    found: list[tuple[int, int] | None] = [None] * arity
    values: list[int] = [-1] * arity
    for tk, tv in tokens:
        m, d = stack.pop()
        if tk == APP:
            if kind[m] != APP:
                return None
            stack.append((b[m], d))
            stack.append((a[m], d))
        elif tk == LAM:
            if kind[m] != LAM:
                return None
            stack.append((a[m], d + 1))
        elif tk == ARG:
            if free[m] & ((1 << d) - 1):
                return None
            v = corpus.shift(m, -d)
            if found[tv] is None:
                found[tv] = (m, d)
                values[tv] = v
            elif values[tv] != v:
                return None
        elif kind[m] != tk or a[m] != tv:
            return None
    return found  # type: ignore[return-value]


# A match state: (location, nodes under the remaining holes, argument values, argument cost).
State = tuple[int, tuple[int, ...], tuple[int, ...], int]


class _Search:
    def __init__(self, corpus: Corpus, max_arity: int, keep: int, min_uses: int,
                 accept: Callable[[Pattern], bool] | None, budget: int = 10**12,
                 renamings: bool = False, across_programs: bool = False) -> None:
        self.c = corpus
        self.owner = corpus.owner() if across_programs else None
        self.renamings = renamings
        self.max_arity = max_arity
        self.keep = keep
        self.min_uses = min_uses
        self.accept = accept
        self.best: list[Pattern] = []
        self.seen: set[tuple] = set()
        self.truncated = False
        self.children: list = []
        self.parents: list[list[int]] | None = None
        self.expanded = 0
        self.budget = budget

    @property
    def threshold(self) -> float:
        return self.best[-1].utility if len(self.best) >= self.keep else 0.0

    # --- bounds -------------------------------------------------------------------------
    def _push(self, tokens, depths, arity, body_cost, states: list[State]) -> None:
        c = self.c
        if len(states) < self.min_uses and sum(c.occurrences[s[0]] for s in states) < self.min_uses:
            return
        if len(states) == 1 and c.free[states[0][0]] == 0:
            return  # one distinct subtree: the closed subtree itself (an arity-0 seed) dominates
        w, cost = c.weight, c.cost
        fixed = c.costs.leaf + arity * c.costs.app
        ub = sum(w[s[0]] * (cost[s[0]] - fixed - s[3]) for s in states) - body_cost
        # A finished pattern that ties the threshold is still looked at (a larger body wins ties).
        if ub < self.threshold or (ub == self.threshold and depths):
            return
        if self.owner is not None and self._one_program(states):
            return
        if arity and self._dominated_arguments(arity, states):
            return
        if not depths:
            self._finish(tokens, arity, body_cost, states, ub)
            return
        # Children are tried in order of what they would save if every remaining hole became
        # an argument: a guess (not a bound) that steers the dive toward frequent, large
        # fragments, so a strong abstraction is finished early and prunes the rest.
        concrete = body_cost - c.costs.leaf - c.costs.app * (arity + len(depths))
        guess = sum(w[s[0]] for s in states) * max(concrete, 0)
        self.children.append((ub, tokens, depths, arity, body_cost, states, guess))

    def _dominated_arguments(self, arity: int, states: list[State]) -> bool:
        # Stitch's argument capture and redundant-argument pruning, checked after every
        # refinement (refining drops matches, so an argument can become constant): an
        # argument that is the same closed subtree at every match is dominated by inlining
        # it, and two arguments equal at every match by one argument used twice.
        first = states[0][2]
        free = self.c.free
        for j in range(arity):
            v = first[j]
            if free[v] == 0 and all(s[2][j] == v for s in states):
                return True
        for i in range(arity):
            for j in range(i + 1, arity):
                if all(s[2][i] == s[2][j] for s in states):
                    return True
        return False

    def _one_program(self, states: list[State]) -> bool:
        # Stitch's single-task pruning: matches that all lie in one program stay so under
        # refinement (a refinement only drops matches), so the whole branch is cut.
        owner = self.owner
        first = -2
        for s in states:
            o = owner[s[0]]  # type: ignore[index]
            if o == -1 or (first != -2 and o != first):
                return False
            first = o
        return True

    def _finish(self, tokens, arity, body_cost, states: list[State], estimate: float) -> None:
        # `estimate` is exact unless uses overlap; the dynamic program settles that.
        if tokens in self.seen:
            return
        self.seen.add(tokens)
        if not self.renamings and renames_a_production(pattern_body(Pattern(tokens, arity, 0.0, 0.0), self.c)):
            return
        utility = self._exact_utility(tokens, arity, states)
        if utility < self.threshold or utility <= 0:
            return
        if len(self.best) >= self.keep and utility == self.threshold and (
                body_cost <= _body_cost(self.best[-1].tokens, self.c)):
            return
        pattern = Pattern(tokens, arity, utility, sum(self.c.weight[s[0]] for s in states))
        if self.accept is not None and not self.accept(pattern):
            return
        self.best.append(pattern)
        # Among equal utilities prefer the larger body: it removes more from the corpus.
        self.best.sort(key=lambda p: (-p.utility, -_body_cost(p.tokens, self.c)))
        del self.best[self.keep:]

    def _exact_utility(self, tokens, arity, states: list[State]) -> float:
        c = self.c
        if self.parents is None:
            self.parents = c.parents()
        parents = self.parents
        fixed = c.costs.leaf + arity * c.costs.app
        use: dict[int, tuple[float, list[int]]] = {}
        for loc, _, _, argcost in states:
            where = match_pattern(c, tokens, arity, loc)
            assert where is not None
            use[loc] = (c.cost[loc] - fixed - argcost, [m for m, _ in where])  # type: ignore[misc]
        if all(u[0] > 0 for u in use.values()) and not any(
                m in use for loc in use for m in _body_nodes(c, tokens, loc)):
            # No use lies inside another's body, so every use is taken: the plain sum is exact.
            w = c.weight
            return sum(w[loc] * u[0] for loc, u in use.items()) - _body_cost(tokens, c)
        relevant = set(use)
        frontier = list(use)
        while frontier:
            n = frontier.pop()
            for p in parents[n]:
                if p not in relevant:
                    relevant.add(p)
                    frontier.append(p)
        saving: dict[int, float] = {}
        kind, a, b = c.kind, c.a, c.b
        for n in sorted(relevant):
            k = kind[n]
            if k == APP:
                s = saving.get(a[n], 0.0) + saving.get(b[n], 0.0)
            elif k == LAM:
                s = saving.get(a[n], 0.0)
            else:
                s = 0.0
            u = use.get(n)
            if u is not None:
                s = max(s, u[0] + sum(saving.get(m, 0.0) for m in u[1]))
            saving[n] = s
        body_cost = _body_cost(tokens, c)
        return sum(w * saving.get(r, 0.0) for r, w in zip(c.roots, c.root_weights)) - body_cost

    def _seed(self) -> None:
        """Start the threshold at the best closed repeated subtree (an arity-0 abstraction)."""
        c = self.c
        leaf = c.costs.leaf
        ranked = sorted((c.weight[i] * (c.cost[i] - leaf) - c.cost[i], i) for i in range(c.n_original)
                        if c.occurrences[i] >= self.min_uses and c.free[i] == 0 and c.kind[i] >= LAM
                        and (self.owner is None or self.owner[i] == -1))
        for _, i in ranked[::-1][:self.keep * 4]:
            tokens = tuple(_closed_tokens(c, i))
            self._finish(tokens, 0, _body_cost(tokens, c), [(i, (), (), 0)], 0.0)

    # --- expansion ----------------------------------------------------------------------
    def run(self) -> list[Pattern]:
        """Depth-first branch and bound: the most promising child is refined first.

        Diving first finishes a good abstraction early, and its utility then prunes every
        partial whose bound cannot beat it; only the current path and its siblings are
        held, so memory stays small however many partials the search visits.
        """
        c = self.c
        states: list[State] = [(i, (i,), (), 0) for i in range(c.n_original) if c.occurrences[i] > 0]
        self._seed()
        stack = [(float("inf"), (_HOLE_T,), (0,), 0, 0, states, 0.0)]
        while stack:
            if self.expanded >= self.budget:
                self.truncated = True
                break
            ub, tokens, depths, arity, body_cost, states, _ = stack.pop()
            if ub <= self.threshold:
                continue
            self.expanded += len(states)
            self.children = []
            self._children(tokens, depths, arity, body_cost, states)
            if self.children:
                self.children.sort(key=_order)
                stack.extend(self.children)
        return self.best

    def _children(self, tokens, depths, arity, body_cost, states: list[State]) -> None:
        c = self.c
        kind, a, b, free = c.kind, c.a, c.b, c.free
        d = depths[0]
        rest_depths = depths[1:]
        at = tokens.index(_HOLE_T)
        head, tail = tokens[:at], tokens[at + 1:]
        bound_mask = (1 << d) - 1
        buckets: dict[int, list[State]] = {}
        for st in states:
            loc, holes, args, argcost = st
            n = holes[0]
            k = kind[n]
            if k == APP:
                key = -1
                new = (loc, (a[n], b[n]) + holes[1:], args, argcost)
            elif k == LAM:
                key = -2
                new = (loc, (a[n],) + holes[1:], args, argcost)
            elif k == VAR:
                if a[n] >= d:
                    continue  # a free variable may only enter through an argument
                key = -3 - a[n]
                new = (loc, holes[1:], args, argcost)
            else:
                key = a[n]
                new = (loc, holes[1:], args, argcost)
            bucket = buckets.get(key)
            if bucket is None:
                buckets[key] = [new]
            else:
                bucket.append(new)
        costs = c.costs
        for key, group in buckets.items():
            if key == -1:
                self._push(head + (_APP_T, _HOLE_T, _HOLE_T) + tail, (d, d) + rest_depths, arity,
                           body_cost + costs.app, group)
            elif key == -2:
                self._push(head + (_LAM_T, _HOLE_T) + tail, (d + 1,) + rest_depths, arity,
                           body_cost + costs.lam, group)
            elif key <= -3:
                self._push(head + ((VAR, -3 - key),) + tail, rest_depths, arity, body_cost + costs.leaf, group)
            else:
                self._push(head + ((LEAF, key),) + tail, rest_depths, arity, body_cost + costs.leaf, group)
        if at == 0:
            return  # the whole body cannot be an argument
        # Arguments: reuse an earlier one where the subtrees agree, or introduce a new one.
        shifted: list[tuple[State, int]] = []
        first = states[0][1][0]
        same = True
        for st in states:
            n = st[1][0]
            if n != first:
                same = False
            if free[n] & bound_mask:
                continue
            shifted.append((st, c.shift(n, -d)))
        redundant = False
        for j in range(arity):
            group = [(loc, holes[1:], args, argcost) for (loc, holes, args, argcost), v in shifted if args[j] == v]
            if group:
                # A new argument equal to #j at every use is dominated by reusing #j.
                redundant = redundant or len(group) == len(shifted)
                self._push(head + ((ARG, j),) + tail, rest_depths, arity, body_cost, group)
        if arity < self.max_arity and shifted and not redundant:
            # An argument that is the same subtree at every use is dominated by inlining it.
            if same and (free[first] >> d) == 0:
                return
            group = [(loc, holes[1:], args + (v,), argcost + c.cost[v])
                     for (loc, holes, args, argcost), v in shifted]
            self._push(head + ((ARG, arity),) + tail, rest_depths, arity + 1, body_cost, group)


def _order(child) -> tuple[float, int, float]:
    # On equal guesses prefer the child that closed a hole with an argument: refining
    # shallow patterns first finishes abstractions sooner than diving into larger ones.
    return child[6], child[3], child[0]


def eta_normal_form(p: Program) -> Program:
    """``p`` with every η-redex ``λ(f $0)`` (``$0`` not free in ``f``) reduced to ``f``."""
    if isinstance(p, Application):
        return Application(eta_normal_form(p.f), eta_normal_form(p.x))
    if isinstance(p, Abstraction):
        body = eta_normal_form(p.body)
        if (isinstance(body, Application) and body.x == Index(0)
                and 0 not in free_variables(body.f)):
            return shift(body.f, -1)
        return Abstraction(body)
    return p


def renames_a_production(body: Program) -> bool:
    """Whether a closed invention body only renames or re-plumbs one symbol, or none.

    ``λλ(map $1 $0)`` and ``λλ(map (λ($2 $0)) $0)`` are both ``map`` (η-equivalent), and
    ``λλ(f $0 $1)`` is one application of ``f`` to nothing but variables: such an
    abstraction adds no structure to the library, only another name for a production.
    Nor does a body with no symbol at all, such as ``λλλ($1 (λλ($4 $1 $0)) $0)``: it only
    rearranges its arguments (and, polymorphic in what it returns, fits every hole).  Nor
    does one that applies one of its own arguments to symbols and variables, such as
    ``λλ($1 mod $0)`` or ``λλ($1 4 $0)``: the search can already apply a variable to a
    symbol, and such a body, polymorphic in what it returns, also fits nearly every hole.
    """
    if not any(isinstance(q, (Primitive, Invented)) for q in subterms(body)):
        return True
    p = eta_normal_form(body)
    while isinstance(p, Abstraction):
        p = p.body
    leaves_only = True
    while isinstance(p, Application):
        if not isinstance(p.x, (Index, Primitive, Invented)):
            return False
        leaves_only = leaves_only and isinstance(p.x, Index)
        p = p.f
    return isinstance(p, Index) or (isinstance(p, (Primitive, Invented)) and leaves_only)


def _body_nodes(corpus: Corpus, tokens, node: int) -> list[int]:
    """The corpus nodes that ``tokens`` (matching at ``node``) covers with its body, ``node`` excepted."""
    kind, a, b = corpus.kind, corpus.a, corpus.b
    stack = [node]
    covered = []
    for tk, _ in tokens:
        m = stack.pop()
        if tk == ARG:
            continue
        covered.append(m)
        if tk == APP:
            stack.append(b[m])
            stack.append(a[m])
        elif tk == LAM:
            stack.append(a[m])
    return covered[1:]


def _closed_tokens(corpus: Corpus, i: int):
    k = corpus.kind[i]
    yield (k, 0 if k in (APP, LAM) else corpus.a[i])
    if k == APP:
        yield from _closed_tokens(corpus, corpus.a[i])
        yield from _closed_tokens(corpus, corpus.b[i])
    elif k == LAM:
        yield from _closed_tokens(corpus, corpus.a[i])


def _body_cost(tokens, corpus: Corpus) -> int:
    c = corpus.costs
    total = 0
    for tk, _ in tokens:
        if tk != ARG:
            total += c.app if tk == APP else c.lam if tk == LAM else c.leaf
    return total


def find_abstractions(corpus: Corpus, max_arity: int = 3, keep: int = 1, min_uses: int = 2,
                      accept: Callable[[Pattern], bool] | None = None,
                      max_expansions: int | None = None, renamings: bool = False,
                      across_programs: bool = False) -> list[Pattern]:
    """The ``keep`` abstractions of highest utility (best first) with positive utility.

    Args:
        corpus: the interned corpus.
        max_arity: most arguments an abstraction may take.
        keep: how many of the best to return.
        min_uses: fewest occurrences an abstraction must match.
        accept: optional filter (e.g. a type check); rejected patterns are never kept.
        max_expansions: stop after visiting this many match states (partial abstraction ×
            location) and return the best found so far (None: search until the bound proves the result optimal).
        renamings: also return bodies that only rename a production (see
            :func:`renames_a_production`); they shrink a corpus but add nothing to a library.
        across_programs: only return abstractions that match in at least two programs.
    """
    budget = 10**12 if max_expansions is None else max_expansions
    return _Search(corpus, max_arity, keep, min_uses, accept, budget, renamings, across_programs).run()
