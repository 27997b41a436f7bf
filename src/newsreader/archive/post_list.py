"""A list of posts that holds positions, not Posts: what a filter of a big archive gives.

:meth:`Archive.filter` answers a million posts with an ``array`` of their positions (8 bytes
each) or a ``range``. A Post is made only when its row is asked for: the article list asks
for the rows on screen, so the rest of a million are never built. Counting, finding a post's
row and reading ids need no Post at all (:meth:`PostList.ids`, :meth:`PostList.index_of`).
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, TypeAlias, overload

from newsreader.archive.columns import Columns, stand_in
from newsreader.archive.post import Post

if TYPE_CHECKING:
    from newsreader.archive.collection import Archive

Positions: TypeAlias = "array[int] | range"
"""Positions in an archive's :class:`~newsreader.archive.columns.Columns`."""

PAGE = 96
"""Posts fetched together when a row is asked for: a screen's worth and some below it."""


class PostList(Sequence[Post]):
    """Some of an archive's posts, in some order; its Posts are fetched as they are read."""

    __slots__ = ("_archive", "_columns", "_hint", "all_listed", "positions")

    def __init__(
        self, archive: Archive, columns: Columns, positions: Positions, *, all_listed: bool = False
    ) -> None:
        self._archive = archive
        self._columns = columns
        """The columns the positions index (an archive changed later keeps new ones)."""
        self.positions = positions
        self.all_listed = all_listed
        """Every post listed by default, in some order: counts of it are the archive's own."""
        self._hint = 0

    def __len__(self) -> int:
        return len(self.positions)

    @overload
    def __getitem__(self, index: int) -> Post: ...

    @overload
    def __getitem__(self, index: slice) -> PostList: ...

    def __getitem__(self, index: int | slice) -> Post | PostList:
        if isinstance(index, slice):
            return PostList(self._archive, self._columns, self.positions[index])
        positions = self.positions
        position = positions[index]
        post_id = self._columns.ids[position]
        post = self._archive.held_post(post_id)
        if post is not None:
            return post
        row = index if index >= 0 else index + len(positions)
        # The rows about to be shown or walked come along: one query a screen, not a row.
        start = max(0, row - PAGE // 4)
        wanted = [self._columns.ids[p] for p in positions[start : start + PAGE]]
        try:
            return self._archive.fetched_post(post_id, wanted)
        except KeyError:
            # Deleted from the index since these positions were taken: listed as it was
            # until the look that found it gone brings a new archive.
            return stand_in(self._columns, position, self._archive.root)

    def __iter__(self) -> Iterator[Post]:
        for start in range(0, len(self.positions), PAGE):
            end = min(start + PAGE, len(self.positions))
            for row in range(start, end):
                yield self[row]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PostList):
            return self.ids() == other.ids()
        if isinstance(other, Sequence):
            return len(other) == len(self) and all(
                isinstance(post, Post) and post.id == post_id
                for post, post_id in zip(other, self.ids(), strict=True)
            )
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # equal by content, like a list

    def __repr__(self) -> str:
        return f"PostList({len(self)} posts)"

    def ids(self) -> list[str]:
        """The posts' ids, in order, without making a Post."""
        return list(map(self._columns.ids.__getitem__, self.positions))

    def id_at(self, row: int) -> str:
        """The id of the post at ``row``."""
        return self._columns.ids[self.positions[row]]

    def index_of(self, post_id: str) -> int | None:
        """The row of the post with this id, or None (no Post is made)."""
        position = self._archive.position_of(post_id, self._columns)
        if position is None:
            return None
        positions, hint = self.positions, self._hint
        if hint < len(positions) and positions[hint] == position:
            return hint
        try:
            row = positions.index(position)
        except ValueError:
            return None
        self._hint = row
        return row

    def where(self, keep: Callable[[str], bool]) -> PostList:
        """The posts whose id ``keep`` accepts, in the same order."""
        ids = self._columns.ids
        return PostList(
            self._archive,
            self._columns,
            array("l", [position for position in self.positions if keep(ids[position])]),
        )
