"""Marks as JSON: the export format, reading it back, and the merge rule of an import.

Each flag remembers when it last changed; per post and per flag the later change wins, and on
a tie the flag stays set. So marks are OR-ed, and an unmark wins only when it is newer than the
mark it meets. An import merges into the store's archive whatever archive the export came from.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from newsreader.state.errors import StateError
from newsreader.state.marks import Mark, MarkTable

EXPORT_FORMAT = "newsreader-state"
"""The ``"format"`` an export names itself by."""
EXPORT_VERSION = 1
"""The ``"version"`` this newsreader writes and reads."""


@dataclass(frozen=True)
class ImportResult:
    """Counts of an import: rows added, rows changed by the merge, rows already as imported."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    """Entries that were not valid marks (see ``problems``)."""
    problems: tuple[str, ...] = field(default=())
    """Why entries were skipped (the first few)."""


def export_marks(archive: str, rows: Iterable[Mark]) -> dict[str, Any]:
    """The marks ``rows`` of ``archive`` as JSON-ready data, in post id order."""
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "archive": archive,
        "exported_at": _iso(time.time()),
        "marks": [
            {
                "id": row.post,
                "source_url": row.source_url,
                "title": row.title,
                "date": row.date,
                "read": row.read,
                "read_changed": _iso(row.read_changed),
                "starred": row.starred,
                "starred_changed": _iso(row.star_changed),
                "updated_at": _iso(row.updated_at),
            }
            for row in sorted(rows, key=lambda row: row.post)
        ],
    }


def read_export(data: Mapping[str, Any]) -> tuple[dict[str, Mark], list[str]]:
    """The valid marks of an export by post id, and why the other entries were skipped.

    Raises :class:`StateError` when ``data`` is not an export this newsreader reads.
    """
    if not isinstance(data, Mapping) or data.get("format") != EXPORT_FORMAT:
        raise StateError(f'not a newsreader state export (no "format": "{EXPORT_FORMAT}")')
    if data.get("version") != EXPORT_VERSION:
        raise StateError(
            f"unsupported export version {data.get('version')!r} (this newsreader reads "
            f"{EXPORT_VERSION})"
        )
    entries = data.get("marks")
    if not isinstance(entries, list):
        raise StateError('not a newsreader state export ("marks" is not a list)')
    incoming: dict[str, Mark] = {}
    problems: list[str] = []
    for number, entry in enumerate(entries, 1):
        try:
            mark = _parse_entry(entry)
        except ValueError as error:
            problems.append(f"mark {number}: {error}")
            continue
        incoming[mark.post] = mark
    return incoming, problems


def merge_marks(marks: MarkTable, incoming: Iterable[Mark]) -> tuple[list[Mark], Counter[str]]:
    """The rows that merge ``incoming`` into ``marks``, and counts of added/updated/unchanged."""
    counts = Counter[str]()
    new_rows = []
    for mark in incoming:
        result = merge(marks.rows.get(mark.post), mark)
        if result is None:
            counts["unchanged"] += 1
        else:
            counts["added" if mark.post not in marks.rows else "updated"] += 1
            new_rows.append(result)
    return new_rows, counts


def merge(local: Mark | None, incoming: Mark) -> Mark | None:
    """The merged row, or None when ``local`` already holds everything ``incoming`` says."""
    if local is None:
        return incoming

    def pick(mine: bool, mine_at: float, theirs: bool, theirs_at: float) -> tuple[bool, float]:
        if theirs_at > mine_at:
            return theirs, theirs_at
        if theirs_at == mine_at:
            return mine or theirs, mine_at
        return mine, mine_at

    read, read_changed = pick(local.read, local.read_changed, incoming.read, incoming.read_changed)
    starred, star_changed = pick(
        local.starred, local.star_changed, incoming.starred, incoming.star_changed
    )
    if (read, read_changed, starred, star_changed) == (
        local.read,
        local.read_changed,
        local.starred,
        local.star_changed,
    ):
        return None
    return local._replace(
        source_url=local.source_url or incoming.source_url,
        title=local.title or incoming.title,
        date=local.date or incoming.date,
        read=read,
        read_changed=read_changed,
        starred=starred,
        star_changed=star_changed,
        updated_at=max(local.updated_at, incoming.updated_at, read_changed, star_changed),
    )


def _parse_entry(entry: object) -> Mark:
    """One exported mark, checked; raises ValueError saying what is wrong."""
    if not isinstance(entry, Mapping):
        raise ValueError("not an object")
    post = entry.get("id")
    if not isinstance(post, str) or not post:
        raise ValueError('"id" must be a non-empty string')
    source_url = entry.get("source_url")
    if source_url is not None and not isinstance(source_url, str):
        raise ValueError(f'{post}: "source_url" must be a string or null')
    texts = {}
    for name in ("title", "date"):
        text = entry.get(name) or ""
        if not isinstance(text, str):
            raise ValueError(f'{post}: "{name}" must be a string')
        texts[name] = text
    flags = {}
    for name in ("read", "starred"):
        value = entry.get(name, False)
        if not isinstance(value, bool):
            raise ValueError(f'{post}: "{name}" must be true or false')
        flags[name] = value
    stamps = {
        name: _parse_time(entry.get(name), f"{post}: {name!r}")
        for name in ("read_changed", "starred_changed", "updated_at")
    }
    return Mark(
        post,
        source_url or None,
        texts["title"],
        texts["date"],
        flags["read"],
        stamps["read_changed"],
        flags["starred"],
        stamps["starred_changed"],
        max(stamps.values()),
    )


def _iso(stamp: float) -> str | None:
    return datetime.fromtimestamp(stamp, UTC).isoformat() if stamp else None


def _parse_time(value: object, what: str) -> float:
    if value is None:
        return 0.0
    if not isinstance(value, str):
        raise ValueError(f"{what} must be an ISO 8601 time or null")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{what}: {value!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()
