"""Tasks: a request type and input/output examples, loaded from the JSON task shape.

The shape is ``{"meta": {...}, "tasks": [{"name", "type", "split", "examples":
[{"inputs": [...], "output": ...}]}]}`` (a bare list of tasks is accepted too).  Values
are checked against the task's type; strings typed ``list(char)`` become lists of
characters, as DreamCoder represents them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from induct.errors import TaskError
from induct.files import read_json_file
from induct.types import Type, TypeConstructor, TypeParseError, TypeVariable, arguments_of, parse_type, return_of, show_type

__all__ = ["Example", "Task", "load_tasks", "parse_tasks", "convert_value", "find_tasks", "tasks_to_json",
           "check_task_types"]


@dataclass(frozen=True, slots=True)
class Example:
    inputs: tuple[Any, ...]
    output: Any


@dataclass(frozen=True, slots=True, eq=False)
class Task:
    """A named task: a request type, its split and its examples."""

    name: str
    request_type: Type
    examples: tuple[Example, ...]
    split: str = "train"
    metadata: dict = field(default_factory=dict)

    def __hash__(self) -> int:
        return hash((self.name, self.split))

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Task) and self.name == other.name and self.split == other.split
                and self.request_type == other.request_type and self.examples == other.examples)

    @property
    def io_pairs(self) -> list[tuple[tuple[Any, ...], Any]]:
        return [(e.inputs, e.output) for e in self.examples]


class _Bad(Exception):
    pass


def convert_value(value: Any, t: Type, where: str = "value") -> Any:
    """Check ``value`` against ``t`` and convert strings typed ``list(char)`` to lists.

    Raises:
        TaskError: naming ``where`` and what was expected.
    """
    try:
        return _convert(value, t)
    except _Bad as e:
        raise TaskError(f"{where}: {e}") from None


def _convert(value: Any, t: Type) -> Any:
    if isinstance(t, TypeVariable):
        return value
    name = t.name
    if name == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise _Bad(f"expected an int, got {value!r}")
        return value
    if name == "bool":
        if not isinstance(value, bool):
            raise _Bad(f"expected a bool, got {value!r}")
        return value
    if name == "char":
        if not (isinstance(value, str) and len(value) == 1):
            raise _Bad(f"expected a character, got {value!r}")
        return value
    if name == "real" or name == "float":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _Bad(f"expected a number, got {value!r}")
        return float(value)
    if name == "list":
        if len(t.args) != 1:
            raise _Bad(f"type {show_type(t)!r}: 'list' takes 1 argument, got {len(t.args)}")
        element = t.args[0]
        if isinstance(value, str) and isinstance(element, TypeConstructor) and element.name == "char":
            return list(value)
        if not isinstance(value, list):
            raise _Bad(f"expected a list, got {value!r}")
        return [_convert(v, element) for v in value]
    return value


def parse_tasks(data: Any, source: str = "<tasks>") -> list[Task]:
    """Validate and convert parsed JSON into tasks; every problem names its task."""
    if isinstance(data, dict):
        if "tasks" not in data:
            raise TaskError(f"{source}: expected an object with a 'tasks' list")
        items = data["tasks"]
    else:
        items = data
    if not isinstance(items, list):
        raise TaskError(f"{source}: 'tasks' must be a list")
    tasks, seen = [], set()
    for k, item in enumerate(items):
        label = f"{source}: task #{k}"
        if not isinstance(item, dict):
            raise TaskError(f"{label}: a task must be an object")
        name = item.get("name")
        if not isinstance(name, str) or not name:
            raise TaskError(f"{label}: missing 'name'")
        label = f"{source}: task {name!r}"
        split = item.get("split", "train")
        if not isinstance(split, str) or not split:
            raise TaskError(f"{label}: 'split' must be a non-empty string such as \"train\" or \"test\"")
        if (name, split) in seen:
            raise TaskError(f"{label}: duplicate task name in split {split!r}")
        seen.add((name, split))
        tstr = item.get("type")
        if not isinstance(tstr, str):
            raise TaskError(f"{label}: missing 'type' (e.g. \"list(int) -> list(int)\")")
        if "generative" in tstr:
            raise TaskError(f"{label}: a generative task (its examples are outputs to be explained, with no "
                            "inputs), which induct's input/output tasks cannot express; convert each task to "
                            "examples of inputs and an output")
        try:
            request = parse_type(tstr)
        except TypeParseError as e:
            raise TaskError(f"{label}: bad type: {e}") from None
        examples = item.get("examples")
        if not isinstance(examples, list) or not examples:
            raise TaskError(f"{label}: 'examples' must be a non-empty list")
        arg_types, ret = arguments_of(request), return_of(request)
        converted = []
        for j, ex in enumerate(examples):
            where = f"{label}, example {j}"
            if not isinstance(ex, dict) or "inputs" not in ex or "output" not in ex:
                raise TaskError(f"{where}: an example is {{\"inputs\": [...], \"output\": ...}}")
            inputs = ex["inputs"]
            if not isinstance(inputs, list) or len(inputs) != len(arg_types):
                raise TaskError(f"{where}: type {tstr} takes {len(arg_types)} input(s), example has "
                                f"{len(inputs) if isinstance(inputs, list) else 'no list of'} inputs")
            ins = tuple(convert_value(v, a, f"{where}, input {i}") for i, (v, a) in enumerate(zip(inputs, arg_types)))
            out = convert_value(ex["output"], ret, f"{where}, output")
            converted.append(Example(ins, out))
        meta = {k: v for k, v in item.items() if k not in ("name", "type", "split", "examples")}
        tasks.append(Task(name, request, tuple(converted), split, meta))
    return tasks


def check_task_types(tasks: Iterable[Task], constructors: Mapping[str, int]) -> None:
    """Refuse a task whose type names a constructor that ``constructors`` (a grammar's
    declared types and their arities) lacks, or gives one the wrong number of arguments.

    Raises:
        TaskError: naming the task and the type.
    """
    for task in tasks:
        stack = [task.request_type]
        while stack:  # iterative: task types may be nested deeply
            node = stack.pop()
            if not isinstance(node, TypeConstructor):
                continue
            if node.name not in constructors:
                raise TaskError(f"task {task.name!r}: type {node.name!r} is not declared by the grammar "
                                f"(its types: {', '.join(sorted(k for k in constructors if k != '->'))})")
            want = constructors[node.name]
            if len(node.args) != want:
                raise TaskError(f"task {task.name!r}: type {show_type(node)!r} gives {node.name!r} "
                                f"{len(node.args)} argument(s); the grammar declares it with {want}")
            stack.extend(node.args)


def find_tasks(name_or_path: str | Path) -> Path:
    """A task file given as a path, or the name of a registered domain whose tasks are one
    (``lists``, ``text``)."""
    p = Path(name_or_path)
    if p.exists():
        return p
    from induct.domain import domain_names, get_domain

    names = domain_names()
    if str(name_or_path) in names:
        path = get_domain(str(name_or_path)).tasks_path
        if path is not None:
            return Path(path)
        raise TaskError(f"domain {str(name_or_path)!r} builds its tasks in Python; it has no task file")
    raise TaskError(f"task file {str(name_or_path)!r} not found: give a path or the name of a domain: "
                    f"{', '.join(names)}")


def load_tasks(path: str | Path, split: str | Sequence[str] | None = None) -> list[Task]:
    """Load tasks from a JSON file (or a domain's tasks, by its name), optionally keeping some splits."""
    if not Path(path).exists():
        from induct.domain import domain_names, get_domain

        if str(path) in domain_names():
            return _keep_splits(get_domain(str(path)).all_tasks(), split, str(path))
    path = find_tasks(path)
    data = read_json_file(path, "task file", TaskError)
    return _keep_splits(parse_tasks(data, str(path)), split, str(path))


def _keep_splits(tasks: list[Task], split: str | Sequence[str] | None, source: str) -> list[Task]:
    if split is None:
        return tasks
    wanted = {split} if isinstance(split, str) else set(split)
    known = {t.split for t in tasks}
    unknown = wanted - known
    if unknown:
        raise TaskError(f"{source}: no split {', '.join(sorted(unknown))}; splits are {', '.join(sorted(known))}")
    return [t for t in tasks if t.split in wanted]


def _unconvert(value: Any, t: Type) -> Any:
    if isinstance(t, TypeConstructor) and t.name == "list":
        e = t.args[0]
        if isinstance(e, TypeConstructor) and e.name == "char" and isinstance(value, list):
            return "".join(value)
        if isinstance(value, list):
            return [_unconvert(v, e) for v in value]
    return value


def tasks_to_json(tasks: Iterable[Task]) -> dict:
    """The JSON shape of ``tasks`` (inverse of :func:`parse_tasks`)."""
    out = []
    for t in tasks:
        args, ret = arguments_of(t.request_type), return_of(t.request_type)
        out.append({"name": t.name, "type": show_type(t.request_type), "split": t.split,
                    "examples": [{"inputs": [_unconvert(v, a) for v, a in zip(e.inputs, args)],
                                  "output": _unconvert(e.output, ret)} for e in t.examples]})
    return {"meta": {}, "tasks": out}
