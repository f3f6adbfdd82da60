"""Suppression of small counts in everything published together (open data, withheld counts).

A published set of counts is a ``System``: every count (shown or hidden), the sums a reader
knows hold between them (a row adds up to its total, four quarters to their year, a table's
total row is the same as another's), and the inequalities a reader also knows (no strand has
more reports than there are reports). Every count from 1 to 4 is hidden as "<5" (primary
suppression); then more counts are hidden as "[c]" (secondary suppression) until no hidden
count is pinned down by everything published.

"Not pinned down" is shown, never assumed: for each hidden count, ``alternative`` finds
another whole-number value for it and for some other hidden counts that keeps every known
sum and inequality true, a "<5" between 1 and 4 and a "[c]" at 0 or more. Such an
alternative is a certificate: no combination of the published figures can tell the true
value from the alternative one. Where none is found among the hidden counts, the search may
move shown counts too (few and small ones first, totals last), and those are hidden as "[c]"
(or a "<5" it moved out of 1 to 4 is shown as "[c]"). Hiding more never spoils a certificate
already found (the extra count keeps its value in it), so each hidden count is certified once.

The search looks for moves of a few units around cycles of hidden counts (a rectangle of four
counts first, then longer), within a budget of steps: it is not complete, so it may hide more
than an optimal method would, but it never calls a count safe without a certificate.

Suppression must be worked out once over everything that can be published together: two
systems suppressed apart can be subtracted from each other.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field

PRIMARY = "<5"
SECONDARY = "[c]"
SMALL = range(1, 5)  # the counts always hidden
Key = Hashable


@dataclass
class System:
    """Counts and what a reader knows of them: ``sum(parts) == total`` for each equation,
    ``sum(smaller) <= sum(larger)`` for each inequality."""

    values: dict[Key, int]
    equations: list[tuple[tuple[Key, ...], Key]] = field(default_factory=list)
    inequalities: list[tuple[tuple[Key, ...], tuple[Key, ...]]] = field(default_factory=list)

    def add_sum(self, parts: Iterable[Key], total: Key) -> None:
        self.equations.append((tuple(parts), total))

    def add_same(self, a: Key, b: Key) -> None:
        self.equations.append(((a,), b))

    def add_at_most(self, smaller: Iterable[Key], larger: Iterable[Key]) -> None:
        self.inequalities.append((tuple(smaller), tuple(larger)))


@dataclass
class Suppressed:
    primary: set[Key]
    secondary: set[Key]

    @property
    def hidden(self) -> set[Key]:
        return self.primary | self.secondary

    def shown(self, key: Key, value: int) -> int | str:
        if key in self.primary:
            return PRIMARY
        if key in self.secondary:
            return SECONDARY
        return value


class _Moves:
    """The search behind ``alternative``, built once for a system: each constraint as
    coefficients and how much room it has at the true values. An equation ``sum(c * x) == 0``
    (parts +1, total -1) must keep ``sum(c * move) == 0``; an inequality ``sum(smaller) <=
    sum(larger)``, written ``sum(c * x) >= 0`` (larger +1, smaller -1), must keep
    ``sum(c * move) >= -room``."""

    def __init__(self, system: System) -> None:
        self.values = system.values
        self.constraints: list[tuple[dict[Key, int], bool, int]] = []
        self.of: dict[Key, list[int]] = {}
        for parts, total in system.equations:
            self._add([*((k, 1) for k in parts), (total, -1)], True)
        for smaller, larger in system.inequalities:
            self._add([*((k, 1) for k in larger), *((k, -1) for k in smaller)], False)

    def _add(self, terms: list[tuple[Key, int]], equation: bool) -> None:
        coefficients: dict[Key, int] = {}
        for key, c in terms:
            coefficients[key] = coefficients.get(key, 0) + c
        room = sum(c * self.values[k] for k, c in coefficients.items())
        coefficients = {k: c for k, c in coefficients.items() if c}
        if coefficients:
            for key in coefficients:
                self.of.setdefault(key, []).append(len(self.constraints))
            self.constraints.append((coefficients, equation, 0 if equation else room))

    def needs(self, i: int, moved: int) -> int:
        """How far constraint ``i`` is from holding, given the sum of its moves (0: it holds)."""
        _c, equation, room = self.constraints[i]
        return -moved if equation else max(0, -(room + moved))

    def find(self, cell: Key, primary: set[Key], hidden: set[Key], may_hide: Callable[[Key], bool] | None,
             budget: int) -> dict[Key, int] | None:
        """Moves (key -> change) that keep every constraint, ``cell`` moved; shown counts move only
        where ``may_hide`` allows (they would then be hidden as "[c]"), and so may a "<5" out of
        1 to 4 (it would then be shown as "[c]")."""
        values = self.values
        steps = 0
        limit = 0

        def bounds(key: Key) -> tuple[int, float]:
            if key in primary and not (may_hide is not None and may_hide(key)):
                return (1, 4)
            return (0, float("inf"))

        def costly(key: Key, move: int) -> bool:
            return key not in hidden or (key in primary and not 1 <= values[key] + move <= 4)

        def search(moves: dict[Key, int], sums: dict[int, int]) -> dict[Key, int] | None:
            nonlocal steps
            steps += 1
            if steps > budget:
                return None
            broken = [i for i, moved in sums.items() if self.needs(i, moved)]
            if not broken:
                return dict(moves)
            if len(moves) >= limit:
                return None
            i = min(broken, key=lambda j: (len(self.constraints[j][0]), j))
            want = self.needs(i, sums[i])
            choices = []
            for key, coefficient in self.constraints[i][0].items():
                if key in moves or want % coefficient:
                    continue
                if key not in hidden and (may_hide is None or not may_hide(key)):
                    continue
                move = want // coefficient
                low, high = bounds(key)
                if not (low <= values[key] + move <= high) or abs(move) > 8:
                    continue
                after = {j: sums.get(j, 0) + self.constraints[j][0][key] * move for j in self.of[key]}
                opened = sum(1 for j, v in after.items() if self.needs(j, v) and j != i)
                closed = sum(1 for j, v in after.items() if not self.needs(j, v) and self.needs(j, sums.get(j, 0)))
                shown = costly(key, move)
                choices.append(((shown, opened - closed, shown and values[key] == 0, values[key] if shown else 0),
                                repr(key), key, move, after))
            for _rank, _name, key, move, after in sorted(choices, key=lambda c: (c[0], c[1])):
                moves[key] = move
                saved = {j: sums.get(j, 0) for j in after}
                sums.update(after)
                found = search(moves, sums)
                if found is not None:
                    return found
                sums.update(saved)
                del moves[key]
            return None

        # Few moves first (a rectangle of four counts is the commonest alternative), then more.
        low, high = bounds(cell)
        for limit in (4, 8, 16, 32, 64, 1 << 20):
            for move in (1, -1, 2, -2):
                if low <= values[cell] + move <= high:
                    steps = 0
                    found = search({cell: move}, {i: self.constraints[i][0][cell] * move for i in self.of.get(cell, [])})
                    if found is not None:
                        return found
        return None


def alternative(system: System, primary: set[Key], secondary: set[Key], cell: Key,
                budget: int = 20000) -> dict[Key, int] | None:
    """Other values for hidden counts, ``cell`` among them, that fit everything published
    (``primary`` shown as "<5", ``secondary`` as "[c]", the rest as they are); None if the
    search (moves of a few units around cycles of hidden counts, up to ``budget`` steps) finds none.

    Exact in the direction that matters: an answer keeps every equation and inequality; None
    only means that more should be hidden.
    """
    hidden = primary | secondary
    if cell not in hidden:
        return None
    found = _Moves(system).find(cell, primary, hidden, None, budget)
    return None if found is None else {key: system.values[key] + m for key, m in found.items()}


def certificates(system: System, primary: set[Key], secondary: set[Key],
                 budget: int = 20000) -> dict[Key, dict[Key, int] | None]:
    """``alternative`` for every hidden count at once (one search structure; an alternative
    that moves several hidden counts serves each of them)."""
    hidden = primary | secondary
    moves = _Moves(system)
    out: dict[Key, dict[Key, int] | None] = {}
    for cell in sorted(hidden, key=repr):
        if cell in out:
            continue
        found = moves.find(cell, primary, hidden, None, budget)
        if found is None:
            out[cell] = None
            continue
        answer = {key: system.values[key] + m for key, m in found.items()}
        for key, m in found.items():
            if m and key not in out:
                out[key] = answer
    return out


def suppress(system: System, *, rank: Callable[[Key], int] = lambda _key: 0) -> Suppressed:
    """Which counts to hide: every 1 to 4, then others until each hidden count has an
    alternative (see ``alternative``). Where a hidden count has none, the search is run again
    letting shown counts move too, preferring few and small ones, counts before totals (lower
    ``rank``); the shown counts it moved are hidden as "[c]", and its moves are then the
    hidden count's alternative."""
    values = system.values
    for parts, total in system.equations:
        if sum(values[k] for k in parts) != values[total]:
            raise ValueError(f"the counts do not add up as the system says: {parts} to {total}")
    for smaller, larger in system.inequalities:
        if sum(values[k] for k in smaller) > sum(values[k] for k in larger):
            raise ValueError(f"the counts are not in the order the system says: {smaller} to {larger}")
    primary = {k for k, v in values.items() if v in SMALL}
    secondary: set[Key] = set()
    moves = _Moves(system)
    certified: set[Key] = set()

    def inner(key: Key) -> bool:  # totals last: a hidden total tells a reader less than the counts inside it
        return rank(key) == 0

    queue = sorted(primary, key=repr)
    while queue:
        key = queue.pop(0)
        if key in certified:
            continue
        hidden = primary | secondary
        found = moves.find(key, primary, hidden, None, 2000)
        if found is None:
            found = moves.find(key, primary, hidden, inner, 20000)
        if found is None:
            found = moves.find(key, primary, hidden, lambda _k: True, 200000)
        if found is None:
            raise RuntimeError(f"no way found to protect {key!r}")
        added = [k for k in found if k not in hidden]
        secondary.update(added)
        for k, m in found.items():  # a "<5" moved out of 1 to 4 is shown as "[c]" instead
            if k in primary and not 1 <= values[k] + m <= 4:
                primary.discard(k)
                secondary.add(k)
        certified.update(k for k, m in found.items() if m)
        queue += [k for k in added if k not in certified]
    return Suppressed(primary, secondary)
