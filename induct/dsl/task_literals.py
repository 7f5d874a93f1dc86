"""Task-bound literals: constants that a grammar's literal family reads from each task.

A grammar file line ``literal STRING : list(char) from task output_strings`` declares one
production, ``STRING``, of type ``list(char)``.  Searching a task *binds* the library to it
(:meth:`induct.dsl.Library.bind`): the extractor ``output_strings`` reads the values the
task suggests, and each becomes a constant written ``STRING="abc"`` (the family, ``=``, the
value as JSON).  Choosing one of ``k`` constants costs the family's probability divided by
``k``, as choosing one of ``n`` variables in scope costs the variable weight over ``n``.

A constant's name is its value, so a program that holds one runs, type-checks, compresses
and round-trips through a file with no task at hand.  Extractors are the built-in ones
below, or a function ``EXTRACTOR(task) -> values`` of the grammar's semantics module.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from typing import Any, Callable, Iterable, Sequence

from induct.errors import InductError
from induct.types import Type, TypeConstructor

__all__ = ["EXTRACTORS", "MAX_CONSTANTS", "literal_name", "literal_value", "split_literal",
           "bind_family", "output_strings", "output_ints"]

MAX_CONSTANTS = 8
"""At most this many constants per family and task (the most strongly suggested first),
unless the extractor says otherwise: a function attribute ``max_constants`` (a grid
palette keeps all ten colours, the rarest among them the one a task hides its cells with)."""

# Characters that separate tokens in programs or grammar files; inside a constant they are
# written as JSON \\u escapes, so that a constant is always one token.
_ESCAPED = {c: f"\\u{ord(c):04x}" for c in " ()#:@'"}


def _to_json(value: Any, t: Type) -> Any:
    if isinstance(t, TypeConstructor) and t.name == "list" and t.args:
        element = t.args[0]
        if isinstance(element, TypeConstructor) and element.name == "char" and not element.args:
            return "".join(value)
        return [_to_json(v, element) for v in value]
    return value.item() if hasattr(value, "item") else value


def literal_name(family: str, value: Any, t: Type) -> str:
    """The constant of ``family`` whose value is ``value`` (of type ``t``): ``FAMILY=JSON``.

    Raises:
        InductError: the value cannot be written as JSON.
    """
    try:
        text = json.dumps(_to_json(value, t), ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as e:
        raise InductError(f"a constant of {family} must be JSON-serialisable: {e}") from None
    return family + "=" + "".join(_ESCAPED.get(c, c) for c in text)


def split_literal(name: str) -> tuple[str, str] | None:
    """``(family, payload)`` of a constant's name, or None for any other name."""
    family, sep, payload = name.partition("=")
    if not sep or not family or not payload:
        return None
    return family, payload


def literal_value(name: str, t: Type) -> Any:
    """The Python value of the constant ``name`` of a family of type ``t``.

    Raises:
        InductError: the payload is not JSON or does not have type ``t``.
    """
    from induct.tasks import convert_value

    parts = split_literal(name)
    if parts is None:
        raise InductError(f"{name!r} is not a constant (constants are written FAMILY=VALUE)")
    try:
        data = json.loads(parts[1])
    except (ValueError, RecursionError):
        raise InductError(f"constant {name!r}: its value is not JSON") from None
    return convert_value(data, t, f"constant {name!r}")


def bind_family(family: str, t: Type, extractor: Callable[[Any], Iterable[Any]], task: Any,
                limit: int = MAX_CONSTANTS) -> tuple[str, ...]:
    """The names of the constants that ``extractor`` reads from ``task`` (distinct, in the
    extractor's order, at most ``limit``, each checked against ``t``).

    Raises:
        InductError: the extractor failed or returned a value that is not of type ``t``.
    """
    from induct.tasks import convert_value

    try:
        values = list(extractor(task))
    except InductError:
        raise
    except Exception as e:
        raise InductError(f"the extractor of literal family {family} failed on task "
                          f"{getattr(task, 'name', task)!r}: {type(e).__name__}: {e}") from None
    names: list[str] = []
    for v in values:
        name = literal_name(family, v, t)
        if name in names:
            continue
        convert_value(json.loads(split_literal(name)[1]), t, f"constant {name!r}")  # type: ignore[index]
        names.append(name)
        if len(names) >= limit:
            break
    return tuple(names)


# --- built-in extractors --------------------------------------------------------------

def _strings(value: Any) -> list[str]:
    """The strings (lists of characters) inside a value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        if value and all(isinstance(c, str) and len(c) == 1 for c in value):
            return ["".join(value)]
        return [s for v in value for s in _strings(v)]
    if isinstance(value, tuple):
        return [s for v in value for s in _strings(v)]
    return []


def output_strings(task: Any) -> list[list[str]]:
    """Strings an output holds that its inputs do not: DreamCoder's text ``STRING``.

    With two or more examples: the substrings that occur in at least two outputs (and in
    at least half of them) and that some output holds without its inputs holding them,
    keeping only the longest of those with the same support, the best supported first.
    With one example: the runs of output characters that occur in no input.
    """
    examples = list(task.examples)
    outputs = ["\0".join(_strings(e.output)) for e in examples]
    inputs = [_strings(list(e.inputs)) for e in examples]

    def novel(s: str, k: int) -> bool:
        return s in outputs[k] and not any(s in i for i in inputs[k])

    n = len(outputs)
    found: dict[str, int] = {}
    if n >= 2:
        need = max(2, math.ceil(n / 2))
        seen: set[str] = set()
        for out in outputs:
            for i in range(len(out)):
                for j in range(i + 1, min(len(out), i + 64) + 1):
                    s = out[i:j]
                    if "\0" in s:
                        break
                    if s in seen:
                        continue
                    seen.add(s)
                    support = sum(1 for o in outputs if s in o)
                    if support < need:
                        break  # a longer string starting here has no more support
                    if any(novel(s, k) for k in range(n)):
                        found[s] = support
    elif n == 1:
        held = set("".join(inputs[0]))
        run = ""
        for c in outputs[0] + "\0":
            if c != "\0" and c not in held:
                run += c
            elif run:
                found[run] = 1
                run = ""
    kept = [s for s, c in found.items()
            if not any(len(t) > len(s) and s in t and found[t] >= c for t in found)]
    kept.sort(key=lambda s: (-found[s], -len(s), s))
    return [list(s) for s in kept]


def _ints(value: Any) -> list[int]:
    if isinstance(value, bool):
        return []
    if isinstance(value, int):
        return [value]
    if isinstance(value, (list, tuple)):
        return [i for v in value for i in _ints(v)]
    if hasattr(value, "tolist"):
        return _ints(value.tolist())
    return []


def output_ints(task: Any) -> list[int]:
    """Integers an output holds that its inputs do not, the most often first (ties: smaller first)."""
    counts: Counter[int] = Counter()
    for e in task.examples:
        held = set(_ints(list(e.inputs)))
        counts.update({i for i in _ints(e.output) if i not in held})
    return [i for i, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


EXTRACTORS: dict[str, Callable[[Any], Sequence[Any]]] = {
    "output_strings": output_strings,
    "output_ints": output_ints,
}
"""The built-in extractors by name (a semantics module may define its own)."""
