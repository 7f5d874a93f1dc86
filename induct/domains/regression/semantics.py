"""Semantics of the regression DSL (regression.induct): symbolic real arithmetic.

A program is run on a symbolic input :data:`X`; the primitives build an expression tree
(:class:`Expr`) in which every occurrence of ``REAL`` is a free parameter.  The tree is
then lowered to a register program (:func:`lower`) that a batched JAX interpreter
evaluates for many candidates and constant vectors at once (see ``likelihood.py``).
On plain numbers the arithmetic primitives compute as usual; ``REAL`` has no numeric
value, so a program that uses it fails under a likelihood that does not infer constants.
"""

from __future__ import annotations

from typing import Any

__all__ = ["PRIMITIVES", "Expr", "X", "PARAM", "lower", "render", "OPS"]

OPS = ("x", "param", "+", "-", "*", "/")
"""Opcodes of the register program, in the interpreter's order."""


class Expr:
    """A node of a symbolic expression: ``op`` with ``args`` (``x`` and ``param`` are leaves)."""

    __slots__ = ("op", "args")

    def __init__(self, op: str, args: tuple = ()):
        self.op = op
        self.args = args

    def __repr__(self) -> str:
        return render(self)


X = Expr("x")
"""The symbolic input."""
PARAM = Expr("param")
"""The value of ``REAL``: one leaf per occurrence in the expression tree."""


def _binary(op: str, fn):
    def apply(a: Any, b: Any) -> Any:
        if isinstance(a, Expr) or isinstance(b, Expr):
            if not isinstance(a, Expr):
                a = Expr("const", (float(a),))
            if not isinstance(b, Expr):
                b = Expr("const", (float(b),))
            return Expr(op, (a, b))
        return fn(a, b)
    return apply


PRIMITIVES: dict[str, Any] = {
    "+": _binary("+", lambda a, b: a + b),
    "-": _binary("-", lambda a, b: a - b),
    "*": _binary("*", lambda a, b: a * b),
    "/": _binary("/", lambda a, b: a / b),
    "REAL": PARAM,
}


def lower(e: Expr) -> tuple[list[tuple[int, int, int]], int]:
    """``(instructions, n_params)``: each instruction ``(opcode, a, b)`` writes its own register.

    For ``x`` the operands are unused; for ``param`` ``a`` is the parameter's index (the
    occurrences numbered left to right); for a binary op ``a`` and ``b`` are registers.
    The result is the last register.

    Raises:
        ValueError: for a node this DSL does not produce (e.g. a numeric constant).
    """
    code: list[tuple[int, int, int]] = []
    n_params = 0

    def walk(node: Expr) -> int:
        nonlocal n_params
        if node.op == "x":
            code.append((0, 0, 0))
        elif node.op == "param":
            code.append((1, n_params, 0))
            n_params += 1
        elif node.op in ("+", "-", "*", "/"):
            a = walk(node.args[0])
            b = walk(node.args[1])
            code.append((OPS.index(node.op), a, b))
        else:
            raise ValueError(f"cannot lower expression node {node.op!r}")
        return len(code) - 1

    if not isinstance(e, Expr):
        raise ValueError("not a symbolic expression")
    walk(e)
    return code, n_params


def render(e: Expr, names: list[str] | None = None) -> str:
    """Infix text; parameters as ``c0, c1, ...`` (or ``names``) in occurrence order."""
    counter = [0]

    def go(n: Expr) -> str:
        if n.op == "x":
            return "x"
        if n.op == "param":
            i = counter[0]
            counter[0] += 1
            return names[i] if names else f"c{i}"
        if n.op == "const":
            return repr(n.args[0])
        return f"({go(n.args[0])} {n.op} {go(n.args[1])})"

    return go(e)
