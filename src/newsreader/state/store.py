"""The reading-state store: one SQLite file of marks, opened, read and written safely.

See :mod:`newsreader.state` for where the file lives, how writes are made durable and how two
readers share it.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsreader import locations
from newsreader.archive.post import Post
from newsreader.state.errors import StateError, reason
from newsreader.state.exchange import ImportResult, export_marks, merge_marks, read_export
from newsreader.state.marks import Flag, LoadedPosts, Mark, MarkTable, changed_row
from newsreader.state.salvage import Damaged, is_damage, move_aside, salvage_rows
from newsreader.state.schema import REPLACE, SCHEMA, SCHEMA_VERSION, SELECT, row_mark

STATE_FILE_NAME = "state.sqlite3"
"""The file's name in the data folder."""
BUSY_TIMEOUT_S = 10.0
"""How long a write waits for another process holding the write lock."""


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
        self._cache: MarkTable | None = None
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
            except Damaged as error:
                state._move_aside(str(error))
            except (sqlite3.Error, OSError) as error:
                state._failed = True
                state.notices.append(
                    f"Could not open the reading-state file {state.path} ({reason(error)}); "
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
                raise Damaged(f"integrity check: {check}")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise sqlite3.OperationalError(
                    f"written by a newer newsreader (schema {version}, this one knows "
                    f"{SCHEMA_VERSION})"
                )
            if version < SCHEMA_VERSION:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute(SCHEMA)
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                conn.execute("COMMIT")
        except sqlite3.DatabaseError as error:
            conn.close()
            if is_damage(error):
                raise Damaged(str(error)) from error
            raise
        except BaseException:
            conn.close()
            raise
        return conn

    def _move_aside(self, damage: str) -> None:
        """Move the damaged file out of the way, keep what can be read of it, and say so."""
        try:
            aside = move_aside(self.path)
        except OSError as error:
            self._failed = True
            self.notices.append(
                f"The reading-state file {self.path} is damaged ({damage}) and could not be "
                f"moved aside ({reason(error)}); marks are not shown. Move it away by hand."
            )
            return
        kept = self._restore(salvage_rows(aside))
        saved = (
            f"The {kept:,} marks that could still be read from it were kept."
            if kept
            else "Marks saved before are in that file."
        )
        self.notices.append(
            f"The reading-state file {self.path} was damaged ({damage}); it was moved to "
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
            conn.executemany(REPLACE.replace("OR REPLACE", "OR IGNORE"), rows)
            conn.execute("COMMIT")
        except (Damaged, sqlite3.Error, OSError):
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

    def _marks(self) -> MarkTable:
        """The archive's rows, reloaded when another connection committed since the last load."""
        conn = self._conn
        if conn is None and not self._failed:
            # Another process may have created the file since we opened.
            try:
                conn = self._conn = self._connect(create=False)
            except (Damaged, sqlite3.Error, OSError) as error:
                raise StateError(f"could not read marks: {reason(error)} ({self.path})") from None
        if conn is None:
            if self._cache is None:
                self._cache = MarkTable()
            return self._cache
        try:
            version = conn.execute("PRAGMA data_version").fetchone()[0]
            if self._cache is None or version != self._version:
                rows = conn.execute(SELECT, (self.archive,)).fetchall()
                self._cache = MarkTable(row_mark(row) for row in rows)
                self._version = version
        except sqlite3.Error as error:
            self._cache = None
            raise StateError(f"could not read marks: {reason(error)} ({self.path})") from None
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

    def marked_ids_in(self, archive: LoadedPosts, flag: Flag) -> set[str]:
        """Ids of the posts of ``archive`` with ``flag`` set, without walking every post."""
        with self._lock:
            return self._marks().ids_in(archive, flag)

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

        def rows(marks: MarkTable, now: float) -> list[Mark]:
            previous.clear()
            new_rows = []
            for post, wanted_value in wanted:
                current = marks.find(post)
                own = marks.own(post)
                before = current is not None and current.value(flag)
                value = not before if wanted_value is None else wanted_value
                if before == value:
                    if own is None and current is not None:
                        # Its marks were found through another row (the same title and date,
                        # or address): now that it is marked, it keeps a row of its own.
                        new_rows.append(changed_row(current, post, flag, value, now))
                    continue
                previous.append((post, before))
                new_rows.append(changed_row(own or current, post, flag, value, now))
            return new_rows

        if wanted:
            self._transaction(rows)
        return previous

    def _transaction(self, compute: Callable[[MarkTable, float], list[Mark]]) -> list[Mark]:
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
                        conn.executemany(REPLACE, [(self.archive, *row) for row in new_rows])
                    conn.execute("COMMIT")
                except BaseException:
                    self._cache = None
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
            except (Damaged, sqlite3.Error, OSError) as error:
                self._cache = None
                raise StateError(f"could not save: {reason(error)} ({self.path})") from None
            if self._cache is not None:
                self._cache.put(new_rows)
            return new_rows

    # --- export and import -----------------------------------------------------------------

    def export(self) -> dict[str, Any]:
        """Every mark of this archive, as JSON-ready data (see :mod:`newsreader.state.exchange`)."""
        with self._lock:
            rows = list(self._marks().rows.values())
        return export_marks(self.archive, rows)

    def import_(self, data: Mapping[str, Any]) -> ImportResult:
        """Merge exported marks into this archive (later change wins per flag; ties keep marks).

        Raises :class:`StateError` when ``data`` is not an export, or when saving fails.
        """
        incoming, problems = read_export(data)
        counts = Counter[str]()

        def merged(marks: MarkTable, now: float) -> list[Mark]:
            nonlocal counts
            new_rows, counts = merge_marks(marks, incoming.values())
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
