"""Pilot tests of the panes' rough edges (issue 14): the sidebar's keys, the dates, the footer
at small sizes, the toasts, the problems dialog and the digit prefix of link keys."""

from __future__ import annotations

from test_reader import (
    TOTAL,
    focus_categories,
    move_to_category,
    notifications,
    run,
    search,
    status,
    until,
)
from textual.pilot import Pilot

from newsreader.screens.date_filter import DateFilterScreen
from newsreader.screens.reader import ReaderScreen
from newsreader.widgets.category_list import CategoryList
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
