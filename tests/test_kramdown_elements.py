"""kramdown's Markdown as Jekyll shows it: footnotes, definition lists, reference links,
entities and code blocks of a named language, in the reader and in piped ``newsreader show``."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from rich.console import Console, RenderableType
from test_jekyll_markup import post_with_body

from newsreader.cli import main
from newsreader.render import MATCH_KEY, render_article

pytestmark = pytest.mark.usefixtures("plain_environment")

FOOTNOTES = (
    "Tea comes from China[^tea] and coffee from Ethiopia[^2].\n\n"
    "[^tea]: Yunnan, most likely.\n"
    "[^2]: Kaffa, by *legend*.\n\n"
    "After the notes."
)
DEFINITIONS = "Intro.\n\nApple\n: A fruit.\n: A company.\n\nOrange\n: A citrus fruit.\n\nEnd."
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _printed(renderable: RenderableType, width: int = 60, *, styled: bool = False) -> str:
    out = io.StringIO()
    console = Console(
        file=out, width=width, force_terminal=styled, color_system="truecolor" if styled else None
    )
    console.print(renderable)
    return out.getvalue()


def _body_lines(body: str, width: int = 60) -> list[str]:
    shown = _printed(render_article(post_with_body(body)), width).split("─" * 10, 1)[1]
    return [line.rstrip() for line in shown.split("\n")[1:] if line.strip()]


def _marked(renderable: RenderableType) -> list[str]:
    console = Console(width=60, file=io.StringIO(), force_terminal=True)
    return [
        segment.text
        for line in console.render_lines(renderable, console.options, pad=False)
        for segment in line
        if segment.style is not None and MATCH_KEY in segment.style.meta
    ]


def _show(tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str) -> str:
    post = tmp_path / "_posts" / "2020-01-02-x.md"
    post.parent.mkdir(parents=True, exist_ok=True)
    post.write_text(f"---\ntitle: T\n---\n{body}\n", encoding="utf-8")
    code = main(["show", str(tmp_path), "_posts/2020-01-02-x.md"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


# --- footnotes ----------------------------------------------------------------------------


def test_footnote_markers_show_in_the_text_and_the_notes_follow_numbered_under_a_rule() -> None:
    lines = _body_lines(FOOTNOTES)
    assert lines[0] == "Tea comes from China⁽¹⁾ and coffee from Ethiopia⁽²⁾."
    assert "[^" not in "\n".join(lines)
    rule = next(i for i, line in enumerate(lines) if set(line) <= {"-", "─"})
    assert lines.index("After the notes.") < rule
    assert [line.split() for line in lines[rule + 1 :]] == [
        ["1", "Yunnan,", "most", "likely."],
        ["2", "Kaffa,", "by", "legend."],
    ]


def test_text_like_an_inline_footnote_is_shown_as_typed_as_kramdown_does() -> None:
    assert _body_lines("Score 2^[3] points.") == ["Score 2^[3] points."]


def test_footnote_markers_are_not_link_numbers() -> None:
    article = render_article(post_with_body("See [it](https://example.com)[^1].\n\n[^1]: A note."))
    assert [link.href for link in article.links] == ["https://example.com"]
    assert _body_lines("See [it](https://example.com)[^1].\n\n[^1]: A note.")[0] == "See it[1]⁽¹⁾."


def test_search_matches_are_marked_in_footnotes_and_definition_lists() -> None:
    article = render_article(post_with_body(f"{FOOTNOTES}\n\n{DEFINITIONS}"))
    # In reading order: the notes come last.
    assert _marked(article.highlighted(["Yunnan", "Apple", "company"])) == [
        "Apple",
        "company",
        "Yunnan",
    ]


def test_a_long_footnote_wraps_by_the_line_breaking_rules() -> None:
    # Rich alone would fold the Chinese at any character and start a line with the comma.
    note = "这是一个很长的脚注" * 3 + "，" + "它会换行" * 4
    lines = _body_lines(f"正文[^1]。\n\n[^1]: {note}", width=32)
    assert not any(line.lstrip(" 0123456789").startswith("，") for line in lines)
    assert "".join(line.strip() for line in lines[2:]).lstrip("1").strip() == note


def test_show_piped_lists_the_footnotes_after_a_rule(tmp_path: Path, capsys) -> None:
    out = _show(tmp_path, capsys, FOOTNOTES)
    assert "Tea comes from China⁽¹⁾ and coffee from Ethiopia⁽²⁾." in out
    assert "\n* * *\n\n1. Yunnan, most likely.\n2. Kaffa, by legend.\n" in out
    assert "[^" not in out


# --- definition lists ---------------------------------------------------------------------


def test_definition_list_terms_are_bold_and_definitions_indented() -> None:
    lines = _body_lines(DEFINITIONS)
    assert lines == [
        "Intro.",
        "Apple",
        "    A fruit.",
        "    A company.",
        "Orange",
        "    A citrus fruit.",
        "End.",
    ]
    styled = _printed(render_article(post_with_body(DEFINITIONS)), styled=True)
    assert "\x1b[1mApple" in styled
    assert ": A fruit" not in _ANSI.sub("", styled)


def test_a_definition_list_in_a_quote_stays_in_the_quote() -> None:
    lines = _body_lines("> Term\n> : Its meaning.\n\nAfter.")
    assert lines[:2] == ["▌ Term", "▌     Its meaning."]


def test_show_piped_writes_terms_and_indented_definitions(tmp_path: Path, capsys) -> None:
    out = _show(tmp_path, capsys, DEFINITIONS)
    assert "Apple\n    A fruit.\n    A company.\n\nOrange\n    A citrus fruit.\n" in out
    assert ": A" not in out


# --- reference links ----------------------------------------------------------------------


def test_reference_links_are_numbered_links_and_their_definitions_never_show(
    tmp_path: Path, capsys
) -> None:
    body = (
        "Read [the guide][Docs], [Home] and [home][] again.\n\n"
        "[docs]: https://example.com/docs\n"
        '  [HOME]: https://example.com/ "Title"'
    )
    article = render_article(post_with_body(body))
    assert [link.href for link in article.links] == [
        "https://example.com/docs",
        "https://example.com/",
    ]
    assert _body_lines(body) == ["Read the guide[1], Home[2] and home[2] again."]
    out = _show(tmp_path, capsys, body)
    assert "Read the guide[1], Home[2] and home[2] again." in out
    assert "[docs]:" not in out and "[HOME]" not in out


# --- entities -----------------------------------------------------------------------------


def test_entities_in_an_image_description_show_as_their_characters() -> None:
    lines = _body_lines("![Profit &amp; loss &#124; 2020](https://example.com/chart.png)")
    assert lines[0].startswith("[image: Profit & loss | 2020]")


def test_a_pipe_in_code_in_an_html_table_stays_in_its_cell() -> None:
    body = (
        "<table><tr><th>Operator</th><th>Meaning</th></tr>"
        "<tr><td><code>a|b</code></td><td>either &amp; or</td></tr></table>"
    )
    lines = _body_lines(body)
    row = next(line for line in lines if "a|b" in line)
    assert row.split() == ["a|b", "either", "&", "or"]


def test_entities_show_as_characters_but_as_typed_in_code() -> None:
    body = "| a | b |\n|---|---|\n| x &#124; y | `p &#124; q` |\n\nText &amp; &copy; `&amp;`"
    shown = "\n".join(_body_lines(body))
    assert "x | y" in shown and "p &#124; q" in shown
    assert "Text & © &amp;" in shown


# --- code blocks --------------------------------------------------------------------------


def _colours(body: str) -> set[str]:
    styled = _printed(render_article(post_with_body(body)), styled=True)
    return set(re.findall(r"\x1b\[38;2;[0-9;]+m", styled))


PLAIN_CODE_COLOURS = _colours("```\ndef hi\n  puts 'x'\nend\n```")


@pytest.mark.parametrize(
    "body",
    [
        "Intro.\n\n    def hi\n      puts 'x'\n    end\n{: .language-ruby}\n\nAfter.",
        "Intro.\n\n{: .language-ruby}\n    def hi\n      puts 'x'\n    end\n\nAfter.",
        "Intro.\n\n~~~\ndef hi\n  puts 'x'\nend\n~~~\n{: .language-ruby}\n\nAfter.",
        "Intro.\n\n~~~ ruby\ndef hi\n  puts 'x'\nend\n~~~\n\nAfter.",
    ],
    ids=["ial-after-indented", "ial-before-indented", "ial-after-fence", "tilde-fence"],
)
def test_code_blocks_named_by_kramdown_are_highlighted_in_their_language(body: str) -> None:
    colours = _colours(body)
    assert len(colours - PLAIN_CODE_COLOURS) >= 2  # keyword, string... coloured as Ruby
    shown = "\n".join(_body_lines(body))
    assert "def hi" in shown and "  puts 'x'" in shown
    assert "{:" not in shown and "~~~" not in shown and "```" not in shown


def test_an_indented_line_after_a_paragraph_is_no_code_block_for_a_language() -> None:
    lines = _body_lines("Para\n    more of it\n{: .language-ruby}")
    assert lines == ["Para more of it"]
