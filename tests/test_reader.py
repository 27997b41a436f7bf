"""Pilot tests of the reader: every key path, checked on what the user sees.

Each test starts the real app (``create_app``) on the bundled ``sample_posts`` archive, or on a
small archive written to a temporary folder, waits until the loading worker is done, presses
keys and reads the screen back: the article list's rows, the reading pane, the status line,
the focused pane, the open dialogs and the notifications.

pytest-asyncio is not a dependency, so every test drives its own event loop with
``asyncio.run`` (as ``test_article_list.py`` does).
"""

from __future__ import annotations

import asyncio
import time
import webbrowser
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from rich.cells import get_character_cell_size
from textual import events
from textual.command import CommandPalette
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input, OptionList, Static

from newsreader.app import NewsReaderApp, create_app
from newsreader.archive import Filter, LoadOptions
from newsreader.config import Settings
from newsreader.reader.feed import Batch
from newsreader.screens.date_filter import DateFilterScreen
from newsreader.screens.help import HelpScreen
from newsreader.screens.messages import FeedArrived
from newsreader.screens.problems import ProblemsScreen
from newsreader.screens.reader import ReaderScreen
from newsreader.widgets.category_list import CategoryList
from newsreader.widgets.timeline import Timeline

SAMPLE = Path(__file__).resolve().parent.parent / "sample_posts"
TZ = ZoneInfo("Asia/Shanghai")
SIZE = (120, 36)
TOTAL = 50
"""Posts in sample_posts (see sample_posts/ABOUT.txt)."""

FIRST_TITLE = "Three laptop makers publish spare-parts price lists"
SECOND_TITLE = "临江港前5个月集装箱吞吐量同比增长8.4%"
THIRD_TITLE = "六月首个交易日 两市成交额超9000亿元"
LAST_TITLE = "本站上线试运行"
LONG_TITLE = "走廊一年间：岭西数字经济走廊建设观察"
"""The very long article (about 15,000 characters), for paging."""
SECOND_SOURCE = "https://news.example.com/news/1516,202406031916557240.html"
"""The source address of the second post (the first has none)."""

Scenario = Callable[[Pilot[None], ReaderScreen], Awaitable[None]]


# ------------------------------------------------------------------------------ helpers


def run(
    scenario: Scenario,
    root: Path = SAMPLE,
    size: tuple[int, int] = SIZE,
    settings: Settings | None = None,
) -> NewsReaderApp:
    """Start the reader on ``root``, wait until it has loaded, then play ``scenario``.

    ``settings``: as the command line hands them over; by default the app reads the file."""
    app = create_app(root, LoadOptions(tz=TZ), settings)

    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            reader = app.screen_stack[0]
            assert isinstance(reader, ReaderScreen)
            # Loaded, and the sidebar's refresh, deferred a moment after the whole archive
            # arrives, shown: a user sees both within a frame or two.
            await until(
                pilot,
                lambda: not reader.model.loading and not reader.sidebar.pending,
                "the archive to load",
            )
            await scenario(pilot, reader)

    asyncio.run(main())
    return app


async def until(
    pilot: Pilot[None], condition: Callable[[], object], what: str, timeout: float = 10.0
) -> None:
    """Let the app run until ``condition()`` holds; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)
    await pilot.pause()


async def type_text(pilot: Pilot[None], text: str) -> None:
    """Type ``text`` one key at a time, as a user does."""
    await pilot.press(*text)


def screen_lines(pilot: Pilot[None]) -> list[str]:
    """The text of every line of the topmost screen, as painted."""
    return [strip.text for strip in pilot.app.screen._compositor.render_strips()]


def screen_text(pilot: Pilot[None]) -> str:
    """The whole topmost screen as one string."""
    return "\n".join(screen_lines(pilot))


def pane_text(pilot: Pilot[None], widget: Widget) -> str:
    """What the screen shows inside ``widget``'s region (borders and titles included)."""
    return region_text(pilot, widget.region)


def inner_text(pilot: Pilot[None], widget: Widget) -> str:
    """What the screen shows inside ``widget``'s border, padding and scrollbars."""
    return region_text(pilot, widget.scrollable_content_region)


def region_text(pilot: Pilot[None], region: Region) -> str:
    """The painted text of a region of the screen."""
    lines = screen_lines(pilot)[region.y : region.bottom]
    return "\n".join(line_cells(line, region.x, region.right) for line in lines)


def line_cells(line: str, start: int, end: int) -> str:
    """Cells ``start`` to ``end`` of a painted line (wide characters take two cells)."""
    out: list[str] = []
    x = 0
    for character in line:
        width = get_character_cell_size(character)
        if start <= x and x + width <= end:
            out.append(character)
        x += width
    return "".join(out)


def rows(reader: ReaderScreen) -> list[str]:
    """The article list's visible rows, read through its Line API."""
    article_list = reader.article_list
    height = article_list.scrollable_content_region.height
    return [article_list.render_line(y).text for y in range(height)]


def listed_titles(reader: ReaderScreen) -> list[str]:
    """Titles of every post the list holds (not only the visible ones)."""
    return [post.title for post in reader.article_list.posts]


def cursor_row(reader: ReaderScreen) -> str:
    """The visible row under the cursor."""
    article_list = reader.article_list
    return article_list.render_line(article_list.cursor - article_list.scroll_offset.y).text


def status(reader: ReaderScreen) -> str:
    """The status line's text."""
    text = reader.query_one("#status-text", Static)
    return "".join(strip.text for strip in text.render_lines(text.size.region)).strip()


def article_title(pilot: Pilot[None], reader: ReaderScreen) -> str:
    """The first line of text the reading pane shows (inside its border)."""
    inside = inner_text(pilot, reader.reading_pane).splitlines()
    return next((line.strip() for line in inside if line.strip()), "")


def flat(text: str) -> str:
    """``text`` with every run of whitespace (line breaks too) as one space."""
    return " ".join(text.split())


def notifications(pilot: Pilot[None]) -> list[str]:
    """Messages of the notifications still current."""
    return [notification.message for notification in pilot.app._notifications]


def category_entries(reader: ReaderScreen) -> list[str]:
    """The categories the sidebar lists (not "All posts" and such), as their text."""
    options = reader.query_one(CategoryList).options
    entries = [options.get_option_at_index(index) for index in range(options.option_count)]
    return [
        str(entry.prompt).strip()
        for entry in entries
        if entry.id is not None and entry.id.startswith("c:")
    ]


def write_post(root: Path, name: str, title: str, extra: str = "", body: str = "Body.") -> Path:
    """Write one post with front matter under ``root/_posts``."""
    path = root / "_posts" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    date = name[:10]
    path.write_text(
        f'---\ntitle: "{title}"\ndate: {date} 08:00:00 +0800\ncategories: tmp\n{extra}---\n\n'
        f"{body}\n",
        encoding="utf-8",
    )
    return path


# ------------------------------------------------------------------------------ loading


def test_the_list_shows_the_newest_posts_first_and_the_status_counts_them() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        visible = rows(reader)
        assert FIRST_TITLE[:30] in visible[0]
        assert "2024-06-11 16:00" in visible[0]  # written 09:00 +0100: shown in Shanghai
        assert "technology" in visible[0]
        assert SECOND_TITLE in visible[1]
        assert "东财滚动新闻" in visible[1]
        assert status(reader) == f"{TOTAL} of {TOTAL} posts"
        assert pilot.app.focused is reader.article_list
        assert "No article open" in pane_text(pilot, reader.reading_pane)
        text = screen_text(pilot)
        assert "Categories" in text and "emnews 东财滚动新闻" in text
        assert "All dates 50" in text

    run(scenario)


def test_a_notification_says_how_many_problems_were_found_after_loading() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        (message,) = [m for m in notifications(pilot) if m.startswith("Loaded")]
        assert message.startswith(f"Loaded {TOTAL} posts")
        assert "9 problems" in message
        assert "press !" in message

    run(scenario)


def test_the_post_dated_from_its_file_name_shows_that_date() -> None:
    # _posts/-202305182714356028.md has no usable date: the name's article code gives it.
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        post = next(p for p in reader.article_list.posts if p.id.endswith("6028.md"))
        assert reader.article_list.move_to(post.id)
        await pilot.pause()
        assert "2023-05-18 00:00" in cursor_row(reader)
        assert "据星澜能源官网消息" in cursor_row(reader)

    run(scenario)


def test_a_big_archive_loaded_in_batches_keeps_the_cursor_on_the_newest_post(
    tmp_path: Path,
) -> None:
    # Over 300 posts arrive in more than one batch; the first batch holds the oldest files.
    for n in range(400):
        day = date(2020, 1, 1) + timedelta(days=n)
        write_post(tmp_path, f"{day.isoformat()}-post-{n:04d}.md", f"Post number {n:04d}")

    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        assert status(reader) == "400 of 400 posts"
        assert "Post number 0399" in rows(reader)[0]
        assert reader.article_list.cursor == 0, f"the cursor is on {cursor_row(reader)!r}"
        await pilot.press("enter")
        assert article_title(pilot, reader) == "Post number 0399"

    run(scenario, root=tmp_path)


# ------------------------------------------------------------------------------ moving


def test_j_k_and_the_arrows_move_the_cursor() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        article_list = reader.article_list
        assert article_list.cursor == 0
        assert FIRST_TITLE[:30] in cursor_row(reader)
        await pilot.press("j")
        assert article_list.cursor == 1
        assert SECOND_TITLE in cursor_row(reader)
        await pilot.press("down")
        assert THIRD_TITLE in cursor_row(reader)
        await pilot.press("k")
        assert SECOND_TITLE in cursor_row(reader)
        await pilot.press("up", "up")
        assert article_list.cursor == 0
        assert FIRST_TITLE[:30] in cursor_row(reader)
        # Moving does not open anything.
        assert reader.reading_pane.post is None

    run(scenario)


def test_g_and_shift_g_go_to_the_first_and_last_post() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await pilot.press("G")
        assert reader.article_list.cursor == TOTAL - 1
        assert LAST_TITLE in cursor_row(reader)
        assert LAST_TITLE in rows(reader)[-1]
        await pilot.press("g")
        assert reader.article_list.cursor == 0
        assert FIRST_TITLE[:30] in rows(reader)[0]

    run(scenario)


# ------------------------------------------------------------------------------ opening


def test_enter_opens_the_article_and_moves_the_focus_to_it() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await pilot.press("enter")
        assert article_title(pilot, reader) == FIRST_TITLE
        shown = pane_text(pilot, reader.reading_pane)
        assert "_posts/2024-06-11-repairable-laptops-parts-prices.md" in shown  # border title
        assert "Category technology" in shown
        assert "Three mid-sized laptop makers" in shown
        assert pilot.app.focused is reader.reading_pane
        assert rows(reader)[0].startswith("▶")

    run(scenario)


def test_l_opens_the_article_under_the_cursor() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await pilot.press("j", "l")
        assert article_title(pilot, reader) == SECOND_TITLE
        assert pilot.app.focused is reader.reading_pane
        assert "临江港务集团发布数据" in pane_text(pilot, reader.reading_pane)

    run(scenario)


def test_h_and_escape_go_back_from_the_article_to_the_list_to_the_sidebar() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        categories = reader.query_one(CategoryList).options
        await pilot.press("enter")
        assert pilot.app.focused is reader.reading_pane
        await pilot.press("escape")
        assert pilot.app.focused is reader.article_list
        # The article stays on screen: going back does not close it.
        assert article_title(pilot, reader) == FIRST_TITLE
        await pilot.press("escape")
        assert pilot.app.focused is categories
        await pilot.press("tab", "tab")  # sidebar -> timeline -> list
        await pilot.press("l")
        assert pilot.app.focused is reader.reading_pane
        await pilot.press("h")
        assert pilot.app.focused is reader.article_list
        await pilot.press("h")
        assert pilot.app.focused is categories

    run(scenario)


def test_tab_and_shift_tab_cycle_the_panes() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        categories = reader.query_one(CategoryList).options
        timeline = reader.query_one(Timeline)
        focused = pilot.app
        assert focused.focused is reader.article_list
        await pilot.press("tab")
        assert focused.focused is reader.reading_pane
        await pilot.press("tab")
        assert focused.focused is categories
        await pilot.press("tab")
        assert focused.focused is timeline
        await pilot.press("tab")
        assert focused.focused is reader.article_list
        await pilot.press("shift+tab")
        assert focused.focused is timeline
        await pilot.press("shift+tab", "shift+tab")
        assert focused.focused is reader.reading_pane

    run(scenario)


# ------------------------------------------------------------------------------ reading


async def open_long_article(pilot: Pilot[None], reader: ReaderScreen) -> None:
    """Find the very long article with the search and open it."""
    await pilot.press("slash")
    await type_text(pilot, "走廊一年间")
    await until(pilot, lambda: len(reader.article_list.posts) == 1, "the search to narrow")
    await pilot.press("enter")  # leaves the search for the list
    assert pilot.app.focused is reader.article_list
    await pilot.press("enter")  # opens the article
    assert article_title(pilot, reader) == LONG_TITLE
    assert pilot.app.focused is reader.reading_pane


def test_space_and_b_page_through_the_long_article() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await open_long_article(pilot, reader)
        pane = reader.reading_pane
        assert pane.scroll_y == 0
        assert pane.max_scroll_y > 3 * pane.scrollable_content_region.height
        await pilot.press("space")
        await until(pilot, lambda: pane.scroll_y > 0, "space to page down")
        first_page = pane.scroll_y
        assert LONG_TITLE not in pane_text(pilot, pane)
        await pilot.press("space")
        await until(pilot, lambda: pane.scroll_y > first_page, "a second page down")
        await pilot.press("b")
        await until(pilot, lambda: pane.scroll_y == first_page, "b to page up")
        await pilot.press("b")
        await until(pilot, lambda: pane.scroll_y == 0, "b back to the top")
        assert article_title(pilot, reader) == LONG_TITLE

    run(scenario)


def test_g_and_shift_g_go_to_the_top_and_bottom_of_the_article() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await open_long_article(pilot, reader)
        pane = reader.reading_pane
        await pilot.press("G")
        await until(pilot, lambda: pane.scroll_y == pane.max_scroll_y, "G to reach the end")
        assert LONG_TITLE not in pane_text(pilot, pane)
        # The list's cursor did not move: G went to the article, not the list.
        assert len(reader.article_list.posts) == 1
        await pilot.press("g")
        await until(pilot, lambda: pane.scroll_y == 0, "g to reach the top")
        assert article_title(pilot, reader) == LONG_TITLE
        assert pilot.app.focused is pane

    run(scenario)


def test_n_and_p_open_the_next_and_previous_article_and_keep_the_focus() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await pilot.press("enter")
        assert article_title(pilot, reader) == FIRST_TITLE
        await pilot.press("n")
        assert article_title(pilot, reader) == SECOND_TITLE
        assert pilot.app.focused is reader.reading_pane
        assert rows(reader)[1].startswith("▶")
        await pilot.press("n")
        assert article_title(pilot, reader) == THIRD_TITLE
        await pilot.press("p")
        assert article_title(pilot, reader) == SECOND_TITLE
        assert pilot.app.focused is reader.reading_pane
        assert reader.article_list.cursor == 1
        await pilot.press("p", "p")  # p at the first post stays there
        assert article_title(pilot, reader) == FIRST_TITLE
        assert pilot.app.focused is reader.reading_pane

    run(scenario)


# ------------------------------------------------------------------------------ search


async def search(
    pilot: Pilot[None], reader: ReaderScreen, text: str, *, paste: bool = False
) -> None:
    """Open the search bar (unless open), type (or paste) ``text``; wait for the list."""
    bar = reader.query_one("#search", Input)
    if not bar.has_focus:
        await pilot.press("slash")
    if paste:
        bar.post_message(events.Paste(text))
    else:
        await type_text(pilot, text)

    def described() -> str:  # as the status line says it; "" while the bar is still empty
        return Filter(text=bar.value).describe()

    await until(pilot, lambda: described() and described() in status(reader), f"search {text!r}")


def test_slash_searches_as_you_type_with_a_two_character_chinese_query() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await pilot.press("slash")
        bar = reader.query_one("#search", Input)
        assert bar.display and bar.has_focus
        await search(pilot, reader, "岭西")
        assert status(reader) == f"search “岭西” — 4 of {TOTAL} posts"
        shown = "\n".join(rows(reader))
        for title in (
            "春节假期岭西接待游客超120万人次",
            LONG_TITLE,
            "岭西港一季度集装箱吞吐量同比增长9%",
        ):
            assert title in shown
        assert FIRST_TITLE[:20] not in shown
        # The search bar is on screen, showing what was typed.
        on_top = pilot.app.screen.get_widget_at(bar.region.x + 1, bar.region.y)[0]
        assert on_top is bar, f"the search bar is hidden under {on_top!r}"
        assert "岭西" in screen_lines(pilot)[bar.region.y]

    run(scenario)


def test_search_by_english_word_exclusion_and_phrase() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        bar = reader.query_one("#search", Input)
        await search(pilot, reader, "satellite")
        assert status(reader) == f"search “satellite” — 1 of {TOTAL} posts"
        assert "Island ferries trial satellite internet" in rows(reader)[0]

        bar.value = ""
        await search(pilot, reader, "port")
        assert "6 of 50 posts" in status(reader)
        # A title that looks like Rich markup is shown as typed.
        assert any("[bold red]Breaking[/]: Port of Valdrin" in row for row in rows(reader))
        await search(pilot, reader, " -valdrin")
        assert status(reader) == f"search “port -valdrin” — 5 of {TOTAL} posts"
        assert not any("Valdrin" in row for row in rows(reader))

        bar.value = ""
        await search(pilot, reader, '"street trees"', paste=True)
        assert status(reader) == f"search “street trees” — 1 of {TOTAL} posts"
        assert "Study: street trees cut pavement" in rows(reader)[0]
        bar.value = '"trees street"'  # the same words, not as a phrase
        await until(pilot, lambda: f"0 of {TOTAL} posts" in status(reader), "no match")

    run(scenario)


def test_escape_closes_the_search_bar_and_clears_the_search() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        bar = reader.query_one("#search", Input)
        await search(pilot, reader, "satellite")
        await pilot.press("escape")
        await until(pilot, lambda: status(reader) == f"{TOTAL} of {TOTAL} posts", "the search")
        assert not bar.display
        assert bar.value == ""
        assert pilot.app.focused is reader.article_list
        assert FIRST_TITLE[:30] in rows(reader)[0]
        assert "Search titles" not in screen_text(pilot)

    run(scenario)


def test_enter_in_the_search_bar_keeps_the_search_and_goes_to_the_list() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await search(pilot, reader, "ferries")
        await pilot.press("enter")
        assert pilot.app.focused is reader.article_list
        assert "search “ferries” — 1 of 50 posts" in status(reader)
        await pilot.press("enter")
        assert article_title(pilot, reader).startswith("Island ferries trial satellite")

    run(scenario)


def test_a_search_without_matches_says_no_posts_match() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await search(pilot, reader, "zzzqqq")
        assert f"0 of {TOTAL} posts" in status(reader)
        assert rows(reader)[0].strip().startswith("No posts match")
        assert "No posts match" in pane_text(pilot, reader.article_list)

    run(scenario)


def test_the_reading_pane_stops_saying_no_posts_match_when_posts_match_again() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await search(pilot, reader, "zzq")
        assert "No posts match" in inner_text(pilot, reader.reading_pane)
        await pilot.press("backspace", "backspace", "backspace")  # the user edits it away
        await until(pilot, lambda: status(reader) == f"{TOTAL} of {TOTAL} posts", "all posts")
        assert FIRST_TITLE[:30] in rows(reader)[0]
        assert "No posts match" not in inner_text(pilot, reader.reading_pane), (
            "the list shows posts but the reading pane still says none match"
        )

    run(scenario)


# ------------------------------------------------------------------------------ dates


async def open_date_dialog(pilot: Pilot[None]) -> DateFilterScreen:
    await pilot.press("d")
    await until(pilot, lambda: isinstance(pilot.app.screen, DateFilterScreen), "the dialog")
    dialog = pilot.app.screen
    assert isinstance(dialog, DateFilterScreen)
    return dialog


async def filter_by_date(pilot: Pilot[None], reader: ReaderScreen, spec: str) -> None:
    """Press d, type ``spec`` and enter; the dialog must close."""
    dialog = await open_date_dialog(pilot)
    dialog.query_one(Input).value = ""
    await type_text(pilot, spec)
    await pilot.press("enter")
    await until(pilot, lambda: pilot.app.screen is reader, "the date dialog to close")


def test_d_filters_by_the_month_typed() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        dialog = await open_date_dialog(pilot)
        text = screen_text(pilot)
        assert "Filter by date" in text
        assert "Last 7 days" in text and "Any date" in text
        assert dialog.query_one(Input).has_focus
        await type_text(pilot, "2022-03")
        await pilot.press("enter")
        await until(pilot, lambda: pilot.app.screen is reader, "the dialog to close")
        assert status(reader) == f"date 2022-03 — 3 of {TOTAL} posts"
        visible = [row for row in rows(reader) if row.strip()]
        assert len(visible) == 3
        assert all("2022-03-" in row for row in visible)
        assert "Port of Valdrin" in visible[0]

    run(scenario)


async def choose_preset(pilot: Pilot[None], dialog: DateFilterScreen, option_id: str) -> None:
    """Go down to the preset with this id and press enter."""
    presets = dialog.query_one(OptionList)
    await pilot.press("down")  # from the input to the presets
    assert presets.has_focus
    for _ in range(presets.option_count + 1):
        highlighted = presets.highlighted_option
        if highlighted is not None and highlighted.id == option_id:
            break
        await pilot.press("down")
    await pilot.press("enter")


def test_a_date_preset_filters_and_any_date_clears() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        # The newest sample post is from 2024: nothing was posted in the last 7 days.
        dialog = await open_date_dialog(pilot)
        await choose_preset(pilot, dialog, "7d")
        await until(pilot, lambda: pilot.app.screen is reader, "the dialog to close")
        assert status(reader) == f"date 7d — 0 of {TOTAL} posts"
        assert "No posts match" in rows(reader)[0]
        dialog = await open_date_dialog(pilot)
        assert dialog.query_one(Input).value == "7d"  # the dialog starts from the filter
        await choose_preset(pilot, dialog, "-")
        await until(pilot, lambda: pilot.app.screen is reader, "the dialog to close")
        assert status(reader) == f"{TOTAL} of {TOTAL} posts"

    run(scenario)


def test_a_malformed_date_shows_the_accepted_forms_and_keeps_the_dialog_open() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        dialog = await open_date_dialog(pilot)
        await type_text(pilot, "2022-13")
        await pilot.press("enter")
        assert pilot.app.screen is dialog
        error = pane_text(pilot, dialog.query_one("#date-error"))
        assert "Not a date filter: '2022-13'" in error
        assert "a month (2022-03)" in screen_text(pilot)
        await type_text(pilot, "x")  # still typing in the dialog
        assert dialog.query_one(Input).value == "2022-13x"
        assert status(reader) == f"{TOTAL} of {TOTAL} posts"

    run(scenario)


def test_escape_closes_the_date_dialog_and_leaves_the_filter_as_it_was() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await filter_by_date(pilot, reader, "2022-03")
        assert "date 2022-03 — 3 of" in status(reader)
        await open_date_dialog(pilot)
        await type_text(pilot, "..2024")
        await pilot.press("escape")
        await until(pilot, lambda: pilot.app.screen is reader, "escape to close the dialog")
        assert status(reader) == f"date 2022-03 — 3 of {TOTAL} posts"
        assert pilot.app.focused is reader.article_list

    run(scenario)


# ------------------------------------------------------------------------------ categories


async def focus_categories(pilot: Pilot[None], reader: ReaderScreen) -> None:
    """h from the list: the focus goes to the sidebar's categories."""
    await pilot.press("h")
    assert pilot.app.focused is reader.query_one(CategoryList).options


async def move_to_category(pilot: Pilot[None], reader: ReaderScreen, slug: str) -> None:
    """Press j in the sidebar until the category ``slug`` is highlighted."""
    options = reader.query_one(CategoryList).options
    for _ in range(options.option_count):
        highlighted = options.highlighted_option
        if highlighted is not None and highlighted.id == f"c:{slug}":
            return
        await pilot.press("j")
    raise AssertionError(f"j never reached the category {slug}")


def test_moving_in_the_sidebar_filters_by_category_and_enter_goes_to_the_list() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await focus_categories(pilot, reader)
        await move_to_category(pilot, reader, "emnews")  # the biggest, below "All posts"
        assert status(reader) == f"category emnews · 东财滚动新闻 — 13 of {TOTAL} posts"
        assert all("emnews" in post.categories for post in reader.article_list.posts)
        # The status line names the category: the rows do not repeat its label.
        assert not any("东财滚动新闻" in row for row in rows(reader))
        assert pilot.app.focused is reader.query_one(CategoryList).options
        await pilot.press("j")
        assert "category linjiangchenbao · 临江晨报 — 6 of" in status(reader)
        await pilot.press("enter")
        assert pilot.app.focused is reader.article_list
        assert "临江湾湿地公园开放" in rows(reader)[0]

    run(scenario)


def test_a_category_combines_with_a_date_and_a_search() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await focus_categories(pilot, reader)
        await move_to_category(pilot, reader, "emnews")
        await pilot.press("enter")
        await filter_by_date(pilot, reader, "2022-03")
        assert status(reader) == (
            f"category emnews · 东财滚动新闻, date 2022-03 — 2 of {TOTAL} posts"
        )
        assert len(listed_titles(reader)) == 2
        await search(pilot, reader, "沪指")
        assert status(reader) == (
            f"category emnews · 东财滚动新闻, date 2022-03, search “沪指” — 1 of {TOTAL} posts"
        )
        assert "早盘沪指窄幅震荡 储能板块走强" in rows(reader)[0]

    run(scenario)


def test_x_clears_every_filter() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await focus_categories(pilot, reader)
        await move_to_category(pilot, reader, "emnews")
        await pilot.press("enter")
        await filter_by_date(pilot, reader, "2022-03")
        await search(pilot, reader, "沪指")
        await pilot.press("enter")  # back to the list
        await pilot.press("x")
        assert status(reader) == f"{TOTAL} of {TOTAL} posts"
        assert FIRST_TITLE[:30] in rows(reader)[0]
        bar = reader.query_one("#search", Input)
        assert not bar.display and bar.value == ""
        assert "Filters cleared" in notifications(pilot)
        options = reader.query_one(CategoryList).options
        assert options.highlighted_option is not None
        assert "All posts" in str(options.highlighted_option.prompt)

    run(scenario)


def test_c_and_typing_narrow_the_category_list() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await pilot.press("c")
        narrowing = reader.query_one(CategoryList).narrowing
        assert pilot.app.focused is narrowing
        await type_text(pilot, "nanfang")
        assert narrowing.value == "nanfang"
        (entry,) = category_entries(reader)
        assert entry.endswith("nanfangwang 南方网新闻")
        assert "1 of 10" in pane_text(pilot, reader.query_one(CategoryList))
        await pilot.press("enter")
        assert status(reader) == f"category nanfangwang · 南方网新闻 — 5 of {TOTAL} posts"
        assert pilot.app.focused is reader.article_list

    run(scenario)


def test_typing_in_the_focused_category_list_narrows_it() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await focus_categories(pilot, reader)
        await type_text(pilot, "world")
        narrowing = reader.query_one(CategoryList).narrowing
        assert narrowing.value == "world"
        assert [entry.split()[-1] for entry in category_entries(reader)] == ["world"]
        await pilot.press("enter")
        assert status(reader) == f"category world — 5 of {TOTAL} posts"

    run(scenario)


def test_letters_that_are_keys_elsewhere_narrow_the_category_list_too() -> None:
    # In the sidebar a letter narrows the list, even one that is a key elsewhere (n is "next
    # article", t "hide the sidebar"): category names are made of such letters.
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await focus_categories(pilot, reader)
        await type_text(pilot, "nanfang")
        narrowing = reader.query_one(CategoryList).narrowing
        assert reader.reading_pane.post is None, "typing n opened an article"
        assert narrowing.value == "nanfang"
        assert [entry.split()[-2:] for entry in category_entries(reader)] == [
            ["nanfangwang", "南方网新闻"]
        ]
        narrowing.value = ""
        await pilot.press("escape")  # back to the options
        await type_text(pilot, "technology")
        assert reader.query_one("#sidebar").display, "typing t hid the sidebar"
        assert [entry.split()[-1] for entry in category_entries(reader)] == ["technology"]

    run(scenario)


def painted_highlights(pilot: Pilot[None], widget: Widget) -> list[str]:
    """The painted rows of ``widget`` that wear its highlight background, as their text."""
    background = widget.get_visual_style("category-options--highlighted").rich_style.bgcolor
    region = widget.region
    strips = pilot.app.screen._compositor.render_strips()[region.y : region.bottom]
    return [
        strip.text.strip()
        for strip in strips
        if any(
            segment.style is not None and segment.style.bgcolor == background
            for segment in strip.crop(region.x, region.right)
            if segment.text.strip()
        )
    ]


def test_the_sidebar_paints_one_highlight_where_the_user_moved_even_scrolled() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        options = reader.query_one(CategoryList).options
        await focus_categories(pilot, reader)
        await pilot.press("G")  # the list scrolls: the last category at the bottom
        assert options.scroll_offset.y > 0
        [highlighted] = painted_highlights(pilot, options)
        assert "sitenews" in highlighted
        await pilot.press("k", "k")
        await pilot.pause()
        [highlighted] = painted_highlights(pilot, options)
        assert "science" in highlighted
        assert status(reader) == f"category science — 4 of {TOTAL} posts"

    run(scenario, size=(120, 24))


def test_the_sidebar_scrolls_to_its_last_category_and_a_click_chooses_one() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        categories = reader.query_one(CategoryList)
        await focus_categories(pilot, reader)
        assert "sitenews" not in pane_text(pilot, categories)  # below the fold at this height
        await pilot.press("G")
        assert "sitenews 站长消息" in pane_text(pilot, categories)
        assert "All posts" not in pane_text(pilot, categories)
        assert status(reader) == f"category sitenews · 站长消息 — 1 of {TOTAL} posts"
        await pilot.press("g")
        assert "All posts" in pane_text(pilot, categories)
        assert status(reader) == f"{TOTAL} of {TOTAL} posts"
        options = categories.options
        row = 5 + category_entries(reader).index("6/6 technology")  # below the 5 views
        assert row < options.scrollable_content_region.height  # on screen, not scrolled
        await pilot.click(options, offset=(12, row))
        assert status(reader) == f"category technology — 6 of {TOTAL} posts"
        assert pilot.app.focused is reader.article_list

    run(scenario, size=(120, 24))


def test_opening_an_article_counts_it_read_in_its_category() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        categories = reader.query_one(CategoryList)
        assert "13/13 emnews" in " ".join(pane_text(pilot, categories).split())
        await pilot.press("j", "enter")  # the second post, in emnews
        assert article_title(pilot, reader) == SECOND_TITLE
        await until(
            pilot,
            lambda: "12/13 emnews" in " ".join(pane_text(pilot, categories).split()),
            "the sidebar to count the opened post read",
        )
        assert f"{TOTAL - 1} Unread" in " ".join(pane_text(pilot, categories).split())

    run(scenario)


def test_posts_arriving_just_after_a_read_mark_still_reach_the_timeline() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        timeline = reader.query_one(Timeline)
        assert "2001" not in pane_text(pilot, timeline)
        newcomer = replace(
            reader.model.visible[0],
            id="_posts/2001-01-01-new.md",
            date=datetime(2001, 1, 1, tzinfo=TZ),
        )
        # Within one moment: a read mark schedules a counts-only refresh, then a post arrives.
        await pilot.press("m")
        reader.marks_changed()
        reader.post_message(
            FeedArrived(
                reader._generation, Batch([newcomer], replace=False, finished=True, arrived=1)
            )
        )
        await until(pilot, lambda: "2001" in pane_text(pilot, timeline), "the year 2001 listed")
        assert status(reader) == f"{TOTAL + 1} of {TOTAL + 1} posts"

    run(scenario)


def test_shift_s_sorts_the_categories_by_name_then_by_count() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await focus_categories(pilot, reader)
        assert category_entries(reader)[0].endswith("emnews 东财滚动新闻")
        await pilot.press("S")
        assert "Categories sorted by name" in notifications(pilot)
        names = [entry.split()[1] for entry in category_entries(reader)]
        assert names == sorted(names)
        assert names[0] == "21shijijingjibaodao"
        sidebar = pane_text(pilot, reader.query_one(CategoryList))
        assert sidebar.index("21shijijingjibaodao") < sidebar.index("emnews")
        await pilot.press("S")
        assert "Categories sorted by count" in notifications(pilot)
        assert category_entries(reader)[0].endswith("emnews 东财滚动新闻")

    run(scenario)


def test_choosing_a_year_in_the_timeline_filters_the_list() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        timeline = reader.query_one(Timeline)
        await pilot.press("shift+tab")  # list -> timeline
        assert pilot.app.focused is timeline
        for _ in range(5):
            node = timeline.cursor_node
            if node is not None and node.data == "2022":
                break
            await pilot.press("j")
        assert timeline.cursor_node is not None and timeline.cursor_node.data == "2022"
        await pilot.press("enter")
        await until(pilot, lambda: "date 2022" in status(reader), "the year to filter")
        assert status(reader) == f"date 2022 — 20 of {TOTAL} posts"
        assert all("2022-" in row for row in rows(reader) if row.strip())
        assert pilot.app.focused is reader.article_list

    run(scenario)


def test_the_command_palette_chooses_a_category_by_name() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(pilot.app.screen, CommandPalette), "the palette")
        await type_text(pilot, "nanfang")
        await until(
            pilot,
            lambda: "Category: nanfangwang · 南方网新闻" in screen_text(pilot),
            "the category to be offered",
        )
        await pilot.press("down", "enter")
        await until(pilot, lambda: pilot.app.screen is reader, "the palette to close")
        await until(pilot, lambda: "nanfangwang" in status(reader), "the category filter")
        assert status(reader) == f"category nanfangwang · 南方网新闻 — 5 of {TOTAL} posts"
        assert all("nanfangwang" in post.categories for post in reader.article_list.posts)
        assert pilot.app.focused is reader.article_list

    run(scenario)


def test_the_command_palette_lists_the_readers_actions() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(pilot.app.screen, CommandPalette), "the palette")
        await type_text(pilot, "reading")
        await until(pilot, lambda: "key: z" in screen_text(pilot), "reading mode offered")
        assert "Reading mode" in screen_text(pilot)
        await pilot.press("down", "enter")
        await until(pilot, lambda: pilot.app.screen is reader, "the palette to close")
        await until(pilot, lambda: reader.panes.reading_mode, "reading mode")
        assert not reader.article_list.display or "Articles" not in screen_text(pilot)

    run(scenario)


# ------------------------------------------------------------------------------ sources


def test_o_opens_the_http_source_in_the_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []

    def fake_open(url: str, new: int = 0, autoraise: bool = True) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(webbrowser, "open", fake_open)

    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await pilot.press("j", "enter", "o")
        await until(pilot, lambda: opened, "the browser to be asked")
        assert opened == [SECOND_SOURCE]
        assert f"Opening {SECOND_SOURCE}" in notifications(pilot)

    run(scenario)


def test_o_refuses_a_source_that_is_not_http(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url, *a, **k: bool(opened.append(url)))
    write_post(tmp_path, "2022-05-01-bad.md", "Bad source", "source_url: javascript:alert(1)\n")

    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await pilot.press("enter", "o")
        await pilot.pause(0.1)
        assert opened == []
        (refusal,) = [m for m in notifications(pilot) if m.startswith("Refused")]
        assert "javascript:alert(1)" in refusal and "not an http(s) address" in refusal

    run(scenario, root=tmp_path)


def test_o_and_y_on_a_post_without_a_source_say_so(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url, *a, **k: bool(opened.append(url)))

    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        copied: list[str] = []
        monkeypatch.setattr(pilot.app, "copy_to_clipboard", copied.append)
        await pilot.press("o")  # the first post has no source; nothing is open yet
        await pilot.press("y")
        await pilot.pause(0.1)
        assert opened == [] and copied == []
        messages = notifications(pilot)
        assert messages.count("This post has no source address.") == 2

    run(scenario)


def test_y_copies_the_source_address(monkeypatch: pytest.MonkeyPatch) -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        copied: list[str] = []
        monkeypatch.setattr(pilot.app, "copy_to_clipboard", copied.append)
        await pilot.press("j", "y")  # from the list: the post under the cursor
        assert copied == [SECOND_SOURCE]
        assert f"Copied {SECOND_SOURCE}" in notifications(pilot)
        await pilot.press("j", "enter", "y")  # from the reading pane: the open post
        assert copied[-1] == "https://news.example.com/news/1350,202406031502193364.html"

    run(scenario)


# ------------------------------------------------------------------------------ panes


def test_r_reloads_and_shows_a_file_added_since(tmp_path: Path) -> None:
    write_post(tmp_path, "2022-05-01-one.md", "The first post")

    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        assert status(reader) == "1 of 1 post"
        write_post(tmp_path, "2022-06-01-two.md", "A post added later")
        await pilot.press("r")
        assert "Reloading…" in notifications(pilot)
        await until(pilot, lambda: not reader.model.loading, "the reload")
        assert status(reader) == "2 of 2 posts"
        assert "A post added later" in rows(reader)[0]
        assert "The first post" in rows(reader)[1]

    run(scenario, root=tmp_path)


def test_t_hides_and_shows_the_sidebar() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        list_width = reader.article_list.size.width
        await pilot.press("t")
        text = screen_text(pilot)
        assert "Categories" not in text and "All dates" not in text
        assert reader.article_list.size.width > list_width
        assert pilot.app.focused is reader.article_list
        await assert_sidebar_unreachable(pilot, reader)
        await pilot.press("t")
        assert "Categories" in screen_text(pilot)

    run(scenario)


async def assert_sidebar_unreachable(pilot: Pilot[None], reader: ReaderScreen) -> None:
    """With the sidebar hidden, tab and h never reach it."""
    for key in ("tab", "tab", "tab", "h"):
        await pilot.press(key)
        assert pilot.app.focused in (reader.article_list, reader.reading_pane)


def test_z_reading_mode_gives_the_article_the_whole_screen() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await pilot.press("enter", "z")
        text = screen_text(pilot)
        assert "Articles" not in text, "reading mode leaves the list on screen"
        assert "Categories" not in text, "reading mode leaves the sidebar on screen"
        assert pilot.app.focused is reader.reading_pane
        assert reader.reading_pane.outer_size.width == SIZE[0]
        assert article_title(pilot, reader) == FIRST_TITLE
        await pilot.press("z")
        text = screen_text(pilot)
        assert "Categories" in text and "Articles" in text
        assert pilot.app.focused is reader.article_list
        # escape also leaves reading mode.
        await pilot.press("enter", "z", "escape")
        assert "Articles" in screen_text(pilot)
        assert pilot.app.focused is reader.article_list

    run(scenario)


# ------------------------------------------------------------------------------ dialogs


def test_bang_lists_the_problems_found_while_loading() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await pilot.press("exclamation_mark")
        await until(pilot, lambda: isinstance(pilot.app.screen, ProblemsScreen), "problems")
        text = screen_text(pilot)
        assert "9 problems while loading, 0 files skipped" in text
        assert "_posts/-202305182714356028.md" in text
        assert "unreadable date '+0800'" in text
        assert "_posts/2022-08-02-202208021120559063.md" in text
        assert "encoded in GB18030, not UTF-8" in text
        assert "_posts/2023-01-12-202301121942365510.md" in text
        await pilot.press("escape")
        await until(pilot, lambda: pilot.app.screen is reader, "the problems to close")

    run(scenario)


def test_question_mark_shows_every_key() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(pilot.app.screen, HelpScreen), "the help")
        text = screen_text(pilot)
        assert "newsreader keys" in text
        help_text = "\n".join(_whole(widget) for widget in pilot.app.screen.query(Static))
        for key, action in [
            ("q", "Quit"),
            ("?", "Keys"),
            ("/", "Search"),
            ("d", "Date"),
            ("x", "Clear"),
            ("n", "Next"),
            ("p", "Prev"),
            ("o", "Open source"),
            ("y", "Copy address"),
            ("c", "Find category"),
            ("t", "Sidebar"),
            ("z", "Reading mode"),
            ("r", "Reload"),
            ("!", "Problems"),
            ("tab", "Next pane"),
            ("shift+tab", "Previous pane"),
            ("h, escape", "Back"),
            ("j, down", "Next post"),
            ("k, up", "Previous post"),
            ("enter, l", "Open"),
            ("space", "Page down"),
            ("b", "Page up"),
            ("S", "Sort by name/count"),
            ("ctrl+p", "Commands"),
        ]:
            assert any(
                line.strip("│ ").startswith(key + " ") and action in line
                for line in help_text.splitlines()
            ), f"help lacks {key} {action}"
        await pilot.press("question_mark")
        await until(pilot, lambda: pilot.app.screen is reader, "the help to close")

    run(scenario)


def _whole(widget: Widget) -> str:
    """All of a widget's lines, also those scrolled out of view."""
    return "\n".join(strip.text for strip in widget.render_lines(widget.size.region))


def test_q_quits() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await pilot.press("q")
        await until(pilot, lambda: pilot.app._exit, "the app to exit")

    app = run(scenario)
    assert app.return_code == 0


# ------------------------------------------------------------------------------ edge cases


def test_an_empty_archive_says_so(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a post", encoding="utf-8")

    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        assert status(reader) == "0 of 0 posts"
        assert rows(reader)[0].strip().startswith("No posts in")
        pane = flat(inner_text(pilot, reader.reading_pane))
        assert pane.startswith("No posts in")
        assert str(tmp_path.resolve()) in pane.replace(" ", "")  # the folder, maybe wrapped
        assert ".md, .markdown and .html" in pane
        assert "Press r to reload" in pane
        assert any(m.startswith("Loaded 0 posts") for m in notifications(pilot))
        await pilot.press("enter", "n", "p", "o", "y", "g", "G", "space")  # nothing breaks
        assert status(reader) == "0 of 0 posts"

    run(scenario, root=tmp_path)


def test_an_article_that_cannot_be_rendered_shows_a_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import newsreader.widgets.article_preparation as article_preparation

    def broken(*args: object, **kwargs: object) -> object:
        raise ValueError("the converter broke")

    monkeypatch.setattr(article_preparation, "render_article", broken)

    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await pilot.press("enter")
        pane = pane_text(pilot, reader.reading_pane)
        assert "This article could not be shown: the converter broke" in pane
        await pilot.press("n")
        assert "could not be shown" in pane_text(pilot, reader.reading_pane)
        assert pilot.app.focused is reader.reading_pane

    run(scenario)


def test_a_small_80x24_terminal_shows_the_list_and_the_article() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        assert "50 of 50 posts" in screen_text(pilot)
        await pilot.press("j", "enter")
        # Both panes have room for several lines, one above the other.
        assert reader.article_list.scrollable_content_region.height >= 4
        assert reader.reading_pane.scrollable_content_region.height >= 8
        list_shown = inner_text(pilot, reader.article_list)
        assert SECOND_TITLE[:8] in list_shown and FIRST_TITLE[:20] in list_shown
        assert article_title(pilot, reader) == SECOND_TITLE
        assert "临江港务集团发布数据" in flat(inner_text(pilot, reader.reading_pane))
        # Reading mode: the article takes the whole width, n moves on, space pages.
        await pilot.press("z")
        pane = reader.reading_pane
        assert pane.outer_size.width == 80
        assert "Articles" not in screen_text(pilot)
        await pilot.press("p")
        assert article_title(pilot, reader) == FIRST_TITLE
        assert reader.panes.reading_mode
        await pilot.press("escape")
        assert not reader.panes.reading_mode
        await open_long_article(pilot, reader)
        await pilot.press("z", "space")
        await until(pilot, lambda: pane.scroll_y > 0, "space to page in reading mode")
        assert LONG_TITLE not in screen_text(pilot)

    run(scenario, size=(80, 24))
