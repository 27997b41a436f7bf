"""The article's lines as a Line API widget: laid out once per width, matches styled."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.console import RenderableType
from rich.segment import Segment
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from newsreader.render import MATCH_KEY
from newsreader.render.layout import ArticleLayout, MatchPlace


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

    @dataclass
    class WidthWanted(Message):
        """A prepared article is shown at a width it was not laid out at (a resize)."""

        width: int

    def __init__(self, renderable: RenderableType, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._renderable = renderable
        self._layouts: dict[int, ArticleLayout] = {}
        """By width: the last two, as Textual measures with and without a scrollbar."""
        self._prepared = False
        """Whether the layouts came from `show_prepared` (else they are made here, lazily)."""
        self._current: int | None = None

    def update(self, renderable: RenderableType) -> None:
        """Show ``renderable`` instead (laid out at the next refresh); no match is current.

        For something cheap to lay out (a message): an article goes through `show_prepared`.
        """
        self._renderable = renderable
        self._layouts = {}
        self._prepared = False
        self._current = None
        self.refresh(layout=True)

    def show_prepared(
        self, renderable: RenderableType, layouts: list[ArticleLayout], *, same: bool = False
    ) -> None:
        """Show ``renderable``, already laid out (in a worker) at each width of ``layouts``.

        ``same``: it is what is shown, at another width; the current match stays current.
        """
        self._renderable = renderable
        self._layouts = {layout.width: layout for layout in layouts}
        self._prepared = bool(layouts)
        if not same:
            self._current = None
        self.refresh(layout=True)

    @property
    def laid_out_widths(self) -> set[int]:
        """The widths the content is laid out at."""
        return set(self._layouts)

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

    def _laid_out(self, width: int) -> ArticleLayout:
        layout = self._layouts.get(width)
        if layout is not None:
            return layout
        if self._prepared:
            # Laying out here would stall the keys: the nearest width will do until the
            # pane has it laid out at this one.
            if width == self.size.width:  # not a measurement with or without a scrollbar
                self.post_message(self.WidthWanted(width))
            return min(self._layouts.values(), key=lambda near: abs(near.width - width))
        # As Textual renders a Rich renderable in a Static (RichVisual), laid out once.
        options = self.app.console_options.update(highlight=False, height=None)
        lines = self.app.console.render_lines(
            self._renderable, options.update_width(max(width, 1)), pad=False
        )
        layout = ArticleLayout(width, lines)
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
        strip = Strip(list(Segment.apply_style(segments, base)))
        return strip if layout.width == width else strip.crop(0, width)

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
