"""DreamCoder's list-processing domain: its grammar, semantics and tasks.

``lists.induct`` is the grammar (DreamCoder's "common" list primitives), ``semantics``
their Python meaning, ``tasks.json`` the tasks (DreamCoder's list functions, with a
train/test split).  Its search uses the standard list-shaped deductions.
"""

from pathlib import Path

from induct.domain import Domain

HERE = Path(__file__).parent

DOMAIN = Domain("lists", HERE / "lists.induct", HERE / "tasks.json", "train", ("test", "dropped_easy_test"),
                "tokens", description="DreamCoder's list functions over its common list primitives")
