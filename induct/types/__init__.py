"""Hindley–Milner types for induct's typed λ-calculus."""

from induct.types.core import (
    Substitution, Type, TypeConstructor, TypeParseError, TypeVariable, arguments_of, arrow,
    canonical, free_type_variables, generalize, instantiate, is_arrow, parse_type, return_of,
    rename_variables, show_type, tbool, tchar, tint, tlist, unify, variables_in_order,
)

__all__ = [
    "Substitution", "Type", "TypeConstructor", "TypeParseError", "TypeVariable", "arguments_of",
    "arrow", "canonical", "free_type_variables", "generalize", "instantiate", "is_arrow",
    "parse_type", "rename_variables", "return_of", "show_type", "tbool", "tchar", "tint", "tlist", "unify",
    "variables_in_order",
]
