"""The s-expression syntax shared by DreamCoder and Stitch.

``(lambda (map (lambda (+ $0 1)) $0))``; ``lam`` is accepted for ``lambda``; ``#(...)``
is an inlined invention.  ``parse(show(p)) == p`` for every program.
"""

from __future__ import annotations

from typing import Mapping

from induct.errors import ProgramSyntaxError
from induct.programs.nodes import (
    Abstraction, Application, Index, Invented, Primitive, Program, spine,
)

__all__ = ["parse_program", "show", "tokenize"]

LAMBDA_WORDS = ("lambda", "lam", "λ")


def tokenize(text: str) -> list[tuple[str, int]]:
    """Split into ``(``, ``)``, ``#(`` and symbols, each with its start position."""
    tokens: list[tuple[str, int]] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c in "()":
            tokens.append((c, i))
            i += 1
        elif c == "#" and i + 1 < n and text[i + 1] == "(":
            tokens.append(("#(", i))
            i += 2
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] not in "()":
                j += 1
            tokens.append((text[i:j], i))
            i = j
    return tokens


def parse_program(text: str, inventions: Mapping[str, Program] | None = None) -> Program:
    """Parse a program.

    Args:
        text: the s-expression.
        inventions: optional map from names to invention bodies; a symbol naming one
            becomes that :class:`Invented` node (how a library's learned names are read).

    Raises:
        ProgramSyntaxError: with the column of the problem.
    """
    if not isinstance(text, str):
        raise ProgramSyntaxError(f"a program must be a string, not {type(text).__name__}", str(text), 0)
    tokens = tokenize(text)
    if not tokens:
        raise ProgramSyntaxError("empty program", text, 0)
    pos = 0

    def err(message: str, at: int | None = None) -> ProgramSyntaxError:
        where = tokens[at][1] if at is not None and at < len(tokens) else len(text)
        return ProgramSyntaxError(message, text, where)

    def atom(tok: str, k: int) -> Program:
        if tok.startswith("$"):
            digits = tok[1:]
            if not (digits.isascii() and digits.isdigit()):
                raise err(f"bad variable {tok!r} (variables are $0, $1, ...)", k)
            return Index(int(digits))
        if tok in LAMBDA_WORDS:
            raise err(f"'{tok}' must open a form: ({tok} BODY)", k)
        if inventions is not None and tok in inventions:
            return Invented(inventions[tok], tok)
        return Primitive(tok)

    def expr() -> Program:
        nonlocal pos
        if pos >= len(tokens):
            raise err("unexpected end of program")
        tok, _ = tokens[pos]
        k = pos
        pos += 1
        if tok == ")":
            raise err("unexpected ')'", k)
        if tok == "#(":
            body = form(k)
            return Invented(body)
        if tok == "(":
            return form(k)
        return atom(tok, k)

    def form(open_at: int) -> Program:
        nonlocal pos
        if pos >= len(tokens):
            raise err("unclosed '('", open_at)
        tok, _ = tokens[pos]
        if tok in LAMBDA_WORDS:
            pos += 1
            # DreamCoder writes (lambda body); Stitch and others may write (lam (x) body)-free forms only.
            if pos < len(tokens) and tokens[pos][0] == ")":
                raise err("lambda without a body", pos)
            body = expr()
            while pos < len(tokens) and tokens[pos][0] != ")":
                body = Application(body, expr())
            close(open_at)
            return Abstraction(body)
        if tok == ")":
            raise err("empty application '()'", pos)
        f = expr()
        while pos < len(tokens) and tokens[pos][0] != ")":
            f = Application(f, expr())
        close(open_at)
        return f

    def close(open_at: int) -> None:
        nonlocal pos
        if pos >= len(tokens):
            raise err("unclosed '('", open_at)
        pos += 1

    try:
        p = expr()
    except RecursionError:
        raise err(f"program nested too deeply (more than about {MAX_DEPTH} levels)", _deepest(tokens)) from None
    if pos != len(tokens):
        raise err(f"unexpected {tokens[pos][0]!r} after the program", pos)
    return p


MAX_DEPTH = 200
"""Nesting that is always accepted; deeper programs may exceed Python's recursion limit."""


def _deepest(tokens: list[tuple[str, int]]) -> int:
    """The token index of the most deeply nested opening parenthesis."""
    depth = best = where = 0
    for k, (tok, _) in enumerate(tokens):
        if tok in ("(", "#("):
            depth += 1
            if depth > best:
                best, where = depth, k
        elif tok == ")":
            depth -= 1
    return where


def show(p: Program, name_inventions: bool = False) -> str:
    """The s-expression of ``p``.

    Inventions are written inline as ``#(...)`` (so the text round-trips without a
    library) unless ``name_inventions`` is set and the invention has a name.
    """
    out: list[str] = []
    _show(p, out, name_inventions)
    return "".join(out)


def _show(p: Program, out: list[str], named: bool) -> None:
    if isinstance(p, Primitive):
        out.append(p.name)
    elif isinstance(p, Index):
        out.append(f"${p.i}")
    elif isinstance(p, Invented):
        if named and p.name:
            out.append(p.name)
        else:
            out.append("#")
            body = p.body
            if isinstance(body, (Primitive, Index, Invented)):
                # "#x" would not re-parse as an invention; wrap it as an application-free form.
                out.append("(")
                _show(body, out, named)
                out.append(")")
            else:
                _show(body, out, named)
    elif isinstance(p, Abstraction):
        out.append("(lambda ")
        _show(p.body, out, named)
        out.append(")")
    else:
        f, args = spine(p)
        out.append("(")
        _show(f, out, named)
        for a in args:
            out.append(" ")
            _show(a, out, named)
        out.append(")")
