"""Likelihood summaries: what a program chose at each choice point, and among what.

A summary does not depend on the grammar's weights, only on the library's types, so it
is computed once per (program, request) and then scores any weights cheaply — the
bridge to EM over weights and to the neural prior's loss.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from induct.grammar.core import (
    ROOT, VARIABLE_PARENT, Context, PriorError, log_sum_exp,
)
from induct.programs import Abstraction, Application, Index, Primitive, Program, spine
from induct.programs.syntax import show
from induct.types import Substitution, Type, arrow, is_arrow, show_type

__all__ = ["ChoicePoint", "LikelihoodSummary", "summarize", "eta_long"]


@dataclass(frozen=True, slots=True)
class ChoicePoint:
    """One choice: its context, the chosen candidate and the set it was normalised over.

    Candidates are production indices; ``variable`` (= number of productions) stands for
    "some variable", whose weight is shared by the ``n_variables`` in scope that fit
    (``constant`` = −log n_variables when a variable was chosen, else 0).
    """

    context: Context
    chosen: int
    candidates: tuple[int, ...]
    constant: float


@dataclass(frozen=True, slots=True)
class LikelihoodSummary:
    """The choice points of one program at one request type."""

    choices: tuple[ChoicePoint, ...]
    n_productions: int

    @property
    def variable(self) -> int:
        return self.n_productions

    def log_probability(self, grammar) -> float:
        """log P(program | grammar) for a Grammar or ContextualGrammar over the same library."""
        total = 0.0
        for c in self.choices:
            g = grammar.grammar_for(c.context)
            w = g.log_weights
            lv = g.log_variable

            def weight(i: int) -> float:
                return lv if i == self.n_productions else w[i]

            total += weight(c.chosen) + c.constant - log_sum_exp([weight(i) for i in c.candidates])
        return total

    def uses(self) -> dict[int, int]:
        out: dict[int, int] = {}
        for c in self.choices:
            out[c.chosen] = out.get(c.chosen, 0) + 1
        return out


def summarize(grammar, program: Program, request: Type) -> LikelihoodSummary:
    """Walk an η-long ``program`` at ``request`` and record its choice points.

    Raises:
        PriorError: if the program is not η-long, is ill-typed, or uses an unknown production.
    """
    choices: list[ChoicePoint] = []
    n = grammar.n_productions

    def walk(p: Program, req: Type, s: Substitution, env: tuple[Type, ...], ctx: Context) -> Substitution:
        req = s.apply(req)
        if is_arrow(req):
            if not isinstance(p, Abstraction):
                raise PriorError(f"{show(p)} is not η-long at type {show_type(req)}: wrap it in a lambda")
            return walk(p.body, req.args[1], s, (req.args[0],) + env, ctx)  # type: ignore[union-attr]
        if isinstance(p, Abstraction):
            raise PriorError(f"a lambda {show(p)} where type {show_type(req)} is requested")
        head, args = spine(p)
        cands = grammar.grammar_for(ctx).candidates(req, s, env, ctx)
        chosen = None
        for c in cands:
            if c.program == head:
                chosen = c
                break
        shared = 0.0
        if chosen is not None and chosen.production >= 0 and grammar.library.bound is not None:
            k = sum(1 for c in cands if c.production == chosen.production)
            shared = -math.log(k) if k > 1 else 0.0  # one of k constants of a task-bound family
        elif chosen is None and isinstance(head, Primitive) and grammar.library.family_of(head.name):
            # Unbound: a task-bound constant is scored as its family (its share needs the task).
            family = Primitive(grammar.library.family_of(head.name))
            chosen = next((c for c in cands if c.program == family), None)
        if chosen is None:
            raise PriorError(f"{show(head)} cannot fill a hole of type {show_type(req)} here "
                             f"(in {show(program)})")
        ids = tuple(sorted({c.production if c.production >= 0 else n for c in cands}))
        n_vars = sum(1 for c in cands if c.production < 0)
        if chosen.production >= 0:
            choices.append(ChoicePoint(ctx, chosen.production, ids, shared))
            parent = chosen.production
        else:
            choices.append(ChoicePoint(ctx, n, ids, -math.log(n_vars)))
            parent = VARIABLE_PARENT
        if len(args) != len(chosen.argument_types):
            raise PriorError(f"{show(head)} takes {len(chosen.argument_types)} argument(s) but has "
                             f"{len(args)} in {show(program)} (programs must be η-long)")
        s = chosen.substitution
        for k, (a, t) in enumerate(zip(args, chosen.argument_types)):
            s = walk(a, t, s, env, (parent, k))
        return s

    from induct.types import free_type_variables

    s = Substitution().reserve(max(free_type_variables(request), default=-1) + 1)
    walk(program, request, s, (), ROOT)
    return LikelihoodSummary(tuple(choices), n)


def eta_long(program: Program, request: Type, library) -> Program:
    """η-expand ``program`` at ``request``: every arrow-typed position becomes a λ and every
    head gets all its arguments."""
    from induct.programs import shift
    from induct.programs.inference import _infer  # type-directed, reuse the inference walk
    from induct.types import unify

    def expand(p: Program, req: Type, s: Substitution, env: tuple[Type, ...]) -> tuple[Program, Substitution]:
        req = s.apply(req)
        if is_arrow(req):
            if isinstance(p, Abstraction):
                body, s = expand(p.body, req.args[1], s, (req.args[0],) + env)  # type: ignore[union-attr]
                return Abstraction(body), s
            # η-expand: λ. (shift p) $0
            body, s = expand(Application(shift(p, 1), Index(0)), req.args[1], s, (req.args[0],) + env)  # type: ignore[union-attr]
            return Abstraction(body), s
        head, args = spine(p)
        ht, s = _infer(head, library.type_of, list(env), s, p)
        arg_types = []
        t = s.apply(ht)
        for _ in args:
            t = s.apply(t)
            if not is_arrow(t):
                a, s = s.fresh()
                r, s = s.fresh()
                s = unify(t, arrow(a, r), s)
                t = s.apply(t)
            arg_types.append(t.args[0])  # type: ignore[union-attr]
            t = t.args[1]  # type: ignore[union-attr]
        s = unify(t, req, s)
        new_args = []
        for arg, at in zip(args, arg_types):
            a2, s = expand(arg, at, s, env)
            new_args.append(a2)
        out = head
        for arg in new_args:
            out = Application(out, arg)
        return out, s

    from induct.types import free_type_variables

    s = Substitution().reserve(max(free_type_variables(request), default=-1) + 1)
    out, _ = expand(program, request, s, ())
    return out
