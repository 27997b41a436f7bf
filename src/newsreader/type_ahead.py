"""Type-ahead: keys typed faster than the reader answers them act as if typed slowly.

Textual hands each key to the widget focused when the key arrives, and that widget passes it
up to the app, whose bindings run last. Keys typed in one burst are all handed to the widget
focused before the first of them had any effect: after `d`, the date dialog's input never saw
`2023-13` (its characters went to the article list), while ctrl+u and enter, being bindings,
reached the dialog, so enter applied an empty date and cleared the filter; after `/`, a `q`
meant for the search bar quit the reader. Here a key arriving while an earlier one is still
on its way is held, and handed on once that one is done, to what has the focus by then: a
dialog just opened first gets its focus.
"""

from __future__ import annotations

import time
from collections import deque
from typing import Any

from textual import events
from textual.app import App

WAIT_LIMIT = 0.5
"""Seconds a key may be on its way before the next is handed on all the same (a key lost
with a widget removed meanwhile must not hold the keyboard)."""


class TypeAhead:
    """Hands the app's keys on one at a time, each once the one before it is done."""

    def __init__(self, app: App[Any]) -> None:
        self._app = app
        self._held: deque[events.Key] = deque()
        self._on_its_way: events.Key | None = None
        self._released: events.Key | None = None
        """The held key handed back to the app, to be let through rather than held again."""
        self._started = 0.0

    def arrived(self, key: events.Key) -> bool:
        """A key from the terminal: False to let the app hand it on now, True when it is held."""
        if key is self._released:
            self._released = None
        elif self._on_its_way is not None or self._held:
            self._held.append(events.Key(key.key, key.character))
            return True
        self._send_off(key)
        return False

    def returned(self, key: events.Key) -> None:
        """A key is done: back up at the app, its bindings run, or taken by a priority
        binding before it went anywhere. The next may go."""
        if key is self._on_its_way:
            self._done()

    def _send_off(self, key: events.Key) -> None:
        self._on_its_way = key
        self._started = time.monotonic()
        self._app.call_after_refresh(self._check, key)

    def _check(self, key: events.Key) -> None:
        """After a refresh: a key that a widget stopped (typed into an input) never comes back."""
        if key is not self._on_its_way:
            return
        # Message has no public "stopped": the flag is what bubbling itself reads.
        stopped = key._stop_propagation
        waited = time.monotonic() - self._started
        if stopped or waited > WAIT_LIMIT:
            self._done()
        else:
            self._app.call_after_refresh(self._check, key)

    def _done(self) -> None:
        self._on_its_way = None
        if self._held:
            # After what the key did has settled: Textual moves the focus later, not at once.
            self._app.call_after_refresh(self._release)

    def _release(self) -> None:
        if not self._held or self._on_its_way is not None:
            return
        app = self._app
        waited = time.monotonic() - self._started
        if app.focused is None and waited < WAIT_LIMIT:
            # A dialog opened by the key before: its input takes the focus once mounted.
            app.call_after_refresh(self._release)
            return
        key = self._held.popleft()
        # On its way from now: a key the terminal sends meanwhile waits behind it.
        self._released = self._on_its_way = key
        app.post_message(key)
