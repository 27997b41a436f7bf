"""The marks of one archive in memory, and how a post finds its mark again.

A post's mark is found by, in order: its id, unless the stored row and the post both carry a
source address and they differ (the path now holds another article); its ``source_url``
(exact text), the most recently changed row first; its title and date (the date as written,
to the minute). The last two find a file that moved; they never take the row of a post that is
itself loaded (`MarkTable.ids` is told which are), so two posts that share a title and date, or
a source address, each keep marks of their own. The table is a cache of the rows the store last
read or wrote.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Sequence
from collections.abc import Set as AbstractSet
from typing import Literal, NamedTuple, Protocol

from newsreader.archive.post import Post

Flag = Literal["read", "starred"]
"""The two marks a post can carry."""


class LoadedPosts(Protocol):
    """The archive as :meth:`MarkTable.ids_in` asks it (``Archive`` is one)."""

    def __contains__(self, post_id: object) -> bool: ...

    def posts_with_ids(self, post_ids: Iterable[str]) -> list[Post]: ...

    def posts_named(self, urls: AbstractSet[str], titles: AbstractSet[str]) -> list[Post]: ...


class Mark(NamedTuple):
    """One stored row; ``*_changed`` are Unix times (0: never changed)."""

    post: str
    source_url: str | None
    title: str
    date: str
    read: bool
    read_changed: float
    starred: bool
    star_changed: float
    updated_at: float

    def value(self, flag: Flag) -> bool:
        """Whether ``flag`` is set."""
        return self.read if flag == "read" else self.starred


class MarkTable:
    """One archive's rows in memory, indexed for the fallback lookups."""

    def __init__(self, rows: Iterable[Mark] = ()) -> None:
        self.rows: dict[str, Mark] = {}
        self.by_url: dict[str, str] = {}
        self.by_title: dict[str, dict[str, str]] = {}
        for row in rows:  # oldest first, so the newest row wins each secondary key
            self.rows[row.post] = row
        self._index(self.rows.values())

    def _index(self, rows: Iterable[Mark]) -> None:
        for row in rows:
            if row.source_url:
                self.by_url[row.source_url] = row.post
            if row.title:
                self.by_title.setdefault(row.title, {})[row.date] = row.post

    def put(self, new_rows: Sequence[Mark]) -> None:
        """Install rows just committed (newer than every row held)."""
        moved = False
        for row in new_rows:
            old = self.rows.get(row.post)
            if old is not None and (old.source_url, old.title, old.date) != (
                row.source_url,
                row.title,
                row.date,
            ):
                moved = True
            self.rows.pop(row.post, None)  # keep the dict in updated_at order
            self.rows[row.post] = row
        if moved:
            self.by_url.clear()
            self.by_title.clear()
            self._index(self.rows.values())
        else:
            self._index(new_rows)

    def own(self, post: Post) -> Mark | None:
        """The row stored under the post's id, unless it now holds another article."""
        row = self.rows.get(post.id)
        if row is None:
            return None
        if row.source_url and post.source_url and row.source_url != post.source_url:
            return None
        return row

    def find(self, post: Post) -> Mark | None:
        """The row that holds this post's marks: by id, else source address, else title+date."""
        rows = self.rows
        row = rows.get(post.id)
        url = post.source_url
        if row is not None and not (row.source_url and url and row.source_url != url):
            return row
        if url:
            key = self.by_url.get(url)
            if key is not None:
                return rows[key]
        dates = self.by_title.get(post.title)
        if dates is not None:
            key = dates.get(date_key(post))
            if key is not None:
                return rows[key]
        return None

    def ids_in(self, archive: LoadedPosts, flag: Flag) -> set[str]:
        """:meth:`ids` of every post of ``archive``, asking it only for the posts that can
        carry a mark: those with a row of their own, and those named as a flagged row of a
        post not loaded is (its source address or title). A million posts are never walked.
        """
        position = Mark._fields.index(flag)
        rows = self.rows
        if not any(row[position] for row in rows.values()):
            return set()
        # A post's own row decides for it unless that row has a source address, which may
        # no longer be the post's: either way the post is needed only then, or if flagged.
        own = [
            post_id
            for post_id, row in rows.items()
            if (row[position] or row.source_url) and post_id in archive
        ]
        moved = [row for row in rows.values() if row[position] and row.post not in archive]
        candidates = archive.posts_with_ids(own)
        if moved:
            urls = {row.source_url for row in moved if row.source_url}
            titles = {row.title for row in moved if row.title}
            candidates += archive.posts_named(urls, titles)
        return self.ids(candidates, flag, loaded=archive)

    def ids(
        self, posts: Iterable[Post], flag: Flag, *, loaded: Container[str] | None = None
    ) -> set[str]:
        """Ids of the posts whose ``flag`` is set: :meth:`find` inlined, for 100,000 posts.

        A row found by source address or title and date counts only when its own post is not
        ``loaded`` (by default: among ``posts``): that post is loaded, so the row is its own,
        not one that moved.
        """
        position = Mark._fields.index(flag)
        rows, by_url, by_title = self.rows, self.by_url, self.by_title
        if not any(row[position] for row in rows.values()):
            return set()  # nothing starred yet (or read): no walk over 100,000 posts
        posts = posts if isinstance(posts, (list, tuple)) else list(posts)
        if loaded is None:
            loaded = {post.id for post in posts}
        found: set[str] = set()
        for post in posts:
            row = rows.get(post.id)
            if row is None:
                key = by_url.get(post.source_url)  # type: ignore[arg-type]  # None finds nothing
                if key is None or key in loaded:
                    dates = by_title.get(post.title)
                    if dates is None:
                        continue
                    key = dates.get(date_key(post))
                    if key is None or key in loaded:
                        continue
                row = rows[key]
            elif row.source_url and post.source_url and row.source_url != post.source_url:
                row = self.find(post)  # the path holds another article now: rare
                if row is None:
                    continue
            if row[position]:
                found.add(post.id)
        return found


def date_key(post: Post) -> str:
    """The post's date as written (its own offset), to the minute."""
    # isoformat is several times faster than strftime, and this runs once per post written.
    return post.date.isoformat(timespec="minutes")[:16]


def changed_row(base: Mark | None, post: Post, flag: Flag, value: bool, now: float) -> Mark:
    """The row for ``post`` after setting ``flag``; ``base`` is the mark it had, if any."""
    read, read_changed = (base.read, base.read_changed) if base else (False, 0.0)
    starred, star_changed = (base.starred, base.star_changed) if base else (False, 0.0)
    if flag == "read":
        read, read_changed = value, now
    else:
        starred, star_changed = value, now
    return Mark(
        post.id,
        post.source_url,
        post.title,
        date_key(post),
        read,
        read_changed,
        starred,
        star_changed,
        now,
    )
