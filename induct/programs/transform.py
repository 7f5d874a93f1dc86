"""Structural operations on programs: size, free variables, shifting, substitution, β-reduction."""

from __future__ import annotations

from functools import lru_cache

from induct.errors import InductError
from induct.programs.nodes import Abstraction, Application, Index, Invented, Program

__all__ = ["size", "free_variables", "shift", "substitute", "beta_normal_form", "inline_inventions", "depth"]


@lru_cache(maxsize=1 << 16)
def size(p: Program) -> int:
    """Number of primitives, inventions and variables (λ and application nodes count 0).

    This is Stitch's and DreamCoder's corpus-size measure's leaf count; see
    :func:`induct.compression` for the cost used in compression ratios.
    """
    if isinstance(p, Application):
        return size(p.f) + size(p.x)
    if isinstance(p, Abstraction):
        return size(p.body)
    return 1


def depth(p: Program) -> int:
    if isinstance(p, Application):
        return 1 + max(depth(p.f), depth(p.x))
    if isinstance(p, Abstraction):
        return 1 + depth(p.body)
    return 1


def free_variables(p: Program, bound: int = 0) -> frozenset[int]:
    """De Bruijn indices free in ``p`` (relative to its top)."""
    if isinstance(p, Index):
        return frozenset({p.i - bound}) if p.i >= bound else frozenset()
    if isinstance(p, Application):
        return free_variables(p.f, bound) | free_variables(p.x, bound)
    if isinstance(p, Abstraction):
        return free_variables(p.body, bound + 1)
    return frozenset()


def shift(p: Program, by: int, cutoff: int = 0) -> Program:
    """Add ``by`` to every free index ≥ ``cutoff``."""
    if isinstance(p, Index):
        if p.i >= cutoff:
            if p.i + by < 0:
                raise InductError(f"shift makes ${p.i} negative")
            return Index(p.i + by)
        return p
    if isinstance(p, Application):
        return Application(shift(p.f, by, cutoff), shift(p.x, by, cutoff))
    if isinstance(p, Abstraction):
        return Abstraction(shift(p.body, by, cutoff + 1))
    return p


def substitute(p: Program, value: Program, index: int = 0) -> Program:
    """Replace ``$index`` in ``p`` by ``value`` and lower the indices above it (β-step body)."""
    if isinstance(p, Index):
        if p.i == index:
            return shift(value, index)
        if p.i > index:
            return Index(p.i - 1)
        return p
    if isinstance(p, Application):
        return Application(substitute(p.f, value, index), substitute(p.x, value, index))
    if isinstance(p, Abstraction):
        return Abstraction(substitute(p.body, value, index + 1))
    return p


def inline_inventions(p: Program) -> Program:
    """Replace every invention by its (recursively inlined) body."""
    if isinstance(p, Invented):
        return inline_inventions(p.body)
    if isinstance(p, Application):
        return Application(inline_inventions(p.f), inline_inventions(p.x))
    if isinstance(p, Abstraction):
        return Abstraction(inline_inventions(p.body))
    return p


def beta_normal_form(p: Program, inline: bool = True, max_steps: int = 100_000) -> Program:
    """β-normal form (normal order), with inventions inlined first when ``inline``.

    Raises:
        InductError: if the term does not normalise within ``max_steps`` steps.
    """
    if inline:
        p = inline_inventions(p)
    steps = [0]

    def step(q: Program) -> Program:
        steps[0] += 1
        if steps[0] > max_steps:
            raise InductError("β-reduction did not terminate within the step limit")
        if isinstance(q, Application):
            f = step(q.f)
            if isinstance(f, Abstraction):
                return step(substitute(f.body, q.x))
            return Application(f, step(q.x))
        if isinstance(q, Abstraction):
            return Abstraction(step(q.body))
        return q

    return step(p)
