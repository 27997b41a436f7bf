"""The full-text index in shards: files beside the index file, written in parallel.

FTS5's trigram inserts are most of a cold build's CPU (~70 s of 90 at 100,000 real-shaped
posts), and one SQLite file has one writer at a time. So the ``fts`` table is split by rowid
into :func:`shard_count` shards (one per core, at most :data:`MAX_SHARDS`), each its own file
``<index file>.text<n>`` holding the texts whose ``rowid % count == n``: during a large
refresh each shard is written by a process of its own (:mod:`.shard_processes`) while this
process writes ``entries``; small refreshes write them here. Readers ATTACH every shard as
``text<n>`` and ask them all in one query (:mod:`.search`).

The files commit one by one, so ``entries`` (in the index file) stays the truth and a shard
may only ever be ahead of it, in ways the next write undoes:

* Every write batch has a number. Under the index file's write lock (held from the first
  write of a batch to its commit, so one program writes the shards at a time), each shard
  commits its part of batch ``k`` with the range of rowids the batch added, then the index
  file commits ``entries`` and ``batch = k``. A text is therefore searchable only once its
  entry is committed (search answers through ``entries``); a batch interrupted between the
  two leaves a shard at ``k`` while the index says ``k - 1``, and the shard's next write
  first deletes that range: no stray texts, even though rowids of an uncommitted batch are
  given again.
* A deleted or rewritten post's old text is deleted from its shard only after the deletion
  of its entry is committed: the rowid waits in ``dead_texts`` until the next batch, or the
  end of the refresh, deletes it from the shards. Rowids are never reused once committed, so
  a text waiting there matches no entry meanwhile. No text goes missing.
* A shard that is not at the index's generation (cleared and made again) or batch, or whose
  file is missing or damaged, makes the whole index rebuilt with a notice, as a damaged index
  file does; a shard not yet at the generation of a new, empty index is simply cleared.

Two programs sharing the index keep working: shards are WAL files like the index file, and
written only by the holder of the index file's write lock.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Final, NamedTuple

from newsreader.archive.index import sql

__all__ = [
    "MAX_SHARDS",
    "PAGE_SIZE",
    "ShardWrite",
    "TextBatch",
    "TextShards",
    "apply_write",
    "connect_shard",
    "schema_name",
    "shard_count",
    "shard_files",
    "shard_number",
    "shard_path",
]

MAX_SHARDS: Final = 4
"""More shards than this cost every search more lookups than their build time saves."""
PAGE_SIZE: Final = 32768
"""The page size of a new index or shard file (SQLite's default is 4096).

A trigram's list of posts is long (a common one is in most posts), and FTS5 splits each list
into leaf pages of at most ``pgsz`` bytes (default 4050). Leaves of 32,000 bytes in pages of
32 KiB cut the full-text part of a 100,000-post cold build by a quarter (measured: 25 s of
CPU to 19 s, three runs each; 64 KiB pages gave about the same, with twice the bytes written
per changed page on a live update).
"""
_LEAF_BYTES: Final = 32000
"""FTS5's ``pgsz`` in a file of :data:`PAGE_SIZE` pages: a leaf fills a page."""
WRITER_CACHE_KIB: Final = 65536
"""The page cache of a connection that writes a large part of the index."""
_SCHEMA_PREFIX: Final = "text"


def shard_count() -> int:
    """How many shards a new index gets: one per core, at most :data:`MAX_SHARDS`."""
    return max(1, min(os.cpu_count() or 1, MAX_SHARDS))


def shard_path(index_path: Path, number: int) -> Path:
    """The file of shard ``number`` of the index file at ``index_path``."""
    return index_path.with_name(f"{index_path.name}.{_SCHEMA_PREFIX}{number}")


def shard_files(index_path: Path) -> list[Path]:
    """Every file a shard of this index may have left (to delete them all)."""
    return [
        Path(f"{shard_path(index_path, number)}{suffix}")
        for number in range(MAX_SHARDS)
        for suffix in ("", "-wal", "-shm", "-journal")
    ]


def schema_name(number: int) -> str:
    """The name shard ``number`` is attached under."""
    return f"{_SCHEMA_PREFIX}{number}"


def shard_number(schema: str) -> int | None:
    """The number of the shard attached as ``schema``; None when it is no shard."""
    digits = schema.removeprefix(_SCHEMA_PREFIX)
    return int(digits) if digits != schema and digits.isdigit() else None


class ShardWrite(NamedTuple):
    """One shard's part of a write batch, as sent to the process that writes it."""

    number: int
    shards: int
    """How many shards the index has."""
    generation: str
    committed: int
    """The index file's last committed batch."""
    low: int
    high: int
    """The rowids this batch adds (in any shard): undone first if it is tried again."""
    dead: list[int]
    """Rowids whose entries' deletion is committed: their texts go."""
    texts: list[tuple[int, str]]
    """``(rowid, text)`` of this shard's new texts."""


class TextBatch(NamedTuple):
    """A write batch's full-text part, before it is split between the shards."""

    generation: str
    committed: int
    low: int
    high: int
    dead: list[int]
    texts: list[tuple[int, str]]

    def parts(self, count: int) -> list[ShardWrite]:
        """One :class:`ShardWrite` per shard."""
        texts: list[list[tuple[int, str]]] = [[] for _ in range(count)]
        for rowid, text in self.texts:
            texts[rowid % count].append((rowid, text))
        dead: list[list[int]] = [[] for _ in range(count)]
        for rowid in self.dead:
            dead[rowid % count].append(rowid)
        return [
            ShardWrite(
                number,
                count,
                self.generation,
                self.committed,
                self.low,
                self.high,
                dead[number],
                texts[number],
            )
            for number in range(count)
        ]


def apply_write(connection: sqlite3.Connection, schema: str, write: ShardWrite) -> None:
    """Bring the shard attached as ``schema`` to batch ``write.committed + 1``, in the
    caller's transaction: undo an interrupted try of it, delete dead texts, add new ones.

    Raises ``sqlite3.DatabaseError`` when the shard does not belong to the index as it is.
    """
    state = dict(connection.execute(sql.in_schema(sql.SHARD_STATE, schema)))
    if state.get("generation") != write.generation:
        if write.committed != 0:
            raise sqlite3.DatabaseError(f"full-text shard {write.number} is of another index")
        # A new, empty index whose shard was not cleared with it (interrupted): clear it now.
        reset_shard(connection, schema, write.number, write.shards, write.generation)
    elif state.get("number") != write.number or state.get("count") != write.shards:
        raise sqlite3.DatabaseError(f"full-text shard {write.number} is another shard's file")
    elif state.get("batch") == write.committed + 1:
        connection.execute(
            sql.in_schema(sql.DELETE_TEXTS_BETWEEN, schema), (state["low"], state["high"])
        )
    elif state.get("batch") != write.committed:
        raise sqlite3.DatabaseError(f"full-text shard {write.number} is out of step")
    connection.executemany(sql.in_schema(sql.DELETE_TEXT, schema), [(r,) for r in write.dead])
    connection.executemany(sql.in_schema(sql.ADD_TEXT, schema), write.texts)
    _set_state(
        connection, schema, {"batch": write.committed + 1, "low": write.low, "high": write.high}
    )


def reset_shard(
    connection: sqlite3.Connection, schema: str, number: int, count: int, generation: str
) -> None:
    """Make the shard attached as ``schema`` empty, for ``generation``; in a transaction."""
    for table in ("fts_terms", "fts", "shard"):  # the vocabulary refers to the FTS table
        connection.execute(sql.drop_table(table, schema))
    for statement in sql.statements(sql.SHARD_SCHEMA):
        connection.execute(sql.in_schema(statement, schema))
    # A file cleared in place keeps the page size it was made with; leaves larger than its
    # pages would spill into overflow pages, so those keep FTS5's default.
    if connection.execute(sql.page_size(schema)).fetchone()[0] >= PAGE_SIZE:
        connection.execute(sql.in_schema(sql.FTS_LEAF_SIZE, schema), (_LEAF_BYTES,))
    state = {"number": number, "count": count, "generation": generation}
    _set_state(connection, schema, {**state, "batch": 0, "low": 0, "high": -1})


def _set_state(connection: sqlite3.Connection, schema: str, values: dict[str, object]) -> None:
    connection.executemany(sql.in_schema(sql.SET_SHARD_STATE, schema), values.items())


def connect_shard(path: Path, busy_timeout: float) -> sqlite3.Connection:
    """A connection that writes a shard file (made if missing), set up as the index file's."""
    connection = sqlite3.connect(
        str(path), timeout=busy_timeout, isolation_level=None, check_same_thread=False
    )
    try:
        connection.execute(sql.set_page_size(PAGE_SIZE))  # a new, empty file only
        mode = connection.execute(sql.JOURNAL_WAL).fetchone()[0]
        if str(mode).lower() != "wal":
            raise sqlite3.OperationalError(f"cannot use WAL mode (journal mode {mode})")
        connection.execute(sql.SYNCHRONOUS_NORMAL)
        connection.execute(sql.set_cache_size(WRITER_CACHE_KIB))
    except BaseException:
        connection.close()
        raise
    return connection


@contextlib.contextmanager
def _shard_transaction(connection: sqlite3.Connection) -> Iterator[None]:
    connection.execute(sql.BEGIN_WRITE)
    try:
        yield
    except BaseException:
        if connection.in_transaction:
            connection.execute(sql.ROLLBACK)
        raise
    connection.execute(sql.COMMIT)


def write_shard_file(connection: sqlite3.Connection, write: ShardWrite) -> None:
    """:func:`apply_write` on a shard file's own connection, committed."""
    with _shard_transaction(connection):
        apply_write(connection, "main", write)


Writer = Callable[[list[ShardWrite]], None]
"""Writes every shard's part of a batch and commits it (one per shard, in order)."""


class TextShards:
    """The shards of one index: their files (none in memory), the connections that write
    them from this process, and how readers attach them."""

    def __init__(
        self, index_path: Path | None, busy_timeout: float, memory: sqlite3.Connection | None
    ) -> None:
        self.index_path = index_path
        """The index file; None for an index in memory (its shard attached to ``memory``)."""
        self.count = 0
        """How many shards the index has (set when it is made or opened)."""
        self.busy_timeout = busy_timeout
        self._memory = memory
        self._connections: dict[int, sqlite3.Connection] = {}

    @classmethod
    def in_memory(cls, connection: sqlite3.Connection) -> TextShards:
        """The one shard of a ``:memory:`` index, attached to its only connection."""
        connection.execute(sql.attach(schema_name(0)), (":memory:",))
        return cls(None, 0.0, connection)

    def paths(self) -> list[Path]:
        """The shard files (none in memory)."""
        if self.index_path is None:
            return []
        return [shard_path(self.index_path, number) for number in range(self.count)]

    def reset(self, generation: str, count: int) -> None:
        """Make ``count`` empty shards for ``generation``, each committed (in memory: in the
        caller's transaction). Before the index file commits its own reset: a shard left at
        an older generation than a cleared index would otherwise be taken for current."""
        self.count = count
        if self._memory is not None:
            reset_shard(self._memory, schema_name(0), 0, 1, generation)
            return
        for number in range(count):
            connection = self._connection(number)
            with _shard_transaction(connection):
                reset_shard(connection, "main", number, count, generation)

    def attach(self, reader: sqlite3.Connection, generation: str, committed: int) -> None:
        """Attach every shard to ``reader`` and check they belong to the index as it is:
        ``generation``, batch ``committed`` (or one more, being written).

        Raises ``sqlite3.DatabaseError`` when one is missing, damaged or foreign.
        """
        if self._memory is not None:
            return
        for number, path in enumerate(self.paths()):
            if not path.exists():
                raise sqlite3.DatabaseError(f"its full-text shard {path.name} is missing")
            reader.execute(sql.attach(schema_name(number)), (str(path),))
        with contextlib.ExitStack() as stack:
            reader.execute(sql.BEGIN)
            stack.callback(reader.execute, sql.COMMIT)
            for number in range(self.count):
                state = dict(reader.execute(sql.in_schema(sql.SHARD_STATE, schema_name(number))))
                mine = state.get("number") == number and state.get("count") == self.count
                current = state.get("generation") == generation or committed == 0
                in_step = committed == 0 or state.get("batch") in (committed, committed + 1)
                if not (mine and current and in_step):
                    raise sqlite3.DatabaseError(f"its full-text shard {number} is out of step")

    def write(self, batch: TextBatch, writer: Writer | None = None) -> None:
        """Write every shard's part of ``batch``: by ``writer`` (processes of their own),
        else here; each shard committed, except in memory (the caller's transaction)."""
        parts = batch.parts(self.count)
        if writer is not None:
            writer(parts)
            return
        self.write_here(parts)

    def write_here(self, parts: list[ShardWrite]) -> None:
        """Write these shards' parts from this process."""
        for part in parts:
            if self._memory is not None:
                apply_write(self._memory, schema_name(part.number), part)
            else:
                write_shard_file(self._connection(part.number), part)

    def _connection(self, number: int) -> sqlite3.Connection:
        assert self.index_path is not None
        connection = self._connections.get(number)
        if connection is None:
            connection = connect_shard(shard_path(self.index_path, number), self.busy_timeout)
            self._connections[number] = connection
        return connection

    def close(self) -> None:
        """Close this process's writing connections (opened again when needed)."""
        connections, self._connections = self._connections, {}
        for connection in connections.values():
            connection.close()
