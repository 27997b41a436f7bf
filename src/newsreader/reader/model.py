"""What the reader shows, decided without Textual: the posts in view, the open one, the marks.

The screen hands the model what the user did (a filter, a view, a search's results, an
article opened, a mark) and the batches the feed reads from the index; the model answers with
the ordered posts to list, the open post and its place among them, the neighbours ``n`` and
``p`` go to, and the words of the status line. Every rule about which post comes next lives
here, so it is tested without a terminal (``tests/test_reader_model.py``).

Decisions written down here:

- ``n`` and ``p`` move from the open article, not from the list's cursor (the user may have
  scrolled the list while reading); with nothing open they move from the cursor. So does
  "next unread" (``J``), which wraps to the top once nothing unread is left below.
- In the Unread and Starred views (and with ``U``), the open post stays listed after it
  stops qualifying (opening a post marks it read): it leaves the list when another post is
  opened or the filter changes. So ``n`` walks the unread posts one by one instead of
  skipping every other one as the list shrinks under the cursor.
- A filter that no longer shows the open post closes it: the pane never shows, or counts
  search matches in, an article the list does not hold.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Container
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from datetime import tzinfo
from enum import Enum
from functools import cached_property
from pathlib import Path

from newsreader.archive import (
    DRAFT,
    UNPUBLISHED,
    Archive,
    Filter,
    LoadOptions,
    Post,
    PostList,
    Problem,
    SortOrder,
    load_post,
)
from newsreader.reader.feed import Batch
from newsreader.reader.marks import ReadMarks
from newsreader.words import counted

MarkMode = str
"""``"open"``, ``"delay"`` or ``"key"``: when opening a post marks it read (the settings')."""


class View(Enum):
    """Which of the sidebar's entries above the categories narrows the list."""

    ALL = "all"
    UNREAD = "unread"
    STARRED = "starred"
    DRAFTS = "drafts"
    """Only the drafts (``_drafts/``), which every other view leaves out, as Jekyll does."""
    UNPUBLISHED = "unpublished"
    """Only the ``published: false`` posts, likewise left out elsewhere."""


@dataclass(frozen=True, slots=True)
class Status:
    """The status line's words: the filters in effect, and how many posts show of how many."""

    filters: str
    shown: int
    total: int


@dataclass(frozen=True, slots=True)
class SidebarCounts:
    """Everything the category list shows beside the names."""

    unread: dict[str, int] | None
    """Unread posts per category; None without a reading state (no Unread entry then)."""
    unread_total: int
    starred: int
    total: int = 0
    """Posts listed by default (drafts and unpublished posts have entries of their own)."""
    drafts: int = 0
    unpublished: int = 0


@dataclass(frozen=True, slots=True)
class Applied:
    """What a batch changed, for the screen to tell the widgets."""

    changed_ids: frozenset[str]
    """Posts added, rewritten or removed: an open article among them is shown again."""
    finished_loading: bool
    """This batch ended the loading (the reader is ready: say so)."""
    search_stale: bool
    """The index changed under a running search: run it again."""
    sidebar_changed: bool
    """Categories or dates changed (not only marks)."""
    rewritten: Post | None = None
    """The open post, when its file changed: the pane shows its new text."""


class ReaderModel:
    """The state of one reader on one archive, and every rule of what it shows."""

    def __init__(self, root: Path, options: LoadOptions, marks: ReadMarks | None) -> None:
        self.root = root.resolve()
        self.options = options
        self.marks = marks
        """None when the reading state could not be opened at all (marks are then off)."""
        self.archive = Archive(self.root)
        self.filter = Filter()
        self.view = View.ALL
        self.unread_only = False
        self.sort_order = SortOrder.NEWEST
        self.text_matches: Container[str] | None = None
        """The ids the index found for ``filter.text``; None until its search answered."""
        self.loading = True
        self.expected = 0
        """While loading: how many posts the index holds, of which the newest are shown."""
        self.files_read: tuple[int, int] | None = None
        """While the index is built: how many of how many files it has read."""
        self.open_post: Post | None = None
        self.visible: PostList = self.archive.posts
        """The posts listed, in :attr:`sort_order`: the archive through the filter, view and
        marks."""
        self._kept_id: str | None = None
        """The open post, listed even once it no longer fits the view (see the module doc)."""
        self._row_hint = 0
        self.update()

    # --- what is shown --------------------------------------------------------------------

    @property
    def searching(self) -> bool:
        """Whether a search text is in effect."""
        return bool(self.filter.text.strip())

    def update(self) -> None:
        """Filter the archive again (after any change of posts, filter, view or marks)."""
        view, query, only = self.view, self.filter, 0
        if view is View.DRAFTS:
            query, only = replace(query, drafts=True), DRAFT
        elif view is View.UNPUBLISHED:
            query, only = replace(query, unpublished=True), UNPUBLISHED
        posts = self.archive.filter(query, self._matches(), only_hidden=only)
        marks = self.marks
        if marks is not None and (view in (View.UNREAD, View.STARRED) or self.unread_only):
            starred, read, kept = marks.starred_ids, marks.read_ids, self._kept_id
            starred_only, unread_only = view is View.STARRED, self._unread_view
            posts = posts.where(
                lambda post_id: (
                    post_id == kept
                    or (
                        (not starred_only or post_id in starred)
                        and (not unread_only or post_id not in read)
                    )
                )
            )
        self.visible = self.archive.sort(posts, self.sort_order)

    def _matches(self) -> Container[str] | None:
        """The ids the search matched; none at all while the index has not answered."""
        if not self.searching:
            return None
        return self.text_matches if self.text_matches is not None else set()

    @property
    def _unread_view(self) -> bool:
        return self.unread_only or self.view is View.UNREAD

    def status(self) -> Status:
        """The status line: filters in words, posts shown, posts in the archive."""
        parts = [
            self.filter.describe(self.archive.labels),
            self.view.value if self.view in (View.STARRED, View.DRAFTS, View.UNPUBLISHED) else "",
            "unread" if self._unread_view else "",
        ]
        total = self.archive.listed_count()
        if self.loading:  # a first build lists posts as it reads them: say more are coming
            read = self.files_read
            parts.append(f"indexing {read[0]:,}/{read[1]:,} files" if read else "loading")
            total = max(total, self.expected)
        return Status(", ".join(part for part in parts if part), len(self.visible), total)

    def empty_message(self) -> str:
        """What an empty list says."""
        if self.loading:
            return "Loading posts…"
        if not len(self.archive):
            return (
                f"No posts in {self.archive.root}. newsreader reads .md, .markdown and .html "
                "files with YAML front matter. Press r to reload, q to quit."
            )
        return "No posts match these filters. Press x to clear them."

    def sidebar_counts(self) -> SidebarCounts:
        """The category list's unread and starred counts."""
        marks, archive = self.marks, self.archive
        drafts, unpublished = archive.hidden_counts()
        total = archive.listed_count()
        if marks is None:
            return SidebarCounts(None, 0, 0, total, drafts, unpublished)
        return SidebarCounts(
            archive.unread_counts(marks.read_ids),
            total - archive.listed_read(marks.read_ids),
            len(marks.starred_ids),
            total,
            drafts,
            unpublished,
        )

    def day_counts(self) -> tuple[Counter[str], Counter[str]]:
        """Posts per day for the timeline (every date) and for the chart (the dates chosen)."""
        archive, query, matches = self.archive, self.filter, self._matches()
        undated = archive.filter(query.with_changes(dates=None), matches)
        shown = archive.filter(query, matches) if query.dates else undated
        return archive.day_counts(undated), archive.day_counts(shown)

    # --- what the user chose ---------------------------------------------------------------

    def set_filter(self, new: Filter, text_matches: Container[str] | None = None) -> None:
        """Narrow by category, tag, date or text; ``text_matches``: the ids the index found
        for the new text (a new text without them lists nothing until they come)."""
        if text_matches is not None:
            self.text_matches = text_matches
        elif new.text != self.filter.text:
            self.text_matches = None
        self.filter = new
        self._filter_changed()

    def set_view(self, view: View) -> None:
        """Show all posts, the unread or the starred."""
        self.view = view
        self._filter_changed()

    def set_sort(self, order: SortOrder) -> None:
        """List the posts in this order (the open post stays open)."""
        self.sort_order = order
        self.update()

    def toggle_unread_only(self) -> bool:
        """Hide or show the posts already read; returns whether they are hidden now."""
        self.unread_only = not self.unread_only
        self._filter_changed()
        return self.unread_only

    def clear_filters(self) -> None:
        """Every filter and view off."""
        self.filter = Filter()
        self.text_matches = None
        self.view = View.ALL
        self.unread_only = False
        self._filter_changed()

    def _filter_changed(self) -> None:
        self._kept_id = None
        self.update()
        if self.open_post is not None and self.position(self.open_post) is None:
            self.open_post = None

    # --- the open post and its neighbours -----------------------------------------------

    def open(self, post: Post) -> Post:
        """Make ``post`` the open one; returns it with its body (read from disk if need be)."""
        previous, self._kept_id = self._kept_id, post.id
        if previous is not None and previous != post.id:
            self.update()  # the post opened before may leave the view now
        self.open_post = post
        return self.with_body(post)

    def close(self) -> None:
        """No post is open any more."""
        self.open_post = None
        if self._kept_id is not None:
            self._kept_id = None
            self.update()

    def position(self, post: Post | None) -> int | None:
        """The row of ``post`` among the visible posts, or None."""
        return None if post is None else self.visible.index_of(post.id)

    def neighbour(self, step: int, cursor: int) -> Post | None:
        """The post ``step`` rows from the open one; with none open (or it left the list),
        the post at row ``cursor``: reading starts where the cursor is, skipping nothing."""
        row = self.position(self.open_post)
        target = cursor if row is None else row + step
        if 0 <= target < len(self.visible):
            return self.visible[target]
        return None

    def next_unread(self, cursor: int) -> Post | None:
        """The first unread post below the open one (from row ``cursor`` with none open)."""
        row = self.position(self.open_post)
        return self._first_unread(cursor if row is None else row + 1)

    def first_unread(self) -> Post | None:
        """The first unread post from the top, the open one aside: where "next unread" wraps
        to once none is left below."""
        opened = self.open_post
        return self._first_unread(0, None if opened is None else opened.id)

    def _first_unread(self, start: int, besides: str | None = None) -> Post | None:
        visible, marks = self.visible, self.marks
        read: AbstractSet[str] = frozenset() if marks is None else marks.read_ids
        for row in range(max(start, 0), len(visible)):  # ids only: no Post made per row
            post_id = visible.id_at(row)
            if post_id not in read and post_id != besides:
                return visible[row]
        return None

    def with_body(self, post: Post) -> Post:
        """The post with its body read again from disk (the index keeps metadata only)."""
        if post.body:
            return post
        loaded = load_post(post.path, self.archive.root, self.options)
        if isinstance(loaded, Post):
            return replace(post, body=loaded.body)
        message = loaded.message if isinstance(loaded, Problem) else "no longer a post"
        return replace(post, body=f"<p>This file can no longer be read: {message}</p>")

    # --- marks -------------------------------------------------------------------------------

    @cached_property
    def zone(self) -> tzinfo:
        """The zone date filters read days in: the archive's own (``_config.yml``, else the
        offset its posts agree on) unless one was asked for."""
        return self.options.zone_for(self.root)

    def marks_on_open(self, post: Post, mode: MarkMode) -> str | None:
        """How opening ``post`` marks it: ``"now"``, ``"delay"``, or None (already, or by key)."""
        if self.marks is None or self.marks.is_read(post) or mode == "key":
            return None
        return "delay" if mode == "delay" else "now"

    def write_marks(self, write: Callable[[], object]) -> None:
        """Run a write to the marks (it may raise ``StateError``), then filter again."""
        write()
        if self.view is not View.ALL or self.unread_only:
            self.update()

    def unread_visible(self) -> list[Post]:
        """The listed posts not read yet (what "mark all read" marks)."""
        marks = self.marks
        if marks is None:
            return []
        read = marks.read_ids
        return list(self.visible.where(lambda post_id: post_id not in read))

    # --- posts from the feed -------------------------------------------------------------

    def apply(self, batch: Batch) -> Applied:
        """Take in a batch of posts read from the index."""
        was_loading = self.loading
        self.expected = batch.expected
        if batch.archive is not None:
            self.archive = batch.archive
        elif batch.replace:
            self.archive = Archive(self.root, batch.posts)
        else:
            self.archive.remove(batch.removed)
            self.archive.add(batch.posts)
        if self.marks is not None:
            if batch.replace:
                self.marks.forget()
                self.marks.learn_archive(self.archive)
            else:
                self.marks.learn(batch.posts)
        if batch.skipped is not None:
            self.archive.skipped = batch.skipped
        if batch.scan_problems is not None:
            self.archive.scan_problems = batch.scan_problems
        self.loading = not batch.finished
        if batch.finished:
            self.files_read = None
        changed = frozenset(post.id for post in batch.posts) | frozenset(batch.removed)
        self.update()
        opened = self.open_post
        if opened is not None:
            # Only a post known to be gone closes: a reload's first batch holds only the
            # newest posts, and the one being read may well be older.
            whole = batch.archive is not None or (batch.replace and batch.finished)
            current = self.archive.get(opened.id)
            if opened.id in batch.removed or (whole and current is None):
                self.open_post = None
            elif current is not None:
                self.open_post = current
        rewritten = self.open_post if self.open_post and self.open_post.id in changed else None
        return Applied(
            changed_ids=changed,
            finished_loading=was_loading and not self.loading,
            search_stale=self.searching and bool(changed),
            sidebar_changed=batch.replace or bool(changed),
            rewritten=rewritten,
        )

    def loaded_message(self) -> tuple[str, bool]:
        """What to say once the archive is loaded, and whether it is a warning."""
        archive = self.archive
        problems = len(archive.problems)
        message = f"Loaded {counted(archive.listed_count(), 'post')}"
        drafts, unpublished = archive.hidden_counts()
        if drafts or unpublished:
            message += f" ({counted(drafts, 'draft')} and {unpublished:,} unpublished hidden)"
        if archive.skipped:
            message += f", skipped {counted(len(archive.skipped), 'file')}"
        if problems:
            message += f"; {counted(problems, 'problem')}: press ! to see them"
        return message, bool(archive.skipped)
