"""Program nodes: a curried λ-calculus with de Bruijn indices, as in DreamCoder.

Nodes are frozen, hashable and structurally equal.  A :class:`Primitive` is a name
that a library gives a type and a meaning; an :class:`Invented` node is a learned
library function whose body is itself a closed program.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator, Union

__all__ = [
    "Program", "Primitive", "Invented", "Index", "Abstraction", "Application",
    "application", "spine", "lambdas",
]


@dataclass(frozen=True, slots=True)
class Primitive:
    """A library primitive, referred to by name (its type and meaning live in a Library)."""

    name: str

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class Invented:
    """A learned abstraction: a closed program used as one library function.

    ``name`` is a readable label; equality and hashing use the body only, so that the
    same invention read back from text (``#(...)``) equals the one in the library.
    """

    body: "Program"
    name: str | None = field(default=None, compare=False)

    def __str__(self) -> str:
        from induct.programs.syntax import show

        return show(self)


@dataclass(frozen=True, slots=True)
class Index:
    """A variable as a de Bruijn index: ``$0`` is the nearest enclosing λ."""

    i: int

    def __str__(self) -> str:
        return f"${self.i}"


@dataclass(frozen=True, slots=True)
class Abstraction:
    """``(lambda body)``."""

    body: "Program"

    def __str__(self) -> str:
        from induct.programs.syntax import show

        return show(self)


@dataclass(frozen=True, slots=True)
class Application:
    """``(f x)``: curried application of one argument."""

    f: "Program"
    x: "Program"

    def __str__(self) -> str:
        from induct.programs.syntax import show

        return show(self)


Program = Union[Primitive, Invented, Index, Abstraction, Application]


def application(f: Program, *args: Program) -> Program:
    """``(f a b c)`` as nested applications."""
    for a in args:
        f = Application(f, a)
    return f


def spine(p: Program) -> tuple[Program, list[Program]]:
    """Split ``(f a b c)`` into ``f`` and ``[a, b, c]``."""
    args: list[Program] = []
    while isinstance(p, Application):
        args.append(p.x)
        p = p.f
    args.reverse()
    return p, args


def lambdas(p: Program) -> tuple[int, Program]:
    """Count the leading lambdas of ``p`` and return the body under them."""
    n = 0
    while isinstance(p, Abstraction):
        n += 1
        p = p.body
    return n, p


def subterms(p: Program) -> Iterator[Program]:
    """Every subterm of ``p`` (pre-order), not descending into invention bodies."""
    stack = [p]
    while stack:
        q = stack.pop()
        yield q
        if isinstance(q, Application):
            stack.append(q.x)
            stack.append(q.f)
        elif isinstance(q, Abstraction):
            stack.append(q.body)
