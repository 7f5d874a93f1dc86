"""DreamCoder's text-editing domain: strings are lists of characters.

``text.induct`` holds the list primitives, character equality and a few characters;
``tasks.json`` the string-editing tasks.  Strings being ``list(char)``, the standard
list-shaped deductions (map, filter ...) apply here as on lists.
"""

from pathlib import Path

from induct.domain import Domain

HERE = Path(__file__).parent

DOMAIN = Domain("text", HERE / "text.induct", HERE / "tasks.json", "train", ("test",), "tokens",
                description="string editing (DreamCoder's text tasks, SyGuS PBE strings)")
