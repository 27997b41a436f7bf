"""``L``: the open article's links, by number, each with its address; one opened or copied."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from newsreader.render.links import ArticleLink
from newsreader.words import counted

LinkChoice = tuple[Literal["open", "copy"], ArticleLink]
"""What the dialog returns: open or copy, and which link."""


class LinkListScreen(ModalScreen[LinkChoice | None]):
    """Every link as ``[N] text`` over its address; enter or o opens, y copies, escape closes."""

    BINDINGS = [
        Binding("escape,q,L", "dismiss", "Close"),
        Binding("o", "choose('open')", "Open"),
        Binding("y", "choose('copy')", "Copy"),
        Binding("j", "cursor('down')", show=False),
        Binding("k", "cursor('up')", show=False),
    ]

    def __init__(self, links: Sequence[ArticleLink]) -> None:
        super().__init__()
        self._links = tuple(links)

    def compose(self) -> ComposeResult:
        with Vertical(id="links-dialog"):
            yield Static(
                Text(
                    f"{counted(len(self._links), 'link')}."
                    " Enter or o opens, y copies, escape closes."
                ),
                id="links-summary",
            )
            yield OptionList(*(self._option(link) for link in self._links), id="links-list")

    @staticmethod
    def _option(link: ArticleLink) -> Option:
        label = Text(f"[{link.number}] ", style="bold")
        label.append(link.text or "(no text)")
        where = f"post {link.post_id} of this archive" if link.post_id else link.href
        label.append(f"\n    {where}", style="dim")
        return Option(label, id=str(link.number))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter opens the highlighted link."""
        self.dismiss(("open", self._links[event.option_index]))

    def action_choose(self, how: Literal["open", "copy"]) -> None:
        """Open or copy the highlighted link."""
        index = self.query_one(OptionList).highlighted
        if index is not None:
            self.dismiss((how, self._links[index]))

    def action_cursor(self, direction: str) -> None:
        """Move the highlight."""
        options = self.query_one(OptionList)
        if direction == "down":
            options.action_cursor_down()
        else:
            options.action_cursor_up()
