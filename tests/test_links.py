"""Numbered links: in the article, in ``newsreader show`` (References, piped as plain text),
and in the reader (``3o``, ``3y``, ``L``), with the article's colours from the theme."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
import webbrowser
from collections.abc import Awaitable, Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import OptionList

from newsreader.app import create_app
from newsreader.archive import LoadOptions, Post, load_post
from newsreader.cli import main
from newsreader.render import render_article
from newsreader.render.links import linked_post_id, post_href
from newsreader.screens.link_list import LinkListScreen
from newsreader.screens.reader import ReaderScreen

TZ = ZoneInfo("Asia/Shanghai")
ESC = "\x1b"
LONG_URL = "https://example.com/b/a/very/long/path/that/must/never/be/split/anywhere/at/all.html"
LINKED = "_posts/2024-05-01-links.md"
OTHER = "_posts/2024-04-01-other.md"
SENTENCE = "This sentence goes on for long enough that eighty columns can never hold it whole. " * 2
ARTICLE = f"""---
title: Links test
date: 2024-05-01 10:00:00 +0800
source_url: https://example.com/source
---
First [a link](https://example.com/a) then [another]({LONG_URL}) and [bad](javascript:alert(1)).
{SENTENCE}

第二段有[中文链接](https://example.cn/x)，还有[同一个](https://example.com/a)。

See [the other post]({post_href(OTHER)}).
"""
OTHER_ARTICLE = """---
title: The other post
date: 2024-04-01 10:00:00 +0800
---
Nothing to link here.
"""


@pytest.fixture
def archive(write, tmp_path: Path) -> Path:
    write(LINKED, ARTICLE)
    write(OTHER, OTHER_ARTICLE)
    return tmp_path


# --- the article ----------------------------------------------------------------------------


def loaded(archive: Path) -> Post:
    post = load_post(archive / LINKED, archive)
    assert isinstance(post, Post)
    return post


def test_each_address_gets_a_number_after_its_text(archive: Path) -> None:
    article = render_article(loaded(archive))
    console = Console(width=200, record=True)
    console.print(article)
    text = console.export_text()
    assert "First a link[1] then another[2] and bad." in text
    assert "中文链接[3]，还有同一个[1]。" in text  # the same address keeps its number
    assert "the other post[4]" in text
    assert [(link.number, link.href) for link in article.links] == [
        (1, "https://example.com/a"),
        (2, LONG_URL),
        (3, "https://example.cn/x"),
        (4, f"newsreader:{OTHER}"),
    ]
    assert article.links[3].post_id == OTHER


def test_a_post_link_is_no_terminal_hyperlink(archive: Path) -> None:
    article = render_article(loaded(archive))
    console = Console(width=200, force_terminal=True, record=True)
    console.print(article)
    output = console.export_text(styles=True)
    assert "https://example.com/a" in output
    assert "newsreader:" not in output


def test_post_href_round_trips_an_id_with_spaces_and_chinese() -> None:
    post_id = "_posts/2024-01-01-新闻 稿.md"
    assert linked_post_id(post_href(post_id)) == post_id
    assert linked_post_id("https://example.com") is None


def test_an_html_link_to_a_post_is_kept_and_numbered(write, tmp_path: Path) -> None:
    body = f'<p>Read <a href="{post_href(OTHER)}">this</a> and <a href="file:///etc">that</a>.</p>'
    path = write(LINKED, f"---\ntitle: HTML\ndate: 2024-05-01\n---\n{body}\n")
    post = load_post(path, tmp_path)
    assert isinstance(post, Post)
    article = render_article(post)
    assert "Read this[1] and that." in article.plain_text()
    assert [link.post_id for link in article.links] == [OTHER]


def test_a_post_link_cannot_smuggle_an_escape_sequence() -> None:
    assert linked_post_id("newsreader:_posts/%1B%5B2Jx.md") == "_posts/x.md"


# --- newsreader show ------------------------------------------------------------------------


def show(capsys: pytest.CaptureFixture[str], *args: str | Path) -> str:
    code = main(["show", *(str(arg) for arg in args)])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def test_piped_show_is_plain_text_with_references(capsys, archive: Path) -> None:
    out = show(capsys, archive, LINKED)
    assert ESC not in out
    lines = out.split("\n")
    assert all(line == line.rstrip() for line in lines), "trailing spaces"
    # One line per paragraph, however long.
    assert f"First a link[1] then another[2] and bad. {SENTENCE.strip()}" in lines
    assert out.endswith(
        "References\n\n"
        " 1. https://example.com/a\n"
        f" 2. {LONG_URL}\n"
        " 3. https://example.cn/x\n"
        f" 4. newsreader:{OTHER}\n"
    )


def test_piped_show_with_a_width_wraps_without_splitting_addresses(capsys, archive: Path) -> None:
    out = show(capsys, "--width", "40", archive, LINKED)
    lines = out.split("\n")
    body = lines[: lines.index("References")]
    assert all(len(line) <= 40 for line in body)
    assert f" 2. {LONG_URL}" in lines  # longer than 40, yet whole
    assert "第二段有中文链接[3]，还有同一个[1]。" in lines
    assert ESC not in out


def test_show_through_a_real_pipe_has_no_styles(archive: Path, tmp_path_factory) -> None:
    home = str(tmp_path_factory.mktemp("home"))
    done = subprocess.run(
        [sys.executable, "-m", "newsreader", "show", str(archive), LINKED],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
        env={
            "TERM": "xterm-256color",
            "HOME": home,
            "XDG_CACHE_HOME": home,
            "XDG_CONFIG_HOME": home,
            "XDG_DATA_HOME": home,
        },
    )
    assert ESC not in done.stdout
    assert " 2. " + LONG_URL in done.stdout.splitlines()


def test_show_on_a_terminal_is_styled_and_ends_with_references(
    capsys, archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    out = show(capsys, "--width", "100", "--no-pager", archive, LINKED)
    assert ESC in out
    assert "References" in out
    assert f" 2. {LONG_URL}" in out


# --- the reader -----------------------------------------------------------------------------

Scenario = Callable[[Pilot[None], ReaderScreen], Awaitable[None]]


def run_reader(root: Path, scenario: Scenario, size: tuple[int, int] = (120, 36)) -> None:
    app = create_app(root, LoadOptions(tz=TZ))

    async def main_loop() -> None:
        async with app.run_test(size=size) as pilot:
            reader = app.screen_stack[0]
            assert isinstance(reader, ReaderScreen)
            deadline = time.monotonic() + 10
            while reader.model.loading:
                assert time.monotonic() < deadline, "the archive did not load"
                await pilot.pause(0.02)
            await pilot.pause()
            await scenario(pilot, reader)

    asyncio.run(main_loop())


def messages(pilot: Pilot[None]) -> list[str]:
    return [notification.message for notification in pilot.app._notifications]


def screen_text(pilot: Pilot[None]) -> str:
    return "\n".join(strip.text for strip in pilot.app.screen._compositor.render_strips())


async def open_linked(pilot: Pilot[None], reader: ReaderScreen) -> None:
    await pilot.press("enter")  # the newest post: the one with links
    await pilot.pause()
    assert reader.reading_pane.post is not None
    assert reader.reading_pane.post.id == LINKED


def test_a_number_then_o_opens_that_link(archive: Path, monkeypatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url, *a, **k: bool(opened.append(url)))

    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await open_linked(pilot, reader)
        assert "a link[1]" in screen_text(pilot)
        await pilot.press("2", "o")
        await pilot.pause(0.2)
        assert opened == [LONG_URL]
        assert f"Opening {LONG_URL}" in messages(pilot)
        await pilot.press("o")  # no number: the source, as before
        await pilot.pause(0.2)
        assert opened[-1] == "https://example.com/source"

    run_reader(archive, scenario)


def test_a_number_then_y_copies_that_link_and_a_missing_one_says_so(archive: Path, monkeypatch):
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        copied: list[str] = []
        monkeypatch.setattr(pilot.app, "copy_to_clipboard", copied.append)
        await open_linked(pilot, reader)
        await pilot.press("3", "y")
        assert copied == ["https://example.cn/x"]
        await pilot.press("1", "2", "y")
        assert copied == ["https://example.cn/x"]
        assert "No link 12: this article has 4 links." in messages(pilot)
        await pilot.press("3", "j", "y")  # a number counts for the very next key only
        assert copied[-1] == "https://example.com/source"

    run_reader(archive, scenario)


def test_l_lists_the_links_and_one_is_copied_or_opened(archive: Path, monkeypatch) -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        copied: list[str] = []
        monkeypatch.setattr(pilot.app, "copy_to_clipboard", copied.append)
        await open_linked(pilot, reader)
        await pilot.press("L")
        await pilot.pause()
        assert isinstance(pilot.app.screen, LinkListScreen)
        shown = screen_text(pilot)
        assert "[1] a link" in shown and "https://example.com/a" in shown
        assert f"post {OTHER} of this archive" in shown
        await pilot.press("j", "y")
        assert copied == [LONG_URL]
        assert not isinstance(pilot.app.screen, LinkListScreen)
        await pilot.press("L")
        await pilot.pause()
        pilot.app.screen.query_one(OptionList).highlighted = 3
        await pilot.press("enter")  # the link to the other post opens it in the reader
        await pilot.pause()
        assert reader.reading_pane.post is not None
        assert reader.reading_pane.post.id == OTHER
        assert "Nothing to link here." in screen_text(pilot)

    run_reader(archive, scenario)


def test_a_jekyll_post_url_opens_the_post_it_names(write, tmp_path: Path, capsys) -> None:
    write(LINKED, ARTICLE.replace(post_href(OTHER), "{% post_url 2024-04-01-other %}"))
    write("en/_posts/2024-03-01-deep.md", "---\ntitle: Deep\n---\nDeep text.\n")
    write(OTHER, OTHER_ARTICLE + "\nBack to [deep]({% post_url en/2024-03-01-deep %}).\n")

    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await open_linked(pilot, reader)
        await pilot.press("4", "o")
        await pilot.pause()
        assert reader.reading_pane.post is not None and reader.reading_pane.post.id == OTHER
        assert reader.reading_pane.links[0].post_id == "en/_posts/2024-03-01-deep.md"
        await pilot.press("1", "o")
        await pilot.pause()
        assert reader.reading_pane.post is not None
        assert reader.reading_pane.post.id == "en/_posts/2024-03-01-deep.md"
        assert "Deep text." in screen_text(pilot)

    run_reader(tmp_path, scenario)
    # `show` lists the post's id, and takes the name post_url gives as well as the id.
    for named in (OTHER, "2024-04-01-other"):
        assert main(["show", str(tmp_path), named]) == 0
        assert " 1. newsreader:en/_posts/2024-03-01-deep.md" in capsys.readouterr().out


def test_a_link_to_a_missing_post_says_so(write, tmp_path: Path) -> None:
    write(LINKED, ARTICLE.replace(OTHER, "_posts/gone.md"))

    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await open_linked(pilot, reader)
        await pilot.press("4", "o")
        await pilot.pause()
        assert "No post '_posts/gone.md' in this archive." in messages(pilot)
        assert reader.reading_pane.post is not None and reader.reading_pane.post.id == LINKED

    run_reader(tmp_path, scenario)


def link_colour(reader: ReaderScreen) -> str:
    """The colour the reading pane paints the first body link in."""
    view = reader.reading_pane._view
    for y in range(view.size.height):
        for segment in view.render_line(y):
            if segment.text.startswith("a link") and segment.style is not None:
                return str(segment.style.color)
    raise AssertionError("no link painted")


def test_the_article_takes_the_themes_colours_and_a_new_theme_recolours_it(archive: Path):
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await open_linked(pilot, reader)
        dark = link_colour(reader)
        themed = reader.reading_pane.get_component_rich_style("article--link")
        assert dark == str(themed.color)
        assert dark != str(Console().get_style("markdown.link_url").color)  # not Rich's blue
        pilot.app.theme = "textual-light"
        await pilot.pause(0.2)
        light = link_colour(reader)
        assert light != dark
        assert reader.reading_pane.post is not None  # still open, recoloured in place

    run_reader(archive, scenario)


def test_digits_typed_in_the_search_bar_are_text_not_a_link_number(archive: Path) -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await open_linked(pilot, reader)
        await pilot.press("slash", "1", "2")
        await pilot.pause()
        assert reader.search_bar.value == "12"
        assert not any(message.startswith("Link ") for message in messages(pilot))

    run_reader(archive, scenario)


def test_piped_show_keeps_lists_quotes_and_code_readable(capsys, write, tmp_path: Path) -> None:
    body = "Intro:\n\n- one\n- two\n  - nested\n\n> first\n>\n> second\n\n```\ncode  kept\n```\n"
    write(LINKED, f"---\ntitle: Shapes\ndate: 2024-05-01\n---\n{body}")
    out = show(capsys, tmp_path, LINKED)
    body_text = out.split("\n\n", 2)[2]  # after the title and the header
    assert body_text == (
        "Intro:\n\n- one\n- two\n  - nested\n\n> first\n>\n> second\n\ncode  kept\n"
    )
