"""Full-text search in the index: any substring, Chinese or not, case-insensitive.

Every post's :func:`~newsreader.archive.query.search_text` (already case-folded) is stored
in one FTS5 table with the ``trigram`` tokenizer, ``case_sensitive 1`` (the text is folded by
Python exactly as :class:`~newsreader.archive.query.SearchTerms` folds a query, so SQLite
must not fold again) and ``detail=full``. Answers are exactly
``SearchTerms.matches(search_text(post))``'s, and a whole query is one ``MATCH``:

* A term of 3+ characters is an FTS5 phrase: consecutive trigrams, i.e. a substring.
* A term of 1 or 2 characters has no trigram of its own, but every occurrence of it begins
  some trigram, because each text ends with two :data:`~.rows.SENTINEL` characters. So
  the posts holding it are those holding any indexed trigram that starts with it: the
  ``fts5vocab`` table lists those trigrams by term range (a few, or a few hundred), and the
  term becomes ``("合作协" OR "合作空" OR ...)``.
* Required terms are ANDed; excluded ones follow a ``NOT``; a query of exclusions only is
  every post ``EXCEPT`` the matches.

Measured at 100,000 posts (2-character ``合作``, in 62% of the posts): this OR of trigrams
~20 ms; the "instance" vocabulary table (every occurrence, then DISTINCT) ~90 ms; ``instr``
over every text ~450 ms. A second FTS table with one token per CJK character would answer
short terms as phrases, but cost the cold build about as much again as the trigram table.
"""

from __future__ import annotations

import sqlite3
from typing import Final

from newsreader.archive.index import sql
from newsreader.archive.query import SearchTerms

__all__ = ["SHORT_TERM", "match_expression", "matching_ids"]

SHORT_TERM: Final = 3
"""Terms shorter than this have no trigram of their own."""


def matching_ids(connection: sqlite3.Connection, terms: SearchTerms) -> set[str]:
    """The ids of the posts whose search text holds every required term and no excluded one.

    Call inside a read transaction: the vocabulary lookups and the query must see one state.
    """
    expression = match_expression(connection, terms)
    if expression is None:
        return set()
    required, excluded = expression
    if required:
        where = f"({required}) NOT ({excluded})" if excluded else required
        return {post_id for (post_id,) in connection.execute(sql.TEXT_MATCHES, (where,))}
    if not excluded:
        return {post_id for (post_id,) in connection.execute(sql.POST_IDS)}
    return {post_id for (post_id,) in connection.execute(sql.TEXT_MISSES, (excluded,))}


def match_expression(connection: sqlite3.Connection, terms: SearchTerms) -> tuple[str, str] | None:
    """``(required, excluded)`` FTS5 expressions ("" when there is none of a kind), or None
    when a required term occurs nowhere, so nothing can match."""
    required: list[str] = []
    for term in terms.required:
        group = _term_expression(connection, term)
        if group is None:
            return None
        required.append(group)
    excluded = [
        group
        for group in (_term_expression(connection, term) for term in terms.excluded)
        if group is not None
    ]
    return " AND ".join(required), " OR ".join(excluded)


def _term_expression(connection: sqlite3.Connection, term: str) -> str | None:
    """An FTS5 expression matching the texts that hold ``term``; None if none can."""
    if len(term) >= SHORT_TERM:
        return _phrase(term)
    low, high = _prefix_range(term)
    rows = connection.execute(sql.TERMS_IN_RANGE, (low, high)).fetchall()
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
