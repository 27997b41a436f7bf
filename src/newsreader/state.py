"""Read marks and stars that are never lost: one SQLite file for every archive.

Where
    ``state.sqlite3`` in :func:`newsreader.locations.data_dir` (``$NEWSREADER_DATA_DIR``
    overrides it). The file and its folder are created by the first mark, not by opening:
    ``newsreader list --unread`` on a machine with no marks leaves no trace.

Durable
    The database runs in WAL mode with ``synchronous=FULL``: every write method commits one
    transaction and the WAL is fsynced before it returns, so a change the caller was allowed
    to show as done survives SIGKILL (and a power cut, where the disk honours fsync). A change
    to many posts (mark all read) is one transaction: all of it or none of it.

Two readers at once
    Each write takes SQLite's write lock (``BEGIN IMMEDIATE``, waiting up to
    :data:`BUSY_TIMEOUT_S`), reloads the rows another process committed meanwhile (``PRAGMA
    data_version`` tells), and writes whole rows computed from that fresh view, so one reader
    starring a post never undoes another reader marking it read. Readers see each other's
    marks at their next query. WAL needs a local file system (not NFS or SMB).

Keys
    Marks of all archives share one table, keyed by (archive key, post id). The archive key is
    :func:`archive_key`: the name given to the folder under ``[archives]`` in the settings,
    else the folder's own name, so moving the folder or cloning it afresh keeps its marks.
    Its limits: renaming the folder loses the link until the old name is given to the new
    folder in the settings; two unrelated archives in folders of one name and without a
    configured name share marks (their post ids rarely collide). The post id is the path
    relative to the archive root. A mark is found again by, in order:

    1. the post's id, unless the stored row and the post both carry a source address and
       they differ (the path now holds another article);
    2. the post's ``source_url`` (exact text), the most recently changed row first;
    3. its title and date (the date as written, to the minute, ``YYYY-MM-DDTHH:MM``).

    A mark found by 2 or 3 (a renamed file) is used as it is; the first change to that post
    writes a row under its new id, carrying the other flag along. Posts that share a source
    address (one article filed twice) share the mark found by address until one gets its own.

Undo
    :meth:`ReadingState.set_read` returns an :class:`UndoToken` naming the posts it changed and
    their previous value; :meth:`ReadingState.undo` writes those values back (a new change).

Export and import (merge)
    :meth:`ReadingState.export` gives every mark of the archive as JSON-ready data;
    :meth:`ReadingState.import_` merges such data into this store's archive, whatever archive
    it came from. Each flag remembers when it last changed; per post and per flag the later
    change wins, and on a tie the flag stays set. So marks are OR-ed, and an unmark wins only
    when it is newer than the mark it meets.

Failures
    Opening never raises. A damaged file is moved aside to
    ``state.sqlite3.corrupt-<timestamp>`` (its ``-wal`` beside it) and a new one is started; a
    file that cannot be opened leaves the store empty. Either way :attr:`ReadingState.notices`
    says so, naming the files. A write that fails (disk full, read-only folder, lock held too
    long) raises :class:`StateError` with a message to show as it is, and the store's view
    stays what the file holds: nothing is shown as saved that was not.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, NamedTuple

from newsreader import locations
from newsreader.archive.post import Post

__all__ = [
    "BUSY_TIMEOUT_S",
    "EXPORT_FORMAT",
    "STATE_FILE_NAME",
    "ImportResult",
    "ReadingState",
    "StateError",
    "UndoToken",
    "archive_key",
]

STATE_FILE_NAME = "state.sqlite3"
EXPORT_FORMAT = "newsreader-state"
EXPORT_VERSION = 1
SCHEMA_VERSION = 1
BUSY_TIMEOUT_S = 10.0
"""How long a write waits for another process holding the write lock."""

Flag = Literal["read", "starred"]

_SCHEMA = """
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
_COLUMNS = "post, source_url, title, date, read, read_changed, starred, star_changed, updated_at"
_SELECT = f"SELECT {_COLUMNS} FROM marks WHERE archive = ? ORDER BY updated_at"
_REPLACE = f"INSERT OR REPLACE INTO marks (archive, {_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?)"

# SQLite's primary result codes (the low byte of sqlite_errorcode) that mean a damaged file.
_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26


class StateError(Exception):
    """A mark could not be saved or read; the message is meant for the user as it is."""


class _Damaged(Exception):
    """The state file is not a sound SQLite database."""


class _Mark(NamedTuple):
    """One stored row; ``*_changed`` are Unix times (0: never changed)."""

    post: str
    source_url: str | None
    title: str
    date: str
    read: bool
    read_changed: float
    starred: bool
    star_changed: float
    updated_at: float

    def value(self, flag: Flag) -> bool:
        return self.read if flag == "read" else self.starred


@dataclass(frozen=True)
class UndoToken:
    """What one :meth:`ReadingState.set_read` changed: pass it to :meth:`ReadingState.undo`."""

    archive: str
    flag: Flag
    value: bool
    """The value that was set."""
    previous: tuple[tuple[Post, bool], ...]
    """Each post whose value changed, with its value before."""

    def __len__(self) -> int:
        return len(self.previous)


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


class _MarkTable:
    """One archive's rows in memory, indexed for the fallback lookups."""

    def __init__(self, rows: Iterable[_Mark] = ()) -> None:
        self.rows: dict[str, _Mark] = {}
        self.by_url: dict[str, str] = {}
        self.by_title: dict[str, dict[str, str]] = {}
        for row in rows:  # oldest first, so the newest row wins each secondary key
            self.rows[row.post] = row
        self._index(self.rows.values())

    def _index(self, rows: Iterable[_Mark]) -> None:
        for row in rows:
            if row.source_url:
                self.by_url[row.source_url] = row.post
            if row.title:
                self.by_title.setdefault(row.title, {})[row.date] = row.post

    def put(self, new_rows: Sequence[_Mark]) -> None:
        """Install rows just committed (newer than every row held)."""
        moved = False
        for row in new_rows:
            old = self.rows.get(row.post)
            if old is not None and (old.source_url, old.title, old.date) != (
                row.source_url,
                row.title,
                row.date,
            ):
                moved = True
            self.rows.pop(row.post, None)  # keep the dict in updated_at order
            self.rows[row.post] = row
        if moved:
            self.by_url.clear()
            self.by_title.clear()
            self._index(self.rows.values())
        else:
            self._index(new_rows)

    def own(self, post: Post) -> _Mark | None:
        """The row stored under the post's id, unless it now holds another article."""
        row = self.rows.get(post.id)
        if row is None:
            return None
        if row.source_url and post.source_url and row.source_url != post.source_url:
            return None
        return row

    def find(self, post: Post) -> _Mark | None:
        """The row that holds this post's marks: by id, else source address, else title+date."""
        rows = self.rows
        row = rows.get(post.id)
        url = post.source_url
        if row is not None and not (row.source_url and url and row.source_url != url):
            return row
        if url:
            key = self.by_url.get(url)
            if key is not None:
                return rows[key]
        dates = self.by_title.get(post.title)
        if dates is not None:
            key = dates.get(_date_key(post))
            if key is not None:
                return rows[key]
        return None

    def ids(self, posts: Iterable[Post], flag: Flag) -> set[str]:
        """Ids of the posts whose ``flag`` is set: :meth:`find` inlined, for 100,000 posts."""
        position = _Mark._fields.index(flag)
        rows, by_url, by_title = self.rows, self.by_url, self.by_title
        found: set[str] = set()
        for post in posts:
            row = rows.get(post.id)
            if row is None:
                key = by_url.get(post.source_url)  # type: ignore[arg-type]  # None finds nothing
                if key is None:
                    dates = by_title.get(post.title)
                    if dates is None:
                        continue
                    key = dates.get(_date_key(post))
                    if key is None:
                        continue
                row = rows[key]
            elif row.source_url and post.source_url and row.source_url != post.source_url:
                row = self.find(post)  # the path holds another article now: rare
                if row is None:
                    continue
            if row[position]:
                found.add(post.id)
        return found


class ReadingState:
    """Read marks and stars of one archive; every write is on disk when the call returns.

    Safe to share between threads (one lock guards the connection). Every method raises
    :class:`StateError` only, never a ``sqlite3`` error.
    """

    def __init__(self, archive: str, path: Path) -> None:
        """Use :meth:`open`."""
        self.archive = archive
        self.path = path
        """The SQLite file (it may not exist yet)."""
        self.notices: list[str] = []
        """What the user should be told about opening: a damaged file moved aside, and so on."""
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self._cache: _MarkTable | None = None
        self._version: int | None = None
        self._failed = False
        """Opening failed (a notice says why): reads see no marks; writes try again."""

    # --- opening ---------------------------------------------------------------------------

    @classmethod
    def open(cls, archive_key: str, data_dir: Path | None = None) -> ReadingState:
        """The marks of archive ``archive_key``, stored under ``data_dir`` (default: the user's).

        Never raises: a damaged file is moved aside and a new one started, an unreadable one
        leaves the store empty; :attr:`notices` says which.
        """
        folder = data_dir if data_dir is not None else locations.data_dir()
        state = cls(archive_key, folder / STATE_FILE_NAME)
        with state._lock:
            try:
                state._conn = state._connect(create=False)
            except _Damaged as error:
                state._move_aside(str(error))
            except (sqlite3.Error, OSError) as error:
                state._failed = True
                state.notices.append(
                    f"Could not open the reading-state file {state.path} ({_reason(error)}); "
                    "marks are not shown, and saving a mark will try again."
                )
        return state

    def _connect(self, *, create: bool) -> sqlite3.Connection | None:
        """A connection to the state file, set up and checked; None when absent and not wanted."""
        if not create and not self.path.exists():
            return None
        if create:
            locations.ensure_dir(self.path.parent)
        conn = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
        )
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise _Damaged(f"integrity check: {check}")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise sqlite3.OperationalError(
                    f"written by a newer newsreader (schema {version}, this one knows "
                    f"{SCHEMA_VERSION})"
                )
            if version < SCHEMA_VERSION:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute(_SCHEMA)
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                conn.execute("COMMIT")
        except sqlite3.DatabaseError as error:
            conn.close()
            if _is_damage(error):
                raise _Damaged(str(error)) from error
            raise
        except BaseException:
            conn.close()
            raise
        return conn

    def _move_aside(self, reason: str) -> None:
        """Rename the damaged file (and its WAL) out of the way, and say so."""
        stamp = time.strftime("%Y%m%dT%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        serial = 1
        while aside.exists():
            serial += 1
            aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{serial}")
        try:
            os.replace(self.path, aside)
            for suffix in ("-wal", "-shm"):
                companion = self.path.with_name(self.path.name + suffix)
                if companion.exists():
                    os.replace(companion, aside.with_name(aside.name + suffix))
        except OSError as error:
            self._failed = True
            self.notices.append(
                f"The reading-state file {self.path} is damaged ({reason}) and could not be "
                f"moved aside ({_reason(error)}); marks are not shown. Move it away by hand."
            )
            return
        kept = self._restore(_salvage(aside))
        saved = (
            f"The {kept:,} marks that could still be read from it were kept."
            if kept
            else "Marks saved before are in that file."
        )
        self.notices.append(
            f"The reading-state file {self.path} was damaged ({reason}); it was moved to "
            f"{aside} and a new one is started. {saved}"
        )

    def _restore(self, rows: list[tuple[Any, ...]]) -> int:
        """Write rows salvaged from a damaged file into a new one; returns how many."""
        if not rows:
            return 0
        try:
            conn = self._conn = self._connect(create=True)
            assert conn is not None  # _connect(create=True) never gives None
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(_REPLACE.replace("OR REPLACE", "OR IGNORE"), rows)
            conn.execute("COMMIT")
        except (_Damaged, sqlite3.Error, OSError):
            # The damaged file keeps them; the notice says where.
            self.close()
            return 0
        return len(rows)

    def close(self) -> None:
        """Close the file; the store must not be used afterwards."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
            self._cache = None

    def __enter__(self) -> ReadingState:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- reading ---------------------------------------------------------------------------

    def _marks(self) -> _MarkTable:
        """The archive's rows, reloaded when another connection committed since the last load."""
        conn = self._conn
        if conn is None and not self._failed:
            # Another process may have created the file since we opened.
            try:
                conn = self._conn = self._connect(create=False)
            except (_Damaged, sqlite3.Error, OSError) as error:
                raise StateError(f"could not read marks: {_reason(error)} ({self.path})") from None
        if conn is None:
            if self._cache is None:
                self._cache = _MarkTable()
            return self._cache
        try:
            version = conn.execute("PRAGMA data_version").fetchone()[0]
            if self._cache is None or version != self._version:
                rows = conn.execute(_SELECT, (self.archive,)).fetchall()
                self._cache = _MarkTable(_row_mark(row) for row in rows)
                self._version = version
        except sqlite3.Error as error:
            self._cache = None
            raise StateError(f"could not read marks: {_reason(error)} ({self.path})") from None
        return self._cache

    def is_read(self, post: Post) -> bool:
        """Whether the post is marked read."""
        with self._lock:
            row = self._marks().find(post)
        return row is not None and row.read

    def is_starred(self, post: Post) -> bool:
        """Whether the post is starred."""
        with self._lock:
            row = self._marks().find(post)
        return row is not None and row.starred

    def read_ids(self, posts: Iterable[Post]) -> set[str]:
        """Ids of the posts marked read (one query at most, then in-memory matching)."""
        with self._lock:
            return self._marks().ids(posts, "read")

    def starred_ids(self, posts: Iterable[Post]) -> set[str]:
        """Ids of the starred posts (one query at most, then in-memory matching)."""
        with self._lock:
            return self._marks().ids(posts, "starred")

    # --- writing ---------------------------------------------------------------------------

    def set_read(self, posts: Iterable[Post], read: bool = True) -> UndoToken:
        """Mark posts read (or unread) in one transaction; returns what changed, for undo."""
        return self._set(posts, "read", read)

    def set_starred(self, posts: Iterable[Post], starred: bool = True) -> UndoToken:
        """Star (or unstar) posts in one transaction; returns what changed, for undo."""
        return self._set(posts, "starred", starred)

    def toggle_read(self, post: Post) -> bool:
        """Flip the post's read mark; returns the new value once it is on disk."""
        ((_, before),) = self._write_flags("read", [(post, None)])
        return not before

    def toggle_star(self, post: Post) -> bool:
        """Flip the post's star; returns the new value once it is on disk."""
        ((_, before),) = self._write_flags("starred", [(post, None)])
        return not before

    def undo(self, token: UndoToken) -> int:
        """Put back the values a :meth:`set_read`/:meth:`set_starred` replaced; returns a count."""
        if token.archive != self.archive:
            raise ValueError(
                f"this undo belongs to archive {token.archive!r}, not {self.archive!r}"
            )
        restore: list[tuple[Post, bool | None]] = list(token.previous)
        return len(self._write_flags(token.flag, restore))

    def _set(self, posts: Iterable[Post], flag: Flag, value: bool) -> UndoToken:
        unique = list({post.id: post for post in posts}.values())
        wanted: list[tuple[Post, bool | None]] = [(post, value) for post in unique]
        previous = self._write_flags(flag, wanted)
        return UndoToken(self.archive, flag, value, tuple(previous))

    def _write_flags(
        self, flag: Flag, wanted: Sequence[tuple[Post, bool | None]]
    ) -> list[tuple[Post, bool]]:
        """Set each post's ``flag`` (None: flip it), deciding on the freshest rows.

        Returns the posts that changed, with their value before.
        """
        previous: list[tuple[Post, bool]] = []

        def rows(marks: _MarkTable, now: float) -> list[_Mark]:
            previous.clear()
            new_rows = []
            for post, wanted_value in wanted:
                current = marks.find(post)
                before = current is not None and current.value(flag)
                value = not before if wanted_value is None else wanted_value
                if before == value:
                    continue
                previous.append((post, before))
                new_rows.append(_changed(marks.own(post) or current, post, flag, value, now))
            return new_rows

        if wanted:
            self._transaction(rows)
        return previous

    def _transaction(self, compute: Callable[[_MarkTable, float], list[_Mark]]) -> list[_Mark]:
        """Run ``compute`` on the freshest rows under the write lock and commit what it returns."""
        with self._lock:
            try:
                if self._conn is None:
                    self._conn = self._connect(create=True)
                    self._failed = False
                conn = self._conn
                assert conn is not None  # _connect(create=True) never gives None
                conn.execute("BEGIN IMMEDIATE")
                try:
                    new_rows = compute(self._marks(), time.time())
                    if new_rows:
                        conn.executemany(_REPLACE, [(self.archive, *row) for row in new_rows])
                    conn.execute("COMMIT")
                except BaseException:
                    self._cache = None
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
            except (_Damaged, sqlite3.Error, OSError) as error:
                self._cache = None
                raise StateError(f"could not save: {_reason(error)} ({self.path})") from None
            if self._cache is not None:
                self._cache.put(new_rows)
            return new_rows

    # --- export and import -----------------------------------------------------------------

    def export(self) -> dict[str, Any]:
        """Every mark of this archive, as JSON-ready data (see the module's docstring)."""
        with self._lock:
            rows = list(self._marks().rows.values())
        return {
            "format": EXPORT_FORMAT,
            "version": EXPORT_VERSION,
            "archive": self.archive,
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

    def import_(self, data: Mapping[str, Any]) -> ImportResult:
        """Merge exported marks into this archive (later change wins per flag; ties keep marks).

        Raises :class:`StateError` when ``data`` is not an export, or when saving fails.
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
        incoming: dict[str, _Mark] = {}
        problems: list[str] = []
        for number, entry in enumerate(entries, 1):
            try:
                mark = _parse_entry(entry)
            except ValueError as error:
                problems.append(f"mark {number}: {error}")
                continue
            incoming[mark.post] = mark
        counts = Counter[str]()

        def merged(marks: _MarkTable, now: float) -> list[_Mark]:
            counts.clear()
            new_rows = []
            for mark in incoming.values():
                result = _merge(marks.rows.get(mark.post), mark)
                if result is None:
                    counts["unchanged"] += 1
                else:
                    counts["added" if mark.post not in marks.rows else "updated"] += 1
                    new_rows.append(result)
            return new_rows

        if incoming:
            self._transaction(merged)
        return ImportResult(
            added=counts["added"],
            updated=counts["updated"],
            unchanged=counts["unchanged"],
            skipped=len(problems),
            problems=tuple(problems[:10]),
        )


# --- helpers --------------------------------------------------------------------------------


def archive_key(root: Path, named: Mapping[str, Path] | None = None) -> str:
    """The key an archive's marks are stored under: its configured name, else its folder's name.

    ``named`` maps names to folders (the settings' ``[archives]``); a folder given there under
    a name is known by that name wherever it is.
    """
    resolved = root.expanduser().resolve()
    for name, path in (named or {}).items():
        try:
            if path.expanduser().resolve() == resolved:
                return name
        except OSError:  # a configured path that cannot be resolved (a loop) names nothing
            continue
    return resolved.name or str(resolved)


def _row_mark(row: tuple[Any, ...]) -> _Mark:
    """A stored row as a mark (SQLite gives the flags back as integers)."""
    post, source_url, title, date, read, read_changed, starred, star_changed, updated_at = row
    return _Mark(
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


def _date_key(post: Post) -> str:
    """The post's date as written (its own offset), to the minute."""
    # isoformat is several times faster than strftime, and this runs once per post written.
    return post.date.isoformat(timespec="minutes")[:16]


def _changed(base: _Mark | None, post: Post, flag: Flag, value: bool, now: float) -> _Mark:
    """The row for ``post`` after setting ``flag``; ``base`` is the mark it had, if any."""
    read, read_changed = (base.read, base.read_changed) if base else (False, 0.0)
    starred, star_changed = (base.starred, base.star_changed) if base else (False, 0.0)
    if flag == "read":
        read, read_changed = value, now
    else:
        starred, star_changed = value, now
    return _Mark(
        post.id,
        post.source_url,
        post.title,
        _date_key(post),
        read,
        read_changed,
        starred,
        star_changed,
        now,
    )


def _merge(local: _Mark | None, incoming: _Mark) -> _Mark | None:
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


def _parse_entry(entry: object) -> _Mark:
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
    return _Mark(
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


def _salvage(path: Path) -> list[tuple[Any, ...]]:
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
            query = f"SELECT archive, {_COLUMNS} FROM marks ORDER BY archive {order}, post {order}"
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


def _is_damage(error: sqlite3.DatabaseError) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB)
    text = str(error)
    return "not a database" in text or "malformed" in text


def _reason(error: BaseException) -> str:
    """A short cause for messages: the OS's or SQLite's words."""
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__
