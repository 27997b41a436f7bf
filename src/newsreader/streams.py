"""The command line's output streams, whatever the locale.

Under ``LC_ALL=C`` (a cron job, a minimal container) Python's standard streams are ASCII
and raise ``UnicodeEncodeError`` on the first Chinese title. :func:`prepare_streams` makes
them write what they cannot carry as backslash escapes instead, and :func:`carries_utf8`
tells a JSON writer to escape everything but ASCII itself (so the output stays valid JSON).
"""

from __future__ import annotations

import codecs
import io
import sys
from typing import TextIO


def carries_utf8(stream: TextIO) -> bool:
    """Whether ``stream`` encodes every character (a UTF encoding), not only some."""
    encoding = getattr(stream, "encoding", None) or "ascii"
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return False
    return name.startswith("utf")


def prepare_streams() -> None:
    """Make stdout and stderr escape what their encoding cannot carry, instead of raising."""
    for stream in (sys.stdout, sys.stderr):
        # Under pytest's capture or a redirect to a StringIO there is nothing to encode.
        if isinstance(stream, io.TextIOWrapper) and not carries_utf8(stream):
            stream.reconfigure(errors="backslashreplace")
