"""Small-number suppression for tables of people counts, so nobody can be picked out.

Primary: any cell under 5 (totals included) is hidden. Secondary: every row and column sum
(cells plus their total) must hide none or at least two of its members, otherwise the one
hidden cell is the total minus the others; the smallest other cell is hidden until that holds.
That rule alone can still leave a cell pinned down by combining several sums, so the result is
then checked with linear algebra (``pinned``) and more cells are hidden until none is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy

THRESHOLD = 5


@dataclass(frozen=True)
class SuppressedTable:
    """A table with its totals; ``None`` marks a hidden count."""

    rows: list[str]
    columns: list[str]
    cells: list[list[int | None]]
    row_totals: list[int | None]
    column_totals: list[int | None]
    total: int | None

    def as_dict(self) -> dict:
        return {"rows": self.rows, "columns": self.columns, "cells": self.cells,
                "row_totals": self.row_totals, "column_totals": self.column_totals, "total": self.total}


def lines(n_rows: int, n_cols: int) -> list[list[tuple[int, int]]]:
    """The sums a reader could use: each row of the grid (cells, then its total in column
    ``n_cols``) and each column (cells, then its total in row ``n_rows``)."""
    out = [[(r, c) for c in range(n_cols + 1)] for r in range(n_rows + 1)]
    out += [[(r, c) for r in range(n_rows + 1)] for c in range(n_cols + 1)]
    return out


def hidden_grid(counts: Sequence[Sequence[int]], threshold: int = THRESHOLD) -> list[list[bool]]:
    """Which cells of the grid (counts plus a totals column and row) to hide."""
    n_rows, n_cols = len(counts), len(counts[0]) if counts else 0
    grid = [list(row) + [sum(row)] for row in counts]
    grid.append([sum(counts[r][c] for r in range(n_rows)) for c in range(n_cols)]
                + [sum(sum(row) for row in counts)])
    hidden = [[value < threshold for value in row] for row in grid]
    sums = lines(n_rows, n_cols)

    def hide_smallest(candidates: list[tuple[int, int]]) -> None:
        # A cell rather than a total where one is left, so the published totals stay.
        inner = [(r, c) for r, c in candidates if r < n_rows and c < n_cols] or candidates
        r, c = min(inner, key=lambda rc: (grid[rc[0]][rc[1]], rc))
        hidden[r][c] = True

    while True:
        changed = True
        while changed:
            changed = False
            for line in sums:
                shown = [(r, c) for r, c in line if not hidden[r][c]]
                if len(line) - len(shown) == 1 and shown:
                    hide_smallest(shown)
                    changed = True
        found = pinned(hidden, sums)
        if not found:
            return hidden
        r0, c0 = found[0]
        candidates = [(r, c) for line in sums if (r0, c0) in line for r, c in line if not hidden[r][c]]
        if not candidates:  # cannot happen: a pinned cell has a sum with something shown
            return [[True] * len(row) for row in hidden]
        hide_smallest(candidates)


def pinned(hidden: list[list[bool]], sums: list[list[tuple[int, int]]]) -> list[tuple[int, int]]:
    """Hidden cells the shown numbers determine exactly (unit vector in the sums' row space)."""
    cells = [(r, c) for r, row in enumerate(hidden) for c, h in enumerate(row) if h]
    if not cells:
        return []
    index = {cell: k for k, cell in enumerate(cells)}
    matrix = numpy.zeros((len(sums), len(cells)))
    for k, line in enumerate(sums):
        for cell in line:
            if cell in index:
                matrix[k, index[cell]] = -1.0 if cell == line[-1] else 1.0
    rank = numpy.linalg.matrix_rank(matrix)
    found = []
    for cell, k in index.items():
        unit = numpy.zeros((1, len(cells)))
        unit[0, k] = 1.0
        if numpy.linalg.matrix_rank(numpy.vstack([matrix, unit])) == rank:
            found.append(cell)
    return found


def suppress(rows: list[str], columns: list[str], counts: Sequence[Sequence[int]],
             threshold: int = THRESHOLD) -> SuppressedTable:
    """The table as it may be shown: counts under ``threshold`` hidden, and enough others."""
    if not rows or not columns:
        return SuppressedTable(rows, columns, [], [], [], 0 if threshold <= 0 else None)
    hidden = hidden_grid(counts, threshold)
    n_rows, n_cols = len(rows), len(columns)

    def show(value: int, r: int, c: int) -> int | None:
        return None if hidden[r][c] else value

    cells = [[show(counts[r][c], r, c) for c in range(n_cols)] for r in range(n_rows)]
    row_totals = [show(sum(counts[r]), r, n_cols) for r in range(n_rows)]
    column_totals = [show(sum(counts[r][c] for r in range(n_rows)), n_rows, c) for c in range(n_cols)]
    total = show(sum(sum(row) for row in counts), n_rows, n_cols)
    return SuppressedTable(rows, columns, cells, row_totals, column_totals, total)
