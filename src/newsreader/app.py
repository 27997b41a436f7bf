"""The Textual application: builds the reader screen and the command palette, nothing else."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from pathlib import Path, PurePath
from typing import ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import Hit, Hits, Provider
from textual.screen import Screen

from newsreader.archive import LoadOptions
from newsreader.resources import styles_dir
from newsreader.screens.reader import ReaderScreen

STYLESHEETS = ("app.tcss", "article_list.tcss")


class CategoryCommands(Provider):
    """Jump to any category by name from the command palette."""

    async def search(self, query: str) -> Hits:
        """Categories whose slug or label matches what was typed."""
        screen = self.screen
        if not isinstance(screen, ReaderScreen):
            return
        matcher = self.matcher(query)
        for category in screen.archive.categories():
            name = f"Category: {category.display_name}"
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(name),
                    partial(screen.choose_category, category.slug),
                    help=f"{category.count:,} posts",
                )


class NewsReaderApp(App[None]):
    """A terminal reader for one Jekyll-style news archive."""

    TITLE = "newsreader"
    CSS_PATH: ClassVar[list[str | PurePath]] = [styles_dir() / name for name in STYLESHEETS]
    COMMANDS = App.COMMANDS | {CategoryCommands}
    BINDINGS = [
        Binding("ctrl+p", "command_palette", "Commands", show=False),
    ]

    def __init__(self, root: Path, options: LoadOptions | None = None) -> None:
        super().__init__()
        self.root = root
        self.options = options or LoadOptions()

    def get_default_screen(self) -> Screen[None]:
        """The reader on this app's archive."""
        return ReaderScreen(self.root, self.options)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Every reader action in the command palette, besides Textual's own (theme...)."""
        yield from super().get_system_commands(screen)
        if not isinstance(screen, ReaderScreen):
            return
        for binding in screen.BINDINGS:
            if isinstance(binding, Binding) and binding.description:
                key = binding.key.split(",")[0]
                yield SystemCommand(
                    binding.description,
                    f"{binding.description} (key: {key})",
                    partial(screen.run_action, binding.action),
                )


def create_app(root: Path, options: LoadOptions | None = None) -> NewsReaderApp:
    """The one factory used by the command line and the tests."""
    return NewsReaderApp(root, options)
