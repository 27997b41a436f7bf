"""Filters over posts: category, tag, date range and text, combined."""

from __future__ import annotations

import html
import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass, replace

from newsreader.archive.dates import DateRange
from newsreader.archive.post import Post

_TAG = re.compile(r"<[^>]*>")
_URL = re.compile(r"(?:https?:)?//\S+")
_SPACE = re.compile(r"\s+")
# Search text has its whitespace runs made single spaces (`search_text`): a line break or a
# tab in shown text matches a space of a phrase too.
_SPACES = str.maketrans("\n\t\r\f\v\xa0\u3000", "       ")


@dataclass(frozen=True, slots=True)
class SearchTerms:
    """A search as typed: every word must appear, ``"a phrase"`` as one, ``-word`` must not."""

    required: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str) -> SearchTerms:
        """Split a query into words and phrases, case-folded."""
        try:
            words = shlex.split(text, posix=True)
        except ValueError:
            # An unclosed quote while the user is still typing: read it as plain words.
            words = text.replace('"', " ").split()
        required: list[str] = []
        excluded: list[str] = []
        for word in words:
            if word.startswith("-") and len(word) > 1:
                excluded.append(word[1:].casefold())
            elif word:
                required.append(word.casefold())
        return cls(tuple(required), tuple(excluded))

    def __bool__(self) -> bool:
        return bool(self.required or self.excluded)

    def matches(self, haystack: str) -> bool:
        """Whether a case-folded text holds every required term and no excluded one."""
        return all(term in haystack for term in self.required) and not any(
            term in haystack for term in self.excluded
        )


def find_matches(text: str, terms: Sequence[str], limit: int) -> list[tuple[int, int]]:
    """Where ``terms`` occur in ``text``: sorted ``(start, end)`` spans, at most ``limit``.

    Matching is `SearchTerms.matches`'s: any substring of the case-folded text (so Chinese
    needs no spaces, and "STRASSE" finds "Straße"). Occurrences of different terms that
    overlap make one span; each term's own occurrences never overlap. The work is bounded
    by ``limit``, whatever the text holds.
    """
    needles = sorted({term.casefold() for term in terms if term}, key=len, reverse=True)
    if not needles or limit <= 0 or not text:
        return []
    folded = text.casefold().translate(_SPACES)
    # casefold never shortens a character, so equal lengths mean offsets carry over; else
    # (ß, ligatures, dotted İ) each folded offset is traced back to its character.
    changed_length = len(folded) != len(text)
    found: list[tuple[int, int]] = []
    for needle in needles:
        start = folded.find(needle)
        taken = 0
        while start >= 0 and taken < limit:
            found.append((start, start + len(needle)))
            taken += 1
            start = folded.find(needle, start + len(needle))
    found.sort()
    spans: list[tuple[int, int]] = []
    for start, end in found:
        if spans and start < spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        elif len(spans) == limit:
            break
        else:
            spans.append((start, end))
    if changed_length and spans:
        owner = _folded_owners(text, spans[-1][1])
        spans = [(owner[start], owner[end - 1] + 1) for start, end in spans]
    return spans


def _folded_owners(text: str, count: int) -> list[int]:
    """For the first ``count`` characters of ``text.casefold()``, the index of the character
    each came from."""
    owners: list[int] = []
    for index, character in enumerate(text):
        if len(owners) >= count:
            break
        owners.extend([index] * len(character.casefold()))
    return owners


def search_text(post: Post) -> str:
    """What a text search looks in: title, categories, tags (so labels) and the body's words."""
    body = _URL.sub(" ", html.unescape(_TAG.sub(" ", post.body)))
    parts = (post.title, " ".join(post.categories), " ".join(post.tags), body)
    return _SPACE.sub(" ", " ".join(parts)).casefold()


@dataclass(frozen=True, slots=True)
class Filter:
    """What the user narrowed the archive to; empty fields do not filter."""

    category: str | None = None
    tag: str | None = None
    dates: DateRange | None = None
    text: str = ""

    @property
    def terms(self) -> SearchTerms:
        """The text as search terms."""
        return SearchTerms.parse(self.text)

    @property
    def is_empty(self) -> bool:
        """True when nothing is filtered."""
        return self == Filter()

    def with_changes(self, **changes: object) -> Filter:
        """A copy with some fields changed."""
        return replace(self, **changes)  # type: ignore[arg-type]

    def describe(self, labels: dict[str, str] | None = None) -> str:
        """The active filters in words, for a status line."""
        parts: list[str] = []
        if self.category:
            label = (labels or {}).get(self.category)
            parts.append(f"category {self.category}" + (f" · {label}" if label else ""))
        if self.tag:
            parts.append(f"tag {self.tag}")
        if self.dates:
            parts.append(f"date {self.dates.spec}")
        if self.text.strip():
            parts.append(f"search “{self.text.strip()}”")
        return ", ".join(parts)
