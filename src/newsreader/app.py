"""The Textual application: builds the reader screen and the command palette, nothing else."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import partial
from pathlib import Path, PurePath
from typing import ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen, Screen
from textual.theme import ThemeProvider

from newsreader.archive import LoadOptions
from newsreader.archive.index import prepare_workers
from newsreader.config import ConfigError, Settings, load_settings, save_setting
from newsreader.resources import styles_dir
from newsreader.screens.keymap import binding_keys, check_keymap, key_label
from newsreader.screens.messages import ArticleSortChanged
from newsreader.screens.reader import ReaderScreen
from newsreader.widgets.category_list import CategoryList
from newsreader.words import counted

STYLESHEETS = ("app.tcss", "article_list.tcss", "reading_pane.tcss")


class CategoryCommands(Provider):
    """Jump to any category by name from the command palette."""

    async def search(self, query: str) -> Hits:
        """Categories whose slug or label matches what was typed."""
        screen = self.screen
        if not isinstance(screen, ReaderScreen):
            return
        matcher = self.matcher(query)
        for category in screen.model.archive.categories():
            name = f"Category: {category.display_name}"
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(name),
                    partial(screen.choose_category, category.slug),
                    help=counted(category.count, "post"),
                )


class ArchiveCommands(Provider):
    """Switch to another archive named in the settings."""

    async def search(self, query: str) -> Hits:
        """Archives whose name or folder matches what was typed."""
        app = self.app
        if not isinstance(app, NewsReaderApp):
            return
        matcher = self.matcher(query)
        for name, path in app.settings.archives.items():
            title = f"Archive: {name}"
            score = matcher.match(f"{title} {path}")
            if score > 0:
                yield Hit(
                    score, matcher.highlight(title), partial(app.open_archive, path), help=str(path)
                )


class NewsReaderApp(App[None]):
    """A terminal reader for one Jekyll-style news archive."""

    TITLE = "newsreader"
    CSS_PATH: ClassVar[list[str | PurePath]] = [styles_dir() / name for name in STYLESHEETS]
    COMMANDS = App.COMMANDS | {CategoryCommands, ArchiveCommands}
    BINDINGS = [
        Binding("ctrl+p", "command_palette", "Commands", show=False),
    ]

    def __init__(
        self, root: Path, options: LoadOptions | None = None, settings: Settings | None = None
    ) -> None:
        super().__init__()
        # Before run() captures sys.stderr: a cold build's worker processes need it real.
        prepare_workers()
        self.root = root
        self.options = options or LoadOptions()
        self._held_notifications: list[Callable[..., None]] = []
        """Notifications raised while a dialog was open, shown when it closes."""
        if settings is None:
            settings, _ = load_settings(themes=self.available_themes)
        problems = list(settings.problems)
        if settings.theme not in self.available_themes:
            # Settings read before the app existed (the command line's) knew no themes.
            problems.append(
                f"{settings.place('theme')}: theme: unknown theme {settings.theme!r}"
                f" (ctrl+p, Theme lists them); using the default: {self.theme}"
            )
            settings = replace(settings, theme=self.theme)
        self.keymap, refused = check_keymap(settings)
        """The ``[keys]`` in effect: binding id -> keys."""
        self.settings = replace(settings, problems=(*problems, *refused))
        """The settings in effect; their ``problems`` include those only the reader finds."""
        self._applying_settings = True
        self.theme = settings.theme
        self._applying_settings = False
        if self.keymap:
            self.set_keymap(self.keymap)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Notifications show text as typed, whatever the caller asked: they often hold paths,
        titles and addresses from the archive, where ``[x]`` is not markup (and a stray ``[/x]``
        must not crash). Widgets' ``notify`` passes ``markup=True`` by default, so it is
        ignored here rather than trusted.

        While a dialog is open its text is not to be covered: the toast waits until it
        closes (and its time starts then)."""
        if self._screen_stack and isinstance(self.screen, ModalScreen):
            self._held_notifications.append(
                partial(super().notify, message, title=title, severity=severity, timeout=timeout)
            )
            return
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def _screen_changed(self, screen: Screen[object]) -> None:
        if not isinstance(screen, ModalScreen):
            held, self._held_notifications = self._held_notifications, []
            for notify in held:
                notify(markup=False)

    def get_default_screen(self) -> Screen[None]:
        """The reader on this app's archive."""
        return ReaderScreen(self.root, self.options, self.settings)

    def on_mount(self) -> None:
        self.screen_change_signal.subscribe(self, self._screen_changed)
        for problem in self.settings.problems:
            self.notify(problem, title="Settings (! lists them)", severity="warning", timeout=15)

    def watch_theme(self, theme: str) -> None:
        """A theme chosen in the reader is remembered for next time."""
        if not self._applying_settings and theme != self.settings.theme:
            self.remember_setting("theme", theme)

    def on_category_list_sort_changed(self, event: CategoryList.SortChanged) -> None:
        """The sidebar's order (S) is remembered for next time."""
        self.remember_setting("sidebar_sort", event.sort_by)

    def on_article_sort_changed(self, event: ArticleSortChanged) -> None:
        """The article list's order (O) is remembered for next time."""
        self.remember_setting("article_sort", event.order)

    def remember_setting(self, key: str, value: object) -> None:
        """Save one setting to the settings file; a failure is shown, never raised."""
        try:
            save_setting(key, value, self.settings.path)
        except ConfigError as error:
            self.notify(str(error), title="Settings not saved", severity="warning")

    def open_archive(self, path: Path) -> None:
        """Read another archive in place of the current one (its own marks come with it)."""
        if not path.is_dir():
            self.notify(f"No such folder: {path}", severity="error")
            return
        self.root = path
        # The reader stays and reads the other archive: no screen is switched while the
        # command palette that asked for it is still closing.
        reader = self.screen_stack[0]
        if isinstance(reader, ReaderScreen):
            reader.open_archive(path)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Every reader action once in the command palette, its keys as typed, besides
        Textual's own commands that the reader has no key for (theme, screenshot...)."""
        if not isinstance(screen, ReaderScreen):
            yield from super().get_system_commands(screen)
            return
        ours = [binding for binding in screen.BINDINGS if isinstance(binding, Binding)]
        titles = {binding.description for binding in ours}
        for command in super().get_system_commands(screen):
            if command.title not in titles:
                yield command
        for binding in ours:
            if binding.description:
                keys = ", ".join(key_label(key) for key in binding_keys(binding, self.keymap))
                tooltip = f" — {binding.tooltip}" if binding.tooltip else ""
                yield SystemCommand(
                    binding.description,
                    f"key: {keys or '(none)'}{tooltip}",
                    partial(screen.run_action, binding.action),
                )

    def search_themes(self) -> None:
        """The theme chooser, with the current theme marked."""
        self.push_screen(CommandPalette(providers=[MarkedThemes], placeholder="Search for themes…"))


class MarkedThemes(ThemeProvider):
    """Textual's themes, the one in use said to be current."""

    async def discover(self) -> Hits:
        """Every theme, by name."""
        for name, choose in self.commands:
            yield DiscoveryHit(name, choose, help=self._current(name))

    async def search(self, query: str) -> Hits:
        """The themes whose name matches what was typed."""
        matcher = self.matcher(query)
        for name, choose in self.commands:
            if (score := matcher.match(name)) > 0:
                yield Hit(score, matcher.highlight(name), choose, help=self._current(name))

    def _current(self, name: str) -> str | None:
        return "✓ the current theme" if name == self.app.theme else None


def create_app(
    root: Path, options: LoadOptions | None = None, settings: Settings | None = None
) -> NewsReaderApp:
    """The one factory used by the command line and the tests."""
    return NewsReaderApp(root, options, settings)
