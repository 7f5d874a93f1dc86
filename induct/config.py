"""Config dataclasses: one validation helper, and their TOML and command-line forms.

Every config in induct is a frozen dataclass validated on construction by :func:`validate`,
which checks each field's value against its annotation and then the constraints the class
declares; what is wrong raises :class:`~induct.errors.ConfigError`, naming the field.

A config may hold other configs (``TrainConfig.search`` is a ``SearchConfig``).  Its settings
are then addressed by dotted paths (``search.timeout``): :func:`settings` lists the ones that
can be written down (scalars, optional scalars, lists of scalars, tables, nested configs),
:func:`update` applies a nested mapping of raw values (from TOML or the command line, coerced
to each field's type) and :func:`to_nested` gives the mapping back.  :func:`add_arguments`
turns the settings into ``--search.timeout``-style options, one argument group per config.

Example:
    >>> from dataclasses import dataclass
    >>> @dataclass(frozen=True)
    ... class Budget:
    ...     seconds: float = 1.0
    ...     def __post_init__(self):
    ...         validate(self, {"seconds": positive})
    >>> update(Budget(), {"seconds": "2.5"}).seconds
    2.5
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import numbers
import re
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, fields, is_dataclass
from typing import Any, Callable, Collection, Iterator

from induct.errors import ConfigError, InductError

__all__ = ["ConfigError", "Check", "validate", "positive", "non_negative", "finite", "at_least", "in_range",
           "one_of", "identifier", "Setting", "settings", "update", "to_nested", "field_help", "add_arguments",
           "toml_text", "split_dotted", "merge", "given"]


# --- validation ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Check:
    """A constraint on a field's value: ``test(value)`` holds, or the value is not ``expected``."""

    test: Callable[[Any], bool]
    expected: str

    def __and__(self, other: "Check") -> "Check":
        return Check(lambda v: self.test(v) and other.test(v), f"{self.expected} and {other.expected}")


positive = Check(lambda v: v > 0, "> 0")          # nan > 0 is False: nan is refused
non_negative = Check(lambda v: v >= 0, "≥ 0")
finite = Check(lambda v: math.isfinite(v), "finite")
identifier = Check(lambda v: v.isidentifier(), "an identifier")


def at_least(low: float) -> Check:
    return Check(lambda v: v >= low, f"≥ {low}")


def in_range(low: float, high: float, *, include_high: bool = True) -> Check:
    """``low ≤ v ≤ high`` (or ``< high``); written as ``[low, high]`` or ``[low, high)``."""
    if include_high:
        return Check(lambda v: low <= v <= high, f"in [{low}, {high}]")
    return Check(lambda v: low <= v < high, f"in [{low}, {high})")


def one_of(*options: str) -> Check:
    return Check(lambda v: v in options, "one of " + ", ".join(options))


def validate(config: Any, checks: Mapping[str, Check] | None = None, owner: str | None = None) -> None:
    """Check each field of the dataclass ``config`` against its type, then ``checks`` (by field name).

    A field that is ``None`` where its type allows it skips its check.  Raises
    :class:`ConfigError` keyed ``Owner.field`` (``owner`` defaults to the class name).
    """
    owner = owner or type(config).__name__
    hints = _hints(type(config))
    for f in fields(config):
        value = getattr(config, f.name)
        if not _has_type(value, hints[f.name]):
            raise ConfigError(f"must be {_describe(hints[f.name])}, got {value!r}", f"{owner}.{f.name}")
    for name, check in (checks or {}).items():
        value = getattr(config, name)
        if value is None:
            continue
        try:
            ok = check.test(value)
        except TypeError:
            ok = False
        if not ok:
            raise ConfigError(f"must be {check.expected}, got {value!r}", f"{owner}.{name}")


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    """The resolved field annotations of a config class (kept per class: they never change)."""
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def _optional(hint: Any) -> tuple[bool, Any]:
    """(whether None is allowed, the type without None)."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) < len(typing.get_args(hint)):
            return True, (args[0] if len(args) == 1 else typing.Union[tuple(args)])
    return False, hint


def _has_type(value: Any, hint: Any) -> bool:
    if hint is Any:
        return True
    allows_none, hint = _optional(hint)
    if value is None:
        return allows_none
    origin = typing.get_origin(hint)
    if hint is bool:
        return isinstance(value, (bool, _np_bool()))
    if hint is int:
        return isinstance(value, numbers.Integral) and not isinstance(value, bool)
    if hint is float:
        return isinstance(value, numbers.Real) and not isinstance(value, bool)
    if hint is str:
        return isinstance(value, str)
    if origin is tuple:
        args = typing.get_args(hint)
        return isinstance(value, tuple) and (len(args) != 2 or args[1] is not Ellipsis
                                             or all(_has_type(x, args[0]) for x in value))
    if origin is not None and isinstance(origin, type):
        hint = origin
    if isinstance(hint, type):
        try:
            return isinstance(value, hint)
        except TypeError:          # a Protocol that cannot be checked at run time
            return True
    return True


def _np_bool() -> type:
    try:
        import numpy as np

        return np.bool_
    except ImportError:  # pragma: no cover
        return bool


def _describe(hint: Any) -> str:
    allows_none, hint = _optional(hint)
    origin = typing.get_origin(hint)
    if hint is bool:
        text = "true or false"
    elif hint is int:
        text = "an integer"
    elif hint is float:
        text = "a number"
    elif hint is str:
        text = "a string"
    elif origin is tuple:
        text = "a list of " + {str: "strings", int: "integers", float: "numbers"}.get(typing.get_args(hint)[0], "values")
    elif origin in (Mapping, dict) or hint in (Mapping, dict):
        text = "a table"
    elif is_dataclass(hint):
        text = f"a table of {getattr(hint, '__name__', 'config')} settings"
    else:
        text = getattr(hint, "__name__", str(hint))
    return text + (" or none" if allows_none else "")


# --- settings: the fields that can be written down ------------------------------------------

@dataclass(frozen=True)
class Setting:
    """A writable field of a (nested) config: its dotted ``path``, type hint and owning class."""

    path: str
    hint: Any
    owner: type
    name: str

    @property
    def flag(self) -> str:
        return "--" + self.path.replace("_", "-")


def _scalar(hint: Any) -> bool:
    return hint in (bool, int, float, str)


def _writable(hint: Any) -> bool:
    _, hint = _optional(hint)
    if _scalar(hint):
        return True
    origin = typing.get_origin(hint)
    if origin is tuple:
        args = typing.get_args(hint)
        return len(args) == 2 and args[1] is Ellipsis and _scalar(args[0])
    return origin in (Mapping, dict) or hint in (Mapping, dict)


def _nested(hint: Any) -> type | None:
    _, hint = _optional(hint)
    return hint if isinstance(hint, type) and is_dataclass(hint) else None


def settings(cls: type, fixed: Collection[str] = (), prefix: str = "") -> Iterator[Setting]:
    """The writable settings of ``cls``, depth first; ``fixed`` paths (set by the program) are left out."""
    hints = _hints(cls)
    for f in fields(cls):
        path = prefix + f.name
        if path in fixed:
            continue
        sub = _nested(hints[f.name])
        if sub is not None:
            yield from settings(sub, fixed, path + ".")
        elif _writable(hints[f.name]):
            yield Setting(path, hints[f.name], cls, f.name)


def split_dotted(flat: Mapping[str, Any]) -> dict[str, Any]:
    """``{"search.timeout": 5}`` → ``{"search": {"timeout": 5}}``; nested mappings are merged."""
    out: dict[str, Any] = {}
    for key, value in flat.items():
        *parents, last = str(key).split(".")
        node = out
        for part in parents:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ConfigError("is given both as a value and as a table", key)
        if isinstance(value, Mapping):
            value = split_dotted(value)
            if isinstance(node.get(last), dict):
                value = merge(node[last], value)
        node[last] = value
    return out


def merge(base: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` with ``extra`` laid over it, table by table."""
    out = dict(base)
    for k, v in extra.items():
        out[k] = merge(out[k], v) if isinstance(v, Mapping) and isinstance(out.get(k), Mapping) else v
    return out


def update(config: Any, changes: Mapping[str, Any], fixed: Collection[str] = (), prefix: str = "",
           source: str = "", shown: Mapping[str, str] | None = None) -> Any:
    """``config`` with the settings in the nested mapping ``changes`` replaced.

    Raw values are coerced to each field's type (``"2.5"`` to 2.5, ``"none"`` to None where
    None is allowed, a comma-separated string to a tuple, a JSON object to a table); a
    table for a nested config updates that config.  Unknown and ``fixed`` keys are refused.
    Every error is a :class:`ConfigError` keyed by the setting's path (``shown[path]``, if
    given, is how the user spelled it) and carrying ``source``.
    """
    shown = shown or {}
    hints = _hints(type(config))
    names = {f.name for f in fields(config)}
    values: dict[str, Any] = {}
    for key, raw in changes.items():
        path = prefix + str(key)
        label = shown.get(path, path)
        if key not in names or path in fixed:
            known = [s.path[len(prefix):] for s in settings(type(config), fixed, prefix)]
            tops = sorted({k.split(".")[0] for k in known})
            where = f"[{prefix[:-1]}] " if prefix else ""
            raise ConfigError(f"is not a setting ({where}settings: {', '.join(tops)})"
                              if key not in names else "is set by the program, not by the config", label, source)
        sub = _nested(hints[key])
        if sub is not None and isinstance(raw, Mapping):
            values[key] = update(getattr(config, key), raw, fixed, path + ".", source, shown)
        elif sub is not None and not isinstance(raw, sub):
            raise ConfigError(f"must be {_describe(hints[key])}, got {raw!r}", label, source)
        elif sub is None and not _writable(hints[key]):
            raise ConfigError("cannot be set from a config", label, source)
        else:
            values[key] = raw if sub is not None else _coerce(raw, hints[key], label, source)
    try:
        return dataclasses.replace(config, **values)
    except ConfigError as e:
        owner = type(config).__name__ + "."
        if e.key.startswith(owner):
            path = prefix + e.key[len(owner):]
            raise ConfigError(e.problem, shown.get(path, path), source) from None
        raise ConfigError(e.problem, e.key, source) from None
    except InductError as e:
        raise ConfigError(str(e), f"[{prefix[:-1]}]" if prefix else "", source) from None


_NONE = ("none", "null")
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def _coerce(value: Any, hint: Any, label: str, source: str) -> Any:
    allows_none, inner = _optional(hint)
    if value is None and allows_none:
        return None
    if allows_none and inner is not str and isinstance(value, str) and value.strip().lower() in _NONE:
        return None
    origin = typing.get_origin(inner)
    try:
        if inner is bool:
            if isinstance(value, str) and value.strip().lower() in _TRUE + _FALSE:
                return value.strip().lower() in _TRUE
            if isinstance(value, bool) or (isinstance(value, int) and value in (0, 1)):
                return bool(value)
            raise ValueError(value)
        if inner is int:
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError(value)   # 3.7 is not silently read as 3
            if isinstance(value, str):
                return int(value.strip().replace("_", ""))
            if isinstance(value, (numbers.Integral, float)):
                return int(value)
            raise ValueError(value)
        if inner is float:
            if isinstance(value, bool):
                raise ValueError(value)
            if isinstance(value, (str, numbers.Real)):
                return float(value)
            raise ValueError(value)
        if inner is str:
            if isinstance(value, str):
                return value
            raise ValueError(value)
        if origin is tuple:
            element = typing.get_args(inner)[0]
            items = [x.strip() for x in value.split(",") if x.strip()] if isinstance(value, str) else list(value)
            return tuple(_coerce(x, element, label, source) for x in items)
        if origin in (Mapping, dict) or inner in (Mapping, dict):
            if isinstance(value, str):
                value = json.loads(value)
            if not isinstance(value, Mapping):
                raise ValueError(value)
            return dict(value)
    except (TypeError, ValueError):
        raise ConfigError(f"must be {_describe(hint)}, got {value!r}", label, source) from None
    return value


def to_nested(config: Any, fixed: Collection[str] = (), prefix: str = "") -> dict[str, Any]:
    """The writable settings of ``config`` as a nested dict of plain values (tables for nested configs)."""
    out: dict[str, Any] = {}
    hints = _hints(type(config))
    for f in fields(config):
        path = prefix + f.name
        if path in fixed:
            continue
        value = getattr(config, f.name)
        if _nested(hints[f.name]) is not None and value is not None:
            out[f.name] = to_nested(value, fixed, path + ".")
        elif _writable(hints[f.name]):
            out[f.name] = dict(value) if isinstance(value, Mapping) else value
    return out


# --- help and the command line --------------------------------------------------------------

def field_help(cls: type) -> dict[str, str]:
    """The one-line description of each field from the class docstring's ``Attributes:`` section."""
    doc = cls.__doc__ or ""
    lines = doc.splitlines()
    out: dict[str, str] = {}
    try:
        start = next(i for i, line in enumerate(lines) if line.strip() == "Attributes:")
    except StopIteration:
        return out
    indent: int | None = None
    current: list[str] = []
    for line in lines[start + 1:]:
        if not line.strip():
            continue
        depth = len(line) - len(line.lstrip())
        if indent is None:
            indent = depth
        if depth < indent:
            break
        match = re.match(r"\s*([\w, ]+):\s*(.*)", line) if depth == indent else None
        if match:
            current = [n.strip() for n in match.group(1).split(",")]
            for name in current:
                out[name] = match.group(2).strip()
        else:
            for name in current:
                out[name] += " " + line.strip()
    return {k: _first_sentence(v) for k, v in out.items()}


def _first_sentence(text: str) -> str:
    text = re.sub(r":\w+:`~?([^`]+)`", r"\1", text).replace("``", "")
    match = re.match(r"((?:e\.g\.|i\.e\.|[^.])+?\.)(\s|$)", text)
    return (match.group(1) if match else text).rstrip(".")


def _shown(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return ",".join(map(str, value))
    if isinstance(value, Mapping):
        return json.dumps(dict(value)) if value else "{}"
    return str(value) if value != "" else '""'


def add_arguments(parser: argparse.ArgumentParser, config: Any, helps: Mapping[str, str],
                  fixed: Collection[str] = (), aliases: Mapping[str, Collection[str]] | None = None,
                  titles: Mapping[str, str] | None = None) -> list[Setting]:
    """One ``--path`` option per setting of ``config`` (whose values are the shown defaults).

    Top-level settings go in one group; each nested config's settings in a group of their
    own (titled by ``titles[prefix]``).  ``aliases[path]`` are further option names for a
    setting (old flat flags).  Each option's ``dest`` is the setting's path; its value stays
    a string (None when not given), to be applied with :func:`update`.
    """
    aliases = aliases or {}
    titles = titles or {}
    groups: dict[str, Any] = {}
    found = list(settings(type(config), fixed))
    for s in found:
        group_key = s.path.rsplit(".", 1)[0] if "." in s.path else ""
        if group_key not in groups:
            title = titles.get(group_key, f"[{group_key}] settings" if group_key else "settings")
            groups[group_key] = parser.add_argument_group(title)
        default = config
        for part in s.path.split("."):
            default = getattr(default, part)
        names = [s.flag] + ["--" + a.replace("_", "-") for a in aliases.get(s.path, ())]
        metavar = s.name.upper()
        groups[group_key].add_argument(*names, dest=s.path, default=None, metavar=metavar, action=_Spelled,
                                       help=f"{helps.get(s.path, '')} (default: {_shown(default)})".lstrip())
    return found


class _Spelled(argparse.Action):
    """Stores the value, and in ``namespace.spelled[dest]`` the option name that gave it."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        setattr(namespace, self.dest, values)
        if not hasattr(namespace, "spelled"):
            namespace.spelled = {}
        namespace.spelled[self.dest] = option_string or self.dest


def given(args: argparse.Namespace, found: list[Setting], aliases: Collection[str] = ()) -> dict[str, Any]:
    """The settings given as options, keyed by path, or by the alias among ``aliases`` they were given as."""
    spelled = getattr(args, "spelled", {})
    out = {}
    for s in found:
        value = getattr(args, s.path, None)
        if value is None:
            continue
        name = spelled.get(s.path, s.flag)[2:].replace("-", "_")
        out[name if name in aliases else s.path] = value
    return out


# --- TOML ------------------------------------------------------------------------------------

def toml_text(tables: Mapping[str, Mapping[str, Any]], defaults: Mapping[str, Mapping[str, Any]] | None = None,
              header: str = "") -> str:
    """TOML text of ``{table: {key: value}}``; a value that is itself a mapping becomes a sub-table.

    None has no TOML form: a None value is left out where ``defaults`` (same shape) is None there
    too, and written as ``"none"`` otherwise (read back as None by :func:`update`).
    """
    lines = [header] if header else []

    def emit(name: str, table: Mapping[str, Any], default: Mapping[str, Any]) -> None:
        if lines:
            lines.append("")
        lines.append(f"[{name}]")
        subs = []
        for k, v in table.items():
            if isinstance(v, Mapping) and (k in default and isinstance(default.get(k), Mapping)):
                subs.append((k, v))
                continue
            if v is None:
                if default.get(k) is None:
                    continue
                v = "none"
            lines.append(f"{k} = {_toml_value(v)}")
        for k, v in subs:
            emit(f"{name}.{k}", v, default.get(k, {}))

    for name, table in tables.items():
        emit(name, table, (defaults or {}).get(name, {}))
    return "\n".join(lines) + "\n"


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and not math.isfinite(v):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, (tuple, list)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, Mapping):
        return "{" + ", ".join(f"{_toml_key(k)} = {_toml_value(x)}" for k, x in v.items()) + "}"
    s = str(v).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{s}"'


def _toml_key(k: Any) -> str:
    k = str(k)
    return k if re.fullmatch(r"[A-Za-z0-9_-]+", k) else _toml_value(k)
