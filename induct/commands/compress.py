"""``induct compress``: learn inventions from a corpus of programs and print what was learned."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from induct.cli import UsageError, add_command


@add_command("compress", "learn a library by compressing a corpus of programs (abstraction sleep)")
def _compress(p: argparse.ArgumentParser):
    p.add_argument("corpus", help="JSON file: a list of program strings (Stitch or DreamCoder syntax)")
    p.add_argument("--grammar", help="type-check inventions against this grammar (.induct file or a domain's name)")
    p.add_argument("--tasks", help="JSON list giving each program's task name (weights 1/n per task)")
    p.add_argument("--iterations", type=int, default=10, help="most inventions to learn (default 10)")
    p.add_argument("--arity", type=int, default=3, help="most arguments per invention (default 3)")
    p.add_argument("--stop", choices=("objective", "utility"), default="utility",
                   help="accept while the corpus shrinks (default; Stitch's rule) or while DreamCoder's "
                        "objective improves (the wake-sleep loop's rule; its untyped unigram form here is "
                        "conservative on small corpora)")
    p.add_argument("--renamings", action=argparse.BooleanOptionalAction, default=True,
                   help="also learn bodies that only rename a production (η-equivalent to one), as Stitch "
                        "does (default: on)")
    p.add_argument("--out", help="write the grown library here as a grammar file (needs --grammar)")
    p.add_argument("--rewritten", help="write the rewritten programs here as a JSON list")

    def run(args: argparse.Namespace) -> int:
        from induct.commands.core import _read_corpus
        from induct.compression import CompressionConfig, compress_programs
        from induct.dsl import load_library
        from induct.errors import InductError
        from induct.programs import parse_program, show

        texts = _read_corpus(args.corpus)
        try:
            config = CompressionConfig(iterations=args.iterations, max_arity=args.arity, stop=args.stop,
                                       renamings=args.renamings)
        except InductError as e:
            raise UsageError(str(e)) from None
        library = load_library(args.grammar) if args.grammar else None
        parse = library.parse if library is not None else parse_program
        programs = [parse(t) for t in texts]
        weights = None
        if args.tasks:
            from induct.files import read_json_file

            owners = read_json_file(args.tasks, "task-name list", UsageError)
            if not isinstance(owners, list) or len(owners) != len(programs):
                raise UsageError(f"{args.tasks}: expected a JSON list with one task name per program")
            per_task: dict[str, int] = {}
            for o in owners:
                per_task[str(o)] = per_task.get(str(o), 0) + 1
            weights = [1.0 / per_task[str(o)] for o in owners]
        result = compress_programs(programs, config, library, weights)
        print(result.table())
        if args.out:
            if result.library is None:
                raise UsageError("--out needs --grammar (an untyped corpus has no library to write)")
            Path(args.out).write_text(result.library.to_text())  # type: ignore[attr-defined]  # a Library
        if args.rewritten:
            Path(args.rewritten).write_text(json.dumps([show(q, name_inventions=True) for q in result.programs],
                                                       indent=1))
        print(f"compression ratio {result.compression_ratio:.4f}")
        return 0

    return run
