"""A dialog listing what went wrong while loading: the settings, files skipped, posts recovered.

Each entry is a :class:`~newsreader.archive.Problem`, where (a path) and what: the loader's
files, and any other source of problems that names a place the same way. An entry whose path
is a post of the archive opens it on enter; the dialog closes with that post's id.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from rich.console import Group
from rich.padding import Padding
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from newsreader.archive import Problem
from newsreader.config import Settings
from newsreader.words import counted


class ProblemsScreen(ModalScreen[str | None]):
    """Each problem as its file and, below, its message wrapped to the width; escape closes,
    enter on a loaded post's entry opens that post."""

    BINDINGS = [
        Binding("escape,q,exclamation_mark", "dismiss", "Close"),
        Binding("j", "cursor('down')", show=False),
        Binding("k", "cursor('up')", show=False),
    ]

    def __init__(
        self, problems: Sequence[Problem], skipped: int, openable: Collection[str] = ()
    ) -> None:
        """``openable``: the paths among the problems' that are posts the reader can open."""
        super().__init__()
        self._problems = problems
        self._skipped = skipped
        self._openable = openable

    def compose(self) -> ComposeResult:
        count = len(self._problems)
        if count:
            summary = (
                f"{counted(count, 'problem')} while loading,"
                f" {counted(self._skipped, 'file')} skipped. "
                "Recovered posts are in the list; skipped files are not. "
                "Enter opens a recovered post (marked ▸); escape closes."
            )
        else:
            summary = "No problems: every file loaded cleanly. Escape closes."
        with Vertical(id="problems-dialog"):
            yield Static(Text(summary), id="problems-summary")
            yield OptionList(
                *(self._entry(index, problem) for index, problem in enumerate(self._problems)),
                id="problems-list",
            )

    def _entry(self, index: int, problem: Problem) -> Option:
        opens = problem.path in self._openable
        where = Text.assemble(("▸ " if opens else "  "), (problem.path, "bold"))
        # Paths and messages are shown as typed: a file name may hold "[b]".
        what = Padding(Text(problem.message), (0, 0, 0, 4))
        return Option(Group(where, what), id=f"{index}")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a loaded post's entry closes the dialog and opens it."""
        event.stop()
        problem = self._problems[int(event.option.id or 0)]
        if problem.path in self._openable:
            self.dismiss(problem.path)
        else:
            self.app.bell()  # a skipped file: nothing to open

    def action_cursor(self, direction: str) -> None:
        """Move the list's cursor."""
        options = self.query_one(OptionList)
        if direction == "down":
            options.action_cursor_down()
        else:
            options.action_cursor_up()


def settings_problems(settings: Settings) -> list[Problem]:
    """The problems with the settings file, as entries of this screen (file, then message)."""
    if settings.path is None:
        return [Problem("settings", message) for message in settings.problems]
    path = str(settings.path)
    # Each message starts with the file's name, which the file column already shows.
    return [
        Problem(path, message.removeprefix(path).removeprefix(":").removeprefix(",").strip())
        for message in settings.problems
    ]
