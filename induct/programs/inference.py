"""Type inference of programs against a library (Hindley–Milner, algorithm W)."""

from __future__ import annotations

from typing import Callable

from induct.errors import ProgramTypeError, TypeUnificationError
from induct.programs.nodes import Abstraction, Application, Index, Invented, Primitive, Program
from induct.programs.syntax import show
from induct.types import (
    Substitution, Type, TypeConstructor, arrow, canonical, instantiate, show_type, unify,
)

__all__ = ["infer_type", "check_type", "TypeLookup"]

TypeLookup = Callable[[str], Type]
"""Maps a primitive's name to its (polymorphic) type; raises KeyError for unknown names."""


def infer_type(p: Program, lookup: TypeLookup, environment: tuple[Type, ...] = ()) -> Type:
    """The most general type of ``p``, variables renamed t0, t1, ...

    Args:
        p: the program.
        lookup: the library's map from primitive names to types (``library.type_of``).
        environment: types of the free variables ``$0``, ``$1``, ...

    Raises:
        ProgramTypeError: naming the ill-typed subterm, the expected and the actual type.
    """
    s = Substitution().reserve(_max_var(environment) + 1)
    t, s = _infer_bounded(p, lookup, list(environment), s)
    return canonical(s.apply(t))


def _infer_bounded(p: Program, lookup: TypeLookup, env: list[Type], s: Substitution) -> tuple[Type, Substitution]:
    try:
        return _infer(p, lookup, env, s, p)
    except RecursionError:
        raise ProgramTypeError("<deep program>: nested too deeply to type-check", program="<deep program>",
                               subterm="<deep program>") from None


def check_type(p: Program, request: Type, lookup: TypeLookup) -> Type:
    """Check ``p`` against ``request``; returns the unified type or raises ProgramTypeError."""
    s = Substitution().reserve(_max_var((request,)) + 1)
    t, s = _infer_bounded(p, lookup, [], s)
    try:
        s = unify(t, request, s)
    except TypeUnificationError:
        raise ProgramTypeError(
            f"program {show(p)} has type {show_type(canonical(s.apply(t)))}, expected {show_type(request)}",
            program=show(p), subterm=show(p), expected=show_type(request),
            actual=show_type(canonical(s.apply(t)))) from None
    return canonical(s.apply(t))


def _max_var(types: tuple[Type, ...] | list[Type]) -> int:
    from induct.types import free_type_variables

    m = -1
    for t in types:
        fv = free_type_variables(t)
        if fv:
            m = max(m, max(fv))
    return m


def _infer(p: Program, lookup: TypeLookup, env: list[Type], s: Substitution, root: Program) -> tuple[Type, Substitution]:
    if isinstance(p, Index):
        if p.i >= len(env):
            raise ProgramTypeError(f"unbound variable ${p.i} in {show(root)}", program=show(root), subterm=f"${p.i}")
        return env[p.i], s
    if isinstance(p, Primitive):
        try:
            t = lookup(p.name)
        except KeyError:
            raise ProgramTypeError(f"unknown primitive {p.name!r} in {show(root)}",
                                   program=show(root), subterm=p.name) from None
        return instantiate(t, s)
    if isinstance(p, Invented):
        body_type, body_s = _infer(p.body, lookup, [], Substitution(), p.body)
        return instantiate(canonical(body_s.apply(body_type)), s)
    if isinstance(p, Abstraction):
        a, s = s.fresh()
        body, s = _infer(p.body, lookup, [a, *env], s, root)
        return arrow(a, body), s
    assert isinstance(p, Application)
    ft, s = _infer(p.f, lookup, env, s, root)
    xt, s = _infer(p.x, lookup, env, s, root)
    r, s = s.fresh()
    try:
        s = unify(ft, arrow(xt, r), s)
    except TypeUnificationError:
        fr = s.apply(ft)
        if isinstance(fr, TypeConstructor) and fr.name == "->":
            expected, actual, sub = show_type(canonical(fr.args[0])), show_type(canonical(s.apply(xt))), show(p.x)
            msg = f"in {show(root)}: argument {sub} has type {actual}, but {show(p.f)} expects {expected}"
        else:
            expected, actual, sub = "a function", show_type(canonical(fr)), show(p.f)
            msg = f"in {show(root)}: {sub} has type {actual} and cannot be applied to {show(p.x)}"
        raise ProgramTypeError(msg, program=show(root), subterm=sub, expected=expected, actual=actual) from None
    return r, s
