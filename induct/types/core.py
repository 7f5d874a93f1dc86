"""Hindley–Milner types: constructors, variables, substitutions, unification.

Types are immutable values.  A :class:`Substitution` is a value too: binding a
variable returns a new substitution and leaves the old one untouched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Mapping, Union

from induct.errors import InductError, TypeUnificationError

__all__ = [
    "Type", "TypeConstructor", "TypeVariable", "Substitution",
    "arrow", "tlist", "tint", "tbool", "tchar", "is_arrow", "arguments_of", "return_of",
    "free_type_variables", "unify", "instantiate", "generalize", "canonical", "rename_variables",
    "variables_in_order",
    "parse_type", "show_type", "TypeParseError",
]


@dataclass(frozen=True, slots=True)
class TypeConstructor:
    """A type constructor applied to arguments: ``int``, ``list(t0)``, ``->`` (arrows)."""

    name: str
    args: tuple["Type", ...] = ()

    def __str__(self) -> str:
        return show_type(self)


@dataclass(frozen=True, slots=True)
class TypeVariable:
    """A type variable, identified by an integer (shown as ``t0``, ``t1`` ...)."""

    index: int

    def __str__(self) -> str:
        return f"t{self.index}"


Type = Union[TypeConstructor, TypeVariable]

ARROW = "->"
tint = TypeConstructor("int")
tbool = TypeConstructor("bool")
tchar = TypeConstructor("char")


def tlist(element: Type) -> TypeConstructor:
    """``list(element)``."""
    return TypeConstructor("list", (element,))


def arrow(*types: Type) -> Type:
    """Curried arrow ``a -> b -> c`` from ``arrow(a, b, c)``."""
    if len(types) == 1:
        return types[0]
    return TypeConstructor(ARROW, (types[0], arrow(*types[1:])))


def is_arrow(t: Type) -> bool:
    return isinstance(t, TypeConstructor) and t.name == ARROW


def arguments_of(t: Type) -> tuple[Type, ...]:
    """The argument types of a curried function type (empty for a non-arrow)."""
    out = []
    while is_arrow(t):
        out.append(t.args[0])  # type: ignore[union-attr]
        t = t.args[1]  # type: ignore[union-attr]
    return tuple(out)


def return_of(t: Type) -> Type:
    """The final return type of a curried function type."""
    while is_arrow(t):
        t = t.args[1]  # type: ignore[union-attr]
    return t


def free_type_variables(t: Type) -> set[int]:
    if isinstance(t, TypeVariable):
        return {t.index}
    out: set[int] = set()
    for a in t.args:
        out |= free_type_variables(a)
    return out


class Substitution:
    """An immutable map from type-variable indices to types, plus the next fresh index.

    ``bind`` and ``fresh`` return new substitutions; nothing is mutated in place.
    """

    __slots__ = ("_map", "next_variable")

    def __init__(self, mapping: dict[int, Type] | None = None, next_variable: int = 0):
        self._map: dict[int, Type] = dict(mapping) if mapping else {}
        self.next_variable = next_variable

    def __repr__(self) -> str:
        body = ", ".join(f"t{k}: {show_type(v)}" for k, v in sorted(self._map.items()))
        return f"Substitution({{{body}}}, next={self.next_variable})"

    def __len__(self) -> int:
        return len(self._map)

    def lookup(self, index: int) -> Type | None:
        return self._map.get(index)

    def bind(self, index: int, t: Type) -> "Substitution":
        m = dict(self._map)
        m[index] = t
        return Substitution(m, self.next_variable)

    def fresh(self) -> tuple[TypeVariable, "Substitution"]:
        """A fresh type variable and the substitution that has reserved it."""
        return TypeVariable(self.next_variable), Substitution(self._map, self.next_variable + 1)

    def reserve(self, count: int) -> "Substitution":
        return Substitution(self._map, max(self.next_variable, count))

    def apply(self, t: Type) -> Type:
        """Resolve ``t`` fully under this substitution."""
        if isinstance(t, TypeVariable):
            bound = self._map.get(t.index)
            if bound is None:
                return t
            return self.apply(bound)
        if not t.args:
            return t
        return TypeConstructor(t.name, tuple(self.apply(a) for a in t.args))


def _occurs(index: int, t: Type, s: Substitution) -> bool:
    t = s.apply(t)
    return index in free_type_variables(t)


def unify(a: Type, b: Type, s: Substitution | None = None) -> Substitution:
    """Most general unifier of ``a`` and ``b`` extending ``s``.

    Raises:
        TypeUnificationError: on a constructor clash or when the occurs check fails.
    """
    s = s if s is not None else Substitution()
    a = s.apply(a) if isinstance(a, TypeVariable) else a
    b = s.apply(b) if isinstance(b, TypeVariable) else b
    if isinstance(a, TypeVariable):
        if isinstance(b, TypeVariable) and a.index == b.index:
            return s
        if _occurs(a.index, b, s):
            raise TypeUnificationError(f"occurs check: t{a.index} occurs in {show_type(s.apply(b))}")
        return s.bind(a.index, b)
    if isinstance(b, TypeVariable):
        return unify(b, a, s)
    if a.name != b.name or len(a.args) != len(b.args):
        raise TypeUnificationError(f"cannot unify {show_type(s.apply(a))} with {show_type(s.apply(b))}")
    for x, y in zip(a.args, b.args):
        s = unify(x, y, s)
    return s


def instantiate(t: Type, s: Substitution) -> tuple[Type, Substitution]:
    """Replace every variable of ``t`` by a fresh one; returns the new type and substitution."""
    variables = sorted(free_type_variables(t))
    if not variables:
        return t, s
    mapping = {v: TypeVariable(s.next_variable + i) for i, v in enumerate(variables)}
    s = Substitution(s._map, s.next_variable + len(variables))
    return rename_variables(t, mapping), s


def rename_variables(t: Type, mapping: Mapping[int, Type]) -> Type:
    """``t`` with each variable whose index ``mapping`` holds replaced by its image."""
    if isinstance(t, TypeVariable):
        return mapping.get(t.index, t)
    if not t.args:
        return t
    return TypeConstructor(t.name, tuple(rename_variables(a, mapping) for a in t.args))


def variables_in_order(t: Type, order: list[int]) -> None:
    """Append to ``order`` the indices of ``t``'s variables not yet in it, left to right."""
    if isinstance(t, TypeVariable):
        if t.index not in order:
            order.append(t.index)
        return
    for a in t.args:
        variables_in_order(a, order)


def canonical(t: Type) -> Type:
    """Rename variables to t0, t1, ... in order of first appearance (left to right)."""
    order: list[int] = []
    variables_in_order(t, order)
    return rename_variables(t, {v: TypeVariable(i) for i, v in enumerate(order)})


def generalize(t: Type, s: Substitution, environment: Iterable[Type] = ()) -> Type:
    """Apply ``s`` and canonicalise the variables not free in ``environment``.

    The result is the type scheme's body; its free variables are the quantified ones.
    """
    t = s.apply(t)
    bound: set[int] = set()
    for e in environment:
        bound |= free_type_variables(s.apply(e))
    if bound:
        return t
    return canonical(t)


def show_type(t: Type) -> str:
    """Text form: ``list(int) -> (int -> bool) -> list(t0)``."""
    if isinstance(t, TypeVariable):
        return f"t{t.index}"
    if t.name == ARROW:
        left, right = t.args
        ls = show_type(left)
        if is_arrow(left):
            ls = f"({ls})"
        return f"{ls} -> {show_type(right)}"
    if not t.args:
        return t.name
    return f"{t.name}({', '.join(show_type(a) for a in t.args)})"


class TypeParseError(InductError):
    """A type string that does not parse."""

    def __init__(self, message: str, text: str, position: int):
        from induct.errors import caret_snippet

        self.text, self.position = text, position
        super().__init__(f"{message} at column {position + 1} of type {text!r}\n"
                         f"{caret_snippet(text, 1, position + 1)}")


_TOKEN = re.compile(r"\s*(->|[(),]|[A-Za-z_][A-Za-z0-9_]*)")
_VARIABLE = re.compile(r"^(t\d+|[a-z])$")


def parse_type(text: str, variables: dict[str, int] | None = None) -> Type:
    """Parse ``list(int) -> (int -> bool) -> list(t0)``.

    Names ``t0``, ``t1`` ... and single lower-case letters are type variables; any other
    name is a constructor.  ``variables`` maps variable names to indices and is filled in
    (pass the same dict to share variables between several types).
    """
    variables = {} if variables is None else variables
    tokens: list[tuple[str, int]] = []
    pos = 0
    stripped = text.rstrip()
    while pos < len(stripped):
        m = _TOKEN.match(stripped, pos)
        if not m:
            raise TypeParseError("unexpected character", text, pos + (len(stripped[pos:]) - len(stripped[pos:].lstrip())))
        tokens.append((m.group(1), m.start(1)))
        pos = m.end()
    if not tokens:
        raise TypeParseError("empty type", text, 0)
    # Letters take indices that no ``tN`` of this text claims, so ``a -> t0`` has two variables.
    numbered = {int(tok[1:]) for tok, _ in tokens if tok[0] == "t" and tok[1:].isdigit()}
    i = 0

    def peek() -> str | None:
        return tokens[i][0] if i < len(tokens) else None

    def expect(tok: str) -> None:
        nonlocal i
        if peek() != tok:
            where = tokens[i][1] if i < len(tokens) else len(text)
            raise TypeParseError(f"expected {tok!r}", text, where)
        i += 1

    def parse_arrow() -> Type:
        left = parse_atom()
        if peek() == "->":
            expect("->")
            return TypeConstructor(ARROW, (left, parse_arrow()))
        return left

    def parse_atom() -> Type:
        nonlocal i
        tok = peek()
        if tok is None:
            raise TypeParseError("unexpected end of type", text, len(text))
        if tok == "(":
            i += 1
            inner = parse_arrow()
            expect(")")
            return inner
        if tok in ("->", ")", ","):
            raise TypeParseError(f"unexpected {tok!r}", text, tokens[i][1])
        i += 1
        if _VARIABLE.match(tok) and peek() != "(":
            if tok not in variables:
                variables[tok] = _variable_index(tok, variables, numbered)
            return TypeVariable(variables[tok])
        args: list[Type] = []
        if peek() == "(":
            i += 1
            args.append(parse_arrow())
            while peek() == ",":
                i += 1
                args.append(parse_arrow())
            expect(")")
        return TypeConstructor(tok, tuple(args))

    result = parse_arrow()
    if i != len(tokens):
        raise TypeParseError(f"unexpected {tokens[i][0]!r}", text, tokens[i][1])
    return result


def _variable_index(name: str, variables: dict[str, int], numbered: set[int]) -> int:
    """The index of a new variable name: ``tN`` is N unless another name already holds N."""
    used = set(variables.values())
    if name[0] == "t" and name[1:].isdigit() and int(name[1:]) not in used:
        return int(name[1:])
    n = 0
    while n in used or n in numbered:
        n += 1
    return n
