"""What the last complete refresh saw of the folders, so another program can trust the index.

A refresh stats every file (most of a second at 100,000 posts); a command that answers one
question from the index cannot afford that each time. Adding, deleting or renaming a file
changes its folder's modification time, so, as the reader's poll does
(:meth:`~.archive_index.ArchiveIndex.folders_unchanged`), a stat of each folder tells whether
the files the index knows are still the files there. Each complete refresh therefore leaves,
beside the index file, the folders it listed with their times, the moment its scan began and
the index's generation and change count once it was done. A later program trusts the index
without a refresh only while the index is still at that generation and count (nobody wrote
since) and every folder still has its time (see :func:`~newsreader.archive.scan.folders_unchanged`,
whose limits it shares: a file rewritten in place keeps its folder's time).

The file is ``marshal``led plain values, written atomically; missing, stale or unreadable, it
is simply not trusted.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import sqlite3
from pathlib import Path
from typing import Final

from newsreader.archive.index.store import Store, read_transaction, version
from newsreader.archive.scan import folders_unchanged

__all__ = [
    "ScanRecord",
    "folders_path",
    "load_scan",
    "record_scan",
    "save_scan",
    "store_version",
    "unchanged_since",
]

_MAGIC: Final = "newsreader-index-folders 1"

ScanRecord = tuple[str, int, int, dict[bytes, int]]
"""``(generation, changes, scan start in ns, {folder: modification time in ns})``."""


def folders_path(index_path: Path) -> Path:
    """Where the record of an index file's last complete scan goes."""
    return index_path.with_name(index_path.name + ".folders")


def save_scan(path: Path, record: ScanRecord) -> None:
    """Write the record atomically; raises OSError."""
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(marshal.dumps((_MAGIC, *record)))
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def load_scan(path: Path) -> ScanRecord | None:
    """The record at ``path``, or None when there is none that can be read."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        value = marshal.loads(data)
    except (EOFError, ValueError, TypeError):
        return None
    if not (isinstance(value, tuple) and len(value) == 5 and value[0] == _MAGIC):
        return None
    _, generation, changes, scanned_ns, folders = value
    if not (
        isinstance(generation, str)
        and isinstance(changes, int)
        and isinstance(scanned_ns, int)
        and isinstance(folders, dict)
        and all(isinstance(k, bytes) and isinstance(v, int) for k, v in folders.items())
    ):
        return None
    return generation, changes, scanned_ns, folders


def store_version(connection: sqlite3.Connection) -> tuple[str, int]:
    """The index's generation and change count, read in a transaction of its own."""
    with read_transaction(connection):
        return version(connection)


def record_scan(
    store: Store, before: tuple[str, int], scanned_ns: int, folders: dict[bytes, int]
) -> None:
    """Leave, beside the index file, what a complete refresh saw (``before``: the index's
    version when it began); nothing for a temporary index."""
    if store.temporary or store.path is None:
        return
    after = store_version(store.writer)
    if after[0] != before[0]:
        return  # another program cleared the index meanwhile: what it holds is its own
    with contextlib.suppress(OSError):
        save_scan(folders_path(store.path), (*after, scanned_ns, folders))


def unchanged_since(store: Store, racy_ns: int) -> bool:
    """Whether the index still holds every file: it is in the very state a complete refresh
    recorded, and no folder changed since its scan (a folder modified within ``racy_ns`` of
    it counts as changed). Raises ``sqlite3.Error`` when the index cannot be read."""
    if store.temporary or store.path is None:
        return False
    record = load_scan(folders_path(store.path))
    if record is None:
        return False
    with store.read_lock:
        generation, changes = store_version(store.reader)
    if changes < 0 or record[:2] != (generation, changes):
        return False
    return folders_unchanged(record[3], record[2], racy_ns)
