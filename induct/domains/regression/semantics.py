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

__all__ = ["PRIMITIVES", "Expr", "X", "PARAM", "lower", "render", "OPS", "family"]

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


def family(e: Expr) -> str:
    """A key shared by expressions that denote the same family of functions of x.

    Free constants absorb what they meet: an operation of constants is one constant,
    ``e - c`` is ``e + c`` and ``e / c`` is ``e * c`` (up to the constant's sign or inverse),
    sums and products are flattened, their constants merged into one, and their operands
    sorted.  Two expressions with the same key fit the data equally well (the same set of
    functions, up to constants of measure zero), so one fit serves them all.
    """
    return render(_canonical(e))


def _canonical(e: Expr) -> Expr:
    if e.op in ("x", "param", "const"):
        return e
    a, b = (_canonical(x) for x in e.args)
    op = e.op
    if a.op == "param" and b.op == "param":
        return PARAM
    if op == "-" and b.op == "param":
        op = "+"
    elif op == "/" and b.op == "param":
        op = "*"
    if op in ("+", "*"):
        terms: list[Expr] = []
        for t in (a, b):
            terms.extend(t.args if t.op == op else (t,))
        constants = [t for t in terms if t.op == "param"]
        rest = sorted((t for t in terms if t.op != "param"), key=render)
        terms = ([PARAM] if constants else []) + rest
        out = terms[-1]
        for t in reversed(terms[:-1]):
            out = Expr(op, (t, out))
        return out
    return Expr(op, (a, b))
