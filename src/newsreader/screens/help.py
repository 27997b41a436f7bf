"""The help screen: every key of the reader as it is bound now, with the id that rebinds it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen
from textual.widgets import Static

from newsreader.archive import DATE_SPEC_HELP
from newsreader.screens.keymap import PANE_BINDINGS, binding_keys, key_label
from newsreader.screens.reader_keys import READER_KEY_GROUPS
from newsreader.widgets.key_scroll import KeyScroll


class HelpScreen(ModalScreen[None]):
    """Lists every key, grouped by where it works; any of escape, q or ? closes it."""

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close"),
        Binding("j", "scroll('down')", show=False),
        Binding("k", "scroll('up')", show=False),
    ]

    def __init__(
        self,
        sections: Iterable[tuple[str, Iterable[BindingType]]],
        keymap: Mapping[str, str] | None = None,
        settings_path: Path | None = None,
    ) -> None:
        super().__init__()
        self._sections = list(sections)
        self._keymap = dict(keymap or {})
        self._settings_path = settings_path

    @classmethod
    def of_reader(
        cls,
        reader: Iterable[BindingType],
        app: Iterable[BindingType],
        keymap: Mapping[str, str] | None = None,
        settings_path: Path | None = None,
    ) -> HelpScreen:
        """The reader's keys (``reader``: its screen's bindings) by what they are for, then
        each pane's own; ``keymap`` (binding id -> keys) is the one in effect."""
        bindings = [binding for binding in reader if isinstance(binding, Binding)]
        grouped = {binding_id for ids in READER_KEY_GROUPS.values() for binding_id in ids}
        sections: list[tuple[str, Iterable[BindingType]]] = [
            (title, [binding for binding in bindings if binding.id in ids])
            for title, ids in READER_KEY_GROUPS.items()
        ]
        others = [binding for binding in bindings if binding.id not in grouped]
        if others:
            sections.append(("Everywhere", others))
        sections.extend(PANE_BINDINGS)
        sections.append(("App", app))
        return cls(sections, keymap, settings_path)

    def compose(self) -> ComposeResult:
        with KeyScroll(id="help-body"):
            yield Static(Text("newsreader keys", style="bold"), id="help-title")
            where = self._settings_path or "the settings file"
            yield Static(
                Text(
                    f"Settings: {where}\nThe right column is each key's id: to rebind a key,"
                    ' give its id keys under [keys] there, like quit = "Q" or'
                    ' search = "/,ctrl+f".'
                ),
                classes="help-section",
            )
            sections = [
                (title, _rows(bindings, self._keymap)) for title, bindings in self._sections
            ]
            # The keys and ids as wide as the widest, no wider: at 80x24 the descriptions
            # need the room.
            widths = [
                max((row[column].cell_len for _, rows in sections for row in rows), default=1)
                for column in (0, 2)
            ]
            for title, rows in sections:
                yield Static(_section(title, rows, *widths), classes="help-section")
            yield Static(
                Text(f"Date filter (d): {DATE_SPEC_HELP}.\nPress escape, q or ? to close."),
                classes="help-section",
            )

    def action_scroll(self, direction: str) -> None:
        """Scroll the help text."""
        self.query_one("#help-body", KeyScroll).scroll_lines(1 if direction == "down" else -1)


_Row = tuple[Text, Text, Text]
"""A key's row in the help: its keys, what it does, its id."""


def _rows(bindings: Iterable[BindingType], keymap: Mapping[str, str]) -> list[_Row]:
    """A row of keys, description and id per binding that has a description."""
    rows: list[_Row] = []
    # A key may do two things (n: next match while searching, else next article): both are
    # listed, and a binding's tooltip says when it applies.
    seen: set[tuple[str, str]] = set()
    for binding in bindings:
        if not isinstance(binding, Binding) or not binding.description:
            continue
        keys = ", ".join(key_label(key) for key in binding_keys(binding, keymap))
        if (keys, binding.description) in seen:
            continue
        seen.add((keys, binding.description))
        action = Text(binding.description)
        if binding.tooltip:
            action.append(f" ({binding.tooltip[0].lower()}{binding.tooltip[1:]})", style="dim")
        rows.append((Text(keys or "(none)"), action, Text(binding.id or "")))
    return rows


def _section(title: str, rows: Iterable[_Row], key_width: int, id_width: int) -> Table:
    """One section's table; the widths are the widest keys and id of all the sections, so
    that the columns line up from one section to the next."""
    table = Table(
        title=title,
        title_justify="left",
        box=None,
        show_header=False,
        expand=True,
        pad_edge=False,
    )
    table.add_column("key", style="bold", no_wrap=True, width=key_width)
    table.add_column("action", ratio=1)
    table.add_column("id", style="dim", no_wrap=True, width=id_width)
    for row in rows:
        table.add_row(*row)
    return table
