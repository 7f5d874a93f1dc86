"""The prior over programs: Grammar and ContextualGrammar (DreamCoder's rule).

At each choice point the search requests a type.  If it is an arrow, a λ is introduced
(programs are η-long); otherwise the candidates are the productions whose (freshly
instantiated) return type unifies with the request, plus the variables in scope whose
return type does.  Each candidate's probability is its weight normalised over the
candidates (variables share the variable weight equally).  A :class:`ContextualGrammar`
holds one such distribution per (parent production, argument index), plus one for
"no parent" and one for "the parent is a variable" (DreamCoder's bigram prior).
"""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from induct.dsl import Library
from induct.errors import InductError, TypeUnificationError
from induct.programs import Index, Primitive, Program
from induct.types import (
    Substitution, Type, TypeConstructor, TypeVariable, arguments_of, free_type_variables,
    instantiate, rename_variables, return_of, show_type, unify, variables_in_order,
)

__all__ = [
    "Candidate", "Grammar", "ContextualGrammar", "NO_PARENT", "VARIABLE_PARENT", "Context",
    "log_sum_exp", "eta_long", "PriorError",
]

NO_PARENT = -1
VARIABLE_PARENT = -2
Context = tuple[int, int]
"""(parent production index or NO_PARENT / VARIABLE_PARENT, argument index)."""
ROOT: Context = (NO_PARENT, 0)


class PriorError(InductError):
    """A program the prior cannot score (ill-typed, not η-long, or unknown production)."""


def log_sum_exp(xs: Sequence[float]) -> float:
    if not xs:
        return -math.inf
    m = max(xs)
    if m == -math.inf:
        return m
    return m + math.log(sum(math.exp(x - m) for x in xs))


@dataclass(frozen=True, slots=True)
class Candidate:
    """One way to fill a choice point.

    Attributes:
        log_probability: normalised log-probability of this choice.
        program: the Primitive / Invented / Index chosen.
        production: index into the library's productions, or -1 for a variable.
        argument_types: the types its arguments must have (under ``substitution``).
        substitution: the type substitution after unifying its return type with the request.
    """

    log_probability: float
    program: Program
    production: int
    argument_types: tuple[Type, ...]
    substitution: Substitution


@dataclass(frozen=True)
class Grammar:
    """A unigram prior: one log-weight per library production plus one for variables."""

    library: Library
    log_weights: tuple[float, ...]
    log_variable: float = 0.0

    def __post_init__(self) -> None:
        if len(self.log_weights) != len(self.library.productions):
            raise InductError(f"Grammar needs {len(self.library.productions)} log-weights, "
                              f"got {len(self.log_weights)}")
        object.__setattr__(self, "_types", tuple(p.type for p in self.library.productions))
        object.__setattr__(self, "_programs", tuple(p.program for p in self.library.productions))
        object.__setattr__(self, "_index", {p.program: i for i, p in enumerate(self.library.productions)})
        object.__setattr__(self, "_cache", {})

    def __hash__(self) -> int:
        return id(self)

    def __eq__(self, other: object) -> bool:
        return self is other

    @staticmethod
    def uniform(library: Library) -> "Grammar":
        """All productions and the variable weight equal (log-weight 0)."""
        return Grammar(library, tuple(0.0 for _ in library.productions), 0.0)

    @staticmethod
    def from_library(library: Library) -> "Grammar":
        """The weights a grammar file declares (``@ w``), variables at weight 1."""
        return Grammar(library, tuple(p.log_weight for p in library.productions), library.variable_log_weight)

    # --- the contextual interface (a unigram grammar ignores the context) -------------------
    def grammar_for(self, context: Context) -> "Grammar":
        return self

    @property
    def n_productions(self) -> int:
        return len(self.log_weights)

    def production_index(self, program: Program) -> int:
        i = self._index.get(program)  # type: ignore[attr-defined]
        if i is None:
            family = self.library.production_of(program)  # a task-bound constant counts as its family
            i = None if family is None else self._index.get(family.program)  # type: ignore[attr-defined]
        if i is None:
            raise PriorError(f"{program} is not a production of this library")
        return i

    def candidates(self, request: Type, substitution: Substitution, environment: tuple[Type, ...],
                   context: Context = ROOT) -> list[Candidate]:
        """The normalised candidates for a (non-arrow) request; see the module docstring."""
        return _candidates(self, request, substitution, environment)

    def fitting(self, request: Type, environment: tuple[Type, ...], n_variables: int) -> tuple[list, list]:
        """What can be chosen at a request whose type variables are ``0 .. n_variables - 1``:
        ``(productions, variables)``, lists of ``(program, production, argument types,
        substitution)`` and ``(index, argument types, substitution)`` whose return types
        unify with ``request``, whatever the weights (the lists are shared by every grammar
        over the same library; do not change them).  :meth:`log_probabilities` weighs them.
        """
        return _fits(self, request, Substitution().reserve(n_variables), environment)

    def log_probabilities(self, productions: list, variables: list) -> list[float]:
        """The normalised log-probability of each entry of :meth:`fitting`'s lists, in order
        (productions, then variables; ``-inf`` for a production of weight zero)."""
        return _log_probabilities(self, productions, variables)

    def log_prior(self, program: Program, request: Type) -> float:
        """Exact log-probability of ``program`` at ``request`` (η-long programs)."""
        return summarize(self, program, request).log_probability(self)

    def summary(self, program: Program, request: Type) -> "LikelihoodSummary":
        return summarize(self, program, request)

    def sample(self, request: Type, rng: np.random.Generator, max_depth: int = 6,
               environment: tuple[Type, ...] = (), max_tries: int = 20) -> Program | None:
        """A program drawn from the prior, or None when every try exceeded ``max_depth``."""
        from induct.grammar.sampling import sample_program

        return sample_program(self, request, rng, max_depth, environment, max_tries)

    def with_log_weights(self, log_weights: Sequence[float], log_variable: float) -> "Grammar":
        return Grammar(self.library, tuple(float(x) for x in log_weights), float(log_variable))

    def bind(self, task: Any) -> "Grammar":
        """This prior with its library bound to ``task`` (see :meth:`Library.bind`): the same
        weights, each task-bound family's weight shared by the constants read from the task."""
        library = self.library.bind(task)
        return self if library is self.library else Grammar(library, self.log_weights, self.log_variable)

    def describe(self) -> list[tuple[float, str, str]]:
        """(log-weight, name, type) per production, most probable first."""
        rows = [(w, p.name, show_type(p.type)) for w, p in zip(self.log_weights, self.library.productions)]
        return sorted(rows, key=lambda r: -r[0])


def _candidates(g: Grammar, request: Type, s: Substitution, environment: tuple[Type, ...]) -> list[Candidate]:
    request = s.apply(request)
    env = tuple(s.apply(e) for e in environment)
    ground = not free_type_variables(request) and all(not free_type_variables(e) for e in env)
    if ground:
        cached = g._cache.get((request, env))  # type: ignore[attr-defined]
        if cached is None:
            cached = _ground_candidates(g, request, env)
            g._cache[(request, env)] = cached  # type: ignore[attr-defined]
        base = s.next_variable
        out = []
        for logp, prog, i, args, n_fresh in cached:
            if n_fresh:
                args = tuple(_shift_type(a, base) for a in args)
            out.append(Candidate(logp, prog, i, args, Substitution(s._map, base + n_fresh)))
        return out
    return _polymorphic_candidates(g, request, s, env)


def _polymorphic_candidates(g: Grammar, request: Type, s: Substitution, env: tuple[Type, ...]) -> list[Candidate]:
    """Candidates at a request with type variables, cached up to renaming of the variables.

    The candidates are computed once for the canonical form (variables numbered in order of
    appearance), then translated: canonical variable i is the caller's i-th variable, and the
    fresh variables of instantiation follow the caller's ``next_variable``.
    """
    order: list[int] = []
    variables_in_order(request, order)
    for e in env:
        variables_in_order(e, order)
    n = len(order)
    canonical = {v: TypeVariable(i) for i, v in enumerate(order)}
    key = ("poly", rename_variables(request, canonical), tuple(rename_variables(e, canonical) for e in env))
    cached = g._cache.get(key)  # type: ignore[attr-defined]
    if cached is None:
        cached = [(c.log_probability, c.program, c.production, c.argument_types,
                   tuple(c.substitution._map.items()), c.substitution.next_variable)
                  for c in _fresh_candidates(g, key[1], Substitution().reserve(n), key[2])]
        g._cache[key] = cached  # type: ignore[attr-defined]
    base = s.next_variable
    back: dict[int, Type] = {i: TypeVariable(v) for i, v in enumerate(order)}
    out = []
    for logp, prog, i, args, bindings, next_variable in cached:
        for j in range(n, next_variable):
            back[j] = TypeVariable(base + j - n)
        m = dict(s._map)
        for var, t in bindings:
            m[back[var].index] = rename_variables(t, back)  # type: ignore[union-attr]
        out.append(Candidate(logp, prog, i, tuple(rename_variables(a, back) for a in args),
                             Substitution(m, base + next_variable - n)))
    return out


def _ground_candidates(g: Grammar, request: Type, env: tuple[Type, ...]) -> list[tuple]:
    """Candidates for a ground request, with argument types resolved and fresh variables numbered from 0."""
    out = []
    for c in _fresh_candidates(g, request, Substitution(), env):
        args = tuple(c.substitution.apply(a) for a in c.argument_types)
        out.append((c.log_probability, c.program, c.production, args, c.substitution.next_variable))
    return out


def _shift_type(t: Type, by: int) -> Type:
    if isinstance(t, TypeVariable):
        return TypeVariable(t.index + by)
    if not t.args:
        return t
    return TypeConstructor(t.name, tuple(_shift_type(a, by) for a in t.args))


_FITS: "weakref.WeakKeyDictionary[Any, dict]" = weakref.WeakKeyDictionary()
"""Per library (dropped with it): :func:`_fits` by (request, environment, variables)."""


def _fits(g: Grammar, request: Type, s: Substitution, env: tuple[Type, ...]) -> tuple[list, list]:
    """The productions and variables whose return type unifies with ``request``.

    This does not depend on the weights, so it is computed once per library and shared by
    every grammar over it (a contextual grammar has one per parent context).
    """
    cache = _FITS.get(g.library)
    if cache is None:
        cache = _FITS[g.library] = {}
    key = (request, env, s.next_variable) if not s._map else None
    got = cache.get(key) if key is not None else None
    if got is not None:
        return got
    productions: list[tuple] = []
    bound = g.library.bound
    for i, (t, p) in enumerate(zip(g._types, g._programs)):  # type: ignore[attr-defined]
        t2, s2 = instantiate(t, s)
        try:
            s3 = unify(return_of(t2), request, s2)
        except TypeUnificationError:
            continue
        if bound is not None and getattr(p, "name", None) in bound:
            # A task-bound family: one entry per constant read from the task (none: not here).
            args = arguments_of(t2)
            productions.extend((Primitive(c), i, args, s3) for c in bound[p.name])  # type: ignore[union-attr]
            continue
        productions.append((p, i, arguments_of(t2), s3))
    variables = []
    for j, e in enumerate(env):
        try:
            s3 = unify(return_of(e), request, s)
        except TypeUnificationError:
            continue
        variables.append((Index(j), arguments_of(e), s3))
    got = (productions, variables)
    if key is not None:
        cache[key] = got
    return got


def _log_probabilities(g: Grammar, productions: list, variables: list) -> list[float]:
    """The normalised log-probability of each fitting production, then of each variable."""
    weights = g.log_weights
    raw = [weights[i] for _, i, _, _ in productions]
    if g.library.bound is not None:
        # The constants of a task-bound family share its weight, as variables share theirs.
        shares: dict[int, int] = {}
        for _, i, _, _ in productions:
            shares[i] = shares.get(i, 0) + 1
        raw = [w - math.log(shares[i]) if shares[i] > 1 else w for w, (_, i, _, _) in zip(raw, productions)]
    if variables:
        raw.extend([g.log_variable - math.log(len(variables))] * len(variables))
    z = log_sum_exp([w for w in raw if w != -math.inf])
    if z == -math.inf:
        return [-math.inf] * len(raw)
    return [w - z for w in raw]


def _fresh_candidates(g: Grammar, request: Type, s: Substitution, env: tuple[Type, ...]) -> list[Candidate]:
    productions, variables = _fits(g, request, s, env)
    lps = _log_probabilities(g, productions, variables)
    out = [Candidate(lp, p, i, args, s3) for (p, i, args, s3), lp in zip(productions, lps) if lp != -math.inf]
    out.extend(Candidate(lp, prog, -1, args, s3) for (prog, args, s3), lp in zip(variables, lps[len(productions):]))
    return out


@dataclass(frozen=True)
class ContextualGrammar:
    """DreamCoder's bigram prior: a Grammar per (parent production, argument index).

    ``library_grammars[i][k]`` is the distribution for argument ``k`` of production ``i``.
    """

    no_parent: Grammar
    variable_parent: Grammar
    library_grammars: tuple[tuple[Grammar, ...], ...]

    @property
    def library(self) -> Library:
        return self.no_parent.library

    @staticmethod
    def from_grammar(g: Grammar) -> "ContextualGrammar":
        """Every context gets the same unigram distribution."""
        arities = [len(arguments_of(p.type)) for p in g.library.productions]
        return ContextualGrammar(g, g, tuple(tuple(g for _ in range(n)) for n in arities))

    def grammar_for(self, context: Context) -> Grammar:
        parent, k = context
        if parent == NO_PARENT:
            return self.no_parent
        if parent == VARIABLE_PARENT:
            return self.variable_parent
        return self.library_grammars[parent][k]

    def candidates(self, request: Type, substitution: Substitution, environment: tuple[Type, ...],
                   context: Context = ROOT) -> list[Candidate]:
        return self.grammar_for(context).candidates(request, substitution, environment)

    def log_prior(self, program: Program, request: Type) -> float:
        return summarize(self, program, request).log_probability(self)

    def summary(self, program: Program, request: Type) -> "LikelihoodSummary":
        return summarize(self, program, request)

    def sample(self, request: Type, rng: np.random.Generator, max_depth: int = 6,
               environment: tuple[Type, ...] = (), max_tries: int = 20) -> Program | None:
        from induct.grammar.sampling import sample_program

        return sample_program(self, request, rng, max_depth, environment, max_tries)

    def production_index(self, program: Program) -> int:
        return self.no_parent.production_index(program)

    def bind(self, task: Any) -> "ContextualGrammar":
        """Every context's distribution bound to ``task`` (see :meth:`Grammar.bind`)."""
        library = self.library.bind(task)
        if library is self.library:
            return self

        def rebind(g: Grammar) -> Grammar:
            return Grammar(library, g.log_weights, g.log_variable)

        return ContextualGrammar(rebind(self.no_parent), rebind(self.variable_parent),
                                 tuple(tuple(rebind(g) for g in row) for row in self.library_grammars))

    @property
    def n_productions(self) -> int:
        return self.no_parent.n_productions


def eta_long(program: Program, request: Type, library: Library) -> Program:
    """η-expand ``program`` so that every arrow-typed position is a λ (as search produces)."""
    from induct.grammar.summary import eta_long as _eta

    return _eta(program, request, library)


def summarize(g, program: Program, request: Type) -> "LikelihoodSummary":
    from induct.grammar.summary import summarize as _summarize

    return _summarize(g, program, request)


from induct.grammar.summary import LikelihoodSummary  # noqa: E402  (circular by design)
