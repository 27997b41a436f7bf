"""The loaded archive: posts newest first, categories with labels, and fast filtering.

Filtering must stay well under 50 ms at 100,000 posts, so the archive keeps, besides the posts
sorted newest first, each category's and tag's positions in that order and the timestamps for
bisecting a date range. Text is searched by the index (``ArchiveIndex.search``):
:meth:`Archive.filter` takes the ids it found.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Container, Iterable
from collections.abc import Set as AbstractSet
from operator import attrgetter
from pathlib import Path

from newsreader.archive.ordering import Ranked, SortOrder, ranked
from newsreader.archive.post import Category, Post, Problem
from newsreader.archive.query import Filter


class Archive:
    """Posts and problems of one archive root; posts may be added while it is in use."""

    def __init__(self, root: Path, posts: Iterable[Post] = ()) -> None:
        self.root = root
        self.skipped: list[Problem] = []
        """Files that could not be loaded at all."""
        self.scan_problems: list[Problem] = []
        """Folders or links that could not be followed."""
        self._posts: dict[str, Post] = {}
        self._dirty = True
        self._ordered: list[Post] = []
        self._neg_times: list[float] = []
        self._by_category: dict[str, list[int]] = {}
        self._by_tag: dict[str, list[int]] = {}
        self._labels: dict[str, str] = {}
        self._days: dict[str, str] = {}
        self._category_ids: dict[str, list[str]] | None = None
        """Each category's post ids, made when unread counts are first asked for."""
        self._has_hidden = False
        """Whether any post is a draft or unpublished (else filtering skips that test)."""
        self._hidden_counts = (0, 0)
        self._hidden_ids: frozenset[str] = frozenset()
        """Drafts and unpublished posts: listed only when asked for, so counted apart."""
        self._hidden_by_category: Counter[str] = Counter()
        self._ranked: dict[SortOrder, Ranked] = {}
        """Each key order's posts and ranks, computed when first asked for after a change."""
        self.add(posts)

    # --- changing --------------------------------------------------------------------------

    def add(self, posts: Iterable[Post]) -> None:
        """Add or replace posts (same id replaces)."""
        for post in posts:
            self._posts[post.id] = post
            self._dirty = True

    def remove(self, post_ids: Iterable[str]) -> None:
        """Forget posts, by id."""
        for post_id in post_ids:
            if self._posts.pop(post_id, None) is not None:
                self._dirty = True

    def _rebuild(self) -> None:
        if not self._dirty:
            return
        ordered = sorted(self._posts.values(), key=_DATE_AND_ID, reverse=True)
        by_category: dict[str, list[int]] = defaultdict(list)
        by_tag: dict[str, list[int]] = defaultdict(list)
        for position, post in enumerate(ordered):
            for slug in post.categories:
                by_category[slug].append(position)
            for tag in post.tags:
                by_tag[tag].append(position)
        self._ordered = ordered
        self._neg_times = [-post.date.timestamp() for post in ordered]
        self._by_category = dict(by_category)
        self._by_tag = dict(by_tag)
        self._labels = _category_labels(ordered, self._by_category)
        self._days = _days_of(ordered)
        self._category_ids = None
        self._ranked = {}
        hidden = [post for post in ordered if post.draft or not post.published]
        self._hidden_ids = frozenset(post.id for post in hidden)
        self._hidden_by_category = Counter(slug for post in hidden for slug in post.categories)
        self._hidden_counts = (
            sum(1 for post in hidden if post.draft),
            sum(1 for post in hidden if not post.published),
        )
        self._has_hidden = bool(hidden)
        self._dirty = False

    # --- reading ---------------------------------------------------------------------------

    @property
    def posts(self) -> list[Post]:
        """All posts, newest first."""
        self._rebuild()
        return self._ordered

    def __len__(self) -> int:
        return len(self._posts)

    def listed_count(self) -> int:
        """The posts listed by default: all but drafts and unpublished posts."""
        self._rebuild()
        return len(self._posts) - len(self._hidden_ids)

    def listed_read(self, read_ids: AbstractSet[str]) -> int:
        """How many of ``read_ids`` are posts listed by default."""
        self._rebuild()
        return len(read_ids) - sum(1 for post_id in self._hidden_ids if post_id in read_ids)

    def get(self, post_id: str) -> Post | None:
        """The post with this id, if loaded."""
        return self._posts.get(post_id)

    def linked_post(self, name: str) -> Post | None:
        """The post a link to ``name`` means: a Jekyll ``post_url``/``link`` argument or an id.

        An id (``_posts/2010-07-21-name.md``) is taken as it is; otherwise, as Jekyll matches
        ``{% post_url 2010-07-21-name %}`` (or ``sub/2010-07-21-name``), the post whose path
        without its extension and without ``_posts`` folders ends with ``name``. Ties go to the
        first id in sorted order, so the answer does not change from run to run.
        """
        name = name.strip().removeprefix("./").strip("/")
        exact = self._posts.get(name)
        if exact is not None or not name:
            return exact
        # A copy of the ids: the reading pane asks from a thread.
        matches = list(filter(linked_name_matcher(name), list(self._posts)))
        return self._posts.get(min(matches)) if matches else None

    def linked_post_id(self, name: str) -> str | None:
        """The id of `linked_post` (None when no post is meant)."""
        post = self.linked_post(name)
        return None if post is None else post.id

    @property
    def problems(self) -> list[Problem]:
        """Everything worth telling the user: skipped files, scan trouble, recovered posts."""
        recovered = [
            Problem(post.id, message)
            for post in sorted(self._posts.values(), key=lambda post: post.id)
            for message in post.problems
        ]
        return [*self.scan_problems, *self.skipped, *recovered]

    @property
    def labels(self) -> dict[str, str]:
        """Category slug -> label, for categories whose posts all carry one same tag."""
        self._rebuild()
        return self._labels

    def categories(self, *, by: str = "count") -> list[Category]:
        """Every category with its label and count of posts listed by default (a category
        of drafts alone is left out), by count (default) or by name."""
        self._rebuild()
        hidden = self._hidden_by_category
        categories = [
            Category(slug, self._labels.get(slug), len(positions) - hidden[slug])
            for slug, positions in self._by_category.items()
            if len(positions) > hidden[slug]
        ]
        if by == "name":
            categories.sort(key=lambda category: category.slug.casefold())
        else:
            categories.sort(key=lambda category: (-category.count, category.slug.casefold()))
        return categories

    def filter(self, query: Filter, text_matches: Container[str] | None = None) -> list[Post]:
        """The posts that match every part of ``query``, newest first.

        The query's text is applied only through ``text_matches``: the ids of the posts the
        index found for it (``ArchiveIndex.search(query.terms)``). A query with a text and no
        ids is a caller's mistake (``ValueError``): the index's full-text table is the one
        search, so nothing else may decide differently what a text matches.
        """
        terms = query.terms
        if terms and text_matches is None:
            raise ValueError("a query with a text needs the ids the index matched for it")
        self._rebuild()
        ordered = self._ordered
        low, high = 0, len(ordered)
        if query.dates is not None:
            if query.dates.end is not None:
                low = bisect.bisect_right(self._neg_times, -query.dates.end.timestamp())
            if query.dates.start is not None:
                high = bisect.bisect_right(self._neg_times, -query.dates.start.timestamp())
        positions: list[int] | range = range(low, high)
        for key, index in ((query.category, self._by_category), (query.tag, self._by_tag)):
            if key is None:
                continue
            selected = index.get(key, [])
            if isinstance(positions, range):
                start = bisect.bisect_left(selected, low)
                positions = selected[start : bisect.bisect_left(selected, high)]
            else:
                keep = set(selected)
                positions = [position for position in positions if position in keep]
        posts = [ordered[position] for position in positions]
        if terms and text_matches is not None:
            posts = [post for post in posts if post.id in text_matches]
        if self._has_hidden and not (query.drafts or query.unpublished):
            # The usual case, on every filter: a set lookup, not a method call, per post.
            hidden = self._hidden_ids
            posts = [post for post in posts if post.id not in hidden]
        elif self._has_hidden and not (query.drafts and query.unpublished):
            posts = [post for post in posts if query.shows(post)]
        return posts

    def sort(self, posts: list[Post], order: SortOrder) -> list[Post]:
        """``posts`` (newest first, as :meth:`filter` gives them) in ``order``.

        A key order is sorted once per change of the archive. Then the whole archive is a
        copy of that order, and a part of it is read back from each post's rank in one pass:
        no comparison sort on a key press.
        """
        if order is SortOrder.NEWEST:
            return posts
        if order is SortOrder.OLDEST:
            return posts[::-1]
        self._rebuild()
        ranked_posts = self._ranked.get(order)
        if ranked_posts is None:
            ranked_posts = self._ranked[order] = ranked(self._ordered, order)
        everything, rank = ranked_posts.posts, ranked_posts.rank
        if len(posts) == len(everything):
            return list(everything)
        ids = map(_ID, posts)
        if len(posts) * 8 < len(everything):  # a few posts: sorting them costs less
            order_of = list(map(rank.__getitem__, ids))
            return [posts[index] for index in sorted(range(len(posts)), key=order_of.__getitem__)]
        places: list[Post | None] = [None] * len(everything)
        for place, post in zip(map(rank.__getitem__, ids), posts, strict=True):
            places[place] = post
        return [post for post in places if post is not None]

    def hidden_counts(self) -> tuple[int, int]:
        """How many posts are drafts, and how many unpublished (both hidden by default)."""
        self._rebuild()
        return self._hidden_counts

    def unread_counts(self, read_ids: AbstractSet[str]) -> dict[str, int]:
        """Posts not in ``read_ids``, per category slug (fast: walks the category index)."""
        self._rebuild()
        if self._category_ids is None:
            ordered = self._ordered
            hidden = self._hidden_ids
            self._category_ids = {
                slug: [
                    ordered[position].id
                    for position in positions
                    if not hidden or ordered[position].id not in hidden
                ]
                for slug, positions in self._by_category.items()
            }
        is_read = read_ids.__contains__
        counts: dict[str, int] = {}
        # Counted by map and sum, in C: this runs on every read mark, over every category
        # membership (~0.25 s at 100,000 posts as a generator; ~10 ms this way).
        for slug, ids in self._category_ids.items():
            unread = len(ids) - sum(map(is_read, ids))
            if unread:
                counts[slug] = unread
        return counts

    def day_counts(self, posts: Iterable[Post]) -> Counter[str]:
        """Posts per day (``YYYY-MM-DD`` in each post's own offset) for a timeline or chart."""
        self._rebuild()
        days = self._days
        return Counter(days[post.id] for post in posts)


def _category_labels(ordered: list[Post], by_category: dict[str, list[int]]) -> dict[str, str]:
    """A category's label is the one tag every post of it carries (none when it is ambiguous)."""
    labels: dict[str, str] = {}
    for slug, positions in by_category.items():
        last = ordered[positions[0]].tags
        shared = list(dict.fromkeys(last))
        for position in positions[1:]:
            tags = ordered[position].tags
            if tags is last:
                continue  # the index shares one tuple between posts with the same tags
            last = tags
            shared = [tag for tag in shared if tag in tags]
            if not shared:
                break
        if len(shared) == 1:
            labels[slug] = shared[0]
    return labels


_ID = attrgetter("id")
_DATE_AND_ID = attrgetter("date", "id")
"""The archive's order, newest first once reversed (in C: no Python call per post)."""


def _days_of(posts: Iterable[Post]) -> dict[str, str]:
    """Each post's day (``YYYY-MM-DD`` in its own offset), the few thousand distinct days
    shared: one string a day, not one a post (10 MB at 100,000 posts)."""
    days: dict[str, str] = {}
    names: dict[int, str] = {}  # a day's ordinal -> its name: one C call a post, no string
    for post in posts:
        date = post.date
        ordinal = date.toordinal()
        name = names.get(ordinal)
        if name is None:
            name = names[ordinal] = date.date().isoformat()
        days[post.id] = name
    return days


_STEM_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,10}$")


def linked_name_matcher(name: str) -> Callable[[str], bool]:
    """Whether a post id is meant by a link to ``name`` that is not itself an id (stripped
    as :meth:`Archive.linked_post` strips it): Jekyll's ``post_url`` matching."""
    wanted = _posts_free(_STEM_EXTENSION.sub("", name))
    suffix = "/" + wanted

    def matches(post_id: str) -> bool:
        stem = _posts_free(_STEM_EXTENSION.sub("", post_id))
        return stem == wanted or stem.endswith(suffix)

    return matches


def _posts_free(path: str) -> str:
    """``path`` without ``_posts`` folders: ``en/_posts/2010-07-21-a`` is ``en/2010-07-21-a``."""
    return "/".join(part for part in path.split("/") if part != "_posts")
