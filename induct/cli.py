"""The ``induct`` command line: parse arguments, build a config, call the library.

Every command exits 0 on success and 2 on bad input with a one-line reason on stderr.
Commands register themselves in :data:`COMMANDS` (see ``add_command``) so that each
sub-package can own its command's code.
"""

from __future__ import annotations

import argparse
import sys
from typing import Callable

from induct.errors import InductError

__all__ = ["main", "add_command", "COMMANDS", "UsageError"]


class UsageError(InductError):
    """Bad command-line input."""


COMMANDS: dict[str, tuple[Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int], str]] = {}


def add_command(name: str, help: str):
    """Decorator pair: ``@add_command(name, help)`` on a function ``(parser) -> run``."""

    def register(configure: Callable[[argparse.ArgumentParser], Callable[[argparse.Namespace], int]]):
        COMMANDS[name] = (configure, None, help)  # type: ignore[assignment]
        return configure

    return register


def _load_commands() -> None:
    # Importing these modules registers their commands.
    import importlib

    for module in ("induct.commands.core", "induct.commands.search", "induct.commands.sample",
                   "induct.commands.compress",
                   "induct.commands.train"):
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as e:
            if e.name != module:
                raise


def build_parser() -> argparse.ArgumentParser:
    _load_commands()
    parser = argparse.ArgumentParser(
        prog="induct",
        description="Probabilistic program induction: grammars, search, library learning, wake-sleep.")
    from induct import __version__

    parser.add_argument("--version", action="version", version=f"induct {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (configure, _, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        run = configure(p)
        p.set_defaults(_run=run)
    return parser


_MAX_LINE = 300
_MAX_LINES = 20


def _report(command: str, lines: list[str]) -> int:
    """Print an error (long lines and long messages shortened) and return the exit status 2."""

    def short(line: str) -> str:
        return line if len(line) <= _MAX_LINE else line[:_MAX_LINE] + f"... ({len(line) - _MAX_LINE} more characters)"

    print(f"induct {command}: error: {short(lines[0])}", file=sys.stderr)
    for line in lines[1:_MAX_LINES]:
        print(short(line), file=sys.stderr)
    if len(lines) > _MAX_LINES:
        print(f"... ({len(lines) - _MAX_LINES} more lines)", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # --help (0) or a usage error (2), already printed by argparse
        return int(e.code or 0)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2
    try:
        return int(args._run(args) or 0)
    except InductError as e:
        return _report(args.command, str(e).splitlines() or [type(e).__name__])
    except RecursionError:
        return _report(args.command, ["the input is nested too deeply to read"])
    except UnicodeDecodeError:
        return _report(args.command, ["an input file is not UTF-8 text"])
    except ValueError as e:
        if "integer string conversion" not in str(e) and "digits" not in str(e):
            raise
        return _report(args.command, ["the input holds an integer with too many digits"])
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        print(f"induct {args.command}: interrupted", file=sys.stderr)
        return 130

