from induct.programs import parse_program, show


def test_round_trip_simple(lists_library):
    p = lists_library.parse("(lambda (map (lambda (+ $0 1)) $0))")
    assert parse_program(show(p)) == p
    assert lists_library.run(p, [[1, 2, 3]]) == [2, 3, 4]
