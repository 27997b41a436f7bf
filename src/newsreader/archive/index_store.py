"""The index's SQLite file: where it lives, its schema, and what to do when it is unusable.

The index is a cache, so nothing in it is precious: a file made by another schema version,
for another folder or with other load options is cleared in place; a damaged or unreadable
file is deleted and made again; a folder that cannot be written, or a file locked beyond the
busy timeout, gives a temporary index (a private file in the system's temp folder, deleted on
close) instead. Each such event leaves a notice, never an exception.

Two programs may use one index at a time: WAL mode lets readers read while a writer writes,
writers wait for each other up to the busy timeout, and every write is an idempotent upsert.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import sqlite3
import tempfile
import threading
from dataclasses import dataclass, field
from datetime import timezone, tzinfo
from pathlib import Path
from typing import Final
from zoneinfo import ZoneInfo

from newsreader import __version__, locations
from newsreader.archive.loader import LoadOptions

__all__ = [
    "PAGE_SIZE",
    "SCHEMA_VERSION",
    "Busy",
    "Store",
    "index_file_name",
    "is_busy",
    "open_store",
    "open_temporary_store",
    "options_fingerprint",
    "reset_schema",
]

SCHEMA_VERSION: Final = 2
"""Stored in ``PRAGMA user_version``; bump it whenever the schema or the row encoding change."""

_SCHEMA: Final = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
-- One row per file found (a post, a skipped file, or a file that is not a post), keyed by
-- its fsencoded relative path. AUTOINCREMENT: a rowid is never reused, so a rowid another
-- program deleted can never come back naming a different post.
CREATE TABLE entries(
    rowid INTEGER PRIMARY KEY AUTOINCREMENT,
    rel BLOB NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    kind INTEGER NOT NULL,
    id TEXT NOT NULL,
    path BLOB,
    title TEXT NOT NULL,
    us INTEGER NOT NULL,
    utc_offset INTEGER NOT NULL,
    categories TEXT NOT NULL,
    tags TEXT NOT NULL,
    source_url TEXT,
    problems TEXT
);
CREATE INDEX entries_id ON entries(id);
"""
_NEWEST_INDEX: Final = """
-- The newest posts in the reader's order, read first so a start shows a list at once.
-- Added to schema 2 without a new version (see _add_newest_index): no index is rebuilt.
CREATE INDEX IF NOT EXISTS entries_newest ON entries(us, id) WHERE kind = 0;
"""
_FTS_SCHEMA: Final = """
CREATE VIRTUAL TABLE fts USING fts5(
    text, tokenize = 'trigram case_sensitive 1', detail = full
);
CREATE VIRTUAL TABLE fts_terms USING fts5vocab(fts, 'row');
CREATE VIRTUAL TABLE fts_instances USING fts5vocab(fts, 'instance');
-- Measured on a 100,000-post cold build (FTS CPU time): the default 1 MB of pending data
-- per segment doubles it; merging 12 segments at a time instead of 4 saves a third.
INSERT INTO fts(fts, rank) VALUES ('hashsize', 67108864);
INSERT INTO fts(fts, rank) VALUES ('automerge', 12);
"""
PAGE_SIZE: Final = 32768
"""The page size of a new index file (SQLite's default is 4096).

A trigram's list of posts is long (a common one is in most posts), and FTS5 splits each list
into leaf pages of at most ``pgsz`` bytes (default 4050). Leaves of 32,000 bytes in pages of
32 KiB cut the full-text part of a 100,000-post cold build by a quarter (measured: 25 s of
CPU to 19 s, three runs each; 64 KiB pages gave about the same, with twice the bytes written
per changed page on a live update).
"""
_LEAF_BYTES: Final = 32000
"""FTS5's ``pgsz`` in a file of :data:`PAGE_SIZE` pages: a leaf fills a page."""
_SQLITE_BUSY: Final = 5
_SQLITE_LOCKED: Final = 6
_WRITER_CACHE_KIB: Final = 65536


class Busy(Exception):
    """The index stayed locked by another program beyond the busy timeout."""


@dataclass(eq=False)
class Store:
    """The open connections to one index file: one for writing, one for reading.

    Two connections, so a search or a list read never waits behind a long refresh (WAL gives
    the reader the last committed state). A ``:memory:`` store has one connection for both,
    so both locks are the same lock.
    """

    path: Path | None
    """The index file; None for a ``:memory:`` store."""
    temporary: bool
    writer: sqlite3.Connection
    reader: sqlite3.Connection
    write_lock: threading.RLock = field(default_factory=threading.RLock)
    read_lock: threading.RLock = field(default_factory=threading.RLock)

    def close(self) -> None:
        """Close the connections; a temporary file is deleted."""
        with self.write_lock, self.read_lock:
            self.reader.close()
            self.writer.close()
            if self.temporary and self.path is not None:
                discard(self.path)


def index_file_name(root: Path) -> str:
    """The index file's name for an archive root: a hash of the resolved path."""
    digest = hashlib.sha256(os.fsencode(root)).hexdigest()[:24]
    return f"index-{digest}.sqlite3"


def options_fingerprint(options: LoadOptions) -> str:
    """What, besides a file's bytes, decides what the loader makes of it."""
    return f"newsreader {__version__}; tz {_zone_key(options.tz)}; max_bytes {options.max_bytes}"


def _zone_key(zone: tzinfo) -> str:
    if isinstance(zone, ZoneInfo):
        return zone.key
    if isinstance(zone, timezone):
        return str(zone)
    return repr(zone)


def is_busy(error: sqlite3.Error) -> bool:
    """Whether an SQLite error means "locked by someone else" rather than "broken"."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (_SQLITE_BUSY, _SQLITE_LOCKED)
    return "locked" in str(error) or "busy" in str(error)


def discard(path: Path) -> None:
    """Delete an index file and its WAL companions, if present."""
    for suffix in ("", "-wal", "-shm", "-journal", ".posts"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{path}{suffix}")


# --- opening ------------------------------------------------------------------------------


def open_store(
    folder: Path, root: Path, options: LoadOptions, busy_timeout: float, notices: list[str]
) -> Store:
    """The index of ``root`` in ``folder``, made or repaired as needed.

    Raises :class:`Busy` when the file stays locked, ``OSError`` or ``sqlite3.Error`` when
    it cannot be made at all; the caller then falls back to :func:`open_temporary_store`.
    """
    locations.ensure_dir(folder)
    path = folder / index_file_name(root)
    try:
        return _open_file(path, root, options, busy_timeout, notices, temporary=False)
    except Busy:
        raise
    except (OSError, sqlite3.Error) as error:
        if isinstance(error, sqlite3.Error) and is_busy(error):
            raise Busy(str(error)) from error
        # Damaged, or not a database at all (a torn write, garbage): it is a cache, start over.
        discard(path)
        notices.append(f"The index {path} was unreadable ({_reason(error)}); it is being rebuilt.")
        return _open_file(path, root, options, busy_timeout, notices, temporary=False)


def open_temporary_store(
    root: Path, options: LoadOptions, busy_timeout: float, notices: list[str]
) -> Store:
    """A private index nobody else sees, gone when closed: in the temp folder, else in memory."""
    name = ""
    try:
        handle, name = tempfile.mkstemp(prefix="newsreader-index-", suffix=".sqlite3")
        os.close(handle)
        # mkstemp made an empty file, which SQLite takes as a new, empty database.
        return _open_file(Path(name), root, options, busy_timeout, notices, temporary=True)
    except (OSError, sqlite3.Error):
        if name:
            discard(Path(name))
        connection = _connect(":memory:", busy_timeout)
        _prepare(connection, root, options, notices)
        lock = threading.RLock()
        return Store(None, True, connection, connection, lock, lock)


def _open_file(
    path: Path,
    root: Path,
    options: LoadOptions,
    busy_timeout: float,
    notices: list[str],
    *,
    temporary: bool,
) -> Store:
    writer = _connect(str(path), busy_timeout)
    try:
        # Takes effect only on a new, empty file: a page size is fixed once a file has
        # tables, and cannot change at all in WAL mode.
        writer.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        mode = writer.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            # Without WAL a reader would block the other program's writer; a cache not worth
            # sharing badly: keep this one private.
            raise sqlite3.OperationalError(f"cannot use WAL mode (journal mode {mode})")
        writer.execute("PRAGMA synchronous = NORMAL")
        writer.execute(f"PRAGMA cache_size = -{_WRITER_CACHE_KIB}")
        _prepare(writer, root, options, notices)
        reader = _connect(str(path), busy_timeout)
    except BaseException:
        writer.close()
        raise
    reader.execute("PRAGMA query_only = 1")
    return Store(path, temporary, writer, reader)


def _connect(name: str, busy_timeout: float) -> sqlite3.Connection:
    # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE for every write), so a
    # writer takes the lock up front instead of failing half-way; check_same_thread=False:
    # the reader opens the index in one thread and refreshes it from a worker thread, each
    # connection guarded by its own lock.
    return sqlite3.connect(
        name, timeout=busy_timeout, isolation_level=None, check_same_thread=False
    )


def _prepare(
    connection: sqlite3.Connection, root: Path, options: LoadOptions, notices: list[str]
) -> None:
    """Make sure the database holds this version's schema for this root and these options."""
    expected = {"root": os.fsencode(root).hex(), "options": options_fingerprint(options)}
    if _is_current(connection, expected):
        _add_newest_index(connection)
        return
    try:
        connection.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        raise Busy(str(error)) from error
    try:
        # Another program may have prepared it while this one waited for the lock.
        reason = _stale_reason(connection, expected)
        if reason is not None:
            if reason:
                notices.append(f"The index {reason}; it is being rebuilt.")
            reset_schema(connection, expected)
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise


def _add_newest_index(connection: sqlite3.Connection) -> None:
    """Give an index made before ``entries_newest`` existed that index (a second at most).

    Without it the newest posts are still found, by sorting every row; so another program's
    lock only puts this off to the next start.
    """
    exists = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'entries_newest'"
    ).fetchone()
    if exists:
        return
    try:
        connection.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:
        return
    try:
        connection.execute(_NEWEST_INDEX)
        connection.execute("COMMIT")
    except sqlite3.Error:
        if connection.in_transaction:
            connection.execute("ROLLBACK")


def _is_current(connection: sqlite3.Connection, expected: dict[str, str]) -> bool:
    return _stale_reason(connection, expected) is None


def _stale_reason(connection: sqlite3.Connection, expected: dict[str, str]) -> str | None:
    """None when current; "" for a new, empty file; else why the index must be rebuilt."""
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    if version == 0:
        empty = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
        return "" if empty else "is not a newsreader index"
    if version != SCHEMA_VERSION:
        return f"was made by another version of newsreader (schema {version})"
    stored = dict(connection.execute("SELECT key, value FROM meta").fetchall())
    if stored.get("root") != expected["root"]:
        return "belongs to another folder"
    if stored.get("options") != expected["options"]:
        return "was made with other settings (time zone, size limit or version)"
    return None


def reset_schema(connection: sqlite3.Connection, meta: dict[str, str]) -> None:
    """Drop everything and create this version's empty schema; inside a write transaction."""
    virtual = connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL%'"
    ).fetchall()
    # Vocabulary tables first: they refer to the FTS table.
    for (name,) in sorted(
        virtual, key=lambda row: not str(row[0]).endswith(("_terms", "_instances"))
    ):
        connection.execute(f'DROP TABLE IF EXISTS "{_quoted(name)}"')
    for (name,) in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall():
        connection.execute(f'DROP TABLE IF EXISTS "{_quoted(name)}"')
    for statement in _statements(_SCHEMA + _NEWEST_INDEX + _FTS_SCHEMA):
        connection.execute(statement)
    # A file cleared in place keeps the page size it was made with; leaves larger than its
    # pages would spill into overflow pages, so those keep FTS5's default.
    if connection.execute("PRAGMA page_size").fetchone()[0] >= PAGE_SIZE:
        connection.execute("INSERT INTO fts(fts, rank) VALUES ('pgsz', ?)", (_LEAF_BYTES,))
    connection.executemany(
        "INSERT INTO meta(key, value) VALUES (?, ?)",
        [(key, value) for key, value in meta.items() if key not in ("generation", "changes")],
    )
    # A new generation tells another program holding this index open that its view of which
    # files are indexed is void (see ArchiveIndex.refresh).
    connection.execute(
        "INSERT INTO meta(key, value) VALUES ('generation', ?)", (secrets.token_hex(8),)
    )
    # Bumped by every write transaction: a snapshot of the rows names the count it copied.
    connection.execute("INSERT INTO meta(key, value) VALUES ('changes', '0')")
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _statements(script: str) -> list[str]:
    lines = [line for line in script.splitlines() if not line.lstrip().startswith("--")]
    return [statement.strip() for statement in "\n".join(lines).split(";") if statement.strip()]


def _quoted(name: object) -> str:
    return str(name).replace('"', '""')


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError):
        return error.strerror or str(error)
    return str(error) or type(error).__name__
