"""The on-disk index of an archive: a cache of every post's metadata and text, and search.

Opening a 100,000-post archive must not parse 100,000 files, and a search must not read them.
The index keeps, in one SQLite file per archive root (``<cache dir>/index/index-<hash of the
resolved root>.sqlite3``, see :func:`newsreader.locations.cache_dir`), every file's size and
modification time, the post the loader made of it (metadata only), the problems met, and the
post's search text in a trigram full-text table. It is a cache: deleting it loses nothing.

API::

    index = ArchiveIndex.open(root, options)     # never raises because of the index file
    index.notices                                # what went wrong with it (rebuilt, temporary)
    posts = index.posts()                        # all posts, newest first, body "" (fast)
    first, total = index.newest(300)             # the newest 300 and the count (instant)
    result = index.refresh(progress, cancelled)  # stat every file, parse only what changed
    index.folders_unchanged()                    # no file added or deleted since (cheap)
    result.added, result.changed, result.removed # post ids, relative to the caller's list
    index.posts(result.added + result.changed)   # just those posts
    index.search(SearchTerms.parse('北京 "a b" -c'))  # -> set of post ids
    index.problems(), index.skipped()            # as Archive.problems / Archive.skipped
    index.save_snapshot()                        # rows for a fast next start (close does it)
    index.close()                                # or: with ArchiveIndex.open(...) as index:

``refresh`` is the only method that reads post files. On an empty index it is the cold build:
files are parsed in a pool of worker processes and written in batches, so a cancelled or
interrupted build keeps what it wrote and the next refresh goes on from there. A refresh with
nothing to do costs one ``stat`` per file. Its result is relative to the caller's view: the
list the last full ``posts()`` returned (or, before any, what the index held) plus every
refresh result since, so the caller can apply it to its ``Archive`` as is, even when another
program sharing the index read (or rebuilt) some of it; such rows are taken, not re-parsed.

``posts()`` gives metadata only: ``body`` is ``""`` and ``extra`` empty, to keep 100,000 posts
small and quick to build; the reader loads the post it opens with
:func:`~newsreader.archive.loader.load_post`. Calls may come from different threads: a refresh
(one at a time) writes on its own connection while ``posts``/``search`` read the last
committed state on another. The pool uses the ``spawn`` start method, so a program that
refreshes a large archive must guard its main module (``if __name__ == "__main__":``).

Whatever is wrong with the index file (made by another schema version or with other load
options, damaged, unreadable, locked beyond the busy timeout, in a folder that cannot be
written) ends in a rebuilt or temporary index and a notice in :attr:`ArchiveIndex.notices`
and the next :class:`RefreshResult`, never in an exception.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import Any, Final, Self, TypeVar

from newsreader import locations
from newsreader.archive.index_parse import parsed_batches
from newsreader.archive.index_rows import (
    ENTRY_COLUMNS,
    KIND_POST,
    KIND_SKIPPED,
    ParsedFile,
    RowDecoder,
    problems_of,
)
from newsreader.archive.index_scan import FileStamp, RelPath, folders_unchanged, scan
from newsreader.archive.index_search import matching_ids
from newsreader.archive.index_snapshot import (
    is_current,
    load_snapshot,
    save_snapshot,
    snapshot_path,
)
from newsreader.archive.index_store import (
    Busy,
    Store,
    discard,
    is_busy,
    open_store,
    open_temporary_store,
    reset_schema,
)
from newsreader.archive.loader import LoadOptions, display_path
from newsreader.archive.post import Post, Problem
from newsreader.archive.query import SearchTerms

__all__ = ["DEFAULT_BUSY_TIMEOUT", "ArchiveIndex", "RefreshResult", "default_index_dir"]

DEFAULT_BUSY_TIMEOUT: Final = 10.0
"""Seconds to wait for another program's write; a cold-build batch takes about one."""
_SNAPSHOT_PART: Final = 5000
"""Rows per part of a snapshot as it is written."""
_LOOKUP_BELOW: Final = 1500
"""Files to parse below which the index is first asked whether another program did it."""
_RACY_NS: Final = 2_000_000_000
"""A file modified this close to the scan may change again within the same timestamp tick."""
_RACY_MTIME: Final = -1
_IN_LIMIT: Final = 500
"""Values per ``IN (...)`` list, well under SQLite's variable limit."""

ProgressCallback = Callable[[int, int], None]
CancelCallback = Callable[[], bool]
_T = TypeVar("_T")


def default_index_dir() -> Path:
    """Where index files go unless told otherwise: ``<cache dir>/index``."""
    return locations.cache_dir() / "index"


@dataclass(frozen=True, slots=True)
class RefreshResult:
    """What one refresh changed, in post ids, and what it met on the way."""

    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    """Posts whose file was deleted or is no longer a post."""
    skipped: tuple[Problem, ...] = ()
    """Files (re)read in this refresh that could not be loaded."""
    notices: tuple[str, ...] = ()
    """Trouble with the index itself (rebuilt, temporary...), for the user to see once."""
    scanned: int = 0
    """Post files found."""
    parsed: int = 0
    """Files read and parsed: 0 when nothing changed."""
    cancelled: bool = False
    """``cancelled()`` said stop; what was parsed is kept, the rest waits for the next refresh."""

    @property
    def has_changes(self) -> bool:
        """Whether the list of posts changed."""
        return bool(self.added or self.changed or self.removed)


class ArchiveIndex:
    """The index of one archive root; see the module docstring. Create with :meth:`open`."""

    def __init__(
        self,
        root: Path,
        options: LoadOptions,
        store: Store,
        folder: Path | None,
        busy_timeout: float,
        notices: list[str],
    ) -> None:
        self.root = root
        self.options = options
        self.notices: list[str] = list(notices)
        """Everything reported about the index since it was opened."""
        self.scan_problems: list[Problem] = []
        """Folders and links the last refresh could not follow."""
        # The last scan's folders and when it began, for folders_unchanged().
        self._folders: dict[bytes, int] = {}
        self._scanned_ns = 0
        self._store = store
        self._folder = folder
        self._busy_timeout = busy_timeout
        self._unreported: list[str] = list(notices)
        self._decoder = RowDecoder(root)
        # What the index file holds, as far as this program knows: each file's stamp, and
        # which files are posts. None until loaded (by posts() or the first refresh).
        self._indexed: dict[RelPath, FileStamp] | None = None
        self._indexed_posts: set[RelPath] = set()
        self._generation = ""
        # The caller's view: the posts the last full posts() returned, plus every refresh's
        # changes since. Refresh results are relative to it; None until first set.
        self._shown: set[RelPath] | None = None
        self._state_lock = threading.Lock()
        self._closed = False
        """After :meth:`close` every call answers as an empty index: a thread still running
        must not take "closed" for "damaged" and rebuild (delete) the file."""
        self._refreshing = False
        """True while :meth:`refresh` runs (under the refresh lock)."""
        # Serialises refreshes, snapshot writes, full reads of the posts (they reset the
        # caller's view) and replacing a broken store; other reads never take it.
        self._refresh_lock = threading.RLock()

    # --- opening and closing ----------------------------------------------------------------

    @classmethod
    def open(
        cls,
        root: Path,
        options: LoadOptions | None = None,
        cache_dir: Path | None = None,
        *,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
    ) -> ArchiveIndex:
        """The index of ``root`` (made if missing), in ``cache_dir`` or :func:`default_index_dir`.

        Never raises for the index's sake: see :attr:`notices`.
        """
        root = root.resolve()
        options = options or LoadOptions()
        folder = cache_dir if cache_dir is not None else default_index_dir()
        notices: list[str] = []
        store = _open_or_fallback(folder, root, options, busy_timeout, notices)
        return cls(root, options, store, folder, busy_timeout, notices)

    @property
    def path(self) -> Path | None:
        """The index file (a temporary one when :attr:`temporary`); None when in memory."""
        return self._store.path

    @property
    def temporary(self) -> bool:
        """True when the index could not be kept and lives only as long as this object."""
        return self._store.temporary

    def close(self) -> None:
        """Close the index, leaving a snapshot for a fast next start; a temporary one is deleted.

        Waits for a running refresh: make it stop first (its ``cancelled`` callback).
        """
        with self._refresh_lock:
            if self._closed:
                return
            self.save_snapshot()
            self._store.close()
            self._closed = True

    def _snapshot_path(self) -> Path | None:
        store = self._store
        return None if store.temporary or store.path is None else snapshot_path(store.path)

    def save_snapshot(self) -> None:
        """Copy the rows for the next start if they changed since the last copy.

        :meth:`close` does it; a program that may be killed rather than closed (a terminal
        closed under it) calls it after a refresh, so its next start stays fast. It costs
        a read of every row (about 0.3 s at 100,000 posts) only when they changed.
        """
        with self._refresh_lock:  # one writer of the snapshot file at a time
            if not self._closed:
                self._write_snapshot()

    def _write_snapshot(self) -> None:
        path = self._snapshot_path()
        if path is None:
            return
        connection = self._store.reader
        try:
            with self._store.read_lock:
                connection.execute("BEGIN")
                try:
                    generation, changes = _version(connection)
                    if changes < 0 or is_current(path, generation, changes):
                        return
                    cursor = connection.execute(f"SELECT {ENTRY_COLUMNS} FROM entries")
                    # A part at a time: all the rows at once would be ~100 MB at 100,000
                    # posts, beside the reader's own posts (its peak, after a first build).
                    parts = iter(partial(cursor.fetchmany, _SNAPSHOT_PART), [])
                    save_snapshot(path, generation, changes, parts)
                finally:
                    connection.execute("COMMIT")
        except (OSError, sqlite3.Error):
            # Only a shortcut is lost: the next start reads the index itself, and this
            # program is closing, with no one left to tell.
            return

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # --- reading ----------------------------------------------------------------------------

    def posts(self, ids: Iterable[str] | None = None) -> list[Post]:
        """The indexed posts (or those of ``ids``), newest first; ``body`` is ``""``."""
        wanted = None if ids is None else list(dict.fromkeys(ids))
        # 100,000 posts are a million new objects: the cyclic collector would run hundreds of
        # times over the growing heap and double the time. Nothing made here forms a cycle.
        collecting = gc.isenabled()
        gc.disable()
        try:
            posts = self._guarded(lambda: self._read_posts(wanted))
            if posts is None and wanted is None:
                with self._state_lock:
                    self._shown = set()  # the caller now shows nothing
            return posts or []
        finally:
            if collecting:
                gc.enable()

    def newest(self, limit: int) -> tuple[list[Post], int]:
        """The ``limit`` newest posts, in :meth:`posts`' order, and how many posts there are.

        A few milliseconds at 100,000 posts, so a reader shows its list at once while
        :meth:`posts` reads them all. Leaves the caller's view (see :meth:`refresh`) alone.
        """
        return self._guarded(lambda: self._read_newest(limit)) or ([], 0)

    def posts_written_after(self, row: int) -> tuple[list[Post], int]:
        """The posts whose rows were written after row number ``row``, in :meth:`posts`'
        order, and the last row number now (0 for an empty index).

        For showing an index as it is built, a part at a time, without reading back every
        row again for each part. Row numbers only grow, but a rebuilt index starts them
        again, so a caller reconciles once at the end (by :meth:`search` with no terms).
        Leaves the caller's view (see :meth:`refresh`) alone.
        """
        return self._guarded(lambda: self._read_written_after(row)) or ([], row)

    def skipped(self) -> list[Problem]:
        """Files that could not be loaded as posts at all, by id."""
        return self._guarded(self._read_skipped) or []

    def problems(self) -> list[Problem]:
        """As ``Archive.problems``: scan problems, skipped files, then recovered posts' problems."""
        return [*self.scan_problems, *self.skipped(), *(self._guarded(self._read_recovered) or [])]

    def search(self, terms: SearchTerms) -> set[str]:
        """Ids of the posts holding every required term and none of the excluded ones.

        Exactly ``terms.matches(search_text(post))``: substrings of any length, case-folded.
        """
        if not terms:
            return set(self._guarded(self._read_ids) or [])
        return self._guarded(lambda: self._search(terms)) or set()

    def __len__(self) -> int:
        return len(self._guarded(self._read_ids) or [])

    # --- refreshing -------------------------------------------------------------------------

    def folders_unchanged(self) -> bool:
        """True when no file was added, deleted or renamed since the last refresh's scan.

        One ``stat`` a folder. A file rewritten in place is seen only by a refresh, so a
        program polling with this still refreshes now and then.
        """
        return folders_unchanged(self._folders, self._scanned_ns, _RACY_NS)

    def refresh(
        self,
        progress: ProgressCallback | None = None,
        cancelled: CancelCallback | None = None,
        *,
        rebuild: bool = False,
        workers: int | None = None,
    ) -> RefreshResult:
        """Bring the index up to date with the files: parse new and changed ones, drop deleted.

        ``progress(done, total)`` follows the files being parsed; ``cancelled()`` is asked
        between batches. ``rebuild`` forgets everything first. ``workers`` processes parse
        (default: the CPU count, at most 4) when there are many files.
        """
        with self._refresh_lock:
            if self._closed:
                return RefreshResult()
            self._refreshing = True
            try:
                try:
                    with self._store.write_lock:
                        return self._refresh(progress, cancelled, rebuild, workers)
                except sqlite3.Error as error:
                    self._recover(error)
                # Once more on the rebuilt or temporary index; a second failure is a real bug.
                with self._store.write_lock:
                    return self._refresh(progress, cancelled, False, workers)
            finally:
                self._refreshing = False

    def _refresh(
        self,
        progress: ProgressCallback | None,
        cancelled: CancelCallback | None,
        rebuild: bool,
        workers: int | None,
    ) -> RefreshResult:
        generation = self._read_generation()
        if self._indexed is None or generation != self._generation:
            # Unknown, or another program rebuilt the index: take what it holds now. The
            # caller's view stays, and the end of this refresh reconciles the two.
            self._load_state()
        indexed, indexed_posts, shown = self._state()
        if rebuild:
            self._clear()
            indexed.clear()
            indexed_posts.clear()
        started = time.time_ns()
        found = scan(self.root)
        self.scan_problems = found.problems
        self._folders, self._scanned_ns = found.folders, started
        files = found.files
        gone = [rel for rel in indexed if rel not in files]
        todo = sorted(
            (rel, _settled(stamp, started))
            for rel, stamp in files.items()
            if indexed.get(rel) != stamp
        )
        added: list[str] = []
        changed: list[str] = []
        skipped: list[Problem] = []
        if gone:
            self._delete(gone)
            for rel in gone:
                del indexed[rel]
                indexed_posts.discard(rel)
        if todo and len(todo) < _LOOKUP_BELOW:
            # Another program sharing the index may have read these already: take its rows.
            for rel, (kind, post_id) in self._indexed_elsewhere(todo).items():
                indexed[rel] = files[rel]
                if kind == KIND_POST:
                    indexed_posts.add(rel)
                    (changed if rel in shown else added).append(post_id)
                    shown.add(rel)
                else:
                    indexed_posts.discard(rel)
            todo = [item for item in todo if indexed.get(item[0]) != files[item[0]]]
        done = 0
        stopped = False
        if todo:
            if progress is not None:
                progress(0, len(todo))
            batches = parsed_batches(self.root, self.options, todo, workers, self._notice)
            try:
                for batch in batches:
                    self._write(batch)
                    for parsed in batch:
                        rel, kind, post_id = parsed[0], parsed[3], parsed[4]
                        indexed[rel] = (parsed[1], parsed[2])
                        if kind == KIND_POST:
                            indexed_posts.add(rel)
                            (changed if rel in shown else added).append(post_id)
                            shown.add(rel)
                        else:
                            indexed_posts.discard(rel)
                            if kind == KIND_SKIPPED:
                                skipped.append(Problem(post_id, parsed[6]))
                    done += len(batch)
                    if progress is not None:
                        progress(done, len(todo))
                    if cancelled is not None and cancelled():
                        stopped = True
                        break
            finally:
                batches.close()
            if len(todo) >= _LOOKUP_BELOW:
                # A build fills the writer's page cache (tens of MB) with pages of the
                # full-text index that a reader program's small refreshes never need again.
                self._store.writer.execute("PRAGMA shrink_memory")
        # What the caller shows and the index holds now differ by files deleted or no longer
        # posts, and by posts another program indexed: report both (a few set operations).
        vanished, appeared = shown - indexed_posts, indexed_posts - shown
        removed = [_id_of(rel) for rel in sorted(vanished)]
        added.extend(_id_of(rel) for rel in sorted(appeared))
        shown -= vanished
        shown |= appeared
        return RefreshResult(
            added=tuple(added),
            changed=tuple(changed),
            removed=tuple(removed),
            skipped=tuple(skipped),
            notices=self._take_notices(),
            scanned=len(files),
            parsed=done,
            cancelled=stopped,
        )

    # --- the database -----------------------------------------------------------------------

    def _write(self, batch: list[ParsedFile]) -> None:
        """Upsert parsed files and their texts, in one transaction."""
        connection = self._store.writer
        rels = [parsed[0] for parsed in batch]
        with _write_transaction(connection):
            _delete_rows(connection, rels)
            # Rowids are given here (the write lock is held), so texts can go in by rowid;
            # from the AUTOINCREMENT sequence, so none is ever reused.
            base = connection.execute(
                "SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = 'entries'"
            ).fetchone()[0]
            base = max(
                base,
                connection.execute("SELECT coalesce(max(rowid), 0) FROM entries").fetchone()[0],
            )
            connection.executemany(
                "INSERT INTO entries(rowid, rel, size, mtime_ns, kind, id, path, title, us,"
                " utc_offset, categories, tags, source_url, problems)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(base + number, *parsed[:13]) for number, parsed in enumerate(batch, 1)],
            )
            connection.executemany(
                "INSERT INTO fts(rowid, text) VALUES (?, ?)",
                [
                    (base + number, parsed[13])
                    for number, parsed in enumerate(batch, 1)
                    if parsed[13] is not None
                ],
            )

    def _indexed_elsewhere(
        self, todo: list[tuple[RelPath, FileStamp]]
    ) -> dict[RelPath, tuple[int, str]]:
        """``rel -> (kind, id)`` of the files the index already holds with these stamps."""
        wanted = {rel: stamp for rel, stamp in todo if stamp[1] != _RACY_MTIME}
        rels = list(wanted)
        found: dict[RelPath, tuple[int, str]] = {}
        for start in range(0, len(rels), _IN_LIMIT):
            part = rels[start : start + _IN_LIMIT]
            for rel, size, mtime_ns, kind, post_id in self._store.writer.execute(
                "SELECT rel, size, mtime_ns, kind, id FROM entries"
                f" WHERE rel IN ({_marks(len(part))})",
                part,
            ):
                if wanted[rel] == (size, mtime_ns):
                    found[rel] = (kind, post_id)
        return found

    def _delete(self, rels: list[RelPath]) -> None:
        connection = self._store.writer
        with _write_transaction(connection):
            _delete_rows(connection, rels)

    def _clear(self) -> None:
        """Empty the index (a new generation); the caller's view stays."""
        connection = self._store.writer
        with _write_transaction(connection):
            meta = dict(connection.execute("SELECT key, value FROM meta WHERE key != 'generation'"))
            reset_schema(connection, meta)
        self._generation = self._read_generation()

    def _read_generation(self) -> str:
        row = self._store.writer.execute(
            "SELECT value FROM meta WHERE key = 'generation'"
        ).fetchone()
        return str(row[0]) if row else ""

    def _load_state(self) -> None:
        """Take what the index holds now as what this program knows it holds."""
        connection = self._store.writer
        connection.execute("BEGIN")
        try:
            rows = connection.execute("SELECT rel, size, mtime_ns, kind FROM entries").fetchall()
            generation = connection.execute(
                "SELECT value FROM meta WHERE key = 'generation'"
            ).fetchone()
        finally:
            connection.execute("COMMIT")
        self._set_state(rows, str(generation[0]) if generation else "", show=False)

    def _set_state(self, rows: list[tuple[Any, ...]], generation: str, *, show: bool) -> None:
        """Set the index's files from rows ending with ``rel, size, mtime_ns, kind``;
        ``show``: they are also the caller's view (posts() just returned them)."""
        indexed: dict[RelPath, FileStamp] = {}
        posts: set[RelPath] = set()
        for row in rows:
            rel, size, mtime_ns, kind = row[-4:]
            indexed[rel] = (size, mtime_ns)
            if kind == KIND_POST:
                posts.add(rel)
        with self._state_lock:
            self._indexed, self._indexed_posts = indexed, posts
            self._generation = generation
            if show:
                self._shown = set(posts)

    def _state(self) -> tuple[dict[RelPath, FileStamp], set[RelPath], set[RelPath]]:
        """The index's files and posts, and the caller's view (set to the index's if unset)."""
        with self._state_lock:
            assert self._indexed is not None
            if self._shown is None:
                self._shown = set(self._indexed_posts)
            return self._indexed, self._indexed_posts, self._shown

    def _read_posts(self, ids: list[str] | None) -> list[Post]:
        connection = self._store.reader
        select = f"SELECT {ENTRY_COLUMNS} FROM entries"
        with self._store.read_lock:
            if ids is not None:
                rows: list[tuple[Any, ...]] = []
                for start in range(0, len(ids), _IN_LIMIT):
                    part = ids[start : start + _IN_LIMIT]
                    rows.extend(
                        connection.execute(
                            f"{select} WHERE kind = 0 AND id IN ({_marks(len(part))})", part
                        )
                    )
                return self._decoder.posts(_newest_first(rows))
        # These rows become the caller's view, which refreshes are relative to, so a refresh
        # in another thread finishes first: its changes are then in the rows, not lost
        # between a view taken before its last commit and a result nobody applies. Called
        # from this thread's own refresh (a progress callback), the refresh keeps the view:
        # its result brings the caller up to date.
        with self._refresh_lock:
            own_refresh = self._refreshing
            connection = self._store.reader  # the store may have been replaced meanwhile
            with self._store.read_lock:
                # One read transaction, one pass (SQLite costs per row, not per column) for
                # the posts and the files.
                connection.execute("BEGIN")
                try:
                    generation, changes = _version(connection)
                    snapshot = self._snapshot_path()
                    found = (
                        load_snapshot(snapshot, generation, changes)
                        if snapshot is not None and changes >= 0
                        else None
                    )
                    rows = found if found is not None else connection.execute(select).fetchall()
                finally:
                    connection.execute("COMMIT")
            if not own_refresh:
                self._set_state(rows, generation, show=True)
                if found is None and snapshot is not None and changes >= 0:
                    # Read the slow way: keep them for the next start while they are in hand
                    # (save_snapshot would read them all again).
                    with contextlib.suppress(OSError):
                        save_snapshot(snapshot, generation, changes, [rows])
        return self._decoder.posts(_newest_first([row for row in rows if row[-1] == KIND_POST]))

    def _read_newest(self, limit: int) -> tuple[list[Post], int]:
        connection = self._store.reader
        with self._store.read_lock:
            connection.execute("BEGIN")
            try:
                rows = connection.execute(
                    f"SELECT {ENTRY_COLUMNS} FROM entries WHERE kind = 0"
                    " ORDER BY us DESC, id DESC LIMIT ?",
                    (max(limit, 0),),
                ).fetchall()
                (total,) = connection.execute(
                    "SELECT count(*) FROM entries WHERE kind = 0"
                ).fetchone()
            finally:
                connection.execute("COMMIT")
        return self._decoder.posts(rows), int(total)

    def _read_written_after(self, row: int) -> tuple[list[Post], int]:
        connection = self._store.reader
        with self._store.read_lock:
            connection.execute("BEGIN")
            try:
                (last,) = connection.execute(
                    "SELECT coalesce(max(rowid), 0) FROM entries"
                ).fetchone()
                rows = connection.execute(
                    f"SELECT {ENTRY_COLUMNS} FROM entries"
                    " WHERE kind = 0 AND rowid > ? AND rowid <= ?",
                    (row, last),
                ).fetchall()
            finally:
                connection.execute("COMMIT")
        return self._decoder.posts(_newest_first(rows)), int(last)

    def _read_skipped(self) -> list[Problem]:
        with self._store.read_lock:
            rows = self._store.reader.execute(
                "SELECT id, title FROM entries WHERE kind = ? ORDER BY id", (KIND_SKIPPED,)
            ).fetchall()
        return [Problem(post_id, message) for post_id, message in rows]

    def _read_recovered(self) -> list[Problem]:
        with self._store.read_lock:
            rows = self._store.reader.execute(
                "SELECT id, problems FROM entries WHERE kind = 0 AND problems IS NOT NULL"
                " ORDER BY id"
            ).fetchall()
        return problems_of(rows)

    def _read_ids(self) -> list[str]:
        with self._store.read_lock:
            rows = self._store.reader.execute("SELECT id FROM entries WHERE kind = 0").fetchall()
        return [post_id for (post_id,) in rows]

    def _search(self, terms: SearchTerms) -> set[str]:
        connection = self._store.reader
        with self._store.read_lock:
            # One snapshot: the cost estimates and the query see the same index.
            connection.execute("BEGIN")
            try:
                return matching_ids(connection, terms)
            finally:
                connection.execute("COMMIT")

    # --- trouble ----------------------------------------------------------------------------

    def _guarded(self, read: Callable[[], _T]) -> _T | None:
        """Run a read; if the index turns out broken, replace it and answer None.

        The next refresh then fills the new index and reports every post as added.
        """
        try:
            return read()
        except sqlite3.Error as error:
            with self._refresh_lock:
                if not self._closed:
                    self._recover(error)
            return None

    def _recover(self, error: sqlite3.Error) -> None:
        """Replace a broken or locked index: rebuilt in place, or temporary."""
        old = self._store
        old.close()
        notices: list[str] = []
        if is_busy(error) or old.temporary or self._folder is None:
            notices.append(
                f"The index stayed locked by another program ({error}); "
                "using a temporary index this time."
            )
            store = open_temporary_store(self.root, self.options, self._busy_timeout, notices)
        else:
            if old.path is not None:
                discard(old.path)
            notices.append(f"The index was damaged ({error}); it is being rebuilt.")
            store = _open_or_fallback(
                self._folder, self.root, self.options, self._busy_timeout, notices
            )
        self._store = store
        with self._state_lock:
            self._indexed = None
        for notice in notices:
            self._notice(notice)

    def _notice(self, notice: str) -> None:
        self.notices.append(notice)
        self._unreported.append(notice)

    def _take_notices(self) -> tuple[str, ...]:
        notices, self._unreported = tuple(self._unreported), []
        return notices


# --- helpers ------------------------------------------------------------------------------


def _open_or_fallback(
    folder: Path, root: Path, options: LoadOptions, busy_timeout: float, notices: list[str]
) -> Store:
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
def _write_transaction(connection: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``, rolled back on any error; counted in ``changes``."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        connection.execute(
            "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'changes'"
        )
        yield connection
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def _version(connection: sqlite3.Connection) -> tuple[str, int]:
    """The index's generation and change count (inside a read transaction)."""
    meta = dict(
        connection.execute("SELECT key, value FROM meta WHERE key IN ('generation', 'changes')")
    )
    # Both are made with the schema; -1 (no snapshot is ever saved with it) if not.
    return str(meta.get("generation", "")), int(meta.get("changes", -1))


def _delete_rows(connection: sqlite3.Connection, rels: list[RelPath]) -> None:
    """Delete the entries of these files, and the texts of those that were posts."""
    rows: list[tuple[int, int]] = []
    for start in range(0, len(rels), _IN_LIMIT):
        part = rels[start : start + _IN_LIMIT]
        rows.extend(
            connection.execute(
                f"SELECT rowid, kind FROM entries WHERE rel IN ({_marks(len(part))})", part
            )
        )
    if not rows:
        return
    connection.executemany(
        "DELETE FROM fts WHERE rowid = ?", [(rowid,) for rowid, kind in rows if kind == KIND_POST]
    )
    connection.executemany("DELETE FROM entries WHERE rowid = ?", [(rowid,) for rowid, _ in rows])


def _settled(stamp: FileStamp, scan_started_ns: int) -> FileStamp:
    """The stamp to record: a file modified within a timestamp tick or so of the scan could
    be rewritten, same size, with the same mtime; record it as unknown so the next refresh
    reads it again (git's "racy clean" problem), once it has settled.
    """
    size, mtime_ns = stamp
    if abs(mtime_ns - scan_started_ns) < _RACY_NS:
        return size, _RACY_MTIME
    return stamp


def _marks(count: int) -> str:
    return ", ".join("?" * count)


def _newest_first(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """``entries`` rows sorted in place as Archive sorts posts (newest first, ties by id), so
    its own sort then has nothing to do."""
    rows.sort(key=lambda row: (row[3], row[0]), reverse=True)
    return rows


def _id_of(rel: RelPath) -> str:
    """A file's post id from its key, as ``loader.relative_id`` makes it."""
    return display_path(os.fsdecode(rel))
