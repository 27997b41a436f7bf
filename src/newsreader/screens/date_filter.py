"""The date filter dialog: type a spec in the archive's date grammar, or pick a preset."""

from __future__ import annotations

from datetime import datetime, tzinfo

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.events import Key
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from newsreader.archive import DATE_SPEC_HELP, DateRange, DateSpecError, parse_date_spec


def presets(today: datetime) -> list[tuple[str, str]]:
    """(label, spec) pairs offered in the dialog; "" clears the date filter."""
    return [
        ("Today", "today"),
        ("Yesterday", "yesterday"),
        ("Last 7 days", "7d"),
        ("Last 30 days", "30d"),
        ("This month", today.strftime("%Y-%m")),
        ("This year", today.strftime("%Y")),
        ("Any date", ""),
    ]


class DateFilterScreen(ModalScreen[DateRange | None]):
    """Returns the chosen range, None for "any date"; escape leaves the filter as it was."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, tz: tzinfo, current: str = "", now: datetime | None = None) -> None:
        super().__init__()
        self._tz = tz
        self._current = current
        self._now = now or datetime.now(tz)

    def compose(self) -> ComposeResult:
        with Vertical(id="date-dialog"):
            yield Label("Filter by date", id="date-title")
            yield Input(value=self._current, placeholder="2022-03, 2022-01..2022-03, 7d…")
            yield Label(Text(DATE_SPEC_HELP), id="date-help")
            yield Label("", id="date-error")
            yield OptionList(
                *(
                    Option(f"{label}  ({spec})" if spec else label, id=spec or "-")
                    for label, spec in presets(self._now)
                ),
                id="date-presets",
            )

    def on_key(self, event: Key) -> None:
        if event.key == "down" and self.query_one(Input).has_focus:
            self.query_one(OptionList).focus()
            event.stop()

    @on(Input.Submitted)
    def _typed(self, event: Input.Submitted) -> None:
        self._apply(event.value)

    @on(OptionList.OptionSelected)
    def _preset(self, event: OptionList.OptionSelected) -> None:
        spec = event.option.id or ""
        self._apply("" if spec == "-" else spec)

    def _apply(self, spec: str) -> None:
        if not spec.strip():
            self.dismiss(None)
            return
        try:
            chosen = parse_date_spec(spec, self._tz, self._now)
        except DateSpecError as error:
            # The accepted forms are the hint just above: repeated, they took the dialog's
            # last rows at 80x24.
            message = f"{error.brief[:1].upper()}{error.brief[1:]}: see the forms above."
            self.query_one("#date-error", Label).update(Text(message, style="bold red"))
            return
        self.dismiss(chosen)

    def action_cancel(self) -> None:
        """Close without changing the filter."""
        self.app.pop_screen()
