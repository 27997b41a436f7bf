"""The :class:`ArchiveIndex` itself: its state, reads and refreshes (see the package docstring).

Its SQL is in :mod:`.sql`, the file and its transactions in :mod:`.store`, the table's reads
and writes in :mod:`.entries`, the full-text shards in :mod:`.texts` and the processes that
write them in :mod:`.shard_processes`, a refresh's batches in :mod:`.batches`, how files
become rows and rows posts in :mod:`.rows`, the parsing processes in :mod:`.workers`, a
refresh's result in :mod:`.result`, the full-text queries in :mod:`.search` and the
warm-start copy of the rows in :mod:`.snapshot`.
"""

from __future__ import annotations

import contextlib
import gc
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet
from pathlib import Path
from types import TracebackType
from typing import Final, Self, TypeVar

from newsreader import locations
from newsreader.archive.collection import Archive
from newsreader.archive.index import entries, sql
from newsreader.archive.index.batches import write_files
from newsreader.archive.index.freshness import record_scan, store_version, unchanged_since
from newsreader.archive.index.result import CancelCallback, ProgressCallback, RefreshResult, Tally
from newsreader.archive.index.rows import (
    Row,
    RowDecoder,
    file_states,
    newest_first,
    post_rows,
)
from newsreader.archive.index.search import matching_ids, matching_rowids
from newsreader.archive.index.snapshot import (
    snapshot_path,
)
from newsreader.archive.index.store import (
    Store,
    discard,
    generation,
    is_busy,
    open_or_fallback,
    open_temporary_store,
    read_transaction,
)
from newsreader.archive.loader import LoadOptions
from newsreader.archive.post import Post, Problem
from newsreader.archive.query import SearchTerms
from newsreader.archive.scan import FileStamp, RelPath, folders_unchanged, scan
from newsreader.archive.text_matches import TextMatches

__all__ = ["DEFAULT_BUSY_TIMEOUT", "ArchiveIndex", "RefreshResult", "default_index_dir"]

DEFAULT_BUSY_TIMEOUT: Final = 10.0
"""Seconds to wait for another program's write; a cold-build batch takes about one."""
_LOOKUP_BELOW: Final = 1500
"""Files to parse below which the index is first asked whether another program did it."""
_RACY_NS: Final = 2_000_000_000
"""A file modified this close to the scan may change again within the same timestamp tick."""
_RACY_MTIME: Final = -1

_T = TypeVar("_T")


def default_index_dir() -> Path:
    """Where index files go unless told otherwise: ``<cache dir>/index``."""
    return locations.cache_dir() / "index"


class ArchiveIndex:
    """The index of one archive root; see the package docstring. Create with :meth:`open`."""

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
        self._skipped_seen: tuple[str, int, list[Problem]] | None = None
        """The skipped files as the last posts() found them, with the index's version then."""
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
        store = open_or_fallback(folder, root, options, busy_timeout, notices)
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
        try:
            with self._store.read_lock:
                entries.copy_to_snapshot(self._store.reader, path, self._decoder)
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

    def archive(self) -> Archive | None:
        """Every indexed post as an :class:`Archive` that fetches its Posts from this index
        as they are shown (see :mod:`newsreader.archive.columns`); None if the index broke.

        Like :meth:`posts`, what it holds becomes the caller's view (see :meth:`refresh`).
        """
        collecting = gc.isenabled()
        gc.disable()  # a million new strings and tuples, none in a cycle (see posts())
        try:
            archive = self._guarded(self._read_archive)
            if archive is None:
                with self._state_lock:
                    self._shown = set()
            return archive
        finally:
            if collecting:
                gc.enable()

    def titles(self) -> dict[str, str]:
        """Every post's title, by id (for ordering by title)."""
        viewer, lock = self._viewing()

        def read() -> dict[str, str]:
            with lock:
                return entries.titles(viewer)

        return self._guarded(read) or {}

    def posts_named(self, urls: AbstractSet[str], titles: AbstractSet[str]) -> list[Post]:
        """The posts whose source address is one of ``urls`` or title one of ``titles``."""
        viewer, lock = self._viewing()

        def read() -> list[Post]:
            with lock:
                return self._decoder.posts(entries.rows_named(viewer, [*urls], [*titles]))

        return self._guarded(read) or []

    def recovered_problems(self) -> list[Problem]:
        """The problems of the posts loaded despite them, by id."""
        return self._guarded(self._read_recovered) or []

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

    def _remember_skipped(self, rows: list[Row], current: str, changes: int) -> None:
        # All rows are in hand after posts(): the skipped files come from them, not from a
        # query that reads every entry again (0.1 s at 100,000 posts, at every start).
        self._skipped_seen = (current, changes, entries.skipped_in(rows))

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

    def text_matches(self, terms: SearchTerms) -> TextMatches:
        """:meth:`search` as the full-text shards' rowids, which an archive read from this
        index places among its posts without their ids (:mod:`newsreader.archive.text_matches`).
        """
        connection = self._store.reader

        def read() -> list[int]:
            with self._store.read_lock, read_transaction(connection):
                return matching_rowids(connection, terms)

        return TextMatches(self._guarded(read) or [], self._ids_of_rowids)

    def _ids_of_rowids(self, rowids: list[int]) -> set[str]:
        viewer, lock = self._viewing()

        def read() -> set[str]:
            with lock:
                return entries.ids_of_rowids(viewer, rowids)

        return self._guarded(read) or set()

    def __len__(self) -> int:
        return len(self._guarded(self._read_ids) or [])

    def query(self, read: Callable[[sqlite3.Connection], _T]) -> _T | None:
        """``read(connection)`` in one read transaction, for queries of their own (see
        :mod:`.lookup`); None when the index turned out broken (it is then replaced, see
        :attr:`notices`, and the next refresh fills it again)."""

        def run() -> _T:
            connection = self._store.reader
            with self._store.read_lock, read_transaction(connection):
                return read(connection)

        return self._guarded(run)

    # --- refreshing -------------------------------------------------------------------------

    def folders_unchanged(self) -> bool:
        """True when no file was added, deleted or renamed since the last refresh's scan.

        One ``stat`` a folder. A file rewritten in place is seen only by a refresh, so a
        program polling with this still refreshes now and then.
        """
        return folders_unchanged(self._folders, self._scanned_ns, _RACY_NS)

    def unchanged_since_last_refresh(self) -> bool:
        """Whether the index is as the last complete refresh (by any program) left it and no
        folder changed since: one ``stat`` a folder (see :mod:`.freshness` for its limit)."""
        return bool(self._guarded(lambda: unchanged_since(self._store, _RACY_NS)))

    def refresh_unless_unchanged(
        self, progress: ProgressCallback | None = None
    ) -> RefreshResult | None:
        """:meth:`refresh`, unless the index is as the last complete refresh (by any program)
        left it and no folder changed since: then None, at one ``stat`` a folder.

        For a command that answers from the index once (see :mod:`.freshness`, and its
        limit: a file rewritten in place is seen by the next full refresh only).
        """
        if self.unchanged_since_last_refresh():
            return None
        return self.refresh(progress)

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
        (default: the CPU count, at most 4) when there are many files; the full-text shards
        are then written by a process each.
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
        if self._indexed is None or generation(self._store.writer) != self._generation:
            # Unknown, or another program rebuilt the index: take what it holds now. The
            # caller's view stays, and the end of this refresh reconciles the two.
            self._load_state()
        indexed, indexed_posts, shown = self._state()
        if rebuild:
            # The caller's view stays.
            self._generation = entries.clear(self._store.writer, self._store.texts)
            indexed.clear()
            indexed_posts.clear()
        before = store_version(self._store.writer)
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
        tally = Tally(indexed, indexed_posts, shown)
        if gone:
            entries.delete_files(self._store.writer, gone)
            tally.forget(gone)
        if todo and len(todo) < _LOOKUP_BELOW:
            # Another program sharing the index may have read these already: take its rows.
            for rel, (kind, post_id) in self._indexed_elsewhere(todo).items():
                tally.record(rel, files[rel], kind, post_id)
            todo = [item for item in todo if indexed.get(item[0]) != files[item[0]]]
        done, stopped = 0, False
        if todo:
            done, stopped = write_files(
                self._store,
                self.root,
                self.options,
                todo,
                tally,
                progress,
                cancelled,
                workers,
                self._notice,
            )
            if len(todo) >= _LOOKUP_BELOW:
                # A build fills the writer's page cache (tens of MB) with pages of the
                # full-text index that a reader program's small refreshes never need again.
                self._store.writer.execute(sql.SHRINK_MEMORY)
        # The old texts of the files deleted or read again, now that their entries are gone.
        entries.settle_texts(self._store.writer, self._store.texts)
        tally.reconcile()
        if not stopped:
            record_scan(self._store, before, started, self._folders)
        return RefreshResult(
            added=tuple(tally.added),
            changed=tuple(tally.changed),
            removed=tuple(tally.removed),
            skipped=tuple(tally.skipped),
            notices=self._take_notices(),
            scanned=len(files),
            parsed=done,
            cancelled=stopped,
        )

    # --- the database -----------------------------------------------------------------------

    def _indexed_elsewhere(
        self, todo: list[tuple[RelPath, FileStamp]]
    ) -> dict[RelPath, tuple[int, str]]:
        """``rel -> (kind, id)`` of the files the index already holds with these stamps."""
        wanted = {rel: stamp for rel, stamp in todo if stamp[1] != _RACY_MTIME}
        return entries.stamped_elsewhere(self._store.writer, wanted)

    def _load_state(self) -> None:
        """Take what the index holds now as what this program knows it holds."""
        files, current = entries.file_state(self._store.writer)
        self._set_files(files, current, show=False)

    def _set_state(self, rows: list[Row], current: str, *, show: bool) -> None:
        """Set the index's files from entry rows (or :class:`FileRow` ones) of generation
        ``current``; ``show``: they are also the caller's view (posts() just returned them)."""
        self._set_files(file_states(rows), current, show=show)

    def _set_files(
        self,
        files: tuple[dict[RelPath, FileStamp], set[RelPath]],
        current: str,
        *,
        show: bool,
    ) -> None:
        indexed, posts = files
        with self._state_lock:
            self._indexed, self._indexed_posts = indexed, posts
            self._generation = current
            if show:
                self._shown = set(posts)

    def _state(self) -> tuple[dict[RelPath, FileStamp], set[RelPath], set[RelPath]]:
        """The index's files and posts, and the caller's view (set to the index's if unset)."""
        with self._state_lock:
            assert self._indexed is not None
            if self._shown is None:
                self._shown = set(self._indexed_posts)
            return self._indexed, self._indexed_posts, self._shown

    def _viewing(self) -> tuple[sqlite3.Connection, threading.RLock]:
        store = self._store
        if store.viewer is None:
            return store.reader, store.read_lock
        return store.viewer, store.view_lock

    def _read_posts(self, ids: list[str] | None) -> list[Post]:
        if ids is not None:
            viewer, lock = self._viewing()
            with lock:
                return self._decoder.posts(newest_first(entries.rows_by_id(viewer, ids)))
        # These rows become the caller's view, which refreshes are relative to, so a refresh
        # in another thread finishes first: its changes are then in the rows, not lost
        # between a view taken before its last commit and a result nobody applies. Called
        # from this thread's own refresh (a progress callback), the refresh keeps the view:
        # its result brings the caller up to date.
        with self._refresh_lock:
            own_refresh = self._refreshing
            connection = self._store.reader  # the store may have been replaced meanwhile
            # One read transaction, one pass (SQLite costs per row, not per column) for the
            # posts and the files.
            with self._store.read_lock:
                rows, current, changes = entries.all_rows(connection)
            self._remember_skipped(rows, current, changes)
            if not own_refresh:
                self._set_state(rows, current, show=True)
        return self._decoder.posts(newest_first(post_rows(rows)))

    def _read_archive(self) -> Archive:
        # The files' stamps are not read here but by the first refresh, which needs them
        # (seconds later, off the screen's way): the view it is relative to is then the
        # index as that refresh finds it. Another program's change in between is still in
        # the archive the refresh's caller reads after it, only not named as a change.
        snapshot = self._snapshot_path()
        with self._store.read_lock:
            columns, skipped, current, changes, from_snapshot = entries.read_columns(
                self._store.reader, self._decoder, snapshot
            )
        self._skipped_seen = (current, changes, skipped)
        if not from_snapshot and snapshot is not None and changes >= 0:
            # Read the slow way: keep them for the next start while they are in hand.
            with contextlib.suppress(OSError):
                entries.save_columns(snapshot, current, changes, columns)
        return Archive.indexed(self.root, columns, self)

    def _read_newest(self, limit: int) -> tuple[list[Post], int]:
        with self._store.read_lock:
            rows, total = entries.newest_rows(self._store.reader, limit)
        return self._decoder.posts(rows), total

    def _read_written_after(self, row: int) -> tuple[list[Post], int]:
        with self._store.read_lock:
            rows, last = entries.rows_written_after(self._store.reader, row)
        return self._decoder.posts(newest_first(rows)), last

    def _read_skipped(self) -> list[Problem]:
        with self._store.read_lock:
            seen = self._skipped_seen
            if seen is not None and seen[1] >= 0 and seen[:2] == store_version(self._store.reader):
                return list(seen[2])
            return entries.skipped_problems(self._store.reader)

    def _read_recovered(self) -> list[Problem]:
        with self._store.read_lock:
            return entries.recovered_problems(self._store.reader)

    def _read_ids(self) -> list[str]:
        with self._store.read_lock:
            return entries.post_ids(self._store.reader)

    def _search(self, terms: SearchTerms) -> set[str]:
        connection = self._store.reader
        # One snapshot: the cost estimates and the query see the same index.
        with self._store.read_lock, read_transaction(connection):
            return matching_ids(connection, terms)

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
            store = open_or_fallback(
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


def _settled(stamp: FileStamp, scan_started_ns: int) -> FileStamp:
    """The stamp to record: a file modified within a timestamp tick or so of the scan could
    be rewritten, same size, with the same mtime; record it as unknown so the next refresh
    reads it again (git's "racy clean" problem), once it has settled.
    """
    size, mtime_ns = stamp
    if abs(mtime_ns - scan_started_ns) < _RACY_NS:
        return size, _RACY_MTIME
    return stamp
