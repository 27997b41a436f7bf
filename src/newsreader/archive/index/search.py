"""Full-text search in the index: any substring, Chinese or not, case-insensitive.

Every post's :func:`~newsreader.archive.query.search_text` (already case-folded) is stored
in an FTS5 table of one of the full-text shards (see :mod:`.texts`), with the ``trigram``
tokenizer, ``case_sensitive 1`` (the text is folded by Python exactly as
:class:`~newsreader.archive.query.SearchTerms` folds a query, so SQLite must not fold again)
and ``detail=full``. Answers are exactly ``SearchTerms.matches(search_text(post))``'s, and a
whole query is one ``MATCH`` a shard:

* A term of 3+ characters is an FTS5 phrase: consecutive trigrams, i.e. a substring.
* A term of 1 or 2 characters has no trigram of its own, but every occurrence of it begins
  some trigram, because each text ends with two :data:`~.rows.SENTINEL` characters. So
  the posts holding it are those holding any indexed trigram that starts with it: the
  ``fts5vocab`` table lists those trigrams by term range (a few, or a few hundred), and the
  term becomes ``("合作协" OR "合作空" OR ...)``.
* Required terms are ANDed; excluded ones follow a ``NOT``; a query of exclusions only is
  every post ``NOT IN`` the matches.
* Each shard gets its own expression (its vocabulary has its own trigrams; a shard lacking
  a required term is left out) and the rowids matched in all of them, ``UNION ALL``, are
  looked up in ``entries``: a text is found only when its entry is committed.
* :meth:`TextCondition.where` can keep to a range of rowids, which FTS5 seeks to in each
  term's list: how a page of the newest matches is read (see :mod:`.lookup`).

Measured at 100,000 posts (2-character ``合作``, in 62% of the posts): this OR of trigrams
~20 ms; the "instance" vocabulary table (every occurrence, then DISTINCT) ~90 ms; ``instr``
over every text ~450 ms. A second FTS table with one token per CJK character would answer
short terms as phrases, but cost the cold build about as much again as the trigram table.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Final

from newsreader.archive.index import sql
from newsreader.archive.index.texts import schema_name, shard_number
from newsreader.archive.query import SearchTerms

__all__ = [
    "SHORT_TERM",
    "TextCondition",
    "match_expression",
    "matching_ids",
    "matching_rowids",
    "shard_schemas",
    "text_condition",
]

SHORT_TERM: Final = 3
"""Terms shorter than this have no trigram of their own."""


def matching_ids(connection: sqlite3.Connection, terms: SearchTerms) -> set[str]:
    """The ids of the posts whose search text holds every required term and no excluded one.

    Call inside a read transaction: the vocabulary lookups and the query must see one state.
    """
    condition = text_condition(connection, terms)
    if condition is None:
        return set()
    where, values = condition.where()
    query = sql.POST_IDS_WHERE + where if where else sql.POST_IDS
    return {post_id for (post_id,) in connection.execute(query, values)}


def matching_rowids(connection: sqlite3.Connection, terms: SearchTerms) -> list[int]:
    """The rowids of the posts matching ``terms``, from the full-text shards alone when
    terms are required (no lookup in ``entries``: 0.14 s instead of 0.58 s for half a
    million matches at 1M posts). A rowid whose entry is not (yet, or any more) a post may
    be among them: the caller keeps those of the posts it lists.

    Call inside a read transaction.
    """
    condition = text_condition(connection, terms)
    if condition is None:
        return []
    if condition.expressions and not condition.negated:
        schemas = [schema for schema, _ in condition.expressions]
        values = [expression for _, expression in condition.expressions]
        return [rowid for (rowid,) in connection.execute(sql.text_rowids(schemas), values)]
    where, bound = condition.where()
    statement = sql.POST_ROWIDS_WHERE + where if where else sql.POST_ROWIDS
    return [rowid for (rowid,) in connection.execute(statement, bound)]


@dataclass(frozen=True, slots=True)
class TextCondition:
    """Which posts' texts match some terms: one FTS5 expression per shard asked."""

    expressions: tuple[tuple[str, str], ...]
    """``(shard schema, FTS5 expression)``; none when every post matches."""
    negated: bool
    """True for a query of exclusions only: the posts *not* matching the expressions."""

    def where(self, between: tuple[int, int] | None = None) -> tuple[str, list[object]]:
        """A condition on ``entries.rowid`` and its bound values (``""`` when every post
        matches). ``between``: a ``(low, high)`` range of rowids the condition also holds
        to, so that each shard reads only that part of its lists (the newest posts of a
        cold-built index have neighbouring rowids)."""
        if not self.expressions:
            return ("", []) if between is None else ("rowid BETWEEN ? AND ?", [*between])
        schemas = [schema for schema, _ in self.expressions]
        where = sql.rowids_matching(schemas, negated=self.negated, between=between is not None)
        values: list[object] = [*between] if between is not None else []
        for _, expression in self.expressions:
            values.extend([expression] if between is None else [expression, *between])
        return where, values


def text_condition(connection: sqlite3.Connection, terms: SearchTerms) -> TextCondition | None:
    """Which posts match ``terms`` (see :class:`TextCondition`); None when none can.

    Call inside a read transaction.
    """
    # The index file first: its state is then the one read, and the shards' (read next) is
    # at least as new, so every text of an entry it holds is there (texts are committed
    # before their entries and deleted after them).
    connection.execute(sql.GENERATION).fetchall()
    required: list[tuple[str, str]] = []
    excluded: list[tuple[str, str]] = []
    for schema in shard_schemas(connection):
        expression = match_expression(connection, terms, schema)
        if expression is None:
            continue
        wanted, unwanted = expression
        if wanted:
            required.append((schema, f"({wanted}) NOT ({unwanted})" if unwanted else wanted))
        elif unwanted:
            excluded.append((schema, unwanted))
    if terms.required:
        if not required:
            return None
        return TextCondition(tuple(required), negated=False)
    return TextCondition(tuple(excluded), negated=True)


def shard_schemas(connection: sqlite3.Connection) -> list[str]:
    """The names of the full-text shards attached to ``connection``, in shard order."""
    numbered = (shard_number(str(row[1])) for row in connection.execute(sql.DATABASES))
    return [schema_name(number) for number in sorted(n for n in numbered if n is not None)]


def match_expression(
    connection: sqlite3.Connection, terms: SearchTerms, schema: str = "main"
) -> tuple[str, str] | None:
    """``(required, excluded)`` FTS5 expressions for the table ``fts`` of ``schema`` ("" when
    there is none of a kind), or None when a required term occurs nowhere in it, so nothing
    there can match."""
    required: list[str] = []
    for term in terms.required:
        group = _term_expression(connection, term, schema)
        if group is None:
            return None
        required.append(group)
    excluded = [
        group
        for group in (_term_expression(connection, term, schema) for term in terms.excluded)
        if group is not None
    ]
    return " AND ".join(required), " OR ".join(excluded)


def _term_expression(connection: sqlite3.Connection, term: str, schema: str) -> str | None:
    """An FTS5 expression matching the texts that hold ``term``; None if none can."""
    if len(term) >= SHORT_TERM:
        return _phrase(term)
    low, high = _prefix_range(term)
    terms_in_range = sql.in_schema(sql.TERMS_IN_RANGE, schema)
    rows = connection.execute(terms_in_range, (low, high)).fetchall()
    if not rows:
        return None
    return "(" + " OR ".join(_phrase(trigram) for (trigram,) in rows) + ")"


def _phrase(term: str) -> str:
    # An FTS5 string: anything between double quotes, a quote doubled.
    return '"' + term.replace('"', '""') + '"'


def _prefix_range(term: str) -> tuple[str, str]:
    """``[low, high)`` holding exactly the strings that start with ``term``."""
    following = ord(term[-1]) + 1
    if 0xD800 <= following <= 0xDFFF:
        # Surrogates cannot be encoded; the next encodable code point is U+E000.
        following = 0xE000
    if following > 0x10FFFF:
        # It ends with the last code point: bound it by a string above any trigram.
        return term, term[:-1] + "\U0010ffff" * 4
    return term, term[:-1] + chr(following)
