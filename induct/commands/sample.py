"""``induct sample``: programs drawn from a grammar's prior, with their log probabilities."""

from __future__ import annotations

import argparse

import numpy as np

from induct.cli import UsageError, add_command
from induct.dsl import load_library
from induct.errors import InductError
from induct.programs import show
from induct.types import TypeConstructor, TypeParseError, parse_type, show_type

__all__: list[str] = []


@add_command("sample", "print programs sampled from a grammar's prior with their log probabilities")
def _sample(p: argparse.ArgumentParser):
    p.add_argument("--grammar", required=True, help="a .induct file or a domain's name (lists, concepts ...)")
    p.add_argument("--type", required=True, dest="request",
                   help="the requested type, e.g. 'list(int) -> list(int)' or 'object -> bool'")
    p.add_argument("-n", type=int, default=10, help="how many programs (default 10)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--max-depth", type=int, default=6,
                   help="most nested choice points a program may have (default 6); deeper draws are redrawn")

    def run(args: argparse.Namespace) -> int:
        from induct.grammar import Grammar

        if args.n < 1:
            raise UsageError(f"-n must be at least 1, got {args.n}")
        if args.max_depth < 1:
            raise UsageError(f"--max-depth must be at least 1, got {args.max_depth}")
        library = load_library(args.grammar)
        try:
            request = parse_type(args.request)
        except TypeParseError as e:
            raise UsageError(f"--type: {e}") from None
        _check_declared(request, library)
        grammar = Grammar.from_library(library)
        rng = np.random.default_rng(args.seed)
        for _ in range(args.n):
            program = grammar.sample(request, rng, args.max_depth)
            if program is None:
                raise InductError(f"no program of type {show_type(request)} within depth {args.max_depth} "
                                  "could be drawn: raise --max-depth, or check that the grammar can build this type")
            print(f"{grammar.log_prior(program, request):10.4f}  {show(program)}")
        return 0

    return run


def _check_declared(t, library) -> None:
    if isinstance(t, TypeConstructor):
        if t.name != "->" and t.name not in library.type_constructors:
            declared = ", ".join(n for n in library.type_constructors if n != "->")
            raise UsageError(f"--type: type {t.name!r} is not declared by the grammar; its types are: {declared}")
        if t.name in library.type_constructors and library.type_constructors[t.name] != len(t.args):
            raise UsageError(f"--type: {t.name!r} takes {library.type_constructors[t.name]} parameter(s), "
                             f"got {len(t.args)}")
        for a in t.args:
            _check_declared(a, library)
