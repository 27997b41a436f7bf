"""The main screen: category sidebar, article list and reading pane, driven by the keyboard.

The screen wires widgets to a :class:`~newsreader.reader.model.ReaderModel`, which decides
what is shown, and runs the :class:`~newsreader.reader.feed.ArchiveFeed` in thread workers
that post its batches back as messages. It holds no rule of its own about posts.
"""

from __future__ import annotations

from collections.abc import Container
from pathlib import Path

from textual import events, on
from textual.app import ComposeResult
from textual.content import Content
from textual.screen import Screen

from newsreader.archive import DateSpecError, Filter, LoadOptions, Post, SortOrder, parse_date_spec
from newsreader.config import Settings
from newsreader.reader import feed as feeds
from newsreader.reader.feed import ArchiveFeed, Batch, FeedEvent, Notice, Progress
from newsreader.reader.marks import ReadMarks
from newsreader.reader.model import ReaderModel, View
from newsreader.reader.saved_searches import SavedSearches
from newsreader.screens.date_filter import DateFilterScreen
from newsreader.screens.help import HelpScreen
from newsreader.screens.keymap import check_keymap
from newsreader.screens.links import LinkKeys
from newsreader.screens.marking import Marking
from newsreader.screens.messages import ArticleSortChanged, FeedArrived
from newsreader.screens.problems import ProblemsScreen, settings_problems
from newsreader.screens.reader_keys import READER_BINDINGS
from newsreader.screens.saved_search_keys import MatchesFound, SavedSearchKeys
from newsreader.state import ReadingState, archive_key
from newsreader.widgets.article_list import ArticleList
from newsreader.widgets.category_list import DRAFTS, STARRED, UNPUBLISHED, UNREAD, CategoryList
from newsreader.widgets.footer import FittingFooter
from newsreader.widgets.panes import Panes
from newsreader.widgets.reading_pane import GoTo, ReadingPane
from newsreader.widgets.saved_search_list import SavedSearchList
from newsreader.widgets.search_bar import SearchBar
from newsreader.widgets.sidebar import Sidebar
from newsreader.widgets.status_line import StatusLine
from newsreader.widgets.timeline import Timeline
from newsreader.words import counted

VIEWS = {
    UNREAD: View.UNREAD,
    STARRED: View.STARRED,
    DRAFTS: View.DRAFTS,
    UNPUBLISHED: View.UNPUBLISHED,
}


class ReaderScreen(Screen[None]):
    """The three panes, the search bar, the status line and the footer."""

    BINDINGS = READER_BINDINGS

    def __init__(self, root: Path, options: LoadOptions, settings: Settings | None = None) -> None:
        super().__init__()
        self.options = options
        self.settings = settings or Settings()
        self.model = ReaderModel(root, options, None)
        self.model.sort_order = SortOrder(self.settings.article_sort)
        self.feed = ArchiveFeed(root, options)
        self.marking = Marking(self, self.model, self.settings, self.marks_changed)
        self._generation = 0
        self._before_search: str | None = None
        """The post under the cursor when the search began: where giving it up returns."""
        self.article_list = ArticleList(id="article-list")
        self.reading_pane = ReadingPane(id="reading-pane")
        self.reading_pane.find_post = lambda name: self.model.archive.linked_post_id(name)
        self.sidebar = Sidebar(self.model, id="sidebar")
        self.saved_searches = SavedSearchKeys(self, SavedSearches("", Path()))
        self.sidebar.saved_counts = self.saved_searches.counts
        self.search_bar = SearchBar(lambda text: self.feed.search(text), id="search")
        self.panes = Panes(self.sidebar, self.article_list, self.reading_pane)
        self.status_line = StatusLine(id="status")
        self.link_keys = LinkKeys(
            self,
            article=lambda: self.reading_pane.post,
            current=lambda: self.article_list.highlighted_post,
            links=lambda: self.reading_pane.links,
            open_post=self.open_post_id,
        )

    # --- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield self.panes
        yield self.search_bar
        yield self.status_line
        yield FittingFooter()

    def on_mount(self) -> None:
        self.article_list.focus()
        self.article_list.empty_message = self.model.empty_message()  # loading, till posts come
        self.sidebar.categories.sort_by = self.settings.sidebar_sort
        self.article_list.date_format = self.settings.date_format
        self._start(self.model.root)

    def on_unmount(self) -> None:
        self._close(wait=True)

    def _close(self, *, wait: bool = False) -> None:
        self.workers.cancel_all()
        self.marking.stop()
        self.feed.stop(wait=wait)
        if self.model.marks is not None:
            self.model.marks.state.close()

    # --- an archive: its marks, its feed, its watcher --------------------------------------

    def _start(self, root: Path) -> None:
        state = ReadingState.open(archive_key(root, self.settings.archives))
        for notice in state.notices:
            self.notify(notice, severity="warning", timeout=10)
        marks = ReadMarks(state)
        order = self.model.sort_order
        self.model = ReaderModel(root, self.options, marks)
        self.model.sort_order = order
        self.feed = ArchiveFeed(root, self.options)
        self.sidebar.model = self.marking.model = self.model
        # Every time on screen is in one zone, the one date filters read days in.
        self.article_list.zone = self.reading_pane.zone = self.model.zone
        self.article_list.set_marks(marks.read_ids, marks.starred_ids)
        self._load()
        self.saved_searches.use(SavedSearches.open(archive_key(root, self.settings.archives)))

    def open_archive(self, root: Path) -> None:
        """Read another archive in place of this one (its own marks come with it)."""
        self._close()
        self.action_clear_filters(quiet=True)
        self.reading_pane.forget()
        self.reading_pane.close()
        self.article_list.start_over()  # the other archive opens at its newest post
        self._start(root)

    def _load(self) -> None:
        feeds.release_memory()
        self._generation += 1
        generation = self._generation

        def emit(event: FeedEvent) -> None:
            self.post_message(FeedArrived(generation, event))

        self.model.loading = True
        self.status_line.progress(0, 1)
        self.feed.run(emit)

    @on(FeedArrived)
    def _feed_arrived(self, message: FeedArrived) -> None:
        if message.generation != self._generation:
            return
        event = message.event
        if isinstance(event, Notice):
            self.notify(event.text, severity="error" if event.failed else "warning", timeout=8)
        elif isinstance(event, Progress):
            self.status_line.progress(event.done, event.total)
            self.model.files_read = (event.done, event.total)
            self._show_status()
        else:
            self._take_batch(event)

    def _take_batch(self, batch: Batch) -> None:
        applied = self.model.apply(batch)
        if batch.finished:
            self.status_line.progress(1, 1)
        self.reading_pane.forget(applied.changed_ids)
        if applied.rewritten is not None:  # the article being read changed on disk
            self.reading_pane.rewrite(self.model.with_body(applied.rewritten))
        if applied.search_stale:
            self.search_bar.search_again()
        self._show(loaded=applied.finished_loading)
        if batch.expected:
            self.call_after_refresh(self.feed.first_painted.set)
        self.sidebar.follow_batch(changed=applied.sidebar_changed, whole=batch.archive is not None)
        if applied.finished_loading or (applied.sidebar_changed and not self.model.loading):
            self.saved_searches.find_matches()
        if applied.finished_loading:
            feeds.settle_memory()
            message, warn = self.model.loaded_message()
            self.notify(message, severity="warning" if warn else "information", timeout=4)
        elif batch.arrived:
            self.notify(f"{counted(batch.arrived, 'new post')} arrived", timeout=4)

    # --- showing the model -----------------------------------------------------------------

    def _show(self, *, loaded: bool = False, new_view: bool = False) -> None:
        """The list, status line and pane as the model has them; ``loaded``: just read whole;
        ``new_view``: the filter changed (see ``ArticleList.set_posts``)."""
        model = self.model
        article_list = self.article_list
        article_list.empty_message = model.empty_message()
        article_list.highlight_terms = model.filter.terms.required
        if article_list.posts is not model.visible:
            # While loading, and as it ends, an untouched list follows the newest posts.
            keep = article_list.moved_by_user or not (model.loading or loaded)
            article_list.set_posts(model.visible, model.archive.labels, keep, new_view=new_view)
        order = model.sort_order
        article_list.border_title = "Articles" + (
            "" if order is SortOrder.NEWEST else f" · {order.label}"
        )
        self._show_status()
        self.status_line.show_position(article_list.cursor, len(model.visible))
        pane = self.reading_pane
        if model.open_post is None and pane.post is not None:
            article_list.opened_id = None
            pane.close()
        if pane.post is None:
            if model.visible or model.loading:
                pane.show_welcome()
            else:
                pane.show_message(model.empty_message())

    def _show_status(self) -> None:
        status = self.model.status()
        self.status_line.show(status.filters, status.shown, status.total)

    def set_filter(self, new: Filter, text_matches: Container[str] | None = None) -> None:
        """Narrow the list (by category, tag, date, or text with the ids the index found)."""
        was_searching = self.model.searching
        self.model.set_filter(new, text_matches)
        self._filter_changed(was_searching)

    def _narrow(self, **changes: object) -> None:
        self.set_filter(self.model.filter.with_changes(**changes))

    def _filter_changed(self, was_searching: bool) -> None:
        searching = self.model.searching
        self.reading_pane.highlight_terms = self.model.filter.terms.required
        self.article_list.one_category = self.model.filter.category is not None
        if searching and not was_searching:
            cursor_post = self.article_list.highlighted_post
            self._before_search = None if cursor_post is None else cursor_post.id
        if was_searching != searching:
            # n and N walk the matches while a search is on. Only then: the footer
            # recomposes on every refresh_bindings, most of 0.1 s at 100,000 posts.
            self.refresh_bindings()
        self._show(new_view=True)
        if was_searching and not searching and self._before_search is not None:
            # A search given up (Escape, x) goes back to the post the user was on.
            self.article_list.move_to(self._before_search)
            self._before_search = None
        self.sidebar.follow()

    def choose_category(self, slug: str) -> None:
        """Filter by this category (from the command palette) and go to the list."""
        self.sidebar.categories.select(slug)
        self._narrow(category=slug or None)
        self.article_list.focus()

    @on(CategoryList.Chosen)
    def _category_chosen(self, event: CategoryList.Chosen) -> None:
        view = VIEWS.get(event.view or "", View.ALL)
        if view is not self.model.view:
            self.model.set_view(view)
        self._narrow(category=event.slug or None)
        if event.confirmed:
            self.article_list.focus()

    @on(SavedSearchList.Chosen)
    def _saved_search_chosen(self, event: SavedSearchList.Chosen) -> None:
        self.saved_searches.apply(event.name)
        if event.confirmed:
            self.article_list.focus()

    @on(MatchesFound)
    def _saved_matches_found(self, message: MatchesFound) -> None:
        self.saved_searches.matches_found(message)

    @on(Timeline.Chosen)
    def _period_chosen(self, event: Timeline.Chosen) -> None:
        try:
            dates = parse_date_spec(event.spec, self.model.zone) if event.spec else None
        except DateSpecError as error:
            self.notify(str(error), severity="error")
            return
        self._narrow(dates=dates)
        if event.confirmed:
            self.article_list.focus()

    @on(ArticleList.Highlighted)
    def _cursor_moved(self) -> None:
        self.status_line.show_position(self.article_list.cursor, len(self.model.visible))

    # --- opening articles ------------------------------------------------------------------

    @on(ArticleList.Opened)
    def _opened(self, event: ArticleList.Opened) -> None:
        self._open(event.post)
        self.reading_pane.focus()

    def _open(self, post: Post | None, go_to: GoTo | None = None) -> None:
        """Show ``post`` in the reading pane, at its top or at its first or last match."""
        if post is None:
            return
        shown = self.model.open(post)
        self._show()  # the post opened before may have left an Unread or Starred view
        self.article_list.move_to(post.id)
        self.article_list.opened_id = post.id
        self.reading_pane.show(shown, self.model.archive.labels, go_to=go_to)
        self.reading_pane.border_title = Content(post.id)  # a path, never markup
        self.marking.opened(post)

    def action_next_article(self) -> None:
        """Open the article after the open one, staying where the focus is."""
        post = self.model.neighbour(1, self.article_list.cursor)
        if post is None and self.model.visible:
            more = "J opens the next unread" if self.model.first_unread() else "none unread"
            self.notify(f"Last post: {more}.", timeout=3)
        self._open(post)

    def action_previous_article(self) -> None:
        """Open the article before the open one."""
        post = self.model.neighbour(-1, self.article_list.cursor)
        if post is None and self.model.visible:
            self.notify("First post: none before it.", timeout=3)
        self._open(post)

    def action_next_unread(self) -> None:
        """Open the next unread article below the open one (or the cursor), else the first
        from the top, saying so; with none left, say that."""
        model = self.model
        post = model.next_unread(self.article_list.cursor)
        if post is None:
            post = model.first_unread()
            if post is not None:
                self.notify("Wrapped to the top: no unread post below.", timeout=3)
            elif model.unread_visible():  # only the open one, left unread ("m" or key mode)
                self.notify("No other unread posts.", timeout=3)
            else:
                filtered = len(model.visible) < model.archive.listed_count()
                self.notify("No unread posts" + (" in this list." if filtered else "."), timeout=3)
        self._open(post)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """n and N go to search matches only while a search is on (else n is next article)."""
        if action in ("next_match", "previous_match"):
            return self.model.searching
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
        elif not (pane.next_match() if forward else pane.previous_match()):
            post = self.model.neighbour(1 if forward else -1, self.article_list.cursor)
            if post is None:
                self.notify(f"No {'more' if forward else 'earlier'} matches: this is the "
                            f"{'last' if forward else 'first'} result.", timeout=2)  # fmt: skip
            self._open(post, go_to=end)

    @on(ReadingPane.MatchesChanged)
    def _matches_changed(self, event: ReadingPane.MatchesChanged) -> None:
        self.status_line.show_matches(
            event.current, event.count, searching=event.searching, capped=event.capped
        )

    # --- search ----------------------------------------------------------------------------

    def action_search(self) -> None:
        """Show the search bar and type into it."""
        self.search_bar.open()

    @on(SearchBar.Found)
    def _search_found(self, event: SearchBar.Found) -> None:
        self.set_filter(self.model.filter.with_changes(text=event.text), event.ids)

    @on(SearchBar.Confirmed)
    def _search_confirmed(self) -> None:
        self.article_list.focus()

    # --- filters and views -----------------------------------------------------------------

    def action_date_filter(self) -> None:
        """Ask for a date range."""
        dates = self.model.filter.dates
        asked = DateFilterScreen(self.model.zone, dates.spec if dates else "")
        self.app.push_screen(asked, lambda chosen: self._narrow(dates=chosen))

    def action_clear_filters(self, quiet: bool = False) -> None:
        """Drop the category, date and search filters and the views."""
        self.search_bar.clear()
        self.sidebar.categories.clear_narrowing()
        self.sidebar.categories.select("")
        was_searching = self.model.searching
        self.model.clear_filters()
        self._filter_changed(was_searching)
        if not quiet:
            self.notify("Filters cleared", timeout=2)

    def action_toggle_unread_only(self) -> None:
        """Hide or show the posts already read."""
        hidden = self.model.toggle_unread_only()
        self._show()
        self.notify("Showing unread posts only" if hidden else "Showing read posts too")

    def action_cycle_sort(self) -> None:
        """List the posts in the next order: newest, oldest, by title, by category."""
        order = self.model.sort_order.following()
        self.model.set_sort(order)
        self._show()
        self.post_message(ArticleSortChanged(order.value))
        self.notify(f"Articles {order.label}", timeout=2)

    def action_saved_search(self, change: str) -> None:
        """Save the search in effect (``"save"``), or rename or delete the sidebar's current
        saved search (``"rename"``, ``"delete"``)."""
        keys = self.saved_searches
        {"save": keys.ask_to_save, "rename": keys.ask_to_rename, "delete": keys.ask_to_delete}[
            change
        ]()

    # --- marks -----------------------------------------------------------------------------

    def marks_changed(self) -> None:
        """Show marks written."""
        self.article_list.refresh_marks()
        self._show()
        self.sidebar.follow(counts_only=True)

    def _target_post(self) -> Post | None:
        """The post a mark key acts on: the open article when reading, else the cursor's."""
        if self.reading_pane.has_focus and self.reading_pane.post is not None:
            return self.reading_pane.post
        return self.article_list.highlighted_post

    def action_toggle_mark(self, mark: str) -> None:
        """Mark the post read or unread (``"read"``), or star or unstar it (``"star"``)."""
        toggle = self.marking.toggle_read if mark == "read" else self.marking.toggle_star
        toggle(self._target_post())

    def action_mark_all_read(self) -> None:
        """Mark every post of the current view read, after asking once."""
        self.marking.mark_all_read(self.model.unread_visible())

    def action_undo(self) -> None:
        """Take back the last "mark all read"."""
        self.marking.undo()

    # --- everything else -------------------------------------------------------------------

    def action_help(self) -> None:
        """Show every key."""
        keymap, _ = check_keymap(self.settings)
        help_screen = HelpScreen.of_reader(
            self.BINDINGS, self.app.BINDINGS, keymap, self.settings.path
        )
        self.app.push_screen(help_screen)

    def action_open_source(self) -> None:
        """Open the post's source address in the browser; after a number, that link."""
        self.link_keys.open()

    def action_copy_source(self) -> None:
        """Copy the source address (OSC 52, works over ssh); after a number, that link's."""
        self.link_keys.copy()

    def action_list_links(self) -> None:
        """List the open article's links, to open or copy one."""
        self.link_keys.list_links()

    def on_key(self, event: events.Key) -> None:
        """Digits make the number of a link for the key after them (``3o``, ``12y``)."""
        # Keys reach the screen before its bindings run, so this is seen first.
        if self.link_keys.take(event):
            event.stop()

    def open_post_id(self, post_id: str) -> None:
        """Open the archive's post with this id (a link to it was followed)."""
        post = self.model.archive.linked_post(post_id)
        if post is None:
            self.notify(f"No post {post_id!r} in this archive.", severity="warning")
            return
        self._open(post)
        self.reading_pane.focus()

    def action_panes(self, layout_change: str) -> None:
        """A change of layout (``Panes.toggle_sidebar``, ``toggle_reading_mode``...)."""
        getattr(self.panes, layout_change)()

    def action_reload(self) -> None:
        """Read the archive again from disk."""
        self.feed.stop()
        self.feed = ArchiveFeed(self.model.root, self.options)
        self.reading_pane.forget()
        self._load()
        self.notify("Reloading…", timeout=2)

    def action_problems(self) -> None:
        """List the problems found while loading: the settings' first, then the archive's."""
        archive = self.model.archive
        problems = [*settings_problems(self.settings), *archive.problems]
        openable = {problem.path for problem in archive.problems if archive.get(problem.path)}
        asked = ProblemsScreen(problems, len(archive.skipped), openable)
        self.app.push_screen(asked, self._problem_chosen)

    def _problem_chosen(self, post_id: str | None) -> None:
        if post_id is not None:
            self.open_post_id(post_id)

    def action_cycle_pane(self, step: int) -> None:
        """Move the focus to the next (or previous) pane."""
        self.panes.cycle_focus(step, self.focused)

    def action_back(self) -> None:
        """Step back: close the search, leave the article, or go to the sidebar.

        While a search is on, any pane but the article ends it (the article goes back to
        the list first, whose results are what the reader came from)."""
        if self.search_bar.has_focus or (self.model.searching and not self.reading_pane.has_focus):
            self.search_bar.close()
            self.article_list.focus()
        else:
            self.panes.back()
