"""What filtering and counting an archive read, made once per change of its columns.

Each category's and tag's positions (ascending: newest first), the posts listed by default,
counts and labels. Built from the distinct (categories, tags) pairs, not post by post: posts
share those tuples, a few thousand for a million posts.
"""

from __future__ import annotations

from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass

from newsreader.archive.columns import DRAFT, UNPUBLISHED, Columns

Groups = dict[tuple[tuple[str, ...], tuple[str, ...]], list[int]]
"""The positions of the posts of each (categories, tags) pair."""


@dataclass(frozen=True, slots=True)
class ColumnIndex:
    """Lookups over one :class:`~newsreader.archive.columns.Columns`."""

    position: dict[str, int]
    """Post id -> its position."""
    by_category: dict[str, array[int]]
    by_tag: dict[str, array[int]]
    listed_per_category: dict[str, int]
    """Posts listed by default (no draft, no unpublished post) per category."""
    labels: dict[str, str]
    """Category slug -> label, for categories whose posts all carry one same tag."""
    listed: array[int]
    """The positions of the posts listed by default."""
    hidden_counts: tuple[int, int]
    """How many posts are drafts, and how many unpublished."""


def index_columns(columns: Columns) -> ColumnIndex:
    """The lookups of ``columns``."""
    by_category: defaultdict[str, array[int]] = defaultdict(lambda: array("l"))
    by_tag: defaultdict[str, array[int]] = defaultdict(lambda: array("l"))
    listed_per_category: Counter[str] = Counter()
    hidden = columns.hidden
    groups: defaultdict[tuple[tuple[str, ...], tuple[str, ...]], list[int]] = defaultdict(list)
    for position, key in enumerate(zip(columns.categories, columns.tags, strict=True)):
        groups[key].append(position)
    for (categories, tags), positions in groups.items():
        listed = sum(1 for position in positions if not hidden[position])
        for slug in categories:
            by_category[slug].extend(positions)
            listed_per_category[slug] += listed
        for tag in tags:
            by_tag[tag].extend(positions)
    if any(hidden):
        listed_positions = array("l", (p for p, bits in enumerate(hidden) if not bits))
        hidden_counts = (
            sum(1 for bits in hidden if bits & DRAFT),
            sum(1 for bits in hidden if bits & UNPUBLISHED),
        )
    else:
        listed_positions = array("l", range(len(columns)))
        hidden_counts = (0, 0)
    return ColumnIndex(
        position=dict(zip(columns.ids, range(len(columns)), strict=True)),
        by_category={slug: _ascending(positions) for slug, positions in by_category.items()},
        by_tag={tag: _ascending(positions) for tag, positions in by_tag.items()},
        listed_per_category=dict(listed_per_category),
        labels=category_labels(groups),
        listed=listed_positions,
        hidden_counts=hidden_counts,
    )


def _ascending(positions: array[int]) -> array[int]:
    """Positions gathered group by group, in order (a category's posts are walked in order)."""
    return array("l", sorted(positions))


def category_labels(groups: Groups) -> dict[str, str]:
    """A category's label is the one tag every post of it carries (none when it is ambiguous)."""
    shared: dict[str, list[str]] = {}
    for categories, tags in groups:
        for slug in categories:
            known = shared.get(slug)
            if known is None:
                shared[slug] = list(dict.fromkeys(tags))
            elif known:
                shared[slug] = [tag for tag in known if tag in tags]
    return {slug: tags[0] for slug, tags in shared.items() if len(tags) == 1}
