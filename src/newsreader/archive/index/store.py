"""The index's SQLite file: where it lives, its schema, its transactions, and what to do
when it is unusable (the SQL itself is in :mod:`.sql`; its full-text shards, files beside
it that live and die with it, are in :mod:`.texts`).

The index is a cache, so nothing in it is precious: a file made by another schema version,
for another folder or with other load options is cleared in place; a damaged or unreadable
file is deleted and made again; a folder that cannot be written, or a file locked beyond the
busy timeout, gives a temporary index (a private file in the system's temp folder, deleted on
close) instead. A shard that is missing, damaged or out of step with the file counts as a
damaged file. Each such event leaves a notice, never an exception.

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
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timezone, tzinfo
from pathlib import Path
from typing import Final
from zoneinfo import ZoneInfo

from newsreader import __version__, locations
from newsreader.archive.index import sql
from newsreader.archive.index.sql import SCHEMA_VERSION
from newsreader.archive.index.texts import (
    PAGE_SIZE,
    WRITER_CACHE_KIB,
    TextShards,
    shard_count,
    shard_files,
)
from newsreader.archive.index.zones import redate
from newsreader.archive.loader import LoadOptions
from newsreader.archive.site import SiteConfig, site_info

__all__ = [
    "IN_LIMIT",
    "PAGE_SIZE",
    "SCHEMA_VERSION",
    "Busy",
    "Store",
    "discard",
    "generation",
    "index_file_name",
    "is_busy",
    "open_or_fallback",
    "open_store",
    "open_temporary_store",
    "options_fingerprint",
    "read_transaction",
    "reset_schema",
    "version",
    "write_transaction",
]

_SQLITE_BUSY: Final = 5
_SQLITE_LOCKED: Final = 6


class Busy(Exception):
    """The index stayed locked by another program beyond the busy timeout."""


@dataclass(eq=False)
class Store:
    """The open connections to one index file: one for writing, two for reading.

    Separate connections, so a search or a list read never waits behind a long refresh (WAL
    gives each reader the last committed state), and the posts a screen shows (``viewer``)
    never wait behind a read of the whole archive. A ``:memory:`` store has one connection
    for all, so every lock is the same lock.
    """

    path: Path | None
    """The index file; None for a ``:memory:`` store."""
    temporary: bool
    writer: sqlite3.Connection
    reader: sqlite3.Connection
    """Has every full-text shard attached (see :mod:`.texts`)."""
    texts: TextShards
    write_lock: threading.RLock = field(default_factory=threading.RLock)
    read_lock: threading.RLock = field(default_factory=threading.RLock)
    viewer: sqlite3.Connection | None = None
    """For the few rows a screen shows; the reader's connection when None."""
    view_lock: threading.RLock = field(default_factory=threading.RLock)

    def close(self) -> None:
        """Close the connections; a temporary file is deleted."""
        with self.write_lock, self.read_lock, self.view_lock:
            if self.viewer is not None:
                self.viewer.close()
            self.reader.close()
            self.texts.close()
            self.writer.close()
            if self.temporary and self.path is not None:
                discard(self.path)


def index_file_name(root: Path) -> str:
    """The index file's name for an archive root: a hash of the resolved path."""
    digest = hashlib.sha256(os.fsencode(root)).hexdigest()[:24]
    return f"index-{digest}.sqlite3"


def options_fingerprint(options: LoadOptions, root: Path) -> str:
    """What, besides a file's bytes and the zone, decides what the loader makes of it: the
    size limit and the site's ``_config.yml``. Another fingerprint means reading every file
    again; another zone only recomputes some dates (see :mod:`.zones`).

    The same from run to run while the archive's config says the same.
    """
    site = site_info(root, fresh=True)
    config = f"; site {site.config.fingerprint}" if site.config != SiteConfig() else ""
    return f"newsreader {__version__}; max_bytes {options.max_bytes}{config}"


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
    """Delete an index file, its WAL companions and its full-text shards, if present."""
    # ".posts": the snapshot of whole rows that schema 6 wrote before ".columns".
    suffixes = ("", "-wal", "-shm", "-journal", ".columns", ".posts")
    companions = [Path(f"{path}{suffix}") for suffix in suffixes]
    for name in [*companions, *shard_files(path)]:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name)


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
        texts = TextShards.in_memory(connection)
        _prepare(connection, texts, root, options, notices)
        lock = threading.RLock()
        return Store(None, True, connection, connection, texts, lock, lock, None, lock)


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
    texts = TextShards(path, busy_timeout, None)
    reader: sqlite3.Connection | None = None
    try:
        # Takes effect only on a new, empty file: a page size is fixed once a file has
        # tables, and cannot change at all in WAL mode.
        writer.execute(sql.set_page_size(PAGE_SIZE))
        mode = writer.execute(sql.JOURNAL_WAL).fetchone()[0]
        if str(mode).lower() != "wal":
            # Without WAL a reader would block the other program's writer; a cache not worth
            # sharing badly: keep this one private.
            raise sqlite3.OperationalError(f"cannot use WAL mode (journal mode {mode})")
        writer.execute(sql.SYNCHRONOUS_NORMAL)
        writer.execute(sql.set_cache_size(WRITER_CACHE_KIB))
        _prepare(writer, texts, root, options, notices)
        reader = _connect(str(path), busy_timeout)
        meta = dict(writer.execute(sql.META).fetchall())
        texts.attach(reader, meta["generation"], int(meta["batch"]))
    except BaseException:
        if reader is not None:
            reader.close()
        texts.close()
        writer.close()
        raise
    reader.execute(sql.QUERY_ONLY)
    viewer = _connect(str(path), busy_timeout)
    viewer.execute(sql.QUERY_ONLY)
    return Store(path, temporary, writer, reader, texts, viewer=viewer)


def _connect(name: str, busy_timeout: float) -> sqlite3.Connection:
    # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE for every write), so a
    # writer takes the lock up front instead of failing half-way; check_same_thread=False:
    # the reader opens the index in one thread and refreshes it from a worker thread, each
    # connection guarded by its own lock.
    return sqlite3.connect(
        name, timeout=busy_timeout, isolation_level=None, check_same_thread=False
    )


def _prepare(
    connection: sqlite3.Connection,
    texts: TextShards,
    root: Path,
    options: LoadOptions,
    notices: list[str],
) -> None:
    """Make sure the database holds this version's schema for this root and these options."""
    expected = {"root": os.fsencode(root).hex(), "options": options_fingerprint(options, root)}
    zone = options.zone_for(root)
    expected_zone = _zone_key(zone)
    if _is_current(connection, expected):
        texts.count = int(dict(connection.execute(sql.META).fetchall())["shards"])
        _add_newest_index(connection)
        if dict(connection.execute(sql.META).fetchall()).get("zone") != expected_zone:
            _redate(connection, zone, expected_zone)
        return
    try:
        connection.execute(sql.BEGIN_WRITE)
    except sqlite3.OperationalError as error:
        raise Busy(str(error)) from error
    try:
        # Another program may have prepared it while this one waited for the lock.
        reason = _stale_reason(connection, expected)
        if reason is not None:
            if reason:
                notices.append(f"The index {reason}; it is being rebuilt.")
            reset_schema(connection, {**expected, "zone": expected_zone}, texts)
        else:
            texts.count = int(dict(connection.execute(sql.META).fetchall())["shards"])
        connection.execute(sql.COMMIT)
    except BaseException:
        if connection.in_transaction:
            connection.execute(sql.ROLLBACK)
        raise


def _redate(connection: sqlite3.Connection, zone: tzinfo, key: str) -> None:
    """Read the index's zone-dependent dates in ``zone`` (named ``key``) and record it."""
    try:
        connection.execute(sql.BEGIN_WRITE)
    except sqlite3.OperationalError as error:
        raise Busy(str(error)) from error
    try:
        # Another program may have done it while this one waited for the lock.
        if dict(connection.execute(sql.META).fetchall()).get("zone") != key:
            connection.execute(sql.BUMP_CHANGES)  # the rows changed: a snapshot is stale
            redate(connection, zone)
            connection.execute(sql.SET_META, ("zone", key))
        connection.execute(sql.COMMIT)
    except BaseException:
        if connection.in_transaction:
            connection.execute(sql.ROLLBACK)
        raise


def _add_newest_index(connection: sqlite3.Connection) -> None:
    """Give an index made before ``entries_newest`` existed that index (a second at most).

    Without it the newest posts are still found, by sorting every row; so another program's
    lock only puts this off to the next start.
    """
    exists = connection.execute(sql.HAS_NEWEST_INDEX).fetchone()
    if exists:
        return
    try:
        connection.execute(sql.BEGIN_WRITE)
    except sqlite3.OperationalError:
        return
    try:
        connection.execute(sql.NEWEST_INDEX)
        connection.execute(sql.COMMIT)
    except sqlite3.Error:
        if connection.in_transaction:
            connection.execute(sql.ROLLBACK)


def _is_current(connection: sqlite3.Connection, expected: dict[str, str]) -> bool:
    return _stale_reason(connection, expected) is None


def _stale_reason(connection: sqlite3.Connection, expected: dict[str, str]) -> str | None:
    """None when current; "" for a new, empty file; else why the index must be rebuilt."""
    version = connection.execute(sql.USER_VERSION).fetchone()[0]
    if version == 0:
        empty = connection.execute(sql.COUNT_TABLES).fetchone()[0] == 0
        return "" if empty else "is not a newsreader index"
    if version != SCHEMA_VERSION:
        return f"was made by another version of newsreader (schema {version})"
    stored = dict(connection.execute(sql.META).fetchall())
    if stored.get("root") != expected["root"]:
        return "belongs to another folder"
    if stored.get("options") != expected["options"]:
        return "was made with other settings (size limit, _config.yml or version)"
    return None


def reset_schema(connection: sqlite3.Connection, meta: dict[str, str], texts: TextShards) -> None:
    """Drop everything and create this version's empty schema, with empty full-text shards
    (committed already: see :meth:`.TextShards.reset`); inside a write transaction."""
    virtual = connection.execute(sql.VIRTUAL_TABLES).fetchall()
    # Vocabulary tables first (an index of an older schema): they refer to the FTS table.
    for (name,) in sorted(
        virtual, key=lambda row: not str(row[0]).endswith(("_terms", "_instances"))
    ):
        connection.execute(sql.drop_table(name))
    for (name,) in connection.execute(sql.TABLES).fetchall():
        connection.execute(sql.drop_table(name))
    for statement in sql.statements(sql.SCHEMA + sql.NEWEST_INDEX):
        connection.execute(statement)
    # A cleared index keeps its shard count: the files are cleared in place.
    count = int(meta.get("shards") or (1 if texts.index_path is None else shard_count()))
    connection.executemany(
        sql.INSERT_META,
        [
            (key, value)
            for key, value in meta.items()
            if key not in ("generation", "changes", "batch", "shards")
        ],
    )
    # A new generation tells another program holding this index open that its view of which
    # files are indexed is void (see ArchiveIndex.refresh).
    new_generation = secrets.token_hex(8)
    connection.execute(sql.INSERT_META, ("generation", new_generation))
    # Bumped by every write transaction: a snapshot of the rows names the count it copied.
    connection.execute(sql.INSERT_META, ("changes", "0"))
    # The last write batch whose texts the shards hold (see texts.py).
    connection.execute(sql.INSERT_META, ("batch", "0"))
    connection.execute(sql.INSERT_META, ("shards", str(count)))
    connection.execute(sql.set_user_version(SCHEMA_VERSION))
    texts.reset(new_generation, count)


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError):
        return error.strerror or str(error)
    return str(error) or type(error).__name__


# --- working in the file ------------------------------------------------------------------

IN_LIMIT: Final = 500
"""Values per ``IN (...)`` list, well under SQLite's variable limit."""


def open_or_fallback(
    folder: Path, root: Path, options: LoadOptions, busy_timeout: float, notices: list[str]
) -> Store:
    """:func:`open_store`, or when that fails a temporary store, with a notice saying why."""
    try:
        return open_store(folder, root, options, busy_timeout, notices)
    except Busy as error:
        notices.append(
            f"The index in {folder} is locked by another program ({error}); "
            "using a temporary index this time."
        )
    except (OSError, sqlite3.Error) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        notices.append(
            f"The index cannot be kept in {folder} ({reason}); "
            "using a temporary index, so the next start reads every file again."
        )
    return open_temporary_store(root, options, busy_timeout, notices)


@contextlib.contextmanager
def read_transaction(connection: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One read transaction: every query in it sees the same committed state."""
    connection.execute(sql.BEGIN)
    try:
        yield connection
    finally:
        connection.execute(sql.COMMIT)


@contextlib.contextmanager
def write_transaction(connection: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``, rolled back on any error; counted in ``changes``."""
    connection.execute(sql.BEGIN_WRITE)
    try:
        connection.execute(sql.BUMP_CHANGES)
        yield connection
    except BaseException:
        if connection.in_transaction:
            connection.execute(sql.ROLLBACK)
        raise
    connection.execute(sql.COMMIT)


def version(connection: sqlite3.Connection) -> tuple[str, int]:
    """The index's generation and change count (inside a read transaction)."""
    meta = dict(connection.execute(sql.VERSION))
    # Both are made with the schema; -1 (no snapshot is ever saved with it) if not.
    return str(meta.get("generation", "")), int(meta.get("changes", -1))


def generation(connection: sqlite3.Connection) -> str:
    """The index's generation: a new one each time it is cleared."""
    row = connection.execute(sql.GENERATION).fetchone()
    return str(row[0]) if row else ""
