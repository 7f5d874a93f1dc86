"""Commands on grammars, programs and tasks: check, typecheck, eval, tasks."""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from induct.cli import UsageError, add_command
from induct.dsl import load_library
from induct.errors import InductError
from induct.programs import FAILED, Limits
from induct.tasks import convert_value, load_tasks, _unconvert
from induct.types import arguments_of, show_type


@add_command("check", "validate a grammar file and print its types and primitives")
def _check(p: argparse.ArgumentParser):
    p.add_argument("grammar", help="a .induct file or a domain's name (lists, text ...)")

    def run(args: argparse.Namespace) -> int:
        lib = load_library(args.grammar)
        print(f"grammar {lib.source}")
        print(f"semantics {lib.semantics_module}")
        print("types: " + ", ".join(n + (f"/{a}" if a else "") for n, a in lib.type_constructors.items() if n != "->"))
        width = max((len(p.name) for p in lib.productions), default=0)
        for prod in lib.productions:
            kind = "invention" if prod.is_invention else "primitive"
            print(f"  {prod.name:<{width}} : {show_type(prod.type)}  [{kind}]")
        print(f"{len(lib.primitives)} primitives, {len(lib.inventions)} inventions")
        return 0

    return run


@add_command("typecheck", "infer the type of every program in a JSON list of program strings")
def _typecheck(p: argparse.ArgumentParser):
    p.add_argument("grammar", help="a .induct file or a domain's name")
    p.add_argument("corpus", help="JSON file: a list of program strings (or {\"programs\": [...]})")

    def run(args: argparse.Namespace) -> int:
        lib = load_library(args.grammar)
        programs = _read_corpus(args.corpus)
        ok = 0
        for text in programs:
            try:
                t = lib.infer(lib.parse(text))
                print(f"{show_type(t)}\t{text}")
                ok += 1
            except InductError as e:
                print(f"ERROR {str(e).splitlines()[0]}\t{text}")
        print(f"{ok}/{len(programs)} well-typed")
        if ok != len(programs):
            raise UsageError(f"{len(programs) - ok} of {len(programs)} programs in {args.corpus} are not well-typed")
        return 0

    return run


def _read_corpus(path: str) -> list[str]:
    try:
        data = json.loads(Path(path).read_text())
    except OSError as e:
        raise UsageError(f"cannot read {path}: {e.strerror}") from None
    except json.JSONDecodeError as e:
        raise UsageError(f"{path}:{e.lineno}:{e.colno}: not valid JSON: {e.msg}") from None
    if isinstance(data, dict):
        data = data.get("programs", data.get("frontiers"))
    if not isinstance(data, list) or not all(isinstance(x, str) for x in data):
        raise UsageError(f"{path}: expected a JSON list of program strings")
    return data


@add_command("eval", "run a program on inputs and print its output as JSON")
def _eval(p: argparse.ArgumentParser):
    p.add_argument("grammar", help="a .induct file or a domain's name")
    p.add_argument("program", help="the program, e.g. '(lambda (map (lambda (+ $0 1)) $0))'")
    p.add_argument("--inputs", default="[]", help="JSON list of the inputs, e.g. '[[1,2,3]]'")
    p.add_argument("--timeout", type=float, default=1.0, help="seconds allowed (default 1)")

    def run(args: argparse.Namespace) -> int:
        if not (args.timeout > 0 and args.timeout != float("inf")):  # also false for nan
            raise UsageError(f"--timeout must be a positive number of seconds, not {args.timeout}")
        lib = load_library(args.grammar)
        program = lib.parse(args.program)
        t = lib.infer(program)
        try:
            inputs = json.loads(args.inputs)
        except json.JSONDecodeError as e:
            raise UsageError(f"--inputs is not valid JSON: {e.msg}") from None
        if not isinstance(inputs, list):
            raise UsageError("--inputs must be a JSON list with one entry per argument")
        args_t = arguments_of(t)
        if len(inputs) > len(args_t):
            raise UsageError(f"program of type {show_type(t)} takes {len(args_t)} input(s), got {len(inputs)}")
        values = [convert_value(v, a, f"input {i}") for i, (v, a) in enumerate(zip(inputs, args_t))]
        from induct.programs.limits import WallLimit, wall_limit

        try:
            with wall_limit(args.timeout, "time limit"):
                out = lib.run(program, values, Limits(steps=10_000_000, seconds=args.timeout))
        except WallLimit:
            raise InductError(f"the program ran past --timeout {args.timeout:g} s (a primitive did not return)") from None
        if out is FAILED:
            raise InductError("the program failed on these inputs (error, or step/time limit)")
        rest = t
        for _ in inputs:
            rest = rest.args[1]  # type: ignore[union-attr]
        if callable(out):
            raise UsageError(f"the result is a function of type {show_type(rest)}; give more inputs")
        print(json.dumps(_unconvert(out, rest)))
        return 0

    return run


@add_command("domains", "list the registered domains: their grammar, tasks and splits")
def _domains(p: argparse.ArgumentParser):
    def run(args: argparse.Namespace) -> int:
        from induct.domain import registered_domains

        for name, d in registered_domains().items():
            source = d.tasks_path or "built in Python"
            print(f"{name:12s} {d.description}")
            print(f"{'':12s} grammar {d.grammar}")
            print(f"{'':12s} tasks {source}; train split {d.train_split!r}, test {', '.join(d.test_splits)}; "
                  f"featurizer {d.featurizer}; deductions {', '.join(x.name for x in d.deductions) or 'none'}")
        return 0

    return run


@add_command("tasks", "validate a task file (and its types against a grammar) and summarise it")
def _tasks(p: argparse.ArgumentParser):
    p.add_argument("tasks", help="a task JSON file or a domain's name (lists, text ...)")
    p.add_argument("--grammar", help="also check that every task type is buildable from this grammar's types")

    def run(args: argparse.Namespace) -> int:
        tasks = load_tasks(args.tasks)
        if args.grammar:
            lib = load_library(args.grammar)
            for t in tasks:
                _check_type_names(t.request_type, lib.type_constructors, t.name)
        splits = Counter(t.split for t in tasks)
        types = Counter(show_type(t.request_type) for t in tasks)
        n_examples = sum(len(t.examples) for t in tasks)
        print(f"{len(tasks)} tasks, {n_examples} examples")
        print("splits: " + ", ".join(f"{k} {v}" for k, v in sorted(splits.items())))
        print("types:")
        for k, v in types.most_common():
            print(f"  {v:5d}  {k}")
        return 0

    return run


def _check_type_names(t, constructors, task_name: str) -> None:
    from induct.types import TypeConstructor

    if isinstance(t, TypeConstructor):
        if t.name not in constructors:
            raise InductError(f"task {task_name!r}: type {t.name!r} is not declared by the grammar")
        for a in t.args:
            _check_type_names(a, constructors, task_name)
