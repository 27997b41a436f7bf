"""Jekyll's Markdown as Jekyll shows it: Liquid rendered, kramdown's marks gone, nothing lost."""

from __future__ import annotations

import io
import time
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console

from newsreader.archive import Post
from newsreader.render import body_to_markdown, render_article
from newsreader.render.links import post_href


def post_with_body(body: str, root: Path = Path("/archive"), **extra: object) -> Post:
    """A post of ``body`` under ``root``, its front matter's other keys ``extra``."""
    post_id = "_posts/2020-01-02-x.md"
    return Post(
        id=post_id,
        path=root / post_id,
        title="T",
        date=datetime(2020, 1, 2, tzinfo=UTC),
        categories=(),
        tags=(),
        source_url=None,
        body=body,
        extra=extra,
    )


def _shown(post: Post, width: int = 80, *, styled: bool = False) -> str:
    out = io.StringIO()
    console = Console(
        file=out,
        width=width,
        highlight=False,
        force_terminal=styled,
        color_system="standard" if styled else None,
    )
    console.print(render_article(post))
    return out.getvalue()


def _body(post: Post, width: int = 80) -> str:
    return _shown(post, width).split("─" * 10, 1)[1]


def test_highlight_becomes_a_code_block_of_its_language() -> None:
    body = "Intro\n\n{% highlight ruby %}\ndef hi\n\n  puts 1\nend\n{% endhighlight %}\n\nAfter"
    markdown = body_to_markdown(body).markdown
    assert "```ruby\ndef hi\n\n  puts 1\nend\n```" in markdown
    shown = _body(post_with_body(body))
    assert "{%" not in shown and "def hi" in shown and "puts 1" in shown


def test_site_and_page_variables_come_from_config_and_front_matter(tmp_path: Path) -> None:
    (tmp_path / "_config.yml").write_text("title: My Site\nurl: https://example.org\n")
    post = post_with_body(
        "Welcome to {{ site.title }} by {{ page.author }}.", tmp_path, author="Ann"
    )
    shown = _body(post)
    assert "Welcome to My Site by Ann." in shown
    assert "{{" not in shown


def test_loops_over_known_data_render_and_unknown_ones_vanish(tmp_path: Path) -> None:
    (tmp_path / "_config.yml").write_text("releases:\n  - name: one\n  - name: two\n")
    body = (
        "{% for r in site.releases %}* {{ r.name }}\n{% endfor %}\n"
        "{% for x in site.nope %}?{% endfor %}"
    )
    shown = _body(post_with_body(body, tmp_path))
    assert "• one" in shown and "• two" in shown
    assert "{%" not in shown and "?" not in shown


def test_post_url_is_a_link_the_reader_can_open() -> None:
    markdown = body_to_markdown("See [the last one]({% post_url 2019-05-01-older %}).").markdown
    assert f"[the last one]({post_href('2019-05-01-older')})" in markdown
    shown = _shown(post_with_body("See [the last one]({% post_url 2019-05-01-older %})."))
    assert "the last one[1]" in shown and "{%" not in shown


def test_include_becomes_a_short_note() -> None:
    shown = _body(post_with_body("{% include footer.html param='x' %}\n\nText"))
    assert "[include: footer.html]" in shown and "{%" not in shown


def test_hostile_liquid_is_bounded_and_never_shown_raw() -> None:
    huge = "{% for i in (1..100000000) %}x{% endfor %}"
    deep = "{% if true %}" * 300 + "deep" + "{% endif %}" * 300
    broken = "before {% if %} {{ | }} {% endfor %} after"
    for body in (huge, deep, broken, "{% bogus tag %}text{{ x | nofilter }}"):
        started = time.perf_counter()
        shown = _body(post_with_body(body))
        assert time.perf_counter() - started < 5
        assert "{%" not in shown and "{{" not in shown
        assert len(shown) < 2_000_000


def test_kramdown_attribute_lists_go_but_not_from_code() -> None:
    body = (
        '# Title\n{: .big}\n\n* TOC\n{:toc}\n\n{::options parse_block_html="true" /}\n\n'
        "A note {: .note} with `{: .kept}` code.\n\n~~gone~~ now"
    )
    shown = _body(post_with_body(body))
    assert "{:" not in shown.replace("{: .kept}", "")
    assert "{: .kept}" in shown
    assert "TOC" not in shown
    assert "~~" not in shown and "gone now" in shown


def test_emphasis_next_to_cjk_punctuation_is_bold_as_in_kramdown() -> None:
    styled = _shown(post_with_body("**风险提示：**市场有风险，投资需谨慎。"), styled=True)
    assert "**" not in styled
    assert "\x1b[1m风险提示：\x1b[0m" in styled


def test_escaped_asterisks_and_code_stay_as_typed() -> None:
    shown = _body(post_with_body(r"\*\*not bold\*\* and `**code**`"))
    assert "**not bold**" in shown and "**code**" in shown


def test_only_the_trailing_source_line_becomes_the_source() -> None:
    body = (
        "First part.\n\n<https://ref.example/one>\n\nMiddle.\n\n<https://ref.example/two>\n\n"
        "End of the article.\n\n<https://news.example/source>\n\n[返回首页](//news.example/)"
    )
    converted = body_to_markdown(body)
    assert converted.source_url == "https://news.example/source"
    shown = _shown(post_with_body(body))
    assert "https://ref.example/one" in shown.split("─" * 10, 1)[1]
    assert "https://ref.example/two" in shown.split("─" * 10, 1)[1]
    mid = "Intro.\n\n<https://ref.example/only>\n\nThe article goes on after the link."
    assert body_to_markdown(mid).source_url is None
    assert "https://ref.example/only" in _body(post_with_body(mid))


def test_large_table_renders_as_a_table_up_to_a_bound_with_a_note() -> None:
    rows = "\n".join(f"| row{n} | {n * 7} |" for n in range(9_000))
    body = f"Data:\n\n| name | value |\n| --- | --- |\n{rows}\n\nAfter the table."
    shown = _body(post_with_body(body), 60)
    assert "| row" not in shown  # drawn as a table, not as raw pipes
    assert "row499" in shown and "row500 " not in shown
    assert "9,000 rows" in shown and "500" in shown
    assert "After the table." in shown


def test_markdown_lines_among_html_lines_are_rendered() -> None:
    body = "<p>Morning.</p>\n## 2月7日\n<p>Evening.</p>\n![chart](https://img.example/c.png)\n<div>x</div>"
    shown = _body(post_with_body(body))
    assert "##" not in shown and "2月7日" in shown
    assert "![" not in shown and "[image: chart]" in shown
    assert "Morning." in shown and "Evening." in shown
