"""Parts picked by a property (arc.induct's PART family) and hidden parts of regular patterns restored."""

import json

import numpy as np
import pytest

from induct.domains.arc.completion import complete_periodic, complete_symmetric
from induct.domains.arc.data import arc_task
from induct.domains.arc.parts import part_selectors, select_part


def _grid(h, w, shapes):
    g = np.zeros((h, w), dtype=np.uint8)
    for r, c, cells, colour in shapes:
        for dr, dc in cells:
            g[r + dr, c + dc] = colour
    return g


RING = [(0, 0), (0, 1), (0, 2), (1, 0), (1, 2), (2, 0), (2, 1), (2, 2)]   # a ring: one hole
BAR = [(0, 0), (0, 1), (0, 2), (1, 0)]                                     # no hole
DOT = [(0, 0), (1, 0)]


def _ring_task():
    # each output is the one shape with a hole, turned a quarter; the shapes' colours and
    # places change, and the ring is neither the largest nor the smallest in every input
    def pair(shapes, ring_colour):
        x = _grid(10, 10, shapes)
        ring = np.full((3, 3), ring_colour, dtype=np.uint8)
        ring[1, 1] = 0
        ring[0, 2] = ring_colour
        return x, ring[::-1].T
    pairs = []
    for shapes, colour in [([(1, 1, RING, 2), (5, 5, BAR, 3), (7, 1, DOT, 4)], 2),
                           ([(6, 6, RING, 7), (1, 1, BAR + [(1, 1), (1, 2), (2, 0), (2, 1)], 1)], 7),
                           ([(2, 5, RING, 1), (7, 2, DOT, 6)], 1)]:
        x, y = pair(shapes, colour)
        pairs.append((x.tolist(), y.tolist()))
    test_x, test_y = pair([(4, 2, BAR, 5), (0, 6, RING, 8), (6, 7, DOT, 3)], 8)
    return arc_task("ring", pairs, [(test_x.tolist(), test_y.tolist())], "training")


def test_a_part_picked_by_a_property_is_read_from_the_pairs_and_applies_to_the_test_input():
    task = _ring_task()
    selectors = part_selectors(task)
    assert ["object4", "box", "holes", "max"] in selectors
    test_x, test_y = task.metadata["test_inputs"][0], task.metadata["test_outputs"][0]
    part = select_part(np.asarray(test_x, dtype=np.uint8), ["object4", "box", "holes", "max"])
    assert part[::-1].T.tolist() == test_y


def test_a_search_turns_the_picked_part_and_its_constant_round_trips():
    from induct.domain import get_domain
    from induct.grammar import Grammar
    from induct.search import SearchConfig, solve_tasks

    library = get_domain("arc").load_library()
    task = _ring_task()
    f = solve_tasks([task], Grammar.uniform(library), "enumerate", SearchConfig(timeout=10, max_frontier=3),
                    workers=0)["ring"]
    assert f.solved and "select-part" in str(f.best.program) and "PART=" in str(f.best.program)
    assert library.parse(str(f.best.program)) == f.best.program
    predictive = f.predict(library, [task.metadata["test_inputs"][0]])
    assert max(predictive, key=predictive.get) == json.dumps(task.metadata["test_outputs"][0])


def test_a_tied_extreme_picks_nothing_and_a_bad_selector_is_refused():
    two = _grid(6, 6, [(0, 0, DOT, 1), (3, 3, DOT, 2)])
    with pytest.raises(ValueError, match="ties"):
        select_part(two, ["object4", "box", "size", "max"])
    assert select_part(two, ["object4", "box", "top", "max"]).tolist() == [[2], [2]]
    for bad in (["object4", "box", "size"], ["object9", "box", "size", "max"], "size", None):
        with pytest.raises(ValueError, match="not a part selector"):
            select_part(two, bad)
    # an output the size of its input is no part of it: no selectors
    same = arc_task("same", [(two.tolist(), two.tolist())], [], "training")
    assert part_selectors(same) == []
    # nor is it one when a selector picks it on a new grid: the program fails, not returns its input
    with pytest.raises(ValueError, match="whole grid"):
        select_part(np.ones((2, 2), dtype=np.uint8), ["blob", "box", "size", "max"])


def _mosaic(seed, side=12):
    rng = np.random.default_rng(seed)
    quarter = rng.integers(1, 8, size=(side // 2, side // 2))
    top = np.hstack([quarter, quarter[:, ::-1]])
    return np.vstack([top, top[::-1]]).astype(np.uint8)


def test_a_symmetric_mosaic_is_restored_whole_or_as_the_patch_it_hid():
    full = _mosaic(0)
    hidden = full.copy()
    hidden[2:5, 3:7] = 9
    assert complete_symmetric(hidden, 9).tolist() == full.tolist()
    assert complete_symmetric(hidden, 9, patch=True).tolist() == full[2:5, 3:7].tolist()
    # an axis off the grid's centre: a border column the pattern does not reach
    shifted = np.hstack([np.full((12, 1), 8, dtype=np.uint8), hidden])
    assert complete_symmetric(shifted, 9)[:, 1:].tolist() == full.tolist()
    # noise has no symmetry to read
    noise = np.random.default_rng(1).integers(1, 8, size=(10, 10)).astype(np.uint8)
    noise[4:6, 4:6] = 9
    with pytest.raises(ValueError):
        complete_symmetric(noise, 9)


def test_a_repeating_pattern_is_restored_from_its_smallest_period():
    tile = np.array([[1, 2, 3], [4, 5, 6]], dtype=np.uint8)
    full = np.tile(tile, (4, 3))
    hidden = full.copy()
    hidden[1:4, 2:6] = 0
    assert complete_periodic(hidden, 0).tolist() == full.tolist()
    assert complete_periodic(hidden, 0, patch=True).tolist() == full[1:4, 2:6].tolist()
    with pytest.raises(ValueError, match="nothing hidden"):
        complete_periodic(full, 0)


def test_the_palette_keeps_every_colour_so_a_search_finds_the_rarest_as_the_cover():
    from induct.domain import get_domain
    from induct.grammar import Grammar
    from induct.search import SearchConfig, solve_tasks

    pairs, test = [], None
    for seed, box in [(2, (1, 4, 2, 5)), (3, (6, 8, 0, 2)), (4, (7, 9, 7, 10)), (5, (2, 4, 5, 7))]:
        full = _mosaic(seed)
        full[0, 0] = full[0, -1] = full[-1, 0] = full[-1, -1] = 8  # a ninth colour, rare
        hidden = full.copy()
        a, b, c, d = box
        hidden[a:b, c:d] = 0  # the cover: in the train grids, the rarest colour of all
        if test is None:
            test = (hidden.tolist(), full.tolist())
        else:
            pairs.append((hidden.tolist(), full.tolist()))
    task = arc_task("mosaic", pairs, [test], "training")
    library = get_domain("arc").load_library()
    bound = Grammar.uniform(library).bind(task).library
    assert len(bound.constants("COLOR")) == 9 and "COLOR=0" in bound.constants("COLOR")
    f = solve_tasks([task], Grammar.uniform(library), "enumerate", SearchConfig(timeout=10, max_frontier=3),
                    workers=0)["mosaic"]
    assert f.solved
    predictive = f.predict(library, [task.metadata["test_inputs"][0]])
    assert max(predictive, key=predictive.get) == json.dumps(test[1])


def _bands(seed):
    # three 3 x 4 bands cut by lines of 5; each output cell is 6 where exactly one band's
    # cell is filled (whatever its colour), else 0
    rng = np.random.default_rng(seed)
    bands = [rng.integers(0, 2, size=(3, 4)) * rng.integers(1, 4, size=(3, 4)) for _ in range(3)]
    line = np.full((1, 4), 5)
    x = np.vstack([bands[0], line, bands[1], line, bands[2]]).astype(np.uint8)
    y = np.where(sum((b != 0).astype(int) for b in bands) == 1, 6, 0).astype(np.uint8)
    return x.tolist(), y.tolist()


def test_a_stack_rule_makes_each_cell_from_the_parts_and_a_search_applies_it():
    from induct.domain import get_domain
    from induct.domains.arc.stacks import combine, stack_rules
    from induct.grammar import Grammar
    from induct.search import SearchConfig, solve_tasks

    task = arc_task("bands", [_bands(s) for s in range(4)], [_bands(9)], "training")
    rules = stack_rules(task)
    assert rules and rules[0][:2] == ["lines:5", "filled"]
    test_x, test_y = task.metadata["test_inputs"][0], task.metadata["test_outputs"][0]
    assert combine(np.asarray(test_x, dtype=np.uint8), rules[0]).tolist() == test_y
    library = get_domain("arc").load_library()
    f = solve_tasks([task], Grammar.uniform(library), "enumerate", SearchConfig(timeout=10, max_frontier=3),
                    workers=0)["bands"]
    assert f.solved and "STACK=" in str(f.best.program)
    predictive = f.predict(library, [test_x])
    assert max(predictive, key=predictive.get) == json.dumps(test_y)
    # a stack the rule never saw fails rather than guess, and a malformed rule is refused
    with pytest.raises(ValueError, match="not seen"):
        combine(np.asarray(test_x, dtype=np.uint8), ["lines:5", "filled", [[0, 0, 0, 0]]])
    with pytest.raises(ValueError, match="not a"):
        combine(np.asarray(test_x, dtype=np.uint8), ["lines:5", "shade", []])
    with pytest.raises(ValueError, match="not a"):
        combine(np.asarray(test_x, dtype=np.uint8), ["lines:5", "filled", [[]]])
    # a grid given as rows is read as one
    assert combine(test_x, rules[0]).tolist() == test_y
