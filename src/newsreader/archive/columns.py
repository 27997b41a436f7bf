"""What the archive keeps of every post: a few compact columns, not a Post each.

A reader of a million posts cannot hold a million Posts (~1.7 KB each with their paths,
titles and dates: 1.7 GB). It keeps, per post, only what filtering, counting and ordering
read: the id, the instant, the day, the categories and tags (tuples shared between posts),
and whether it is a draft or unpublished. That is ~150 bytes a post, most of it the id.
Posts themselves are fetched when shown (:class:`~newsreader.archive.collection.Archive`
keeps the few on screen).

Columns are in the archive's order, newest first (ties by id, the larger first), so a
post's place in them, its *position*, is what every filter works with.
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path
from typing import Any

from newsreader.archive.post import Post

DRAFT = 1
""":attr:`Columns.hidden` bit: the post is a draft."""
UNPUBLISHED = 2
""":attr:`Columns.hidden` bit: the post is ``published: false``."""

_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
_MICROS_PER_DAY = 86_400_000_000


@dataclass(slots=True)
class Columns:
    """Every post's filtering data, by position (newest first)."""

    ids: list[str]
    neg_times: array[float]
    """Minus the post's Unix time: ascending, so a date range is two bisects."""
    days: array[int]
    """The ordinal of the post's day in its own UTC offset (``date.toordinal()``)."""
    categories: list[tuple[str, ...]]
    tags: list[tuple[str, ...]]
    hidden: bytearray
    """:data:`DRAFT` and :data:`UNPUBLISHED` bits; 0 for a post listed by default."""
    rowids: array[int] | None = None
    """Each post's rowid in the index (None for posts held in memory): how a search's
    matches find their posts (:mod:`newsreader.archive.text_matches`)."""

    def __len__(self) -> int:
        return len(self.ids)


def empty_columns(*, rowids: bool = False) -> Columns:
    """Columns of no post (with a rowid column, for posts of the index)."""
    return Columns([], array("d"), array("l"), [], [], bytearray(), array("q") if rowids else None)


def hidden_bits(post: Post) -> int:
    """A post's :attr:`Columns.hidden` value."""
    return (DRAFT if post.draft else 0) | (0 if post.published else UNPUBLISHED)


def day_of(micros: int, utc_offset: int) -> int:
    """The ordinal of the day an instant falls on in its own UTC offset (seconds)."""
    return (micros + utc_offset * 1_000_000) // _MICROS_PER_DAY + _EPOCH_ORDINAL


_DATE_AND_ID = attrgetter("date", "id")


def columns_of_posts(posts: Iterable[Post]) -> Columns:
    """The columns of posts in any order (sorted here as the archive orders them)."""
    ordered = sorted(posts, key=_DATE_AND_ID, reverse=True)
    return Columns(
        [post.id for post in ordered],
        array("d", [-post.date.timestamp() for post in ordered]),
        array("l", [post.date.toordinal() for post in ordered]),
        [post.categories for post in ordered],
        [post.tags for post in ordered],
        bytearray(hidden_bits(post) for post in ordered),
    )


def merged_columns(base: Columns, kept: Sequence[int], posts: Iterable[Post]) -> Columns:
    """``base``'s posts at positions ``kept`` together with ``posts``, in the archive's order.

    For an archive read from the index and then changed in memory: a few posts added or
    replaced among many, so the base is not sorted again, only the few merged in.
    """
    added = columns_of_posts(posts)
    merged = empty_columns()
    ids, neg_times = base.ids, base.neg_times
    cursor = 0
    columns = (base, added)

    def take(source: int, position: int) -> None:
        column = columns[source]
        merged.ids.append(column.ids[position])
        merged.neg_times.append(column.neg_times[position])
        merged.days.append(column.days[position])
        merged.categories.append(column.categories[position])
        merged.tags.append(column.tags[position])
        merged.hidden.append(column.hidden[position])

    for position in kept:
        time, post_id = neg_times[position], ids[position]
        # Newest first, ties by the larger id first.
        while cursor < len(added) and (
            added.neg_times[cursor] < time
            or (added.neg_times[cursor] == time and added.ids[cursor] > post_id)
        ):
            take(1, cursor)
            cursor += 1
        take(0, position)
    while cursor < len(added):
        take(1, cursor)
        cursor += 1
    return merged


Packed = tuple[list[str], bytes, bytes, bytes, list[str], bytes, bytes, bytes]
"""Columns as plain values for ``marshal`` (a snapshot): the ids, the arrays' bytes, the
distinct category and tag lists (space-joined) and each post's index among them, and the
rowids (empty for posts held in memory)."""
_PACKED_FIELDS = 8


def packed(columns: Columns) -> Packed:
    """The columns as plain values (see :data:`Packed`)."""
    words: dict[tuple[str, ...], int] = {}
    categories = array("l", [words.setdefault(value, len(words)) for value in columns.categories])
    tags = array("l", [words.setdefault(value, len(words)) for value in columns.tags])
    return (
        columns.ids,
        columns.neg_times.tobytes(),
        columns.days.tobytes(),
        bytes(columns.hidden),
        [" ".join(value) for value in words],
        categories.tobytes(),
        tags.tobytes(),
        b"" if columns.rowids is None else columns.rowids.tobytes(),
    )


def unpacked(value: object, words: Callable[[str], tuple[str, ...]]) -> Columns | None:
    """Columns from :func:`packed` values (None unless they are exactly such values);
    ``words`` turns a space-joined list into its (shared) tuple."""
    if not isinstance(value, tuple) or len(value) != _PACKED_FIELDS:
        return None
    ids, neg_times, days, hidden, joined, categories, tags, rowids = value
    if not isinstance(ids, list) or not isinstance(joined, list):
        return None
    count = len(ids)
    try:
        distinct = [words(item) for item in joined]
        columns = Columns(
            ids,
            _array("d", neg_times, count),
            _array("l", days, count),
            [distinct[index] for index in _array("l", categories, count)],
            [distinct[index] for index in _array("l", tags, count)],
            bytearray(hidden),
            _array("q", rowids, count) if rowids else None,
        )
    except (TypeError, ValueError, IndexError, AttributeError):
        return None
    if len(columns.hidden) != count or not all(isinstance(item, str) for item in ids):
        return None
    return columns


def _array(code: str, data: object, count: int) -> array[Any]:
    made = array(code)
    made.frombytes(data)  # type: ignore[arg-type]  # TypeError unless bytes-like
    if len(made) != count:
        raise ValueError("a column of another length")
    return made


def stand_in(columns: Columns, position: int, root: Path) -> Post:
    """A Post made of the columns alone, for a post the index no longer holds: its file is
    read when it is opened (and then says it can no longer be read)."""
    post_id = columns.ids[position]
    date = dt.datetime.fromtimestamp(-columns.neg_times[position], dt.UTC)
    bits = columns.hidden[position]
    return Post(
        post_id,
        root / post_id,
        post_id,
        date,
        columns.categories[position],
        columns.tags[position],
        None,
        "",
        draft=bool(bits & DRAFT),
        published=not bits & UNPUBLISHED,
    )
