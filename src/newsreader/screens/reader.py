"""The main screen: category sidebar, article list and reading pane, driven by the keyboard.

The screen owns the archive and the active filter; the widgets show what it hands them and
report the user's choices with messages. Loading runs in a thread worker that sends posts in
batches, so the list fills while the scan goes on and keys keep working.
"""

from __future__ import annotations

import gc
import threading
import time
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.events import Resize
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Footer, Input
from textual.worker import Worker, get_current_worker

from newsreader.archive import (
    Archive,
    DateRange,
    DateSpecError,
    Filter,
    LoadOptions,
    Post,
    Problem,
    load_post,
    parse_date_spec,
)
from newsreader.archive.index import ArchiveIndex
from newsreader.archive.query import SearchTerms
from newsreader.config import Settings
from newsreader.marks import Marks
from newsreader.screens.confirm import ConfirmScreen
from newsreader.screens.date_filter import DateFilterScreen
from newsreader.screens.help import HelpScreen
from newsreader.screens.problems import ProblemsScreen
from newsreader.state import ReadingState, StateError, archive_key
from newsreader.widgets.article_list import ArticleList
from newsreader.widgets.category_list import STARRED, UNREAD, CategoryList
from newsreader.widgets.day_chart import DayChart
from newsreader.widgets.reading_pane import GoTo, ReadingPane
from newsreader.widgets.status_line import StatusLine
from newsreader.widgets.timeline import Timeline

WIDE_LAYOUT_COLUMNS = 160
"""From this width the list and the article stand side by side."""
SIDEBAR_MIN_COLUMNS = 90
"""Below this width the sidebar starts hidden (t shows it), leaving room to read."""
FIRST_BATCH = 300
"""The newest posts shown first, in milliseconds, while the rest are read."""
FIRST_PAINT_WAIT = 0.5
"""Seconds the loading thread waits for the first posts to be painted before it takes the
interpreter for the rest (it holds the GIL for most of a second at 100,000 posts)."""
SEARCH_DELAY = 0.12
"""Seconds of typing pause before a search runs."""
WATCH_SECONDS = 5.0
"""Seconds between looks for files added or deleted while the reader runs (a ``stat`` of each
folder), and so between refreshes when a folder changed."""
FULL_CHECK_SECONDS = 60.0
"""Seconds between refreshes (a ``stat`` of every file, most of a second at 100,000 posts)
when no folder changed: files rewritten in place are noticed within this."""
SIDEBAR_LOADING_PAUSE = 2.0
"""Seconds between sidebar refreshes while an archive loads."""

SAFE_SCHEMES = ("http://", "https://", "mailto:")


class LoadedBatch(Message):
    """Posts from the index: the whole archive (``replace``) or what changed in it."""

    def __init__(
        self,
        generation: int,
        posts: list[Post],
        *,
        replace: bool,
        removed: tuple[str, ...] = (),
        skipped: list[Problem] | None = None,
        scan_problems: list[Problem] | None = None,
        finished: bool,
        arrived: int = 0,
        archive: Archive | None = None,
        expected: int = 0,
    ) -> None:
        super().__init__()
        self.generation = generation
        self.posts = posts
        self.replace = replace
        self.archive = archive
        """The whole archive, built from ``posts`` by the loading thread (``replace`` only)."""
        self.expected = expected
        """How many posts the archive holds when ``posts`` are only the newest of them."""
        self.removed = removed
        self.skipped = skipped
        """All files the index could not load (None: unchanged)."""
        self.scan_problems = scan_problems
        self.finished = finished
        """True when the scan is over."""
        self.arrived = arrived
        """New posts found by a refresh while the reader runs, to announce."""


class ScanProgress(Message):
    """How far the index's scan has got."""

    def __init__(self, generation: int, done: int, total: int) -> None:
        super().__init__()
        self.generation = generation
        self.done = done
        self.total = total


@dataclass
class _BuildShown:
    """What a first build has shown so far, in the loading thread."""

    shown_at: float
    """When the last part was sent (``time.monotonic``)."""
    pause: float = 1.0
    """How long until the next part: doubling, for each is read and sorted in by the UI."""
    last_row: int = 0
    """The index's last row number read (see ``ArchiveIndex.posts_written_after``)."""
    ids: set[str] = field(default_factory=set)
    """The posts sent."""


class SearchResult(Message):
    """Post ids the index found for a search text."""

    def __init__(self, text: str, ids: set[str]) -> None:
        super().__init__()
        self.text = text
        self.ids = ids


class SettingChanged(Message):
    """The user changed something worth remembering (the app saves it to the settings)."""

    def __init__(self, key: str, value: object) -> None:
        super().__init__()
        self.key = key
        self.value = value


class ReaderScreen(Screen[None]):
    """The three panes, the search bar, the status line and the footer."""

    BINDINGS = [
        Binding("q", "app.quit", "Quit", id="quit"),
        Binding("question_mark", "help", "Keys", id="help"),
        Binding("slash", "search", "Search", id="search"),
        Binding("d", "date_filter", "Date", id="date_filter"),
        Binding("x", "clear_filters", "Clear", id="clear_filters"),
        # While a search is on, n and N walk its matches (check_action hides them otherwise);
        # the first binding of a key that is enabled wins, so n is next_article again then.
        Binding(
            "n",
            "next_match",
            "Next match",
            tooltip="While searching; after the last, the next result",
            id="next_match",
        ),
        Binding(
            "N",
            "previous_match",
            "Prev match",
            tooltip="While searching; before the first, the previous result",
            id="previous_match",
        ),
        Binding("n", "next_article", "Next", id="next_article"),
        Binding("p", "previous_article", "Prev", id="previous_article"),
        Binding("o", "open_source", "Open source", show=False, id="open_source"),
        Binding("y", "copy_source", "Copy address", show=False, id="copy_source"),
        Binding("c", "find_category", "Find category", show=False, id="find_category"),
        Binding("t", "toggle_sidebar", "Sidebar", id="toggle_sidebar"),
        Binding("z", "toggle_reading_mode", "Reading mode", show=False, id="toggle_reading_mode"),
        Binding("r", "reload", "Reload", show=False, id="reload"),
        Binding("exclamation_mark", "problems", "Problems", show=False, id="problems"),
        Binding("tab", "cycle_pane(1)", "Next pane", show=False, id="cycle_pane_next"),
        Binding(
            "shift+tab", "cycle_pane(-1)", "Previous pane", show=False, id="cycle_pane_previous"
        ),
        Binding("h,escape", "back", "Back", show=False, id="back"),
        Binding("m", "toggle_read", "Read/unread", show=False, id="toggle_read"),
        Binding("s", "toggle_star", "Star", id="toggle_star"),
        Binding("M", "mark_all_read", "Mark all read", show=False, id="mark_all_read"),
        Binding("u", "undo", "Undo mark all", show=False, id="undo"),
        Binding("U", "toggle_unread_only", "Unread only", show=False, id="toggle_unread_only"),
    ]

    active_filter: reactive[Filter] = reactive(Filter, init=False)

    def __init__(self, root: Path, options: LoadOptions, settings: Settings | None = None) -> None:
        super().__init__()
        self.root = root
        self.options = options
        self.settings = settings or Settings()
        self.marks: Marks | None = None
        """None when the reading state could not be opened at all."""
        self.view: str | None = None
        """UNREAD or STARRED when the sidebar's entry of that name is chosen."""
        self.unread_only = False
        self._mark_timer: Timer | None = None
        self.archive = Archive(root.resolve())
        self.scanning = True
        self._generation = 0
        self._search_timer: Timer | None = None
        self._side_timer: Timer | None = None
        self._refresh_cost = 0.0
        self._sidebar_refreshed = 0.0
        self._index: ArchiveIndex | None = None
        self._text_matches: set[str] | None = None
        self._sidebar_wanted: bool | None = None
        """The user's choice with t; None follows the terminal's width."""
        self._expected_posts = 0
        """While loading: how many posts the index holds, of which the newest are shown."""
        self._first_painted = threading.Event()
        """Set once the newest posts, shown first, are on screen."""
        self._sidebar_stale = True
        """The archive changed since the sidebar last showed it."""
        self._fully_checked = time.monotonic()
        """When the last poll refreshed (a ``stat`` of every file)."""
        self._watcher: Worker[None] | None = None
        """The running look for changed files, if any."""

    # --- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            with Vertical(id="sidebar"):
                yield CategoryList(id="categories")
                yield Timeline(id="timeline")
                yield DayChart(id="day-chart")
            with Vertical(id="main"):
                yield ArticleList(id="article-list")
                yield ReadingPane(id="reading-pane")
        yield Input(placeholder="Search titles and bodies…", id="search")
        yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#categories").border_title = "Categories"
        self.query_one("#timeline").border_title = "Dates"
        self.query_one("#day-chart").border_title = "Posts per day"
        self.query_one("#search").display = False
        self.article_list.border_title = "Articles"
        self.article_list.focus()
        self.query_one(CategoryList).sort_by = self.settings.sidebar_sort
        self.article_list.date_format = self.settings.date_format
        self._open_marks()
        self._load_archive()
        self.set_interval(WATCH_SECONDS, self._poll)

    def _open_marks(self) -> None:
        state = ReadingState.open(archive_key(self.root, self.settings.archives))
        for notice in state.notices:
            self.notify(notice, severity="warning", timeout=10)
        self.marks = Marks(state)
        self.article_list.set_marks(self.marks.read_ids, self.marks.starred_ids)

    def on_unmount(self) -> None:
        self.workers.cancel_all()
        if self.marks is not None:
            self.marks.state.close()
        if self._index is not None:
            self._index.close()

    def on_resize(self, event: Resize) -> None:
        self.set_class(event.size.width >= WIDE_LAYOUT_COLUMNS, "-wide")
        if self._sidebar_wanted is None:
            self._show_sidebar(event.size.width >= SIDEBAR_MIN_COLUMNS)

    def _show_sidebar(self, show: bool) -> None:
        sidebar = self.query_one("#sidebar")
        # A class, not an inline style, so reading mode's rule can still hide it.
        sidebar.set_class(not show, "-hidden")
        if not show and sidebar.has_focus_within:
            self.article_list.focus()

    @property
    def article_list(self) -> ArticleList:
        """The middle pane."""
        return self.query_one(ArticleList)

    @property
    def reading_pane(self) -> ReadingPane:
        """The article pane."""
        return self.query_one(ReadingPane)

    # --- loading ---------------------------------------------------------------------------

    def _load_archive(self) -> None:
        gc.unfreeze()
        self._generation += 1
        self.scanning = True
        self.query_one(StatusLine).progress(0, 1)
        self._scan(self._generation)

    @work(thread=True, exclusive=True, group="load")
    def _scan(self, generation: int) -> None:
        """Show the indexed posts at once, then bring the index up to date with the files.

        A first visit builds the index: posts are shown as the build goes on, at growing
        intervals, each part only the rows written since the one before (the loading thread
        shares the writing process's core with the UI, so every row read back twice would
        slow the build).
        """
        worker = get_current_worker()
        index = self._open_index()
        # A warm start: the newest posts at once, then all of them (most of a second at
        # 100,000), then whatever changed on disk since the last visit.
        first, expected = index.newest(FIRST_BATCH)
        if first:
            self._first_painted.clear()
            self._send(
                LoadedBatch(generation, first, replace=True, finished=False, expected=expected)
            )
            self._first_painted.wait(FIRST_PAINT_WAIT)
        if worker.is_cancelled:
            return  # the screen is closing (its index with it) or loading again
        posts = index.posts()
        if worker.is_cancelled:
            return
        if posts:
            # Sorted and indexed here, off the UI thread; the screen only swaps it in.
            archive = Archive(self.root.resolve(), posts)
            archive.categories()
            self._send(
                LoadedBatch(generation, posts, replace=True, finished=False, archive=archive)
            )
        building = _BuildShown(time.monotonic())

        def progress(done: int, total: int) -> None:
            self.post_message(ScanProgress(generation, done, total))
            if not posts and time.monotonic() - building.shown_at > building.pause:
                # Only the rows written since the last part: each row is read back once.
                part, building.last_row = index.posts_written_after(building.last_row)
                if part:
                    self._send(
                        LoadedBatch(generation, part, replace=not building.ids, finished=False)
                    )
                    building.ids.update(post.id for post in part)
                building.shown_at = time.monotonic()
                building.pause = min(building.pause * 2, 16.0)

        result = index.refresh(progress=progress, cancelled=lambda: worker.is_cancelled)
        if worker.is_cancelled:
            return
        for notice in result.notices:
            self.app.call_from_thread(self.notify, notice, severity="warning", timeout=8)
        if not posts and not building.ids:
            batch = LoadedBatch(generation, index.posts(), replace=True, finished=True)
        elif not posts:
            # The parts shown, made exact: what was written since, less what left meanwhile
            # (and anything the row numbers missed, should the index have been rebuilt).
            rest, _ = index.posts_written_after(building.last_row)
            building.ids.update(post.id for post in rest)
            indexed = index.search(SearchTerms())
            missing = [post_id for post_id in indexed if post_id not in building.ids]
            batch = LoadedBatch(
                generation,
                [*rest, *index.posts(missing)] if missing else rest,
                replace=False,
                removed=tuple(post_id for post_id in building.ids if post_id not in indexed),
                finished=True,
            )
        else:
            changed = index.posts([*result.added, *result.changed])
            batch = LoadedBatch(
                generation, changed, replace=False, removed=result.removed, finished=True
            )
        batch.skipped = index.skipped()
        batch.scan_problems = list(index.scan_problems)
        self._send(batch)
        # A terminal closed under the reader never closes the index: keep its next start fast.
        index.save_snapshot()

    def _send(self, batch: LoadedBatch) -> None:
        self.post_message(batch)

    def _open_index(self) -> ArchiveIndex:
        """The archive's on-disk index, opened once per screen (its notices shown)."""
        if self._index is None:
            self._index = ArchiveIndex.open(self.root, self.options)
            for notice in self._index.notices:
                self.app.call_from_thread(self.notify, notice, severity="warning", timeout=8)
        return self._index

    def _poll(self) -> None:
        # One look at a time: a look cancelled half-way would lose what its refresh found.
        busy = self._watcher is not None and self._watcher.is_running
        if not self.scanning and self._index is not None and not busy:
            self._watcher = self._watch_files(self._generation)

    @work(thread=True, group="poll")
    def _watch_files(self, generation: int) -> None:
        """Pick up files added, changed or deleted while the reader runs."""
        worker = get_current_worker()
        index = self._index
        if index is None:
            return
        now = time.monotonic()
        if index.folders_unchanged() and now - self._fully_checked < FULL_CHECK_SECONDS:
            return
        self._fully_checked = now
        result = index.refresh(cancelled=lambda: worker.is_cancelled)
        # Polls never cancel each other (see _poll): cancelled means the screen is closing.
        if worker.is_cancelled or not result.has_changes:
            return
        self._send(
            LoadedBatch(
                generation,
                index.posts([*result.added, *result.changed]),
                replace=False,
                removed=result.removed,
                skipped=index.skipped(),
                finished=True,
                arrived=len(result.added),
            )
        )
        index.save_snapshot()

    @on(ScanProgress)
    def _scan_progress(self, event: ScanProgress) -> None:
        if event.generation == self._generation:
            self.query_one(StatusLine).progress(event.done, event.total)

    @on(LoadedBatch)
    def _add_batch(self, batch: LoadedBatch) -> None:
        if batch.generation != self._generation:
            return
        started = time.perf_counter()
        self._expected_posts = batch.expected
        if batch.replace:
            self.archive = (
                batch.archive
                if batch.archive is not None
                else Archive(self.root.resolve(), batch.posts)
            )
            if self.marks is not None:
                self.marks.forget()
        else:
            self.archive.remove(batch.removed)
            self.archive.add(batch.posts)
        if self.marks is not None:
            self._write_marks(self.marks.learn, batch.posts)
        if batch.skipped is not None:
            self.archive.skipped = batch.skipped
        if batch.scan_problems is not None:
            self.archive.scan_problems = batch.scan_problems
        was_scanning = self.scanning
        self.scanning = not batch.finished
        if batch.finished:
            self.query_one(StatusLine).progress(1, 1)
        if batch.posts or batch.removed:
            self.reading_pane.forget({post.id for post in batch.posts} | set(batch.removed))
        if self.active_filter.text.strip() and (batch.posts or batch.removed):
            self._run_search()  # the index changed under the search's results
        self._refresh_views()
        if batch.expected:
            self.call_after_refresh(self._first_painted.set)
        # The sidebar (2,000 categories, the timeline) follows more slowly while loading.
        now = time.monotonic()
        changed = batch.replace or bool(batch.posts or batch.removed)
        self._sidebar_stale = self._sidebar_stale or changed
        if batch.archive is not None:
            # The whole archive at last: its sidebar (a third of a second at 100,000 posts)
            # a moment later, so a key pressed meanwhile is answered first.
            self._sidebar_refreshed = now
            self._schedule_sidebar_refresh()
        elif (
            self._sidebar_stale
            and self._side_timer is None  # a scheduled refresh will show this batch too
            and (not self.scanning or now - self._sidebar_refreshed > SIDEBAR_LOADING_PAUSE)
        ):
            self._sidebar_refreshed = now
            self._refresh_sidebar()
        if was_scanning and not self.scanning:
            # A hundred thousand posts stay for the whole session: keep the garbage
            # collector from walking them again and again (pauses of half a second).
            gc.collect()
            gc.freeze()
            self._announce_loaded()
        elif batch.arrived:
            self.notify(f"{batch.arrived:,} new posts arrived", timeout=4)
        self._refresh_cost = time.perf_counter() - started

    def _announce_loaded(self) -> None:
        problems = len(self.archive.problems)
        message = f"Loaded {len(self.archive):,} posts"
        if self.archive.skipped:
            message += f", skipped {len(self.archive.skipped):,} files"
        if problems:
            message += f"; {problems:,} problems: press ! to see them"
        if self.archive.skipped:
            self.notify(message, severity="warning", timeout=4)
        else:
            self.notify(message, timeout=4)

    # --- showing ---------------------------------------------------------------------------

    def watch_active_filter(self, old: Filter, new: Filter) -> None:
        self.reading_pane.highlight_terms = new.terms.required
        if bool(old.text.strip()) != bool(new.text.strip()):
            # n and N walk the matches while a search is on. Only then: the footer
            # recomposes on every refresh_bindings, most of 0.1 s at 100,000 posts.
            self.refresh_bindings()
        self._refresh_views()
        self._schedule_sidebar_refresh()

    def _refresh_views(self) -> None:
        """Filter the archive and show the result in the list and the status line."""
        query = self.active_filter
        matches = self._text_matches if query.text.strip() else None
        posts = self._marked_only(self.archive.filter(query, matches))
        labels = self.archive.labels
        article_list = self.article_list
        article_list.empty_message = self._empty_message(query)
        article_list.highlight_terms = query.terms.required
        # While loading, an untouched list follows the newest posts as they arrive.
        article_list.set_posts(
            posts, labels, keep_cursor=article_list.moved_by_user or not self.scanning
        )
        filters = ", ".join(
            part
            for part in (
                query.describe(labels),
                "starred" if self.view == STARRED else "",
                "unread" if self.unread_only or self.view == UNREAD else "",
            )
            if part
        )
        total = len(self.archive)
        if self.scanning and self._expected_posts > total:
            filters = ", ".join(part for part in (filters, "loading") if part)
            total = self._expected_posts
        self.query_one(StatusLine).show(filters, len(posts), total)
        if self.reading_pane.post is None:
            if posts or self.scanning:
                self.reading_pane.show_welcome()
            else:
                self.reading_pane.show_message(self._empty_message(query))

    def _marked_only(self, posts: list[Post]) -> list[Post]:
        """Apply the Unread and Starred views, which the data layer's filter knows nothing of."""
        marks = self.marks
        if marks is None:
            return posts
        if self.view == STARRED:
            starred = marks.starred_ids
            posts = [post for post in posts if post.id in starred]
        if self.unread_only or self.view == UNREAD:
            read = marks.read_ids
            posts = [post for post in posts if post.id not in read]
        return posts

    def _empty_message(self, query: Filter) -> str:
        if self.scanning:
            return "Loading posts…"
        if not len(self.archive):
            return (
                f"No posts in {self.archive.root}. newsreader reads .md, .markdown and .html "
                "files with YAML front matter. Press r to reload, q to quit."
            )
        return "No posts match these filters. Press x to clear them."

    def _schedule_sidebar_refresh(self, *, counts_only: bool = False) -> None:
        """Refresh the sidebar a moment later; ``counts_only`` when only marks changed.

        The chart and the timeline are secondary: they follow the list a moment later so
        moving through categories stays instant. Neither depends on read marks, so a mark
        (every article opened) redraws only the category counts, not the day counts of
        100,000 posts twice over.
        """
        # Stale means "the timeline and chart too": a request for counts only never clears
        # it, so posts that arrived meanwhile still reach them.
        if not counts_only:
            self._sidebar_stale = True
        if self._side_timer is not None:
            self._side_timer.stop()
        self._side_timer = self.set_timer(0.08, self._refresh_sidebar)

    def _refresh_sidebar(self) -> None:
        """The category counts now, and the timeline and chart if anything but marks changed."""
        full = self._sidebar_stale
        self._sidebar_stale = False
        if self._side_timer is not None:
            self._side_timer.stop()
            self._side_timer = None
        query = self.active_filter
        archive = self.archive
        marks = self.marks
        self.query_one(CategoryList).set_categories(
            archive.categories(),
            len(archive),
            unread=archive.unread_counts(marks.read_ids) if marks else None,
            unread_total=len(archive) - len(marks.read_ids) if marks else 0,
            starred=len(marks.starred_ids) if marks else 0,
        )
        if not full:
            return
        matches = self._text_matches if query.text.strip() else None
        undated = archive.filter(query.with_changes(dates=None), matches)
        self.query_one(Timeline).set_days(archive.day_counts(undated))
        shown = archive.filter(query, matches) if query.dates else undated
        self.query_one(DayChart).set_days(archive.day_counts(shown))

    # --- choices from the widgets ------------------------------------------------------------

    def choose_category(self, slug: str) -> None:
        """Filter by this category (from the command palette) and go to the list."""
        self.query_one(CategoryList).select(slug)
        self.active_filter = self.active_filter.with_changes(category=slug or None)
        self.article_list.focus()

    @on(CategoryList.Chosen)
    def _category_chosen(self, event: CategoryList.Chosen) -> None:
        if event.view != self.view:
            self.view = event.view
            self._refresh_views()
        self.active_filter = self.active_filter.with_changes(category=event.slug or None)
        if event.confirmed:
            self.article_list.focus()

    @on(Timeline.Chosen)
    def _period_chosen(self, event: Timeline.Chosen) -> None:
        try:
            dates = parse_date_spec(event.spec, self.options.tz) if event.spec else None
        except DateSpecError as error:
            self.notify(str(error), severity="error")
            return
        self.active_filter = self.active_filter.with_changes(dates=dates)
        self.article_list.focus()

    @on(ArticleList.Opened)
    def _opened(self, event: ArticleList.Opened) -> None:
        self._open(event.post)
        self.reading_pane.focus()

    def _open(self, post: Post | None, go_to: GoTo | None = None) -> None:
        """Show ``post`` in the reading pane, at its top or at its first or last match."""
        if post is None:
            return
        self.article_list.opened_id = post.id
        self.reading_pane.show(self._with_body(post), self.archive.labels, go_to=go_to)
        self.reading_pane.border_title = Content(post.id)  # a path, never markup
        self._mark_read_on_open(post)

    def _mark_read_on_open(self, post: Post) -> None:
        """Mark an opened post read, at once or after a delay, as the settings say."""
        if self._mark_timer is not None:
            self._mark_timer.stop()
            self._mark_timer = None
        marks = self.marks
        if marks is None or marks.is_read(post) or self.settings.mark_read == "key":
            return
        if self.settings.mark_read == "delay":

            def still_open() -> None:
                if self.reading_pane.post is not None and self.reading_pane.post.id == post.id:
                    self._write_marks(marks.mark_read, [post])
                    self._marks_changed()

            self._mark_timer = self.set_timer(self.settings.mark_read_delay, still_open)
            return
        self._write_marks(marks.mark_read, [post])
        self._marks_changed()

    def _with_body(self, post: Post) -> Post:
        """The post with its body read again from disk (the list keeps metadata only)."""
        if post.body:
            return post
        loaded = load_post(post.path, self.archive.root, self.options)
        if isinstance(loaded, Post):
            return replace(post, body=loaded.body)
        message = loaded.message if isinstance(loaded, Problem) else "no longer a post"
        return replace(post, body=f"<p>This file can no longer be read: {message}</p>")

    @on(Input.Changed, "#search")
    def _search_typed(self) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(SEARCH_DELAY, self._run_search)

    def _run_search(self) -> None:
        text = self.query_one("#search", Input).value
        if not text.strip():
            self._text_matches = None
            self.active_filter = self.active_filter.with_changes(text=text)
            return
        self._search(text)

    @work(thread=True, exclusive=True, group="search")
    def _search(self, text: str) -> None:
        """Ask the index which posts hold the text (any substring, Chinese included)."""
        index = self._open_index()
        ids = index.search(SearchTerms.parse(text))
        if not get_current_worker().is_cancelled:
            self.post_message(SearchResult(text, ids))

    @on(SearchResult)
    def _search_found(self, event: SearchResult) -> None:
        if event.text != self.query_one("#search", Input).value:
            return  # typing went on; a newer search is on its way
        self._text_matches = event.ids
        if self.active_filter.text == event.text:
            self._refresh_views()
            self._schedule_sidebar_refresh()
        else:
            self.active_filter = self.active_filter.with_changes(text=event.text)

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        self._run_search()
        self.article_list.focus()

    # --- actions ---------------------------------------------------------------------------

    def action_help(self) -> None:
        """Show every key."""
        sections = [
            ("Everywhere", self.BINDINGS),
            ("Article list", ArticleList.BINDINGS),
            ("Reading pane", ReadingPane.BINDINGS),
            ("Categories", [*CategoryList.BINDINGS]),
            ("App", self.app.BINDINGS),
        ]
        self.app.push_screen(HelpScreen(sections))

    def action_search(self) -> None:
        """Show the search bar and type into it."""
        search = self.query_one("#search", Input)
        search.display = True
        search.focus()

    def action_date_filter(self) -> None:
        """Ask for a date range."""
        current = self.active_filter.dates.spec if self.active_filter.dates else ""

        def chosen(dates: DateRange | None) -> None:
            self.active_filter = self.active_filter.with_changes(dates=dates)

        self.app.push_screen(DateFilterScreen(self.options.tz, current), chosen)

    def action_clear_filters(self) -> None:
        """Drop the category, date and search filters."""
        search = self.query_one("#search", Input)
        search.value = ""
        search.display = False
        self.query_one(CategoryList).select("")
        self.view = None
        self.unread_only = False
        self.active_filter = Filter()
        self._refresh_views()
        self.notify("Filters cleared", timeout=2)

    # --- reading marks ------------------------------------------------------------------------

    def _write_marks(self, write: Callable[..., object], *args: object) -> bool:
        """Run a write to the reading state; a failure is shown, and nothing claims success."""
        try:
            write(*args)
        except StateError as error:
            self.notify(str(error), severity="error", timeout=10)
            return False
        return True

    def _marks_changed(self) -> None:
        self.article_list.refresh_marks()
        if self.unread_only or self.view is not None:
            self._refresh_views()
        self._schedule_sidebar_refresh(counts_only=True)

    def _target_post(self) -> Post | None:
        """The post a mark key acts on: the open article when reading, else the cursor's."""
        if self.reading_pane.has_focus and self.reading_pane.post is not None:
            return self.reading_pane.post
        return self.article_list.highlighted_post

    def action_toggle_read(self) -> None:
        """Mark the post read or unread."""
        post = self._target_post()
        if post is None or self.marks is None:
            return
        if self._mark_timer is not None:
            self._mark_timer.stop()
            self._mark_timer = None
        if self._write_marks(self.marks.toggle_read, post):
            state = "read" if self.marks.is_read(post) else "unread"
            self.notify(f"Marked {state}", timeout=1.5)
            self._marks_changed()

    def action_toggle_star(self) -> None:
        """Star or unstar the post."""
        post = self._target_post()
        if post is None or self.marks is None:
            return
        if self._write_marks(self.marks.toggle_star, post):
            starred = post.id in self.marks.starred_ids
            self.notify("Starred" if starred else "Star removed", timeout=1.5)
            self._marks_changed()

    def action_mark_all_read(self) -> None:
        """Mark every post of the current view read, after asking once."""
        marks = self.marks
        if marks is None:
            return
        posts = [post for post in self.article_list.posts if post.id not in marks.read_ids]
        if not posts:
            self.notify("Every post shown is already read.", timeout=2)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._mark_all(posts)

        self.app.push_screen(
            ConfirmScreen(f"Mark {len(posts):,} posts read? (u undoes it)"), answered
        )

    @work(thread=True, exclusive=True, group="marks")
    def _mark_all(self, posts: list[Post]) -> None:
        # A hundred thousand marks take a second or two to commit: off the UI thread.
        marks = self.marks
        assert marks is not None
        try:
            changed = marks.mark_read(posts, undoable=True)
        except StateError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error", timeout=10)
            return
        self.app.call_from_thread(self._marks_done, f"Marked {changed:,} posts read (u undoes)")

    def _marks_done(self, message: str) -> None:
        self.notify(message, timeout=3)
        self._marks_changed()

    def action_undo(self) -> None:
        """Take back the last "mark all read"."""
        if self.marks is None or not self.marks.can_undo:
            self.notify("Nothing to undo.", timeout=2)
            return
        self._undo_marks()

    @work(thread=True, exclusive=True, group="marks")
    def _undo_marks(self) -> None:
        marks = self.marks
        assert marks is not None
        try:
            restored = marks.undo()
        except StateError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error", timeout=10)
            return
        self.app.call_from_thread(self._marks_done, f"Undone: {restored:,} posts unread again")

    def action_toggle_unread_only(self) -> None:
        """Hide or show the posts already read."""
        self.unread_only = not self.unread_only
        self._refresh_views()
        self.notify("Showing unread posts only" if self.unread_only else "Showing read posts too")

    @on(CategoryList.SortChanged)
    def _sort_changed(self, event: CategoryList.SortChanged) -> None:
        self.post_message(SettingChanged("sidebar_sort", event.sort_by))

    def action_next_article(self) -> None:
        """Open the next article of the list, staying where the focus is."""
        self._open(self.article_list.select_next())

    def action_previous_article(self) -> None:
        """Open the previous article of the list."""
        self._open(self.article_list.select_previous())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """n and N go to search matches only while a search is on (else n is next article)."""
        if action in ("next_match", "previous_match"):
            return bool(self.active_filter.text.strip())
        return True

    def action_next_match(self) -> None:
        """Go to the next match of the search: in this article, else the next result's first."""
        self._go_to_match(forward=True)

    def action_previous_match(self) -> None:
        """Go to the previous match: in this article, else the previous result's last."""
        self._go_to_match(forward=False)

    def _go_to_match(self, *, forward: bool) -> None:
        pane = self.reading_pane
        end: GoTo = "first" if forward else "last"
        if pane.post is None:
            self._open(self.article_list.highlighted_post, go_to=end)
            return
        if pane.next_match() if forward else pane.previous_match():
            return
        article_list = self.article_list
        post = article_list.select_next() if forward else article_list.select_previous()
        if post is None:
            message = (
                "No more matches: this is the last result."
                if forward
                else "No earlier matches: this is the first result."
            )
            self.notify(message, timeout=2)
        self._open(post, go_to=end)

    @on(ReadingPane.MatchesChanged)
    def _matches_changed(self, event: ReadingPane.MatchesChanged) -> None:
        self.query_one(StatusLine).show_matches(
            event.current, event.count, searching=event.searching, capped=event.capped
        )

    def _source(self) -> str | None:
        post = self.reading_pane.post or self.article_list.highlighted_post
        if post is None or not post.source_url:
            self.notify("This post has no source address.", severity="warning")
            return None
        return post.source_url

    def action_open_source(self) -> None:
        """Open the post's source address in the browser."""
        url = self._source()
        if url is None:
            return
        if not url.lower().startswith(SAFE_SCHEMES):
            self.notify(f"Refused to open {url!r}: not an http(s) address.", severity="error")
            return
        self.notify(f"Opening {url}")
        self._open_in_browser(url)

    @work(thread=True, group="browser")
    def _open_in_browser(self, url: str) -> None:
        # webbrowser may wait for the browser to start; a thread keeps the reader responsive.
        if not webbrowser.open(url, new=2):
            self.app.call_from_thread(
                self.notify, f"No browser could open {url}", severity="warning"
            )

    def action_copy_source(self) -> None:
        """Copy the source address (OSC 52, so it works over ssh too)."""
        url = self._source()
        if url is not None:
            self.app.copy_to_clipboard(url)
            self.notify(f"Copied {url}", timeout=3)

    def action_find_category(self) -> None:
        """Type to narrow the category list."""
        self._sidebar_wanted = True
        self._show_sidebar(True)
        self.remove_class("-reading")
        self.query_one(CategoryList).narrowing.focus()

    def action_toggle_sidebar(self) -> None:
        """Hide or show the sidebar."""
        self._sidebar_wanted = not self.query_one("#sidebar").display
        self._show_sidebar(self._sidebar_wanted)

    def action_toggle_reading_mode(self) -> None:
        """Give the article the whole screen, or bring the panes back."""
        self.toggle_class("-reading")
        if self.has_class("-reading"):
            self.reading_pane.focus()
        else:
            self.article_list.focus()

    def action_reload(self) -> None:
        """Read the archive again from disk."""
        self.reading_pane.forget()
        self._load_archive()
        self.notify("Reloading…", timeout=2)

    def action_problems(self) -> None:
        """List the problems found while loading."""
        self.app.push_screen(ProblemsScreen(self.archive.problems, len(self.archive.skipped)))

    def _panes(self) -> list[Widget]:
        candidates: list[Widget] = [
            self.query_one(CategoryList).options,
            self.query_one(Timeline),
            self.article_list,
            self.reading_pane,
        ]
        return [pane for pane in candidates if _shown(pane)]

    def action_cycle_pane(self, step: int) -> None:
        """Move the focus to the next (or previous) pane."""
        panes = self._panes()
        if not panes:
            return
        focused = self.focused
        index = next((i for i, pane in enumerate(panes) if pane is focused), -1)
        panes[(index + step) % len(panes)].focus()

    def action_back(self) -> None:
        """Step back: close the search, leave the article, or go to the sidebar."""
        search = self.query_one("#search", Input)
        if search.has_focus:
            if search.value:
                search.value = ""
                self._run_search()
            search.display = False
            self.article_list.focus()
        elif self.reading_pane.has_focus:
            if self.has_class("-reading"):
                self.remove_class("-reading")
            self.article_list.focus()
        elif self.article_list.has_focus and _shown(self.query_one("#sidebar")):
            self.query_one(CategoryList).options.focus()


def _shown(widget: Widget) -> bool:
    """Whether the widget and all its ancestors are displayed."""
    node: Widget | None = widget
    while isinstance(node, Widget):
        if not node.display:
            return False
        parent = node.parent
        node = parent if isinstance(parent, Widget) else None
    return True
