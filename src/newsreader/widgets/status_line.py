"""The status line: active filters, how many posts show, and the loading progress."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import ProgressBar, Static


class StatusLine(Horizontal):
    """Says "category emnews, date 2022 — 123 of 16,903 posts"; a progress bar while loading."""

    def compose(self) -> ComposeResult:
        yield Static("", id="status-text")
        yield ProgressBar(id="status-progress", show_eta=False)

    def show(self, filters: str, shown: int, total: int) -> None:
        """Say what is filtered and how many posts are shown."""
        text = Text(no_wrap=True, overflow="ellipsis")
        if filters:
            text.append(filters, style="bold")
            text.append(" — ")
        text.append(f"{shown:,} of {total:,} posts")
        self.query_one("#status-text", Static).update(text)

    def progress(self, done: int, total: int) -> None:
        """Show the scan's progress; hidden once done."""
        bar = self.query_one(ProgressBar)
        bar.display = done < total
        bar.update(total=max(total, 1), progress=done)
