"""Answers from the index without loading every post: a filtered page, categories, one post.

The reader loads all posts into an :class:`~newsreader.archive.collection.Archive` and asks it;
a command asking for twenty posts must not pay for 100,000. These functions ask SQLite the
same questions and give the same answers as the Archive would over the index's posts:

* :func:`matching_posts` / :func:`count_matching` -- ``Archive.filter(query, index.search(terms))``
  (newest first, ties by id; drafts and unpublished posts only when asked for), a page of it;
* :func:`has_posts` -- ``len(Archive) > 0``;
* :func:`category_summary` -- ``Archive.categories`` and ``Archive.labels``;
* :func:`linked_post` -- ``Archive.linked_post``: a post by id or by Jekyll ``post_url`` name;
* :func:`post_ids` -- every post's id.

A page of a search is looked for among the newest posts first (:func:`_newest_in_windows`):
a common term's twenty newest matches are then read without reading its half a million.

Each returns None when the index turned out broken (see :meth:`ArchiveIndex.query`): the
caller then loads the archive itself. The SQL is here rather than in :mod:`.sql`: it is the
read side of these questions only, built per query from the parts a filter uses.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final, NamedTuple

from newsreader.archive.index import sql
from newsreader.archive.index.archive_index import ArchiveIndex
from newsreader.archive.index.rows import Row, RowDecoder
from newsreader.archive.index.search import TextCondition, text_condition
from newsreader.archive.index.store import version
from newsreader.archive.index.summary_cache import load_summary, save_summary, summary_path
from newsreader.archive.links import linked_name_matcher
from newsreader.archive.post import Category, Post
from newsreader.archive.query import Filter

__all__ = [
    "CategorySummary",
    "category_summary",
    "count_matching",
    "has_posts",
    "linked_post",
    "matching_posts",
    "post_ids",
]

_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND: Final = timedelta(microseconds=1)
_DRAFT_FLAG: Final = 1
_UNPUBLISHED_FLAG: Final = 2
"""The ``flags`` bits of :mod:`.rows` (``_DRAFT``, ``_UNPUBLISHED``)."""

# --- SQL ----------------------------------------------------------------------------------

_POSTS: Final = f"SELECT {sql.ENTRY_COLUMNS} FROM entries WHERE kind = 0"
_COUNT: Final = "SELECT count(*) FROM entries WHERE kind = 0"
_NEWEST_FIRST: Final = " ORDER BY us DESC, id DESC"
_HAS_WORD: Final = " AND instr(' ' || {column} || ' ', ?) > 0"
"""A space-joined column (categories, tags) holding a word: bound as ``' word '``."""
_FROM: Final = " AND us >= ?"
_BEFORE: Final = " AND us < ?"
_NOT_FLAGGED: Final = " AND flags & ? = 0"
_CATEGORY_GROUPS: Final = (
    "SELECT categories, tags, flags & ? != 0, count(*) FROM entries"
    " WHERE kind = 0 AND categories != '' GROUP BY 1, 2, 3"
)
"""Posts per (categories, tags, hidden or not): a few thousand groups for 100,000 posts."""
_NEWEST_OF_CATEGORY: Final = (
    "SELECT us, id FROM entries WHERE kind = 0 AND instr(' ' || categories || ' ', ?) > 0"
    + _NEWEST_FIRST
    + " LIMIT 1"
)
_POST_BY_ID: Final = f"{_POSTS} AND id = ?"
_POST_IDS: Final = "SELECT id FROM entries WHERE kind = 0"
_ANY_POST: Final = "SELECT 1 FROM entries WHERE kind = 0 LIMIT 1"

_FEW_MATCHES: Final = 5_000
"""Matches the whole query reads and sorts in about the time of a window (~5 ms)."""
_FIRST_WINDOW: Final = 2_000
_WINDOW_PER_POST: Final = 50
"""A first window of 50 posts a post asked for finds them for a term in 2% of the posts."""
_WINDOW_GROWTH: Final = 2
"""The next window is at least this many times larger, and large enough to hold this many
times the matches still wanted, at the density the last one found."""
_EDGE: Final = "SELECT us, id FROM entries WHERE kind = 0"
_EDGE_TAIL: Final = _NEWEST_FIRST + " LIMIT 1 OFFSET ?"
"""The last post of a window: the one at its size, newest first."""
_IN_WINDOW: Final = " AND us >= ? AND (us > ? OR id >= ?)"
"""Posts up to a window's last, bound as its ``us, us, id``: ``(us, id) >=`` it, written so
that ``us`` alone bounds the index range read."""
_ROWID_RANGE: Final = "SELECT min(rowid), max(rowid) FROM entries WHERE kind = 0"


# --- posts matching a filter --------------------------------------------------------------


def matching_posts(
    index: ArchiveIndex, query: Filter, limit: int | None = None
) -> list[Post] | None:
    """The posts ``Archive.filter`` gives for ``query`` (text searched in the index), newest
    first, at most ``limit``; None when the index cannot be read."""

    def read(connection: sqlite3.Connection) -> list[Row]:
        where = _conditions(connection, query)
        if where is None or (limit is not None and limit <= 0):
            return []
        if limit is not None and where.text is not None and where.text.expressions:
            rows = _newest_in_windows(connection, where, where.text, limit)
            if rows is not None:
                return rows
        text, values = where.whole()
        tail = _NEWEST_FIRST + ("" if limit is None else " LIMIT ?")
        bound = values if limit is None else [*values, limit]
        return connection.execute(_POSTS + text + tail, bound).fetchall()

    rows = index.query(read)
    return None if rows is None else RowDecoder(index.root).posts(rows)


def count_matching(index: ArchiveIndex, query: Filter) -> int | None:
    """How many posts :func:`matching_posts` gives without a limit; None as it does."""

    def read(connection: sqlite3.Connection) -> int:
        where = _conditions(connection, query)
        if where is None:
            return 0
        text, values = where.whole()
        return int(connection.execute(_COUNT + text, values).fetchone()[0])

    return index.query(read)


def has_posts(index: ArchiveIndex) -> bool | None:
    """Whether the index holds a post (drafts and unpublished ones too); None when it cannot
    be read. Instant, where counting them reads the whole table."""
    return index.query(lambda connection: connection.execute(_ANY_POST).fetchone() is not None)


class _Where(NamedTuple):
    """A filter's conditions, as ``AND ...`` texts and their values, in three parts."""

    dates: tuple[str, list[object]]
    """On ``us``: a range of the index of posts newest first, read as fast as the window."""
    others: tuple[str, list[object]]
    """Categories, tags, hidden posts: tested row by row."""
    text: TextCondition | None
    """The search terms' (None without terms)."""

    def whole(self) -> tuple[str, list[object]]:
        """All of them as one text and its values."""
        (dates, date_values), (others, other_values) = self.dates, self.others
        text, text_values = ("", []) if self.text is None else self.text.where()
        return dates + others + (f" AND {text}" if text else ""), [
            *date_values,
            *other_values,
            *text_values,
        ]


def _conditions(connection: sqlite3.Connection, query: Filter) -> _Where | None:
    """The conditions of ``query``; None when nothing can match."""
    text: list[str] = []
    values: list[object] = []
    for column, word in (("categories", query.category), ("tags", query.tag)):
        if word is None:
            continue
        if not word or " " in word:
            return None  # words are stored space-joined: no category or tag holds a space
        text.append(_HAS_WORD.format(column=column))
        values.append(f" {word} ")
    hidden = (0 if query.drafts else _DRAFT_FLAG) | (0 if query.unpublished else _UNPUBLISHED_FLAG)
    if hidden:
        text.append(_NOT_FLAGGED)
        values.append(hidden)
    dates: list[str] = []
    date_values: list[object] = []
    if query.dates is not None:
        for bound, condition in ((query.dates.start, _FROM), (query.dates.end, _BEFORE)):
            if bound is not None:
                dates.append(condition)
                date_values.append((bound - _EPOCH) // _MICROSECOND)
    matching = None
    if query.terms:
        matching = text_condition(connection, query.terms)
        if matching is None:
            return None  # a required term occurs nowhere
    return _Where(("".join(dates), date_values), ("".join(text), values), matching)


def _newest_in_windows(
    connection: sqlite3.Connection, where: _Where, text: TextCondition, limit: int
) -> list[Row] | None:
    """The newest ``limit`` posts meeting ``where``, searched for among the newest posts of
    its dates first, in ever larger windows; None when the matches look too few for a
    larger window to be worth it: the whole query then costs no more.

    The answer is exact: every post outside a window comes after every post in it, so
    ``limit`` matches inside are the first ``limit`` of all. It is fast because a common
    term (most searches) matches ``limit`` posts among the newest few thousand, and their
    rowids are neighbours in a cold-built index, so the full-text shards read only that
    range of their lists instead of every match (at 1,000,000 posts, "合作" is in 522,000).
    The window holds every post of the dates asked for, whatever their categories or tags:
    its edge is then found reading the index of dates alone.
    """
    dates, date_values = where.dates
    others, other_values = where.others
    size = max(_FIRST_WINDOW, limit * _WINDOW_PER_POST)
    rowids = 0
    while True:
        statement = _EDGE + dates + _EDGE_TAIL
        edge = connection.execute(statement, [*date_values, size - 1]).fetchone()
        if edge is None:  # fewer posts of those dates than the window: all of them are
            window, window_values = dates, date_values
        else:
            window, window_values = dates + _IN_WINDOW, [*date_values, edge[0], edge[0], edge[1]]
        low, high = connection.execute(_ROWID_RANGE + window, window_values).fetchone()
        if low is None:
            return []
        text_where, text_values = text.where((int(low), int(high)))
        rows = connection.execute(
            f"{_POSTS}{window}{others} AND {text_where}{_NEWEST_FIRST} LIMIT ?",
            [*window_values, *other_values, *text_values, limit],
        ).fetchall()
        if edge is None or len(rows) == limit:
            return rows
        rowids = rowids or int(connection.execute(sql.LAST_ROWID).fetchone()[0])
        if not rows or len(rows) * rowids < _FEW_MATCHES * size:
            return None  # at the window's density, too few matches in all to look further
        size *= max(_WINDOW_GROWTH, -(-_WINDOW_GROWTH * limit // len(rows)))


# --- categories ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CategorySummary:
    """Every category's label and listed count, as the Archive of the index's posts has them."""

    labels: dict[str, str]
    """As ``Archive.labels``: slug -> the one tag every post of the category carries."""
    listed: list[Category]
    """The categories with a post listed by default, as the Archive meets them (where that
    decides the order of its sorts)."""

    def categories(self, *, by: str = "count") -> list[Category]:
        """As ``Archive.categories``: by count (default) or by name."""
        if by == "name":
            return sorted(self.listed, key=lambda category: category.slug.casefold())
        return sorted(self.listed, key=lambda category: (-category.count, category.slug.casefold()))


def category_summary(index: ArchiveIndex) -> CategorySummary | None:
    """Labels and counts of every category (kept beside the index while it is unchanged, see
    :mod:`.summary_cache`); None when the index cannot be read."""
    kept = None if index.temporary or index.path is None else summary_path(index.path)

    def read(connection: sqlite3.Connection) -> CategorySummary:
        current = version(connection)
        if kept is not None:
            found = _summary_from(load_summary(kept, *current))
            if found is not None:
                return found
        summary = _read_summary(connection)
        if kept is not None:
            listed = [
                (category.slug, category.label, category.count) for category in summary.listed
            ]
            save_summary(kept, *current, (summary.labels, listed))
        return summary

    return index.query(read)


def _summary_from(value: object) -> CategorySummary | None:
    """The summary :func:`category_summary` kept, if ``value`` is one."""
    if not (isinstance(value, tuple) and len(value) == 2):
        return None
    labels, listed = value
    try:
        return CategorySummary(dict(labels), [Category(*category) for category in listed])
    except (TypeError, ValueError):
        return None


def _read_summary(connection: sqlite3.Connection) -> CategorySummary:
    shared: dict[str, set[str]] = {}
    counts: dict[str, int] = {}
    hidden_counts: dict[str, int] = {}
    for categories, tags, hidden, count in connection.execute(
        _CATEGORY_GROUPS, (_DRAFT_FLAG | _UNPUBLISHED_FLAG,)
    ):
        tag_set = set(tags.split(" ")) if tags else set()
        for slug in categories.split(" "):
            # The label: the one tag all its posts share (Archive's _category_labels).
            shared[slug] = shared[slug] & tag_set if slug in shared else tag_set
            counts[slug] = counts.get(slug, 0) + count
            if hidden:
                hidden_counts[slug] = hidden_counts.get(slug, 0) + count
    labels = {slug: next(iter(tags)) for slug, tags in shared.items() if tags and len(tags) == 1}
    listed = [
        Category(slug, labels.get(slug), counts[slug] - hidden_counts.get(slug, 0))
        for slug in _first_seen_order(connection, counts)
        if counts[slug] > hidden_counts.get(slug, 0)
    ]
    return CategorySummary(labels, listed)


def _first_seen_order(connection: sqlite3.Connection, counts: dict[str, int]) -> list[str]:
    """The slugs in the order the Archive meets them (newest post first) where it matters:
    between slugs that only differ in case, which its sorts leave in that order."""
    folded: dict[str, list[str]] = {}
    for slug in counts:
        folded.setdefault(slug.casefold(), []).append(slug)
    ordered: list[str] = []
    for slugs in folded.values():
        if len(slugs) > 1:
            slugs.sort(key=lambda slug: _newest_key(connection, slug), reverse=True)
        ordered.extend(slugs)
    return ordered


def _newest_key(connection: sqlite3.Connection, slug: str) -> tuple[int, str]:
    row = connection.execute(_NEWEST_OF_CATEGORY, (f" {slug} ",)).fetchone()
    return (int(row[0]), str(row[1])) if row else (0, "")


# --- one post by id or post_url name ------------------------------------------------------


def linked_post(index: ArchiveIndex, name: str, ids: list[str] | None = None) -> list[Post] | None:
    """``Archive.linked_post(name)`` over the index, as a list of none or one post; None when
    the index cannot be read. ``ids``: every post's id, if already in hand (see
    :func:`post_ids`); read only for a name that is not an id."""
    name = name.strip().removeprefix("./").strip("/")
    if not name:
        return []
    rows = index.query(lambda connection: _rows_of_id(connection, name))
    if rows is None:
        return None
    if not rows:
        ids = ids if ids is not None else post_ids(index)
        if ids is None:
            return None
        matches = list(filter(linked_name_matcher(name), ids))
        if not matches:
            return []
        rows = index.query(lambda connection: _rows_of_id(connection, min(matches)))
        if rows is None:
            return None
    return RowDecoder(index.root).posts(rows)


def post_ids(index: ArchiveIndex) -> list[str] | None:
    """Every post's id; None when the index cannot be read."""
    return index.query(_post_ids)


def _rows_of_id(connection: sqlite3.Connection, post_id: str) -> list[Row]:
    return connection.execute(_POST_BY_ID, (post_id,)).fetchall()


def _post_ids(connection: sqlite3.Connection) -> list[str]:
    return [post_id for (post_id,) in connection.execute(_POST_IDS)]
