"""Parsing many files for the index: in this process, or in a pool of worker processes.

A cold build of 100,000 files is CPU-bound (the loader takes ~0.2 ms a file), so it is spread
over worker processes while the calling process writes what they return to SQLite (the
texts through one process per full-text shard, see :mod:`.shard_processes`). A few
files (a refresh) are parsed right here: a pool costs ~0.3 s to start.

Workers are *spawned*, not forked: the reader refreshes from a thread, and a forked child of
a threaded process can deadlock on a lock another thread held. Spawning imports the main
module again, so a program that builds a large index must guard it with
``if __name__ == "__main__":`` (the ``newsreader`` command does). Should no pool start, or a
worker die (killed, out of memory, an unguarded main module), the rest is parsed here and a
notice says so.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Generator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import resource_tracker
from pathlib import Path
from typing import Final

from newsreader.archive.index.rows import ParsedFile, parse_chunk
from newsreader.archive.loader import LoadOptions
from newsreader.archive.scan import FileStamp, RelPath

__all__ = [
    "BATCH",
    "CHUNK",
    "MAX_WORKERS",
    "POOL_FROM",
    "die_with_parent",
    "parsed_batches",
    "prepare_workers",
]

BATCH: Final = 2000
"""Files per batch, which the index writes in one transaction: the cancel latency, and
another program's longest wait (a second or two). Larger batches make fewer, larger
full-text segments, which are cheaper to build."""
CHUNK: Final = 100
"""Files per task sent to a worker process."""
POOL_FROM: Final = 1500
"""Fewer files than this are parsed in this process."""
MAX_WORKERS: Final = 4
"""The writing process needs a core too; more parsers than this only wait for it."""

Todo = list[tuple[RelPath, FileStamp]]


def prepare_workers() -> None:
    """Start multiprocessing's resource tracker now, while ``sys.stderr`` is the real one.

    A pool needs the tracker, which is handed ``sys.stderr.fileno()`` when it starts. A
    terminal UI replaces ``sys.stderr`` with an object whose ``fileno()`` is -1 (Textual
    does), and a pool first started under it fails ("bad value(s) in fds_to_keep"), leaving
    a cold build to one core. Programs that refresh an index under such a UI call this
    before the UI starts; elsewhere it is not needed. Never raises.
    """
    # On failure the pool says so itself, and the build runs in one process.
    with contextlib.suppress(OSError, ValueError):
        resource_tracker.ensure_running()


WORKER_NICENESS: Final = 10
"""How much lower the parsers' scheduling priority is than the writing process's."""


_PR_SET_PDEATHSIG: Final = 1
_ORPHAN_POLL_SECONDS: Final = 0.5


def _start_worker(parent: int) -> None:
    """What each parsing process does first: die with ``parent``, then yield to it."""
    die_with_parent(parent)
    _yield_to_writer()


def die_with_parent(parent: int) -> None:
    """End this worker when the process that started it ends, even by ``SIGKILL``.

    A pool's workers otherwise outlive a killed ``newsreader index`` and go on parsing for
    nobody. On Linux the kernel sends the signal (``prctl(PR_SET_PDEATHSIG)``); elsewhere a
    thread looks for a new parent every half second. A parent gone before either was set
    up leaves this process adopted: it ends at once.
    """
    armed = False
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            armed = libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    if os.getppid() != parent:
        os._exit(1)
    if not armed:
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(_ORPHAN_POLL_SECONDS)
    os._exit(1)


def _yield_to_writer() -> None:
    """Lower this worker's priority, so the writing processes never wait for a core.

    The writers (the parent, and one process per full-text shard, see :mod:`.shard_processes`)
    do most of a build's work. When one process wrote everything, at equal priority the
    system shared the 2 cores fairly between it and 2 parsers and the writer got two thirds
    of a core: a 100,000-post build (of the old, small-vocabulary archive) took 28 s; with
    the parsers at niceness 10 the writer kept a core and the parsers filled the rest:
    20-21 s (niceness 5: 23 s; 19: 21.5 s). The shard writers now fill every core while they
    write a batch, and the parsers the time between (files parsed ahead wait in memory,
    see :func:`_pool_batches`). They also yield to the user's own work.
    """
    with contextlib.suppress(AttributeError, OSError):  # no os.nice off Unix
        os.nice(WORKER_NICENESS)


def parsed_batches(
    root: Path,
    options: LoadOptions,
    todo: Todo,
    workers: int | None,
    notice: Callable[[str], None],
) -> Generator[list[ParsedFile], None, None]:
    """Every file of ``todo`` parsed, in batches of about :data:`BATCH`, in any order.

    ``workers``: parsing processes (default: the CPU count, at most :data:`MAX_WORKERS`).
    Closing the generator stops the workers.
    """
    count = workers if workers is not None else min(os.cpu_count() or 1, MAX_WORKERS)
    leftover = todo
    if len(todo) >= POOL_FROM and count >= 2:
        leftover = yield from _pool_batches(str(root), options, todo, count, notice)
    for start in range(0, len(leftover), BATCH):
        yield parse_chunk(str(root), options, leftover[start : start + BATCH])


def _pool_batches(
    root: str, options: LoadOptions, todo: Todo, count: int, notice: Callable[[str], None]
) -> Generator[list[ParsedFile], None, Todo]:
    """Batches parsed by ``count`` worker processes; returns what is left to parse here
    when no pool starts or it breaks."""
    try:
        pool = ProcessPoolExecutor(
            count,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(os.getpid(),),
        )
    except (OSError, ValueError) as error:
        notice(f"Parsing in one process: no worker processes ({error}).")
        return todo
    chunks = [todo[start : start + CHUNK] for start in range(0, len(todo), CHUNK)]
    chunks.reverse()  # popped from the end: submitted in path order
    running: dict[Future[list[ParsedFile]], Todo] = {}
    batch: list[ParsedFile] = []
    try:
        # Enough chunks ahead that the workers keep parsing while this process writes a
        # batch to SQLite (most of a second of full-text indexing): with only a few ahead
        # they would sit idle through every write, and the build would take the time of
        # parsing plus writing instead of the longer of the two. About 3 batches in memory.
        ahead = max(count * 3, 3 * BATCH // CHUNK)
        while chunks and len(running) < ahead:
            chunk = chunks.pop()
            running[pool.submit(parse_chunk, root, options, chunk)] = chunk
        while running:
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                batch.extend(future.result())  # raises while its chunk is still listed
                running.pop(future)
                if chunks:
                    chunk = chunks.pop()
                    running[pool.submit(parse_chunk, root, options, chunk)] = chunk
            if len(batch) >= BATCH:
                yield batch
                batch = []
    except BrokenProcessPool:
        notice("A parsing process stopped unexpectedly; finishing in one process.")
        leftover = [item for chunk in (*running.values(), *chunks) for item in chunk]
        if batch:
            yield batch
        return leftover
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    if batch:
        yield batch
    return []
