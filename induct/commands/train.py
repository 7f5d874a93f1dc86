"""Commands of the wake-sleep loop: train, resume, report, library."""

from __future__ import annotations

import argparse
from dataclasses import fields

from induct.cli import UsageError, add_command
from induct.wake_sleep.config import FIELD_HELP, TrainConfig, load_config


def _add_config_overrides(p: argparse.ArgumentParser) -> None:
    """One --flag per config field (``--batch-size 10``, ``--recognition false``)."""
    group = p.add_argument_group("config overrides (each overrides the config file's field)")
    for f in fields(TrainConfig):
        if f.name in ("domain", "iterations"):
            continue
        flag = "--" + f.name.replace("_", "-")
        default = f.default
        shown = ",".join(default) if isinstance(default, tuple) else default
        group.add_argument(flag, dest=f.name, default=None, metavar=f.name.upper(),
                           help=f"{FIELD_HELP.get(f.name, '')} (default: {shown})".lstrip())


@add_command("train", "run the wake-sleep loop: search, compress into a library, train the neural prior")
def _train(p: argparse.ArgumentParser):
    p.add_argument("config", nargs="?", help="a TOML config file (every field optional)")
    from induct.domain import domain_names

    p.add_argument("--domain", default=None,
                   help=f"a registered domain: {', '.join(domain_names())} (default lists; see induct domains)")
    p.add_argument("--iterations", default=None, help="wake-sleep iterations (default 3)")
    p.add_argument("--out", default="runs/latest", help="run directory (default runs/latest)")
    p.add_argument("--overwrite", action="store_true", help="start over in an existing run directory")
    p.add_argument("--quiet", action="store_true", help="no live progress")
    _add_config_overrides(p)

    def run(args: argparse.Namespace) -> int:
        from induct.wake_sleep import train, write_run_report

        overrides = {f.name: getattr(args, f.name) for f in fields(TrainConfig) if getattr(args, f.name, None) is not None}
        config = load_config(args.config, **overrides)
        result = train(config, args.out, progress=not args.quiet, overwrite=args.overwrite)
        _summary(result)
        paths = write_run_report(result.run_dir)
        print(f"report: {paths['html']}")
        return 0

    return run


@add_command("resume", "continue a wake-sleep run from its last complete checkpoint")
def _resume(p: argparse.ArgumentParser):
    p.add_argument("run_dir", help="the run directory given to induct train --out")
    p.add_argument("--iterations", type=int, default=None, help="run to this many iterations in all")
    p.add_argument("--quiet", action="store_true", help="no live progress")
    p.add_argument("--trust-semantics", action="append", default=[], metavar="MODULE",
                   help="allow importing this semantics module named by the run (repeatable); "
                        "only a shipped domain's is imported otherwise")

    def run(args: argparse.Namespace) -> int:
        from induct.wake_sleep import resume, write_run_report

        if args.iterations is not None and args.iterations <= 0:
            raise UsageError("--iterations must be positive")
        result = resume(args.run_dir, progress=not args.quiet, iterations=args.iterations,
                        trust_semantics=args.trust_semantics)
        _summary(result)
        write_run_report(result.run_dir)
        return 0

    return run


@add_command("report", "write a run's learning curve (PNG), library table and HTML summary")
def _report(p: argparse.ArgumentParser):
    p.add_argument("run_dir", help="a run directory")

    def run(args: argparse.Namespace) -> int:
        from induct.wake_sleep import write_run_report

        paths = write_run_report(args.run_dir)
        for kind, path in paths.items():
            print(f"{kind}: {path}")
        return 0

    return run


@add_command("library", "print the library a run has learned")
def _library(p: argparse.ArgumentParser):
    p.add_argument("run_dir", help="a run directory")
    p.add_argument("--grammar-file", action="store_true", help="print it as a grammar file instead of a table")

    def run(args: argparse.Namespace) -> int:
        from induct.wake_sleep import load_run
        from induct.wake_sleep.report import format_library_table, library_rows

        _, _, state = load_run(args.run_dir)
        if state is None:
            raise UsageError(f"{args.run_dir} has no complete checkpoint yet")
        if args.grammar_file:
            print(state.library.to_text(), end="")
        else:
            print(f"library after iteration {state.iteration}: {len(state.library.primitives)} primitives, "
                  f"{len(state.library.inventions)} inventions")
            print(format_library_table(library_rows(state)))
        return 0

    return run


def _summary(result) -> None:
    from induct.wake_sleep.report import format_library_table, library_rows

    print(f"{'iter':>4} {'train':>6} {'test':>8} {'new inv':>7} {'library':>7} {'seconds':>8}")
    for m in result.metrics:
        test = f"{m['test_solved']}/{m['test_total']}" if m.get("test_solved") is not None else "-"
        print(f"{m['iteration']:>4} {m['train_solved_total']:>6} {test:>8} {m['new_inventions']:>7} "
              f"{m['library_size']:>7} {m.get('seconds', 0):>8.1f}")
    print()
    print(format_library_table(library_rows(result.state)))
