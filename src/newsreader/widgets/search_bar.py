"""The search bar: shown by ``/``, it asks for a search once typing pauses, or on enter."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input

TYPING_PAUSE = 0.12
"""Seconds of typing pause before a search runs."""


class SearchBar(Input):
    """Posts :class:`Wanted` with the text to search for; hidden while not in use."""

    @dataclass
    class Wanted(Message):
        """Search for ``text`` now (empty: the search is over)."""

        text: str
        submitted: bool
        """The user pressed enter: go on to the results."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder="Search titles and bodies…", id=id)
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
            self._ask()
        self.display = False

    def clear(self) -> None:
        """Empty and hide the bar without asking for anything."""
        with self.prevent(Input.Changed):
            self.value = ""
        self.display = False

    def _on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(TYPING_PAUSE, self._ask)

    def _on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._ask(submitted=True)

    def _ask(self, *, submitted: bool = False) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self.post_message(self.Wanted(self.value, submitted))
