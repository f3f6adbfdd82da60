"""Disclosure control for published figures ("open data").

Every count from 1 to 4 is shown as "<5" (primary suppression). Then more cells
are hidden (secondary suppression, shown as "[c]") until no hidden cell can be
worked out from its row, its column, the totals, or another published table that
shares a margin: each hidden cell's possible range, given every published number
and that a "<5" is 1 to 4 and any count is 0 or more, must stay wider than one
value. Tables that share margins (the financial-year totals and the grand total)
are suppressed together, so a margin hidden in one is hidden in all.

Dates are no finer than a month and areas no finer than the fixed list, because
the published tables are built only from those.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from reporting.stats.figures import Row, Table

PRIMARY = "<5"
SECONDARY = "[c]"
Cell = tuple[int, int]  # (row, column) within one table


@dataclass
class Grid:
    """One table's counts, its constraint lines, and which cells are hidden."""

    values: list[list[int]]
    lines: list[list[Cell]]  # each line: interior cells, then the total cell last
    primary: set[Cell]
    secondary: set[Cell]
    margin: list[Cell]  # cells shared with other tables (the total row)

    @property
    def hidden(self) -> set[Cell]:
        return self.primary | self.secondary


def grid_for(table: Table) -> Grid:
    values = [[int(v) if isinstance(v, int) else 0 for v in row.values] for row in table.rows]
    rows, cols = len(values), len(values[0]) if values else 0
    lines: list[list[Cell]] = []
    if table.additive_rows:
        lines += [[(r, c) for c in range(cols)] for r in range(rows)]
    if table.additive_columns:
        lines += [[(r, c) for r in range(rows)] for c in range(cols)]
    primary = {(r, c) for r in range(rows) for c in range(cols) if 1 <= values[r][c] <= 4}
    margin = [(rows - 1, c) for c in range(cols)] if table.additive_columns else []
    return Grid(values, lines, primary, set(), margin)


def bounds(grid: Grid) -> dict[Cell, tuple[float, float]]:
    """The range each hidden cell could take, given every published figure (interval propagation)."""
    rng: dict[Cell, tuple[float, float]] = {
        cell: ((1.0, 4.0) if cell in grid.primary else (0.0, float("inf"))) for cell in grid.hidden
    }

    def get(cell: Cell) -> tuple[float, float]:
        if cell in rng:
            return rng[cell]
        v = float(grid.values[cell[0]][cell[1]])
        return v, v

    changed = True
    while changed:
        changed = False
        for line in grid.lines:
            *parts, total = line
            # total = sum(parts): tighten every member from the others.
            for cell in line:
                if cell not in rng:
                    continue
                lo, hi = rng[cell]
                if cell == total:
                    new_lo = sum(get(p)[0] for p in parts)
                    new_hi = sum(get(p)[1] for p in parts)
                else:
                    others = [p for p in parts if p != cell]
                    t_lo, t_hi = get(total)
                    new_lo = t_lo - sum(get(p)[1] for p in others)
                    new_hi = t_hi - sum(get(p)[0] for p in others)
                new = (max(lo, new_lo), min(hi, new_hi))
                if new != (lo, hi):
                    rng[cell] = new
                    changed = True
    return rng


def _complement(grid: Grid, line: list[Cell]) -> Cell | None:
    """The cell to hide beside a hidden one: the smallest count of the line not yet hidden,
    an inner cell before a total, a count above zero before a zero."""
    candidates = [c for c in line if c not in grid.hidden]
    if not candidates:
        return None
    total = line[-1]
    return min(candidates, key=lambda c: (c == total, grid.values[c[0]][c[1]] == 0, grid.values[c[0]][c[1]]))


def _protect(grid: Grid) -> bool:
    """One round: every line with a single hidden cell gets a second; then every cell still
    pinned down gets one more hidden beside it. True if anything changed."""
    changed = False
    for line in grid.lines:
        if len([c for c in line if c in grid.hidden]) == 1:
            extra = _complement(grid, line)
            if extra is not None:
                grid.secondary.add(extra)
                changed = True
    if changed:
        return True
    for cell, (lo, hi) in bounds(grid).items():
        if lo == hi:
            for line in grid.lines:
                if cell in line:
                    extra = _complement(grid, line)
                    if extra is not None:
                        grid.secondary.add(extra)
                        return True
    return False


def suppress(tables: Iterable[Table], *, shared_margin: bool = True) -> list[Table]:
    """Published copies of ``tables`` with "<5" and "[c]" in place of the hidden counts.

    With ``shared_margin``, the tables whose columns add up to a total row share that
    row (e.g. reports per financial year), and a margin cell hidden in one is hidden
    in all of them.
    """
    tables = list(tables)
    grids = [grid_for(t) for t in tables]
    changed = True
    while changed:
        changed = any([_protect(g) for g in grids])
        if shared_margin:
            shared = [g for g in grids if g.margin]
            hidden_margin = {c[1] for g in shared for c in g.margin if c in g.hidden}
            for g in shared:
                for cell in g.margin:
                    if cell[1] in hidden_margin and cell not in g.hidden:
                        g.secondary.add(cell)
                        changed = True
    out = []
    for table, grid in zip(tables, grids):
        rows = []
        for r, row in enumerate(table.rows):
            values: list[int | float | str | None] = []
            for c, v in enumerate(row.values):
                if (r, c) in grid.primary:
                    values.append(PRIMARY)
                elif (r, c) in grid.secondary:
                    values.append(SECONDARY)
                else:
                    values.append(v)
            rows.append(Row(row.code, row.label, values, row.total))
        out.append(Table(table.id, table.title, table.row_header, list(table.columns), rows, table.note,
                         table.additive_rows, table.additive_columns))
    return out
