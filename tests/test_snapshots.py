"""SVG snapshots of the reader (pytest-textual-snapshot), compared with tests/__snapshots__/.

Update them after a deliberate change with ``pytest tests/test_snapshots.py --snapshot-update``
and look at every changed SVG before committing it.

The pictures must not depend on the machine: the archive is the repository's sample_posts in
the Asia/Shanghai zone; every scene waits until loading (and the sidebar's delayed refresh) is
done; notifications, which hold absolute paths, are cleared; no scene shows a blinking cursor,
the clock or a date preset (those follow today's date).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from textual.pilot import Pilot

from newsreader.app import NewsReaderApp, create_app
from newsreader.archive import LoadOptions
from newsreader.screens.date_filter import DateFilterScreen
from newsreader.screens.help import HelpScreen
from newsreader.screens.reader import ReaderScreen
from newsreader.widgets.timeline import Timeline

SAMPLE = Path(__file__).resolve().parent.parent / "sample_posts"
TZ = ZoneInfo("Asia/Shanghai")
WIDE = (120, 36)
SMALL = (80, 24)

SnapCompare = Callable[..., bool]


def reader_app(root: Path = SAMPLE) -> NewsReaderApp:
    """The app as the command line builds it, on ``root``."""
    return create_app(root, LoadOptions(tz=TZ))


async def until(pilot: Pilot[None], condition: Callable[[], object], what: str) -> None:
    """Let the app run until ``condition()`` holds (at most 10 seconds)."""
    deadline = time.monotonic() + 10
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)
    await pilot.pause()


def reader_of(pilot: Pilot[None]) -> ReaderScreen:
    reader = pilot.app.screen_stack[0]
    assert isinstance(reader, ReaderScreen)
    return reader


def sidebar_settled(reader: ReaderScreen) -> bool:
    """Whether the timeline (refreshed a moment after the list) counts the current filter."""
    query = reader.model.filter
    found = reader.model.text_matches if query.text.strip() else None  # the index's answer
    expected = len(reader.model.archive.filter(query.with_changes(dates=None), found))
    return str(reader.query_one(Timeline).root.label).endswith(f" {expected:,}")


async def loaded(pilot: Pilot[None]) -> None:
    """Wait until the archive is loaded."""
    reader = reader_of(pilot)
    await until(pilot, lambda: not reader.model.loading, "the archive to load")


async def settle(pilot: Pilot[None]) -> None:
    """Wait until loading and the sidebar are done, then drop the notifications."""
    reader = reader_of(pilot)
    await until(pilot, lambda: not reader.model.loading, "the archive to load")
    await until(pilot, lambda: sidebar_settled(reader), "the sidebar to follow the filter")
    pilot.app.clear_notifications()
    await pilot.pause()


def then(
    *steps: Callable[[Pilot[None]], Awaitable[None]],
) -> Callable[[Pilot[None]], Awaitable[None]]:
    """A run_before that waits for the load, plays ``steps`` and settles again."""

    async def run_before(pilot: Pilot[None]) -> None:
        await loaded(pilot)
        await settle(pilot)
        for step in steps:
            await step(pilot)
        await settle(pilot)

    return run_before


def keys(*pressed: str) -> Callable[[Pilot[None]], Awaitable[None]]:
    async def press(pilot: Pilot[None]) -> None:
        await pilot.press(*pressed)

    return press


async def filter_emnews_in_march_2022(pilot: Pilot[None]) -> None:
    """c, "emnews" and enter narrow the sidebar and choose it; then d with 2022-03."""
    reader = reader_of(pilot)
    await pilot.press("c", *"emnews", "enter")
    await until(pilot, lambda: reader.model.filter.category == "emnews", "the category")
    await pilot.press("d")
    await until(pilot, lambda: isinstance(pilot.app.screen, DateFilterScreen), "the dialog")
    await pilot.press(*"2022-03", "enter")
    await until(pilot, lambda: pilot.app.screen is reader, "the dialog to close")


async def search_and_go_to_the_first_match(pilot: Pilot[None]) -> None:
    """/ 市场 enter narrows the list; enter opens the first result; n marks its first match."""
    reader = reader_of(pilot)
    await pilot.press("slash", *"市场", "enter")
    await until(pilot, lambda: reader.model.filter.text == "市场", "the search")
    await pilot.press("enter")
    await until(pilot, lambda: reader.reading_pane.matches, "the article's matches")
    await pilot.press("n")
    await until(pilot, lambda: reader.reading_pane.current_match == 0, "the first match")


class _StaysRelative(type(Path())):  # type: ignore[misc]
    """A relative path that resolves to itself.

    The empty-archive message names the folder as resolved; a relative name keeps the
    picture the same on every machine (the real absolute path is checked in test_reader).
    """

    def resolve(self, strict: bool = False) -> _StaysRelative:
        return self


# ------------------------------------------------------------------------------ scenes


def test_main_screen(snap_compare: SnapCompare) -> None:
    """Sample posts at 120x36: sidebar, list with the cursor on the newest post, no article."""
    assert snap_compare(reader_app(), terminal_size=WIDE, run_before=then())


def test_open_article(snap_compare: SnapCompare) -> None:
    """The second post opened: a Chinese article with its category label and source."""
    assert snap_compare(reader_app(), terminal_size=WIDE, run_before=then(keys("j", "enter")))


def test_help_screen(snap_compare: SnapCompare, monkeypatch: pytest.MonkeyPatch) -> None:
    """? over the main screen: the keys, grouped, and where the settings are."""
    # The help names the settings file: a fixed one (never written) in place of the tests'.
    monkeypatch.setenv("NEWSREADER_CONFIG", "/home/reader/.config/newsreader/config.toml")

    async def open_help(pilot: Pilot[None]) -> None:
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(pilot.app.screen, HelpScreen), "the help")

    assert snap_compare(reader_app(), terminal_size=WIDE, run_before=then(open_help))


def test_filtered_by_category_and_date(snap_compare: SnapCompare) -> None:
    """Category emnews (the sidebar narrowed to it) and date 2022-03: two posts."""
    assert snap_compare(
        reader_app(), terminal_size=WIDE, run_before=then(filter_emnews_in_march_2022)
    )


def test_empty_archive(
    snap_compare: SnapCompare, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder without posts: the list and the reading pane say what newsreader looks for."""
    (tmp_path / "empty-archive").mkdir()
    monkeypatch.chdir(tmp_path)
    app = reader_app(_StaysRelative("empty-archive"))
    assert snap_compare(app, terminal_size=WIDE, run_before=then())


def test_small_terminal_with_an_article(snap_compare: SnapCompare) -> None:
    """80x24: no sidebar, the list over the opened article."""
    assert snap_compare(reader_app(), terminal_size=SMALL, run_before=then(keys("j", "enter")))


def test_search_matches_in_the_article(snap_compare: SnapCompare) -> None:
    """A search's matches highlighted in the open article, the first one current (after n)."""
    assert snap_compare(
        reader_app(), terminal_size=WIDE, run_before=then(search_and_go_to_the_first_match)
    )
