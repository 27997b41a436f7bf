"""Hostile HTML, round two: constructs left open, quadratic markup, and heavy posts in the reader.

An unclosed ``<script>`` (and the like) hides the rest of its HTML with a note saying so; an
unclosed comment, textarea or CDATA section leaves the text after it shown; ``newsreader
check`` names both. Every stage a body goes through takes time linear in its size. The
reading pane converts and lays out off the UI thread, so keys answer while a heavy post opens.
"""

from __future__ import annotations

import asyncio
import gc
import io
import time
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from rich.console import Console
from textual import events

from newsreader.app import create_app
from newsreader.archive import LoadOptions, Post
from newsreader.archive.loader import parse_post
from newsreader.archive.query import search_text
from newsreader.cli import main
from newsreader.render import plain_text, render_article
from newsreader.render.layout import lay_out, layout_console
from newsreader.screens.help import HelpScreen
from newsreader.screens.reader import ReaderScreen

TZ = ZoneInfo("Asia/Shanghai")
BEFORE, AFTER = "开头的一段话。", "后面的正文还在。"


def make_post(body: str, name: str = "x.md") -> Post:
    text = f"---\ntitle: 标题\ndate: 2022-01-01\n---\n{body}\n"
    return parse_post(text, name, Path(name), 0, LoadOptions(tz=TZ), [])


def shown_text(post: Post) -> str:
    console = Console(file=io.StringIO(), width=100)
    console.print(render_article(post))
    return " ".join(console.file.getvalue().split())  # type: ignore[attr-defined]


# --- 1. constructs left open -------------------------------------------------------------

HIDING = ["<script>", "<style>", "<iframe>", "<noscript>", "<template>"]
SHOWING = ["<!--", "<textarea>", "<![CDATA["]
PLACES = {
    "opening the body": "{opener}\n{after}\n\n<p>{after}</p>",
    "inside a paragraph": "<p>{before}</p>\n{opener}{after}",
    "a block of its own": "{before}\n\n{opener}\n\n<p>{after}</p>",
}


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("opener", SHOWING)
def test_the_text_after_an_unclosed_comment_textarea_or_cdata_is_shown(opener: str, place: str):
    body = PLACES[place].format(opener=opener, before=BEFORE, after=AFTER)
    assert AFTER in shown_text(make_post(body))


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("opener", HIDING)
def test_an_unclosed_script_or_style_hides_the_rest_with_a_note(opener: str, place: str):
    body = PLACES[place].format(opener=opener, before=BEFORE, after=AFTER)
    shown = shown_text(make_post(body))
    assert f"Hidden: the HTML after an unclosed {opener}, as a browser hides it." in shown
    if "{before}" in PLACES[place]:
        assert BEFORE in shown


def test_a_closed_script_still_hides_only_itself():
    shown = shown_text(make_post(f"<p>{BEFORE}</p><script>alert(1)</script><p>{AFTER}</p>"))
    assert BEFORE in shown and AFTER in shown
    assert "alert" not in shown and "Hidden" not in shown


def test_newsreader_check_names_the_file_and_line_of_each_unclosed_construct(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    posts = tmp_path / "_posts"
    posts.mkdir()
    (posts / "2022-01-01-script.md").write_text(
        f"---\ntitle: s\ndate: 2022-01-01\n---\n<p>{BEFORE}</p>\n<script>\n{AFTER}\n"
    )
    (posts / "2022-01-02-comment.md").write_text(
        f"---\ntitle: c\ndate: 2022-01-02\n---\n{BEFORE}\n\n<!--\n{AFTER}\n"
    )
    main(["check", str(tmp_path)])
    out = capsys.readouterr().out
    assert (
        "_posts/2022-01-01-script.md: unclosed <script> at line 6: the text after it is hidden"
    ) in out
    comment = "_posts/2022-01-02-comment.md: unclosed <!-- at line 7: the text after it is shown"
    assert comment in out


# --- 2. linear time ----------------------------------------------------------------------

HOSTILE: dict[str, Callable[[int], str]] = {
    "<![CDATA[ never closed": lambda n: "<p>前</p>" + "<![CDATA[" * n,
    "<![CDATA[ before a tag": lambda n: "<![CDATA[" * n + "<p>后</p>",
    "<? never closed": lambda n: "<p>前</p>" + "<?" * (2 * n),
    "<!A never closed": lambda n: "<p>前</p>" + "<!A " * n,
    "< never closed": lambda n: "<p>前</p>" + "< " * n,
    "<h1 never closed, no title": lambda n: "<h1 " * n,
    "<h1> never closed, no title": lambda n: "<h1>" * n,
    "# heading of spaces, no title": lambda n: "# a" + " " * (4 * n) + "b",
    "<!-- never closed": lambda n: "<!--" * n + "后",
    "<textarea> never closed": lambda n: "<textarea>" * n + "后",
}


def index_one(body: str) -> None:
    text = "---\ndate: 2022-01-01\n---\n" + body  # no title: the loader looks for one
    search_text(parse_post(text, "x.md", Path("x.md"), 0, LoadOptions(tz=TZ), []))


def open_one(body: str) -> None:
    article = render_article(make_post(body))
    console = layout_console()
    lay_out(article, console, console.options, 100)
    plain_text(body)


def best_time(work: Callable[[], None]) -> float:
    times = []
    gc.disable()  # a collection in one run only would read as a slope
    try:
        for _ in range(3):
            start = time.perf_counter()
            work()
            times.append(time.perf_counter() - start)
    finally:
        gc.enable()
    return min(times)


@pytest.mark.parametrize("stage", [index_one, open_one], ids=["index", "open"])
@pytest.mark.parametrize("name", HOSTILE)
def test_doubling_a_hostile_body_at_most_doubles_the_time(name: str, stage: Callable[[str], None]):
    size = 4_000
    single = best_time(lambda: stage(HOSTILE[name](size)))
    double = best_time(lambda: stage(HOSTILE[name](2 * size)))
    assert double <= 2.5 * single + 0.02, f"{single:.3f} s, then {double:.3f} s"


# --- 3. the reader stays responsive ------------------------------------------------------

HEAVY_TITLE = "Heavy post"


def heavy_archive(root: Path) -> Path:
    posts = root / "_posts"
    posts.mkdir(parents=True)
    headings = "".join(f"标题 {i}\n======\n\n正文 {i}。\n\n" for i in range(20_000))
    (posts / "2022-01-02-heavy.md").write_text(
        f"---\ntitle: {HEAVY_TITLE}\ndate: 2022-01-02\n---\n{headings}"
    )
    (posts / "2022-01-01-light.md").write_text(
        "---\ntitle: Light post\ndate: 2022-01-01\n---\n<p>一篇短文。</p>\n"
    )
    return root


def test_keys_answer_while_a_heavy_post_opens_and_it_shows_as_plain_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(name, str(tmp_path / "home"))
    app = create_app(heavy_archive(tmp_path / "archive"), LoadOptions(tz=TZ))

    async def scenario() -> None:
        async with app.run_test(size=(120, 36)) as pilot:
            reader = app.screen_stack[0]
            assert isinstance(reader, ReaderScreen)
            while reader.model.loading or not reader.article_list.posts:
                await pilot.pause(0.05)
            pane = reader.reading_pane
            # Keys are posted, not pressed: `pilot.press` waits for the process to idle.
            start = time.perf_counter()
            app.post_message(events.Key("enter", None))
            while pane.post is None and time.perf_counter() - start < 20:
                await asyncio.sleep(0.002)
            app.post_message(events.Key("question_mark", "?"))
            while not isinstance(app.screen, HelpScreen) and time.perf_counter() - start < 20:
                await asyncio.sleep(0.002)
            answered = time.perf_counter() - start
            assert answered < 0.5, f"the help screen took {answered:.2f} s to open"
            assert pane.post is not None and pane.post.title == HEAVY_TITLE
            assert pane.preparing  # still converting and laying out, in the worker
            await pilot.press("escape")
            deadline = time.monotonic() + 30
            while pane.preparing and time.monotonic() < deadline:
                await pilot.pause(0.05)
            await pilot.pause()
            shown = " ".join(strip.text for strip in app.screen._compositor.render_strips())
            assert "took longer than 1.5 s to lay out, so it is shown as plain text" in shown
            assert "标题 0" in shown

    asyncio.run(scenario())
