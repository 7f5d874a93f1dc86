"""induct: probabilistic program induction.

A typed DSL written as a grammar file gets a probabilistic prior, a Bayesian search finds
programs that explain a task's examples, and a wake-sleep loop grows the library.
"""

from induct.dsl import Library, load_library, parse_library
from induct.errors import InductError
from induct.programs import Program, parse_program, show
from induct.tasks import Example, Task, load_tasks
from induct.types import Type, parse_type, show_type

__version__ = "0.1.0"

__all__ = [
    "Library", "load_library", "parse_library", "InductError", "Program", "parse_program", "show",
    "Example", "Task", "load_tasks", "Type", "parse_type", "show_type", "__version__",
]
