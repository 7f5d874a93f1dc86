"""Reading the user's text and JSON files, with errors that name the file.

Every reader here raises the caller's error class (a subclass of
:class:`~induct.errors.InductError`) with the path in the message: a missing or
unreadable file, bytes that are not UTF-8, or text that is not JSON.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from induct.errors import InductError

__all__ = ["read_text_file", "read_json_file"]


def read_text_file(path: str | Path, what: str = "file", error: type[InductError] = InductError) -> str:
    """The text of ``path`` decoded as UTF-8 (a leading byte-order mark dropped).

    Raises:
        error: naming ``what`` and ``path`` when the file cannot be read or is not UTF-8.
    """
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise error(f"cannot read {what} {path}: {e.strerror or e}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise error(f"{path}: {what} is not UTF-8 text (byte {e.start}, line {line})") from None
    return text[1:] if text.startswith("\ufeff") else text


def read_json_file(path: str | Path, what: str = "file", error: type[InductError] = InductError) -> Any:
    """The JSON value in ``path`` (read as by :func:`read_text_file`).

    Raises:
        error: as :func:`read_text_file`, and with ``path:line:column`` for text that is not JSON.
    """
    text = read_text_file(path, what, error)
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise error(f"{path}:{e.lineno}:{e.colno}: not valid JSON: {e.msg}") from None
    except RecursionError:
        raise error(f"{path}: {what} is nested too deeply to read") from None
    except ValueError as e:  # Python's limit on the digits of an integer
        raise error(f"{path}: {what} holds a number that cannot be read ({e})") from None
