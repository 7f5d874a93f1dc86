"""Read a grammar file (*.induct) into a :class:`Library`.

The file format is defined by ``grammar_file.lark`` beside this module.  Every problem
is reported as a :class:`GrammarFileError` with file, line, column, the offending text
under a caret, and a hint on how to fix it.
"""

from __future__ import annotations

import importlib
import math
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Collection

from lark import Lark, Token, Transformer, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from induct.dsl.library import Library, Production
from induct.dsl.task_literals import EXTRACTORS, literal_value, split_literal
from induct.errors import GrammarFileError, InductError, ProgramSyntaxError, ProgramTypeError
from induct.programs import Invented, Primitive, infer_type, parse_program
from induct.programs.inference import check_type
from induct.types import Type, TypeConstructor, TypeVariable, arrow, canonical, free_type_variables, is_arrow

__all__ = ["load_library", "parse_library", "find_grammar"]

_BUILTIN_TYPES = {"->": 2}


_STATEMENT_RULES = ("semantics", "import_stmt", "type_decl", "literal", "invention", "primitive")


class _Statements(Transformer):
    """Handles each statement as soon as the parser has read it, in file order.

    So a file's first error is reported when the parser reaches it, not after the rest of a
    long file has been parsed, and no tree of the whole file is built.  A stack of files
    being read (an ``import`` reads its file in the middle of another), per thread.
    """

    def __init__(self) -> None:
        super().__init__()
        self.local = threading.local()

    def reading(self) -> list:
        stack = getattr(self.local, "stack", None)
        if stack is None:
            stack = self.local.stack = []
        return stack

    def start(self, children: list) -> None:
        return None


def _statement_callback(kind: str) -> Any:
    def handle(self: _Statements, children: list) -> None:
        stmt = Tree(kind, children)
        first = children[0] if children else None
        where = first if isinstance(first, Token) else getattr(first, "meta", None)
        stmt.meta.line = getattr(where, "line", 1)  # its first token's (the parser sets it afterwards)
        stmt.meta.column = getattr(where, "column", 1)
        d, ctx = self.reading()[-1]
        try:
            _statement(stmt, d, ctx)
        except RecursionError:
            raise ctx.fail("statement nested too deeply", stmt,
                           "split the type or program into smaller parts") from None

    return handle


for _kind in _STATEMENT_RULES:
    setattr(_Statements, _kind, _statement_callback(_kind))


@lru_cache(maxsize=1)
def _parser() -> tuple[Lark, _Statements]:
    text = (Path(__file__).parent / "grammar_file.lark").read_text()
    statements = _Statements()
    return (Lark(text, parser="lalr", propagate_positions=True, maybe_placeholders=False,
                 transformer=statements), statements)


def find_grammar(name_or_path: str | Path) -> Path:
    """Resolve a grammar given as a path or as the name of a registered domain (``lists``)."""
    p = Path(name_or_path)
    if p.exists():
        return p
    from induct.domain import domain_names, get_domain

    name = p.stem if p.suffix == ".induct" and p.parent == Path(".") else str(name_or_path)
    if name in domain_names():
        return Path(get_domain(name).grammar)
    raise InductError(f"grammar {str(name_or_path)!r} not found: give a path to a .induct file "
                      f"or the name of a domain: {', '.join(domain_names()) or 'none'}")


def load_library(path: str | Path, check_semantics: bool = True,
                 trusted: Collection[str] | None = None) -> Library:
    """Load a grammar file (or the name of a shipped grammar) into a Library.

    ``trusted`` limits which semantics modules may be imported (``None``: any).  A module
    outside it is never imported: with ``check_semantics`` it is an error, without it the
    library is read with no Python values (enough to print, type-check and report).
    """
    path = find_grammar(path)
    return _load(path.resolve(), (), check_semantics, _trust(trusted))


def parse_library(text: str, path: str = "<string>", check_semantics: bool = True,
                  trusted: Collection[str] | None = None) -> Library:
    """Parse grammar-file text into a Library (imports are relative to the working directory)."""
    return _build(text, path, Path.cwd(), (), check_semantics, _trust(trusted))


def _trust(trusted: Collection[str] | None) -> frozenset[str] | None:
    return None if trusted is None else frozenset(trusted)


def _may_import(name: str, ctx: "_Context") -> bool:
    return ctx.trusted is None or name in ctx.trusted


def _load(path: Path, stack: tuple[Path, ...], check_semantics: bool,
          trusted: frozenset[str] | None = None) -> Library:
    try:
        text = path.read_text()
    except OSError as e:
        raise GrammarFileError(f"cannot read grammar file: {e.strerror}", str(path)) from None
    except UnicodeDecodeError:
        raise GrammarFileError("grammar file is not UTF-8 text", str(path)) from None
    return _build(text, str(path), path.parent, stack + (path,), check_semantics, trusted)


@dataclass
class _Declared:
    types: dict[str, int] = field(default_factory=lambda: dict(_BUILTIN_TYPES))
    productions: list[Production] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    literals: dict[str, tuple[str, ...]] = field(default_factory=dict)
    task_literals: dict[str, str] = field(default_factory=dict)
    extractors: dict[str, Any] = field(default_factory=dict)
    task_tokens: dict[str, Any] = field(default_factory=dict)
    semantics: str | None = None
    imports: list[str] = field(default_factory=list)
    where: dict[str, tuple[int, int]] = field(default_factory=dict)
    module: Any = None
    semantics_token: Any = None
    pending: list[tuple[Tree, list[str], Type, float]] = field(default_factory=list)
    # Indexes of ``productions`` kept as they grow, so that each statement costs O(1) to
    # check (a linear scan per name made loading quadratic in the number of primitives).
    type_of: dict[str, Type] = field(default_factory=dict)
    bodies: dict[str, Any] = field(default_factory=dict)

    def append(self, p: Production) -> None:
        self.productions.append(p)
        self.type_of[p.name] = p.type
        if isinstance(p.program, Invented):
            self.bodies[p.name] = p.program.body


@dataclass(frozen=True)
class _Context:
    """Where a grammar file is being read from, and how to report a problem in it."""

    path: str
    folder: Path
    stack: tuple[Path, ...]
    check_semantics: bool
    source: str
    fail: Any
    trusted: frozenset[str] | None = None


def _build(text: str, path: str, folder: Path, stack: tuple[Path, ...], check_semantics: bool,
           trusted: frozenset[str] | None = None) -> Library:
    text = text[1:] if text.startswith("\ufeff") else text
    source = text if text.endswith("\n") else text + "\n"
    d = _Declared()

    def fail(message: str, node: Any, hint: str = "") -> GrammarFileError:
        line = getattr(node, "line", None) or getattr(getattr(node, "meta", None), "line", 1) or 1
        col = getattr(node, "column", None) or getattr(getattr(node, "meta", None), "column", 1) or 1
        return GrammarFileError(message, path, line, col, source, hint)

    ctx = _Context(path, folder, stack, check_semantics, source, fail, trusted)
    parser, statements = _parser()
    reading = statements.reading()
    reading.append((d, ctx))
    try:
        parser.parse(source)  # each statement is handled as it is read (_Statements)
    except UnexpectedInput as e:
        raise _syntax_error(e, source, path) from None
    finally:
        reading.pop()
    return _finish(d, ctx)


def _statement(stmt: Any, d: _Declared, ctx: _Context) -> None:
    """Add what one statement of a grammar file declares to ``d``."""
    path, folder, stack, check_semantics, source, fail = (
        ctx.path, ctx.folder, ctx.stack, ctx.check_semantics, ctx.source, ctx.fail)
    kind = stmt.data
    if kind == "import_stmt":
        try:
            target = (folder / stmt.children[0][1:-1]).resolve()
        except (OSError, ValueError, RuntimeError) as e:
            raise fail(f"bad import path: {e}", stmt.children[0], "give a path relative to this file") from None
        if target in stack:
            chain = " -> ".join(p.name for p in stack + (target,))
            raise fail(f"import cycle: {chain}", stmt.children[0], "remove one of the imports in the cycle")
        if not target.is_file():
            raise fail(f"imported file {stmt.children[0][1:-1]!r} not found", stmt.children[0],
                       "import paths are relative to the importing file")
        sub = _load(target, stack or (Path(path).resolve(),), check_semantics, ctx.trusted)
        d.imports.append(str(target))
        d.types.update(sub.type_constructors)
        for p in sub.productions:
            if p.name in d.type_of:
                raise fail(f"duplicate name {p.name!r} (imported twice)", stmt.children[0], "rename one of them")
            d.append(p)
            if p.name in sub.values:
                d.values[p.name] = sub.values[p.name]
        d.literals.update(sub.literal_families)
        d.task_literals.update(sub.task_literals)
        d.extractors.update(sub.extractors)
        if d.semantics is None:
            d.semantics = sub.semantics_module
    elif kind == "semantics":
        name = str(stmt.children[0])
        if d.semantics_token is not None:
            raise fail(f"second 'semantics' line (the first is at line {d.semantics_token.line})",
                       stmt.children[0], "a grammar file names one semantics module")
        d.semantics_token = stmt.children[0]
        if not _may_import(name, ctx):
            if check_semantics:
                raise fail(f"semantics module {name!r} is not trusted here, so it was not imported",
                           stmt.children[0],
                           f"if you trust this file, allow the module with --trust-semantics {name}")
            d.semantics = name
            return
        try:
            d.module = importlib.import_module(name)
        except Exception as e:
            raise fail(f"cannot import semantics module {name!r}: {e}", stmt.children[0],
                       "give the dotted name of an importable Python module") from None
        d.semantics = name
    elif kind == "type_decl":
        for head in stmt.children:
            name = str(head.children[0])
            params = [str(x) for x in head.children[1:]]
            if name in d.types and name != "->":
                raise fail(f"duplicate type {name!r}", head.children[0], "declare each type once")
            if not (name[0].isalpha() and all(c.isalnum() or c == "_" for c in name)):
                raise fail(f"bad type name {name!r}", head.children[0],
                           "type names start with a letter and contain letters, digits and '_'")
            if _is_type_variable(name):
                raise fail(f"{name!r} is a type variable, not a type name", head.children[0],
                           "single lower-case letters and t0, t1 ... are variables; use a longer name")
            for k, param in enumerate(head.children[1:]):
                if not _is_type_variable(str(param)):
                    raise fail(f"type parameter {str(param)!r} is not a variable", param,
                               f"write parameters as single letters: {name}(a, b)")
                if str(param) in map(str, head.children[1:k + 1]):
                    raise fail(f"type parameter {str(param)!r} repeated", param, "give each parameter its own letter")
            d.types[name] = len(params)
    elif kind == "primitive":
        names = [t for t in stmt.children if isinstance(t, Token)]
        ttree = next(c for c in stmt.children if isinstance(c, Tree) and c.data == "type")
        weight = _weight(stmt, fail)
        t = _convert_type(ttree, d.types, fail)
        table = getattr(d.module, "PRIMITIVES", None) if check_semantics and d.semantics_token else None
        for n in names:
            _check_symbol_name(str(n), n, fail)
            _add(d, str(n), t, Primitive(str(n)), weight, n, fail)
            d.pending.append((stmt, [str(n)], t, weight))
            if isinstance(table, dict) and str(n) not in table:
                # Known now (this file's own module): say so here, not after the rest of the file.
                raise fail(f"primitive {str(n)!r} has no semantics", n, f"add {str(n)!r} to PRIMITIVES in {d.semantics}")
    elif kind == "literal" and stmt.children[1].data == "task_bound":
        _task_bound(stmt, d, fail)
    elif kind == "literal":
        type_name = str(stmt.children[0])
        if type_name not in d.types or d.types[type_name] != 0:
            raise fail(f"unknown type {type_name!r} for a literal family", stmt.children[0],
                       f"declare it first with: type {type_name}")
        spec = stmt.children[1]
        weight = _weight(stmt, fail)
        if spec.data == "int_range":
            lo, hi = int(spec.children[0]), int(spec.children[1])
            if hi < lo or hi - lo > 1000:
                raise fail(f"bad literal range {lo}..{hi}", spec.children[0], "write LOW..HIGH with at most 1000 values")
            items = [(str(v), v, spec.children[0]) for v in range(lo, hi + 1)]
        else:
            items = []
            for tok in spec.children:
                inner = str(tok)[1:-1]
                value: Any = inner if type_name != "int" else _int_or_fail(inner, tok, fail)
                if type_name == "char" and len(inner) != 1:
                    raise fail(f"{str(tok)} is not one character", tok, "char literals are written 'x'")
                items.append((str(tok), value, tok))
        t = TypeConstructor(type_name)
        for name, value, tok in items:
            _add(d, name, t, Primitive(name), weight, tok, fail)
            d.values[name] = value
        d.literals[type_name] = d.literals.get(type_name, ()) + tuple(n for n, _, _ in items)
    elif kind == "invention":
        name = str(stmt.children[0])
        _check_symbol_name(name, stmt.children[0], fail)
        body_text = str(stmt.children[1])
        try:
            body = parse_program(body_text, d.bodies)
        except ProgramSyntaxError as e:
            raise GrammarFileError(f"invention body does not parse: {str(e).splitlines()[0]}", path,
                                   stmt.children[1].line, stmt.children[1].column + e.position, source,
                                   "write the body as an s-expression, e.g. (lambda (+ $0 1))") from None
        lookup = _types_with_constants(d.type_of, d.task_literals)
        try:
            t = infer_type(body, lookup)
        except ProgramTypeError as e:
            raise fail(f"invention {name!r} is ill-typed: {e}", stmt.children[1],
                       "every name in the body must be a declared primitive or earlier invention") from None
        declared = [c for c in stmt.children if isinstance(c, Tree) and c.data == "type"]
        if declared:
            want = _convert_type(declared[0], d.types, fail)
            try:
                t = canonical(check_type(body, want, lookup))
            except ProgramTypeError as e:
                raise fail(f"invention {name!r}: {e}", declared[0], "fix the declared type or the body") from None
        _add(d, name, t, Invented(body, name), _weight(stmt, fail), stmt.children[0], fail)


def _finish(d: _Declared, ctx: _Context) -> Library:
    path, source, fail = ctx.path, ctx.source, ctx.fail
    if d.module is None and d.semantics and d.pending and _may_import(d.semantics, ctx):
        # No 'semantics' line of its own: primitives declared here take their meaning from the
        # module of the imported grammar (already imported once, so this cannot fail anew).
        d.module = importlib.import_module(d.semantics)
    if d.module is not None:
        table = getattr(d.module, "PRIMITIVES", None)
        if not isinstance(table, dict):
            raise fail(f"semantics module {d.semantics!r} has no PRIMITIVES dict", d.semantics_token,
                       "define PRIMITIVES = {name: python_value, ...} in that module")
        for _, names, _, _ in d.pending:
            for n in names:
                if n in table:
                    d.values[n] = table[n]
    for family, tok in d.task_tokens.items():
        extractor = _extractor(d.task_literals[family], d.module)
        if extractor is not None:
            d.extractors[family] = extractor
        elif ctx.check_semantics:
            known = ", ".join(sorted(EXTRACTORS))
            raise fail(f"unknown extractor {d.task_literals[family]!r} for literal family {family}", tok,
                       f"use a built-in one ({known}) or define a function of that name in "
                       f"{d.semantics or 'the semantics module'}")
    if ctx.check_semantics:
        for stmt, names, _, _ in d.pending:
            for n in names:
                if n not in d.values:
                    where = d.where.get(n, (stmt.meta.line, stmt.meta.column))
                    hint = (f"add {n!r} to PRIMITIVES in {d.semantics}" if d.semantics
                            else "name the Python module with a 'semantics MODULE' line")
                    raise GrammarFileError(f"primitive {n!r} has no semantics", path, where[0], where[1], source, hint)
    return Library(tuple(d.productions), dict(d.types), d.semantics, d.values, 0.0, dict(d.literals), path,
                   tuple(d.imports), dict(d.task_literals), None, dict(d.extractors))


def _task_bound(stmt: Tree, d: _Declared, fail: Any) -> None:
    """``literal NAME : TYPE from task EXTRACTOR [@ W]``: one production whose constants each
    task gives (:mod:`induct.dsl.task_literals`)."""
    name_tok, spec = stmt.children[0], stmt.children[1]
    name = str(name_tok)
    if not (name[0].isalpha() and all(c.isalnum() or c in "_-" for c in name)):
        raise fail(f"bad literal family name {name!r}", name_tok,
                   "a family is named with letters, digits, '_' and '-', e.g. STRING")
    t = _convert_type(spec.children[0], d.types, fail)
    if free_type_variables(t):
        raise fail(f"literal family {name} needs a type without variables", spec.children[0],
                   "e.g. literal STRING : list(char) from task output_strings")
    if is_arrow(t):
        raise fail(f"literal family {name} cannot have a function type", spec.children[0],
                   "its constants are values read from the task's examples")
    _add(d, name, t, Primitive(name), _weight(stmt, fail), name_tok, fail)
    d.task_literals[name] = str(spec.children[1])
    d.task_tokens[name] = spec.children[1]


def _types_with_constants(types: dict[str, Type], families: dict[str, str]) -> Any:
    """``name -> type`` over declared names and the constants of task-bound families."""
    def lookup(name: str) -> Type:
        if name in types:
            return types[name]
        parts = split_literal(name)
        if parts is None or parts[0] not in families:
            raise KeyError(name)
        try:
            literal_value(name, types[parts[0]])
        except InductError:
            raise KeyError(name) from None
        return types[parts[0]]
    return lookup


def _extractor(name: str, module: Any) -> Any:
    """The extractor called ``name``: a function of the semantics module, else a built-in one."""
    own = getattr(module, name, None) if module is not None else None
    if callable(own):
        return own
    return EXTRACTORS.get(name)


def _is_type_variable(name: str) -> bool:
    return (len(name) == 1 and name.islower()) or (name[0] == "t" and name[1:].isascii() and name[1:].isdigit())


def _int_or_fail(text: str, tok: Token, fail: Any) -> int:
    try:
        return int(text)
    except ValueError:
        raise fail(f"{text!r} is not an integer literal", tok, "int literals are written as 3 or -2..5") from None


def _weight(stmt: Tree, fail: Any) -> float:
    for c in stmt.children:
        if isinstance(c, Tree) and c.data == "weight":
            w = float(str(c.children[0]))
            if not math.isfinite(w):
                raise fail("prior weight must be finite", c.children[0], "write @ 0.5, @ 2 ...")
            if w <= 0:
                raise fail("prior weight must be positive", c.children[0], "write @ 0.5, @ 2 ...")
            return math.log(w)
    return 0.0


def _check_symbol_name(name: str, tok: Any, fail: Any) -> None:
    """Refuse a primitive or invention name that programs could not mention.

    A program reads ``lambda``/``lam``/``λ`` as an abstraction, ``$N`` as a variable,
    parentheses and whitespace as structure; ``=`` is kept for task-bound constants
    written ``FAMILY=VALUE``.
    """
    from induct.programs.syntax import LAMBDA_WORDS

    if name in LAMBDA_WORDS:
        problem = f"{name!r} is reserved: programs read it as a lambda"
    elif name.startswith("$"):
        problem = f"{name!r} starts with '$': programs read $0, $1 ... as variables"
    elif any(c in "()=" or c.isspace() for c in name):
        bad = next(c for c in name if c in "()=" or c.isspace())
        problem = f"name {name!r} contains {bad!r}, which programs cannot hold in a name"
    else:
        return
    raise fail(f"bad name: {problem}", tok,
               "rename it: names may not be lambda, lam or λ, start with '$', "
               "or contain parentheses, '=' or spaces")


def _add(d: _Declared, name: str, t: Type, program: Any, log_weight: float, tok: Any, fail: Any) -> None:
    if name in d.type_of:
        line, col = d.where.get(name, (0, 0))
        raise fail(f"duplicate name {name!r}" + (f" (first declared at line {line})" if line else ""), tok,
                   "each primitive, literal and invention needs its own name")
    d.where[name] = (getattr(tok, "line", 1), getattr(tok, "column", 1))
    d.append(Production(name, t, program, log_weight))


def _convert_type(tree: Tree, types: dict[str, int], fail: Any) -> Type:
    variables: dict[str, int] = {}

    def conv(node: Tree) -> Type:
        if node.data == "type":
            left = conv(node.children[0])
            if len(node.children) > 1:
                return arrow(left, conv(node.children[1]))
            return left
        if node.data == "type_paren":
            return conv(node.children[0])
        name_tok = node.children[0]
        name = str(name_tok)
        args = [conv(c) for c in node.children[1:]]
        if name not in types:
            if not args and (len(name) == 1 and name.islower() or (name[0] == "t" and name[1:].isdigit())):
                if name not in variables:
                    variables[name] = len(variables)
                return TypeVariable(variables[name])
            raise fail(f"unknown type {name!r}", name_tok,
                       f"declare it with 'type {name}' (known: {', '.join(sorted(k for k in types if k != '->'))})")
        if types[name] != len(args):
            raise fail(f"type {name!r} takes {types[name]} argument(s), got {len(args)}", name_tok,
                       f"write {name}" + ("(" + ", ".join("a" * 1 for _ in range(types[name])) + ")" if types[name] else ""))
        return TypeConstructor(name, tuple(args))

    return canonical(conv(tree))


def _syntax_error(e: UnexpectedInput, text: str, path: str) -> GrammarFileError:
    line, col = getattr(e, "line", 1) or 1, getattr(e, "column", 1) or 1
    if isinstance(e, UnexpectedToken) and e.token.type == "$END":
        return GrammarFileError("unexpected end of file", path, line, col, text, "finish the last statement")
    if isinstance(e, UnexpectedCharacters):
        ch = text.splitlines()[line - 1][col - 1:col] if line - 1 < len(text.splitlines()) else ""
        return GrammarFileError(f"unexpected character {ch!r}", path, line, col, text, _STATEMENTS)
    token = getattr(e, "token", "")
    expected = sorted(getattr(e, "expected", []) or [])
    if col == 1 or ("_NL" in expected and "NAME" in expected and len(expected) <= 3):
        # At the start of a statement: say what statements look like.
        return GrammarFileError(f"unexpected {str(token)!r}", path, line, col, text, _STATEMENTS)
    nice = ", ".join(_terminal_description(x) for x in expected[:8])
    return GrammarFileError(f"unexpected {str(token)!r}", path, line, col, text,
                            f"expected one of: {nice}" if nice else "check the statement's syntax")


_STATEMENTS = ("statements are: semantics MODULE | import \"FILE\" | type T, list(a) | "
               "NAME : TYPE [@ W] | literal T : A..B | literal NAME : TYPE from task EXTRACTOR | "
               "invention NAME = BODY [: TYPE]")


def _terminal_description(name: str) -> str:
    if name in _NICE:
        return _NICE[name]
    try:
        pattern = _parser()[0].get_terminal(name).pattern
    except KeyError:
        return name
    return repr(pattern.value) if pattern.type == "str" else name.lower()


_NICE = {"COLON": "':'", "NAME": "a name", "_NL": "end of line", "LPAR": "'('", "RPAR": "')'",
         "COMMA": "','", "RARROW": "'->'", "EQUAL": "'='", "AT": "'@'",
         "NUMBER": "a number", "SIGNED_INT": "an integer", "QUOTED": "a quoted literal", "BODY": "a program"}
