"""What a search found, as the index's row numbers: placed among a big archive's posts in C.

Half a million matches as a set of ids cost most of a second to build (each id a string
read from ``entries``); as the full-text shards' rowids they cost a seventh of that, and an
archive read from the index (which keeps each post's rowid) turns them into its positions
with a table lookup and a sort, no Python loop per match. An archive held in memory knows
no rowids: it asks for the ids, found then (:meth:`TextMatches.ids`).
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Callable, Container


class TextMatches(Container[str]):
    """The posts holding a search's terms, by rowid; also a container of their ids."""

    __slots__ = ("_ids", "_ids_of", "_placed_in", "_position_set", "_positions", "rowids")

    def __init__(self, rowids: list[int], ids_of: Callable[[list[int]], set[str]]) -> None:
        self.rowids = rowids
        """May hold rowids of files that are not (or no longer) posts: they place nowhere."""
        self._ids_of = ids_of
        self._ids: set[str] | None = None
        self._placed_in: object = None
        """The columns the positions below are in."""
        self._positions = array("l")
        self._position_set: set[int] | None = None

    def ids(self) -> set[str]:
        """The ids of the posts matched (read from the index once, when first asked)."""
        if self._ids is None:
            self._ids = self._ids_of(self.rowids)
        return self._ids

    def __contains__(self, post_id: object) -> bool:
        return post_id in self.ids()

    def placed(self, columns: object, table: array[int]) -> array[int]:
        """The matches' positions, ascending, in the columns whose rowid -> position table
        is ``table`` (-1 for none); kept for the next filter of the same columns."""
        if self._placed_in is columns:
            return self._positions
        rowids = self.rowids
        top = max(rowids, default=-1)
        if top >= len(table):  # posts indexed after the columns were read: none of theirs
            table = table + array("l", [-1]) * (top + 1 - len(table))
        positions = array("l", sorted(map(table.__getitem__, rowids)))
        start = bisect.bisect_left(positions, 0)  # the -1s of rowids placed nowhere
        self._placed_in, self._positions = columns, positions[start:] if start else positions
        self._position_set = None
        return self._positions

    def placed_set(self, columns: object, table: array[int]) -> set[int]:
        """:meth:`placed` as a set (for narrowing a category's posts)."""
        positions = self.placed(columns, table)
        if self._position_set is None:
            self._position_set = set(positions)
        return self._position_set
