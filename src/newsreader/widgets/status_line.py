"""The status line: active filters, how many posts show, search matches, loading progress."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import ProgressBar, Static

from newsreader.words import counted


class StatusLine(Horizontal):
    """Says "category emnews, date 2022 — 123 of 16,903 posts"; a progress bar while loading.

    While a search is on and an article open it says "match 3 of 12"; at its right end, the
    cursor's place in the list: "12/150".
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._said: tuple[str, int, int] | None = None
        self._place: tuple[int, int] | None = None
        self._position_width = 0
        self._matches = ""

    def compose(self) -> ComposeResult:
        yield Static("", id="status-text")
        yield Static("", id="status-matches")
        yield Static("", id="status-position")
        # The text says how many files: the bar only shows how far, in few columns.
        yield ProgressBar(id="status-progress", show_eta=False, show_percentage=False)

    def show(self, filters: str, shown: int, total: int) -> None:
        """Say what is filtered and how many posts are shown."""
        if self._said == (filters, shown, total):
            return  # asked after every mark and move: an update repaints the line
        self._said = (filters, shown, total)
        text = Text(no_wrap=True, overflow="ellipsis")
        if filters:
            text.append(filters, style="bold")
            text.append(" — ")
        text.append(f"{shown:,} of {counted(total, 'post')}")
        self.query_one("#status-text", Static).update(text)

    def show_position(self, row: int, count: int) -> None:
        """Say which of the ``count`` listed posts the cursor is on (``row`` counts from 0)."""
        place = (min(row + 1, count), count)
        if place == self._place:
            return  # asked on every cursor move
        self._place = place
        shown = f"{place[0]:,}/{place[1]:,}"
        # A layout pass of the whole screen costs more than the key itself: only when the
        # width changes (9/150 -> 10/150), not on every move.
        resized = len(shown) != self._position_width
        self._position_width = len(shown)
        self.query_one("#status-position", Static).update(Text(shown), layout=resized)

    def show_matches(
        self, current: int | None, count: int, *, searching: bool, capped: bool = False
    ) -> None:
        """Say where the search stands in the open article (nothing when not searching).

        ``current`` counts from 0; ``capped`` says more matches may exist than were counted.
        """
        total = f"{count:,}{'+' if capped else ''}"
        if not searching:
            text = ""
        elif count == 0:
            text = "no match shown here"
        elif current is None:
            text = f"{total} match{'' if count == 1 else 'es'}"
        else:
            text = f"match {current + 1:,} of {total}"
        if text == self._matches:
            return  # asked on every open: an update lays the whole screen out again
        self._matches = text
        self.query_one("#status-matches", Static).update(Text(text))

    def progress(self, done: int, total: int) -> None:
        """Show the scan's progress; hidden once done."""
        bar = self.query_one(ProgressBar)
        bar.display = done < total
        bar.update(total=max(total, 1), progress=done)
