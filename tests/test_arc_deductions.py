"""Grid deductions: an output made of input-sized blocks is one hole per block."""

import numpy as np
import pytest

from induct.domain import get_domain
from induct.domains.arc.data import arc_task
from induct.domains.arc.deductions import Blocks
from induct.grammar import Grammar
from induct.programs import Primitive
from induct.search import SearchConfig, solve_task
from induct.search.decompose import _combinations


@pytest.fixture(scope="module")
def arc():
    domain = get_domain("arc")
    return domain, domain.load_library()


def _task(name, make, sides=((2, 3), (3, 3), (4, 2)), seed=0):
    rng = np.random.default_rng(seed)
    pairs = []
    for h, w in sides:
        x = rng.integers(0, 10, (h, w))
        pairs.append((x.tolist(), make(x).tolist()))
    return arc_task(name, pairs, [], "train")


def test_four_transforms_in_the_corners_are_found_through_their_blocks(arc):
    domain, library = arc
    # Seven primitives deep as a whole; four searches of one primitive each through the blocks.
    task = _task("corners", lambda x: np.vstack([np.hstack([x, x.T[::-1]]), np.hstack([x[::-1], x[::-1, ::-1]])]),
                 sides=((3, 3), (4, 4), (2, 2)))
    config = SearchConfig(timeout=20, deductions=domain.deductions)
    frontier = solve_task(task, Grammar.uniform(library), "enumerate", config)
    assert frontier.solved and frontier.stats.strategy == "enumerate+deduction"
    program = str(frontier.best.program)
    assert program.startswith("(lambda (vconcat (hconcat $0") and "rot180" in program


def test_a_tiling_of_one_transform_is_one_hole(arc):
    _, library = arc
    task = _task("three-flips", lambda x: np.hstack([x[:, ::-1]] * 3))
    [sub] = Blocks().split(task, library)
    assert len(sub.holes) == 3 and sub.label == "blocks 1x3"
    assert len({repr([e.output for e in h.examples]) for h in sub.holes}) == 1
    flip = library.parse("(lambda (flip-h $0))")
    whole = sub.assemble(flip, flip, flip)
    assert str(whole) == "(lambda (hconcat (hconcat (flip-h $0) (flip-h $0)) (flip-h $0)))"
    assert all(library.run(whole, list(e.inputs)) == e.output for e in task.examples)


@pytest.mark.parametrize("make", [lambda x: x[::-1], lambda x: np.hstack([x, x])[:, :-1],
                                  lambda x: np.kron(x, np.ones((4, 4), int))])
def test_blocks_apply_only_to_whole_arrangements_of_input_sized_blocks(arc, make):
    """Same size, not a multiple of the input, or more than 3 x 3 blocks: no holes."""
    _, library = arc
    assert list(Blocks().split(_task("other", make), library)) == []


def test_holes_are_combined_best_first():
    a, b = [Primitive(f"a{i}") for i in range(3)], [Primitive(f"b{i}") for i in range(2)]
    combos = _combinations([a, b], 64)
    assert len(combos) == 6 and combos[0] == (a[0], b[0])
    ranks = [a.index(x) + b.index(y) for x, y in combos]
    assert ranks == sorted(ranks)
    assert _combinations([a, b], 2) == [(a[0], b[0]), (a[0], b[1])]
