"""A library written back as a grammar file loads again to the same library."""

from __future__ import annotations

import pytest

from induct.dsl import load_library, parse_library


def _signature(library):
    return [(p.name, p.type, round(p.log_weight, 9), p.program) for p in library.productions]


@pytest.mark.parametrize("grammar", ["lists", "text"])
def test_shipped_grammars_round_trip_through_text(grammar):
    library = load_library(grammar)
    again = parse_library(library.to_text(), path=f"{grammar}-again.induct")
    assert _signature(again) == _signature(library)
    assert again.literal_families == library.literal_families
    assert again.semantics_module == library.semantics_module


def test_learned_inventions_and_weights_round_trip(lists_library):
    grown = lists_library.with_inventions([("inc", lists_library.parse("(lambda (+ $0 1))"))])
    grown = grown.with_inventions([("inc2", grown.parse("(lambda (inc (inc $0)))"))], log_weight=-1.5)
    grown = grown.with_log_weights({"map": 0.25})
    text = grown.to_text()
    assert "invention inc2 = (lambda (inc (inc $0))) : int -> int @ 0.22313" in text
    again = parse_library(text)
    assert [(p.name, str(p.type)) for p in again.inventions] == [("inc", "int -> int"), ("inc2", "int -> int")]
    assert again.production("map").log_weight == pytest.approx(0.25, abs=1e-5)
    assert again.production("inc2").log_weight == pytest.approx(-1.5, abs=1e-5)
    assert again.run(again.parse("(lambda (inc2 (inc $0)))"), [1]) == 4


def test_an_invention_using_an_earlier_one_is_written_by_name():
    from pathlib import Path

    from induct.dsl import load_library, parse_library
    from induct.programs import Application, Invented, Primitive

    lib = load_library(Path(__file__).parent / "data" / "tiny.induct", check_semantics=False)
    plus_1 = Application(Primitive("+"), Primitive("1"))
    lib = lib.with_inventions([("plus_1", plus_1)])
    # Compression hands back bodies whose inventions carry no name.
    twice = Application(Invented(plus_1), Application(Invented(plus_1), Primitive("1")))
    lib = lib.with_inventions([("plus_2", twice)])
    text = lib.to_text()
    assert "invention plus_2 = (plus_1 (plus_1 1))" in text, text
    again = parse_library(text, check_semantics=False)
    assert again.to_text() == text
