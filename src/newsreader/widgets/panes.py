"""The reader's panes and how they share the screen: sidebar | list over article.

From :data:`WIDE_LAYOUT_COLUMNS` the list and the article stand side by side, in halves; below
:data:`SIDEBAR_MIN_COLUMNS` the sidebar starts hidden, leaving room to read, until the user
shows it with ``t``; below :data:`SHORT_LAYOUT_ROWS` a reading pane with nothing open takes
only the rows of its hint, the list the rest; reading mode gives the article the whole screen.
The panes also know the focus order that ``tab`` cycles and ``h``/``escape`` walks back along.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.widget import Widget

from newsreader.widgets.article_list import ArticleList
from newsreader.widgets.reading_pane import ReadingPane
from newsreader.widgets.sidebar import Sidebar
from newsreader.widgets.timeline import Timeline

WIDE_LAYOUT_COLUMNS = 160
"""From this width the list and the article stand side by side."""
SIDEBAR_MIN_COLUMNS = 90
"""Below this width the sidebar starts hidden (t shows it), leaving room to read."""
SHORT_LAYOUT_ROWS = 30
"""Below this height, list over article, an empty reading pane shrinks to its hint."""


class Panes(Horizontal):
    """The sidebar, the article list and the reading pane, laid out for the terminal's width."""

    def __init__(
        self, sidebar: Sidebar, article_list: ArticleList, reading_pane: ReadingPane
    ) -> None:
        super().__init__(id="panes")
        self.sidebar = sidebar
        self.article_list = article_list
        self.reading_pane = reading_pane
        self._sidebar_wanted: bool | None = None
        """The user's choice with t; None follows the terminal's width."""

    def compose(self) -> ComposeResult:
        yield self.sidebar
        with Vertical(id="main"):
            yield self.article_list
            yield self.reading_pane

    def on_resize(self, event: Resize) -> None:
        wide = event.size.width >= WIDE_LAYOUT_COLUMNS
        self.set_class(wide, "-wide")
        self.set_class(not wide and event.size.height < SHORT_LAYOUT_ROWS, "-short")
        if self._sidebar_wanted is None:
            self._show_sidebar(event.size.width >= SIDEBAR_MIN_COLUMNS)

    @property
    def reading_mode(self) -> bool:
        """Whether the article has the whole screen."""
        return self.has_class("-reading")

    def _show_sidebar(self, show: bool) -> None:
        # A class, not an inline style, so reading mode's rule can still hide it.
        self.sidebar.set_class(not show, "-hidden")
        if not show and self.sidebar.has_focus_within:
            self.article_list.focus()

    def toggle_sidebar(self) -> None:
        """Hide or show the sidebar (remembered until the reader closes)."""
        self._sidebar_wanted = not self.sidebar.display
        self._show_sidebar(self._sidebar_wanted)

    def find_category(self) -> None:
        """Show the sidebar and type into the category list's narrowing field."""
        self._sidebar_wanted = True
        self._show_sidebar(True)
        self.remove_class("-reading")
        self.sidebar.categories.narrowing.focus()

    def toggle_reading_mode(self) -> None:
        """Give the article the whole screen, or bring the panes back.

        With no article open it opens the post under the list's cursor, as enter does: an
        empty pane alone on the screen left no key to press but z again. With no post
        listed it says so and keeps the panes.
        """
        if not self.reading_mode and self.reading_pane.post is None:
            if self.article_list.highlighted_post is None:
                self.notify("Nothing to read: no post is listed.", timeout=3)
                return
            self.article_list.action_open()
        self.toggle_class("-reading")
        (self.reading_pane if self.reading_mode else self.article_list).focus()

    def cycle_focus(self, step: int, focused: Widget | None) -> None:
        """Move the focus to the next (or previous) pane on screen."""
        candidates: list[Widget] = [
            self.sidebar.saved_searches.options,
            self.sidebar.categories.options,
            self.sidebar.query_one(Timeline),
            self.article_list,
            self.reading_pane,
        ]
        panes = [pane for pane in candidates if _shown(pane)]
        if panes:
            index = next((i for i, pane in enumerate(panes) if pane is focused), -1)
            panes[(index + step) % len(panes)].focus()

    def back(self) -> None:
        """Step back: from the article to the list, from the list to the sidebar."""
        if self.reading_pane.has_focus:
            self.remove_class("-reading")
            self.article_list.focus()
        elif self.article_list.has_focus and _shown(self.sidebar):
            self.sidebar.categories.options.focus()


def _shown(widget: Widget) -> bool:
    """Whether the widget and all its ancestors are displayed."""
    node: Widget | None = widget
    while isinstance(node, Widget):
        if not node.display:
            return False
        parent = node.parent
        node = parent if isinstance(parent, Widget) else None
    return True
