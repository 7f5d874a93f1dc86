"""Sampling programs from a (contextual) grammar, with a depth bound."""

from __future__ import annotations

import numpy as np

from induct.grammar.core import ROOT, VARIABLE_PARENT, Context
from induct.programs import Abstraction, Application, Program
from induct.types import Substitution, Type, free_type_variables, is_arrow

__all__ = ["sample_program", "sample_at"]


class _TooDeep(Exception):
    pass


def sample_at(grammar, request: Type, rng: np.random.Generator, max_depth: int,
              environment: tuple[Type, ...] = (), context: Context = ROOT,
              substitution: Substitution | None = None) -> tuple[Program, Substitution]:
    """One draw at ``request``; raises _TooDeep past ``max_depth`` (used by MCMC proposals)."""
    s = substitution
    if s is None:
        fv = set(free_type_variables(request))
        for e in environment:
            fv |= free_type_variables(e)
        s = Substitution().reserve(max(fv, default=-1) + 1)
    return _draw(grammar, request, s, environment, context, rng, max_depth)


def _draw(grammar, req: Type, s: Substitution, env: tuple[Type, ...], ctx: Context,
          rng: np.random.Generator, depth: int) -> tuple[Program, Substitution]:
    req = s.apply(req)
    if is_arrow(req):
        body, s = _draw(grammar, req.args[1], s, (req.args[0],) + env, ctx, rng, depth)  # type: ignore[union-attr]
        return Abstraction(body), s
    if depth <= 0:
        raise _TooDeep
    cands = grammar.grammar_for(ctx).candidates(req, s, env, ctx)
    if not cands:
        raise _TooDeep
    logp = np.array([c.log_probability for c in cands])
    p = np.exp(logp - logp.max())
    c = cands[int(rng.choice(len(cands), p=p / p.sum()))]
    s = c.substitution
    out = c.program
    parent = c.production if c.production >= 0 else VARIABLE_PARENT
    for k, t in enumerate(c.argument_types):
        arg, s = _draw(grammar, t, s, env, (parent, k), rng, depth - 1)
        out = Application(out, arg)
    return out, s


def sample_program(grammar, request: Type, rng: np.random.Generator, max_depth: int = 6,
                   environment: tuple[Type, ...] = (), max_tries: int = 20) -> Program | None:
    """A program drawn from the prior (rejecting draws deeper than ``max_depth``), or None."""
    for _ in range(max_tries):
        try:
            program, _ = sample_at(grammar, request, rng, max_depth, environment)
            return program
        except _TooDeep:
            continue
        except RecursionError:
            continue
    return None
