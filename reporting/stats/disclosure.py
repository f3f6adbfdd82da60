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


Key = tuple[int, int, int]  # (grid, row, column) across the tables suppressed together


def bounds(grids: list[Grid], shared_margin: bool) -> dict[Key, tuple[float, float]]:
    """The range each hidden cell could take, given every published figure of all the tables
    (interval propagation over rows, columns and the shared margin)."""
    rng: dict[Key, tuple[float, float]] = {}
    lines: list[list[Key]] = []
    for g, grid in enumerate(grids):
        for cell in grid.hidden:
            rng[(g, *cell)] = (1.0, 4.0) if cell in grid.primary else (0.0, float("inf"))
        lines += [[(g, *cell) for cell in line] for line in grid.lines]
    if shared_margin:
        with_margin = [g for g, grid in enumerate(grids) if grid.margin]
        for a, b in zip(with_margin, with_margin[1:]):
            for (ra, c), (rb, _c) in zip(grids[a].margin, grids[b].margin):
                lines += [[(a, ra, c), (b, rb, c)], [(b, rb, c), (a, ra, c)]]  # equal both ways

    def get(key: Key) -> tuple[float, float]:
        if key in rng:
            return rng[key]
        v = float(grids[key[0]].values[key[1]][key[2]])
        return v, v

    changed = True
    while changed:
        changed = False
        for line in lines:
            *parts, total = line
            for key in line:
                if key not in rng:
                    continue
                lo, hi = rng[key]
                if key == total:
                    new_lo = sum(get(p)[0] for p in parts)
                    new_hi = sum(get(p)[1] for p in parts)
                else:
                    others = [p for p in parts if p != key]
                    t_lo, t_hi = get(total)
                    new_lo = t_lo - sum(get(p)[1] for p in others)
                    new_hi = t_hi - sum(get(p)[0] for p in others)
                new = (max(lo, new_lo), min(hi, new_hi))
                if new != (lo, hi):
                    rng[key] = new
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


def _lines_once(grid: Grid) -> bool:
    """Every line with a single hidden cell gets a second. True if anything changed."""
    changed = False
    for line in grid.lines:
        if len([c for c in line if c in grid.hidden]) == 1:
            extra = _complement(grid, line)
            if extra is not None:
                grid.secondary.add(extra)
                changed = True
    return changed


def _unpin_once(grids: list[Grid], shared_margin: bool) -> bool:
    """A hidden cell still pinned to one value gets another cell hidden beside it; where every
    cell of its lines is hidden already, it is shown as "[c]" rather than "<5", so that its
    range no longer starts at 1. True if anything changed."""
    for (g, r, c), (lo, hi) in sorted(bounds(grids, shared_margin).items()):
        if lo != hi:
            continue
        grid = grids[g]
        for line in grid.lines:
            if (r, c) in line:
                extra = _complement(grid, line)
                if extra is not None:
                    grid.secondary.add(extra)
                    return True
        near = {cell for line in grid.lines if (r, c) in line for cell in line}
        relabel = sorted(grid.primary & ({(r, c)} | near), key=lambda cell: cell != (r, c))
        if relabel:
            grid.primary.discard(relabel[0])
            grid.secondary.add(relabel[0])
            return True
    return False


def _sync_margins(grids: list[Grid]) -> bool:
    """A margin cell hidden (or shown as "[c]") in one table is the same in every table sharing it."""
    shared = [g for g in grids if g.margin]
    hidden = {c for g in shared for (r, c) in g.margin if (r, c) in g.hidden}
    relabelled = {c for g in shared for (r, c) in g.margin if (r, c) in g.secondary}
    changed = False
    for g in shared:
        for cell in g.margin:
            if cell[1] in hidden and cell not in g.hidden:
                g.secondary.add(cell)
                changed = True
            if cell[1] in relabelled and cell in g.primary:
                g.primary.discard(cell)
                g.secondary.add(cell)
                changed = True
    return changed


def suppress(tables: Iterable[Table], *, shared_margin: bool = True) -> list[Table]:
    """Published copies of ``tables`` with "<5" and "[c]" in place of the hidden counts.

    With ``shared_margin``, the tables whose columns add up to a total row share that
    row (e.g. reports per financial year), and a margin cell hidden in one is hidden
    in all of them.
    """
    tables = list(tables)
    grids = [grid_for(t) for t in tables]
    while True:
        changed = any([_lines_once(g) for g in grids])
        if shared_margin:
            changed = _sync_margins(grids) or changed
        if not changed and not _unpin_once(grids, shared_margin):
            break
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
