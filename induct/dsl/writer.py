"""Write a Library back as a grammar file (inventions with their bodies)."""

from __future__ import annotations

import math

from induct.programs import show
from induct.types import show_type

__all__ = ["library_to_text"]


def library_to_text(library) -> str:
    """A self-contained grammar file for ``library`` (imports flattened, literals as primitives).

    Literal-family members are written as individual primitives only when the semantics
    module cannot give them a value, so families are written back as families.
    """
    lines = [f"# induct library ({len(library.primitives)} primitives, {len(library.inventions)} inventions)"]
    if library.semantics_module:
        lines.append(f"semantics {library.semantics_module}")
    heads = []
    for name, arity in library.type_constructors.items():
        if name == "->":
            continue
        heads.append(name + (f"({', '.join('abcdefgh'[:arity])})" if arity else ""))
    if heads:
        lines.append("type " + ", ".join(heads))
    family_of = {n: t for t, names in library.literal_families.items() for n in names}
    lines.append("")
    for p in library.productions:
        if p.is_invention:
            continue
        if p.name in family_of:
            names = library.literal_families[family_of[p.name]]
            if p.name == names[0]:  # a family is written once, where its first member stands
                lines.append(_literal_line(family_of[p.name], names, p.log_weight))
            continue
        if p.name in library.task_literals:
            lines.append(f"literal {p.name} : {_show_sig(p.type)} from task {library.task_literals[p.name]}"
                         f"{_weight(p.log_weight)}")
            continue
        lines.append(f"{p.name} : {_show_sig(p.type)}{_weight(p.log_weight)}")
    inventions = library.inventions
    if inventions:
        lines.append("")
        lines.append("# learned inventions")
    names = {q.program: q.program for q in inventions}
    for p in inventions:
        body = show(_named(p.program.body, names), name_inventions=True)
        lines.append(f"invention {p.name} = {body} : {_show_sig(p.type)}{_weight(p.log_weight)}")
    return "\n".join(lines) + "\n"


def _literal_line(type_name: str, names, log_weight: float) -> str:
    ints = [int(n) for n in names] if type_name == "int" and all(_is_int(n) for n in names) else None
    if ints and ints == list(range(ints[0], ints[-1] + 1)):
        return f"literal {type_name} : {ints[0]}..{ints[-1]}{_weight(log_weight)}"
    return f"literal {type_name} : {' '.join(names)}{_weight(log_weight)}"


def _named(program, names: dict):
    """``program`` with each use of a library invention carrying the invention's name, so
    that it is written by name (an invention found by compression, or read back from
    ``#(...)`` text, has no name of its own)."""
    from induct.programs import Abstraction, Application, Invented

    if isinstance(program, Invented):
        return names.get(program, program)
    if isinstance(program, Abstraction):
        return Abstraction(_named(program.body, names))
    if isinstance(program, Application):
        return Application(_named(program.f, names), _named(program.x, names))
    return program


def _is_int(s: str) -> bool:
    try:
        int(s)
        return True
    except ValueError:
        return False


def _weight(lw: float) -> str:
    return "" if abs(lw) < 1e-12 else f" @ {math.exp(lw):.6g}"


def _show_sig(t) -> str:
    # Grammar files use a, b, c for type variables.
    s = show_type(t)
    import re

    return re.sub(r"\bt(\d+)\b", lambda m: "abcdefghijklmnopqrstuvwxyz"[int(m.group(1))] if int(m.group(1)) < 26 else m.group(0), s)
