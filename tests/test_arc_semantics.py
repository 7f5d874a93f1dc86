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
    # Each output is its input turned on its side with every shape painted 4: a colour that
    # the palette gives (a colour rule read after a turn of the input explains it too).
    task = arc_task("paint", [([[5, 0, 5]], [[4], [0], [4]]), ([[0, 6, 6]], [[0], [4], [4]])],
                    [([[2, 2, 0]], [[4], [4], [0]])], "training")
    f = solve_tasks([task], Grammar.uniform(library), "enumerate", SearchConfig(timeout=10, max_frontier=10),
                    workers=0)["paint"]
    assert f.solved and any("COLOR=4" in str(e.program) for e in f.entries)


def _flood_components(g, same, steps):
    """A plain flood fill, the reference for the labelled components: (first cell, cells)."""
    h, w = g.shape
    seen = np.zeros((h, w), dtype=bool)
    found = []
    for r in range(h):
        for c in range(w):
            if seen[r, c] or g[r, c] == 0:
                continue
            stack, cells = [(r, c)], []
            seen[r, c] = True
            while stack:
                y, x = stack.pop()
                cells.append((y, x))
                for dy, dx in steps:
                    ny, nx = y + dy, x + dx
                    if 0 <= ny < h and 0 <= nx < w and not seen[ny, nx] and g[ny, nx] != 0 and same(g[ny, nx], g[r, c]):
                        seen[ny, nx] = True
                        stack.append((ny, nx))
            found.append(cells)
    return found


FOUR = [(1, 0), (-1, 0), (0, 1), (0, -1)]
EIGHT = FOUR + [(1, 1), (1, -1), (-1, 1), (-1, -1)]


@pytest.mark.parametrize("seed", range(30))
def test_labelled_components_match_a_flood_fill(seed):
    from induct.domains.arc.semantics import _multicolour_components

    rng = np.random.default_rng(seed)
    h, w = rng.integers(1, 12, size=2)
    g = np.where(rng.random((h, w)) < 0.5, rng.integers(1, 4, size=(h, w)), 0).astype(np.uint8)
    for diagonal, steps in ((False, FOUR), (True, EIGHT)):
        want = []
        for cells in _flood_components(g, lambda a, b: a == b, steps):
            ys, xs = zip(*cells)
            mask = np.zeros((max(ys) - min(ys) + 1, max(xs) - min(xs) + 1), dtype=bool)
            mask[np.array(ys) - min(ys), np.array(xs) - min(xs)] = True
            want.append((min(ys), min(xs), int(g[cells[0]]), mask.tolist()))
        got = [(o.row, o.col, o.color, o.mask.tolist()) for o in objects(g, diagonal)]
        assert got == want
    blobs = [(min(y for y, _ in cs), max(y for y, _ in cs) + 1, min(x for _, x in cs), max(x for _, x in cs) + 1,
              len(cs)) for cs in _flood_components(g, lambda a, b: True, EIGHT)]
    assert list(_multicolour_components(g)) == blobs
    # fill-enclosed: background cells whose background component does not touch the border
    holes = np.zeros_like(g, dtype=bool)
    for cells in _flood_components(np.where(g == 0, 1, 0), lambda a, b: True, FOUR):
        if not any(y in (0, h - 1) or x in (0, w - 1) for y, x in cells):
            holes[tuple(zip(*cells))] = True
    if holes.any():
        assert P["fill-enclosed"](g, 7).tolist() == np.where(holes, 7, g).tolist()
    else:
        with pytest.raises(ValueError):
            P["fill-enclosed"](g, 7)


def test_a_grid_passes_between_primitives_without_conversion():
    import json
    import pickle

    from induct.domains.arc.semantics import PRIMITIVES as RUN, _inward, _objects_of

    g = [[1, 0, 0], [0, 2, 2]]
    once = RUN["rot90"](g)
    assert once == [[0, 1], [2, 0], [2, 0]] and json.loads(json.dumps(once)) == once
    assert _inward(once) is once.array and not once.array.flags.writeable  # read as it is, never written
    back = pickle.loads(pickle.dumps(once))
    assert back == once and _inward(back) is back.array
    task = arc_task("t", [(g, g)], [(g, g)], "training")
    for grid in (task.examples[0].inputs[0], task.metadata["test_inputs"][0]):  # task inputs too
        assert grid == g and _inward(grid) is grid.array
    _objects_of.cache_clear()
    assert RUN["count-objects"](once) == RUN["count-objects"](RUN["rot270"](RUN["rot90"](once)))
    assert _objects_of.cache_info()[:2] == (1, 1)  # (hits, misses): the same grid's components are found once


def test_rotations_by_slicing_agree_with_numpy():
    rng = np.random.default_rng(1)
    for _ in range(20):
        g = rng.integers(0, 10, size=tuple(rng.integers(1, 7, size=2))).astype(np.uint8)
        for name, want in (("rot90", np.rot90(g, -1)), ("rot180", np.rot90(g, 2)), ("rot270", np.rot90(g, 1)),
                           ("antitranspose", np.rot90(g, 2).T)):
            assert P[name](g).tolist() == want.tolist(), name


def test_lines_boxes_and_specks():
    g = np.array([[1, 0, 0, 1],
                  [0, 2, 0, 0],
                  [0, 0, 0, 0],
                  [0, 2, 0, 3]], dtype=np.uint8)
    # connect-lines: same-coloured cells facing each other over background, along rows and columns
    assert P["connect-lines"](g).tolist() == [[1, 1, 1, 1], [0, 2, 0, 0], [0, 2, 0, 0], [0, 2, 0, 3]]
    with pytest.raises(ValueError):
        P["connect-lines"](np.array([[1, 0, 2]], dtype=np.uint8))  # different colours: nothing to join
    # fill-boxes: background inside each 8-connected blob's bounding box (1 and 2 touch diagonally)
    assert P["fill-boxes"](g, 5).tolist() == [[1, 5, 0, 1], [5, 2, 0, 0], [0, 0, 0, 0], [0, 2, 0, 3]]
    # box-outline: background on the one-cell ring around each box, clipped at the border
    assert P["box-outline"](g, 5).tolist() == [[1, 0, 5, 1], [0, 2, 5, 5], [5, 5, 5, 5], [5, 2, 5, 3]]
    with pytest.raises(ValueError):
        P["fill-boxes"](np.array([[1, 1], [1, 1]], dtype=np.uint8), 5)  # a full box: nothing to fill
    # remove-specks: single-cell objects (of one colour, 8-connected) are cleared; larger ones stay
    h = np.array([[3, 3, 0], [0, 0, 0], [0, 0, 4]], dtype=np.uint8)
    assert P["remove-specks"](h).tolist() == [[3, 3, 0], [0, 0, 0], [0, 0, 0]]
    with pytest.raises(ValueError):
        P["remove-specks"](np.array([[3, 3]], dtype=np.uint8))
