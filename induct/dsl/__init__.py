"""The grammar-file front end: a DSL is one ``.induct`` file parsed with lark."""

from induct.dsl.library import Library, Production
from induct.dsl.loader import find_grammar, load_library, parse_library

__all__ = ["Library", "Production", "find_grammar", "load_library", "parse_library"]
