"""A damaged state file: telling damage from other failures, moving it aside, salvaging rows.

The store moves a damaged file to ``state.sqlite3.corrupt-<timestamp>`` (its ``-wal`` and
``-shm`` beside it), copies the rows still readable into a new file, and tells the user.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path
from typing import Any

from newsreader.state.schema import COLUMNS

# SQLite's primary result codes (the low byte of sqlite_errorcode) that mean a damaged file.
_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26


class Damaged(Exception):
    """The state file is not a sound SQLite database."""


def is_damage(error: sqlite3.DatabaseError) -> bool:
    """Whether SQLite's error means a damaged file (rather than a busy, full or locked one)."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB)
    text = str(error)
    return "not a database" in text or "malformed" in text


def move_aside(path: Path) -> Path:
    """Rename a damaged file (and its WAL) out of the way; returns its new name.

    Raises OSError when it cannot be moved.
    """
    stamp = time.strftime("%Y%m%dT%H%M%S")
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    serial = 1
    while aside.exists():
        serial += 1
        aside = path.with_name(f"{path.name}.corrupt-{stamp}-{serial}")
    os.replace(path, aside)
    for suffix in ("-wal", "-shm"):
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            os.replace(companion, aside.with_name(aside.name + suffix))
    return aside


def salvage_rows(path: Path) -> list[tuple[Any, ...]]:
    """The rows still readable in a damaged state file: read forwards, then backwards."""
    found: dict[tuple[str, str], tuple[Any, ...]] = {}
    companions = [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]
    litter = [companion for companion in companions if not companion.exists()]
    try:
        conn = sqlite3.connect(path.absolute().as_uri() + "?mode=ro", uri=True)
    except sqlite3.Error:
        return []
    try:
        for order in ("ASC", "DESC"):
            query = f"SELECT archive, {COLUMNS} FROM marks ORDER BY archive {order}, post {order}"
            try:
                for row in conn.execute(query):
                    if _sound(row):
                        found[row[0], row[1]] = row
            except sqlite3.Error:
                continue  # stopped at the damage; the other direction reads past it
    finally:
        conn.close()
        for companion in litter:  # the -wal and -shm this read-only look created, if any
            companion.unlink(missing_ok=True)
    return list(found.values())


def _sound(row: tuple[Any, ...]) -> bool:
    """Whether a salvaged row has the types a row must have."""
    archive, post, url, title, date, read, read_at, starred, star_at, updated = row
    texts = isinstance(archive, str) and isinstance(post, str) and bool(post)
    texts = texts and isinstance(title, str) and isinstance(date, str)
    flags = read in (0, 1) and starred in (0, 1)
    times = all(isinstance(stamp, int | float) for stamp in (read_at, star_at, updated))
    return texts and flags and times and (url is None or isinstance(url, str))
