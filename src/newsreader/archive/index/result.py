"""What a refresh reports (:class:`RefreshResult`) and how it is tallied (:class:`Tally`).

A refresh's result is relative to the caller's view: the posts the last full ``posts()``
returned plus every refresh result since. :class:`Tally` keeps that view, with what the
index holds, up to date as files are recorded, and reports the difference once at the end.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from newsreader.archive.index.rows import KIND_POST
from newsreader.archive.post import Problem
from newsreader.archive.scan import FileStamp, RelPath, display_path

__all__ = ["CancelCallback", "ProgressCallback", "RefreshResult", "Tally"]

ProgressCallback = Callable[[int, int], None]
CancelCallback = Callable[[], bool]


@dataclass(frozen=True, slots=True)
class RefreshResult:
    """What one refresh changed, in post ids, and what it met on the way."""

    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    """Posts whose file was deleted or is no longer a post."""
    skipped: tuple[Problem, ...] = ()
    """Files (re)read in this refresh that could not be loaded."""
    notices: tuple[str, ...] = ()
    """Trouble with the index itself (rebuilt, temporary...), for the user to see once."""
    scanned: int = 0
    """Post files found."""
    parsed: int = 0
    """Files read and parsed: 0 when nothing changed."""
    cancelled: bool = False
    """``cancelled()`` said stop; what was parsed is kept, the rest waits for the next refresh."""

    @property
    def has_changes(self) -> bool:
        """Whether the list of posts changed."""
        return bool(self.added or self.changed or self.removed)


@dataclass(slots=True)
class Tally:
    """A refresh's changes, as files are recorded into what the index holds (``indexed``,
    ``indexed_posts``) and what the caller shows (``shown``); the three are updated in place."""

    indexed: dict[RelPath, FileStamp]
    indexed_posts: set[RelPath]
    shown: set[RelPath]
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)

    def forget(self, rels: Iterable[RelPath]) -> None:
        """These files are no longer indexed."""
        for rel in rels:
            del self.indexed[rel]
            self.indexed_posts.discard(rel)

    def record(self, rel: RelPath, stamp: FileStamp, kind: int, post_id: str) -> None:
        """This file is now indexed with this stamp, as this kind of entry."""
        self.indexed[rel] = stamp
        if kind == KIND_POST:
            self.indexed_posts.add(rel)
            (self.changed if rel in self.shown else self.added).append(post_id)
            self.shown.add(rel)
        else:
            self.indexed_posts.discard(rel)

    def reconcile(self) -> None:
        """Bring the caller's view to what the index holds, reporting the difference."""
        # They differ by files deleted or no longer posts, and by posts another program
        # indexed: report both (a few set operations).
        shown, indexed_posts = self.shown, self.indexed_posts
        vanished, appeared = shown - indexed_posts, indexed_posts - shown
        self.removed.extend(_id_of(rel) for rel in sorted(vanished))
        self.added.extend(_id_of(rel) for rel in sorted(appeared))
        shown -= vanished
        shown |= appeared


def _id_of(rel: RelPath) -> str:
    """A file's post id from its key, as ``scan.relative_id`` makes it."""
    return display_path(os.fsdecode(rel))
