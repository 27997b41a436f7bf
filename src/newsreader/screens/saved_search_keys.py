"""The reader's saved-search keys: save the search in effect, use one, rename or delete it.

The searches are :class:`~newsreader.reader.saved_searches.SavedSearches` of the archive
being read. Their counts are found again when the archive changes (the texts are searched on
the index in a thread worker, which posts :class:`MatchesFound` back to the screen) and
whenever searches are saved, renamed or deleted; a read mark only recounts, with the
sidebar's other counts.
"""

from __future__ import annotations

from collections.abc import Callable, Container
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message
from textual.widgets import Input

from newsreader.archive import DateSpecError
from newsreader.reader.model import View
from newsreader.reader.saved_searches import (
    SavedSearch,
    SavedSearchError,
    SavedSearches,
    SearchCount,
    SearchMatches,
    check_name,
    search_texts,
    texts_to_search,
)
from newsreader.screens.confirm import ConfirmScreen
from newsreader.screens.name_prompt import NamePromptScreen

if TYPE_CHECKING:
    from newsreader.screens.reader import ReaderScreen


@dataclass
class MatchesFound(Message):
    """The index's ids for each saved search's text, for the searches of ``generation``."""

    generation: int
    text_matches: dict[str, Container[str]]


class SavedSearchKeys:
    """Saved searches of the reader ``screen``'s archive, and the keys that change them."""

    def __init__(self, screen: ReaderScreen, saved: SavedSearches) -> None:
        self.screen = screen
        self.saved = saved
        self.matches = SearchMatches()
        self._generation = 0

    def use(self, saved: SavedSearches) -> None:
        """Another archive's searches (its problems are told)."""
        self.saved = saved
        self.matches = SearchMatches()
        for problem in saved.problems:
            self.screen.notify(problem, title="Saved searches", severity="warning", timeout=10)
        self.find_matches()

    def counts(self) -> list[SearchCount]:
        """Each saved search with its unread and total counts, for the sidebar."""
        marks = self.screen.model.marks
        return self.matches.counts(self.saved.searches, None if marks is None else marks.read_ids)

    # --- counting ---------------------------------------------------------------------------

    def find_matches(self) -> None:
        """Find the searches' posts again (the archive or the searches changed)."""
        self._generation += 1
        generation, texts = self._generation, texts_to_search(self.saved.searches)
        search = self.screen.feed.search

        def work() -> None:
            found = search_texts(texts, search)
            self.screen.post_message(MatchesFound(generation, found))

        self.screen.run_worker(work, thread=True, exclusive=True, group="saved-searches")

    def matches_found(self, message: MatchesFound) -> None:
        """Take the index's answer in (on the UI thread, where the archive is changed)."""
        if message.generation != self._generation:
            return
        model = self.screen.model
        self.matches.find(model.archive, self.saved.searches, model.zone, message.text_matches)
        self.screen.sidebar.follow(counts_only=True)

    # --- the keys -------------------------------------------------------------------------

    def ask_to_save(self) -> None:
        """Ask for a name for the search and filters in effect, then save them."""
        model = self.screen.model
        query = model.filter
        if not (query.text.strip() or query.category or query.dates or model.unread_only):
            self.screen.notify(
                "Nothing to save: search (/), choose a category or dates (d) first.", timeout=4
            )
            return
        search = SavedSearch.from_filter("", query, unread_only=model.unread_only)
        suggested = query.text.strip() or query.describe(model.archive.labels)

        def named(name: str | None) -> None:
            if name is not None and self._write(lambda: self.saved.save(_named(search, name))):
                self.screen.notify(f"Saved “{check_name(name)}”", timeout=2)

        self.screen.app.push_screen(NamePromptScreen("Save this search as:", suggested), named)

    def ask_to_rename(self) -> None:
        """Ask for a new name for the saved search under the sidebar's cursor."""
        old = self._current()
        if old is None:
            return

        def named(name: str | None) -> None:
            if (
                name is not None
                and name != old
                and self._write(lambda: self.saved.rename(old, name))
            ):
                self.screen.notify(f"Renamed “{old}”", timeout=2)

        self.screen.app.push_screen(NamePromptScreen(f"Rename “{old}” to:", old), named)

    def ask_to_delete(self) -> None:
        """Ask before deleting the saved search under the sidebar's cursor."""
        name = self._current()
        if name is None:
            return

        def answered(yes: bool | None) -> None:
            if yes and self._write(lambda: self.saved.delete(name)):
                self.screen.notify(f"Deleted “{name}”", timeout=2)

        self.screen.app.push_screen(ConfirmScreen(f"Delete the saved search “{name}”?"), answered)

    def apply(self, name: str) -> None:
        """List what the saved search ``name`` finds, as if its filters were chosen anew."""
        search = self.saved.get(name)
        if search is None:
            return
        screen, model = self.screen, self.screen.model
        try:
            query = search.to_filter(model.zone)
        except DateSpecError as error:
            screen.notify(str(error), severity="error")
            return
        if model.view is not View.ALL:
            model.set_view(View.ALL)
        if model.unread_only != search.unread_only:
            model.toggle_unread_only()
        screen.sidebar.categories.select(query.category or "")
        bar = screen.search_bar
        with bar.prevent(Input.Changed):
            bar.value = query.text
        bar.display = bool(query.text)
        screen.set_filter(query)  # with a text, nothing is listed until the index answers
        if query.text:
            bar.search_again()

    def _current(self) -> str | None:
        saved_list = self.screen.sidebar.saved_searches
        name = saved_list.current if saved_list.options.has_focus else None
        if name is None:
            self.screen.notify(
                "Move to a saved search in the sidebar first (tab moves between panes).",
                timeout=3,
            )
        return name

    def _write(self, write: Callable[[], object]) -> bool:
        try:
            write()
        except SavedSearchError as error:
            self.screen.notify(str(error), severity="error", timeout=8)
            return False
        self.find_matches()
        return True


def _named(search: SavedSearch, name: str) -> SavedSearch:
    return SavedSearch(name, search.text, search.category, search.dates, search.unread_only)
