"""Answers from the index without loading every post: a filtered page, categories, one post.

The reader loads all posts into an :class:`~newsreader.archive.collection.Archive` and asks it;
a command asking for twenty posts must not pay for 100,000. These functions ask SQLite the
same questions and give the same answers as the Archive would over the index's posts:

* :func:`matching_posts` / :func:`count_matching` -- ``Archive.filter(query, index.search(terms))``
  (newest first, ties by id; drafts and unpublished posts only when asked for), a page of it;
* :func:`category_summary` -- ``Archive.categories`` and ``Archive.labels``;
* :func:`linked_post` -- ``Archive.linked_post``: a post by id or by Jekyll ``post_url`` name;
* :func:`post_ids` -- every post's id.

Each returns None when the index turned out broken (see :meth:`ArchiveIndex.query`): the
caller then loads the archive itself. The SQL is here rather than in :mod:`.sql`: it is the
read side of these questions only, built per query from the parts a filter uses.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

from newsreader.archive.collection import linked_name_matcher
from newsreader.archive.index import sql
from newsreader.archive.index.archive_index import ArchiveIndex
from newsreader.archive.index.rows import Row, RowDecoder
from newsreader.archive.index.search import text_condition
from newsreader.archive.index.store import version
from newsreader.archive.index.summary_cache import load_summary, save_summary, summary_path
from newsreader.archive.post import Category, Post
from newsreader.archive.query import Filter

__all__ = [
    "CategorySummary",
    "category_summary",
    "count_matching",
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


# --- posts matching a filter --------------------------------------------------------------


def matching_posts(
    index: ArchiveIndex, query: Filter, limit: int | None = None
) -> list[Post] | None:
    """The posts ``Archive.filter`` gives for ``query`` (text searched in the index), newest
    first, at most ``limit``; None when the index cannot be read."""

    def read(connection: sqlite3.Connection) -> list[Row]:
        where = _conditions(connection, query)
        if where is None:
            return []
        text, values = where
        tail = _NEWEST_FIRST + ("" if limit is None else " LIMIT ?")
        bound = values if limit is None else [*values, max(limit, 0)]
        return connection.execute(_POSTS + text + tail, bound).fetchall()

    rows = index.query(read)
    return None if rows is None else RowDecoder(index.root).posts(rows)


def count_matching(index: ArchiveIndex, query: Filter) -> int | None:
    """How many posts :func:`matching_posts` gives without a limit; None as it does."""

    def read(connection: sqlite3.Connection) -> int:
        where = _conditions(connection, query)
        if where is None:
            return 0
        text, values = where
        return int(connection.execute(_COUNT + text, values).fetchone()[0])

    return index.query(read)


def _conditions(connection: sqlite3.Connection, query: Filter) -> tuple[str, list[object]] | None:
    """The ``AND ...`` conditions of ``query`` and their values; None when nothing can match."""
    text: list[str] = []
    values: list[object] = []
    for column, word in (("categories", query.category), ("tags", query.tag)):
        if word is None:
            continue
        if not word or " " in word:
            return None  # words are stored space-joined: no category or tag holds a space
        text.append(_HAS_WORD.format(column=column))
        values.append(f" {word} ")
    if query.dates is not None:
        for bound, condition in ((query.dates.start, _FROM), (query.dates.end, _BEFORE)):
            if bound is not None:
                text.append(condition)
                values.append((bound - _EPOCH) // _MICROSECOND)
    hidden = (0 if query.drafts else _DRAFT_FLAG) | (0 if query.unpublished else _UNPUBLISHED_FLAG)
    if hidden:
        text.append(_NOT_FLAGGED)
        values.append(hidden)
    terms = query.terms
    if terms:
        matching = text_condition(connection, terms)
        if matching is None:
            return None  # a required term occurs nowhere
        text_where, text_values = matching
        if text_where:
            text.append(" AND " + text_where)
            values.extend(text_values)
    return "".join(text), values


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
