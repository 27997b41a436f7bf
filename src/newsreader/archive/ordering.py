"""The orders the article list can take: newest first (the archive's own), oldest, title, category.

Every order is total and stable: posts that tie (one title, one category) stay newest first,
then by id, so the list never reshuffles between two filters. Titles compare by their
case-folded text, code point by code point: Chinese titles sort by the Unicode order of their
characters (roughly by radical and stroke count, not by pinyin), which keeps titles that start
alike together. Leading spaces and quotes do not count, and untitled posts come last.
:meth:`newsreader.archive.Archive.sort` keeps each order's ranks, computed once per archive
change, so ordering a filtered list costs one pass and no comparison sort.
"""

from __future__ import annotations

from enum import Enum


class SortOrder(Enum):
    """How the article list is ordered; the value is the settings' word for it."""

    NEWEST = "newest"
    OLDEST = "oldest"
    TITLE = "title"
    CATEGORY = "category"

    @property
    def label(self) -> str:
        """The order in words, for the list's header."""
        return _LABELS[self]

    def following(self) -> SortOrder:
        """The order the sort key goes to next (after the last, the first again)."""
        orders = list(SortOrder)
        return orders[(orders.index(self) + 1) % len(orders)]


_LABELS = {
    SortOrder.NEWEST: "newest first",
    SortOrder.OLDEST: "oldest first",
    SortOrder.TITLE: "by title",
    SortOrder.CATEGORY: "by category",
}

SORT_ORDERS: tuple[str, ...] = tuple(order.value for order in SortOrder)
"""The words the ``article_sort`` setting takes."""

_IGNORED_LEADING = " \t\u3000\"'“”‘’「」『』《》【】（）()[]"
"""Characters a title's place in the order skips at its start (quotes, brackets, spaces)."""
_LAST = "\U0010ffff"
"""Sorts after every real text: untitled and uncategorised posts go to the end."""


def title_key(title: str) -> str:
    """Where a title sorts: case-folded, without leading quotes and brackets."""
    return title.lstrip(_IGNORED_LEADING).casefold() or _LAST


def category_key(categories: tuple[str, ...]) -> str:
    """Where a post with these categories sorts by category: its first slug, case-folded."""
    return categories[0].casefold() if categories else _LAST
