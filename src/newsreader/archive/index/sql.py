"""Every SQL text of the index: its schema, pragmas, statements and full-text queries.

The rest of the index names these constants and never writes SQL of its own, so the schema
and every query over it can be read (and changed, with :data:`SCHEMA_VERSION`) in one place.
``?`` marks a bound value; :func:`in_list` makes the marks of an ``IN (...)`` list.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = [
    "ADD_DEAD_TEXT",
    "ADD_TEXT",
    "BEGIN",
    "BEGIN_WRITE",
    "BUMP_CHANGES",
    "CLEARED_META",
    "COMMIT",
    "COUNT_POSTS",
    "COUNT_TABLES",
    "DATABASES",
    "DEAD_TEXTS",
    "DELETE_ENTRY",
    "DELETE_TEXT",
    "DELETE_TEXTS_BETWEEN",
    "ENTRY_COLUMNS",
    "FILE_STATE",
    "FORGET_DEAD_TEXT",
    "FTS_LEAF_SIZE",
    "GENERATION",
    "HAS_NEWEST_INDEX",
    "INSERT_ENTRY",
    "INSERT_META",
    "JOURNAL_WAL",
    "LAST_ROWID",
    "LAST_SEQUENCE",
    "META",
    "NEWEST_INDEX",
    "NEWEST_POSTS",
    "POSTS_WRITTEN_BETWEEN",
    "POST_COLUMNS",
    "POST_IDS",
    "POST_IDS_WHERE",
    "POST_ROWIDS",
    "POST_ROWIDS_WHERE",
    "POST_TITLES",
    "QUERY_ONLY",
    "RECOVERED_PROBLEMS",
    "ROLLBACK",
    "SCHEMA",
    "SCHEMA_VERSION",
    "SELECT_ENTRIES",
    "SET_DATE",
    "SET_META",
    "SET_SHARD_STATE",
    "SHARD_SCHEMA",
    "SHARD_STATE",
    "SHRINK_MEMORY",
    "SKIPPED_FILES",
    "SYNCHRONOUS_NORMAL",
    "TABLES",
    "TERMS_IN_RANGE",
    "TEXT_MATCH",
    "TEXT_MATCH_BETWEEN",
    "TEXT_ROWIDS",
    "USER_VERSION",
    "VERSION",
    "VIRTUAL_TABLES",
    "ZONED_DATES",
    "attach",
    "drop_table",
    "ids_of_rowids",
    "in_list",
    "in_schema",
    "page_size",
    "posts_by_id",
    "posts_named",
    "rowids_matching",
    "rows_of_files",
    "set_cache_size",
    "set_page_size",
    "set_user_version",
    "stamps_of_files",
    "statements",
    "text_rowids",
]

SCHEMA_VERSION: Final = 6
"""Stored in ``PRAGMA user_version``; bump it whenever the schema or the row encoding change.

6: the full-text table moved out to shard files (see :mod:`.texts`)."""

# --- schema -------------------------------------------------------------------------------

SCHEMA: Final = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
-- One row per file found (a post, a skipped file, or a file that is not a post), keyed by
-- its fsencoded relative path. AUTOINCREMENT: a rowid is never reused, so a rowid another
-- program deleted can never come back naming a different post.
CREATE TABLE entries(
    rowid INTEGER PRIMARY KEY AUTOINCREMENT,
    rel BLOB NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    kind INTEGER NOT NULL,
    id TEXT NOT NULL,
    path BLOB,
    title TEXT NOT NULL,
    us INTEGER NOT NULL,
    utc_offset INTEGER NOT NULL,
    categories TEXT NOT NULL,
    tags TEXT NOT NULL,
    source_url TEXT,
    problems TEXT,
    -- draft, unpublished, the converter and the date's basis (see rows.FLAG_FIELDS)
    flags INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX entries_id ON entries(id);
-- Rowids of posts deleted from entries whose texts the shards still hold: they are deleted
-- there only once the entries' deletion is committed (see texts.py).
CREATE TABLE dead_texts(rowid INTEGER PRIMARY KEY);
"""
NEWEST_INDEX: Final = """
-- The newest posts in the reader's order, read first so a start shows a list at once.
-- Added to schema 2 without a new version (see store._add_newest_index): no index is rebuilt.
CREATE INDEX IF NOT EXISTS entries_newest ON entries(us, id) WHERE kind = 0;
"""
SHARD_SCHEMA: Final = """
-- Which index and which of its write batches this shard holds (see texts.py).
CREATE TABLE shard(key TEXT PRIMARY KEY, value NOT NULL) WITHOUT ROWID;
CREATE VIRTUAL TABLE fts USING fts5(
    text, tokenize = 'trigram case_sensitive 1', detail = full, columnsize = 0
);
CREATE VIRTUAL TABLE fts_terms USING fts5vocab(fts, 'row');
-- Measured on a 100,000-post cold build (FTS CPU time): the default 1 MB of pending data
-- per segment doubles it; merging 12 segments at a time instead of 4 saves a third.
-- columnsize = 0: no per-row token counts (only ranking reads them; search does not rank):
-- 8% less build CPU (benchmarks/search_engines.py, 20,000 real-shaped posts: 17.4 s, 18.9 s).
INSERT INTO fts(fts, rank) VALUES ('hashsize', 67108864);
INSERT INTO fts(fts, rank) VALUES ('automerge', 12);
"""
"""A shard file's schema, made in its own connection (its tables then live in ``main``)."""
FTS_LEAF_SIZE: Final = "INSERT INTO fts(fts, rank) VALUES ('pgsz', ?)"
"""Sets FTS5's leaf size (``pgsz``) in bytes."""


def statements(script: str) -> list[str]:
    """The statements of a script such as :data:`SCHEMA`, without its ``--`` comments."""
    lines = [line for line in script.splitlines() if not line.lstrip().startswith("--")]
    return [statement.strip() for statement in "\n".join(lines).split(";") if statement.strip()]


# --- transactions -------------------------------------------------------------------------

BEGIN: Final = "BEGIN"
BEGIN_WRITE: Final = "BEGIN IMMEDIATE"
"""Takes the write lock up front, instead of failing half-way through a write."""
COMMIT: Final = "COMMIT"
ROLLBACK: Final = "ROLLBACK"

# --- pragmas (they take no bound values) and the schema's own tables ----------------------

JOURNAL_WAL: Final = "PRAGMA journal_mode = WAL"
SYNCHRONOUS_NORMAL: Final = "PRAGMA synchronous = NORMAL"
QUERY_ONLY: Final = "PRAGMA query_only = 1"
SHRINK_MEMORY: Final = "PRAGMA shrink_memory"
USER_VERSION: Final = "PRAGMA user_version"


def set_page_size(size: int) -> str:
    """Sets the page size of a new, empty file."""
    return f"PRAGMA page_size = {int(size)}"


def set_cache_size(kib: int) -> str:
    """Sets this connection's page cache, in KiB."""
    return f"PRAGMA cache_size = -{int(kib)}"


def set_user_version(version: int) -> str:
    """Records the schema version in the file."""
    return f"PRAGMA user_version = {int(version)}"


COUNT_TABLES: Final = "SELECT count(*) FROM sqlite_master"
HAS_NEWEST_INDEX: Final = (
    "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'entries_newest'"
)
VIRTUAL_TABLES: Final = (
    "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL%'"
)
TABLES: Final = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"


def drop_table(name: object, schema: str = "main") -> str:
    """``DROP TABLE`` of a table named by the database itself (quoted as an identifier)."""
    return f"DROP TABLE IF EXISTS {_identifier(schema)}.{_identifier(str(name))}"


def page_size(schema: str) -> str:
    """The page size of the database attached as ``schema``."""
    return f"PRAGMA {_identifier(schema)}.page_size"


# --- meta ---------------------------------------------------------------------------------

META: Final = "SELECT key, value FROM meta"
INSERT_META: Final = "INSERT INTO meta(key, value) VALUES (?, ?)"
CLEARED_META: Final = "SELECT key, value FROM meta WHERE key != 'generation'"
"""What a cleared index keeps (its root and options); it gets a new generation."""
GENERATION: Final = "SELECT value FROM meta WHERE key = 'generation'"
VERSION: Final = "SELECT key, value FROM meta WHERE key IN ('generation', 'changes')"
BUMP_CHANGES: Final = "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'changes'"
"""Run by every write transaction: a snapshot of the rows names the count it copied."""

# --- entries ------------------------------------------------------------------------------

ENTRY_COLUMNS: Final = (
    "id, path, title, us, utc_offset, categories, tags, source_url, problems, flags,"
    " rel, size, mtime_ns, kind"
)
"""The ``entries`` columns read as posts, in the order of
:class:`~newsreader.archive.index.rows.EntryRow`: the post, then the file."""
SELECT_ENTRIES: Final = f"SELECT {ENTRY_COLUMNS} FROM entries"
FILE_STATE: Final = "SELECT rel, size, mtime_ns, kind FROM entries"
"""The files indexed, as :class:`~newsreader.archive.index.rows.FileRow`: the end of an entry."""
INSERT_ENTRY: Final = (
    "INSERT INTO entries(rowid, rel, size, mtime_ns, kind, id, path, title, us,"
    " utc_offset, categories, tags, source_url, problems, flags)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
DELETE_ENTRY: Final = "DELETE FROM entries WHERE rowid = ?"
ADD_DEAD_TEXT: Final = "INSERT OR IGNORE INTO dead_texts(rowid) VALUES (?)"
DEAD_TEXTS: Final = "SELECT rowid FROM dead_texts"
FORGET_DEAD_TEXT: Final = "DELETE FROM dead_texts WHERE rowid = ?"
LAST_SEQUENCE: Final = "SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = 'entries'"
LAST_ROWID: Final = "SELECT coalesce(max(rowid), 0) FROM entries"
NEWEST_POSTS: Final = f"{SELECT_ENTRIES} WHERE kind = 0 ORDER BY us DESC, id DESC LIMIT ?"
COUNT_POSTS: Final = "SELECT count(*) FROM entries WHERE kind = 0"
POSTS_WRITTEN_BETWEEN: Final = f"{SELECT_ENTRIES} WHERE kind = 0 AND rowid > ? AND rowid <= ?"
SKIPPED_FILES: Final = "SELECT id, title FROM entries WHERE kind = ? ORDER BY id"
RECOVERED_PROBLEMS: Final = (
    "SELECT id, problems FROM entries WHERE kind = 0 AND problems IS NOT NULL ORDER BY id"
)
POST_IDS: Final = "SELECT id FROM entries WHERE kind = 0"
ZONED_DATES: Final = (
    "SELECT rowid, us, utc_offset, flags FROM entries WHERE kind = 0 AND flags >= ?"
)
"""The posts whose dates depend on the zone (``rows.DATE_BASIS_STEP`` is bound)."""
POST_COLUMNS: Final = (
    "SELECT rowid, id, us, utc_offset, categories, tags, flags FROM entries"
    " WHERE kind = 0 ORDER BY us DESC, id DESC"
)
"""What the reader keeps of every post (``archive.columns``), newest first: read along the
``entries_newest`` index, so nothing is sorted."""
POST_TITLES: Final = "SELECT id, title FROM entries WHERE kind = 0"
SET_DATE: Final = "UPDATE entries SET us = ?, utc_offset = ? WHERE rowid = ?"
SET_META: Final = "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)"


# --- the full-text shards (see texts.py); ``schema`` is the shard's name on the connection -

DATABASES: Final = "PRAGMA database_list"
SHARD_STATE: Final = "SELECT key, value FROM shard"
SET_SHARD_STATE: Final = "INSERT OR REPLACE INTO shard(key, value) VALUES (?, ?)"
ADD_TEXT: Final = "INSERT INTO fts(rowid, text) VALUES (?, ?)"
DELETE_TEXT: Final = "DELETE FROM fts WHERE rowid = ?"
DELETE_TEXTS_BETWEEN: Final = "DELETE FROM fts WHERE rowid BETWEEN ? AND ?"
TEXT_ROWIDS: Final = "SELECT rowid FROM fts"


def attach(schema: str) -> str:
    """Attaches the database file bound as the one value under the name ``schema``."""
    return f"ATTACH DATABASE ? AS {_identifier(schema)}"


def in_schema(statement: str, schema: str) -> str:
    """One of the shard statements above (``shard``, ``fts`` and ``fts_terms``, named once
    each) aimed at the shard attached as ``schema``."""
    if schema == "main":
        return statement
    name = _identifier(schema)
    return re.sub(r"\b(FROM|INTO|TABLE) (shard|fts_terms|fts)\b", rf"\1 {name}.\2", statement)


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def in_list(count: int) -> str:
    """The ``?`` marks of an ``IN (...)`` list of ``count`` values."""
    return ", ".join("?" * count)


def posts_by_id(count: int) -> str:
    """The posts among ``count`` ids."""
    return f"{SELECT_ENTRIES} WHERE kind = 0 AND id IN ({in_list(count)})"


def ids_of_rowids(count: int) -> str:
    """The ids of the posts among ``count`` rowids."""
    return f"SELECT id FROM entries WHERE kind = 0 AND rowid IN ({in_list(count)})"


def posts_named(urls: int, titles: int) -> str:
    """The posts whose source address is among ``urls`` values or title among ``titles``."""
    return (
        f"{SELECT_ENTRIES} WHERE kind = 0 AND"
        f" (source_url IN ({in_list(urls)}) OR title IN ({in_list(titles)}))"
    )


def stamps_of_files(count: int) -> str:
    """``rel, size, mtime_ns, kind, id`` of ``count`` files, by ``rel``."""
    return f"SELECT rel, size, mtime_ns, kind, id FROM entries WHERE rel IN ({in_list(count)})"


def rows_of_files(count: int) -> str:
    """``rowid, kind`` of ``count`` files, by ``rel``."""
    return f"SELECT rowid, kind FROM entries WHERE rel IN ({in_list(count)})"


# --- full-text search ---------------------------------------------------------------------

TERMS_IN_RANGE: Final = "SELECT term FROM fts_terms WHERE term >= ? AND term < ?"
"""The indexed trigrams in a range of text (those starting with a short term)."""
TEXT_MATCH: Final = "SELECT rowid FROM fts WHERE fts MATCH ?"
"""The rowids whose text matches an FTS5 expression."""
TEXT_MATCH_BETWEEN: Final = f"{TEXT_MATCH} AND rowid BETWEEN ? AND ?"
"""As :data:`TEXT_MATCH`, among the rowids of a range: FTS5 seeks each term's list of rowids
to the range instead of reading all of it."""
POST_IDS_WHERE: Final = "SELECT id FROM entries WHERE kind = 0 AND "
"""The posts meeting a condition (a :func:`rowids_matching` one)."""
POST_ROWIDS: Final = "SELECT rowid FROM entries WHERE kind = 0"
POST_ROWIDS_WHERE: Final = "SELECT rowid FROM entries WHERE kind = 0 AND "
"""The rowids of the posts meeting a condition (a :func:`rowids_matching` one)."""


def text_rowids(schemas: list[str]) -> str:
    """The rowids of the texts matching one FTS5 expression per shard, bound in the order
    of ``schemas``."""
    return " UNION ALL ".join(in_schema(TEXT_MATCH, schema) for schema in schemas)


def rowids_matching(schemas: list[str], *, negated: bool = False, between: bool = False) -> str:
    """``rowid IN (...)`` (or ``NOT IN``) the texts matching one FTS5 expression per shard,
    bound in the order of ``schemas``. ``between``: only rowids in a range, bound first
    (``low, high``) and after each expression again."""
    match = TEXT_MATCH_BETWEEN if between else TEXT_MATCH
    union = " UNION ALL ".join(in_schema(match, schema) for schema in schemas)
    condition = f"rowid {'NOT IN' if negated else 'IN'} ({union})"
    return f"rowid BETWEEN ? AND ? AND {condition}" if between else condition
