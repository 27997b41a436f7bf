"""Messages between the reader screen, its feed's threads and the app."""

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
class SettingChanged(Message):
    """The user changed something worth remembering (the app saves it to the settings)."""

    key: str
    value: object
