"""The article renderer: bodies to Markdown, plain text and terminal output.

Fixture text is written for these tests; each reproduces a shape seen in scraped archives.
"""

from __future__ import annotations

import io
import re
import statistics
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console, RenderableType
from rich.style import Style

from newsreader.archive.post import Post
from newsreader.archive.source import find_source_url
from newsreader.render import ConvertedBody, body_to_markdown, plain_text, render_article
from newsreader.render.article import DEFAULT_STYLES, ArticleStyles, render_body

SOURCE = "http://news.example.com/share.html?code=NW2022060312345"
NAV_FOOTER = "[返回滚动新闻](//news.example.com/rolling/)｜[返回首页](//news.example.com/)"

DIGEST = (
    "据星辰公司官网消息，6月3日，星辰公司宣布为北斗汽车旗下S9新能源车型提供新型冷却液。"
    "据悉，这标志着北斗汽车成为国内首家采用该冷却液的车企。"
)
# The rich shape: digest, hidden <p>, chart widget, quote links on company names, centred images,
# entities, bold sub-headings, credit, `<>` source, navigation footer.
RICH_BODY = (
    f"> {DIGEST}（示例日报）\n\n"
    '<p style="display:none;height:1px;overflow:hidden;"><br /></p>'
    '<!-- EM_StockImg_Start --><p style="text-align:center;">'
    '<a href="http://quote.example.com/r/106.BD" class="EmImageRemark" target="_blank">'
    '<img src="https://chart.example.com/GetPic.aspx?nid=106.BD&amp;imageType=k" '
    'alt="K图 BD_0" width="578" /></a></p><!-- EM_StockImg_End -->'
    '<p>国内首款采用新型冷却液的<span id="bk_90.BK1"><a href="http://quote.example.com/r/90.BK1" '
    'class="keytip" data-code="90,BK1">新能源</a></span><span id="bkquote_90.BK1"></span>'
    "汽车来了！<br /></p>"
    '<p>据星辰公司官网消息，6月3日，星辰公司宣布为<span id="stock_106.BD">'
    '<a href="http://quote.example.com/r/106.BD" class="keytip" data-code="106,BD">北斗汽车</a>'
    '</span><span id="quote_106.BD"></span>旗下S9<span web="1" '
    'href="http://quote.example.com/r/90.BK1" class="em_stock_key_common" data-code="90,BK1">'
    '新能源</span>车型提供新型冷却液。据悉，这标志着<span web="1" '
    'href="http://quote.example.com/r/106.BD" class="em_stock_key_common">北斗汽车</span>'
    "成为国内首家采用该冷却液的车企。</p>"
    '<center><img src="https://img.example.com/pic/0001.jpg" alt="Image" width="552" /></center>'
    '<p style="text-align:center;">图片来源：星辰公司官网</p>'
    "<p><strong>新型冷却液是什么</strong></p>"
    "<p>据了解，《&lt;示例公约&gt;修正案》已于去年正式生效，"
    '<span id="Info.1"><a href="http://data.example.com/bbsj/" class="infokey">业绩</a></span>'
    "有望提升。</p>"
    '<p class="em_media">（文章来源：示例<span id="bk_2"><a href="http://quote.example.com/r/2" '
    'class="keytip">日报</a></span>）</p>\n\n<>\n\n'
    "[返回滚动新闻](//news.example.com/rolling/)｜[返回首页](//news.example.com/)"
)

PARAGRAPHS = [
    "“学以致用，才能把握机遇。”近日，在示例科技公司，研发人员都在讨论新的发展规划。",
    "“实施创新工程是规划提出的重点工作之一。”示例科技公司相关负责人表示。",
    "未来五年，公司将整合人才、技术、科研优势，力争取得重大原创成果。",
]
# The scraper appended the whole body twice, the second time laid out differently.
REPEATED_BODY = (
    "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    + "\n"
    + "\n".join(f" <p>{p.replace('，', '， ', 1)}</p>" for p in PARAGRAPHS)
    + '<p class="em_media">（文章来源：示例日报）</p>\n\n'
    + f"<{SOURCE}>\n\n{NAV_FOOTER}"
)

MARKDOWN_BODY = """# 年度回顾 Annual review

Some **English** text and 中文，with `code` and an [example](https://example.com/a).

## 数据

| 项目 | 数值 |
| --- | --- |
| 收入 | 1.2亿 |
| 利润 | 3000万 |

- 第一点
- 第二点
  - 子项

1. 步骤一
2. 步骤二

> 引用一句话。

```python
print("你好")
```"""

CSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")
OSC = re.compile(r"\x1b\]([^\x07\x1b]*)(?:\x07|\x1b\\)")
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def render(renderable: RenderableType, width: int = 80, terminal: bool = True) -> str:
    console = Console(
        file=io.StringIO(),
        width=width,
        color_system="truecolor" if terminal else None,
        force_terminal=terminal,
    )
    console.print(renderable)
    output = console.file.getvalue()
    assert isinstance(output, str)
    return output


def visible(output: str) -> str:
    """What a reader sees: the output without its escape sequences."""
    return OSC.sub("", CSI.sub("", output))


def osc8_targets(output: str) -> list[str]:
    return [m.group(1).split(";", 2)[2] for m in OSC.finditer(output) if m.group(1)[:2] == "8;"]


def shown(markdown: str, width: int = 200) -> str:
    """The rendered body as plain text, lines joined."""
    return visible(render(render_body(markdown), width))


def make_post(body: str, **fields: object) -> Post:
    values: dict[str, object] = {
        "id": "_posts/2022-06-03-1.md",
        "path": Path("_posts/2022-06-03-1.md"),
        "title": "星辰公司为北斗汽车提供新型冷却液",
        "date": datetime(2022, 6, 3, 9, 5, tzinfo=timezone(timedelta(hours=8))),
        "categories": ("emnews",),
        "tags": ("滚动新闻",),
        "source_url": find_source_url(body),
        "body": body,
    }
    values.update(fields)
    return Post(**values)  # type: ignore[arg-type]


# --- the source link ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (f"<p>正文</p>\n\n<{SOURCE}>\n\n{NAV_FOOTER}", SOURCE),
        ("文字\n\n<https://example.com/a?b=1&c=2>", "https://example.com/a?b=1&c=2"),
        ("文字\r\n\r\n<https://example.com/crlf>\r\n", "https://example.com/crlf"),
        ("文字\n\n  <HTTP://EXAMPLE.COM/UP>  ", "HTTP://EXAMPLE.COM/UP"),
        ("<https://a.example/1>\n\n文字\n\n<https://a.example/2>", "https://a.example/2"),
        ("文字\n\n<>\n\n[返回首页](../)", None),
        ("文字\n\n<ftp://example.com/file>", None),
        ("文字\n\n<mailto:editor@example.com>", None),
        ("<javascript:alert(1)>", None),
        ("see <https://example.com/inline> in the text", None),
        ("精度满足<1%，视场角达到120度", None),
        ("<https://>", None),
        ("", None),
    ],
)
def test_find_source_url(body: str, expected: str | None) -> None:
    assert find_source_url(body) == expected


def test_find_source_url_is_fast() -> None:
    body = "文字" * 500_000 + f"\n\n<{SOURCE}>"
    start = time.perf_counter()
    for _ in range(10):
        assert find_source_url(body) == SOURCE
    assert time.perf_counter() - start < 1.0


def test_source_line_is_taken_out_not_lost() -> None:
    # Right after the HTML: an HTML pass would read `<http://…>` as a tag and drop it silently.
    converted = body_to_markdown(f"<p>正文一段。</p>\n<{SOURCE}>\n\n{NAV_FOOTER}")
    assert converted == ConvertedBody("正文一段。", SOURCE, False)


def test_empty_source_is_removed() -> None:
    converted = body_to_markdown("财政部国债中标利率为2.45%。\n\n<>\n\n[返回首页](../)")
    assert converted == ConvertedBody("财政部国债中标利率为2.45%。", None, False)


def test_bare_less_than_survives() -> None:
    body = f"测距精度满足<1%，视场角达到120度以上。\n\n<{SOURCE}>"
    converted = body_to_markdown(body)
    assert converted.markdown == "测距精度满足<1%，视场角达到120度以上。"
    assert "满足<1%，视场角" in shown(converted.markdown)
    html_body = body_to_markdown("<p>精度满足<1%，且 a < b。</p>")
    assert "精度满足<1%，且 a < b。" in shown(html_body.markdown)


# --- site chrome --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "footer",
    [
        NAV_FOOTER,
        "[返回滚动新闻](../rolling/)\n[返回首页](../)",
        "[返回滚动新闻](//news.example.com/rolling/) | [返回首页](//news.example.com/)",
        "[返回首页](//news.example.com/)",
        "[返回示例日报新闻](//news.example.com/category/shiliribao.html)",
    ],
)
def test_navigation_footer_removed(footer: str) -> None:
    converted = body_to_markdown(f"<p>正文。</p>\n\n<{SOURCE}>\n\n{footer}")
    assert converted.markdown == "正文。"


def test_other_link_lines_kept() -> None:
    body = "正文。\n\n[查看原文](https://example.com/original)"
    assert "[查看原文](https://example.com/original)" in body_to_markdown(body).markdown


def test_chart_widget_hidden_and_scripts_removed() -> None:
    body = (
        '<!-- EM_StockImg_Start --><p style="text-align:center;"><img '
        'src="https://chart.example.com/k.png" alt="K图 000001_0" /></p><!-- EM_StockImg_End -->'
        '<p>可见的正文。</p><p style="display: none">隐藏段落</p>'
        '<div style="DISPLAY:NONE"><div>嵌套隐藏</div>仍然隐藏</div><div hidden>属性隐藏</div>'
        "<script>alert('脚本')</script><style>p { color: red }</style>"
        '<iframe src="https://ads.example.com">框架</iframe><noscript>无脚本</noscript>'
        "<!-- 注释内容 --><p>第二段。</p>"
    )
    markdown = body_to_markdown(body).markdown
    assert markdown == "可见的正文。\n\n第二段。"


def test_unclosed_hidden_paragraph_ends_at_next_block() -> None:
    markdown = body_to_markdown('<p style="display:none">隐藏<p>显示</p>').markdown
    assert markdown == "显示"


def test_stock_quote_links_read_as_names() -> None:
    markdown = body_to_markdown(RICH_BODY).markdown
    assert "宣布为北斗汽车旗下S9新能源车型提供" in markdown
    assert "这标志着北斗汽车成为国内首家" in markdown
    assert "新能源汽车来了！" in markdown
    assert "业绩有望提升" in markdown
    assert "（文章来源：示例日报）" in markdown
    assert "quote.example.com" not in markdown
    assert "data.example.com" not in markdown
    text = shown(markdown)
    assert "宣布为北斗汽车旗下S9新能源车型提供" in text


def test_line_breaks_in_html_source_do_not_split_chinese() -> None:
    body = (
        "<p>星辰公司宣布为\n"
        '<span><a class="keytip" href="http://quote.example.com/1">北斗汽车</a></span>\n'
        "旗下车型提供冷却液，\n  这是 English words\nhere.</p>"
    )
    assert body_to_markdown(body).markdown == (
        "星辰公司宣布为北斗汽车旗下车型提供冷却液，这是 English words here."
    )


def test_markdown_line_breaks_do_not_split_chinese() -> None:
    text = shown(body_to_markdown("第一行中文\n接着写\nand English\nwords").markdown)
    assert "第一行中文接着写 and English words" in text


# --- mixed bodies and repetition -----------------------------------------------------------


def test_rich_body_end_to_end() -> None:
    converted = body_to_markdown(RICH_BODY)
    assert converted.source_url is None
    assert not converted.truncated
    assert converted.markdown == (
        "国内首款采用新型冷却液的新能源汽车来了！\n\n"
        f"{DIGEST}\n\n"
        "\\[image\\] <https://img.example.com/pic/0001.jpg>\n\n"
        "图片来源：星辰公司官网\n\n"
        "**新型冷却液是什么**\n\n"
        "据了解，《\\<示例公约\\>修正案》已于去年正式生效，业绩有望提升。\n\n"
        "（文章来源：示例日报）"
    )


def test_digest_kept_once() -> None:
    markdown = body_to_markdown(RICH_BODY).markdown
    assert markdown.count("北斗汽车成为国内首家") == 1
    assert not markdown.startswith(">")


def test_digest_kept_when_not_repeated() -> None:
    body = "> 一段不同的摘要，说明文章的大意和背景。\n\n<p>正文的第一段，讲的是另一回事情。</p>"
    assert body_to_markdown(body).markdown == (
        "> 一段不同的摘要，说明文章的大意和背景。\n\n正文的第一段，讲的是另一回事情。"
    )


def test_digest_repeating_first_paragraph_exactly() -> None:
    body = f"> {DIGEST}\n\n<p>{DIGEST}</p><p>后续内容。</p>"
    assert body_to_markdown(body).markdown == f"{DIGEST}\n\n后续内容。"


def test_body_repeated_whole_is_shown_once() -> None:
    converted = body_to_markdown(REPEATED_BODY)
    assert converted.markdown == "\n\n".join([*PARAGRAPHS, "（文章来源：示例日报）"])
    assert converted.source_url == SOURCE


def test_markdown_body_repeated_whole_is_shown_once() -> None:
    body = "\n\n".join(PARAGRAPHS * 2)
    assert body_to_markdown(body).markdown == "\n\n".join(PARAGRAPHS)


def test_partial_repeats_are_kept() -> None:
    body = "\n\n".join([PARAGRAPHS[0], PARAGRAPHS[1], PARAGRAPHS[0], PARAGRAPHS[2], "结尾。", "完"])
    assert body_to_markdown(body).markdown == body


def test_markdown_passes_through_intact() -> None:
    converted = body_to_markdown(f"{MARKDOWN_BODY}\n\n<https://example.com/source>\n")
    assert converted.markdown == MARKDOWN_BODY
    assert converted.source_url == "https://example.com/source"
    text = shown(converted.markdown)
    assert "年度回顾 Annual review" in text
    assert "#" not in text
    assert re.search(r"收入\s+1\.2亿", text)
    assert "• 第一点" in text
    assert re.search(r"1\.? 步骤一", text)
    assert 'print("你好")' in text
    assert "Some English text and 中文，with code and an example." in text


def test_mixed_digest_and_html() -> None:
    body = "> 摘要：今日市场整体上涨。\n\n<p>沪指收涨1%。</p>\n<p>深成指收涨2%。</p>"
    assert body_to_markdown(body).markdown == (
        "> 摘要：今日市场整体上涨。\n\n沪指收涨1%。\n\n深成指收涨2%。"
    )


def test_entities_decoded_and_shown_literally() -> None:
    markdown = body_to_markdown(
        "<p>《&lt;蒙特利尔议定书&gt;基加利修正案》&amp; R&amp;D &lt;b&gt;不是标签&lt;/b&gt;</p>"
    ).markdown
    text = shown(markdown)
    assert "《<蒙特利尔议定书>基加利修正案》& R&D <b>不是标签</b>" in text


def test_entities_in_markdown_digest() -> None:
    text = shown(body_to_markdown("> 《&lt;蒙特利尔议定书&gt;》已生效").markdown)
    assert "《<蒙特利尔议定书>》已生效" in text


# --- images and links ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (
            '<img src="https://img.example.com/a.jpg" alt="Image">',
            "[image] https://img.example.com/a.jpg",
        ),
        (
            '<img src="https://img.example.com/a.jpg" alt="">',
            "[image] https://img.example.com/a.jpg",
        ),
        ('<img src="https://img.example.com/a.jpg">', "[image] https://img.example.com/a.jpg"),
        (
            '<center><img src="//img.example.com/b.png" alt="销量 图表"></center>',
            "[image: 销量 图表] https://img.example.com/b.png",
        ),
        ('<img src="data:image/png;base64,AAAA" alt="chart">', "[image: chart]"),
        ('<img src="/local/c.png" alt="Image">', "[image]"),
        (
            '<a href="https://example.com/big">'
            '<img src="https://img.example.com/d.jpg" alt="大图"></a>',
            "[image: 大图] https://img.example.com/d.jpg",
        ),
    ],
)
def test_images_become_one_line(html: str, expected: str) -> None:
    markdown = body_to_markdown(f"<p>前文。</p>{html}<p>后文。</p>").markdown
    paragraphs = markdown.split("\n\n")
    assert len(paragraphs) == 3
    assert "\n" not in paragraphs[1]
    assert visible(render(render_body(paragraphs[1]), 200)).strip() == expected


def test_markdown_images_become_one_line() -> None:
    markdown = body_to_markdown("文字\n\n![示意图](https://img.example.com/e.png)").markdown
    assert markdown == "文字\n\n\\[image: 示意图\\] <https://img.example.com/e.png>"


def test_markdown_images_with_unsafe_targets_keep_their_alt() -> None:
    markdown = body_to_markdown(
        "看![图](javascript:alert(1))和![表](data:image/png;base64,AA)"
    ).markdown
    assert markdown == "看图和\n\n\\[image: 表\\]"


def test_image_token_left_in_markdown_is_neutralised() -> None:
    # Rich would show a Markdown image with an unvetted link to its source.
    output = render(render_body("前 ![示意](https://a.example/x.png) 后"))
    assert "前 [image: 示意] 后" in visible(output)
    assert osc8_targets(output) == []


def test_links_keep_text_and_become_terminal_hyperlinks() -> None:
    body = (
        '<p>详见<a href="https://example.com/report?id=1&amp;x=2">年度报告</a>，'
        '或<a href="//cdn.example.com/x">镜像</a>，'
        '或<a href="mailto:editor@example.com">来信</a>。</p>'
    )
    markdown = body_to_markdown(body).markdown
    output = render(render_body(markdown), 120)
    assert "详见年度报告，或镜像，或来信。" in visible(output)
    targets = set(osc8_targets(output)) - {""}
    assert targets == {
        "https://example.com/report?id=1&x=2",
        "https://cdn.example.com/x",
        "mailto:editor@example.com",
    }
    assert "\x1b[4;34m年度报告" in output.replace("\x1b\\", "")  # styled: underlined blue


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JavaScript:void(0)",
        "data:text/html,hi",
        "file:///etc/passwd",
        "../relative/",
    ],
)
def test_unsafe_links_keep_only_their_text(href: str) -> None:
    for body in (f'<p>点击<a href="{href}">这里</a>继续</p>', f"点击[这里]({href})继续"):
        markdown = body_to_markdown(body).markdown
        output = render(render_body(markdown))
        assert "点击这里继续" in visible(output)
        assert osc8_targets(output) == []
        assert href.split(":")[0] not in visible(output)


# --- emphasis, escapes, whitespace --------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "markdown"),
    [
        ("<p><strong>小标题：</strong></p>", "**小标题：**"),
        ("<p><strong>A</strong><strong>B</strong></p>", "**AB**"),
        ("<p>“<strong>AI+</strong><strong>教育”：</strong></p>", "**“AI+教育”：**"),
        ("<p><b>产能</b> <b>扩张</b></p>", "**产能 扩张**"),
        (
            "<p>深耕<strong>18</strong>年，覆盖<strong>32</strong>个省</p>",
            "深耕**18**年，覆盖**32**个省",
        ),
        ("<p>他说<strong>“重要”</strong>然后离开</p>", "他说“重要”然后离开"),
        ("<p><strong>  带空格  </strong>正文</p>", "**带空格** 正文"),
        ("<p><strong>未闭合的粗体</p><p>下一段</p>", "**未闭合的粗体**\n\n**下一段**"),
        ("<p><em>斜体</em>与<i>倾斜</i></p>", "斜体与倾斜"),
    ],
)
def test_bold_runs(html: str, markdown: str) -> None:
    assert body_to_markdown(html).markdown == markdown
    assert "**" not in shown(markdown)
    assert "__" not in shown(markdown)


def test_bold_only_paragraph_is_a_bold_line_of_its_own() -> None:
    markdown = body_to_markdown(
        "<p>前文。</p><p><strong>什么是冷却液</strong></p><p>后文。</p>"
    ).markdown
    assert markdown.split("\n\n") == ["前文。", "**什么是冷却液**", "后文。"]
    output = render(render_body(markdown))
    assert "\x1b[1m什么是冷却液" in output


def test_no_escape_artifacts_in_rendered_text() -> None:
    body = (
        "<p>1. 第一条规定</p><p>- 注意事项</p><p>+ 补充</p><p># 不是标题</p>"
        "<p>2022. 年份</p><p>a_b*c*d [方括号] `反引号` \\反斜杠 ~~删~~ | 竖线</p><p>===</p>"
    )
    markdown = body_to_markdown(body).markdown
    lines = [line.strip() for line in shown(markdown).splitlines() if line.strip()]
    assert lines == [
        "1. 第一条规定",
        "- 注意事项",
        "+ 补充",
        "# 不是标题",
        "2022. 年份",
        "a_b*c*d [方括号] `反引号` \\反斜杠 ~~删~~ | 竖线",
        "===",
    ]


def test_full_width_indentation_and_blank_runs() -> None:
    body = "<p>　　第一段缩进。</p>\n\n\n\n<p>&nbsp;&nbsp;第二段。</p><p>\u3000\u3000第三段。</p>"
    assert body_to_markdown(body).markdown == "第一段缩进。\n\n第二段。\n\n第三段。"
    markdown_body = "　　第一段。\n\n\n\n\n　　第二段。"
    assert body_to_markdown(markdown_body).markdown == "第一段。\n\n第二段。"


def test_br_is_a_line_break() -> None:
    markdown = body_to_markdown("<p>第一行<br>第二行<br/>第三行</p>").markdown
    lines = [line.strip() for line in shown(markdown).splitlines() if line.strip()]
    assert lines == ["第一行", "第二行", "第三行"]


# --- sanitising ---------------------------------------------------------------------------

HOSTILE = (
    "红色\x1b[31m警告\x1b[0m 剪贴板\x1b]52;c;ZWNobyBoaQ==\x07 链接"
    "\x1b]8;;https://evil.example/\x1b\\点我\x1b]8;;\x1b\\ C1\x9b2J 退格a\x08b 覆盖\roverprint "
    "双向\u202eevil\u202c [bold red]标记[/] [link=https://evil.example/]x[/link] :smile:"
)


def check_escapes(output: str, allowed_targets: set[str]) -> None:
    """Only SGR sequences and OSC 8 hyperlinks to our own targets; no other control."""
    for match in CSI.finditer(output):
        assert match.group().endswith("m"), repr(match.group())
    for target in osc8_targets(output):
        assert target in allowed_targets | {""}, target
    for match in OSC.finditer(output):
        assert match.group(1).startswith("8;"), repr(match.group())
    assert not CONTROL.search(OSC.sub("", CSI.sub("", output)).replace("\t", " "))


@pytest.mark.parametrize(
    "body",
    [
        HOSTILE,
        f"<p>{HOSTILE}</p>",
        "<p>实体&#27;[31m红&#x1b;]52;c;eA==&#7;&#155;2J&#8;&#13;</p>",
        f"> {HOSTILE}\n\n<p>正文</p>",
    ],
)
def test_control_sequences_never_reach_the_terminal(body: str) -> None:
    post = make_post(body, title=f"标题\x1b[2J{HOSTILE}", tags=("标签\x1b[5m",))
    output = render(render_article(post, {"emnews": "滚动\x1b]0;title\x07新闻"}), 100)
    check_escapes(output, {"https://news.example.com/x"})
    text = visible(output)
    assert "[bold red]标记[/]" in text
    assert "[link=https://evil.example/]x[/link]" in text
    assert ":smile:" in text
    assert "evil.example" not in "".join(osc8_targets(output))
    converted = body_to_markdown(body)
    assert not CONTROL.search(converted.markdown)
    assert not CONTROL.search(plain_text(body))


def test_plain_console_gets_plain_text() -> None:
    body = f'<p>正文<a href="https://example.com/x">链接</a>。</p>\n\n<{SOURCE}>'
    output = render(render_article(make_post(body)), 80, terminal=False)
    assert "\x1b" not in output
    assert "正文链接[1]。" in output  # the link numbered, as `show` lists it
    assert SOURCE in output


# --- the header ---------------------------------------------------------------------------


def test_render_article_header() -> None:
    body = f"<p>正文第一段。</p>\n\n<{SOURCE}>\n\n{NAV_FOOTER}"
    post = make_post(body, categories=("emnews", "other"), tags=("滚动新闻", "汽车"))
    output = render(render_article(post, {"emnews": "东财滚动新闻"}), 120)
    text = visible(output)
    lines = [line.strip() for line in text.splitlines()]
    assert any("星辰公司为北斗汽车提供新型冷却液" in line for line in lines[:3])
    assert "\x1b[1;4m星辰公司为北斗汽车提供新型冷却液" in output
    assert "2022-06-03 09:05 UTC+08:00" in text  # its own offset, spelled as the reader does
    assert "emnews · 东财滚动新闻, other" in text
    assert "滚动新闻, 汽车" in text
    assert SOURCE in text
    assert SOURCE in osc8_targets(output)
    assert "─" * 20 in text
    assert text.index("─" * 20) < text.index("正文第一段。")
    assert "返回" not in text
    assert "truncated" not in text


def test_render_article_without_title_or_body() -> None:
    output = visible(render(render_article(make_post("", title="", source_url=None))))
    assert "(untitled)" in output
    assert "(no text)" in output


def test_render_article_unsafe_source_is_plain_text() -> None:
    post = make_post("<p>正文</p>", source_url="javascript:alert(1)")
    output = render(render_article(post))
    assert "javascript:alert(1)" in visible(output)
    assert osc8_targets(output) == []


# --- plain text ---------------------------------------------------------------------------


def test_plain_text() -> None:
    text = plain_text(RICH_BODY)
    assert text.startswith("国内首款采用新型冷却液的新能源汽车来了！ 据星辰公司")
    assert "新型冷却液是什么" in text
    assert "《<示例公约>修正案》" in text
    assert "img.example.com" not in text
    assert "image" not in text
    for mark in ("**", "\\", "<p", "[", "]", "  ", "\n"):
        assert mark not in text


def test_plain_text_of_markdown() -> None:
    text = plain_text(MARKDOWN_BODY + "\n\n![图表](https://img.example.com/x.png) 与 &lt;标签&gt;")
    assert text == (
        "年度回顾 Annual review Some English text and 中文，with `code` and an example. "
        "数据 项目 数值 收入 1.2亿 利润 3000万 第一点 第二点 子项 1. 步骤一 2. 步骤二 "
        '引用一句话。 print("你好") 图表 与 <标签>'
    )


# --- wrapping and bounds ------------------------------------------------------------------


@pytest.mark.parametrize("width", [20, 40, 80, 200])
@pytest.mark.parametrize(
    "body", [RICH_BODY, REPEATED_BODY, MARKDOWN_BODY], ids=["rich", "repeated", "md"]
)
def test_wraps_within_width(width: int, body: str) -> None:
    long_url = "https://example.com/" + "a" * 300
    post = make_post(
        body + f"\n\n<p>长链接<a href='{long_url}'>{long_url}</a>结束</p>", source_url=long_url
    )
    output = visible(render(render_article(post, {"emnews": "东财滚动新闻" * 5}), width))
    for line in output.splitlines():
        assert cell_len(line) <= width, line


def timed(function: Callable[..., object], *args: object) -> float:
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("字" * 1_000_000, id="1M-char line"),
        pytest.param("<div>" * 10_000 + "深处" + "</div>" * 10_000, id="10k nested divs"),
        pytest.param("<ul><li>" * 10_000 + "列表", id="10k nested lists"),
        pytest.param("<blockquote>" * 10_000 + "引用", id="10k nested quotes"),
        pytest.param(
            "<p>一段<strong>文字</strong>和<a href='https://x.example/'>链接</a>。</p>\n" * 90_000,
            id="5MB html",
        ),
        pytest.param("<!--" * 250_000, id="unclosed comments"),
        pytest.param("<p>" + '<a href="' * 100_000, id="unclosed attributes"),
        pytest.param("<p>" + "<a" * 200_000, id="unclosed tags"),
        pytest.param("![" * 200_000, id="markdown brackets"),
        pytest.param("<p>" + "<b>粗</b>" * 50_000, id="many bold runs"),
    ],
)
def test_bounded_time(body: str) -> None:
    converted = body_to_markdown(body)
    assert converted.truncated == (len(body) > 400_000)
    assert timed(body_to_markdown, body) < 3.0
    assert timed(plain_text, body) < 3.0
    assert timed(render, render_body(converted.markdown), 100) < 3.0


def test_truncation_is_marked_and_shown() -> None:
    body = "<p>" + "很长的文章。" * 100_000 + "</p>"
    converted = body_to_markdown(body, max_chars=1000)
    assert converted.truncated
    assert len(converted.markdown) <= 1000
    assert not body_to_markdown(body[:900], max_chars=1000).truncated
    output = visible(render(render_article(make_post(body)), 100))
    assert "[truncated: article longer than 400,000 characters]" in output


def test_a_cut_inside_a_tag_shows_no_half_tag() -> None:
    # The 4.9 MB body ended its 400,000 characters in `<a href='https:`, shown as typed.
    unit = "<p>一段文字和<a href='https://example.com/x'>链接</a>。</p>"
    body = unit * 2000
    for max_chars in range(1000, 1000 + len(unit)):
        markdown = body_to_markdown(body, max_chars=max_chars).markdown
        assert "<a" not in markdown and "href" not in markdown, (max_chars, markdown[-80:])


def typical_article() -> str:
    paragraphs = []
    for i in range(18):
        paragraphs.append(
            f"<p>　　第{i}段：据<span><a class='keytip' href='http://quote.example.com/{i}'>星辰公司"
            f"</a></span>介绍，公司今年营收增长{i}0%，新产品在<strong>海外市场</strong>销售良好，"
            "English words mixed in, 并将继续加大研发投入。</p>"
        )
        if i % 4 == 0:
            paragraphs.append(f"<p><strong>小标题{i}</strong></p>")
            paragraphs.append(
                f'<center><img src="https://img.example.com/{i}.jpg" alt="Image"></center>'
            )
    body = f"> 摘要：星辰公司营收增长。\n\n{''.join(paragraphs)}\n\n<{SOURCE}>\n\n{NAV_FOOTER}"
    assert 4_000 < len(body.encode()) < 8_000
    return body


def test_typical_article_is_fast() -> None:
    body = typical_article()

    def convert_and_render() -> None:
        render(render_body(body_to_markdown(body).markdown), 100)

    convert_and_render()  # warm up imports and caches
    median = statistics.median(timed(convert_and_render) for _ in range(15))
    assert median < 0.05


# --- robustness ---------------------------------------------------------------------------

# Pieces to build tag soup from, split at blanks; "␣" stands for a space inside a piece.
SOUP_TEXT = """<p> </p> <div␣style='display:none'> </div> <strong> </strong> <b> </a> <br> <!-- -->
    <a␣href='https://x.example/'> <a␣href='javascript:x'> <img␣src='//i.example/x'␣alt='图'>
    <script> </script> <ul> <li> </ul> <blockquote> <table><tr><td> &lt; &amp; &#27; &#155;
    & < > <1% ** __ [ ]( ) ` | 中文 English [返回首页](../) <> #␣ *␣ 1.␣ >␣
    <!--␣EM_StockImg_Start␣--> <!--␣EM_StockImg_End␣-->"""
SOUP_PIECES = [
    *SOUP_TEXT.split(),
    *["\n", "\n\n", " ", "　　", "\x1b[31m", "\x9b", "\r", "\x00", "\t", f"<{SOURCE}>"],
]
SOUP = st.lists(st.sampled_from([p.replace("␣", " ") for p in SOUP_PIECES]), max_size=40).map(
    "".join
)


def check_output_clean(body: str) -> None:
    converted = body_to_markdown(body)
    assert not CONTROL.search(converted.markdown)
    plain = plain_text(body)
    assert not CONTROL.search(plain)
    assert "\n" not in plain
    assert converted.source_url is None or converted.source_url.startswith(("http://", "https://"))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_any_text_never_raises(body: str) -> None:
    check_output_clean(body)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SOUP)
def test_any_tag_soup_never_raises(body: str) -> None:
    check_output_clean(body)
    output = render(render_article(make_post(body)), 40)
    check_escapes(output, {"https://x.example/", "https://i.example/x", SOURCE})


def test_article_styles_come_from_the_caller() -> None:
    post = make_post(f"正文\n\n```python\nx = 1\n```\n\n<{SOURCE}>")
    styles = ArticleStyles(
        title="bold red",
        meta_name="green",
        rule="magenta",
        source_link=Style(color="cyan"),
        code_theme="solarized-light",
    )
    console = Console(width=100, file=io.StringIO(), color_system="truecolor")

    def style_of(article: RenderableType) -> dict[str, Style | None]:
        segments = reversed(list(console.render(article)))  # the first of equal texts wins
        return {segment.text.strip(): segment.style for segment in segments}

    default, custom = style_of(render_article(post)), style_of(render_article(post, {}, styles))
    assert style_of(render_article(post, {}, DEFAULT_STYLES)) == default
    assert custom[post.title] == Style.parse("bold red") != default[post.title]
    assert custom["Date"] == Style.parse("green")
    assert custom["─" * 100] == Style.parse("magenta")
    source, default_source = custom[SOURCE], default[SOURCE]
    assert source is not None and source.color == Style.parse("cyan").color
    assert source.link == SOURCE
    assert default_source is not None and default_source.link == SOURCE
    assert custom["x"] != default["x"]  # the code block's theme
