"""The search bar: shown by ``/``, it searches once typing pauses, or on enter.

The search itself (the index's full-text table) runs in a thread worker of the bar, given as
a function of the text; the bar then posts :class:`SearchBar.Found` with the ids, so the list
changes once, when the answer is there, instead of emptying while the index is asked.
"""

from __future__ import annotations

from collections.abc import Callable, Container
from dataclasses import dataclass

from textual import work
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input
from textual.worker import get_current_worker

TYPING_PAUSE = 0.12
"""Seconds of typing pause before a search runs."""


class SearchBar(Input):
    """Asks ``search(text)`` for the ids of the posts holding ``text``; hidden when unused."""

    @dataclass
    class Found(Message):
        """The posts holding ``text`` (``ids`` is None when the text is empty: no search)."""

        text: str
        ids: Container[str] | None

    @dataclass
    class Confirmed(Message):
        """The user pressed enter: go on to the results."""

    def __init__(self, search: Callable[[str], Container[str]], *, id: str | None = None) -> None:
        super().__init__(placeholder="Search titles and bodies…", id=id)
        self.search = search
        self._timer: Timer | None = None

    def on_mount(self) -> None:
        self.display = False

    def open(self) -> None:
        """Show the bar and type into it."""
        self.display = True
        self.focus()

    def close(self) -> None:
        """Hide the bar; a search typed in it ends."""
        if self.value:
            self.clear()
            self.search_again()
        self.display = False

    def clear(self) -> None:
        """Empty and hide the bar without searching."""
        with self.prevent(Input.Changed):
            self.value = ""
        self.display = False

    def _on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(TYPING_PAUSE, self.search_again)

    def _on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.search_again()
        self.post_message(self.Confirmed())

    def search_again(self) -> None:
        """Search for the text now (the posts changed under the last answer, or typing paused)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        text = self.value
        if text.strip():
            self._search(text)
        else:
            self.post_message(self.Found(text, None))

    @work(thread=True, exclusive=True, group="search")
    def _search(self, text: str) -> None:
        ids = self.search(text)
        if not get_current_worker().is_cancelled:
            self.post_message(self.Found(text, ids))

    def _on_search_bar_found(self, event: Found) -> None:
        if event.text != self.value:
            event.stop()  # typing went on: a newer answer is coming
