"""Pilot tests of what a new user meets first: keys pressed in quick bursts, reading mode with
nothing open, text at 80 columns and the list at 200.

A burst is keys posted to the app all at once, before it has painted or answered any of
them, as a terminal delivers keys typed faster than a frame; ``pilot.press`` instead waits
until each key is answered.
"""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.pilot import Pilot
from textual.widget import Widget

from newsreader.archive import DATE_SPEC_HELP
from newsreader.screens.help import HelpScreen
from newsreader.screens.reader import ReaderScreen
from tests.test_reader import (
    FIRST_TITLE,
    SECOND_TITLE,
    article_title,
    flat,
    inner_text,
    notifications,
    open_date_dialog,
    open_long_article,
    pane_text,
    rows,
    run,
    screen_text,
    type_text,
    until,
)


def burst(pilot: Pilot[None], key: str, character: str | None, times: int = 1) -> None:
    """Send ``key`` ``times`` times at once, none of them answered before the next arrives."""
    for _ in range(times):
        pilot.app.post_message(events.Key(key, character))


def burst_text(pilot: Pilot[None], text: str) -> None:
    """Type ``text`` in one burst, as a paste-fast typist or a script does."""
    for character in text:
        key = {"-": "minus", ".": "full_stop"}.get(character, character)
        burst(pilot, key, character)


async def settled(pilot: Pilot[None], widget: Widget) -> float:
    """Where ``widget`` is scrolled to once the keys are answered and any scrolling done."""
    await pilot.pause()
    await pilot.app.animator.wait_until_complete()
    await pilot.pause()
    return widget.scroll_y


def test_every_j_of_a_fast_burst_scrolls_the_article_a_line() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await open_long_article(pilot, reader)
        pane = reader.reading_pane
        burst(pilot, "j", "j", 10)
        assert await settled(pilot, pane) == 10
        burst(pilot, "k", "k", 4)
        assert await settled(pilot, pane) == 6

    run(scenario)


def test_every_space_of_a_fast_burst_pages_the_article_down() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await open_long_article(pilot, reader)
        pane = reader.reading_pane
        page = pane.scrollable_content_region.height
        burst(pilot, "space", " ", 3)
        assert await settled(pilot, pane) == 3 * page
        burst(pilot, "b", "b", 2)
        assert await settled(pilot, pane) == page

    run(scenario)


def test_every_j_of_a_fast_burst_scrolls_the_help_a_line() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(pilot.app.screen, HelpScreen), "the help")
        body = pilot.app.screen.query_one("#help-body")
        burst(pilot, "j", "j", 10)
        assert await settled(pilot, body) == 10
        burst(pilot, "k", "k", 3)
        assert await settled(pilot, body) == 7

    run(scenario, size=(80, 24))


def test_z_with_no_article_open_reads_the_post_under_the_cursor() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await pilot.press("j", "z")
        await until(pilot, lambda: reader.reading_pane.post is not None, "the post to open")
        assert reader.panes.reading_mode
        assert "Articles" not in screen_text(pilot)
        assert article_title(pilot, reader) == SECOND_TITLE
        assert pilot.app.focused is reader.reading_pane
        await pilot.press("j", "z")  # j scrolls the article now, z brings the list back
        assert "Articles" in screen_text(pilot)
        assert pilot.app.focused is reader.article_list
        await pilot.press("k", "z")  # an article is open: z reads it, not the cursor's
        assert reader.panes.reading_mode
        assert article_title(pilot, reader) == SECOND_TITLE
        assert FIRST_TITLE not in screen_text(pilot)

    run(scenario)


def test_z_with_no_post_listed_says_so_and_keeps_the_list() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await pilot.press("slash")
        await type_text(pilot, "qqqxyzzy")
        await until(pilot, lambda: not reader.article_list.posts, "the search to find nothing")
        await pilot.press("enter", "z")
        assert not reader.panes.reading_mode
        assert "Articles" in screen_text(pilot)
        assert "Nothing to read: no post is listed." in notifications(pilot)

    run(scenario)


def test_at_80_columns_the_date_dialog_shows_its_hint_and_error_whole() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        dialog = await open_date_dialog(pilot)
        hint = flat(pane_text(pilot, dialog.query_one("#date-help")))
        assert flat(DATE_SPEC_HELP) in hint
        await type_text(pilot, "2023-13")
        await pilot.press("enter")
        error = flat(pane_text(pilot, dialog.query_one("#date-error")))
        assert error.startswith("Not a date filter: '2023-13'")
        assert error.endswith(".")  # whole, not cut off
        assert "Any date" in screen_text(pilot), "the presets no longer fit"

    run(scenario, size=(80, 24))


def test_at_80_columns_the_message_of_an_empty_folder_is_shown_whole(tmp_path: Path) -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        message = reader.model.empty_message()
        assert message.endswith("Press r to reload, q to quit.")
        assert message in flat(inner_text(pilot, reader.article_list))

    run(scenario, root=tmp_path, size=(80, 24))


def test_with_the_sidebar_at_80_columns_no_match_says_how_to_clear_the_filters() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await pilot.press("t", "slash")
        await type_text(pilot, "qqqxyzzy")
        await until(pilot, lambda: not reader.article_list.posts, "the search to find nothing")
        shown = flat(inner_text(pilot, reader.article_list))
        assert "No posts match these filters. Press x to clear them." in shown

    run(scenario, size=(80, 24))


def test_help_at_80_columns_gives_the_descriptions_the_room() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(pilot.app.screen, HelpScreen), "the help")
        assert "Next unread (from the list or the" in screen_text(pilot)
        assert "Reading mode (with no article open," in screen_text(pilot)

    run(scenario, size=(80, 24))


def test_at_200_columns_the_list_shows_the_time_and_more_of_each_title() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        first = rows(reader)[0]
        assert "2024-06-11 16:00" in first
        assert FIRST_TITLE[:40] in first
        assert first.rstrip().endswith("technology")

    run(scenario, size=(200, 50))


def test_with_a_category_chosen_its_label_is_not_repeated_on_every_row() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        reader.choose_category("technology")
        await until(pilot, lambda: len(reader.article_list.posts) < 50, "the category")
        listed = [row for row in rows(reader) if row.strip()]
        assert FIRST_TITLE in listed[0]  # the label's room went to the title
        assert not any(row.rstrip().endswith("technology") for row in listed)
        await pilot.press("x")
        await until(pilot, lambda: len(reader.article_list.posts) == 50, "all posts")
        assert rows(reader)[0].rstrip().endswith("technology")

    run(scenario, size=(200, 50))
