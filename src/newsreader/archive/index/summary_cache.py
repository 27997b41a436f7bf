"""The categories' labels and counts kept beside the index, for as long as it is unchanged.

Working them out groups every post (a few tenths of a second at 100,000); a command asking
for twenty posts wants the labels of their categories without that. The summary is kept,
``marshal``led plain values, in a file beside the index naming the index's generation and
change count (every write bumps the count), and trusted only while they are the index's:
missing, stale or unreadable, it is simply worked out again.
"""

from __future__ import annotations

import contextlib
import marshal
import os
from pathlib import Path
from typing import Any, Final

__all__ = ["load_summary", "save_summary", "summary_path"]

_MAGIC: Final = "newsreader-index-categories 1"


def summary_path(index_path: Path) -> Path:
    """Where the category summary of an index file goes."""
    return index_path.with_name(index_path.name + ".categories")


def load_summary(path: Path, generation: str, changes: int) -> Any | None:
    """The summary saved for this generation and change count, or None."""
    try:
        value = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if not (
        isinstance(value, tuple) and len(value) == 2 and value[0] == (_MAGIC, generation, changes)
    ):
        return None
    return value[1]


def save_summary(path: Path, generation: str, changes: int, summary: Any) -> None:
    """Keep ``summary`` (plain values) for this generation and change count; never raises."""
    if changes < 0:
        return
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    with contextlib.suppress(OSError, ValueError):
        try:
            temporary.write_bytes(marshal.dumps(((_MAGIC, generation, changes), summary)))
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
