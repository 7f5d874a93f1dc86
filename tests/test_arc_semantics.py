import numpy as np
import pytest

from induct.domains.arc.data import arc_task
from induct.domains.arc.semantics import PRIMITIVES as P, objects
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
