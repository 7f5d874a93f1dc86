"""The one root of induct's exceptions.

Every error that induct raises on bad input derives from :class:`InductError`, so a
caller can catch them all with one clause; the subclasses say where the problem is.
"""

from __future__ import annotations

__all__ = [
    "InductError",
    "TypeUnificationError",
    "ProgramSyntaxError",
    "ProgramTypeError",
    "GrammarFileError",
    "TaskError",
    "EvaluationError",
    "ConfigError",
    "MissingDependency",
    "caret_snippet",
]


class InductError(Exception):
    """Root of all errors raised by induct on bad input or failed operations."""


class TypeUnificationError(InductError):
    """Two types do not unify (constructor clash or occurs check)."""


def caret_snippet(text: str, line: int, column: int) -> str:
    """Return the line ``line`` (1-based) of ``text`` with a caret under ``column`` (1-based)."""
    lines = text.splitlines() or [""]
    line = max(1, min(line, len(lines)))
    source = lines[line - 1]
    return f"    {source}\n    {' ' * max(0, column - 1)}^"


class ProgramSyntaxError(InductError):
    """A program string that does not parse; carries the position of the problem."""

    def __init__(self, message: str, text: str, position: int):
        self.text = text
        self.position = position
        self.column = position + 1
        super().__init__(f"{message} at column {self.column}\n{caret_snippet(text, 1, self.column)}")


class ProgramTypeError(InductError):
    """A program that is ill-typed: names the subterm, the expected and the actual type."""

    def __init__(self, message: str, program: str = "", subterm: str = "", expected: str = "", actual: str = ""):
        self.program = program
        self.subterm = subterm
        self.expected = expected
        self.actual = actual
        super().__init__(message)


class GrammarFileError(InductError):
    """A malformed grammar file; carries file, line, column, a caret snippet and a hint."""

    def __init__(self, message: str, path: str = "<string>", line: int = 1, column: int = 1,
                 text: str = "", hint: str = ""):
        self.path = path
        self.line = line
        self.column = column
        self.hint = hint
        parts = [f"{path}:{line}:{column}: {message}"]
        if text:
            parts.append(caret_snippet(text, line, column))
        if hint:
            parts.append(f"hint: {hint}")
        super().__init__("\n".join(parts))


class TaskError(InductError):
    """A task file or task that is malformed; names the task."""


class MissingDependency(InductError):
    """An optional extra that this use needs is not installed (the message says how to install it)."""


class EvaluationError(InductError):
    """A program failed on an input (exception, step, size or time limit)."""


class ConfigError(InductError):
    """A configuration value that is missing, unknown, of the wrong type or out of range.

    ``key`` names the setting (``search.timeout``, or ``SearchConfig.timeout`` when a config is
    built in code) and ``problem`` says what is wrong with it; ``source`` is the file or the
    command line it came from, when known.
    """

    def __init__(self, problem: str, key: str = "", source: str = ""):
        self.problem = problem
        self.key = key
        self.source = source
        text = f"{key} {problem}" if key else problem
        super().__init__(f"{source}: {text}" if source else text)
