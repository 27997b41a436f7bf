"""The reader's mark keys: read and unread, stars, every post shown read, and undo.

Every write goes to the reading state first (:class:`~newsreader.reader.marks.ReadMarks`);
only once it is on disk does the reader show it, and a failure is shown, never swallowed.
Marking a hundred thousand posts read takes a second or two to commit, so "mark all" and its
undo run in a thread worker and report back on the UI thread.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual.screen import Screen
from textual.timer import Timer

from newsreader.archive import Post
from newsreader.config import Settings
from newsreader.reader.model import ReaderModel
from newsreader.screens.confirm import ConfirmScreen
from newsreader.state import StateError
from newsreader.words import counted


class Marking:
    """Writes ``model``'s marks for ``screen`` and calls ``shown`` after each change."""

    def __init__(
        self,
        screen: Screen[None],
        model: ReaderModel,
        settings: Settings,
        shown: Callable[[], None],
    ) -> None:
        self.screen = screen
        self.model = model
        self.settings = settings
        self.shown = shown
        self._timer: Timer | None = None

    def write(self, write: Callable[[], object], said: str = "") -> bool:
        """Run a write to the reading state; say ``said`` once it is on disk."""
        try:
            self.model.write_marks(write)
        except StateError as error:
            self.screen.notify(str(error), severity="error", timeout=10)
            return False
        if said:
            self.screen.notify(said, timeout=1.5)
        self.shown()
        return True

    def opened(self, post: Post) -> None:
        """Mark an opened post read, at once or after a delay, as the settings say."""
        self.stop()
        model, marks = self.model, self.model.marks
        when = model.marks_on_open(post, self.settings.mark_read)
        if when is None or marks is None:
            return

        def mark() -> None:
            if model.open_post is not None and model.open_post.id == post.id:
                self.write(lambda: marks.mark_read([post]))

        if when == "delay":
            self._timer = self.screen.set_timer(self.settings.mark_read_delay, mark)
        else:
            mark()

    def stop(self) -> None:
        """Forget a read mark still waiting for its delay (the reader closes or moves on)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def toggle_read(self, post: Post | None) -> None:
        """Mark the post read or unread."""
        marks = self.model.marks
        if post is None or marks is None:
            return
        self.stop()
        said = "Marked unread" if marks.is_read(post) else "Marked read"
        self.write(lambda: marks.toggle_read(post), said)

    def toggle_star(self, post: Post | None) -> None:
        """Star or unstar the post."""
        marks = self.model.marks
        if post is not None and marks is not None:
            said = "Star removed" if post.id in marks.starred_ids else "Starred"
            self.write(lambda: marks.toggle_star(post), said)

    def mark_all_read(self, posts: Sequence[Post]) -> None:
        """Ask once, then mark ``posts`` read (undoable)."""
        marks = self.model.marks
        if marks is None:
            return
        if not posts:
            self.screen.notify("Every post shown is already read.", timeout=2)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._in_worker(
                    lambda: marks.mark_read(posts, undoable=True),
                    lambda count: f"Marked {counted(count, 'post')} read (u undoes)",
                )

        question = f"Mark {counted(len(posts), 'post')} read? (u undoes it)"
        self.screen.app.push_screen(ConfirmScreen(question), answered)

    def undo(self) -> None:
        """Take back the last mark-all."""
        marks = self.model.marks
        if marks is None or not marks.can_undo:
            self.screen.notify("Nothing to undo.", timeout=2)
            return
        self._in_worker(marks.undo, lambda count: f"Undone: {counted(count, 'post')} unread again")

    def _in_worker(self, write: Callable[[], int], said: Callable[[int], str]) -> None:
        screen = self.screen
        app = screen.app

        def work() -> None:
            try:
                changed = write()
            except StateError as error:
                app.call_from_thread(screen.notify, str(error), severity="error", timeout=10)
                return
            app.call_from_thread(self._finished, said(changed))

        screen.run_worker(work, thread=True, exclusive=True, group="marks")

    def _finished(self, message: str) -> None:
        self.screen.notify(message, timeout=3)
        self.model.update()
        self.shown()
