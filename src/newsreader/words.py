"""Counts in words: "1 link", "2 links", "1,000 posts"."""

from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """``count`` and ``noun``, plural unless the count is one, with thousands separated."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"
