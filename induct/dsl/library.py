"""A Library: the typed primitives and inventions of a DSL, with their prior weights and meaning."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable, Mapping

from induct.dsl.task_literals import MAX_CONSTANTS, bind_family, literal_value, split_literal
from induct.errors import EvaluationError, InductError
from induct.programs import (
    Invented, Primitive, Program, check_type, compile_program, infer_type, parse_program,
)
from induct.programs.evaluation import FAILED, Lazy, run_program
from induct.programs.limits import DEFAULT_LIMITS, Limits
from induct.types import Type, arguments_of

__all__ = ["Production", "Library"]


@dataclass(frozen=True, slots=True)
class Production:
    """One entry of a library: a primitive or an invention, its type and prior log-weight."""

    name: str
    type: Type
    program: Program
    log_weight: float = 0.0

    @property
    def is_invention(self) -> bool:
        return isinstance(self.program, Invented)


@dataclass(frozen=True)
class Library:
    """The productions of a DSL plus the Python values that give primitives their meaning.

    Attributes:
        productions: primitives then inventions, in file order.
        type_constructors: declared constructors and their arities.
        semantics_module: the dotted module that holds the primitives' Python values.
        values: name -> Python value (uncurried function of ``arity`` arguments, or constant).
        variable_log_weight: prior log-weight of choosing a variable.
        literal_families: type name -> list of literal names (for documentation and writing back).
        task_literals: task-bound literal families, family name -> extractor name.  Each family
            is one production; :meth:`bind` gives it the constants its extractor reads from a
            task (:mod:`induct.dsl.task_literals`).
        bound: None for a library not bound to a task; else family -> the names of its
            constants for the task it was bound to.
        extractors: family -> the extractor function (absent when loaded without semantics).
    """

    productions: tuple[Production, ...]
    type_constructors: Mapping[str, int]
    semantics_module: str | None
    values: Mapping[str, Any]
    variable_log_weight: float = 0.0
    literal_families: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    source: str = "<library>"
    imports: tuple[str, ...] = ()
    task_literals: Mapping[str, str] = field(default_factory=dict)
    bound: Mapping[str, tuple[str, ...]] | None = None
    extractors: Mapping[str, Callable[[Any], Iterable[Any]]] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        index = {p.name: p for p in self.productions}
        object.__setattr__(self, "_by_name", index)
        object.__setattr__(self, "_arity", {p.name: len(arguments_of(p.type)) for p in self.productions})
        object.__setattr__(self, "_inventions", {p.name: p.program.body for p in self.productions
                                                 if isinstance(p.program, Invented)})
        object.__setattr__(self, "_compile_cache", {})
        object.__setattr__(self, "_by_program", {p.program: p for p in self.productions})
        bound = None if self.bound is None else tuple(sorted(self.bound.items()))
        object.__setattr__(self, "_bound_key", bound)
        object.__setattr__(self, "_hash", hash((self.productions, self.semantics_module, self.variable_log_weight,
                                                bound)))

    def _key(self) -> tuple:
        return (self.productions, tuple(sorted(self.type_constructors.items())), self.semantics_module,
                self.variable_log_weight, tuple(sorted((k, tuple(v)) for k, v in self.literal_families.items())),
                tuple(sorted(self.task_literals.items())), self._bound_key)  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return self._hash  # type: ignore[attr-defined]

    def __eq__(self, other: object) -> bool:
        """Two libraries are equal when they declare the same productions (names, types,
        programs and weights), types, semantics module and literal families."""
        if self is other:
            return True
        if not isinstance(other, Library) or self._hash != other._hash:  # type: ignore[attr-defined]
            return False
        return self._key() == other._key()

    # --- lookups -------------------------------------------------------------------------
    def __contains__(self, name: str) -> bool:
        return name in self._by_name  # type: ignore[attr-defined]

    def __len__(self) -> int:
        return len(self.productions)

    def production(self, name: str) -> Production:
        try:
            return self._by_name[name]  # type: ignore[attr-defined]
        except KeyError:
            raise InductError(f"unknown primitive {name!r}; the library has: "
                              f"{', '.join(sorted(self._by_name)[:30])}") from None  # type: ignore[attr-defined]

    def production_of(self, program: Program) -> Production | None:
        """The production whose program is ``program`` (a Primitive or Invented), if any; a
        task-bound constant's production is its family's."""
        found = self._by_program.get(program)  # type: ignore[attr-defined]
        if found is None and self.task_literals and isinstance(program, Primitive):
            family = self.family_of(program.name)
            if family is not None:
                return self._by_name[family]  # type: ignore[attr-defined]
        return found

    def family_of(self, name: str) -> str | None:
        """The task-bound literal family of the constant ``name`` (``FAMILY=VALUE``), or None."""
        if not self.task_literals:
            return None
        parts = split_literal(name)
        if parts is None or parts[0] not in self.task_literals:
            return None
        return parts[0]

    def type_of(self, name: str) -> Type:
        """The polymorphic type of a primitive, invention or task-bound constant; KeyError if unknown."""
        try:
            return self._by_name[name].type  # type: ignore[attr-defined]
        except KeyError:
            family = self.family_of(name)
            if family is None:
                raise
            return self._by_name[family].type  # type: ignore[attr-defined]

    def value(self, name: str) -> Any:
        """The Python value of a primitive.

        Raises:
            EvaluationError: the name is unknown or has no semantics (loaded without checking).
        """
        try:
            return self.values[name]
        except KeyError:
            family = self.family_of(name)
            if family is not None:
                try:
                    return literal_value(name, self.type_of(family))
                except InductError as e:
                    raise EvaluationError(str(e)) from None
            if name in self.task_literals:
                return Lazy(_unbound_family(name), 0)  # fails when run, as a primitive that raises
            known = "declared but has no semantics" if name in self else "not in this library"
            raise EvaluationError(f"cannot run primitive {name!r}: it is {known}") from None

    def arity(self, name: str) -> int:
        if name in self._inventions:  # type: ignore[attr-defined]
            return 0  # inventions are compiled from their bodies (curried)
        try:
            return self._arity[name]  # type: ignore[attr-defined]
        except KeyError:
            if self.family_of(name) is None:
                raise
            return 0

    # --- task-bound literals ---------------------------------------------------------------
    def bind(self, task: Any) -> "Library":
        """This library with each task-bound family given the constants it reads from ``task``
        (itself when it has no such family, or is bound already).

        Raises:
            InductError: an extractor is missing (the library was read without its semantics)
                or failed on the task.
        """
        if not self.task_literals or self.bound is not None:
            return self
        bound = {}
        for family, extractor_name in self.task_literals.items():
            extractor = self.extractors.get(family)
            if extractor is None:
                raise InductError(f"literal family {family} needs its extractor {extractor_name!r}, and the "
                                  f"library was read without its semantics")
            bound[family] = bind_family(family, self.type_of(family), extractor, task,
                                        getattr(extractor, "max_constants", MAX_CONSTANTS))
        return replace(self, bound=bound)

    def constants(self, family: str) -> tuple[str, ...] | None:
        """The constants of a task-bound family in a bound library (None when unbound)."""
        return None if self.bound is None else self.bound.get(family)

    @property
    def primitives(self) -> tuple[Production, ...]:
        return tuple(p for p in self.productions if not p.is_invention)

    @property
    def inventions(self) -> tuple[Production, ...]:
        return tuple(p for p in self.productions if p.is_invention)

    # --- programs ------------------------------------------------------------------------
    def parse(self, text: str) -> Program:
        """Parse a program, reading invention names of this library as inventions."""
        return parse_program(text, self._inventions)  # type: ignore[attr-defined]

    def infer(self, program: Program, environment: tuple[Type, ...] = ()) -> Type:
        return infer_type(program, self.type_of, environment)

    def check(self, program: Program, request: Type) -> Type:
        return check_type(program, request, self.type_of)

    def compile(self, program: Program):
        """Compile once (cached per library) to a closure of the environment."""
        return compile_program(program, self, self._compile_cache)  # type: ignore[attr-defined]

    def run(self, program: Program, inputs: Iterable[Any], limits: Limits = DEFAULT_LIMITS) -> Any:
        """Run a closed program on inputs; returns ``FAILED`` on error or limit."""
        try:
            compiled = self.compile(program)
        except RecursionError:
            return FAILED  # nested too deeply to compile: a failed run, not a crash
        return run_program(compiled, list(inputs), limits)

    # --- growth --------------------------------------------------------------------------
    def with_inventions(self, inventions: Iterable[tuple[str, Program]], log_weight: float = 0.0) -> "Library":
        """A new library with extra inventions (name, closed body); types are inferred."""
        new = list(self.productions)
        names = set(self._by_name)  # type: ignore[attr-defined]

        def lookup(n: str) -> Type:
            return _lookup(new, n, self)

        for name, body in inventions:
            if name in names:
                raise InductError(f"duplicate name {name!r} in library")
            names.add(name)
            t = infer_type(body, lookup)
            new.append(Production(name, t, Invented(body, name), log_weight))
        return replace(self, productions=tuple(new))

    def with_log_weights(self, weights: Mapping[str, float], variable_log_weight: float | None = None) -> "Library":
        new = tuple(Production(p.name, p.type, p.program, float(weights.get(p.name, p.log_weight)))
                    for p in self.productions)
        return replace(self, productions=new,
                       variable_log_weight=self.variable_log_weight if variable_log_weight is None
                       else variable_log_weight)

    def to_text(self) -> str:
        """This library as a grammar file (self-contained: imports are flattened)."""
        from induct.dsl.writer import library_to_text

        return library_to_text(self)


def _unbound_family(name: str) -> Callable[[], Any]:
    def fail() -> Any:
        raise EvaluationError(f"{name} is a task-bound literal family: its constants are read from a task "
                              f"when the library is bound to one")
    return fail


def _lookup(productions: list[Production], name: str, library: Library) -> Type:
    for p in productions:
        if p.name == name:
            return p.type
    return library.type_of(name)  # a task-bound constant, or KeyError
