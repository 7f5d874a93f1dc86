"""Evaluators built once per enumerated subprogram (hash-consed by construction).

Two shapes, chosen by where the subprogram sits:

* under a λ the subprogram is a *closure* of the environment tuple (``env[0]`` is ``$0``),
  built from its children's closures by the compiler's own closure builders
  (:mod:`induct.programs.evaluation`);
* outside every λ (its free variables are only the task's inputs) the subprogram has one
  value per example, so it gets a *compute* function ``i -> value on example i`` whose
  results are cached in the entry (``Entry.vals``).  A parent then calls its primitive on
  its children's cached values: evaluation is shared by every program that contains them.

Each cached value is computed under a fresh evaluation budget, and any exception is the
:data:`FAILED` value, so a shared child never fails because of its parent's budget.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from induct.programs import limits as _limits
from induct.programs.evaluation import (FAILED, Lazy, abstraction, apply_closures, call_lazy, call_strict,
                                        variable)

__all__ = ["UNSET", "HeadInfo", "head_info", "closure_factory", "compute_factory", "value_of", "Failure"]

UNSET: Any = object()
"""Marks a per-example value not computed yet."""

_charge = _limits.charge
_start = _limits.start


class Failure(Exception):
    """Raised by a thunk whose cached value is FAILED (inside a lazy primitive)."""


class HeadInfo:
    """How to run a head: ``kind`` is var / const / lazyconst / strict / lazy / curried / lambda."""

    __slots__ = ("kind", "value", "arity")

    def __init__(self, kind: str, value: Any = None, arity: int = 0):
        self.kind, self.value, self.arity = kind, value, arity


def head_info(head: Any, library: Any) -> HeadInfo:
    """The run-time view of a rule's head (a Primitive, Invented or Index node; None for λ)."""
    from induct.programs import Index, Invented, Primitive

    if head is None:
        return HeadInfo("lambda")
    if isinstance(head, Index):
        return HeadInfo("var", head.i)
    if isinstance(head, Invented):
        compiled = library.compile(head)
        holder: list[Any] = []

        def invented() -> Any:
            if not holder:
                holder.append(compiled(()))
            return holder[0]

        return HeadInfo("curried", invented)
    assert isinstance(head, Primitive)
    value, arity = library.value(head.name), library.arity(head.name)
    if arity == 0:
        if isinstance(value, Lazy):
            return HeadInfo("lazyconst", value.function)
        return HeadInfo("const", value)
    if isinstance(value, Lazy):
        return HeadInfo("lazy", value.function, arity)
    return HeadInfo("strict", value, arity)


# --- closures of the environment (subprograms under a λ) ---------------------------------

def closure_factory(info: HeadInfo, n_args: int) -> Callable[[Sequence[Any]], Callable[[tuple], Any]]:
    """A function from the children's closures to this subprogram's closure, built by the
    compiler's own closure builders (:mod:`induct.programs.evaluation`)."""
    kind = info.kind
    if kind == "lambda":
        return lambda kids: abstraction(kids[0])
    if kind == "var":
        get = variable(info.value)
        return lambda kids: apply_closures(get, kids)
    if kind == "const":
        v = info.value
        return lambda kids: (lambda env: v)
    if kind == "lazyconst":
        f = info.value
        return lambda kids: (lambda env: f())
    if kind == "curried":
        invented = info.value
        return lambda kids: apply_closures(lambda env: invented(), kids)
    fn = info.value
    if kind == "lazy":
        return lambda kids: call_lazy(fn, kids)
    return lambda kids: call_strict(fn, kids)


# --- per-example values (subprograms outside every λ) -----------------------------------

def value_of(entry: Any, i: int) -> Any:
    """The cached value of a top-level entry on example ``i`` (computed on first use)."""
    v = entry.vals[i]
    if v is UNSET:
        v = entry.run(i)
        entry.vals[i] = v
    return v


def compute_factory(info: HeadInfo, n_args: int, envs: Sequence[tuple], limits: Any
                    ) -> Callable[[Sequence[Any]], Callable[[int], Any]]:
    """A function from the children's *entries* to ``i -> value on example i``.

    ``envs[i]`` is the environment of example ``i`` (its inputs, last input first).
    Children of a top-level entry are top-level entries (or λs, whose value is a function).
    """
    kind = info.kind
    if kind == "lambda":
        def make_lambda(kids: Sequence[Any]) -> Callable[[int], Any]:
            body = kids[0].run  # the body lives under the λ: a closure of the environment

            def compute(i: int) -> Any:
                env = envs[i]

                def call(x: Any) -> Any:
                    _charge(0)
                    return body((x,) + env)

                return call

            return compute

        return make_lambda
    if kind == "var" and n_args == 0:
        j = info.value
        return lambda kids: (lambda i: envs[i][j])
    if kind == "const":
        v = info.value
        return lambda kids: (lambda i: v)
    if kind == "strict":
        fn = info.value
        if n_args == 1:
            return lambda kids: _value_strict1(fn, kids[0], limits)
        if n_args == 2:
            return lambda kids: _value_strict2(fn, kids[0], kids[1], limits)
        return lambda kids: _value_strict(fn, kids, limits)
    return lambda kids: _value_generic(info, kids, envs, limits)


def _value_strict1(fn: Any, a: Any, limits: Any) -> Callable[[int], Any]:
    def compute(i: int) -> Any:
        x = a.vals[i]
        if x is UNSET:
            x = value_of(a, i)
        if x is FAILED:
            return FAILED
        _start(limits)
        try:
            return fn(x)
        except Exception:
            return FAILED

    return compute


def _value_strict2(fn: Any, a: Any, b: Any, limits: Any) -> Callable[[int], Any]:
    def compute(i: int) -> Any:
        x = a.vals[i]
        if x is UNSET:
            x = value_of(a, i)
        if x is FAILED:
            return FAILED
        y = b.vals[i]
        if y is UNSET:
            y = value_of(b, i)
        if y is FAILED:
            return FAILED
        _start(limits)
        try:
            return fn(x, y)
        except Exception:
            return FAILED

    return compute


def _value_strict(fn: Any, kids: Sequence[Any], limits: Any) -> Callable[[int], Any]:
    def compute(i: int) -> Any:
        args = []
        for k in kids:
            x = value_of(k, i)
            if x is FAILED:
                return FAILED
            args.append(x)
        _start(limits)
        try:
            return fn(*args)
        except Exception:
            return FAILED

    return compute


def _forced(entry: Any, i: int) -> Any:
    v = value_of(entry, i)
    if v is FAILED:
        raise Failure
    return v


def _value_generic(info: HeadInfo, kids: Sequence[Any], envs: Sequence[tuple], limits: Any
                   ) -> Callable[[int], Any]:
    """Lazy primitives, inventions, lazy constants and applied variables (the rarer heads)."""
    kind = info.kind

    def compute(i: int) -> Any:
        try:
            if kind == "lazy":
                thunks = [(lambda k=k: _forced(k, i)) for k in kids]
                _start(limits)
                return info.value(*thunks)
            if kind == "lazyconst":
                _start(limits)
                return info.value()
            args = []
            for k in kids:
                x = value_of(k, i)
                if x is FAILED:
                    return FAILED
                args.append(x)
            _start(limits)
            v = envs[i][info.value] if kind == "var" else info.value()
            for x in args:
                v = v(x)
            return v
        except Exception:
            return FAILED

    return compute
