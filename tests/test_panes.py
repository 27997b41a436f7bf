"""Pilot tests of the panes' rough edges (issue 14): the sidebar's keys, the dates, the footer
at small sizes, the toasts, the problems dialog and the digit prefix of link keys."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from test_reader import (
    SAMPLE,
    TOTAL,
    TZ,
    Scenario,
    flat,
    focus_categories,
    notifications,
    pane_text,
    run,
    screen_lines,
    screen_text,
    search,
    status,
    until,
    write_post,
)
from textual.pilot import Pilot
from textual.widgets._footer import FooterKey
from textual.widgets._toast import Toast

from newsreader.app import create_app
from newsreader.archive import LoadOptions
from newsreader.config import Settings
from newsreader.screens.date_filter import DateFilterScreen
from newsreader.screens.problems import ProblemsScreen
from newsreader.screens.reader import ReaderScreen
from newsreader.widgets.category_list import CategoryList
from newsreader.widgets.footer import FittingFooter
from newsreader.widgets.timeline import Timeline

# ------------------------------------------------------------------------------ the sidebar


def test_c_in_the_categories_goes_to_the_narrowing_field_without_typing_c() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await focus_categories(pilot, reader)
        await pilot.press("c")
        narrowing = reader.query_one(CategoryList).narrowing
        assert pilot.app.focused is narrowing
        assert narrowing.value == ""

    run(scenario)


def test_x_d_and_shift_u_in_the_categories_stay_commands() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        categories = reader.query_one(CategoryList)
        await focus_categories(pilot, reader)
        await pilot.press("U")
        assert categories.narrowing.value == ""
        assert "Showing unread posts only" in notifications(pilot)
        await pilot.press("x")
        assert categories.narrowing.value == ""
        assert "Filters cleared" in notifications(pilot)
        await pilot.press("d")
        await until(pilot, lambda: isinstance(pilot.app.screen, DateFilterScreen), "dates")
        assert categories.narrowing.value == ""

    run(scenario)


def test_x_drops_the_category_narrowing_text() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        categories = reader.query_one(CategoryList)
        await pilot.press("c", *"nanfang", "enter")
        assert status(reader).startswith("category nanfangwang")
        await pilot.press("x")
        await pilot.pause()
        assert categories.narrowing.value == ""
        assert categories.options.option_count > 10  # every category is listed again

    run(scenario)


def test_escape_in_the_sidebar_ends_the_search() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await search(pilot, reader, "沪指")
        await pilot.press("enter")  # to the list, the search kept
        await pilot.press("shift+tab")  # to the timeline
        assert pilot.app.focused is reader.query_one(Timeline)
        await pilot.press("escape")
        assert not reader.model.searching
        assert status(reader) == f"{TOTAL} of {TOTAL} posts"
        assert pilot.app.focused is reader.article_list

    run(scenario)


async def move_to_date(pilot: Pilot[None], timeline: Timeline, spec: str) -> None:
    """Press j in the timeline until the node ``spec`` is under the cursor."""
    for _ in range(40):
        node = timeline.cursor_node
        if node is not None and node.data == spec:
            return
        await pilot.press("j")
    raise AssertionError(f"j never reached {spec}")


def test_a_date_applies_as_the_cursor_moves_onto_it_as_a_category_does() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        timeline = reader.query_one(Timeline)
        await pilot.press("shift+tab")
        await move_to_date(pilot, timeline, "2022")
        await until(pilot, lambda: "date 2022" in status(reader), "the year to filter")
        assert status(reader) == f"date 2022 — 20 of {TOTAL} posts"
        assert pilot.app.focused is timeline, "a move is no choice to go to the list"
        await pilot.press("enter")
        assert pilot.app.focused is reader.article_list

    run(scenario)


def test_l_in_the_dates_opens_the_year_and_opens_no_article() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        timeline = reader.query_one(Timeline)
        await pilot.press("shift+tab")
        await move_to_date(pilot, timeline, "2022")
        node = timeline.cursor_node
        assert node is not None and not node.is_expanded
        await pilot.press("l")
        assert node.is_expanded
        assert reader.reading_pane.post is None
        assert pilot.app.focused is timeline
        await pilot.press("l")  # open already: down to its newest month
        assert timeline.cursor_node is not None and timeline.cursor_node.parent is node

    run(scenario)


# ------------------------------------------------------------------------------ small screens


def run_with(
    scenario: Scenario,
    settings: Settings | None = None,
    size: tuple[int, int] = (80, 24),
    root: Path = SAMPLE,
) -> None:
    """Start the reader with these settings at this size, toasts shown (the pilot's default
    hides them), wait until it has loaded, then play ``scenario``."""
    app = create_app(root, LoadOptions(tz=TZ), settings or Settings())

    async def main() -> None:
        async with app.run_test(size=size, notifications=True) as pilot:
            reader = app.screen_stack[0]
            assert isinstance(reader, ReaderScreen)
            await until(pilot, lambda: not reader.model.loading, "the archive to load")
            await scenario(pilot, reader)

    asyncio.run(main())


async def footer_entries(pilot: Pilot[None], reader: ReaderScreen) -> tuple[str, list[str]]:
    """The painted footer line, and the entries (key and description) the footer holds."""
    await pilot.pause(0.1)  # the footer recomposes after a refresh
    keys = list(reader.query(FooterKey))
    entries = [f"{key.key_display} {key.description}" for key in keys]
    return screen_lines(pilot)[-1], entries


def test_at_80_columns_the_footer_drops_entries_whole_and_keeps_quit_and_keys() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await pilot.press("t")  # the sidebar, which 80 columns start without
        for _ in range(2):
            line, entries = await footer_entries(pilot, reader)
            assert "Q Quit" in line and "? Keys" in line
            assert line.rstrip().endswith("^p Commands")
            shown = [entry for entry in entries if entry in line]
            assert len(shown) < len(entries), "this footer does not fit 80 columns whole"
            cut = line.split("▏")[0].split()
            assert f"{cut[-2]} {cut[-1]}" in entries, f"{line!r} ends in a cut entry"
            await pilot.press("h")  # the sidebar's entries come first

    run_with(scenario, Settings(keys={"quit": "Q"}), (80, 24))


def test_the_footer_follows_the_focus_to_the_article_and_back() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        line, _ = await footer_entries(pilot, reader)
        assert line.lstrip().startswith("⏎ Open")  # the list's own key first
        await pilot.press("enter")
        line, _ = await footer_entries(pilot, reader)
        assert "Open" not in line and "q Quit" in line  # the article has no Open
        await pilot.press("escape")
        line, _ = await footer_entries(pilot, reader)
        assert line.lstrip().startswith("⏎ Open")

    run(scenario, size=(160, 30))


@pytest.mark.parametrize("size", [(80, 24), (120, 30)])
def test_the_footer_shows_what_a_new_footer_would_after_many_moves_of_the_focus(
    size: tuple[int, int],
) -> None:
    """The footer's entries are reused for the next set of keys (not mounted anew): after
    every move, what it paints is what a footer composed from nothing paints."""

    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        seen: set[str] = set()
        moves = [
            ("enter",),
            ("escape",),
            ("t",),
            ("c", *"emnews", "enter"),
            ("d",),
            (*"2022-03", "enter"),
            ("h",),
            ("enter",),
        ]
        for keys in moves:
            await pilot.press(*keys)
            await pilot.pause(0.2)
            if pilot.app.screen is not reader:
                continue  # a dialog: its own footer
            line, _ = await footer_entries(pilot, reader)
            seen.add(line)
            footer = reader.query_one(FittingFooter)
            footer._shown = None  # as if it had never been composed: made from nothing
            footer.refresh(recompose=True)
            fresh, _ = await footer_entries(pilot, reader)
            assert line == fresh, keys
        assert len(seen) >= 2, "the moves never changed the footer's keys"

    run(scenario, size=size)


def test_at_24_rows_the_empty_reading_pane_gives_its_rows_to_the_list() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        listed = reader.article_list.scrollable_content_region.height
        assert listed >= 12, f"the list shows {listed} posts of 24 rows"
        assert "No article open" in pane_text(pilot, reader.reading_pane)
        await pilot.press("enter")  # an article open takes its share again
        await until(pilot, lambda: reader.reading_pane.size.height > 10, "the article's room")
        await pilot.press("escape", "x")  # back to the list; nothing closes the article
        assert reader.reading_pane.post is not None

    run(scenario, size=(80, 24))


def test_toasts_stay_inside_the_reading_pane_border_at_80_by_24() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await pilot.press("enter")
        await until(pilot, lambda: reader.reading_pane.size.height > 10, "the article")
        reader.notify("A fairly long message that takes more than one line of its toast")
        await pilot.pause(0.2)
        inside = reader.reading_pane.region.shrink((1, 1, 1, 1))
        toasts = list(reader.query(Toast))
        assert toasts
        for toast in toasts:
            assert inside.contains_region(toast.region), f"{toast.region} crosses {inside}"

    run_with(scenario)


def test_a_toast_raised_under_a_dialog_waits_until_it_closes() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await pilot.press("question_mark")
        await until(pilot, lambda: pilot.app.screen is not reader, "the help")
        pilot.app.notify("Raised meanwhile")
        await pilot.pause(0.2)
        assert "Raised meanwhile" not in screen_text(pilot)
        await pilot.press("escape")
        await until(pilot, lambda: pilot.app.screen is reader, "the help to close")
        await until(pilot, lambda: "Raised meanwhile" in screen_text(pilot), "the toast")

    run_with(scenario)


def test_one_post_arriving_says_1_new_post(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSREADER_WATCH", "poll")
    write_post(tmp_path, "2022-01-01-old.md", "Old")

    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        write_post(tmp_path, "2023-06-01-new.md", "New")
        reader.feed.look_now(changed=False)
        await until(pilot, lambda: len(reader.article_list.posts) == 2, "the new post")
        assert "1 new post arrived" in notifications(pilot)

    run(scenario, root=tmp_path)


# ------------------------------------------------------------------------------ problems


async def open_problems(pilot: Pilot[None]) -> ProblemsScreen:
    await pilot.press("exclamation_mark")
    await until(pilot, lambda: isinstance(pilot.app.screen, ProblemsScreen), "the problems")
    dialog = pilot.app.screen
    assert isinstance(dialog, ProblemsScreen)
    return dialog


def test_the_problems_dialog_is_framed_and_wraps_its_text_at_80_by_24() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        dialog = await open_problems(pilot)
        frame = dialog.query_one("#problems-dialog")
        text = pane_text(pilot, frame)
        lines = text.splitlines()
        assert lines[0].startswith("╭") and lines[-1].startswith("╰")
        assert all(line.startswith("│") and line.endswith("│") for line in lines[1:-1])
        words = flat(text.replace("│", " "))
        # The message that ran past 80 columns, whole and in order across its lines.
        assert "no usable date; using the day in the file name's article code" in words

    run(scenario, size=(80, 24))


def test_enter_on_a_recovered_posts_problem_opens_that_post() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await open_problems(pilot)
        await pilot.press("j", "j", "j")  # the fourth: blank lines before the front matter
        await pilot.press("enter")
        await until(pilot, lambda: pilot.app.screen is reader, "the dialog to close")
        post = reader.reading_pane.post
        assert post is not None and post.id == "_posts/2021-12-08-202112081347092215.md"
        assert pilot.app.focused is reader.reading_pane

    run(scenario)


# ------------------------------------------------------------------------------ link numbers


def test_a_number_the_article_has_not_is_told_once_not_offered_first(tmp_path: Path) -> None:
    write_post(tmp_path, "2024-05-01-links.md", "Links", body="[one](https://example.com/1)")

    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await pilot.press("enter")
        await until(pilot, lambda: reader.reading_pane.post is not None, "the article")
        await pilot.press("9", "o")
        await pilot.pause()
        told = [message for message in notifications(pilot) if "link" in message.casefold()]
        assert told == ["No link 9: this article has 1 link."]
        await pilot.press("1")
        assert notifications(pilot)[-1] == "Link 1: o opens it, y copies it"

    run(scenario, root=tmp_path)
