"""Search matches in the open article: highlighted, and visited one by one with n and N.

The pilot tests run the reader (see ``test_reader.py``) on a tiny archive written to a
temporary folder: a long article holding 市场 three times (two of them below the first
screen) and "Market" once, a second result holding 市场 once inside text that looks like Rich
markup, and a post without the term. They read what the user sees: the styles of the painted
cells, the reading pane's scroll position, the status line and the footer. The unit tests
cover the pure parts: finding match spans, and marking them in a rendered article.
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from rich.console import Console, RenderableType
from rich.segment import Segment
from rich.style import Style
from test_reader import (
    run,
    screen_lines,
    search,
    status,
    until,
    write_post,
)
from textual.pilot import Pilot
from textual.strip import Strip
from textual.widgets import Input, Static

from newsreader.archive import Post
from newsreader.archive.query import find_matches
from newsreader.render import MATCH_KEY, MAX_MATCHES, render_article
from newsreader.screens.help import HelpScreen
from newsreader.screens.reader import ReaderScreen
from newsreader.widgets.reading_pane import ArticleView

TERM = "市场"
LONG_TITLE = "Notes on the harbour"
SECOND_TITLE = "第二篇"
FILLER = 24
"""Short paragraphs between the matches: each takes two lines (text and a blank)."""


def long_body() -> str:
    filler = [f"Filler paragraph number {n}." for n in range(FILLER)]
    return "\n\n".join(
        [
            f"开篇：{TERM}开始回暖。",
            *filler[:12],
            f"中段：{TERM}成交活跃，Market makers stayed.",
            *filler[12:],
            f"结尾：{TERM}收官。",
        ]
    )


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """Three posts: the long one (newest), the second result, one without the term."""
    write_post(tmp_path, "2024-03-03-long.md", LONG_TITLE, body=long_body())
    write_post(
        tmp_path, "2024-03-02-second.md", SECOND_TITLE, body=f"看似标记：[b]{TERM}[/b] 文字。"
    )
    write_post(tmp_path, "2024-03-01-other.md", "Nothing to see", body="No such word here.")
    return tmp_path


# ------------------------------------------------------------------------------ helpers


def view(reader: ReaderScreen) -> ArticleView:
    return reader.reading_pane.query_one(ArticleView)


def article_lines(reader: ReaderScreen) -> list[Strip]:
    """Every line of the open article as the pane renders it (not only those on screen)."""
    article = view(reader)
    return [article.render_line(y) for y in range(article.virtual_size.height)]


def match_colours(reader: ReaderScreen) -> tuple[Style, Style]:
    """The looks of a match and of the current match, from the theme."""
    article = view(reader)
    return (
        article.get_visual_style("article-view--match").rich_style,
        article.get_visual_style("article-view--current-match").rich_style,
    )


def cells_styled(strips: list[Strip], look: Style) -> list[tuple[int, str]]:
    """(line, text) of each segment whose colours are ``look``'s."""
    return [
        (y, segment.text)
        for y, strip in enumerate(strips)
        for segment in strip
        if segment.style is not None
        and segment.style.bgcolor == look.bgcolor
        and segment.style.color == look.color
    ]


def painted_pane(pilot: Pilot[None], reader: ReaderScreen) -> list[list[Segment]]:
    """The segments painted on screen inside the reading pane's rows."""
    region = reader.reading_pane.region
    strips = pilot.app.screen._compositor.render_strips()
    return [list(strip) for strip in strips[region.y : region.bottom]]


def footer(pilot: Pilot[None]) -> str:
    return screen_lines(pilot)[-1]


def match_status(reader: ReaderScreen) -> str:
    matches = reader.query_one("#status-matches", Static)
    return "".join(s.text for s in matches.render_lines(matches.size.region)).strip()


async def search_and_open(pilot: Pilot[None], reader: ReaderScreen, text: str = TERM) -> None:
    """/ text enter (to the list), enter (opens the first result)."""
    await search(pilot, reader, text)
    await pilot.press("enter")
    assert pilot.app.focused is reader.article_list
    await pilot.press("enter")
    await until(pilot, lambda: reader.reading_pane.post is not None, "the article to open")
    await until(pilot, lambda: match_status(reader), "the matches to be counted")


def pane_top(reader: ReaderScreen) -> int:
    return round(reader.reading_pane.scroll_y)


# ------------------------------------------------------------------------------ highlighting


def test_every_match_in_the_open_article_is_highlighted(archive: Path) -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await search_and_open(pilot, reader)
        assert [post.title for post in reader.article_list.posts] == [LONG_TITLE, SECOND_TITLE]
        assert reader.reading_pane.post is not None
        assert reader.reading_pane.post.title == LONG_TITLE
        match, current = match_colours(reader)
        assert match.bgcolor != view(reader).visual_style.rich_style.bgcolor
        lines = article_lines(reader)
        found = cells_styled(lines, match)
        assert [text for _, text in found] == [TERM] * 3
        assert found[-1][0] > reader.reading_pane.scrollable_content_region.height  # far down
        assert cells_styled(lines, current) == []  # none is current before n
        # On screen: the first match is painted in the match colours, its neighbours not.
        painted = [s for line in painted_pane(pilot, reader) for s in line]
        highlighted = [s.text for s in painted if s.style and s.style.bgcolor == match.bgcolor]
        assert highlighted == [TERM]
        assert "开篇：" in "".join(s.text for s in painted)
        assert match_status(reader) == "3 matches"

    run(scenario, root=archive)


def test_a_new_search_rehighlights_the_open_article_and_x_clears_the_highlights(
    archive: Path,
) -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await search_and_open(pilot, reader)
        match, _ = match_colours(reader)
        bar = reader.query_one("#search", Input)
        await pilot.press("slash")
        bar.value = ""
        await search(pilot, reader, "MARKET")  # case-insensitive, English
        await until(pilot, lambda: match_status(reader) == "1 match", "the new highlights")
        found = cells_styled(article_lines(reader), match)
        assert [text for _, text in found] == ["Market"]
        await pilot.press("enter")  # back to the list, the search kept
        await pilot.press("x")
        await until(pilot, lambda: not reader.model.filter.text, "the search to clear")
        await until(pilot, lambda: not match_status(reader), "the match count to go")
        lines = article_lines(reader)
        assert cells_styled(lines, match) == []
        assert not any(
            segment.style and segment.style.meta.get(MATCH_KEY) is not None
            for strip in lines
            for segment in strip
        )
        assert any("Market makers" in strip.text for strip in lines)  # the text stays

    run(scenario, root=archive)


def test_text_that_looks_like_markup_stays_literal_around_a_match(archive: Path) -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await search_and_open(pilot, reader)
        await pilot.press("h", "j", "enter")  # back to the list, the second result
        await until(
            pilot,
            lambda: reader.reading_pane.post and reader.reading_pane.post.title == SECOND_TITLE,
            "the second article",
        )
        match, _ = match_colours(reader)
        lines = article_lines(reader)
        assert any(f"看似标记：[b]{TERM}[/b] 文字。" in strip.text for strip in lines)
        body_matches = [text for y, text in cells_styled(lines, match) if y > 3]
        assert body_matches == [TERM]

    run(scenario, root=archive)


# ------------------------------------------------------------------------------ n and N


def test_n_and_shift_n_scroll_to_the_next_and_previous_match(archive: Path) -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await search_and_open(pilot, reader)
        pane = reader.reading_pane
        places = pane.matches
        assert len(places) == 3
        height = pane.scrollable_content_region.height
        assert places[1].first_line >= height and places[2].first_line >= height
        _, current = match_colours(reader)

        await pilot.press("n")  # the first match is on screen: no scrolling
        await until(pilot, lambda: match_status(reader) == "match 1 of 3", "match 1")
        assert pane_top(reader) == 0
        assert cells_styled(article_lines(reader), current) == [(places[0].first_line, TERM)]

        await pilot.press("n")  # below the screen: the pane scrolls to it
        await until(pilot, lambda: match_status(reader) == "match 2 of 3", "match 2")
        assert pane_top(reader) == places[1].first_line - 2  # two lines of context
        assert cells_styled(article_lines(reader), current) == [(places[1].first_line, TERM)]
        painted = [s for line in painted_pane(pilot, reader) for s in line]
        assert [s.text for s in painted if s.style and s.style.bgcolor == current.bgcolor] == [TERM]

        await pilot.press("n")
        await until(pilot, lambda: match_status(reader) == "match 3 of 3", "match 3")
        assert pane_top(reader) == min(places[2].first_line - 2, round(pane.max_scroll_y))

        await pilot.press("N", "N")
        await until(pilot, lambda: match_status(reader) == "match 1 of 3", "back to match 1")
        assert pane_top(reader) == places[0].first_line - 2  # it was above the screen
        assert pane.post is not None and pane.post.title == LONG_TITLE

    run(scenario, root=archive)


def test_n_past_the_last_match_opens_the_next_result_and_shift_n_comes_back(
    archive: Path,
) -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await search_and_open(pilot, reader)
        pane = reader.reading_pane
        await pilot.press("n", "n", "n")
        await until(pilot, lambda: match_status(reader) == "match 3 of 3", "the last match")
        last_line = pane.matches[2].first_line
        await pilot.press("n")
        await until(pilot, lambda: pane.post and pane.post.title == SECOND_TITLE, "the next result")
        await until(pilot, lambda: match_status(reader) == "match 1 of 1", "its first match")
        assert pilot.app.focused is pane  # where the focus was
        assert reader.article_list.highlighted_post.id == pane.post.id  # type: ignore[union-attr]
        await pilot.press("n")  # the last match of the last result
        await until(pilot, lambda: any("No more matches" in n for n in notes(pilot)), "a note")
        assert pane.post is not None and pane.post.title == SECOND_TITLE

        await pilot.press("N")  # back: the previous result, at its last match
        await until(pilot, lambda: pane.post and pane.post.title == LONG_TITLE, "the first")
        await until(pilot, lambda: match_status(reader) == "match 3 of 3", "its last match")
        assert pane_top(reader) == min(last_line - 2, round(pane.max_scroll_y))

    run(scenario, root=archive)


def notes(pilot: Pilot[None]) -> list[str]:
    return [notification.message for notification in pilot.app._notifications]


def test_n_from_the_list_opens_the_result_under_the_cursor_at_its_first_match(
    archive: Path,
) -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await search(pilot, reader, TERM)
        await pilot.press("enter")  # the list has the focus, nothing is open
        await until(pilot, lambda: len(reader.article_list.posts) == 2, "the results")
        await pilot.press("n")
        pane = reader.reading_pane
        await until(pilot, lambda: pane.post is not None, "an article to open")
        assert pane.post is not None and pane.post.title == LONG_TITLE
        await until(pilot, lambda: match_status(reader) == "match 1 of 3", "its first match")
        assert pilot.app.focused is reader.article_list  # the focus stays in the list
        await pilot.press("n")
        await until(pilot, lambda: match_status(reader) == "match 2 of 3", "n from the list")
        assert pane_top(reader) == pane.matches[1].first_line - 2

    run(scenario, root=archive)


def test_n_is_a_letter_in_the_search_bar_and_next_article_without_a_search(
    archive: Path,
) -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        assert "n Next " in footer(pilot) and "Next match" not in footer(pilot)
        assert "N Prev match" not in footer(pilot)
        await search_and_open(pilot, reader)
        assert "n Next match" in footer(pilot)
        assert "N Prev match" in footer(pilot)
        assert "p Prev " in footer(pilot)
        await pilot.press("slash", "end", "n")  # typing: n is a letter, not a key
        bar = reader.query_one("#search", Input)
        assert bar.value == f"{TERM}n"
        await pilot.press("backspace", "enter")
        await until(pilot, lambda: reader.model.filter.text == TERM, "the search back")
        await pilot.press("x")
        await until(pilot, lambda: "n Next " in footer(pilot), "the footer to say Next")
        assert "Next match" not in footer(pilot) and "Prev match" not in footer(pilot)
        await pilot.press("g", "enter", "n")  # without a search: the next article
        await until(
            pilot,
            lambda: reader.reading_pane.post and reader.reading_pane.post.title == SECOND_TITLE,
            "n to open the next article",
        )
        await pilot.press("N")  # nothing without a search
        assert reader.reading_pane.post is not None
        assert reader.reading_pane.post.title == SECOND_TITLE
        assert status(reader) == "3 of 3 posts"

    run(scenario, root=archive)


def test_the_new_keys_have_ids_and_the_help_lists_them(archive: Path) -> None:
    ids = {binding.id: binding.key for binding in ReaderScreen.BINDINGS}  # type: ignore[union-attr]
    assert ids["next_match"] == "n" and ids["previous_match"] == "N"
    assert ids["next_article"] == "n"

    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(pilot.app.screen, HelpScreen), "the help")
        text = "\n".join(
            strip.text
            for widget in pilot.app.screen.query(Static)
            for strip in widget.render_lines(widget.size.region)
        )
        rows = [line.strip("│ ") for line in text.splitlines()]
        assert any(row.startswith("N ") and "Prev match" in row for row in rows)
        assert any(row.startswith("n ") and "Next match" in row for row in rows)
        assert any(
            row.startswith("n ") and row.split()[1:] == ["Next", "next_article"] for row in rows
        )

    run(scenario, root=archive)


# ------------------------------------------------------------------------------ pure parts


@pytest.mark.parametrize(
    ("text", "terms", "spans"),
    [
        ("市场和市场化", ["市场"], [(0, 2), (3, 5)]),
        ("Market MARKET market", ["market"], [(0, 6), (7, 13), (14, 20)]),
        ("Straße", ["strasse"], [(0, 6)]),  # casefold, not lower(): ß folds to ss
        ("ßa STRASSE", ["ss"], [(0, 1), (7, 9)]),
        ("市场化", ["市场", "场化"], [(0, 3)]),  # overlapping terms make one span
        ("aaaa", ["aa"], [(0, 2), (2, 4)]),
        ("street\ntrees", ["street trees"], [(0, 12)]),  # a line break matches a space
        ("[b]x[/b]", ["[b]"], [(0, 3)]),  # brackets are text
        ("nothing", ["市场"], []),
        ("text", [""], []),
        ("", ["x"], []),
    ],
)
def test_find_matches(text: str, terms: list[str], spans: list[tuple[int, int]]) -> None:
    assert find_matches(text, terms, 100) == spans


def test_find_matches_is_bounded_by_its_limit() -> None:
    assert find_matches("a" * 1_000_000, ["a"], 5) == [(n, n + 1) for n in range(5)]
    assert find_matches("ab" * 10, ["a", "b"], 3) == [(0, 1), (1, 2), (2, 3)]
    assert find_matches("abc", ["b"], 0) == []


def make_post(body: str, title: str = "标题") -> Post:
    return Post(
        id="x.md",
        path=Path("/archive/x.md"),
        title=title,
        date=datetime(2024, 3, 3, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
        categories=("news",),
        tags=(),
        source_url=None,
        body=body,
    )


def marked_lines(renderable: RenderableType, width: int) -> list[list[tuple[int, str]]]:
    """Per rendered line, the (match number, text) of its marked segments."""
    console = Console(width=width, file=io.StringIO(), force_terminal=True)
    lines = console.render_lines(renderable, console.options.update_width(width), pad=False)
    return [
        [
            (segment.style.meta[MATCH_KEY], segment.text)
            for segment in line
            if segment.style is not None and MATCH_KEY in segment.style.meta
        ]
        for line in lines
    ]


def test_a_match_split_by_wrapping_stays_one_match() -> None:
    # 20 cells: ten Chinese characters a line, so 市 ends the first line and 场 starts the next.
    article = render_article(make_post("一二三四五六七八九市场十"), {})
    lines = [line for line in marked_lines(article.highlighted([TERM]), 20) if line]
    assert lines == [[(0, "市")], [(0, "场")]]


def test_matches_are_numbered_in_reading_order_in_title_table_code_and_quote() -> None:
    body = (
        f"> 引用{TERM}\n\n正文{TERM}。\n\n| 列 |\n|---|\n| {TERM} |\n\n"
        f"```\ncode {TERM}\n```\n\n## 小标题{TERM}"
    )
    article = render_article(make_post(body, title=f"{TERM}标题"), {})
    found = [mark for line in marked_lines(article.highlighted([TERM]), 60) for mark in line]
    assert found == [(n, TERM) for n in range(6)]


def test_highlighting_keeps_the_article_as_it_was() -> None:
    article = render_article(make_post(f"正文{TERM}。"), {})
    assert not any(marked_lines(article, 60))  # unhighlighted: no marks
    assert any(marked_lines(article.highlighted([TERM]), 60))
    assert not any(marked_lines(article, 60))  # marking copied, never changed the article
    assert article.highlighted([]) is article


def test_at_most_max_matches_are_marked() -> None:
    article = render_article(make_post(f"{TERM} " * (MAX_MATCHES + 500)), {})
    found = [mark for line in marked_lines(article.highlighted([TERM]), 100) for mark in line]
    assert len(found) == MAX_MATCHES
