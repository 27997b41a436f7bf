"""The reader's posts from the on-disk index, as typed batches: the start, and files changing.

:class:`ArchiveFeed` runs in the screen's worker threads and talks back only through the
``emit`` callback it is given, with :class:`Batch`, :class:`Progress` and :class:`Notice`
values; it knows nothing of Textual. Its start protocol:

1. A warm start sends the newest posts at once (a few ms from the index), waits for them to
   be painted (at most :data:`FIRST_PAINT_WAIT`), then sends the whole archive, sorted and
   indexed in the worker so the screen only swaps it in.
2. It then brings the index up to date with the files. On a warm start whose folders are as
   the last complete refresh left them (one ``stat`` a folder, see
   :mod:`newsreader.archive.index.freshness`) that is all, and the first look (below) checks
   every file instead, a few seconds later. A first visit builds the index: parts
   are sent at doubling intervals while the build goes on, each only the rows written since
   the part before (the reading thread shares the writer's process, so each row is read back
   once), and made exact at the end.

After the start, one thread looks for files added, changed or deleted: every
:data:`WATCH_SECONDS` at the folders (a ``stat`` each; adding, deleting or renaming a file
changes its folder), every :data:`FULL_CHECK_SECONDS` at every file (for files rewritten in
place), and at once when the watcher (:mod:`newsreader.reader.watch`) saw a change. One
thread makes every look, so two never race and none is cut off half-way.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable, Container
from dataclasses import dataclass, field, replace
from pathlib import Path

from newsreader.archive import Archive, LoadOptions, Post, Problem, SearchTerms
from newsreader.archive.index import ArchiveIndex
from newsreader.reader.watch import watch_archive, watching_enabled

FIRST_BATCH = 300
"""The newest posts shown first, in milliseconds, while the rest are read."""
FIRST_PAINT_WAIT = 0.5
"""Seconds the start waits for the first posts to be painted before it takes the
interpreter for the rest (it holds the GIL for most of a second at 100,000 posts)."""
WATCH_SECONDS = 5.0
"""Seconds between looks at the archive's folders."""
FULL_CHECK_SECONDS = 60.0
"""Seconds between looks at every file (a ``stat`` each, most of a second at 100,000 posts)
when no folder changed: files rewritten in place without a watcher are noticed within this."""


@dataclass(frozen=True, slots=True)
class Batch:
    """Posts from the index: the whole archive (``replace``) or what changed in it."""

    posts: list[Post]
    replace: bool
    finished: bool
    """True when the start (or a look) is over: the archive is whole."""
    removed: tuple[str, ...] = ()
    archive: Archive | None = None
    """The whole archive after the batch, read from the index in the worker: it replaces
    the screen's (``posts`` and ``removed`` then only say what changed)."""
    expected: int = 0
    """How many posts the archive holds when ``posts`` are only the newest of them."""
    skipped: list[Problem] | None = None
    """All files the index could not load (None: unchanged)."""
    scan_problems: list[Problem] | None = None
    arrived: int = 0
    """New posts found by a look while the reader runs, to announce."""


@dataclass(frozen=True, slots=True)
class Progress:
    """How far the index's scan has got."""

    done: int
    total: int


@dataclass(frozen=True, slots=True)
class Notice:
    """Something the user should know (an index rebuilt, a file that cannot be read)."""

    text: str
    failed: bool = False
    """The feed stopped on an error it did not expect (a bug, a full disk)."""


FeedEvent = Batch | Progress | Notice


@dataclass
class _BuildShown:
    """What a first build has sent so far."""

    shown_at: float
    """When the last part was sent (``time.monotonic``)."""
    pause: float = 1.0
    """How long until the next part: doubling, for each is read and sorted in by the UI."""
    last_row: int = 0
    """The index's last row number read (see ``ArchiveIndex.posts_written_after``)."""
    ids: set[str] = field(default_factory=set)
    """The posts sent."""


class ArchiveFeed:
    """One archive's index read for the reader, in threads of its own, until :meth:`stop`.

    Everything it finds goes to the ``emit`` callback given to :meth:`run`, from its threads.
    """

    def __init__(self, root: Path, options: LoadOptions) -> None:
        self.root = root
        self.options = options
        self.first_painted = threading.Event()
        """Set by the screen once the newest posts, sent first, are on screen."""
        self.first_look_done = threading.Event()
        """Set once the first look after the start is over (on a warm start, the check of
        every file: seconds of CPU at a million posts, shared with the keys meanwhile)."""
        self._index: ArchiveIndex | None = None
        self._fully_checked = time.monotonic()
        self._stopped = threading.Event()
        self._wake = threading.Event()
        self._changed = False
        self._lock = threading.Lock()

    def run(self, emit: Callable[[FeedEvent], None], *, watch: bool | None = None) -> None:
        """Start reading: the start protocol, then looks (and the watcher, unless ``watch``
        is False; by default it runs unless ``NEWSREADER_WATCH=poll``)."""
        watching = watching_enabled() if watch is None else watch

        def read(emit: Callable[[FeedEvent], None]) -> None:
            try:
                self.start(emit, self._stopped.is_set)
                if self._stopped.is_set():
                    return
                if watching:
                    self._spawn(self._watch, emit)
                self._keep_looking(emit)
            finally:
                if self._index is not None:
                    self._index.close()

        self._spawn(read, emit)

    def _spawn(self, target: Callable[..., None], emit: Callable[[FeedEvent], None]) -> None:
        def guarded() -> None:
            # An exception here would print a traceback over the screen and end the thread
            # unseen: it is said instead, and the reader keeps the posts it has.
            try:
                target(emit)
            except Exception as error:
                if not self._stopped.is_set():
                    text = f"Reading {self.root} failed: {error!r}; press r to try again."
                    emit(Notice(text, failed=True))

        threading.Thread(target=guarded, daemon=True, name="newsreader feed").start()

    def stop(self, *, wait: bool = False) -> None:
        """Stop every thread; the index is closed by the feed's own thread as it ends.

        ``wait`` closes it here and now (quitting: the next start's snapshot is written
        first). Otherwise the caller never waits: a reload or a switch of archives during a
        first build would freeze the screen until the build's current batch is written.
        """
        with self._lock:
            self._stopped.set()
            index = self._index
        self._wake.set()
        self.first_painted.set()
        if wait and index is not None:
            index.close()

    def look_now(self, *, changed: bool = True) -> None:
        """Look for changed files at once (``changed``: check every file, not only folders)."""
        with self._lock:
            self._changed = self._changed or changed
        self._wake.set()

    def _keep_looking(self, emit: Callable[[FeedEvent], None]) -> None:
        while not self._stopped.is_set():
            self._wake.wait(WATCH_SECONDS)
            with self._lock:
                self._wake.clear()
                changed, self._changed = self._changed, False
            if self._stopped.is_set():
                return
            batch = self.look(self._stopped.is_set, changed=changed)
            if batch is not None and not self._stopped.is_set():
                emit(batch)
            if not self.first_look_done.is_set():
                # The first look read every file's stamp (a million tuples at 1M posts),
                # made after the screen settled the posts: settled too, or each full
                # collection walks them again, 0.1-0.2 s of a key press every few keys.
                settle_memory()
                self.first_look_done.set()

    def _watch(self, emit: Callable[[FeedEvent], None]) -> None:
        problem = watch_archive(self.root, self.look_now, self._stopped)
        if problem is not None and not self._stopped.is_set():
            emit(Notice(problem))

    def _open(self, emit: Callable[[FeedEvent], None]) -> ArchiveIndex:
        if self._index is None:
            index = ArchiveIndex.open(self.root, self.options)
            with self._lock:  # stop() reads it: an index opened after a stop is closed by read()
                self._index = index
            for notice in index.notices:
                emit(Notice(notice))
        return self._index

    def search(self, text: str) -> Container[str]:
        """The posts holding ``text`` (any substring, Chinese included)."""
        index = self._index
        return index.text_matches(SearchTerms.parse(text)) if index is not None else set()

    def start(self, emit: Callable[[FeedEvent], None], cancelled: Callable[[], bool]) -> None:
        """Send the indexed posts at once, then bring the index up to date with the files."""
        index = self._open(emit)
        first, expected = index.newest(FIRST_BATCH)
        if first:
            self.first_painted.clear()
            emit(Batch(first, replace=True, finished=False, expected=expected))
            self.first_painted.wait(FIRST_PAINT_WAIT)
        if cancelled():
            return  # the screen is closing (its index with it) or loading again
        archive = index.archive()
        if cancelled():
            return
        indexed = archive is not None and len(archive) > 0
        if archive is not None and indexed:
            archive.prepare()
            # A warm start trusts the index while no folder changed since its last complete
            # refresh (a stat each) and leaves the stat of every file (most of a second at
            # 100,000 posts) to the first look, a few seconds on: the list is whole at once,
            # and a file rewritten in place meanwhile is still found then.
            settled = index.unchanged_since_last_refresh()
            batch = Batch([], replace=True, finished=settled, archive=archive)
            if settled:
                self._fully_checked = -FULL_CHECK_SECONDS
                emit(_with_problems(batch, index))
                return
            emit(batch)
        building = _BuildShown(time.monotonic())

        def progress(done: int, total: int) -> None:
            emit(Progress(done, total))
            if not indexed and time.monotonic() - building.shown_at > building.pause:
                part, building.last_row = index.posts_written_after(building.last_row)
                if part:
                    emit(Batch(part, replace=not building.ids, finished=False))
                    building.ids.update(post.id for post in part)
                building.shown_at = time.monotonic()
                building.pause = min(building.pause * 2, 16.0)

        result = index.refresh(progress=progress, cancelled=cancelled)
        if cancelled():
            return
        for notice in result.notices:
            emit(Notice(notice))
        if not indexed:
            # Built now: the whole index, served from it (the parts sent were held in memory).
            batch = Batch([], replace=True, finished=True, archive=self._whole(index))
        elif result.has_changes:
            batch = self._changes(index, result.added, result.changed, result.removed)
        else:  # the archive already sent is the index's: only say loading is over
            batch = Batch([], replace=False, finished=True)
        emit(_with_problems(batch, index))
        # A terminal closed under the reader never closes the index: keep its next start fast.
        index.save_snapshot()

    def _whole(self, index: ArchiveIndex) -> Archive:
        archive = index.archive() or Archive(self.root.resolve())
        archive.prepare()
        return archive

    def _changes(
        self,
        index: ArchiveIndex,
        added: tuple[str, ...],
        changed: tuple[str, ...],
        removed: tuple[str, ...],
        *,
        arrived: int = 0,
    ) -> Batch:
        """The posts a refresh added, changed and removed, with the whole archive after it:
        the screen swaps it in and tells the open article and the search of the changes."""
        return Batch(
            index.posts([*added, *changed]),
            replace=False,
            removed=removed,
            finished=True,
            archive=self._whole(index),
            arrived=arrived,
        )

    def look(self, cancelled: Callable[[], bool], *, changed: bool = False) -> Batch | None:
        """Files added, changed or deleted since the last look, or None.

        ``changed`` says a watcher saw a file change: every file is checked then. Otherwise
        only the folders are, unless a full check is due (:data:`FULL_CHECK_SECONDS`).
        """
        index = self._index
        if index is None:
            return None
        now = time.monotonic()
        full_check_due = now - self._fully_checked >= FULL_CHECK_SECONDS
        if not changed and not full_check_due and index.folders_unchanged():
            return None
        self._fully_checked = now
        result = index.refresh(cancelled=cancelled)
        if cancelled() or not result.has_changes:
            return None
        batch = self._changes(
            index, result.added, result.changed, result.removed, arrived=len(result.added)
        )
        batch = _with_problems(batch, index, scan=False)
        index.save_snapshot()
        return batch


def _with_problems(batch: Batch, index: ArchiveIndex, *, scan: bool = True) -> Batch:
    """The batch with the index's skipped files (and the scan's problems, with ``scan``)."""
    scan_problems = list(index.scan_problems) if scan else None
    return replace(batch, skipped=index.skipped(), scan_problems=scan_problems)


def settle_memory() -> None:
    """Keep the garbage collector off the loaded posts from now on.

    A hundred thousand posts stay for the whole session: a full collection walking them
    again and again pauses the reader for half a second each time. No collection runs
    first: it would walk the same million objects once (0.2 s on the screen's thread, just
    as the list is shown) to free the few cycles the start made, which stay instead.
    """
    gc.freeze()


def release_memory() -> None:
    """Let the collector see the posts again (before an archive is read anew)."""
    gc.unfreeze()
