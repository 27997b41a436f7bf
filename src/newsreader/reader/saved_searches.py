"""Saved searches: a search and its filters kept under a name, like newsboat's query feeds.

Where
    ``saved-searches.jsonl`` in :func:`newsreader.locations.data_dir`, beside the reading
    state: one JSON object a line, each naming its archive (:func:`newsreader.state.archive_key`),
    so every archive has its own searches in the one file. A line is
    ``{"archive": "finews", "name": "tariffs", "text": "关税", "category": "emnews",
    "dates": "2024", "unread_only": true}``; every key but the first two may be left out.

Dates
    The date filter is kept as it was typed (``last 7 days``) and read again each time the
    search is used, so a saved search of recent news moves on with the calendar.

Failures
    Loading never fails: a line that is not a saved search (broken JSON, a wrong field) gives a
    problem naming the file and line, and the other lines load. Such a line is kept as it is
    when the file is written again, for the user to mend. Writes go through
    :func:`newsreader.config.write_atomically` (temporary file, fsync, rename) after reading
    the file afresh, so another reader's searches are kept; a write that fails raises
    :class:`SavedSearchError` and changes nothing in memory.

Counts
    :class:`SearchMatches` keeps, per search, the ids of the posts it lists, found when the
    archive changes (the text search runs on the index, in a thread); the unread counts are
    then a set lookup per match, done with the sidebar's other counts, never per key.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import UTC, tzinfo
from pathlib import Path

from newsreader import locations
from newsreader.archive import Archive, DateSpecError, Filter, parse_date_spec
from newsreader.config import write_atomically

SAVED_SEARCHES_FILE = "saved-searches.jsonl"
"""The file's name in the data folder."""
MAX_NAME_LENGTH = 80


class SavedSearchError(Exception):
    """A saved search could not be written or its name is not usable; the message says why."""


@dataclass(frozen=True, slots=True)
class SavedSearch:
    """One named search: the text typed and the filters in effect when it was saved."""

    name: str
    text: str = ""
    category: str | None = None
    dates: str = ""
    """The date filter as typed (read again when the search is used); "" for none."""
    unread_only: bool = False

    def to_filter(self, zone: tzinfo) -> Filter:
        """The filter this search applies, its dates read in ``zone`` today.

        Raises ``DateSpecError`` if the dates no longer read (they were checked on loading).
        """
        dates = parse_date_spec(self.dates, zone) if self.dates else None
        return Filter(category=self.category, dates=dates, text=self.text)

    @classmethod
    def from_filter(cls, name: str, query: Filter, *, unread_only: bool) -> SavedSearch:
        """What saving the filter in effect under ``name`` keeps."""
        return cls(
            name=name,
            text=query.text.strip(),
            category=query.category,
            dates=query.dates.spec if query.dates else "",
            unread_only=unread_only,
        )


def check_name(name: str) -> str:
    """``name`` trimmed, or ``SavedSearchError`` saying why it cannot name a search."""
    trimmed = " ".join(name.split())
    if not trimmed:
        raise SavedSearchError("A saved search needs a name.")
    if len(trimmed) > MAX_NAME_LENGTH:
        raise SavedSearchError(f"A saved search's name has at most {MAX_NAME_LENGTH} characters.")
    if not trimmed.isprintable():
        raise SavedSearchError("A saved search's name cannot hold control characters.")
    return trimmed


class SavedSearches:
    """The saved searches of one archive, in the order they were saved."""

    def __init__(self, archive: str, path: Path) -> None:
        """Use :meth:`open`."""
        self.archive = archive
        self.path = path
        self.searches: list[SavedSearch] = []
        self.problems: list[str] = []
        """Lines that could not be read, each naming the file and line."""

    @classmethod
    def open(cls, archive_key: str, data_dir: Path | None = None) -> SavedSearches:
        """The searches of archive ``archive_key``; never raises (see :attr:`problems`)."""
        folder = data_dir if data_dir is not None else locations.data_dir()
        saved = cls(archive_key, folder / SAVED_SEARCHES_FILE)
        try:
            lines = _read_lines(saved.path)
        except OSError as error:
            saved.problems.append(f"{saved.path}: cannot read the saved searches ({error})")
            return saved
        for number, line in enumerate(lines, start=1):
            parsed = _parse(line)
            if isinstance(parsed, str):
                saved.problems.append(f"{saved.path}, line {number}: {parsed}; skipped")
            elif parsed is not None and parsed[0] == archive_key:
                saved.searches = [*_without(saved.searches, parsed[1].name), parsed[1]]
        return saved

    def get(self, name: str) -> SavedSearch | None:
        """The search of this name, if any."""
        return next((search for search in self.searches if search.name == name), None)

    def save(self, search: SavedSearch) -> SavedSearch:
        """Keep ``search`` (in place of one of the same name); returns it as kept."""
        search = _replace_name(search, check_name(search.name))
        kept = list(self.searches)
        index = next((i for i, old in enumerate(kept) if old.name == search.name), None)
        if index is None:
            kept.append(search)
        else:
            kept[index] = search
        self._write(kept)
        return search

    def rename(self, old: str, new: str) -> SavedSearch:
        """Give search ``old`` the name ``new``; returns it renamed."""
        search = self.get(old)
        if search is None:
            raise SavedSearchError(f"No saved search is called “{old}”.")
        new = check_name(new)
        if new != old and self.get(new) is not None:
            raise SavedSearchError(f"A saved search is already called “{new}”.")
        renamed = _replace_name(search, new)
        self._write([renamed if item.name == old else item for item in self.searches])
        return renamed

    def delete(self, name: str) -> None:
        """Forget the search of this name."""
        if self.get(name) is None:
            raise SavedSearchError(f"No saved search is called “{name}”.")
        self._write(_without(self.searches, name))

    def _write(self, searches: list[SavedSearch]) -> None:
        try:
            lines = _read_lines(self.path)
        except OSError as error:
            raise SavedSearchError(f"Cannot read {self.path}: {error}") from None
        # Another archive's lines, and lines this cannot read, stay as they are.
        kept = [line for line in lines if line.strip() and not _is_ours(line, self.archive)]
        kept.extend(_line(self.archive, search) for search in searches)
        try:
            write_atomically(self.path, "".join(f"{line}\n" for line in kept))
        except OSError as error:
            raise SavedSearchError(f"Cannot save the searches to {self.path}: {error}") from None
        self.searches = searches


def _read_lines(path: Path) -> list[str]:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    return data.decode("utf-8", errors="replace").splitlines()


def _parse(line: str) -> tuple[str, SavedSearch] | str | None:
    """A line's archive and search; a string saying what is wrong; None for a blank line."""
    if not line.strip():
        return None
    try:
        record = json.loads(line)
    except ValueError as error:
        return f"not JSON ({error})"
    if not isinstance(record, dict):
        return "not a JSON object"
    archive, name = record.get("archive"), record.get("name")
    if not isinstance(archive, str) or not isinstance(name, str):
        return "needs an archive and a name, as strings"
    text, category = record.get("text", ""), record.get("category")
    dates, unread_only = record.get("dates", ""), record.get("unread_only", False)
    if not isinstance(text, str) or not isinstance(dates, str):
        return "text and dates must be strings"
    if category is not None and not isinstance(category, str):
        return "category must be a string"
    if not isinstance(unread_only, bool):
        return "unread_only must be true or false"
    try:
        name = check_name(name)
        if dates:
            parse_date_spec(dates, UTC)
    except (SavedSearchError, DateSpecError) as error:
        return str(error).rstrip(".")
    return archive, SavedSearch(name, text, category or None, dates, unread_only)


def _is_ours(line: str, archive: str) -> bool:
    parsed = _parse(line)
    return isinstance(parsed, tuple) and parsed[0] == archive


def _line(archive: str, search: SavedSearch) -> str:
    record: dict[str, object] = {"archive": archive, "name": search.name}
    if search.text:
        record["text"] = search.text
    if search.category:
        record["category"] = search.category
    if search.dates:
        record["dates"] = search.dates
    if search.unread_only:
        record["unread_only"] = True
    return json.dumps(record, ensure_ascii=False)


def _without(searches: Sequence[SavedSearch], name: str) -> list[SavedSearch]:
    return [search for search in searches if search.name != name]


def _replace_name(search: SavedSearch, name: str) -> SavedSearch:
    return SavedSearch(name, search.text, search.category, search.dates, search.unread_only)


@dataclass(frozen=True, slots=True)
class SearchCount:
    """A saved search as the sidebar shows it."""

    name: str
    unread: int | None
    """Posts not read yet; None without a reading state."""
    total: int


class SearchMatches:
    """The posts each saved search lists, found once per change of the archive."""

    def __init__(self) -> None:
        self._ids: dict[str, list[str]] = {}

    def find(
        self,
        archive: Archive,
        searches: Iterable[SavedSearch],
        zone: tzinfo,
        text_matches: Mapping[str, Container[str]],
    ) -> None:
        """Find every search's posts again; ``text_matches``: the index's matches per text."""
        found: dict[str, list[str]] = {}
        for search in searches:
            try:
                query = search.to_filter(zone)
            except DateSpecError:
                found[search.name] = []
                continue
            ids = text_matches.get(search.text, set()) if search.text else None
            found[search.name] = archive.filter(query, ids).ids()
        self._ids = found

    def counts(
        self, searches: Iterable[SavedSearch], read_ids: AbstractSet[str] | None
    ) -> list[SearchCount]:
        """Each search's unread and total counts (a set lookup per post it lists)."""
        rows: list[SearchCount] = []
        for search in searches:
            ids = self._ids.get(search.name, [])
            unread = None if read_ids is None else len(ids) - sum(map(read_ids.__contains__, ids))
            total = unread if search.unread_only and unread is not None else len(ids)
            rows.append(SearchCount(search.name, unread, total))
        return rows


def texts_to_search(searches: Iterable[SavedSearch]) -> list[str]:
    """The distinct texts the index must be asked for, to find the searches' posts."""
    return sorted({search.text for search in searches if search.text})


def search_texts(
    texts: Iterable[str], search: Callable[[str], Container[str]]
) -> dict[str, Container[str]]:
    """Each text's ids from ``search`` (the index's, run in a thread by the screen)."""
    return {text: search(text) for text in texts}
