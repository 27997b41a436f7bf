"""Pilot tests of the reader's settings: problems shown in the reader, ``[keys]`` that ``?``
and the command palette follow, a quit key that cannot be lost, and the theme chooser."""

from __future__ import annotations

import os
from pathlib import Path

from test_reader import SAMPLE, Scenario, _whole, notifications, screen_text, until
from test_reader import run as run_reader
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import OptionList, Static

from newsreader.app import NewsReaderApp
from newsreader.config import load_settings
from newsreader.screens.help import HelpScreen
from newsreader.screens.problems import ProblemsScreen
from newsreader.screens.reader import ReaderScreen


def settings_file(text: str) -> Path:
    """Write the settings file the app reads (conftest points $NEWSREADER_CONFIG at it)."""
    path = Path(os.environ["NEWSREADER_CONFIG"])
    path.write_text(text, encoding="utf-8")
    return path


def run(scenario: Scenario, *, as_the_command_line_does: bool = False) -> NewsReaderApp:
    """Start the reader on the samples with the settings file, then play ``scenario``.

    ``as_the_command_line_does``: the settings are read before the app exists, knowing no
    themes, and handed to it (``newsreader PATH``)."""
    settings = load_settings()[0] if as_the_command_line_does else None
    return run_reader(scenario, SAMPLE, (120, 40), settings)


BAD = 'theme = "nosuchtheme"  # mine\n\n[keys]\nnosuch_action = "z"\nquit = "j"\n'


def test_settings_problems_are_notified_and_listed_in_the_problems_screen() -> None:
    path = settings_file(BAD)

    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        shown = notifications(pilot)
        expected = [
            f"{path}, line 1: theme: unknown theme 'nosuchtheme'",
            f"{path}, line 4: keys.nosuch_action: no key has this id",
            f"{path}, line 5: keys.quit: 'j' is also the key of Next post (article list)",
            "keeping the default: q",
        ]
        for text in expected:
            assert any(text in message for message in shown), (text, shown)
        await pilot.press("exclamation_mark")
        await until(pilot, lambda: isinstance(pilot.app.screen, ProblemsScreen), "problems")
        entries = pilot.app.screen.query_one(OptionList)
        rows = []  # each entry as shown: its place (after the ▸ or blank), then its message
        for index in range(entries.option_count):
            where, what = entries.get_option_at_index(index).prompt.renderables
            rows.append([where.plain[2:], what.renderable.plain])
        assert rows[0][0] == str(path) and rows[0][1].startswith("line 1: theme: unknown")
        assert rows[1] == [str(path), rows[1][1]] and "keys.nosuch_action" in rows[1][1]
        assert rows[2][0] == str(path) and rows[2][1].startswith("line 5: keys.quit: 'j'")
        assert "_posts/" in rows[3][0]  # the archive's own problems follow

    for command_line in (False, True):
        run(scenario, as_the_command_line_does=command_line)


def test_a_quit_key_that_another_key_uses_is_refused_and_q_still_quits() -> None:
    settings_file('[keys]\nquit = "j"\n')

    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await pilot.press("j")
        assert reader.article_list.cursor == 1 and pilot.app.is_running
        await pilot.press("q")
        await until(pilot, lambda: not pilot.app.is_running, "q to quit")

    run(scenario)


def test_a_key_that_would_take_quits_key_is_refused() -> None:
    path = settings_file('[keys]\ntoggle_star = "q"\ntoggle_read = "r"\n')

    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        refused = f"{path}, line 2: keys.toggle_star: 'q' is the key that quits; ignored"
        assert any(message.startswith(refused) for message in notifications(pilot))
        assert not any("toggle_read" in message for message in notifications(pilot))
        await pilot.press("q")
        await until(pilot, lambda: not pilot.app.is_running, "q to quit")

    run(scenario)


def test_question_mark_lists_the_keys_in_effect_with_their_ids() -> None:
    path = settings_file('[keys]\nquit = "Q"\nsearch = "/,ctrl+f"\n')

    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(pilot.app.screen, HelpScreen), "the help")
        lines = [
            line.strip("│ ")
            for widget in pilot.app.screen.query(Static)
            for line in _whole(widget).splitlines()
        ]
        words = [line.split() for line in lines]
        assert ["Q", "Quit", "quit"] in words
        assert ["/,", "ctrl+f", "Search", "search"] in words
        assert ["?", "Keys", "help"] in words and ["!", "Problems", "problems"] in words
        assert not any(line[:1] == ["q"] and "Quit" in line for line in words)
        assert "Moving" in lines and "Marking" in lines
        assert "Everywhere" not in lines  # every key of the reader is in a group of its own
        assert f"Settings: {path}" in lines

    run(scenario)


def test_the_palette_lists_each_action_once_with_its_keys_as_typed() -> None:
    settings_file('[keys]\nquit = "Q"\n')

    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(pilot.app.screen, CommandPalette), "the palette")
        await until(pilot, lambda: "key: " in screen_text(pilot), "the commands")
        commands = [
            str(option.prompt) for option in pilot.app.screen.query_one("CommandList").options
        ]
        titles = [command.splitlines()[0] for command in commands]
        assert len(titles) == len(set(titles)), titles
        assert "Keys\nkey: ?" in commands and "Problems\nkey: !" in commands
        assert "Search\nkey: /" in commands and "Quit\nkey: Q" in commands
        assert not any("(key:" in command or "_mark" in command for command in commands)

    run(scenario)


def test_the_theme_chooser_marks_the_current_theme_and_a_choice_keeps_the_comment() -> None:
    path = settings_file('theme = "nord"  # cold, like the north\nsidebar_sort = "name"\n')

    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        pilot.app.search_themes()
        await until(pilot, lambda: isinstance(pilot.app.screen, CommandPalette), "the themes")
        await until(pilot, lambda: "nord" in screen_text(pilot), "the themes listed")
        lines = [line.strip() for line in screen_text(pilot).splitlines()]
        assert lines[lines.index("nord") + 1] == "✓ the current theme"
        assert sum("current theme" in line for line in lines) == 1
        await pilot.press("escape")
        pilot.app.theme = "dracula"
        await pilot.pause()

    run(scenario)
    assert path.read_text(encoding="utf-8") == (
        'theme = "dracula"  # cold, like the north\nsidebar_sort = "name"\n'
    )
