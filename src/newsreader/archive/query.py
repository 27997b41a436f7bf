"""Filters over posts: category, tag, date range and text, combined."""

from __future__ import annotations

import html
import re
import shlex
from dataclasses import dataclass, replace

from newsreader.archive.dates import DateRange
from newsreader.archive.post import Post

_TAG = re.compile(r"<[^>]*>")
_URL = re.compile(r"(?:https?:)?//\S+")
_SPACE = re.compile(r"\s+")


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
