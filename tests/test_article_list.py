"""Pilot tests of ArticleList, the virtual list of posts.

pytest-asyncio is not a dependency, so every test drives its own event loop with
``asyncio.run``. Rendered rows are read back through ``render_line``, which is what the
compositor paints.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path

from rich.cells import cell_len
from rich.style import Style
from textual import events
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.pilot import Pilot
from textual.strip import Strip

from newsreader.archive import Post
from newsreader.resources import styles_dir
from newsreader.widgets.article_list import ArticleList, format_date

SIZE = (100, 30)
START = datetime(2024, 3, 1, 8, 5, tzinfo=timezone(timedelta(hours=8)))
LABELS = {"world": "World", "biz": "Business and finance news"}


def make_post(n: int, title: str | None = None, category: str = "world") -> Post:
    """Post ``n``: id ``posts/n.md``, dated ``n`` hours after START."""
    return Post(
        id=f"posts/{n}.md",
        path=Path(f"/archive/posts/{n}.md"),
        title=f"Post number {n}" if title is None else title,
        date=START + timedelta(hours=n),
        categories=(category,) if category else (),
        tags=(),
        source_url=None,
        body="",
    )


def make_posts(count: int) -> list[Post]:
    return [make_post(n) for n in range(count)]


class ListApp(App[None]):
    """Only an ArticleList, styled by the shipped stylesheet; records its messages."""

    CSS_PATH = str(styles_dir() / "article_list.tcss")

    def __init__(self) -> None:
        super().__init__()
        self.highlighted: list[Post | None] = []
        self.opened: list[Post] = []

    def compose(self) -> ComposeResult:
        yield ArticleList()

    def on_mount(self) -> None:
        self.query_one(ArticleList).focus()

    def on_article_list_highlighted(self, event: ArticleList.Highlighted) -> None:
        self.highlighted.append(event.post)

    def on_article_list_opened(self, event: ArticleList.Opened) -> None:
        self.opened.append(event.post)


Scenario = Callable[[ListApp, ArticleList, Pilot[None]], Awaitable[None]]


def run(
    scenario: Scenario,
    posts: Sequence[Post] = (),
    labels: dict[str, str] | None = None,
    size: tuple[int, int] = SIZE,
) -> None:
    """Start the app at ``size``, show ``posts`` and play ``scenario`` against it."""

    async def main() -> None:
        app = ListApp()
        async with app.run_test(size=size) as pilot:
            article_list = app.query_one(ArticleList)
            article_list.set_posts(posts, LABELS if labels is None else labels)
            await pilot.pause()
            await scenario(app, article_list, pilot)

    asyncio.run(main())


def lines(article_list: ArticleList) -> list[str]:
    """The text of every line of the pane as painted, without the scrollbar gutter."""
    width = article_list.scrollable_content_region.width
    return [strip.crop(0, width).text for strip in painted(article_list)]


def painted(article_list: ArticleList) -> list[Strip]:
    """The lines of the widget as the screen gets them.

    Unlike ``render_line``, this goes through Textual's per-widget line cache, so a row
    the widget forgot to refresh shows here as it was before.
    """
    return article_list.render_lines(Region(0, 0, *article_list.size))


def cursor_line(article_list: ArticleList) -> str:
    """The painted text of the cursor row (which must be on screen)."""
    y = article_list.cursor - article_list.scroll_offset.y
    assert 0 <= y < article_list.scrollable_content_region.height, "cursor is off screen"
    return painted(article_list)[y].text


def rows_painted_as_cursor(article_list: ArticleList) -> list[int]:
    """The screen lines whose background is the cursor's."""
    cursor = article_list.get_visual_style("article-list--cursor").rich_style.bgcolor
    return [
        y
        for y, strip in enumerate(painted(article_list))
        if (style := next(iter(strip)).style) is not None and style.bgcolor == cursor
    ]


def background(article_list: ArticleList, y: int) -> object:
    """The painted background colour of the start of line ``y``."""
    style = next(iter(painted(article_list)[y])).style or Style()
    return style.bgcolor


# ---------------------------------------------------------------------------- moving


def test_keys_move_the_cursor_and_the_cursor_row_shows_its_title() -> None:
    async def scenario(app: ListApp, al: ArticleList, pilot: Pilot[None]) -> None:
        assert al.cursor == 0
        await pilot.press("j", "j", "down")
        assert al.cursor == 3
        assert "Post number 3" in cursor_line(al)
        await pilot.press("k", "up")
        assert al.cursor == 1
        assert al.highlighted_post is not None and al.highlighted_post.id == "posts/1.md"
        assert "Post number 1" in cursor_line(al)
        # At the top, up stays put.
        await pilot.press("k", "k", "k")
        assert al.cursor == 0

    run(scenario, make_posts(50))


def test_the_cursor_row_is_highlighted_and_dims_without_focus() -> None:
    async def scenario(app: ListApp, al: ArticleList, pilot: Pilot[None]) -> None:
        assert rows_painted_as_cursor(al) == [0]
        await pilot.press("j", "j")
        # The old cursor rows were repainted plain: only the new one is highlighted.
        assert rows_painted_as_cursor(al) == [2]
        plain = background(al, 5)
        focused = background(al, 2)
        assert focused != plain
        al.blur()
        await pilot.pause()
        blurred = background(al, 2)
        assert blurred not in (plain, focused)
        assert rows_painted_as_cursor(al) == [2]

    run(scenario, make_posts(50))


def test_g_and_shift_g_jump_and_the_view_follows() -> None:
    async def scenario(app: ListApp, al: ArticleList, pilot: Pilot[None]) -> None:
        await pilot.press("G")
        assert al.cursor == 199
        assert "Post number 199" in cursor_line(al)
        assert "Post number 199" in lines(al)[-1]
        await pilot.press("g")
        assert al.cursor == 0
        assert al.scroll_offset.y == 0
        await pilot.press("end")
        assert al.cursor == 199
        await pilot.press("home")
        assert al.cursor == 0

    run(scenario, make_posts(200))


def test_moving_past_the_bottom_scrolls_one_row() -> None:
    async def scenario(app: ListApp, al: ArticleList, pilot: Pilot[None]) -> None:
        height = al.scrollable_content_region.height
        for _ in range(height):
            await pilot.press("j")
        assert al.cursor == height
        assert al.scroll_offset.y == 1
        assert "Post number " + str(height) in lines(al)[-1]

    run(scenario, make_posts(100))


def test_page_keys_move_a_page() -> None:
    async def scenario(app: ListApp, al: ArticleList, pilot: Pilot[None]) -> None:
        height = al.scrollable_content_region.height
        await pilot.press("pagedown")
        assert al.cursor == height
        await pilot.press("ctrl+d")
        assert al.cursor == 2 * height
        assert "Post number " + str(2 * height) in cursor_line(al)
        await pilot.press("ctrl+u", "pageup")
        assert al.cursor == 0
        assert "Post number 0" in cursor_line(al)

    run(scenario, make_posts(300))


def test_highlighted_is_posted_as_the_cursor_moves() -> None:
    async def scenario(app: ListApp, al: ArticleList, pilot: Pilot[None]) -> None:
        await pilot.press("j", "j")
        await pilot.pause()
        assert [p.id if p else None for p in app.highlighted] == [
            "posts/0.md",
            "posts/1.md",
            "posts/2.md",
        ]
        al.set_posts([], LABELS)
        await pilot.pause()
        assert app.highlighted[-1] is None
        assert al.highlighted_post is None

    run(scenario, make_posts(10))


def test_select_next_and_previous_return_the_post_or_none_at_the_ends() -> None:
    async def scenario(app: ListApp, al: ArticleList, pilot: Pilot[None]) -> None:
        assert al.select_previous() is None
        post = al.select_next()
        assert post is not None and post.id == "posts/1.md"
        assert al.select_next() is not None
        assert al.select_next() is None
        assert al.cursor == 2
        post = al.select_previous()
        assert post is not None and post.id == "posts/1.md"

    run(scenario, make_posts(3))


def test_move_to_finds_a_post_by_id() -> None:
    async def scenario(app: ListApp, al: ArticleList, pilot: Pilot[None]) -> None:
        assert al.move_to("posts/77.md")
        await pilot.pause()
        assert al.cursor == 77
        assert "Post number 77" in cursor_line(al)
        assert not al.move_to("posts/nowhere.md")
        assert al.cursor == 77

    run(scenario, make_posts(100))


# --------------------------------------------------------------------------- opening


def test_enter_and_l_open_the_post_under_the_cursor() -> None:
    async def scenario(app: ListApp, al: ArticleList, pilot: Pilot[None]) -> None:
        await pilot.press("j", "enter")
        await pilot.pause()
        assert [p.id for p in app.opened] == ["posts/1.md"]
        assert al.opened_id == "posts/1.md"
        assert cursor_line(al).startswith("▶   ")
        await pilot.press("j", "l")
        await pilot.pause()
        assert [p.id for p in app.opened] == ["posts/1.md", "posts/2.md"]
        # Only the opened row carries the mark.
        marked = [line for line in lines(al) if line.startswith("▶")]
        assert len(marked) == 1 and "Post number 2" in marked[0]

    run(scenario, make_posts(10))


def test_the_app_can_mark_the_opened_post() -> None:
    async def scenario(app: ListApp, al: ArticleList, pilot: Pilot[None]) -> None:
        al.opened_id = "posts/4.md"
        await pilot.pause()
        assert lines(al)[4].startswith("▶   ")
        assert not lines(al)[0].startswith("▶")
        al.opened_id = None
        await pilot.pause()
        assert not any(line.startswith("▶") for line in lines(al))

    run(scenario, make_posts(10))


def test_a_click_selects_and_opens_the_row() -> None:
    async def scenario(app: ListApp, al: ArticleList, pilot: Pilot[None]) -> None:
        assert await pilot.click(ArticleList, offset=(20, 3))
        await pilot.pause()
        assert al.cursor == 3
        assert [p.id for p in app.opened] == ["posts/3.md"]

    run(scenario, make_posts(10))


def test_the_mouse_wheel_scrolls_the_view() -> None:
    async def scenario(app: ListApp, al: ArticleList, pilot: Pilot[None]) -> None:
        for _ in range(3):
            al.post_message(events.MouseScrollDown(al, 10, 5, 0, 1, 0, False, False, False))
        await pilot.pause()
        assert al.scroll_offset.y > 0
        assert lines(al)[0].startswith(
            f"    {format_date(START + timedelta(hours=al.scroll_offset.y), True)} "
        )
        assert al.cursor == 0

    run(scenario, make_posts(100))


# ------------------------------------------------------------------------- rendering


def test_an_empty_list_says_so() -> None:
    async def scenario(app: ListApp, al: ArticleList, pilot: Pilot[None]) -> None:
        assert lines(al)[0].strip() == "No posts to show."
        al.empty_message = "No posts match. Press x to clear filters."
        await pilot.pause()
        assert lines(al)[0].strip() == "No posts match. Press x to clear filters."
        await pilot.press("j", "G", "enter")
        assert app.opened == []
        assert al.cursor == 0

    run(scenario, [])


def test_rows_show_date_title_and_right_aligned_label() -> None:
    async def scenario(app: ListApp, al: ArticleList, pilot: Pilot[None]) -> None:
        width = al.scrollable_content_region.width
        first, second, third = lines(al)[:3]
        assert first.startswith("    2024-03-01 08:05 Post number 0 ")
        assert first.endswith(" World")
        # A long label is cut with an ellipsis, and a missing label falls back to the slug.
        assert second.rstrip().endswith("…")
        assert third.endswith(" nolabel")
        assert {cell_len(line) for line in (first, second, third)} == {width}

    posts = [make_post(0), make_post(1, category="biz"), make_post(2, category="nolabel")]
    run(scenario, posts)


def test_narrow_panes_show_the_day_without_the_time() -> None:
    async def scenario(app: ListApp, al: ArticleList, pilot: Pilot[None]) -> None:
        width = al.scrollable_content_region.width
        assert width < 70
        line = lines(al)[0]
        assert line.startswith("    2024-03-01 Post number 0")
        assert cell_len(line) == width

    run(scenario, make_posts(3), size=(50, 10))


def test_chinese_titles_are_cut_by_display_width() -> None:
    titles = [
        "中国经济新闻：" + "市场" * 60,
        "Mixed 中文 and English " * 8,
        "短标题",
        "x" * 200,
        "奇" + "数" * 70,
    ]

    async def scenario(app: ListApp, al: ArticleList, pilot: Pilot[None]) -> None:
        width = al.scrollable_content_region.width
        rows = lines(al)[: len(titles)]
        for row in rows:
            assert cell_len(row) == width, row
        # The labels end every row and start in the same column: the titles line up.
        label_columns = {cell_len(row[: row.rindex(" World")]) for row in rows}
        assert len(label_columns) == 1
        assert "…" in rows[0] and "短标题" in rows[2]

    posts = [make_post(n, title) for n, title in enumerate(titles)]
    for size in (SIZE, (61, 10), (38, 10)):
        run(scenario, posts, size=size)


def test_rich_markup_in_a_title_is_shown_literally() -> None:
    title = "[bold red]Breaking[/] [link=https://x]news[/link] \\[x]"

    async def scenario(app: ListApp, al: ArticleList, pilot: Pilot[None]) -> None:
        await pilot.press("j")
        line = al.render_line(0)
        assert title in line.text
        assert not any(segment.style and segment.style.link for segment in line)
        # Not bold either, which the markup would have made it (the row is no cursor row).
        title_segments = [s for s in line if "Breaking" in s.text]
        assert title_segments and not any(s.style and s.style.bold for s in title_segments)

    run(scenario, [make_post(0, title), make_post(1)])


def test_control_characters_in_a_title_do_not_break_the_row() -> None:
    async def scenario(app: ListApp, al: ArticleList, pilot: Pilot[None]) -> None:
        line = lines(al)[0]
        assert "\n" not in line and "\x1b" not in line and "\t" not in line
        assert cell_len(line) == al.scrollable_content_region.width

    run(scenario, [make_post(0, "two\nlines\tand an \x1b[31mescape")])


def test_search_terms_are_highlighted_in_titles() -> None:
    async def scenario(app: ListApp, al: ArticleList, pilot: Pilot[None]) -> None:
        al.highlight_terms = ("market",)
        await pilot.pause()
        match_style = al.get_visual_style("article-list--match").rich_style
        matched = [s.text for s in painted(al)[1] if s.style == match_style]
        assert matched == ["MARKET", "Market"]
        al.highlight_terms = ()
        await pilot.pause()
        assert not [s for s in painted(al)[1] if s.style == match_style]

    run(scenario, [make_post(0), make_post(1, "MARKET news: Market up")])


# -------------------------------------------------------------------- replacing rows


def test_set_posts_keeps_the_cursor_on_the_same_post() -> None:
    async def scenario(app: ListApp, al: ArticleList, pilot: Pilot[None]) -> None:
        al.cursor = 10
        await pilot.pause()
        announced = len(app.highlighted)
        # Ten newer posts arrive in front: the cursor follows post 10 to row 20.
        al.set_posts([make_post(n) for n in range(100, 110)] + make_posts(50), LABELS)
        await pilot.pause()
        assert al.cursor == 20
        # ...and stays on the same line of the pane, so the view does not jump.
        assert al.cursor - al.scroll_offset.y == 10
        assert al.highlighted_post is not None and al.highlighted_post.id == "posts/10.md"
        assert "Post number 10" in cursor_line(al)
        # The same post under the cursor is no news for the app.
        assert len(app.highlighted) == announced
        # The post goes away: the cursor stays at its row, clamped to the shorter list.
        al.set_posts(make_posts(5), LABELS)
        await pilot.pause()
        assert al.cursor == 4
        assert "Post number 4" in cursor_line(al)
        assert app.highlighted[-1] is not None and app.highlighted[-1].id == "posts/4.md"
        # Without keep_cursor the list starts over.
        al.set_posts(make_posts(30), LABELS, keep_cursor=False)
        await pilot.pause()
        assert al.cursor == 0

    run(scenario, make_posts(50))


def test_a_reloaded_post_with_the_same_id_is_redrawn() -> None:
    async def scenario(app: ListApp, al: ArticleList, pilot: Pilot[None]) -> None:
        assert "Post number 1" in lines(al)[1]
        al.set_posts([make_post(0), make_post(1, "Corrected headline")], LABELS)
        await pilot.pause()
        assert "Corrected headline" in lines(al)[1]

    run(scenario, make_posts(2))


def test_new_labels_repaint_the_rows() -> None:
    async def scenario(app: ListApp, al: ArticleList, pilot: Pilot[None]) -> None:
        assert lines(al)[0].endswith(" World")
        al.set_posts(al.posts, {"world": "Monde"})
        await pilot.pause()
        assert lines(al)[0].endswith(" Monde")

    run(scenario, make_posts(3))


def test_a_hundred_thousand_rows() -> None:
    count = 100_000
    posts = [make_post(n) for n in range(count)]

    async def scenario(app: ListApp, al: ArticleList, pilot: Pilot[None]) -> None:
        assert al.virtual_size.height == count
        assert "Post number 0" in cursor_line(al)
        await pilot.press("G")
        assert al.cursor == count - 1
        assert f"Post number {count - 1}" in cursor_line(al)
        await pilot.press("k", "k", "pageup")
        assert al.cursor == count - 3 - al.scrollable_content_region.height
        assert f"Post number {al.cursor}" in cursor_line(al)
        assert al.move_to("posts/54321.md")
        await pilot.pause()
        assert "Post number 54321" in cursor_line(al)
        # Replacing the rows keeps the cursor on its post.
        al.set_posts(posts[::-1], LABELS)
        await pilot.pause()
        assert al.cursor == count - 1 - 54321
        assert "Post number 54321" in cursor_line(al)
        await pilot.press("j")
        assert "Post number 54320" in cursor_line(al)

    run(scenario, posts)
