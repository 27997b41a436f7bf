"""A hostile archive: every kind of file a scraper (or an attacker) could leave in one.

``write_hostile_archive(root)`` writes it and returns ``{relative path: what is hostile}``.
Each description starts with what the reader must do with the entry:

- ``normal:``  a well-formed post; loads with no problem (the rest of the archive still loads);
- ``recover:`` loads with at least one problem recorded, or is skipped with a problem;
- ``skip:``    is skipped with a problem naming it;
- ``load:``    loads (problems allowed), renders bounded and clean: the hostility is in what
  it shows, not in how it is stored;
- ``scan:``    a file-system oddity the scan reports by name, never followed out of the root;
- ``quiet:``   a file-system oddity the scan survives without a duplicate; a report is optional.

Paths are ``os.fsdecode``d (a name that is not UTF-8 keeps its bytes as surrogate escapes);
``newsreader.archive.loader.display_path`` turns one into the id the loader gives it.

Nothing here is committed: the tests generate it into a temporary folder. By hand,
``python tests/hostile_archive.py OUT [--big]`` writes one to open in the reader.

The module also holds the strict checks of what may reach a terminal (`terminal_violations`,
`unsafe_characters`), shared by the hostile-archive tests and the fuzz tests.
"""

from __future__ import annotations

import argparse
import codecs
import os
import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

ESC = "\x1b"
BIG_BYTES = 50 * 1024 * 1024
"""The 50 MB file: ten times the loader's default limit, written only with ``big=True``."""
LARGE_BODY_BYTES = 4_900_000
"""A file just under the loader's 5 MiB limit: it loads, and must render bounded."""
NORMAL = {
    f"_posts/2022-03-0{n}-normal-{n}.md": (f"Normal post {n}", f"https://news.example.com/{n}")
    for n in range(1, 6)
}
"""The well-formed posts: relative path -> (title, source address)."""
MARKUP = "[bold]粗体[/bold] [link=file:///etc/passwd]x[/link] [@click=app.quit]q[/] :smile: $x"
"""Rich and Textual markup that must show literally wherever it appears."""
TERMINAL_ATTACK = (
    f"清屏{ESC}[2J{ESC}[H光标{ESC}[10;10H"  # erase the display, move the cursor
    f"剪贴板{ESC}]52;c;ZWNobyBwd25lZA=={ESC}\\"  # OSC 52: write the clipboard
    f"标题{ESC}]0;pwned\x07"  # OSC 0: the window title
    f"假链接{ESC}]8;;javascript:alert(1){ESC}\\点我{ESC}]8;;{ESC}\\"  # OSC 8, spoofed target
    f"DCS{ESC}P+q544e{ESC}\\APC{ESC}_payload{ESC}\\"  # device control, application command
    "C1\x9b2J\x9d0;c1\x9c\x85\x8d"  # 8-bit CSI, OSC, ST, NEL, RI
    "退格abc\x08\x08\x08XYZ 回车真的\r假的 "  # backspace and carriage-return overprinting
    "铃\x07 删除\x7f 换页\x0c 垂直\x0b"
)
BIDI = "\u202e\u2066\u2067\u2068\u2069\u202a\u202b\u202c\u202d\u200e\u200f\u061c"
"""Every bidi override, embedding, isolate and mark."""

Content = str | bytes | Callable[[], str | bytes]
Entries = dict[str, tuple[str, Content]]


def _post(*front: str, body: str = "正文。") -> str:
    return "---\n" + "\n".join(front) + "\n---\n" + body + "\n"


def _normal() -> Entries:
    return {
        path: (
            f"normal: {title}",
            _post(
                f'title: "{title}"',
                f"date: {path[7:17]} 08:00:00 +0800",
                "categories: normal",
                "tags: 正常",
                body=f"<p>一篇正常的文章：{title}。</p>\n\n<{source}>",
            ),
        )
        for path, (title, source) in NORMAL.items()
    }


# --- front matter -------------------------------------------------------------------------


def _billion_laughs() -> str:
    lines = ['title: "Billion laughs"', "date: 2022-02-01", 'a: &a ["lol","lol","lol","lol"]']
    for level in range(ord("b"), ord("z") + 1):
        lines.append(f"{chr(level)}: &{chr(level)} [{','.join(['*' + chr(level - 1)] * 9)}]")
    return _post(*lines)


def _hidden_billion_laughs() -> str:
    # Anchors and aliases only where a scan for `: &x`, `[*x`, `, *x` or a leading `- *x`
    # misses them: after a second `- ` on the line. 9**22 leaves once expanded.
    lines = ['title: "Hidden billion laughs"', "date: 2022-02-01", "x:", "- - &a lol"]
    previous = "a"
    for name in "bcdefghijklmnopqrstuvw":
        lines += [f"{name}{name}:", f"- - &{name}", *[f"    - - *{previous}"] * 9]
        previous = name
    return _post(*lines)


def _front_matter() -> Entries:
    fm = "_posts/2022-02-01-fm-"
    deep_block = "".join("  " * level + f"k{level}:\n" for level in range(150))
    return {
        fm + "unescaped-quote.md": (
            "recover: invalid YAML, a title holding an unescaped quote",
            _post('title: "他说"你好"就走了"', "date: 2022-02-01 10:00:00 +0800"),
        ),
        fm + "tab-indent.md": (
            "recover: invalid YAML, tabs as indentation",
            _post('title: "Tabs"', "categories:\n\t- a\n\t- b", "date: 2022-02-01"),
        ),
        fm + "unclosed-flow.md": (
            "recover: invalid YAML, an unclosed flow sequence",
            _post('title: "Unclosed flow"', "categories: [a, b", "date: 2022-02-01"),
        ),
        fm + "colons.md": (
            "recover: invalid YAML, mapping values where none are allowed",
            _post("title: a: b: c", "date: 2022-02-01"),
        ),
        fm + "unclosed-quote.md": (
            "recover: invalid YAML, a quote never closed",
            _post("title: 'never closed", "date: 2022-02-01"),
        ),
        fm + "bad-escape.md": (
            "recover: invalid YAML, an unknown escape in a double-quoted string",
            _post('title: "C:\\Users\\q"', "date: 2022-02-01"),
        ),
        fm + "not-a-mapping.md": (
            "recover: front matter that is a list, not a mapping",
            _post("- title", "- date"),
        ),
        fm + "scalar.md": ("recover: front matter that is a bare string", _post("just words")),
        fm + "never-closed.md": (
            "recover: front matter never closed by '---'",
            '---\ntitle: "Never closed"\ndate: 2022-02-01\n\n正文。\n',
        ),
        fm + "raw-controls.md": (
            "recover: raw control characters inside the YAML",
            _post(f'title: "Raw{ESC}[31m red"', "date: 2022-02-01"),
        ),
        fm + "billion-laughs.md": ("recover: a YAML alias bomb", _billion_laughs()),
        fm + "hidden-billion-laughs.md": (
            "recover: a YAML alias bomb hidden from a line-based scan for anchors",
            _hidden_billion_laughs(),
        ),
        fm + "deep-flow.md": (
            "recover: 10,000 nested flow sequences",
            _post('title: "Deep flow"', "x: " + "[" * 10_000 + "]" * 10_000),
        ),
        fm + "deep-flow-mappings.md": (
            "recover: 5,000 nested flow mappings, never closed",
            _post('title: "Deep mappings"', "x: " + "{a: " * 5_000),
        ),
        fm + "deep-block.md": (
            "recover: 10,000 nested block sequences on one line",
            _post('title: "Deep block"', "x:\n" + "- " * 10_000 + "leaf"),
        ),
        fm + "deep-indent.md": (
            "recover: 150 nested block mappings, then an invalid line",
            _post('title: "Deep indent"', "x:\n" + deep_block + "  bad: [", "date: 2022-02-01"),
        ),
        fm + "huge-front-matter.md": (
            "recover: 300 KB of front matter",
            _post('title: "Huge"', *(f"key{n}: {'值' * 30}" for n in range(3_000))),
        ),
        fm + "title-list.md": (
            "recover: a list where the title belongs",
            _post("title: [a, b]", "date: 2022-02-01"),
        ),
        fm + "title-mapping.md": (
            "recover: a mapping where the title belongs",
            _post("title: {a: 1}", "date: 2022-02-01"),
        ),
        fm + "title-binary.md": (
            "recover: a !!binary value as the title",
            _post("title: !!binary aGVsbG8=", "date: 2022-02-01"),
        ),
        fm + "python-tag.md": (
            "recover: a !!python/object tag (must never be constructed)",
            _post("title: !!python/object/apply:os.system ['echo pwned']", "date: 2022-02-01"),
        ),
        fm + "huge-hex-title.md": (
            "recover: a 5,000-digit hexadecimal number as the title (past int-to-str limits)",
            _post("title: 0x" + "f" * 5_000, "date: 2022-02-01"),
        ),
        fm + "huge-binary-tags.md": (
            "recover: a 20,000-digit binary number among the tags",
            _post('title: "Huge binary"', "tags: [0b" + "1" * 20_000 + ", ok]"),
        ),
        fm + "huge-sexagesimal-date.md": (
            "recover: a 3,000-part base-60 number as the date",
            _post('title: "Sexagesimal"', "date: 1" + ":59" * 3_000),
        ),
        fm + "huge-hex-source.md": (
            "recover: a 5,000-digit hexadecimal number as the source address",
            _post('title: "Hex source"', "date: 2022-02-01", "source_url: 0x" + "f" * 5_000),
        ),
        fm + "date-number.md": (
            "recover: a number as the date",
            _post('title: "Number date"', "date: 20220101"),
        ),
        fm + "date-zero.md": (
            "recover: the date 0000-00-00",
            _post('title: "Zero date"', "date: 0000-00-00 00:00:00"),
        ),
        fm + "date-year-99999.md": (
            "recover: a date in the year 99999",
            _post('title: "Year 99999"', "date: 99999-01-01"),
        ),
        fm + "date-impossible.md": (
            "recover: the date 2022-02-30 25:61:61",
            _post('title: "Impossible date"', "date: 2022-02-30 25:61:61"),
        ),
        fm + "date-bad-offset.md": (
            "recover: a date with a +99:00 offset",
            _post('title: "Bad offset"', "date: 2022-01-01T00:00:00+99:00"),
        ),
        fm + "date-list.md": (
            "recover: a list as the date",
            _post('title: "List date"', "date: [2022, 1, 1]"),
        ),
        fm + "date-earliest.md": (
            "load: the earliest moment a date can hold, 0001-01-01 00:00 +14:00",
            _post(
                'title: "The earliest post"',
                "date: 0001-01-01 00:00:00 +1400",
                "categories: ancient",
            ),
        ),
        fm + "date-latest.md": (
            "load: the latest moment a date can hold, 9999-12-31 23:59:59 -12:00",
            _post(
                'title: "The latest post"',
                "date: 9999-12-31 23:59:59 -1200",
                "categories: future",
            ),
        ),
        fm + "categories-mapping.md": (
            "recover: a mapping as the categories and nested lists as the tags",
            _post('title: "Odd lists"', "date: 2022-02-01", "categories: {a: 1}", "tags: [[x]]"),
        ),
        fm + "duplicate-keys.md": (
            "recover: duplicate keys: two titles, two dates",
            _post(
                'title: "First title"',
                "date: 2022-02-01",
                'title: "Second title"',
                "date: 2022-02-02",
            ),
        ),
        "_posts/fm-no-date-anywhere.md": (
            "recover: no date in the front matter or the file name",
            _post('title: "No date"'),
        ),
    }


# --- bodies -------------------------------------------------------------------------------


def _head(title: str) -> str:
    return _post(f'title: "{title}"', "date: 2022-02-02", body="")


def _large_body() -> str:
    paragraph = "<p>一段<strong>文字</strong>和<a href='https://x.example/'>链接</a>。</p>\n"
    return _head("4.9 MB of HTML") + paragraph * (LARGE_BODY_BYTES // len(paragraph.encode()))


def _html_table() -> str:
    cells = "".join(f"<td>格{col}</td>" for col in range(40))
    return _head("HTML table") + "<table>" + f"<tr>{cells}</tr>" * 2_000 + "</table>"


def _markdown_table() -> str:
    header = "| " + " | ".join(f"c{col}" for col in range(300)) + " |\n" + "|---" * 300 + "|\n"
    return _head("Markdown table") + header + ("| " + " | ".join(["值"] * 300) + " |\n") * 300


def _big_file() -> bytes:
    """Only a marker: `write_hostile_archive` streams the 50 MB instead of building them."""
    return b""


def _bodies(big: bool) -> Entries:
    body = "_posts/2022-02-02-body-"
    entries: Entries = {
        body + "4.9mb.html": ("load: a 4.9 MB HTML body, under the size limit", _large_body),
        body + "nested-divs.md": (
            "load: 10,000 nested <div>s",
            lambda: _head("Nested divs") + "<div>" * 10_000 + "深处" + "</div>" * 10_000,
        ),
        body + "nested-mixed.md": (
            "load: 10,000 nested tags of every kind, never closed",
            lambda: (
                _head("Nested mixed")
                + "<ul><li><blockquote><table><tr><td><b><a href='https://x.example/'>" * 1_250
                + "底"
            ),
        ),
        body + "long-line.md": (
            "load: a single line of 1,000,000 characters",
            lambda: _head("Long line") + "字" * 1_000_000,
        ),
        body + "long-word.md": (
            "load: one 1,000,000-character word without spaces",
            lambda: _head("Long word") + "<p>" + "a" * 1_000_000 + "</p>",
        ),
        body + "unclosed-tags.md": (
            "load: unclosed tags, comments and attributes",
            lambda: (
                _head("Unclosed")
                + "<p><b><i><a href='https://x.example/"
                + "<!--" * 10_000
                + "<a" * 50_000
                + "<script>alert(1)"
            ),
        ),
        body + "html-table.md": ("load: an HTML table of 2,000 rows and 40 columns", _html_table),
        body + "markdown-table.md": (
            "load: a Markdown table of 300 rows and 300 columns",
            _markdown_table,
        ),
        body + "entities.md": (
            "load: malformed and hostile entities",
            lambda: (
                _head("Entities")
                + "<p>&#xFFFFFFFF; &#0; &#55296; &#1114112; &#99999999999999999999; &#x1b;[31m "
                "&#27;]52;c;eA==&#7; &#155;2J &#x202e;反 &amp &lt &unknown; &#; &#x; &;"
                + "&#x" * 10_000
                + "</p>"
            ),
        ),
        body + "nul-late.md": (
            "load: NUL bytes after the first kilobyte",
            (_head("Late NULs") + "正文" * 600 + "\x00NUL\x00在这里\x00").encode(),
        ),
        body + "nul-early.md": (
            "skip: NUL bytes in the first kilobyte",
            _head("Early NULs").encode() + b"\x00\x00\x00",
        ),
        body + "utf16.md": (
            "load: UTF-16 text with a byte-order mark (a NUL in every other byte)",
            codecs.BOM_UTF16_LE + _head("UTF-16").encode("utf-16-le"),
        ),
        body + "invalid-utf8.md": (
            "recover: bytes that are not UTF-8",
            _head("Invalid UTF-8").encode()
            + b"\xff\xfe\xc3\x28\xa0\xa1\xe2\x28\xa1\xf0\x28\x8c\xbc\xed\xa0\x80" * 50,
        ),
        body + "mixed-encodings.md": (
            "recover: UTF-8, GB18030 and Latin-1 in one file",
            _head("混合编码").encode()
            + "UTF-8 的中文。".encode()
            + "国标的中文。".encode("gb18030")
            + "café Latin-1".encode("latin-1") * 20,
        ),
        body + "gb18030.md": (
            "recover: a whole file in GB18030",
            _head("国标编码").encode("gb18030") + "全文都是国标编码。".encode("gb18030"),
        ),
        body + "empty.md": ("skip: an empty file", b""),
        body + "blank.md": ("skip: only whitespace and a byte order mark", b"\xef\xbb\xbf \n\t\n"),
        body + "png.md": ("skip: a PNG image named .md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
        # round two: html
        body + "cdata-100k.md": (
            "load: <![CDATA[ 100,000 times (900 KB), never closed",
            lambda: _head("CDATA") + "<p>前文。</p>" + "<![CDATA[" * 100_000,
        ),
        body + "processing-200k.md": (
            "load: <? 200,000 times (400 KB), never closed",
            lambda: _head("Processing") + "<p>前文。</p>" + "<?" * 200_000,
        ),
        body + "bogus-comment-100k.md": (
            "load: <!A 100,000 times (400 KB), never closed",
            lambda: _head("Bogus comments") + "<p>前文。</p>" + "<!A " * 100_000,
        ),
        body + "unclosed-script.md": (
            "load: an unclosed <script> opening the body; the rest is hidden with a note",
            lambda: _head("Unclosed script") + "<script>\nalert(1)\n\n<p>不应显示。</p>",
        ),
        body + "unclosed-comment.md": (
            "load: an unclosed <!-- opening the body; the text after it shows",
            lambda: _head("Unclosed comment") + "<!--\n<p>注释后的正文。</p>",
        ),
        body + "setext-headings.md": (
            "load: 5,000 setext headings",
            lambda: (
                _head("Setext") + "".join(f"标题 {i}\n======\n\n正文。\n\n" for i in range(5_000))
            ),
        ),
        body + "heading-of-spaces.md": (
            "load: no title, and a heading line of 100,000 spaces",
            lambda: "---\ndate: 2022-02-02\n---\n# a" + " " * 100_000 + "b\n",
        ),
        # end of round two: html
        # round two: liquid
        body + "liquid-unclosed-include-40k.md": (
            "load: {% include  40,000 times, never closed; the text before it shows",
            lambda: _head("Liquid include") + "<p>前文。</p>\n" + "{% include " * 40_000,
        ),
        body + "liquid-highlight-40k.md": (
            "load: {% highlight x %} 40,000 times, never ended",
            lambda: _head("Liquid highlight") + "<p>前文。</p>\n" + "{% highlight x %}" * 40_000,
        ),
        body + "liquid-raw-40k.md": (
            "load: {% raw %} 40,000 times, never ended",
            lambda: _head("Liquid raw") + "<p>前文。</p>\n" + "{% raw %}a" * 40_000,
        ),
        body + "liquid-braces-1mb.md": (
            "load: 1 MB of {",
            lambda: _head("Liquid braces") + "<p>前文。</p>\n" + "{" * 1_000_000,
        ),
        # end of round two: liquid
    }
    if big:
        entries[body + "50mb.html"] = ("skip: 50 MB of HTML, over the size limit", _big_file)
    return entries


# --- what the terminal is shown -----------------------------------------------------------


def _terminal() -> Entries:
    term = "_posts/2022-02-03-term-"
    yaml_escapes = '"YAML \\e[31mred\\e[0m \\e]52;c;ZXZpbA==\\a \\x9b2J \\u202e反\\u202c"'
    return {
        term + "escapes.md": (
            "load: ESC/CSI, OSC 52, OSC 8, DCS, APC, C1, BS, CR in every field",
            _post(
                f'title: "标题{TERMINAL_ATTACK}"',
                "date: 2022-02-03",
                f'categories: "cat{ESC}[5m blink"',
                f'tags: "tag{ESC}]0;x\x07"',
                f'source_url: "https://x.example/{ESC}]8;;javascript:alert(1){ESC}\\"',
                body=f"{TERMINAL_ATTACK}\n\n<p>{TERMINAL_ATTACK}</p>\n\n> {TERMINAL_ATTACK}",
            ),
        ),
        term + "yaml-escapes.md": (
            "load: escape sequences written as YAML escapes, decoded by the YAML parser",
            _post(f"title: {yaml_escapes}", "date: 2022-02-03", f"tags: {yaml_escapes}"),
        ),
        term + "entity-escapes.md": (
            "load: escape sequences written as HTML entities",
            _post(
                'title: "Entity escapes"',
                "date: 2022-02-03",
                body="<p>&#27;[2J&#x1b;]52;c;eA==&#7;&#155;31m&#8;&#13;&#x202e;反</p>",
            ),
        ),
        term + "bidi.md": (
            "load: bidi overrides, embeddings and isolates in the title and body",
            _post(
                f'title: "txt.{BIDI[0]}exe.gpj{BIDI}"',
                "date: 2022-02-03",
                f"categories: bidi{BIDI[0]}cat",
                body=f"<p>正文{BIDI}反转</p>",
            ),
        ),
        term + "markup.md": (
            "load: Rich and Textual markup in every field",
            _post(
                f"title: '{MARKUP}'",
                "date: 2022-02-03",
                "categories: '[red]cat[/red]'",
                "tags: '[blink]tag[/blink]'",
                "source_url: 'https://x.example/[/oops]'",
                body=f"{MARKUP}\n\n<p>{MARKUP}</p>",
            ),
        ),
    }


UNSAFE_SOURCES = {
    "javascript": "javascript:alert(document.cookie)",
    "javascript-case": "JaVaScRiPt:alert(1)",
    "file": "file:///etc/passwd",
    "data": "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript": "vbscript:msgbox(1)",
    "ftp": "ftp://ftp.example.com/x",
    "markup": "javascript:[/x]alert(1)",
}
"""Source addresses the reader must refuse to open: name -> address."""
RELATIVE_SOURCE = "//news.example.com/relative"
"""A protocol-relative source: refused, or opened as https."""


def _links() -> Entries:
    link = "_posts/2022-02-04-link-"
    entries: Entries = {
        f"{link}{name}.md": (
            f"load: a {name} source address, to be refused",
            _post(f'title: "Link {name}"', "date: 2022-02-04", f"source_url: '{url}'"),
        )
        for name, url in UNSAFE_SOURCES.items()
    }
    entries[link + "relative.md"] = (
        "load: a protocol-relative source address",
        _post('title: "Link relative"', "date: 2022-02-04", f"source_url: '{RELATIVE_SOURCE}'"),
    )
    entries[link + "body.md"] = (
        "load: unsafe links and images in the body",
        _post(
            'title: "Unsafe body links"',
            "date: 2022-02-04",
            body="<p><a href='javascript:alert(1)'>js</a> <a href='file:///etc/passwd'>file</a> "
            "<a href='data:text/html,x'>data</a> <img src='javascript:alert(1)' alt='img'>"
            "<a href=' JAVASCRIPT:alert(1)'>spaced</a></p>\n\n"
            "[md js](javascript:alert(1)) [md file](file:///etc/passwd) "
            "![md img](javascript:x) <javascript:alert(1)> <file:///etc/passwd>\n\n"
            "<javascript:alert(1)>",
        ),
    )
    return entries


# round two: widths ------------------------------------------------------------------------

WIDTH_TITLES = {
    "thai": "ข่าวที่น่าสนใจ น้ำ กี่ปี",
    "devanagari": "मुंबई क्षेत्र देश ज़रूर",
    "private-use": "私用\ue000\uf8ff\U000f0000区",
    "unassigned": "未分配\u0378\u05ff\U0002fffe\U000e0080字",
    "skin-tone": "点赞👍🏽👋🏿手势",
    "zwj-family": "家庭👨\u200d👩\u200d👧\u200d👦新闻",
    "zwj-profession": "宇航员👩🏽\u200d🚀上天",
    "enclosing": "键帽1\u20e3圈a\u20dd千\u0488",
    "flags": "国旗🇨🇳🇺🇸🇯🇵",
    "lone-indicator": "孤旗🇦 单个",
    "lone-combining": "\u0301开头的组合符",
    "emoji-presentation": "爱心❤\ufe0f笑☺\ufe0f",
    "tag-flag": "苏格兰🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f旗",
    "cjk": "中文标题正常宽度",
    "jamo": "韩文\u1100\u1161\u11a8字母",
    "zero-width": "零宽a\u200bb\u2060c\u00ad软",
    "text-presentation": "文本☺\ufe0e样式",
    "mixed": "Ünïcödé 混合 🇫🇷 ✓ 한국어",
}
"""Titles whose width terminals (and Rich) may measure differently: name -> title."""
WIDTH_CATEGORY = "widths"


def _widths() -> Entries:
    return {
        f"_posts/2022-02-07-width-{name}.md": (
            f"load: a title whose width terminals may disagree on ({name})",
            _post(f'title: "{title}"', "date: 2022-02-07", f"categories: {WIDTH_CATEGORY}"),
        )
        for name, title in WIDTH_TITLES.items()
    }


def _names() -> dict[bytes, tuple[str, Content]]:
    """Files whose names are the hostile part, as raw bytes relative to the root."""
    body = _post('title: "Named oddly"', "date: 2022-02-05")
    return {
        b"_posts/2022-02-05-\xff\xfe-latin1-caf\xe9.md": (
            "load: a file name that is not UTF-8",
            body,
        ),
        b"_posts/2022-02-05-\x1b[2J\x1b]52;c;eA==\x07\x9b\xe2\x80\xae-escape.md": (
            "load: escape sequences, a C1 byte and a bidi override in the file name",
            body,
        ),
        b"_posts/2022-02-05-new\nline\rname.md": ("load: line breaks in the file name", body),
        b"_posts/markup[b]x[/2022-02-06-b]y.md": (
            "load: Rich markup in the path (a folder `markup[b]x[` and a file `2022-02-06-b]y.md`)",
            body,
        ),
        b"_posts/oops[/2022-02-06-nothing].md": (
            "load: invalid markup in the path (folder `oops[`, file `2022-02-06-nothing].md`)",
            body,
        ),
    }


# round two: data
# Files that took a whole archive down, or lost a post, in issue 16's second round: a
# modification time SQLite cannot store, names that became one id once their controls were
# cleaned, front matter too long for YAML. Names are bytes; the times are set after writing.
_AFTER_2262_NS = 10**19  # 2286 (a file system that stops earlier keeps its own last date)
_BEFORE_1970_NS = -(10**18)  # 1938
_MTIMES = {
    "_posts/2022-02-07-mtime-after-2262.md": _AFTER_2262_NS,
    "_posts/mtime-after-2262-undated.md": _AFTER_2262_NS,
    "_posts/2022-02-07-mtime-before-1970.md": _BEFORE_1970_NS,
    "_posts/mtime-before-1970-undated.md": _BEFORE_1970_NS,
}
"""Relative path -> the modification time (ns) the file is given."""
TWINS = "_posts/2022-02-07-twin-"
"""Where the files whose names differ only by a control character are."""


def _long_front_matter(*lines: str) -> str:
    return _post('title: "前言太长"', "date: 2022-02-07 08:00:00 +0800", *lines)


def _twin(title: str) -> str:
    return _post(f'title: "{title}"', "date: 2022-02-07")


def _round_two_data() -> dict[bytes, tuple[str, Content]]:
    dated = _post('title: "Dated, oddly stamped"', "date: 2022-02-07 08:00:00 +0800")
    undated = _post('title: "Undated, oddly stamped"')
    return {
        b"_posts/2022-02-07-mtime-after-2262.md": (
            "scan: modified after 2262, beyond what SQLite's integers hold",
            dated,
        ),
        b"_posts/mtime-after-2262-undated.md": (
            "recover: undated, so dated by a modification time after 2262",
            undated,
        ),
        b"_posts/2022-02-07-mtime-before-1970.md": ("normal: modified before 1970", dated),
        b"_posts/mtime-before-1970-undated.md": (
            "recover: undated, so dated by a modification time before 1970 (negative)",
            undated,
        ),
        (TWINS + "collide.md").encode(): (
            "normal: the plain twin of a name holding an ESC",
            _twin("Twin without ESC"),
        ),
        (TWINS + "col\x1blide.md").encode(): (
            "load: an ESC in a name that is its twin's once controls are removed",
            _twin("Twin with ESC"),
        ),
        (TWINS + "tab name.md").encode(): (
            "normal: the plain twin of a name holding a tab",
            _twin("Twin with a space"),
        ),
        (TWINS + "tab\tname.md").encode(): (
            "load: a tab in a name that is its twin's once a tab shows as a space",
            _twin("Twin with a tab"),
        ),
        b"_posts/2022-02-07-fm-100000-keys.md": (
            "recover: front matter of 100,000 keys, far over the 64 KiB read as YAML",
            lambda: _long_front_matter(*(f"key{n}: value {n}" for n in range(100_000))),
        ),
        b"_posts/2022-02-07-fm-100000-categories.md": (
            "recover: front matter listing 100,000 categories",
            lambda: _long_front_matter(
                "categories:", *(f"  - category-{n}" for n in range(100_000))
            ),
        ),
    }


def _set_mtimes(root: Path, selected: Callable[[str], bool]) -> None:
    for relative, mtime_ns in _MTIMES.items():
        if selected(relative):
            os.utime(root / relative, ns=(mtime_ns, mtime_ns))


# --- the file system ----------------------------------------------------------------------

OUTSIDE = "{outside}"
"""Stands for the folder beside the root that links lead out to."""
_LINKS = {
    "_posts/2022-02-06-fs-passwd.md": ("/etc/passwd", "scan: a link to a file out of the root"),
    "_posts/2022-02-06-fs-secret.md": (
        OUTSIDE + "/2022-01-01-secret.md",
        "scan: a link to a post out of the root",
    ),
    "fs-outside-folder": (OUTSIDE, "scan: a link to a folder out of the root"),
    "_posts/2022-02-06-fs-dangling.md": ("gone.md", "scan: a link to nothing (a vanished post)"),
    "_posts/2022-02-06-fs-self-loop.md": (
        "2022-02-06-fs-self-loop.md",
        "scan: a link to itself (too many levels of links)",
    ),
    "fs-loop-to-root": (".", "quiet: a link to the root: a folder loop"),
    "fs-nested/loop-up": ("..", "quiet: a link to its parent folder: a folder loop"),
}
_FIFO = "_posts/2022-02-06-fs-fifo.md"
_FOLDER_POST = "_posts/2022-02-06-fs-folder.md/2022-02-06-inside.md"
SECRET = "SECRET-OUTSIDE-THE-ROOT"
"""Text of the post outside the root: it must never show up in a loaded post."""


def _file_system_descriptions() -> dict[str, str]:
    described = {relative: description for relative, (_, description) in _LINKS.items()}
    if hasattr(os, "mkfifo"):
        described[_FIFO] = "quiet: a named pipe (reading it would block)"
    described[_FOLDER_POST] = "normal: a post in a folder named like a post"
    return described


def _write_file_system(root: Path, selected: Callable[[str], bool]) -> None:
    outside = root.parent / f"{root.name}-outside"
    outside.mkdir(exist_ok=True)
    (outside / "2022-01-01-secret.md").write_text(_post('title: "Secret"', body=SECRET))
    for relative, (target, _) in _LINKS.items():
        if selected(relative):
            link = root / relative
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(target.replace(OUTSIDE, str(outside)))
    if hasattr(os, "mkfifo") and selected(_FIFO):
        os.mkfifo(root / _FIFO)
    if selected(_FOLDER_POST):
        (root / _FOLDER_POST).parent.mkdir(parents=True)
        (root / _FOLDER_POST).write_text(_post('title: "Inside"', "date: 2022-02-06"))


# --- the archive --------------------------------------------------------------------------


def _entries(big: bool) -> Entries:
    entries = _normal()
    for part in (_front_matter(), _bodies(big), _terminal(), _links(), _widths()):
        entries.update(part)
    return entries


def describe(*, big: bool = False) -> dict[str, str]:
    """Every entry of the archive and what is hostile about it, without writing anything."""
    described = {relative: description for relative, (description, _) in _entries(big).items()}
    named = {**_names(), **_round_two_data()}
    described.update({os.fsdecode(raw): entry[0] for raw, entry in named.items()})
    described.update(_file_system_descriptions())
    return described


def write_hostile_archive(
    root: Path, *, big: bool = False, only: Callable[[str], bool] | None = None
) -> dict[str, str]:
    """Write the archive under ``root`` (new or empty); ``{relative path: what is hostile}``.

    ``big`` adds a 50 MB HTML file (skipped by the loader's default 5 MiB limit). ``only``
    picks the entries to write by relative path (the normal posts are always written).
    Links that lead out of the root point into a folder ``<root>-outside`` beside it.
    """

    def selected(relative: str) -> bool:
        return relative in NORMAL or only is None or only(relative)

    root.mkdir(parents=True, exist_ok=True)
    written: dict[str, str] = {}
    for relative, (description, content) in _entries(big).items():
        if selected(relative):
            _write(root / relative, content)
            written[relative] = description
    for raw, (description, content) in {**_names(), **_round_two_data()}.items():
        relative = os.fsdecode(raw)
        if selected(relative):
            _write(Path(os.fsdecode(os.fsencode(root) + b"/" + raw)), content)
            written[relative] = description
    _write_file_system(root, selected)
    _set_mtimes(root, selected)
    written.update(
        {
            relative: description
            for relative, description in _file_system_descriptions().items()
            if selected(relative)
        }
    )
    return written


def _write(path: Path, content: Content) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if content is _big_file:
        _write_big(path)
        return
    data = content() if callable(content) else content
    path.write_bytes(data.encode() if isinstance(data, str) else data)


def _write_big(path: Path) -> None:
    paragraph = (
        "<div><p>大文件的一段，<b>粗体</b>与<a href='https://x.example/'>链接</a>。</p></div>\n"
    )
    chunk = (paragraph * 1_000).encode()
    with path.open("wb") as stream:
        written = stream.write(_head("50 MB").encode())
        while written < BIG_BYTES:
            written += stream.write(chunk)


def expectation(description: str) -> str:
    """What the reader must do with an entry: the word before the description's colon."""
    return description.split(":", 1)[0]


def with_expectation(described: dict[str, str], *kinds: str) -> list[str]:
    """The entries whose expectation is one of ``kinds``, sorted."""
    return sorted(path for path, text in described.items() if expectation(text) in kinds)


# --- what may reach a terminal ------------------------------------------------------------

_SGR = re.compile(r"\x1b\[[0-9;:]*m")
_OSC8 = re.compile(r"\x1b\]8;([^;\x1b\x07]*);([^\x1b\x07]*)(?:\x1b\\|\x07)")
_BIDI = "\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
SAFE_TARGET = re.compile(rf"(?:https?://|mailto:)[^\x00-\x20\x7f-\x9f{_BIDI}]+\Z", re.IGNORECASE)
"""A link target that may be opened or made clickable: http(s):// or mailto:, no blank,
no control, no bidi control."""
UNSAFE_CHARACTER = re.compile(f"[\x00-\x09\x0b-\x1f\x7f-\x9f{_BIDI}]")
"""C0 controls but newline, DEL, C1 controls, and bidi controls."""


def expanded_size(value: object, limit: int) -> int:
    """How many values ``value`` holds with every shared reference expanded, counted to limit.

    A YAML alias bomb is small in memory (its lists are shared) but exponential to anything
    that walks it: repr, equality, a JSON dump, a pretty-printed traceback.
    """
    count = 0
    pending: list[object] = [value]
    while pending and count < limit:
        item = pending.pop()
        count += 1
        if isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            pending.extend(item)
    return count


def unsafe_characters(text: str) -> list[str]:
    """The control and bidi characters in ``text`` (newlines allowed), each with its place."""
    return [f"{m.group()!r} at {m.start()}" for m in UNSAFE_CHARACTER.finditer(text)]


def terminal_violations(output: str, limit: int = 20) -> list[str]:
    """What in terminal output is not plain text, SGR styling or a safe OSC 8 hyperlink.

    Every ESC must open an SGR sequence (``ESC[...m``) or an OSC 8 hyperlink whose target
    is empty (the closing one) or starts with http://, https:// or mailto:. Outside them,
    no C0 control but newline, no DEL, no C1 control, no bidi control.
    """
    found: list[str] = []
    pos = 0
    while pos < len(output) and len(found) < limit:
        esc = output.find(ESC, pos)
        text = output[pos:] if esc < 0 else output[pos:esc]
        found += [f"{m.group()!r} at {pos + m.start()}" for m in UNSAFE_CHARACTER.finditer(text)]
        if esc < 0:
            break
        if sgr := _SGR.match(output, esc):
            pos = sgr.end()
        elif osc8 := _OSC8.match(output, esc):
            target = osc8.group(2)
            if target and not SAFE_TARGET.match(target):
                found.append(f"OSC 8 target {target!r} at {esc}")
            pos = osc8.end()
        else:
            found.append(f"escape {output[esc : esc + 16]!r} at {esc}")
            pos = esc + 1
    return found[:limit]


# --- by hand --------------------------------------------------------------------------------


def main(argv: Iterable[str] | None = None) -> int:
    """``python tests/hostile_archive.py OUT [--big]``: write the archive and list it."""
    parser = argparse.ArgumentParser(description="Write a hostile archive for newsreader.")
    parser.add_argument("out", type=Path, help="the folder to write (created if missing)")
    parser.add_argument("--big", action="store_true", help="add a 50 MB HTML file")
    options = parser.parse_args(None if argv is None else list(argv))
    if options.out.exists() and any(options.out.iterdir()):
        parser.error(f"{options.out} is not empty: give a new folder")
    described = write_hostile_archive(options.out, big=options.big)
    for relative, description in sorted(described.items()):
        # The names are hostile too: printed escaped, never raw.
        name = relative.encode("unicode_escape", "backslashreplace").decode("ascii")
        print(f"{name}: {description}")
    print(f"{len(described)} entries written to {options.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
