"""Filters over posts: category, tag, date range and text, combined."""

from __future__ import annotations

import html
import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass, replace

from newsreader.archive.dates import DateRange
from newsreader.archive.post import Post
from newsreader.archive.tags import strip_tags

_LINK_FROM_SLASHES = re.compile(r"//\S+")
"""A link's ``//`` and the rest of it; its ``https:`` or ``http:`` is taken off apart (why:
see :func:`_without_links`)."""
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
    """What a text search looks in: title, categories, tags (so labels) and the body's words.

    Tags go, entities are decoded, links (``https://…``, ``http://…``, ``//…`` up to the
    next whitespace) become a space, each whitespace run one space, and all is case-folded.
    """
    body = _without_links(html.unescape(strip_tags(post.body)))
    joined = " ".join((post.title, " ".join(post.categories), " ".join(post.tags), body))
    return _single_spaced(joined).casefold()


def _without_links(text: str) -> str:
    """``text`` with each ``(?:https?:)?//\\S+`` made a space, as ``re.sub`` would.

    That pattern as a regular expression costs ~40 µs a post (its optional start defeats the
    engine's literal scan), a tenth of parsing a post for the index; found from its ``//``
    it costs ~3 µs. Same matches: a scheme is all non-space, so it never lies inside an
    earlier match that stops short of the ``//`` after it.
    """
    if "//" not in text:
        return text
    pieces: list[str] = []
    end = 0
    for match in _LINK_FROM_SLASHES.finditer(text):
        start = match.start()
        # (A negative start would count from the end: hence the bounds.)
        if start >= 6 and text.startswith("https:", start - 6, start):
            start -= 6
        elif start >= 5 and text.startswith("http:", start - 5, start):
            start -= 5
        pieces.append(text[end:start])
        end = match.end()
    pieces.append(text[end:])
    return " ".join(pieces)


def _single_spaced(text: str) -> str:
    """Each whitespace run made one space, as ``re.sub(r"\\s+", " ", text)`` would.

    ``str.split`` knows the same whitespace as ``\\s`` (every code point agrees) at a
    quarter of the cost, but drops a run at either end, which the regex keeps as a space.
    """
    words = " ".join(text.split())
    if not words:
        return " " if text else ""
    lead = " " if text[0].isspace() else ""
    trail = " " if text[-1].isspace() else ""
    return f"{lead}{words}{trail}"


@dataclass(frozen=True, slots=True)
class Filter:
    """What the user narrowed the archive to; empty fields do not filter."""

    category: str | None = None
    tag: str | None = None
    dates: DateRange | None = None
    text: str = ""
    drafts: bool = False
    """Also list drafts (hidden by default, as a Jekyll build leaves them out)."""
    unpublished: bool = False
    """Also list ``published: false`` posts (hidden by default)."""

    def shows(self, post: Post) -> bool:
        """Whether the draft and unpublished flags let ``post`` be listed."""
        return (self.drafts or not post.draft) and (self.unpublished or post.published)

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
            parts.append(f"search {_quoted(self.text.strip())}")
        return ", ".join(parts)


def _quoted(text: str) -> str:
    """A search's text in one pair of quotes: ours (“…”) around it, in place of its own when
    it is one phrase; as typed when its own quotes mark phrases among other words."""
    if '"' not in text:
        return f"“{text}”"
    if len(text) >= 2 and text[0] == text[-1] == '"' and text.count('"') == 2:
        return f"“{text[1:-1]}”"
    return text
