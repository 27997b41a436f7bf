"""The reading pane: the open article, rendered, scrolled by line and by page, its search
matches highlighted and visited one by one."""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import ClassVar, Literal

from rich.console import RenderableType
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.cache import LRUCache
from textual.containers import VerticalScroll
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from newsreader.archive import Post
from newsreader.render import MATCH_KEY, MAX_MATCHES, Article, ArticleStyles, render_article
from newsreader.render.links import ArticleLink

WELCOME = Text.from_markup(
    "[b]No article open[/b]\n\n"
    "Move through the list with [b]j[/b]/[b]k[/b] and press [b]enter[/b] to read.\n"
    "Press [b]?[/b] for every key, [b]ctrl+p[/b] for every command."
)
MATCH_CONTEXT_LINES = 2
"""Lines kept above a match the pane scrolls to, so its sentence reads from the start."""

GoTo = Literal["first", "last"]


@dataclass(frozen=True, slots=True)
class MatchPlace:
    """Where one highlighted match landed in the laid-out article."""

    first_line: int
    last_line: int
    """Differs from ``first_line`` when the match wraps onto the next line."""
    key: int
    """The match's number in the rendering (its ``MATCH_KEY`` meta)."""


class _Layout:
    """A renderable laid out at one width: its lines, and where its matches landed."""

    def __init__(self, width: int, lines: list[list[Segment]]) -> None:
        self.width = width
        self.lines = lines
        self.match_lines: set[int] = set()
        spans: dict[int, list[int]] = {}  # match key -> [first line, last line], reading order
        for y, line in enumerate(lines):
            for segment in line:
                style = segment.style
                key = style.meta.get(MATCH_KEY) if style is not None else None
                if key is None:
                    continue
                self.match_lines.add(y)
                span = spans.setdefault(key, [y, y])
                span[1] = y
        self.places = [MatchPlace(first, last, key) for key, (first, last) in spans.items()]


class ArticleView(Widget):
    """The article's lines, laid out once per width, with its search matches styled.

    A Line API widget rather than a ``Static``: a Static lays its content out twice (once to
    learn its height) and keeps no lines. Here a 4.9 MB article is laid out once per width,
    moving the current match restyles only the lines on screen, and the lines tell where
    each match landed (`places`), which is what scrolling to a match needs.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-view--match",
        "article-view--current-match",
    }
    """
    | Class | What it styles |
    | :- | :- |
    | `article-view--match` | Every search match in the article. |
    | `article-view--current-match` | The match the last n or N went to. |
    """

    # Structure and text-style fallbacks only (a visual style knows no reverse); the colours
    # are in styles/reading_pane.tcss, whose rules win over these.
    DEFAULT_CSS = """
    ArticleView {
        height: auto;
        & > .article-view--match { text-style: underline; }
        & > .article-view--current-match { text-style: bold underline; }
    }
    """

    def __init__(self, renderable: RenderableType, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._renderable = renderable
        self._layouts: dict[int, _Layout] = {}
        """By width: the last two, as Textual measures with and without a scrollbar."""
        self._current: int | None = None

    def update(self, renderable: RenderableType) -> None:
        """Show ``renderable`` instead (laid out at the next refresh); no match is current."""
        self._renderable = renderable
        self._layouts = {}
        self._current = None
        self.refresh(layout=True)

    @property
    def current(self) -> int | None:
        """The number (`MatchPlace.key`) of the match styled as current, if any."""
        return self._current

    def set_current(self, key: int | None) -> None:
        """Style the match numbered ``key`` as the current one (None: no match is)."""
        if key != self._current:
            self._current = key
            self.refresh()

    @property
    def places(self) -> list[MatchPlace]:
        """Every match, in reading order, at the width the view has (none before layout)."""
        width = self.size.width
        return self._laid_out(width).places if width > 0 else []

    def _laid_out(self, width: int) -> _Layout:
        layout = self._layouts.get(width)
        if layout is None:
            # As Textual renders a Rich renderable in a Static (RichVisual), laid out once.
            options = self.app.console_options.update(highlight=False, height=None)
            lines = self.app.console.render_lines(
                self._renderable, options.update_width(max(width, 1)), pad=False
            )
            layout = _Layout(width, lines)
            if len(self._layouts) > 1:
                del self._layouts[next(iter(self._layouts))]  # the older one
            self._layouts[width] = layout
        return layout

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """As many lines as the renderable takes at ``width``."""
        return len(self._laid_out(width).lines)

    def render_line(self, y: int) -> Strip:
        """Line ``y``, its matches styled; the widget's own style goes underneath."""
        width = self.size.width
        base = self.visual_style.rich_style
        layout = self._laid_out(width)
        if not 0 <= y < len(layout.lines):
            return Strip.blank(width, base)
        segments = layout.lines[y]
        if y in layout.match_lines:
            segments = self._styled_matches(segments)
        return Strip(list(Segment.apply_style(segments, base)))

    def _styled_matches(self, segments: list[Segment]) -> list[Segment]:
        match = self.get_visual_style("article-view--match").rich_style
        current = self.get_visual_style("article-view--current-match").rich_style
        styled: list[Segment] = []
        for segment in segments:
            style = segment.style
            key = style.meta.get(MATCH_KEY) if style is not None else None
            if style is None or key is None:
                styled.append(segment)
            else:
                look = current if key == self._current else match
                styled.append(Segment(segment.text, style + look, segment.control))
        return styled


class ReadingPane(VerticalScroll, can_focus=True):
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
        super().__init__(id=id)
        self.post: Post | None = None
        self._labels: Mapping[str, str] = {}
        # Built articles, whatever the search: highlighting happens as one is laid out, so
        # the terms need no place in the key and a new search converts nothing again.
        self._rendered: LRUCache[str, RenderableType] = LRUCache(64)
        self._showing: str | Text | None = WELCOME
        self._styles = ArticleStyles()
        self._shown = 0
        """Counts what was shown, so a late callback for an earlier article does nothing."""

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
        )

    @property
    def _view(self) -> ArticleView:
        return self.query_one(ArticleView)

    @property
    def links(self) -> tuple[ArticleLink, ...]:
        """The open article's links, numbered as it shows them (none when none is open)."""
        article = self._article(self.post) if self.post is not None else None
        return article.links if isinstance(article, Article) else ()

    def show(self, post: Post, labels: Mapping[str, str], *, go_to: GoTo | None = None) -> None:
        """Render ``post`` (cached) and scroll to its top, or to its first or last match."""
        self.post = post
        self._labels = labels
        self._showing = None
        self._display(self._article(post))
        self.scroll_home(animate=False)
        self._when_laid_out(go_to)

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
        self._showing = message
        # A str is shown as typed: it may hold a path, never markup.
        self._display(Text(message) if isinstance(message, str) else message)
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
        self._display(self._article(post))
        self._when_laid_out(None)

    def watch_highlight_terms(self) -> None:
        if self.post is not None:
            self._display(self._article(self.post))  # the lines are the same: no scrolling
            self._when_laid_out(None)

    def _article(self, post: Post) -> RenderableType:
        """The post made ready to read, from the cache if it is there."""
        article = self._rendered.get(post.id)
        if article is None:
            try:
                article = render_article(post, self._labels, self._styles)
            except Exception as error:  # one bad article must not end the reader
                article = Text(f"This article could not be shown: {error}", style="bold red")
            self._rendered[post.id] = article
        return article

    def _display(self, article: RenderableType) -> None:
        if isinstance(article, Article):
            article = article.highlighted(self.highlight_terms)
        self._view.update(article)

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
