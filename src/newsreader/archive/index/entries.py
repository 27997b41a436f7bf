"""The ``entries`` table (and its texts in the full-text shards) read and written: rows in,
rows out.

Each function works on one connection, inside whatever lock its caller holds; the ones that
write open their own write transaction (:func:`~.store.write_transaction`), the ones that
read several things open a read transaction, so what they return is one committed state.
Texts are written to the shards inside the transaction that writes their entries, and
deleted after it, as :mod:`.texts` explains.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Final

from newsreader.archive.columns import Columns, packed, unpacked
from newsreader.archive.index import sql
from newsreader.archive.index.rows import (
    KIND_POST,
    KIND_SKIPPED,
    EntryRow,
    ParsedFile,
    Row,
    RowDecoder,
    file_states,
    problems_of,
)
from newsreader.archive.index.snapshot import is_current, load_snapshot, save_snapshot
from newsreader.archive.index.store import (
    IN_LIMIT,
    generation,
    read_transaction,
    reset_schema,
    version,
    write_transaction,
)
from newsreader.archive.index.texts import TextBatch, TextShards, Writer
from newsreader.archive.post import Problem
from newsreader.archive.scan import FileStamp, RelPath

__all__ = [
    "all_rows",
    "clear",
    "copy_to_snapshot",
    "delete_files",
    "delete_rows",
    "file_state",
    "ids_of_rowids",
    "newest_rows",
    "post_ids",
    "read_columns",
    "recovered_problems",
    "rows_by_id",
    "rows_named",
    "rows_written_after",
    "save_columns",
    "settle_texts",
    "skipped_problems",
    "stamped_elsewhere",
    "titles",
    "write_parsed",
]


def write_parsed(
    connection: sqlite3.Connection,
    texts: TextShards,
    batch: list[ParsedFile],
    writer: Writer | None = None,
) -> None:
    """Upsert parsed files and their texts, in one transaction (see :mod:`.texts`)."""
    with write_transaction(connection):
        dead = _dead_texts(connection)  # committed deletions only: read before this batch's
        delete_rows(connection, [parsed.rel for parsed in batch])
        # Rowids are given here (the write lock is held), so texts can go in by rowid; from
        # the AUTOINCREMENT sequence, so none is ever reused once committed.
        base = max(
            connection.execute(sql.LAST_SEQUENCE).fetchone()[0],
            connection.execute(sql.LAST_ROWID).fetchone()[0],
        )
        connection.executemany(
            sql.INSERT_ENTRY,
            [
                (
                    base + number,
                    parsed.rel,
                    parsed.size,
                    parsed.mtime_ns,
                    parsed.kind,
                    parsed.post_id,
                    parsed.real_path,
                    parsed.title,
                    parsed.micros,
                    parsed.utc_offset,
                    parsed.categories,
                    parsed.tags,
                    parsed.source_url,
                    parsed.problems,
                    parsed.flags,
                )
                for number, parsed in enumerate(batch, 1)
            ],
        )
        new_texts = [
            (base + number, parsed.text)
            for number, parsed in enumerate(batch, 1)
            if parsed.text is not None
        ]
        _write_texts(connection, texts, dead, new_texts, base + 1, base + len(batch), writer)


def settle_texts(
    connection: sqlite3.Connection, texts: TextShards, *, interrupted: bool = False
) -> None:
    """Delete from the shards the texts of entries whose deletion is committed, and
    (``interrupted``: a write was) the texts of a batch whose entries were not."""
    if not interrupted and not connection.execute(sql.DEAD_TEXTS).fetchone():
        return
    with write_transaction(connection):
        _write_texts(connection, texts, _dead_texts(connection), [], 0, -1, None)


def _dead_texts(connection: sqlite3.Connection) -> list[int]:
    return [rowid for (rowid,) in connection.execute(sql.DEAD_TEXTS)]


def _write_texts(
    connection: sqlite3.Connection,
    texts: TextShards,
    dead: list[int],
    new_texts: list[tuple[int, str]],
    low: int,
    high: int,
    writer: Writer | None,
) -> None:
    """Write a batch's texts to the shards (each commits), then record it as written; in
    the write transaction, which then commits the entries and the batch together."""
    meta = dict(connection.execute(sql.META).fetchall())
    committed = int(meta["batch"])
    texts.write(TextBatch(meta["generation"], committed, low, high, dead, new_texts), writer)
    connection.executemany(sql.FORGET_DEAD_TEXT, [(rowid,) for rowid in dead])
    connection.execute(sql.SET_META, ("batch", str(committed + 1)))


def delete_files(connection: sqlite3.Connection, rels: list[RelPath]) -> None:
    """Delete these files' rows, in one transaction; their texts wait for
    :func:`settle_texts` (or the next :func:`write_parsed`)."""
    with write_transaction(connection):
        delete_rows(connection, rels)


def delete_rows(connection: sqlite3.Connection, rels: list[RelPath]) -> None:
    """Delete the entries of these files; the texts of those that were posts become dead."""
    rows: list[tuple[int, int]] = []
    for start in range(0, len(rels), IN_LIMIT):
        part = rels[start : start + IN_LIMIT]
        rows.extend(connection.execute(sql.rows_of_files(len(part)), part))
    if not rows:
        return
    connection.executemany(
        sql.ADD_DEAD_TEXT, [(rowid,) for rowid, kind in rows if kind == KIND_POST]
    )
    connection.executemany(sql.DELETE_ENTRY, [(rowid,) for rowid, _ in rows])


def stamped_elsewhere(
    connection: sqlite3.Connection, wanted: Mapping[RelPath, FileStamp]
) -> dict[RelPath, tuple[int, str]]:
    """``rel -> (kind, id)`` of the files the index already holds with these stamps."""
    rels = list(wanted)
    found: dict[RelPath, tuple[int, str]] = {}
    for start in range(0, len(rels), IN_LIMIT):
        part = rels[start : start + IN_LIMIT]
        for rel, size, mtime_ns, kind, post_id in connection.execute(
            sql.stamps_of_files(len(part)), part
        ):
            if wanted[rel] == (size, mtime_ns):
                found[rel] = (kind, post_id)
    return found


def clear(connection: sqlite3.Connection, texts: TextShards) -> str:
    """Empty the index, keeping its root and options; returns its new generation."""
    with write_transaction(connection):
        reset_schema(connection, dict(connection.execute(sql.CLEARED_META)), texts)
    return generation(connection)


def file_state(
    connection: sqlite3.Connection,
) -> tuple[tuple[dict[RelPath, FileStamp], set[RelPath]], str]:
    """Every file's stamp and which files are posts (:func:`~.rows.file_states`), and the
    generation they belong to; the rows are taken as they come (a million of them held at
    once would add ~150 MB to the reader's peak at its first look)."""
    with read_transaction(connection):
        return file_states(connection.execute(sql.FILE_STATE)), generation(connection)


def all_rows(connection: sqlite3.Connection) -> tuple[list[Row], str, int]:
    """Every entry row, with the index's generation and change count.

    One read transaction and one pass (SQLite costs per row, not per column) for the posts
    and the files.
    """
    with read_transaction(connection):
        current, changes = version(connection)
        return connection.execute(sql.SELECT_ENTRIES).fetchall(), current, changes


def read_columns(
    connection: sqlite3.Connection, decoder: RowDecoder, snapshot: Path | None
) -> tuple[Columns, list[Problem], str, int, bool]:
    """What the reader keeps of every post, from the snapshot at ``snapshot`` when it is
    current, the skipped files, the index's generation and change count, and whether the
    snapshot gave the columns. One read transaction; rows are decoded as they come (a
    million rows held at once would be hundreds of MB)."""
    with read_transaction(connection):
        current, changes = version(connection)
        columns = None
        if snapshot is not None and changes >= 0:
            found = load_snapshot(snapshot, current, changes)
            if found is not None and len(found) == 1:
                columns = unpacked(found[0], decoder.words)
        from_snapshot = columns is not None
        if columns is None:
            columns = decoder.columns(connection.execute(sql.POST_COLUMNS))
        skipped = skipped_problems(connection)
    return columns, skipped, current, changes, from_snapshot


def save_columns(path: Path, current: str, changes: int, columns: Columns) -> None:
    """Write the snapshot of ``columns`` (of generation ``current`` and change count
    ``changes``); raises ``OSError``."""
    save_snapshot(path, current, changes, [[packed(columns)]])


def copy_to_snapshot(connection: sqlite3.Connection, path: Path, decoder: RowDecoder) -> None:
    """Write the reader's columns to the snapshot at ``path``, unless it is current already.

    Raises ``OSError`` or ``sqlite3.Error``.
    """
    with read_transaction(connection):
        current, changes = version(connection)
        if changes < 0 or is_current(path, current, changes):
            return
        columns = decoder.columns(connection.execute(sql.POST_COLUMNS))
    save_columns(path, current, changes, columns)


def titles(connection: sqlite3.Connection) -> dict[str, str]:
    """Every post's title, by id."""
    return dict(connection.execute(sql.POST_TITLES).fetchall())


def rows_by_id(connection: sqlite3.Connection, ids: list[str]) -> list[Row]:
    """The entry rows of the posts among ``ids``, in no order."""
    rows: list[Row] = []
    for start in range(0, len(ids), IN_LIMIT):
        part = ids[start : start + IN_LIMIT]
        rows.extend(connection.execute(sql.posts_by_id(len(part)), part))
    return rows


def ids_of_rowids(connection: sqlite3.Connection, rowids: list[int]) -> set[str]:
    """The ids of the posts among these rowids."""
    found: set[str] = set()
    for start in range(0, len(rowids), IN_LIMIT):
        part = rowids[start : start + IN_LIMIT]
        found.update(
            post_id for (post_id,) in connection.execute(sql.ids_of_rowids(len(part)), part)
        )
    return found


def rows_named(connection: sqlite3.Connection, urls: list[str], titles: list[str]) -> list[Row]:
    """The entry rows of the posts with one of these source addresses or titles (one pass
    over the table per part of ``IN_LIMIT`` values: run only for marks of moved files)."""
    rows: dict[str, Row] = {}
    half = IN_LIMIT // 2
    for start in range(0, max(len(urls), len(titles)), half):
        some_urls, some_titles = urls[start : start + half], titles[start : start + half]
        statement = sql.posts_named(len(some_urls), len(some_titles))
        for row in connection.execute(statement, [*some_urls, *some_titles]):
            rows[row[0]] = row
    return list(rows.values())


def newest_rows(connection: sqlite3.Connection, limit: int) -> tuple[list[Row], int]:
    """The entry rows of the ``limit`` newest posts, newest first, and the count of posts."""
    with read_transaction(connection):
        rows = connection.execute(sql.NEWEST_POSTS, (max(limit, 0),)).fetchall()
        (total,) = connection.execute(sql.COUNT_POSTS).fetchone()
    return rows, int(total)


def rows_written_after(connection: sqlite3.Connection, row: int) -> tuple[list[Row], int]:
    """The entry rows of the posts written after row number ``row``, and the last row number."""
    with read_transaction(connection):
        (last,) = connection.execute(sql.LAST_ROWID).fetchone()
        rows = connection.execute(sql.POSTS_WRITTEN_BETWEEN, (row, last)).fetchall()
    return rows, int(last)


_ENTRY_KIND: Final = EntryRow._fields.index("kind")
_ENTRY_TITLE: Final = EntryRow._fields.index("title")
"""A skipped file's row holds its message where a post's holds its title."""


def skipped_in(rows: list[Row]) -> list[Problem]:
    """The files that could not be loaded, by id, among entry rows (as the query orders them)."""
    kind, title = _ENTRY_KIND, _ENTRY_TITLE
    found = [Problem(row[0], row[title]) for row in rows if row[kind] == KIND_SKIPPED]
    found.sort(key=lambda problem: problem.path)
    return found


def skipped_problems(connection: sqlite3.Connection) -> list[Problem]:
    """The files that could not be loaded, by id."""
    rows = connection.execute(sql.SKIPPED_FILES, (KIND_SKIPPED,)).fetchall()
    return [Problem(post_id, message) for post_id, message in rows]


def recovered_problems(connection: sqlite3.Connection) -> list[Problem]:
    """The problems of the posts loaded despite them, by id."""
    return problems_of(connection.execute(sql.RECOVERED_PROBLEMS).fetchall())


def post_ids(connection: sqlite3.Connection) -> list[str]:
    """Every post's id."""
    return [post_id for (post_id,) in connection.execute(sql.POST_IDS).fetchall()]
