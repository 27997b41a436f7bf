"""A screen listing what went wrong while loading: the settings, files skipped, posts recovered."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from newsreader.archive import Problem
from newsreader.config import Settings


class ProblemsScreen(ModalScreen[None]):
    """Each problem as file and message; escape closes."""

    BINDINGS = [
        Binding("escape,q,exclamation_mark", "dismiss", "Close"),
        Binding("j", "cursor('down')", show=False),
        Binding("k", "cursor('up')", show=False),
    ]

    def __init__(self, problems: Sequence[Problem], skipped: int) -> None:
        super().__init__()
        self._problems = problems
        self._skipped = skipped

    def compose(self) -> ComposeResult:
        count = len(self._problems)
        summary = (
            f"{count:,} problems while loading, {self._skipped:,} files skipped. "
            "Recovered posts are in the list; skipped files are not. Escape closes."
            if count
            else "No problems: every file loaded cleanly. Escape closes."
        )
        yield Static(Text(summary), id="problems-summary")
        table: DataTable[Text] = DataTable(
            id="problems-table", cursor_type="row", zebra_stripes=True
        )
        table.add_columns("file", "problem")
        table.add_rows((Text(p.path), Text(p.message)) for p in self._problems)
        yield table

    def action_cursor(self, direction: str) -> None:
        """Move the table's cursor."""
        table = self.query_one(DataTable)
        if direction == "down":
            table.action_cursor_down()
        else:
            table.action_cursor_up()


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
