"""Read and starred marks as the reader shows them: id sets kept in step with the store.

The store (:mod:`newsreader.state`) is the truth; this keeps the ids of the loaded posts that
are read or starred, so the list can style 100,000 rows without asking the store each time.
A set changes only after the store said the change is on disk.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from newsreader.archive import Archive, Post
from newsreader.state import ReadingState, UndoToken


class ReadMarks:
    """The marks of one archive; every method that writes may raise ``StateError``."""

    def __init__(self, state: ReadingState) -> None:
        self.state = state
        self.read_ids: set[str] = set()
        self.starred_ids: set[str] = set()
        self._undo: list[UndoToken] = []

    def learn(self, posts: Sequence[Post]) -> None:
        """Look up the marks of newly loaded (or reloaded) posts."""
        read = self.state.read_ids(posts)
        starred = self.state.starred_ids(posts)
        for post in posts:
            _put(self.read_ids, post.id, post.id in read)
            _put(self.starred_ids, post.id, post.id in starred)

    def learn_archive(self, archive: Archive) -> None:
        """Look up the marks of every post of a newly loaded archive (after :meth:`forget`)."""
        self.read_ids.update(self.state.marked_ids_in(archive, "read"))
        self.starred_ids.update(self.state.marked_ids_in(archive, "starred"))

    def forget(self) -> None:
        """Drop every known mark (before the archive is loaded again).

        The sets are emptied in place: the article list holds them by reference.
        """
        self.read_ids.clear()
        self.starred_ids.clear()

    def toggle_read(self, post: Post) -> bool:
        """Flip a post's read mark; returns the new value."""
        read = self.state.toggle_read(post)
        _put(self.read_ids, post.id, read)
        return read

    def toggle_star(self, post: Post) -> bool:
        """Flip a post's star; returns the new value."""
        starred = self.state.toggle_star(post)
        _put(self.starred_ids, post.id, starred)
        return starred

    def mark_read(self, posts: Iterable[Post], *, undoable: bool = False) -> int:
        """Mark posts read; returns how many changed. ``undoable`` remembers it for ``undo``."""
        posts = list(posts)
        token = self.state.set_read(posts, True)
        # Every one is read now, also those the store found read already (through a row of
        # the same title and date), which `token` does not list.
        self.read_ids.update(post.id for post in posts)
        if undoable and len(token):
            self._undo.append(token)
        return len(token)

    @property
    def can_undo(self) -> bool:
        """Whether there is a mark-all to take back."""
        return bool(self._undo)

    def undo(self) -> int:
        """Take back the last undoable mark-all; returns how many posts it restored."""
        if not self._undo:
            return 0
        token = self._undo[-1]
        restored = self.state.undo(token)
        self._undo.pop()
        for post, before in token.previous:
            _put(self.read_ids, post.id, before)
        return restored

    def is_read(self, post: Post) -> bool:
        """Whether the post is read."""
        return post.id in self.read_ids


def _put(ids: set[str], post_id: str, present: bool) -> None:
    if present:
        ids.add(post_id)
    else:
        ids.discard(post_id)
