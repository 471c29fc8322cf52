"""Small-number suppression: cells under 5 hidden, and no hidden cell recoverable from totals.

Recoverability is checked by linear algebra, independently of how ``suppression`` chooses:
the shown numbers give one equation per row and column (cells add up to their total); a
hidden cell can be worked out exactly when its unit vector lies in the row space of those
equations restricted to the hidden cells.
"""

from __future__ import annotations

import random

import numpy
import pytest

from bot.insights.suppression import SuppressedTable, lines, suppress


def _grid(table: SuppressedTable) -> list[list[int | None]]:
    grid = [list(row) + [total] for row, total in zip(table.cells, table.row_totals, strict=True)]
    grid.append(list(table.column_totals) + [table.total])
    return grid


def recoverable(grid: list[list[int | None]]) -> list[tuple[int, int]]:
    """Hidden cells (None) that the shown numbers pin down exactly."""
    n_rows, n_cols = len(grid) - 1, len(grid[0]) - 1
    hidden = [(r, c) for r in range(n_rows + 1) for c in range(n_cols + 1) if grid[r][c] is None]
    if not hidden:
        return []
    index = {cell: k for k, cell in enumerate(hidden)}
    equations = []
    for line in lines(n_rows, n_cols):
        row = numpy.zeros(len(hidden))
        for r, c in line:
            if (r, c) in index:
                # cells add up to the total: +1 for a cell, -1 for the total at the line's end
                row[index[(r, c)]] = -1.0 if (r, c) == line[-1] else 1.0
        equations.append(row)
    matrix = numpy.array(equations)
    rank = numpy.linalg.matrix_rank(matrix)
    found = []
    for cell, k in index.items():
        unit = numpy.zeros(len(hidden))
        unit[k] = 1.0
        if numpy.linalg.matrix_rank(numpy.vstack([matrix, unit])) == rank:
            found.append(cell)
    return found


def test_the_checker_can_fail_one_hidden_cell_in_a_row_is_found():
    # Hide only the 3: it is 20 - 17, so the checker must say so.
    grid: list[list[int | None]] = [[None, 17, 20], [10, 12, 22], [13, 29, 42]]
    assert recoverable(grid) == [(0, 0)]


def test_cells_under_five_are_hidden_and_others_are_exact():
    table = suppress(["a", "b", "c"], ["x", "y"], [[3, 40], [12, 25], [30, 2]])
    assert table.cells[0][0] is None and table.cells[2][1] is None
    for r, row in enumerate([[3, 40], [12, 25], [30, 2]]):
        for c, value in enumerate(row):
            assert table.cells[r][c] in (None, value)
    assert table.total == 112


def test_subtracting_from_the_total_cannot_undo_a_single_small_cell():
    # One small cell: without secondary suppression 3 = 43 - 40.
    table = suppress(["a", "b"], ["x", "y"], [[3, 40], [12, 25]])
    assert table.cells[0][0] is None
    hidden = sum(v is None for row in _grid(table) for v in row)
    assert hidden >= 4  # at least a rectangle of cells, or cells with their totals
    assert recoverable(_grid(table)) == []
    assert table.total == 80  # the published total stays


def test_a_small_row_total_is_hidden_too():
    table = suppress(["a", "b", "c"], ["x", "y"], [[1, 2], [30, 25], [40, 41]])
    assert table.row_totals[0] is None and table.cells[0] == [None, None]
    assert recoverable(_grid(table)) == []


def test_a_one_row_list_with_a_total():
    table = suppress(["count"], ["p", "q", "r", "s"], [[2, 50, 60, 70]])
    assert table.cells[0][0] is None
    assert sum(v is None for v in table.cells[0]) >= 2
    assert recoverable(_grid(table)) == []


def test_a_table_where_two_per_row_and_column_is_not_enough():
    # Found by the random test below: hiding two or more in every row and column still left
    # a cell that several sums together pin down; the module's own check must catch it.
    counts = [[15, 5, 2, 9], [0, 2, 5, 120], [15, 4, 120, 120], [40, 15, 4, 1]]
    table = suppress(["a", "b", "c", "d"], ["w", "x", "y", "z"], counts)
    assert recoverable(_grid(table)) == []


@pytest.mark.parametrize("seed", range(300))
def test_random_tables_never_leave_a_hidden_cell_recoverable(seed: int):
    rng = random.Random(seed)
    n_rows, n_cols = rng.randint(1, 8), rng.randint(1, 5)
    counts = [[rng.choice([0, 1, 2, 3, 4, 5, 6, 9, 15, 40, 120]) for _ in range(n_cols)] for _ in range(n_rows)]
    table = suppress([f"r{k}" for k in range(n_rows)], [f"c{k}" for k in range(n_cols)], counts)
    grid = _grid(table)
    for r in range(n_rows):
        for c in range(n_cols):
            if counts[r][c] < 5:
                assert grid[r][c] is None
            else:
                assert grid[r][c] in (None, counts[r][c])
    assert recoverable(grid) == [], (counts, grid)
