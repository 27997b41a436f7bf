"""Messages from the reader's feed threads to its screen."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from newsreader.reader.feed import FeedEvent


@dataclass
class FeedArrived(Message):
    """Something from the feed, for the loading of number ``generation`` (older ones are
    dropped: the archive was read again since)."""

    generation: int
    event: FeedEvent


@dataclass
class ArticleSortChanged(Message):
    """The user chose another order for the article list (a ``SortOrder`` value)."""

    order: str
