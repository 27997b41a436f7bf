"""A one-line question for a name (saving or renaming a search): enter answers, escape cancels."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label


class NamePromptScreen(ModalScreen[str | None]):
    """Dismisses with the name typed (trimmed; never empty), or None on escape."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str, name: str = "") -> None:
        super().__init__()
        self._question = question
        self._name = name

    def compose(self) -> ComposeResult:
        with Vertical(id="name-dialog"):
            yield Label(Text(self._question), id="name-question")
            yield Input(value=self._name, placeholder="A name…", id="name-input")
            yield Label(Text("enter: save    escape: cancel", style="dim"))

    @on(Input.Submitted)
    def _typed(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        """Close without a name."""
        self.dismiss(None)
