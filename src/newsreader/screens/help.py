"""The help screen: every key of the reader, read from the bindings themselves."""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from newsreader.archive import DATE_SPEC_HELP
from newsreader.widgets.article_list import ArticleList
from newsreader.widgets.category_list import CategoryList
from newsreader.widgets.reading_pane import ReadingPane


class HelpScreen(ModalScreen[None]):
    """Lists every key, grouped by where it works; any of escape, q or ? closes it."""

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close"),
        Binding("j", "scroll('down')", show=False),
        Binding("k", "scroll('up')", show=False),
    ]

    def __init__(self, sections: Iterable[tuple[str, Iterable[BindingType]]]) -> None:
        super().__init__()
        self._sections = list(sections)

    @classmethod
    def of_reader(cls, reader: Iterable[BindingType], app: Iterable[BindingType]) -> HelpScreen:
        """The reader's keys (``reader``: its screen's bindings), with each pane's own."""
        return cls(
            [
                ("Everywhere", reader),
                ("Article list", ArticleList.BINDINGS),
                ("Reading pane", ReadingPane.BINDINGS),
                ("Categories", CategoryList.BINDINGS),
                ("App", app),
            ]
        )

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Static(Text("newsreader keys", style="bold"), id="help-title")
            for title, bindings in self._sections:
                yield Static(_section(title, bindings), classes="help-section")
            yield Static(
                Text(f"Date filter (d): {DATE_SPEC_HELP}.\nPress escape, q or ? to close."),
                classes="help-section",
            )

    def action_scroll(self, direction: str) -> None:
        """Scroll the help text."""
        body = self.query_one("#help-body", VerticalScroll)
        if direction == "down":
            body.scroll_down()
        else:
            body.scroll_up()


def _section(title: str, bindings: Iterable[BindingType]) -> Table:
    table = Table(title=title, title_justify="left", box=None, show_header=False, expand=True)
    table.add_column("key", style="bold", no_wrap=True, width=18)
    table.add_column("action", ratio=1)
    # A key may do two things (n: next match while searching, else next article): both are
    # listed, and a binding's tooltip says when it applies.
    seen: set[tuple[str, str]] = set()
    for binding in bindings:
        if not isinstance(binding, Binding) or not binding.description:
            continue
        keys = ", ".join(_key_name(key) for key in binding.key.split(","))
        if (keys, binding.description) in seen:
            continue
        seen.add((keys, binding.description))
        action = Text(binding.description)
        if binding.tooltip:
            action.append(f" ({binding.tooltip[0].lower()}{binding.tooltip[1:]})", style="dim")
        table.add_row(Text(keys), action)
    return table


_KEY_NAMES = {
    "question_mark": "?",
    "slash": "/",
    "exclamation_mark": "!",
    "space": "space",
    "backslash": "\\",
}


def _key_name(key: str) -> str:
    key = key.strip()
    return _KEY_NAMES.get(key, key)
