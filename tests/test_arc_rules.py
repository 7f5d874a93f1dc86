"""Local rewrite rules read from a grid task's train pairs (arc.induct's RULE family)."""

import json

import numpy as np
import pytest

from induct.domains.arc.data import arc_task
from induct.domains.arc.rules import FEATURE_SETS, cell_features, fit_rule, local_rules, rewrite

# Each output marks (colour 3) the background cells that sit between two filled cells of a
# row: a rule keyed on the first colour met left and right.  The grids differ, so a table
# that memorised where the cells are could not predict one pair from the others.
PAIRS = [
    ([[0, 0, 0, 0, 0],
      [5, 0, 0, 5, 0],
      [0, 0, 0, 0, 0]],
     [[0, 0, 0, 0, 0],
      [5, 3, 3, 5, 0],
      [0, 0, 0, 0, 0]]),
    ([[0, 0, 0, 0],
      [0, 0, 0, 0],
      [5, 0, 5, 0]],
     [[0, 0, 0, 0],
      [0, 0, 0, 0],
      [5, 3, 5, 0]]),
    ([[5, 0, 0, 0, 5, 0],
      [0, 0, 0, 0, 0, 0]],
     [[5, 3, 3, 3, 5, 0],
      [0, 0, 0, 0, 0, 0]]),
]
TEST = ([[0, 0, 0, 0, 0, 0, 0],
         [0, 5, 0, 0, 0, 0, 5]],
        [[0, 0, 0, 0, 0, 0, 0],
         [0, 5, 3, 3, 3, 3, 5]])


def _task(pairs=PAIRS, test=TEST, name="between"):
    return arc_task(name, pairs, [test], "training")


def test_the_rules_of_a_task_are_consistent_right_on_each_pair_from_the_others_and_predict_its_test():
    rules = local_rules(_task())
    assert rules, "no rule read from the pairs"
    for rule in rules:
        assert rule[0].startswith("colour+")
        for x, y in PAIRS:
            assert rewrite(np.array(x, dtype=np.uint8), rule).tolist() == y
    # the simplest rule (fewest features, then smallest table) comes first and generalises
    assert rewrite(np.array(TEST[0], dtype=np.uint8), rules[0]).tolist() == TEST[1]
    assert len(rules[0][0].split("+")) == 2


def test_a_table_that_only_memorises_its_pairs_is_not_a_rule():
    # Each pair recolours one cell chosen at random: every consistent table of fine features
    # gets the held-out pair wrong, and a colour map is inconsistent (0 stays 0 elsewhere).
    rng = np.random.default_rng(0)
    pairs = []
    for _ in range(3):
        x = rng.integers(0, 3, size=(4, 4))
        y = x.copy()
        r, c = rng.integers(0, 4, size=2)
        y[r, c] = 7
        pairs.append((x.tolist(), y.tolist()))
    assert local_rules(_task(pairs, (pairs[0][0], pairs[0][1]), "noise")) == []


def test_a_colour_map_is_a_rule_even_from_one_pair_and_shape_changes_give_none():
    rules = local_rules(_task([([[1, 2], [2, 0]], [[4, 2], [2, 0]])], ([[1]], [[4]]), "map"))
    assert rules[0] == ["colour", [[1, 4]]]
    assert local_rules(_task([([[1, 2]], [[1], [2]]), ([[3, 0]], [[3], [0]])], ([[1]], [[1]]), "turn")) == []


def test_fit_rule_refuses_a_key_given_two_colours():
    x = np.array([[1, 1]], dtype=np.uint8)
    assert fit_rule([(x, np.array([[1, 2]], dtype=np.uint8))], ()) is None
    assert fit_rule([(x, np.array([[2, 2]], dtype=np.uint8))], ()) == {(1,): 2}
    assert all(len(names) <= 2 for names in FEATURE_SETS)


def test_cell_features_see_neighbours_rays_and_enclosure():
    g = np.array([[1, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=np.uint8)
    f = cell_features(g)
    assert f["enclosed"][0].tolist() == [[0, 0, 0], [0, 1, 0], [0, 0, 0]]
    assert [s[0, 0] for s in f["sides"]] == [-1, 1, -1, 1]  # up, down, left, right
    assert [r[1, 1] for r in f["rays"]] == [1, 1, 1, 1]
    assert f["count4"][0][1, 1] == 4


@pytest.mark.parametrize("rule", [None, "colour", ["sideways", []], ["colour+nonsense", []], ["colour", [[1]]],
                                  ["colour+sides", [[0, 1, 2, 3, 4]]], ["colour", [[1, 12]]]])
def test_rewrite_refuses_what_is_not_a_rule(rule):
    g = np.zeros((2, 2), dtype=np.uint8)
    with pytest.raises(ValueError, match="not a rule"):
        rewrite(g, rule)


def test_a_search_finds_a_rule_whose_constant_round_trips_and_costs_its_share_of_the_family():
    from induct.domain import get_domain
    from induct.grammar import Grammar
    from induct.search import SearchConfig, solve_tasks

    library = get_domain("arc").load_library()
    task = _task()
    f = solve_tasks([task], Grammar.uniform(library), "enumerate", SearchConfig(timeout=10, max_frontier=3),
                    workers=0)["between"]
    assert f.solved
    program = f.best.program
    assert "rewrite" in str(program) and "RULE=" in str(program)
    # a program holding a rule is written and read back like any other
    again = library.parse(str(program))
    assert again == program
    predictive = f.predict(library, [task.metadata["test_inputs"][0]])
    assert max(predictive, key=predictive.get) == json.dumps(TEST[1])
    # a rule costs the family's probability shared among the task's rules: the program
    # that applies a rule, times the number of rules, is as probable for any task
    def share(t):
        grammar = Grammar.uniform(library).bind(t)
        rules = grammar.library.constants("RULE")
        priors = {grammar.log_prior(library.parse(f"(lambda (rewrite $0 {r}))"), t.request_type) for r in rules}
        assert len(priors) == 1
        return len(rules), priors.pop()

    (k1, p1), (k2, p2) = share(task), share(_task([([[1, 2], [2, 0]], [[4, 2], [2, 0]])], ([[1]], [[4]]), "map"))
    assert k1 != k2
    assert p1 + np.log(k1) == pytest.approx(p2 + np.log(k2))


def test_a_rule_is_read_after_a_view_of_the_input_and_a_search_applies_it_there():
    from induct.domain import get_domain
    from induct.domains.arc.semantics import local_rules as arc_rules
    from induct.grammar import Grammar
    from induct.search import SearchConfig, solve_tasks

    # each output is its input scaled by 2 with colour 1 made 4 (and 2 made 6): no rule of the
    # inputs themselves (the shapes differ), one of the inputs scaled
    pairs = [([[1, 0], [2, 1]], [[4, 4, 0, 0], [4, 4, 0, 0], [6, 6, 4, 4], [6, 6, 4, 4]]),
             ([[0, 2], [1, 0]], [[0, 0, 6, 6], [0, 0, 6, 6], [4, 4, 0, 0], [4, 4, 0, 0]])]
    test = ([[2, 2], [0, 1]], [[6, 6, 6, 6], [6, 6, 6, 6], [0, 0, 4, 4], [0, 0, 4, 4]])
    task = _task(pairs, test, "scaled")
    assert local_rules(task) == []
    assert ["colour", [[1, 4], [2, 6]]] in arc_rules(task)
    library = get_domain("arc").load_library()
    f = solve_tasks([task], Grammar.uniform(library), "enumerate", SearchConfig(timeout=10, max_frontier=3),
                    workers=0)["scaled"]
    assert f.solved and "rewrite" in str(f.best.program)
    predictive = f.predict(library, [task.metadata["test_inputs"][0]])
    assert max(predictive, key=predictive.get) == json.dumps(test[1])


def test_a_rank_rule_reads_colours_by_their_rank_so_it_serves_a_test_of_new_colours():
    # Each ring is filled with its own colour: a rule on colours would need to have seen the
    # test's colour; on ranks (the ring's colour is the grid's most frequent but background)
    # it has.
    def ring(c):
        return [[c, c, c, 0], [c, 0, c, 0], [c, c, c, 0]]

    def filled(c):
        return [[c, c, c, 0], [c, c, c, 0], [c, c, c, 0]]

    task = _task([(ring(2), filled(2)), (ring(5), filled(5))], (ring(7), filled(7)), "rings")
    rules = local_rules(task)
    assert rules and all(r[0].startswith("rank") for r in rules)
    assert rewrite(np.array(ring(7), dtype=np.uint8), rules[0]).tolist() == filled(7)
    # a rank the grid lacks is refused, not guessed
    with pytest.raises(ValueError, match="rank"):
        rewrite(np.zeros((2, 2), dtype=np.uint8), ["rank", [[0, 1]]])


def test_a_shape_takes_the_colour_of_its_marker_cell_and_a_shape_with_a_hole_is_told_apart():
    def shapes(spec, h=8, w=8):
        x = np.zeros((h, w), dtype=np.uint8)
        y = x.copy()
        for r, c, marker in spec:   # a 2 x 3 bar of 5 with one marker cell at its start
            x[r:r + 2, c:c + 3] = 5
            x[r, c] = marker
            y[r:r + 2, c:c + 3] = marker
        return x.tolist(), y.tolist()

    pairs = [shapes([(0, 0, 2), (4, 4, 3)]), shapes([(1, 4, 3), (5, 0, 4)]), shapes([(0, 3, 4), (5, 3, 2)])]
    test = shapes([(3, 1, 4), (0, 5, 2)])
    rules = local_rules(_task(pairs, test, "marker"))
    assert rules and "marker" in rules[0][0]
    assert rewrite(np.array(test[0], dtype=np.uint8), rules[0]).tolist() == test[1]
    # the features of a ring and a bar: the ring encloses one cell, and two bars are alike
    g = np.zeros((6, 9), dtype=np.uint8)
    g[0:3, 0:3] = 1
    g[1, 1] = 0
    g[4, 0:3] = 2
    g[4, 5:8] = 2
    found = cell_features(g)
    assert found["holes"][0][0, 0] == 1 and found["holes"][0][4, 0] == 0
    assert found["alike"][0][4, 0] == 2 and found["alike"][0][0, 0] == 1
    assert found["border"][0][0, 0] == 1 and found["border"][0][4, 5] == 0
