"""Files written to the index in batches: parsed by the workers, their texts written by the
shard processes (or here), one write transaction a batch (see :mod:`.texts` for what a batch
commits, and in what order).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable
from pathlib import Path

from newsreader.archive.index import entries
from newsreader.archive.index import shard_processes as index_shard_processes
from newsreader.archive.index.result import CancelCallback, ProgressCallback, Tally
from newsreader.archive.index.rows import KIND_SKIPPED
from newsreader.archive.index.store import Store
from newsreader.archive.index.workers import parsed_batches
from newsreader.archive.loader import LoadOptions
from newsreader.archive.post import Problem
from newsreader.archive.scan import FileStamp, RelPath

__all__ = ["write_files"]


def write_files(
    store: Store,
    root: Path,
    options: LoadOptions,
    todo: list[tuple[RelPath, FileStamp]],
    tally: Tally,
    progress: ProgressCallback | None,
    cancelled: CancelCallback | None,
    workers: int | None,
    notice: Callable[[str], None],
) -> tuple[int, bool]:
    """Parse and write ``todo`` in batches, recording each file in ``tally``; how many were
    written, and whether ``cancelled()`` stopped it."""
    done, stopped = 0, False
    if progress is not None:
        progress(0, len(todo))
    many = len(todo) >= index_shard_processes.PROCESSES_FROM
    processes = index_shard_processes.shard_processes(store.texts, notice) if many else None
    try:
        with processes or contextlib.nullcontext() as writer:
            batches = parsed_batches(root, options, todo, workers, notice)
            try:
                for batch in batches:
                    entries.write_parsed(store.writer, store.texts, batch, writer)
                    for parsed in batch:
                        stamp = (parsed.size, parsed.mtime_ns)
                        tally.record(parsed.rel, stamp, parsed.kind, parsed.post_id)
                        if parsed.kind == KIND_SKIPPED:
                            tally.skipped.append(Problem(parsed.post_id, parsed.title))
                    done += len(batch)
                    if progress is not None:
                        progress(done, len(todo))
                    if cancelled is not None and cancelled():
                        stopped = True
                        break
            finally:
                batches.close()
    except BaseException:
        # Ctrl-C (or an error) between a batch's shard commits and its entries' commit: the
        # shards hold texts no entry names. Search never shows them and the next write would
        # undo them; undo them now (the shard processes are stopped).
        with contextlib.suppress(sqlite3.Error):
            entries.settle_texts(store.writer, store.texts, interrupted=True)
        raise
    return done, stopped
