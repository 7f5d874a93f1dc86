"""Property tests of Hindley–Milner types: text round-trip and the laws of unification."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from induct.errors import InductError, TypeUnificationError
from induct.types import (
    Substitution, TypeConstructor, TypeParseError, TypeVariable, arrow, canonical, free_type_variables,
    generalize, instantiate, parse_type, show_type, tint, tlist, unify,
)

CONSTANTS = [TypeConstructor("int"), TypeConstructor("bool"), TypeConstructor("char"), TypeConstructor("tower")]


def types(max_variable: int = 4, offset: int = 0):
    """Random types over int/bool/char/tower, list(.), pair(., .) and arrows."""
    leaves = st.one_of(st.sampled_from(CONSTANTS),
                       st.integers(0, max_variable).map(lambda i: TypeVariable(i + offset)))

    def extend(inner):
        return st.one_of(
            inner.map(tlist),
            st.tuples(inner, inner).map(lambda ab: TypeConstructor("pair", ab)),
            st.tuples(inner, inner).map(lambda ab: arrow(*ab)),
        )

    return st.recursive(leaves, extend, max_leaves=12)


def _substitute(t, mapping):
    if isinstance(t, TypeVariable):
        return mapping.get(t.index, t)
    return TypeConstructor(t.name, tuple(_substitute(a, mapping) for a in t.args))


def _same_up_to_renaming(a, b) -> bool:
    return canonical(a) == canonical(b)


@given(types())
def test_type_text_round_trips(t):
    text = show_type(t)
    assert parse_type(text) == t
    assert show_type(parse_type(text)) == text


@given(types())
def test_letter_variables_parse_like_numbered_ones(t):
    # Writing t0, t1 ... as a, b ... gives the same type up to renaming.
    text = show_type(canonical(t))
    for i in reversed(range(5)):
        text = text.replace(f"t{i}", "abcde"[i])
    assert _same_up_to_renaming(parse_type(text), t)


def test_letters_and_numbered_variables_stay_distinct():
    t = parse_type("a -> t0")
    assert t.args[0] != t.args[1]
    assert show_type(parse_type("list(int) -> (int -> bool) -> list(t0)")) == "list(int) -> (int -> bool) -> list(t0)"


@pytest.mark.parametrize("text", ["", "->", "int ->", "list(", "list(int", "(int", "int)", "list(int,)", "int int", "%"])
def test_malformed_types_raise_a_located_error(text):
    with pytest.raises(TypeParseError) as info:
        parse_type(text)
    assert isinstance(info.value, InductError)
    assert "column" in str(info.value)


@given(types(), st.data())
def test_unifier_of_an_instance_makes_both_sides_equal(t, data):
    # Map each variable of t to a type over disjoint variables (t10 ...): t and the instance unify.
    mapping = {v: data.draw(types(offset=10)) for v in free_type_variables(t)}
    instance = _substitute(t, mapping)
    s = unify(t, instance, Substitution().reserve(20))
    assert s.apply(t) == s.apply(instance)
    assert free_type_variables(s.apply(instance)) == free_type_variables(instance)


@given(types(), types())
def test_unification_is_sound_and_symmetric_up_to_renaming(a, b):
    try:
        ab = unify(a, b)
    except TypeUnificationError:
        with pytest.raises(TypeUnificationError):
            unify(b, a)
        return
    ba = unify(b, a)
    assert ab.apply(a) == ab.apply(b)
    assert ba.apply(a) == ba.apply(b)
    assert _same_up_to_renaming(ab.apply(a), ba.apply(a))


@given(types())
def test_unifying_a_type_with_itself_binds_nothing(t):
    s = unify(t, t)
    assert len(s) == 0
    assert s.apply(t) == t


@given(types(max_variable=2))
def test_occurs_check_refuses_a_variable_inside_a_larger_type(t):
    v = TypeVariable(7)
    for container in (tlist(v), arrow(v, t), arrow(t, v), TypeConstructor("pair", (t, tlist(v)))):
        with pytest.raises(TypeUnificationError, match="occurs"):
            unify(v, container)
        with pytest.raises(TypeUnificationError, match="occurs"):
            unify(container, v)


def test_occurs_check_on_t0_and_list_t0():
    t0 = TypeVariable(0)
    with pytest.raises(TypeUnificationError, match="occurs check"):
        unify(t0, tlist(t0))
    # ... also when the cycle only appears through an earlier binding.
    s = unify(TypeVariable(1), tlist(t0))
    with pytest.raises(TypeUnificationError, match="occurs check"):
        unify(t0, TypeVariable(1), s)


@given(types(), types())
def test_substitutions_are_values(a, b):
    s0 = Substitution()
    try:
        s1 = unify(a, b, s0)
    except TypeUnificationError:
        s1 = s0
    assert len(s0) == 0 and s0.next_variable == 0
    v, s2 = s1.fresh()
    assert s2.next_variable == s1.next_variable + 1 and v == TypeVariable(s1.next_variable)


@given(types())
def test_instantiate_gives_fresh_variables_of_the_same_shape(t):
    s = Substitution().reserve(100)
    fresh, s2 = instantiate(t, s)
    assert _same_up_to_renaming(fresh, t)
    assert all(v >= 100 for v in free_type_variables(fresh))
    assert s2.next_variable == 100 + len(free_type_variables(t))


@given(types())
def test_generalize_canonicalises_variables(t):
    g = generalize(t, Substitution())
    assert sorted(free_type_variables(g)) == list(range(len(free_type_variables(t))))
    assert generalize(t, Substitution(), [t]) == t


def test_constructor_clash_names_both_types():
    with pytest.raises(TypeUnificationError, match=r"int.*bool"):
        unify(arrow(tint, tint), arrow(TypeConstructor("bool"), tint))


@settings(max_examples=50)
@given(types())
def test_show_type_parenthesises_arrow_arguments(t):
    f = arrow(arrow(t, tint), tint)
    assert show_type(f).startswith("(")
    assert parse_type(show_type(f)) == f
