"""The SQLite table of marks: its definition and the statements on its rows."""

from __future__ import annotations

from typing import Any

from newsreader.state.marks import Mark

SCHEMA_VERSION = 1
"""Kept in ``PRAGMA user_version``; a file of a higher version is refused, not changed."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS marks (
    archive TEXT NOT NULL,
    post TEXT NOT NULL,
    source_url TEXT,
    title TEXT NOT NULL DEFAULT '',
    date TEXT NOT NULL DEFAULT '',
    read INTEGER NOT NULL DEFAULT 0,
    read_changed REAL NOT NULL DEFAULT 0,
    starred INTEGER NOT NULL DEFAULT 0,
    star_changed REAL NOT NULL DEFAULT 0,
    updated_at REAL NOT NULL,
    PRIMARY KEY (archive, post)
) WITHOUT ROWID;
"""
"""The table of every archive's marks, keyed by (archive key, post id)."""
COLUMNS = "post, source_url, title, date, read, read_changed, starred, star_changed, updated_at"
"""The columns of a row after its archive, in :class:`~newsreader.state.marks.Mark`'s order."""
SELECT = f"SELECT {COLUMNS} FROM marks WHERE archive = ? ORDER BY updated_at"
"""One archive's rows, oldest change first."""
REPLACE = f"INSERT OR REPLACE INTO marks (archive, {COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?)"
"""Write one whole row (archive first, then :data:`COLUMNS`)."""


def row_mark(row: tuple[Any, ...]) -> Mark:
    """A stored row as a mark (SQLite gives the flags back as integers)."""
    post, source_url, title, date, read, read_changed, starred, star_changed, updated_at = row
    return Mark(
        post,
        source_url,
        title,
        date,
        bool(read),
        read_changed,
        bool(starred),
        star_changed,
        updated_at,
    )
