"""The one error the reading-state store raises, and how its messages name a cause."""

from __future__ import annotations


class StateError(Exception):
    """A mark could not be saved or read; the message is meant for the user as it is."""


def reason(error: BaseException) -> str:
    """A short cause for messages: the OS's or SQLite's words."""
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__
