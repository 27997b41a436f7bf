"""A scrolling container whose keys scroll their whole amount however fast they come."""

from __future__ import annotations

from textual.actions import SkipAction
from textual.containers import VerticalScroll


class KeyScroll(VerticalScroll):
    """A `VerticalScroll` whose scrolling keys move at once, each from where the last one went.

    Textual's own keys animate, and work out where to go before the scroll of the key before
    has happened (it waits for the next refresh): ten quick `j` scrolled about four lines, and
    three quick pages fell short of three. Keys here scroll without an animation, at once,
    from the scroll's target, so a burst scrolls exactly as far as the same keys typed slowly.
    The mouse wheel keeps Textual's smooth scrolling.
    """

    def scroll_lines(self, lines: int) -> None:
        """Scroll ``lines`` down (up when negative) from where the last key left the view."""
        self.scroll_to(y=self.scroll_target_y + lines, animate=False, immediate=True)

    def scroll_pages(self, pages: int) -> None:
        """Scroll ``pages`` views' heights down (up when negative)."""
        self.scroll_lines(pages * max(1, self.scrollable_content_region.height))

    def _vertical(self) -> None:
        if not self.allow_vertical_scroll:
            raise SkipAction()  # nothing to scroll: the key goes on to the screen's bindings

    def action_scroll_down(self) -> None:
        self._vertical()
        self.scroll_lines(1)

    def action_scroll_up(self) -> None:
        self._vertical()
        self.scroll_lines(-1)

    def action_page_down(self) -> None:
        self._vertical()
        self.scroll_pages(1)

    def action_page_up(self) -> None:
        self._vertical()
        self.scroll_pages(-1)

    def action_scroll_home(self) -> None:
        self._vertical()
        self.scroll_home(animate=False, immediate=True)

    def action_scroll_end(self) -> None:
        self._vertical()
        self.scroll_end(animate=False, immediate=True)
