import numpy as np
import pytest

from induct.domains.arc.data import arc_task
from induct.domains.arc.semantics import NUMPY_PRIMITIVES as P, objects
from induct.errors import TaskError

G = np.array([[1, 2, 0], [0, 3, 0]], dtype=np.uint8)


def test_geometry():
    assert P["rot90"](G).tolist() == [[0, 1], [3, 2], [0, 0]]
    assert P["flip-h"](G).tolist() == [[0, 2, 1], [0, 3, 0]]
    assert P["transpose"](G).shape == (3, 2)


def test_objects_and_fill():
    g = np.array([[5, 5, 5], [5, 0, 5], [5, 5, 5]], dtype=np.uint8)
    assert [o.size for o in objects(g)] == [8]
    assert P["fill-enclosed"](g, 4)[1, 1] == 4


def test_huge_grid_fails_fast():
    with pytest.raises(ValueError):
        P["scale"](np.ones((30, 30), dtype=np.uint8), 3)


@pytest.mark.parametrize("grid", [[[1, 2], [3]], [[1, 12]], []])
def test_malformed_grids_refused_with_task_name(grid):
    with pytest.raises(TaskError, match="bad1"):
        arc_task("bad1", [(grid, [[1]])], [], "training")


def test_programs_see_grids_as_lists_of_rows_and_the_palette_gives_the_colours():
    from induct.domains.arc.semantics import PRIMITIVES as RUN, palette

    g = [[1, 0], [0, 2]]
    assert RUN["rot90"](g) == [[0, 1], [2, 0]]
    recoloured = RUN["map-objects"](lambda o: RUN["recolor-obj"](o, 5), RUN["objects"](g))
    assert RUN["paint-all"]([[0, 0], [0, 0]], recoloured) == [[5, 0], [0, 5]]
    assert RUN["argmax-objects"](RUN["obj-size"], RUN["objects"]([[1, 1], [0, 2]])).color == 1
    task = arc_task("p", [([[3, 3, 0]], [[3, 0, 0]]), ([[7, 0, 0]], [[0, 0, 7]])], [], "training")
    assert palette(task) == [0, 3, 7]


def test_a_search_solves_a_task_through_a_palette_colour():
    from induct.domain import get_domain
    from induct.grammar import Grammar
    from induct.search import SearchConfig, solve_tasks

    library = get_domain("arc").load_library()
    task = arc_task("fill", [([[5, 5, 5], [5, 0, 5], [5, 5, 5]], [[5, 5, 5], [5, 4, 5], [5, 5, 5]]),
                             ([[0, 6, 0], [6, 0, 6], [0, 6, 0]], [[0, 6, 0], [6, 4, 6], [0, 6, 0]])],
                    [([[2, 2], [2, 2]], [[2, 2], [2, 2]])], "training")
    f = solve_tasks([task], Grammar.uniform(library), "enumerate", SearchConfig(timeout=10), workers=0)["fill"]
    assert f.solved and "COLOR=4" in str(f.entries[0].program)
