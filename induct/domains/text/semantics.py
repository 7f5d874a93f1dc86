"""Semantics of DreamCoder's text-editing primitives, for text.induct beside this module.

Strings are lists of characters (``list(char)``), as in DreamCoder; the task loader turns
the JSON strings of text tasks into such lists.  The list primitives are those of
:mod:`induct.domains.lists.semantics`.
"""

from __future__ import annotations

from induct.domains.lists.semantics import PRIMITIVES as _LISTS

__all__ = ["PRIMITIVES"]

_SHARED = ["map", "unfold", "range", "index", "fold", "length", "if", "+", "-", "empty", "cons",
           "car", "cdr", "empty?", "0", "1"]


PRIMITIVES = {name: _LISTS[name] for name in _SHARED}
PRIMITIVES.update({
    "char-eq?": lambda a, b: a == b,
    "SPACE": " ",
    "LPAREN": "(",
    "RPAREN": ")",
})
