"""Reading order in the reader: next unread, the cursor's place, both marks, one time zone.

Pilot tests on a small archive whose posts carry mixed offsets (``+0000`` beside ``+0800``),
checked on what the user sees: the rows, the status line, the notices, the article's Date line.
"""

from __future__ import annotations

import asyncio
import re
from datetime import UTC
from pathlib import Path

from test_reader import (
    TOTAL,
    article_title,
    cursor_row,
    filter_by_date,
    inner_text,
    notifications,
    pane_text,
    rows,
    run,
    search,
    status,
    until,
)
from textual.pilot import Pilot
from textual.widgets import Static

from newsreader.app import create_app
from newsreader.archive import LoadOptions
from newsreader.screens.reader import ReaderScreen

POSTS = {
    # name: (front-matter date, title); newest first by the moment, not by the clock shown.
    "a": ("2024-05-05 03:00:00 +0000", "Alpha harbour opens"),  # 11:00 in Shanghai
    "b": ("2024-05-05 10:00:00 +0800", "Beta bridge closes"),  # 10:00 in Shanghai
    "c": ("2024-05-04 20:00:00 +0800", "Gamma grain prices"),
    "d": ("2024-05-04 01:00:00 +0000", "Delta dam report"),  # 09:00 in Shanghai
}
TITLES = [title for _, title in POSTS.values()]


def write_archive(root: Path, config: str = "") -> Path:
    """Four posts in ``root/_posts``, with ``config`` as ``_config.yml`` when given."""
    (root / "_posts").mkdir(parents=True)
    for name, (date, title) in POSTS.items():
        (root / "_posts" / f"2024-05-01-{name}.md").write_text(
            f"---\ntitle: {title}\ndate: {date}\ncategories: [news]\n---\nBody of {name}.\n",
            encoding="utf-8",
        )
    if config:
        (root / "_config.yml").write_text(config, encoding="utf-8")
    return root


def position(reader: ReaderScreen) -> str:
    """The cursor's place the status line shows, as "2/4"."""
    static = reader.query_one("#status-position", Static)
    return "".join(strip.text for strip in static.render_lines(static.size.region)).strip()


def open_title(reader: ReaderScreen) -> str | None:
    post = reader.reading_pane.post
    return None if post is None else post.title


async def opened(pilot: Pilot[None], reader: ReaderScreen, title: str) -> None:
    await until(pilot, lambda: open_title(reader) == title, f"{title!r} to open")
    await until(pilot, lambda: article_title(pilot, reader) == title, f"{title!r} shown")


def test_next_unread_goes_on_from_the_cursor_wraps_once_and_says_when_none_are_left(
    tmp_path: Path,
) -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await pilot.press("j", "j", "J")  # from the list: the unread post under the cursor
        await opened(pilot, reader, TITLES[2])
        assert reader.article_list.has_focus
        await pilot.press("J")
        await opened(pilot, reader, TITLES[3])
        await pilot.press("J")  # nothing unread below: back to the top, saying so
        await opened(pilot, reader, TITLES[0])
        assert any(m.startswith("Wrapped to the top") for m in notifications(pilot))
        await pilot.press("tab")  # from the reading pane too
        assert reader.reading_pane.has_focus
        await pilot.press("J")
        await opened(pilot, reader, TITLES[1])
        assert reader.reading_pane.has_focus
        marks = reader.model.marks
        assert marks is not None
        await until(pilot, lambda: not reader.model.unread_visible(), "every post read")
        pilot.app.clear_notifications()
        await pilot.press("J")
        await until(pilot, lambda: "No unread posts." in notifications(pilot), "the notice")
        assert open_title(reader) == TITLES[1]

    run(scenario, write_archive(tmp_path / "archive"))


def test_the_status_line_shows_the_cursors_place_after_moves_filters_and_loading(
    tmp_path: Path,
) -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        assert position(reader) == "1/4"  # as loaded
        await pilot.press("j", "j")
        assert position(reader) == "3/4"
        await pilot.press("m", "j")  # the third post read, the cursor on the fourth
        assert position(reader) == "4/4"
        await pilot.press("U")  # unread only: the same post, one row higher
        await until(pilot, lambda: len(reader.article_list.posts) == 3, "the read post hidden")
        assert position(reader) == "3/3"
        await pilot.press("g")
        assert position(reader) == "1/3"

    run(scenario, write_archive(tmp_path / "archive"))


def test_n_on_the_last_post_and_p_on_the_first_say_so(tmp_path: Path) -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await pilot.press("G", "enter")
        await opened(pilot, reader, TITLES[3])
        await pilot.press("n")
        await until(pilot, lambda: any("Last post" in m for m in notifications(pilot)), "n")
        assert "J opens the next unread" in " ".join(notifications(pilot))
        assert open_title(reader) == TITLES[3]
        await pilot.press("h", "g", "enter")
        await opened(pilot, reader, TITLES[0])
        await pilot.press("p")
        await until(pilot, lambda: any("First post" in m for m in notifications(pilot)), "p")
        assert open_title(reader) == TITLES[0]

    run(scenario, write_archive(tmp_path / "archive"))


def test_a_starred_unread_post_shows_both_marks(tmp_path: Path) -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await pilot.press("j", "s")
        await until(pilot, lambda: "★" in rows(reader)[1], "the star")
        assert "●" in rows(reader)[1]  # still unread, and it says so
        await pilot.press("m")  # read now: the star stays, the dot goes
        await until(pilot, lambda: "●" not in rows(reader)[1], "read")
        assert "★" in rows(reader)[1]

    run(scenario, write_archive(tmp_path / "archive"))


def test_every_time_is_shown_in_one_zone_and_named(tmp_path: Path) -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        times = [re.findall(r"\d\d:\d\d", row)[0] for row in rows(reader)[:4]]
        assert times == ["11:00", "10:00", "20:00", "09:00"]  # newest first reads in order
        assert "times in Asia/Shanghai" in pane_text(pilot, reader.article_list)
        await pilot.press("enter")
        await opened(pilot, reader, TITLES[0])
        article = inner_text(pilot, reader.reading_pane)
        assert "2024-05-05 11:00 Asia/Shanghai" in article

    run(scenario, write_archive(tmp_path / "archive"))


def test_the_archives_own_zone_is_the_one_shown_when_none_is_asked_for(tmp_path: Path) -> None:
    root = write_archive(tmp_path / "archive", config="timezone: Asia/Tokyo\n")
    app = create_app(root, LoadOptions(tz=UTC, zone_from_archive=True))

    async def main() -> None:
        async with app.run_test(size=(120, 36)) as pilot:
            reader = app.screen_stack[0]
            assert isinstance(reader, ReaderScreen)
            await until(pilot, lambda: not reader.model.loading, "the archive to load")
            await until(pilot, lambda: len(reader.article_list.posts) == 4, "the posts")
            assert "2024-05-05 12:00" in rows(reader)[0]
            assert "times in Asia/Tokyo" in pane_text(pilot, reader.article_list)

    asyncio.run(main())


# --- the cursor after a filter ----------------------------------------------------------


async def cursor_down(pilot: Pilot[None], reader: ReaderScreen, rows_down: int) -> str:
    """Move the cursor ``rows_down`` rows from the top; the title under it."""
    await pilot.press("g", *["j"] * rows_down)
    post = reader.article_list.highlighted_post
    assert post is not None
    return post.title


def test_a_filter_that_drops_the_post_under_the_cursor_starts_at_its_first_post() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await cursor_down(pilot, reader, 22)  # a 2023 post, 23rd of 50
        await filter_by_date(pilot, reader, "2022")
        assert status(reader) == f"date 2022 — 20 of {TOTAL} posts"
        assert position(reader) == "1/20"
        first = reader.article_list.posts[0]
        assert first.title[:20] in cursor_row(reader)
        assert first.title[:20] in rows(reader)[0]  # the newest match is on screen, at the top

    run(scenario)


def test_a_filter_that_keeps_the_post_under_the_cursor_stays_on_it() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        title = await cursor_down(pilot, reader, 22)
        year = reader.article_list.highlighted_post.date.year  # type: ignore[union-attr]
        await filter_by_date(pilot, reader, str(year))
        assert title[:20] in cursor_row(reader)

    run(scenario)


def test_a_search_starts_at_its_first_match_and_escape_goes_back_to_the_post_before() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        title = await cursor_down(pilot, reader, 17)
        await search(pilot, reader, "集装")
        assert position(reader) == f"1/{len(reader.article_list.posts)}"
        await pilot.press("escape")
        await until(pilot, lambda: status(reader) == f"{TOTAL} of {TOTAL} posts", "no search")
        assert position(reader) == f"18/{TOTAL}"
        assert title[:20] in cursor_row(reader)

    run(scenario)
