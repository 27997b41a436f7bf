"""The reading pane: the open article, rendered, scrolled by line and by page, its search
matches highlighted and visited one by one.

Converting and laying out an article happen in a thread worker (one at a time, the older
cancelled when another post is opened), so keys answer while a heavy post is prepared.
Most posts are ready in a few milliseconds; one that takes longer than `PREPARE_WAIT`
shows "Opening…" until it is ready, and one that takes longer than `TIME_LIMIT` is shown as
plain text with a note saying why.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import tzinfo
from typing import ClassVar

from rich.console import RenderableType
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.cache import LRUCache
from textual.message import Message
from textual.reactive import reactive
from textual.worker import Worker, WorkerState

from newsreader.archive import Post
from newsreader.archive.text import clean_line
from newsreader.render import MAX_MATCHES, Article, ArticleStyles
from newsreader.render.layout import (
    MatchPlace,
)
from newsreader.render.links import ArticleLink, PostFinder
from newsreader.widgets.article_preparation import (
    TIME_LIMIT,
    GoTo,
    PreparedArticle,
    PrepareOrder,
    converted,
    highlighted,
    prepare_article,
)
from newsreader.widgets.article_view import ArticleView
from newsreader.widgets.key_scroll import KeyScroll

WELCOME = Text.from_markup(
    "[b]No article open[/b]\n\n"
    "Move through the list with [b]j[/b]/[b]k[/b] and press [b]enter[/b] to read.\n"
    "Press [b]?[/b] for every key, [b]ctrl+p[/b] for every command."
)
MATCH_CONTEXT_LINES = 2
"""Lines kept above a match the pane scrolls to, so its sentence reads from the start."""

PREPARE_WAIT = 0.1
"""Seconds an article may take to be prepared before "Opening…" replaces the one shown."""
__all__ = ["PREPARE_WAIT", "TIME_LIMIT", "ArticleView", "GoTo", "MatchPlace", "ReadingPane"]


class ReadingPane(KeyScroll, can_focus=True):
    """Shows one post: title, date, categories, tags, source, then the body.

    While `highlight_terms` holds search terms their matches are highlighted, and
    `next_match` / `previous_match` visit them one by one (the screen binds n and N).
    The article's colours are the theme's, through the component classes below; a new theme
    redraws the open article in its colours.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article--title",
        "article--meta",
        "article--rule",
        "article--link",
        "article--link-number",
        "article--note",
        "article--warning",
    }
    """
    | Class | What it styles |
    | :- | :- |
    | `article--title` | The title (dimmed, the "(untitled)" of a post without one). |
    | `article--meta` | The names of the header: Date, Category, Tags, Source. |
    | `article--rule` | The rule between the header and the text. |
    | `article--link` | Links: the source address and those of the text. |
    | `article--link-number` | The `[3]` after a link, which `o`, `y` and `L` go by. |
    | `article--note` | "(no text)". |
    | `article--warning` | The note that a very long article was cut. |
    """

    BINDINGS = [
        Binding("space", "page_down", "Page down", show=False),
        Binding("b", "page_up", "Page up", show=False),
        Binding("j", "scroll_down", "Scroll down", show=False),
        Binding("k", "scroll_up", "Scroll up", show=False),
        Binding("g", "scroll_home", "Top", show=False),
        Binding("G", "scroll_end", "Bottom", show=False),
    ]

    highlight_terms: reactive[tuple[str, ...]] = reactive((), repaint=False, init=False)
    """Search terms (case-folded) to highlight in the article; () highlights nothing."""

    @dataclass
    class MatchesChanged(Message):
        """The open article's matches changed, or which of them is current."""

        current: int | None
        """Index of the current match in reading order; None before n or N."""
        count: int
        searching: bool
        """Whether an article is open with terms to highlight."""

        @property
        def capped(self) -> bool:
            """True when more matches may be there than were highlighted."""
            return self.count >= MAX_MATCHES

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="-empty")
        self.post: Post | None = None
        self._labels: Mapping[str, str] = {}
        # Built articles, whatever the search: highlighting happens as one is laid out, so
        # the terms need no place in the key and a new search converts nothing again.
        self._rendered: LRUCache[str, RenderableType] = LRUCache(64)
        self._showing: str | Text | None = WELCOME
        self._styles = ArticleStyles()
        self.find_post: PostFinder | None = None
        """Gives the id of a post an article links to (set by the screen that knows them)."""
        self.zone: tzinfo | None = None
        """The zone an article's date is shown in (None: the post's own offset)."""
        self._shown = 0
        """Counts what was shown, so a late callback for an earlier article does nothing."""
        self._token = 0
        """Counts the articles sent to the worker; the last is the one to show."""
        self._pending: int | None = None
        """The token of the article the worker is preparing, None when nothing is pending."""

    def compose(self) -> ComposeResult:
        yield ArticleView(WELCOME, id="article")

    def on_mount(self) -> None:
        self._styles = self._themed_styles()
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, _theme: object) -> None:
        styles = self._themed_styles()
        if styles != self._styles:
            self._styles = styles
            self.forget()
            if self.post is not None:
                self.rewrite(self.post)

    def _themed_styles(self) -> ArticleStyles:
        def style(name: str) -> Style:
            # The text styles of the class, and its colour blended as painted (the partial
            # style drops the alpha of $text-muted and the like); no background of its own.
            component = f"article--{name}"
            painted = self.get_component_rich_style(component)
            return self.get_component_rich_style(component, partial=True) + Style(
                color=painted.color
            )

        title = style("title")
        return ArticleStyles(
            title=title,
            untitled=title + Style(dim=True),
            meta_name=style("meta"),
            rule=style("rule"),
            source_link=style("link"),
            no_text=style("note"),
            truncated=style("warning"),
            code_theme="monokai" if self.app.current_theme.dark else "default",
            link=style("link"),
            link_number=style("link-number"),
            footnote_ref=style("link-number"),
        )

    @property
    def _view(self) -> ArticleView:
        return self.query_one(ArticleView)

    @property
    def links(self) -> tuple[ArticleLink, ...]:
        """The open article's links, numbered as it shows them (none when none is open)."""
        article = self._rendered.get(self.post.id) if self.post is not None else None
        return article.links if isinstance(article, Article) else ()

    def show(self, post: Post, labels: Mapping[str, str], *, go_to: GoTo | None = None) -> None:
        """Render ``post`` (cached) and scroll to its top, or to its first or last match."""
        self.post = post
        self.remove_class("-empty")
        self._labels = labels
        self._showing = None
        self._prepare(post, go_to, from_top=True)

    def show_welcome(self) -> None:
        """Show how to start reading (nothing is open)."""
        if self.post is None and self._showing is not WELCOME:
            self.show_message(WELCOME)

    def close(self) -> None:
        """Close the open article (the list no longer shows it): say how to start again."""
        self.post = None
        self.border_title = None
        self.show_message(WELCOME)

    def show_message(self, message: str | Text) -> None:
        """Show a message instead of an article (an empty archive, a filter with no match)."""
        self.post = None
        self.add_class("-empty")  # the layout may give its room to the list (see app.tcss)
        self._showing = message
        # A str is shown as typed: it may hold a path, never markup.
        self._pending = None  # an article still being prepared is not to be shown
        self._view.update(Text(message) if isinstance(message, str) else message)
        self.scroll_home(animate=False)
        self._when_laid_out(None)

    def forget(self, post_ids: AbstractSet[str] | None = None) -> None:
        """Drop cached renderings (all, or of these posts) after the archive changed."""
        if post_ids is None:
            self._rendered.clear()
        else:
            for post_id in post_ids:
                self._rendered.discard(post_id)

    def rewrite(self, post: Post) -> None:
        """Show the open article's new text (its file changed), where the reader is in it."""
        self.post = post
        self._prepare(post, None, from_top=False)

    def watch_highlight_terms(self) -> None:
        if self.post is not None:
            self._prepare(self.post, None, from_top=False)  # same lines: no scrolling

    @property
    def preparing(self) -> bool:
        """Whether an article is still being converted and laid out in the worker."""
        return self._pending is not None

    # --- preparing an article off the UI thread ----------------------------------------------

    def _prepare(
        self,
        post: Post,
        go_to: GoTo | None,
        *,
        from_top: bool,
        widths: tuple[int, ...] | None = None,
        same: bool = False,
    ) -> None:
        """Convert and lay out ``post`` in the worker; show it if that takes a moment only.

        ``same``: what is shown, laid out again at ``widths`` (the terminal was resized).
        """
        widths = widths or self._widths()
        self._token += 1
        if not widths:  # not laid out yet, so no width to prepare for: lay out as it shows
            self._pending = None
            article = self._rendered.get(post.id) or converted(
                post, self._labels, self._styles, self.find_post, self.zone
            )
            self._rendered[post.id] = article
            self._view.update(highlighted(article, self.highlight_terms))
            if from_top:
                self.scroll_home(animate=False)
            self._when_laid_out(go_to)
            return
        order = PrepareOrder(
            self._token,
            post,
            self._labels,
            self._styles,
            self.find_post,
            self.zone,
            self.highlight_terms,
            go_to,
            from_top,
            widths,
            same,
        )
        self._pending = order.token
        cached = self._rendered.get(post.id)
        options = self.app.console_options
        height = self.scrollable_content_region.height
        self.run_worker(
            lambda: prepare_article(order, cached, options, height),
            name="article",
            group="article",
            thread=True,
            exclusive=True,
            exit_on_error=False,
        )
        if from_top:  # most posts are ready before the reader could notice the wait
            self.set_timer(PREPARE_WAIT, lambda: self._say_opening(order))

    def _say_opening(self, order: PrepareOrder) -> None:
        if order.token == self._pending:
            title = clean_line(order.post.title) or "(untitled)"
            self._view.update(Text(f"Opening “{title}”…", style="dim italic"))
            self.scroll_home(animate=False)

    def _widths(self) -> tuple[int, ...]:
        """The view's widths with a vertical scrollbar and without, narrower first."""
        width = self._view.size.width
        if width <= 0:
            return ()
        bar = self.styles.scrollbar_size_vertical
        if self.show_vertical_scrollbar:
            return (width, width + bar) if bar else (width,)
        return (width - bar, width) if 0 < bar < width else (width,)

    def on_article_view_width_wanted(self, message: ArticleView.WidthWanted) -> None:
        """Lay the open article out again at the view's new width (the terminal resized)."""
        message.stop()
        if self.post is not None and self._pending is None:
            bar = self.styles.scrollbar_size_vertical
            widths = (message.width, message.width + bar) if bar else (message.width,)
            self._prepare(self.post, None, from_top=False, widths=widths, same=True)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Show what the worker prepared, unless another post was opened meanwhile."""
        if event.worker.group != "article":
            return
        event.stop()
        if event.state is WorkerState.SUCCESS and isinstance(event.worker.result, PreparedArticle):
            self._install(event.worker.result)
        elif event.state is WorkerState.ERROR and self._pending is not None:
            self._pending = None
            error = event.worker.error
            self._view.update(Text(f"This article could not be shown: {error}", style="bold red"))
            self._when_laid_out(None)

    def _install(self, prepared: PreparedArticle) -> None:
        order = prepared.order
        if order.token != self._pending:
            return  # shown already, or an older post's
        self._pending = None
        self._rendered[order.post.id] = prepared.article
        self._view.show_prepared(prepared.shown, prepared.layouts, same=order.same)
        if order.from_top:
            self.scroll_home(animate=False)
        self._when_laid_out(order.go_to)

    def _when_laid_out(self, go_to: GoTo | None) -> None:
        """Once the new content is laid out: go to a match if asked, then report the matches."""
        self._shown += 1
        shown = self._shown

        def laid_out() -> None:
            if shown != self._shown:
                return
            places = self.matches
            if go_to is not None and places:
                self._go_to(0 if go_to == "first" else len(places) - 1)
            else:
                self._report()

        self.call_after_refresh(laid_out)

    # --- matches ---------------------------------------------------------------------------

    @property
    def matches(self) -> list[MatchPlace]:
        """Where the highlighted matches are, in reading order (none without a search)."""
        return self._view.places if self.post is not None else []

    @property
    def current_match(self) -> int | None:
        """Index in `matches` of the current match; None until n or N picks one."""
        current = self._view.current
        if current is None:
            return None
        keys = [place.key for place in self.matches]
        return keys.index(current) if current in keys else None

    def next_match(self) -> bool:
        """Go to the match after the current one; False when there is none in this article.

        Without a current match on screen, the next one is the first at or below the top of
        the view, as in ``less``.
        """
        places = self.matches
        index = self.current_match
        if index is not None and self._on_screen(places[index]):
            target = index + 1
        else:
            top = round(self.scroll_y)
            target = next((i for i, p in enumerate(places) if p.first_line >= top), len(places))
        if target >= len(places):
            return False
        self._go_to(target)
        return True

    def previous_match(self) -> bool:
        """Go to the match before the current one; False when there is none in this article.

        Without a current match on screen, the previous one is the last above the view.
        """
        places = self.matches
        index = self.current_match
        if index is not None and self._on_screen(places[index]):
            target = index - 1
        else:
            top = round(self.scroll_y)
            target = max((i for i, p in enumerate(places) if p.first_line < top), default=-1)
        if target < 0:
            return False
        self._go_to(target)
        return True

    def _on_screen(self, place: MatchPlace) -> bool:
        top = round(self.scroll_y)
        bottom = top + self.scrollable_content_region.height
        return top <= place.first_line and place.last_line < bottom

    def _go_to(self, index: int) -> None:
        place = self.matches[index]
        self._view.set_current(place.key)
        if not self._on_screen(place):
            target = max(0, place.first_line - MATCH_CONTEXT_LINES)
            # At once, not after the next refresh: a second n must see where the first went.
            self.scroll_to(y=target, animate=False, immediate=True)
        self._report()

    def _report(self) -> None:
        searching = self.post is not None and bool(self.highlight_terms)
        self.post_message(
            self.MatchesChanged(self.current_match, len(self.matches), searching=searching)
        )
