"""Titles whose width terminals measure differently keep the article list's columns straight.

The reader runs (a pilot) on the width entries of the hostile archive; every row of the list
is then measured three ways: as Rich measures it (how Textual lays the screen out), by
grapheme cluster as wcwidth does (kitty, WezTerm, foot...), and code point by code point as
tmux 3.3 and glibc-based terminals do. Each must find the category label at the same cell.
"""

from __future__ import annotations

import asyncio
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import hostile_archive as ha
import pytest
import wcwidth
from rich.cells import cell_len
from rich.style import Style

from newsreader.app import create_app
from newsreader.archive import LoadOptions, Post
from newsreader.archive.text import PLACEHOLDER, clean_line
from newsreader.screens.reader import ReaderScreen
from newsreader.widgets.article_list import ArticleList
from newsreader.widgets.article_rows import row_text


def code_point_width(text: str) -> int:
    """Cells as a terminal without grapheme clusters counts them, as glibc's wcwidth does
    (checked against tmux 3.3a's cursor: a soft hyphen takes a cell, a Hangul vowel or final
    consonant jamo none, an unassigned code point none)."""
    cells = 0
    for character in text:
        zero = unicodedata.category(character) in ("Mn", "Me", "Cf", "Cn")
        if (zero and character != "\u00ad") or "\u1160" <= character <= "\u11ff":
            continue
        cells += 2 if unicodedata.east_asian_width(character) in "WF" else 1
    return cells


MEASURES: dict[str, Callable[[str], int]] = {
    "rich": cell_len,
    "grapheme clusters": wcwidth.width,
    "code points": code_point_width,
}


@pytest.fixture(scope="module")
def widths_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("widths") / "archive"
    ha.write_hostile_archive(root, only=lambda relative: "-width-" in relative)
    return root


def list_rows(root: Path) -> list[str]:
    """The text of every row of the reader's article list, as the list paints it."""
    app = create_app(root, LoadOptions())
    rows: list[str] = []

    async def main() -> None:
        async with app.run_test(size=(120, 30)) as pilot:
            reader = app.screen_stack[0]
            assert isinstance(reader, ReaderScreen)
            for _ in range(500):
                if not reader.model.loading:
                    break
                await pilot.pause(0.02)
            await pilot.pause()
            article_list = app.screen.query_one(ArticleList)
            width = article_list.scrollable_content_region.width
            rows.extend(article_list.row_text(post, width).plain for post in article_list.posts)

    asyncio.run(main())
    return rows


def test_every_row_shows_its_category_at_the_same_cell_however_measured(widths_archive: Path):
    rows = [row for row in list_rows(widths_archive) if row.rstrip().endswith(" widths")]
    assert len(rows) == len(ha.WIDTH_TITLES), rows
    label_starts = {
        (measure, measured(row.rstrip()[: -len("widths")]))
        for row in rows
        for measure, measured in MEASURES.items()
    }
    starts = {start for _, start in label_starts}
    assert len(starts) == 1, sorted(
        (measure, measured(row.rstrip()[: -len("widths")]), row)
        for row in rows
        for measure, measured in MEASURES.items()
    )


def test_what_no_terminal_shows_alike_is_a_visible_placeholder():
    titles = {name: clean_line(title) for name, title in ha.WIDTH_TITLES.items()}
    for name in ("private-use", "unassigned", "lone-indicator", "lone-combining"):
        assert PLACEHOLDER in titles[name], name
    for name, title in titles.items():
        categories = {unicodedata.category(character) for character in title}
        assert not categories & {"Cn", "Co", "Cs"}, name
        assert not unicodedata.category(title[0]).startswith("M"), name
    assert titles["cjk"] == ha.WIDTH_TITLES["cjk"]
    assert cell_len(titles["cjk"]) == 2 * len(titles["cjk"])
    assert titles["thai"] == ha.WIDTH_TITLES["thai"]
    assert titles["flags"] == ha.WIDTH_TITLES["flags"]


def test_a_row_evens_out_a_title_stored_before_it_was_cleaned():
    # An index written by an older version keeps the title as it was; the row still lines up.
    posts = [
        Post(
            id=f"{name}.md",
            path=Path(f"/archive/{name}.md"),
            title=title,
            date=datetime(2022, 2, 7, tzinfo=UTC),
            categories=("widths",),
            tags=(),
            source_url=None,
            body="",
        )
        for name, title in ha.WIDTH_TITLES.items()
    ]
    rows = [
        row_text(post, 80, lambda *_: Style(), labels={"widths": "widths"}).plain for post in posts
    ]
    starts = {measured(row[: -len("widths")]) for row in rows for measured in MEASURES.values()}
    assert starts == {80 - len("widths")}, rows
