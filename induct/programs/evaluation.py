"""Compile programs once to Python closures and run them with bounds.

A compiled program is a function of an environment tuple (``env[0]`` is ``$0``).
Applications whose head is a primitive with enough arguments call the primitive's
uncurried Python function directly, which avoids one closure call per argument.

The closure builders (:func:`variable`, :func:`abstraction`, :func:`call_strict`,
:func:`call_lazy`, :func:`apply_closures`) are the one λ-closure compiler: enumeration
(:mod:`induct.search.closures`) builds each subprogram under a λ from them too.
"""

from __future__ import annotations

from typing import Any, Callable, Protocol, Sequence

from induct.programs import limits as _limits
from induct.programs.nodes import Abstraction, Index, Invented, Primitive, Program, spine

__all__ = ["Lazy", "compile_program", "run_program", "run_examples", "curry", "FAILED", "variable", "abstraction",
           "call_strict", "call_lazy", "apply_closures"]

Compiled = Callable[[tuple], Any]


class _Failed:
    __slots__ = ()

    def __repr__(self) -> str:
        return "FAILED"


FAILED = _Failed()
"""Returned by :func:`run_program` when the program raised or hit a limit."""


class Lazy:
    """Marks a primitive whose arguments are passed as thunks (e.g. ``if``)."""

    __slots__ = ("function", "arity")

    def __init__(self, function: Callable[..., Any], arity: int):
        self.function = function
        self.arity = arity


def curry(function: Callable[..., Any], arity: int) -> Any:
    """The curried form ``f(a)(b)(c)`` of an uncurried function of ``arity`` arguments."""
    if arity == 0:
        return function
    if isinstance(function, Lazy):
        lazy = function.function

        def collect(args: tuple) -> Any:
            if len(args) == function.arity:
                return lazy(*[(lambda v=v: v) for v in args])
            return lambda x: collect(args + (x,))

        return collect(())
    if arity == 1:
        return function

    def collect_strict(args: tuple) -> Any:
        if len(args) == arity:
            return function(*args)
        return lambda x: collect_strict(args + (x,))

    return collect_strict(())


class _Semantics(Protocol):
    """What the compiler needs from a library: each name's value and arity."""

    def value(self, name: str) -> Any: ...

    def arity(self, name: str) -> int: ...


def compile_program(p: Program, semantics: Any, cache: dict | None = None) -> Compiled:
    """Compile ``p`` against ``semantics`` (a Library: ``value(name)`` and ``arity(name)``).

    ``cache`` maps subprograms to their compiled closures, so a subprogram shared by many
    candidates is compiled once.
    """
    cache = {} if cache is None else cache
    return _compile(p, semantics, cache)


def _compile(p: Program, lib: Any, cache: dict) -> Compiled:
    c = cache.get(p)
    if c is not None:
        return c
    c = _compile_new(p, lib, cache)
    cache[p] = c
    return c


def variable(i: int) -> Compiled:
    """The closure of ``$i``."""
    if i == 0:
        return _env0
    if i == 1:
        return _env1
    return lambda env: env[i]


def _env0(env: tuple) -> Any:
    return env[0]


def _env1(env: tuple) -> Any:
    return env[1]


def abstraction(body: Compiled) -> Compiled:
    """The closure of ``(lambda body)``: a function of the environment returning a function."""
    # Every call of a λ costs one step: otherwise a program that composes functions
    # exponentially often (no primitive ever charging) would escape the step and time limits.
    charge = _limits.charge

    def close(env: tuple) -> Callable[[Any], Any]:
        def call(x: Any) -> Any:
            charge(0)
            return body((x,) + env)

        return call

    return close


def _head_value(head: Program, lib: Any, cache: dict) -> tuple[Any, int] | None:
    if isinstance(head, Primitive):
        return lib.value(head.name), lib.arity(head.name)
    return None


def _compile_new(p: Program, lib: Any, cache: dict) -> Compiled:
    if isinstance(p, Index):
        return variable(p.i)
    if isinstance(p, Abstraction):
        return abstraction(_compile(p.body, lib, cache))
    if isinstance(p, Primitive):
        value, arity = lib.value(p.name), lib.arity(p.name)
        if arity == 0 and isinstance(value, Lazy):
            # A constant computed when the program runs (e.g. a per-task constant that may be unbound).
            compute = value.function
            return lambda env: compute()
        constant = curry(value, arity) if arity else value
        return lambda env: constant
    if isinstance(p, Invented):
        closed = _compile(p.body, lib, cache)
        holder: list[Any] = []

        def invented(env: tuple) -> Any:
            if not holder:
                holder.append(closed(()))
            return holder[0]

        return invented
    head, args = spine(p)
    head_info = _head_value(head, lib, cache)
    compiled_args = [_compile(a, lib, cache) for a in args]
    if head_info is not None and head_info[1] > 0 and len(args) >= head_info[1]:
        fn, n = head_info
        direct, rest = compiled_args[:n], compiled_args[n:]
        call = call_lazy(fn.function, direct) if isinstance(fn, Lazy) else call_strict(fn, direct)
        return apply_closures(call, rest)
    return apply_closures(_compile(head, lib, cache), compiled_args)


def call_lazy(f: Callable[..., Any], args: Sequence[Compiled]) -> Compiled:
    """The closure of a lazy primitive ``f`` applied to all its arguments (passed as thunks)."""
    if len(args) == 3:
        a, b, c = args
        return lambda env: f(lambda: a(env), lambda: b(env), lambda: c(env))
    return lambda env: f(*[(lambda a=a: a(env)) for a in args])


def call_strict(fn: Callable[..., Any], args: Sequence[Compiled]) -> Compiled:
    """The closure of a strict primitive ``fn`` applied to all its arguments (uncurried)."""
    n = len(args)
    if n == 1:
        (a,) = args
        return lambda env: fn(a(env))
    if n == 2:
        a, b = args
        return lambda env: fn(a(env), b(env))
    if n == 3:
        a, b, c = args
        return lambda env: fn(a(env), b(env), c(env))
    if n == 4:
        a, b, c, d = args
        return lambda env: fn(a(env), b(env), c(env), d(env))
    return lambda env: fn(*[a(env) for a in args])


def apply_closures(f: Compiled, rest: Sequence[Compiled]) -> Compiled:
    """The closure of ``f`` applied, curried, to ``rest`` (``f`` itself when there is none)."""
    if not rest:
        return f
    if len(rest) == 1:
        (a,) = rest
        return lambda env: f(env)(a(env))
    if len(rest) == 2:
        a, b = rest
        return lambda env: f(env)(a(env))(b(env))

    def apply(env: tuple) -> Any:
        v = f(env)
        for a in rest:
            v = v(a(env))
        return v

    return apply


def apply_to_inputs(value: Any, inputs: Sequence[Any]) -> Any:
    for x in inputs:
        value = value(x)
    return value


def run_program(compiled: Compiled, inputs: Sequence[Any],
                limits: _limits.Limits = _limits.DEFAULT_LIMITS) -> Any:
    """Run a compiled closed program on ``inputs``; :data:`FAILED` on any error or limit."""
    _limits.start(limits)
    try:
        v = compiled(())
        for x in inputs:
            v = v(x)
        return v
    except RecursionError:
        return FAILED
    except Exception:  # any error inside a program is a failed example, never a crash
        return FAILED


def run_examples(compiled: Compiled, examples: Sequence[tuple[Sequence[Any], Any]],
                 limits: _limits.Limits = _limits.DEFAULT_LIMITS) -> bool:
    """True when the program maps every example's inputs to its output (stops at the first miss)."""
    for inputs, output in examples:
        _limits.start(limits)
        try:
            v = compiled(())
            for x in inputs:
                v = v(x)
        except Exception:
            return False
        if v != output:
            return False
    return True


