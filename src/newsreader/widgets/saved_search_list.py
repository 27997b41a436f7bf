"""The sidebar's saved searches: one entry each, with its unread and total counts.

Moving to an entry applies its search, as moving through the categories does; ``D`` and
``R`` (the reader's keys) delete and rename the current entry. The pane is hidden while no
search is saved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets.option_list import Option

from newsreader.reader.saved_searches import SearchCount
from newsreader.widgets.category_list import CategoryOptions, count_row


class SavedSearchList(Vertical):
    """The saved searches, each announced as :class:`Chosen` when the user moves to it."""

    @dataclass
    class Chosen(Message):
        """The user moved to (or, ``confirmed``, pressed enter on) a saved search."""

        name: str
        confirmed: bool

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown: tuple[SearchCount, ...] | None = None

    def compose(self) -> ComposeResult:
        yield CategoryOptions(id="saved-search-options")

    def on_mount(self) -> None:
        self.border_title = "Saved searches"
        self.display = False

    @property
    def options(self) -> CategoryOptions:
        """The entries."""
        return self.query_one(CategoryOptions)

    @property
    def current(self) -> str | None:
        """The name of the entry under the cursor, if any."""
        option = self.options.highlighted_option
        return None if option is None else option.id

    def show(self, counts: Sequence[SearchCount]) -> None:
        """Show these searches (in this order) with their counts."""
        shown = tuple(counts)
        if shown == self._shown:
            return
        self._shown = shown
        entries = [
            Option(count_row(count.name, None, count.total, count.unread), id=count.name)
            for count in shown
        ]
        self.options.set_options(entries, self.current)
        self.display = bool(entries)
        # The screen's focus, not the widget's has_focus: that lags behind a focus change
        # still queued (the reader's own, at start), and moving on from it would take the
        # focus away from the list that just got it.
        if not entries and self.screen.focused is self.options:
            self.screen.focus_next()

    @on(CategoryOptions.Highlighted)
    def _highlighted(self, event: CategoryOptions.Highlighted) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.Chosen(event.option.id, confirmed=False))

    @on(CategoryOptions.Selected)
    def _selected(self, event: CategoryOptions.Selected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.Chosen(event.option.id, confirmed=True))
