"""Article text set into lines by the line-breaking rules (render/wrap.py), as a reader sees it."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console, RenderableType

from newsreader.cli import main
from newsreader.render import MATCH_KEY, render_article
from newsreader.render.article import render_body
from newsreader.render.wrap import LineBreakingText, line_offsets

CLOSING = set("，。、；：！？）」』】〕…%％ぁっゃょ")
OPENING = set("（「『【〔“")
CHINESE = (
    "物体运动时，其加速度。2022年3月31日，美联储将利率上调了0.05%，达到1,234.5点；"
    "分析人士（包括多家机构）认为：「通胀仍然偏高」，市场因此承压！用Python写的脚本"
    "每天抓取数据，结果っぽい…『证券时报』报道称，上证指数收于3,252.20点。"
)


def rendered(renderable: RenderableType, width: int) -> list[str]:
    # render_lines, not print: print joins a bare Text into a plain Rich Text.
    console = Console(width=width, file=io.StringIO(), color_system=None, highlight=False)
    lines = console.render_lines(renderable, console.options, pad=False)
    return ["".join(segment.text for segment in line) for line in lines]


@pytest.mark.parametrize("width", range(16, 61))
def test_chinese_prose_keeps_the_kinsoku_rules_and_its_numbers_whole(width: int):
    lines = [line.rstrip() for line in rendered(render_body(CHINESE), width)]
    assert "".join(lines) == CHINESE
    for line in lines:
        assert cell_len(line) <= width
        assert line[:1] not in CLOSING, line
        assert line[-1:] not in OPENING, line
    # Each number and Latin word sits whole on one line.
    for whole in ("2022年3月31日", "0.05%", "1,234.5", "3,252.20点", "Python"):
        assert any(whole in line for line in lines), (whole, lines)


def test_a_line_fills_to_its_last_column_when_the_next_piece_fits():
    # Rich moved "Python语言" (no space before it) to the next line whole, leaving a gap.
    text = "这是一段中文文字用Python语言写的程序"
    assert [line.rstrip() for line in rendered(render_body(text), 20)] == [
        "这是一段中文文字用",
        "Python语言写的程序",
    ]
    assert [line.rstrip() for line in rendered(render_body("甲乙丙丁戊己庚辛壬癸子丑"), 10)] == [
        "甲乙丙丁戊",
        "己庚辛壬癸",
        "子丑",
    ]


def test_an_address_breaks_only_when_longer_than_a_line():
    # Rich folded the whole run without spaces, cutting the address at column 50.
    url = "https://example.com/news/2022/03/31/rates"
    lines = [line.rstrip() for line in rendered(render_body(f"这篇报道详见{url}一文。"), 50)]
    assert lines == ["这篇报道详见", f"{url}一文。"]
    folded = [line.rstrip() for line in rendered(render_body(url), 12)]
    assert "".join(folded) == url
    assert all(cell_len(line) == 12 for line in folded[:-1])


def test_wide_characters_never_straddle_and_a_long_piece_folds():
    text = LineBreakingText("ab" + "长" * 9)
    lines = [line.rstrip() for line in rendered(text, 5)]
    assert all(cell_len(line) <= 5 for line in lines)
    assert "".join(lines) == "ab" + "长" * 9


def test_wrapped_lines_carry_no_spaces_from_the_break():
    # Rich kept the space at a break inside the width: "alpha beta " on a line of 11.
    lines = rendered(LineBreakingText("alpha beta gamma delta epsilon"), 11)
    assert lines == ["alpha beta", "gamma delta", "epsilon"]


def test_a_percent_sign_never_begins_a_line_even_after_a_space():
    assert rendered(LineBreakingText("rate of 12 % now"), 10) == ["rate of", "12 % now"]
    assert rendered(LineBreakingText("see {{ page.title }} %}"), 20) == [
        "see",
        "{{ page.title }} %}",
    ]
    assert rendered(LineBreakingText("{{ page.title }} %}"), 16) == ["{{ page.title }}", "%}"]


def test_styles_and_search_marks_survive_the_breaking(make_post):
    post = make_post("a.md", "2022-04-01 08:00", title="利率", body="<p>" + CHINESE + "</p>")
    console = Console(width=24, file=io.StringIO(), color_system=None)
    marked = [
        segment.text
        for line in console.render_lines(render_article(post).highlighted(["美联储"]))
        for segment in line
        if segment.style is not None and MATCH_KEY in segment.style.meta
    ]
    assert "".join(marked) == "美联储"


def test_odd_text_never_crashes_the_breaker():
    for text in ["", "a\ud800b，c", "𠀀𠀁𠀂，𠀃😀。" * 5, "\t，。」" * 9, "x" * 200]:
        lines = rendered(LineBreakingText(text), 7)
        assert all(cell_len(line) <= 7 for line in lines), (text, lines)


def test_a_word_of_fifty_thousand_letters_renders_at_once():
    # Looking for addresses once took quadratic time on a long run of letters (12 s here).
    started = time.perf_counter()
    lines = rendered(render_body("a" * 50_000), 100)
    assert time.perf_counter() - started < 2
    assert [len(line) for line in lines if line.strip()] == [100] * 500


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="ab 1.,%，。「」长𠀀\u3000-", max_size=60), st.integers(2, 30))
def test_every_line_fits_and_no_text_is_lost(text: str, width: int):
    offsets = line_offsets(text, width)
    parts = [
        text[start:end] for start, end in zip([0, *offsets], [*offsets, len(text)], strict=True)
    ]
    assert "".join(parts) == text
    assert all(cell_len(part.rstrip()) <= width for part in parts)


def test_show_sets_lines_by_the_rules(capsys, write, tmp_path: Path):
    write("_posts/2022-03-31-rates.md", f"---\ntitle: 利率\n---\n<p>{CHINESE}</p>\n")
    # Into a pipe (capsys) `show` writes plain text: the same breaker sets it.
    for width in range(16, 61):
        code = main(["show", str(tmp_path), "_posts/2022-03-31-rates.md", "--width", str(width)])
        out, err = capsys.readouterr()
        assert code == 0, err
        body = [line for line in out.splitlines()[4:] if line.strip()]
        assert "".join(body) == CHINESE
        assert not [line for line in body if line[:1] in CLOSING or line[-1:] in OPENING]
        assert not [line for line in body if line != line.rstrip() or cell_len(line) > width]
        for whole in ("2022年3月31日", "0.05%", "1,234.5", "3,252.20点", "Python"):
            assert any(whole in line for line in body), (width, whole, body)
