"""A one-file copy of what the reader keeps of every post, for a fast warm start.

Reading the columns of a million posts through SQLite costs seconds of CPU, and after a
reboot far more: the rows' pages lie scattered in a file of hundreds of MB. The snapshot
holds the reader's columns (:func:`~newsreader.archive.columns.packed`: an id list and a
few byte strings) in ``marshal`` parts beside the index, read in one sequential read. It is
a cache of a cache, trusted only while it names the index's current generation and change
count (every write transaction bumps the count), and ignored, never fatal, when missing,
stale or unreadable. It is written when an index whose rows changed is closed, so the next
start finds it.

``marshal`` rather than ``pickle``: it builds only plain values (no code runs on loading),
and is the fastest loader in the standard library. The values follow the header as one or
more marshalled lists of tuples, each after its length and checksum, then an end mark, so a
writer of many rows need not hold them all at once, and a file cut short or damaged is
refused, never half believed. The file lives in the user's own cache folder, as the index does.
"""

from __future__ import annotations

import marshal
import os
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Final

__all__ = ["is_current", "load_snapshot", "save_snapshot", "snapshot_path"]

_MAGIC: Final = "newsreader-index-snapshot"
_FORMAT: Final = 2
"""The first line names all of these, so checking a snapshot reads only that line.
(Format 1 held one list; its files are simply not current.)"""
_LENGTH_BYTES: Final = 8
_CHECKSUM_BYTES: Final = 4
_PART_HEAD: Final = _LENGTH_BYTES + _CHECKSUM_BYTES

Rows = list[tuple[Any, ...]]


def snapshot_path(index_path: Path) -> Path:
    """Where the snapshot of an index file goes."""
    return index_path.with_name(index_path.name + ".columns")


def _header(generation: str, changes: int) -> bytes:
    return f"{_MAGIC} {_FORMAT} {generation} {changes}\n".encode()


def is_current(path: Path, generation: str, changes: int) -> bool:
    """Whether the snapshot at ``path`` is of this generation and change count (reads its
    first line only)."""
    expected = _header(generation, changes)
    try:
        with path.open("rb") as stream:
            return stream.read(len(expected)) == expected
    except OSError:
        return False


def load_snapshot(path: Path, generation: str, changes: int) -> Rows | None:
    """The rows, if the snapshot at ``path`` is of this generation and change count."""
    expected = _header(generation, changes)
    try:
        data = path.read_bytes()
    except OSError:
        return None  # none yet, or unreadable: the index itself answers
    if not data.startswith(expected):
        return None
    view = memoryview(data)
    rows: Rows = []
    start = len(expected)
    try:
        while True:
            if start + _PART_HEAD > len(data):
                return None  # cut short: the end mark never came
            length = int.from_bytes(view[start : start + _LENGTH_BYTES], "little")
            checksum = int.from_bytes(view[start + _LENGTH_BYTES : start + _PART_HEAD], "little")
            start += _PART_HEAD
            if length == 0:
                return rows if checksum == 0 and start == len(data) else None
            body = view[start : start + length]
            # Checked before unmarshalling: marshal trusts its input, and damaged bytes can
            # make it allocate without bound or crash the interpreter.
            if len(body) != length or zlib.crc32(body) != checksum:
                return None
            # marshal.loads on a slice: marshal.load on a stream reads it in tiny pieces,
            # twice as slow over 100,000 rows.
            part = marshal.loads(body)
            start += length
            if not isinstance(part, list) or (part and not isinstance(part[0], tuple)):
                return None
            rows.extend(part)
    except (EOFError, ValueError, TypeError):
        return None  # damaged in a way the checksum missed: likewise


def save_snapshot(path: Path, generation: str, changes: int, parts: Iterable[Rows]) -> None:
    """Write the snapshot atomically (a reader never sees half of one); raises OSError.

    ``parts``: the rows, in lists of any length, each written as it comes: its length in
    bytes and CRC-32, then it marshalled; a length of 0 ends the file.
    """
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("wb") as stream:
            stream.write(_header(generation, changes))
            for part in parts:
                blob = marshal.dumps(part)
                stream.write(len(blob).to_bytes(_LENGTH_BYTES, "little"))
                stream.write(zlib.crc32(blob).to_bytes(_CHECKSUM_BYTES, "little"))
                stream.write(blob)
            stream.write(bytes(_PART_HEAD))
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
