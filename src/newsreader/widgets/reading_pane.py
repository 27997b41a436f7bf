"""The reading pane: the open article, rendered, scrolled by line and by page."""

from __future__ import annotations

from collections.abc import Mapping

from rich.console import RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.cache import LRUCache
from textual.containers import VerticalScroll
from textual.widgets import Static

from newsreader.archive import Post
from newsreader.archive.html import render_article

WELCOME = Text.from_markup(
    "[b]No article open[/b]\n\n"
    "Move through the list with [b]j[/b]/[b]k[/b] and press [b]enter[/b] to read.\n"
    "Press [b]?[/b] for every key, [b]ctrl+p[/b] for every command."
)


class ReadingPane(VerticalScroll, can_focus=True):
    """Shows one post: title, date, categories, tags, source, then the body."""

    BINDINGS = [
        Binding("space", "page_down", "Page down", show=False),
        Binding("b", "page_up", "Page up", show=False),
        Binding("j", "scroll_down", "Scroll down", show=False),
        Binding("k", "scroll_up", "Scroll up", show=False),
        Binding("g", "scroll_home", "Top", show=False),
        Binding("G", "scroll_end", "Bottom", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.post: Post | None = None
        self._rendered: LRUCache[str, RenderableType] = LRUCache(64)
        self._showing: str | Text | None = WELCOME

    def compose(self) -> ComposeResult:
        yield Static(WELCOME, id="article")

    def show(self, post: Post, labels: Mapping[str, str]) -> None:
        """Render ``post`` (cached) and scroll to its top."""
        self.post = post
        self._showing = None
        article = self._rendered.get(post.id)
        if article is None:
            try:
                article = render_article(post, labels)
            except Exception as error:  # one bad article must not end the reader
                article = Text(f"This article could not be shown: {error}", style="bold red")
            self._rendered[post.id] = article
        self.query_one("#article", Static).update(article)
        self.scroll_home(animate=False)

    def show_welcome(self) -> None:
        """Show how to start reading (nothing is open)."""
        if self.post is None and self._showing is not WELCOME:
            self.show_message(WELCOME)

    def show_message(self, message: str | Text) -> None:
        """Show a message instead of an article (an empty archive, a filter with no match)."""
        self.post = None
        self._showing = message
        self.query_one("#article", Static).update(message)
        self.scroll_home(animate=False)

    def forget(self, post_ids: set[str] | None = None) -> None:
        """Drop cached renderings (all, or of these posts) after the archive changed."""
        if post_ids is None:
            self._rendered.clear()
        else:
            for post_id in post_ids:
                self._rendered.discard(post_id)
