"""Property-based fuzzing of the loader and the renderer: any input, no exception, nothing
a terminal would act on, bounded time.

Each property runs a modest number of examples by default, so this file stays well under a
minute. For a real fuzzing session set ``NEWSREADER_FUZZ_EXAMPLES``::

    NEWSREADER_FUZZ_EXAMPLES=20000 pytest tests/test_fuzz.py --hypothesis-show-statistics

A failure prints the smallest input found and a ``@reproduce_failure`` blob to replay it.
"""

from __future__ import annotations

import os
import re
import string
import tempfile
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from io import StringIO
from pathlib import Path

import pytest
import yaml
from hostile_archive import (
    BIDI,
    MARKUP,
    TERMINAL_ATTACK,
    expanded_size,
    terminal_violations,
    unsafe_characters,
)
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from rich.console import Console

from newsreader.archive import LoadOptions, Post, Problem, find_post_files, load_post
from newsreader.archive.dates import DateSpecError, parse_date_spec, parse_post_date
from newsreader.archive.front_matter import _simple_mapping
from newsreader.archive.loader import display_path
from newsreader.archive.query import _single_spaced, _without_links
from newsreader.archive.source import find_source_url
from newsreader.archive.text import clean_line, clean_text
from newsreader.render import body_to_markdown, plain_text, render_article
from newsreader.render.html2md import safe_href

EXAMPLES = int(os.environ.get("NEWSREADER_FUZZ_EXAMPLES") or 0)
"""Examples per property; 0 keeps each property's modest default."""
OPTIONS = LoadOptions(tz=timezone(timedelta(hours=8)))
BOMB_NODES = 100_000


def fuzz(default: int, seconds: float) -> settings:
    """Settings for one property: ``default`` examples (or NEWSREADER_FUZZ_EXAMPLES), each
    within ``seconds``."""
    return settings(
        max_examples=EXAMPLES or default,
        deadline=timedelta(seconds=seconds),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        print_blob=True,
    )


@pytest.fixture(scope="module")
def root() -> Iterator[Path]:
    """One archive folder for the module; each example rewrites the file it loads."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder).resolve()
        (path / "_posts").mkdir()
        yield path


def load_bytes(root: Path, data: bytes, name: str = "2022-01-01-fuzz.md") -> Post | Problem | None:
    path = root / "_posts" / name
    path.write_bytes(data)
    return load_post(path, root, OPTIONS)


def check_loaded(loaded: Post | Problem | None, post_id: str) -> None:
    """A Post or a Problem (or None, not a post), and all of it safe to show on one line."""
    if loaded is None:
        return
    if isinstance(loaded, Post):
        # Checked first, and never with the post in the message: pytest would repr it forever.
        expands = expanded_size(loaded.extra, BOMB_NODES) >= BOMB_NODES
        assert not expands, "front matter that expands hugely was loaded"
        fields = [loaded.id, loaded.title, *loaded.categories, *loaded.tags, *loaded.problems]
        fields.append(loaded.source_url or "")
        assert loaded.title, "a post without a title"
        assert loaded.date.tzinfo is not None
        assert all(" " not in word and word for word in (*loaded.categories, *loaded.tags))
    else:
        assert isinstance(loaded, Problem), type(loaded)
        assert loaded.message
        fields = [loaded.path, loaded.message]
    assert fields[0] == post_id
    for text in fields:
        assert unsafe_characters(text) == [], text
        assert "\n" not in text, text
        text.encode("utf-8")  # no lone surrogate


def render(post: Post, width: int = 100) -> str:
    console = Console(force_terminal=True, color_system="truecolor", width=width, file=StringIO())
    console.print(render_article(post, {slug: f"{slug}{MARKUP}" for slug in post.categories}))
    output = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(output, str)
    return output


def check_rendered(post: Post, width: int = 100) -> None:
    assert terminal_violations(render(post, width)) == []


# --- strategies ---------------------------------------------------------------------------


def choices(*groups: list[str]) -> st.SearchStrategy[str]:
    """One of the strings of these groups (a group is one line of the source)."""
    return st.sampled_from([item for group in groups for item in group])


HOSTILE_PIECES = [
    "\x1b[31m",
    "\x1b[2J",
    "\x1b]52;c;ZXZpbA==\x07",
    "\x1b]8;;javascript:alert(1)\x1b\\",
    "\x1b]8;;\x1b\\",
    "\x1bP+q\x1b\\",
    "\x1b",
    "\x9b2J",
    "\x9d0;t\x9c",
    "\x85",
    "\x08",
    "\r",
    "\r\n",
    "\x00",
    "\x07",
    "\x7f",
    "\t",
    *BIDI,
    MARKUP,
    "[/]",
    "[/x]",
    "[b]",
    "$var",
    ":smile:",
    "\ufeff",
    "\ufffd",
    "\ue000",
    "\ue001",
    "\ue002",
    "\u2028",
    "\u3000",
]
HOSTILE_TEXT = st.lists(
    st.one_of(st.sampled_from(HOSTILE_PIECES), st.text(max_size=8)), max_size=30
).map("".join)
ANY_TEXT = st.one_of(st.text(), HOSTILE_TEXT)

HREFS = st.sampled_from(
    [
        "https://x.example/",
        "http://x.example/a?b=1&c=2#d",
        "//x.example/p",
        "mailto:a@x.example",
        "javascript:alert(1)",
        " JaVaScRiPt:alert(1)",
        "java\tscript:x",
        "data:text/html,<b>x</b>",
        "file:///etc/passwd",
        "vbscript:x",
        "http:x",
        "https://",
        "https:///x",
        "https://x.example/\x1b]8;;javascript:x\x1b\\",
        "https://x.example/\u202eevil",
        "https://x.example/ space",
        '"><script>',
        "",
    ]
)
ENTITIES = choices(
    ["&amp;", "&lt;", "&gt;", "&#27;", "&#x1b;", "&#155;", "&#0;", "&#xFFFFFFFF;", "&#55296;"],
    ["&#x202e;", "&#99999999999;", "&nbsp;", "&unknown;", "&", "&#", "&#x", "&;"],
)
TAG_NAMES = choices(
    ["p", "div", "span", "a", "b", "strong", "em", "i", "img", "br", "hr", "table", "tr", "td"],
    ["th", "ul", "ol", "li", "blockquote", "pre", "code", "h1", "h3", "center", "script"],
    ["style", "iframe", "svg", "font", "sup", "dl", "dd", "html", "body", "x-custom"],
)
ATTRIBUTES = st.lists(
    st.one_of(
        HREFS.map(lambda href: f'href="{href}"'),
        HREFS.map(lambda href: f"src='{href}'"),
        choices(
            ['style="display:none"', "hidden", 'class="keytip"', "alt='图'", 'title="t"'],
            ["data-x=1", 'style="visibility: hidden"', "/", "=", '"', "'"],
        ),
    ),
    max_size=3,
).map(" ".join)


def _element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(
        TAG_NAMES, ATTRIBUTES, st.lists(children, max_size=4).map("".join), st.booleans()
    ).map(lambda t: f"<{t[0]} {t[1]}>{t[2]}" + (f"</{t[0]}>" if t[3] else ""))


TAG_SOUP = st.recursive(
    st.one_of(
        HOSTILE_TEXT,
        ENTITIES,
        choices(
            ["<!--", "-->", "<!-- x -->", "<!DOCTYPE html>", "<![CDATA[x]]>", "<?xml?>", "<", ">"],
            ["</p>", "</a>", "<a", "<1%", "<>", "\n\n", "\n", "　　", "中文", "English"],
            ["<!-- EM_StockImg_Start -->", "<!-- EM_StockImg_End -->", "<https://x.example/>"],
        ),
    ),
    lambda children: st.one_of(_element(children), st.lists(children, max_size=4).map("".join)),
    max_leaves=30,
)
MARKDOWN_SOUP = st.lists(
    st.one_of(
        HOSTILE_TEXT,
        st.tuples(HOSTILE_TEXT, HREFS).map(lambda t: f"[{t[0]}]({t[1]})"),
        st.tuples(HOSTILE_TEXT, HREFS).map(lambda t: f"![{t[0]}]({t[1]})"),
        HREFS.map(lambda href: f"<{href}>"),
        choices(
            ["# ", "## ", "> ", "- ", "1. ", "**", "__", "`", "```", "~~~", "---\n", "<br>"],
            ["| a | b |\n|---|---|\n", "\n", "\n\n", "[返回首页](../)", "｜", "\\", "[", "]"],
        ),
    ),
    max_size=40,
).map("".join)
BODIES = st.one_of(ANY_TEXT, TAG_SOUP, MARKDOWN_SOUP)

# YAML-ish front matter from a grammar of keys, values, quotes, anchors, aliases and tags.
KEYS = choices(
    ["title", "date", "categories", "category", "tags", "tag", "source_url", "layout", "x"],
    ["<<", "? x", "title title", "标题", "'title'", '"date"', "1", "~", "!!str title"],
    ["&a title", "*a", "[a, b]", "{a: b}", ""],
)
SCALARS = st.one_of(
    choices(
        ["", "~", "null", "yes", "No", "on", "true", "1", "-1", "0x1F", "0o17", "0b101", "1_000"],
        ["1:20:30", ".inf", "-.nan", "1e400", "1.0e400", "2022-01-01", "2022-13-45"],
        ["2022-01-01 08:00:00 +0800", "2022-01-01 08:00:00", "2001-12-14t21:59:43.10-05:00"],
        ["0000-00-00", "99999-01-01", "0001-01-01 00:00:00 +1400", "9999-12-31 23:59:59 -1200"],
        ["2022-01-01T00:00:00+99:00", "*a", "&a x", "&a", "!!binary aGk=", "!!binary ***"],
        ["!!python/object/apply:os.system ['true']", "!!set {a, b}", "!!timestamp x"],
        ["!!int x", "!!float y", "!!omap [a: 1]", "|", ">-", "'", '"', "\\", "#", "[", "]"],
        ["{", "}", ",", ": ", "- ", "%YAML 1.1", "---", "...", "? ", "@", "`", "!", "!!"],
        ["https://x.example/", "javascript:alert(1)", MARKUP],
    ),
    st.text(max_size=20),
    st.integers().map(str),
    st.integers(1, 6_000).map(lambda n: "0x" + "f" * n),
    st.integers(1, 20_000).map(lambda n: "0b" + "1" * n),
    st.integers(1, 3_000).map(lambda n: "1" + ":59" * n),
    st.integers(1, 5_000).map(lambda n: "9" * n),
    ANY_TEXT.map(lambda text: '"' + text + '"'),
    ANY_TEXT.map(lambda text: "'" + text + "'"),
    st.text(alphabet='\\"abcefnrtuvxLNP0123456789 _', max_size=12).map(lambda t: f'"\\{t}"'),
)
VALUES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=5).map(lambda items: "[" + ", ".join(items) + "]"),
        st.lists(st.tuples(KEYS, children), max_size=4).map(
            lambda pairs: "{" + ", ".join(f"{key}: {value}" for key, value in pairs) + "}"
        ),
        st.tuples(
            st.sampled_from(["&a ", "&b ", "!!seq ", "!!map ", "!!str ", "? "]), children
        ).map("".join),
    ),
    max_leaves=20,
)
LINES = st.lists(
    st.one_of(
        st.tuples(KEYS, VALUES).map(lambda pair: f"{pair[0]}: {pair[1]}"),
        st.tuples(st.integers(0, 8), VALUES).map(lambda item: " " * item[0] + "- " + item[1]),
        st.tuples(st.integers(1, 8), KEYS, VALUES).map(lambda t: " " * t[0] + f"{t[1]}: {t[2]}"),
        st.sampled_from(
            ["", "# comment", "---", "...", "\t", "  ", "title:", "- - &a x", "  - *a"]
        ),
        ANY_TEXT,
    ),
    max_size=20,
).map("\n".join)


@st.composite
def alias_bombs(draw: st.DrawFn) -> str:
    """Alias bombs of random width, depth and layout: flow lists, block lists, `- - `, keys."""
    width = draw(st.integers(2, 10))
    depth = draw(st.integers(2, 30))
    layout = draw(st.sampled_from(["flow", "block", "nested", "key"]))
    lines = ['title: "bomb"', "x:"]
    lines.append("- - &a0 lol" if layout != "flow" else "a0: &a0 [lol, lol]")
    for level in range(1, depth):
        name, previous = f"a{level}", f"a{level - 1}"
        if layout == "flow":
            lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * width) + "]")
        elif layout == "block":
            lines += [f"{name}: &{name}", *[f"  - *{previous}"] * width]
        elif layout == "nested":
            lines += [f"k{name}:", f"- - &{name}", *[f"    - - *{previous}"] * width]
        else:
            lines += [f"k{name}:", f"  ? &{name} k", *[f"  ? *{previous}" for _ in range(1)]]
    return "\n".join(lines)


FRONT_MATTER = st.one_of(LINES, alias_bombs())
# Lines of the shape scrapers write, where the fast front-matter reader is meant to apply.
SIMPLE_LINES = st.lists(
    st.tuples(
        choices(["title", "date", "categories", "tags", "layout", "x-y", "_k", "yes", "null"]),
        st.one_of(SCALARS, st.text(alphabet="ab 中文:#-'\"\\\t\x85\u2028\ufeff", max_size=12)),
        st.sampled_from([" ", "  ", "", " \t"]),
    ).map(lambda t: f"{t[0]}:{t[2]}{t[1]}"),
    max_size=8,
).map("\n".join)
NEWLINES = st.sampled_from(["\n", "\r\n", "\r"])


@st.composite
def yamlish_files(draw: st.DrawFn) -> bytes:
    """A file with grammar-built front matter, sometimes with a BOM, blank lines, CRLF."""
    front = draw(FRONT_MATTER)
    newline = draw(NEWLINES)
    lead = draw(st.sampled_from(["", "\ufeff", "\n\n", " \n"]))
    closing = draw(st.sampled_from(["---", "...", "--- ", ""]))
    body = draw(BODIES)
    text = lead + "---\n" + front + "\n" + closing + "\n" + body
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "gb18030", "utf-16"]))
    return text.replace("\n", newline).encode(encoding, "surrogatepass")


# --- the loader -----------------------------------------------------------------------------


@fuzz(default=200, seconds=2)
@given(data=st.binary(max_size=4096))
def test_any_bytes_as_a_file(root: Path, data: bytes):
    check_loaded(load_bytes(root, data), "_posts/2022-01-01-fuzz.md")


@fuzz(default=200, seconds=2)
@given(data=st.one_of(st.binary(max_size=4096), ANY_TEXT.map(str.encode), BODIES.map(str.encode)))
@example(data="<http://\u202a>".encode())  # found by fuzzing: a bidi control in the source
def test_any_body_after_a_valid_front_matter(root: Path, data: bytes):
    header = b'---\ntitle: "Fuzz"\ndate: 2022-01-01 08:00:00 +0800\ncategories: a\n---\n'
    loaded = load_bytes(root, header + data)
    check_loaded(loaded, "_posts/2022-01-01-fuzz.md")
    if b"\x00" not in (header + data)[:1024]:
        assert isinstance(loaded, Post)
        assert loaded.title == "Fuzz"


@fuzz(default=300, seconds=2)
@given(data=yamlish_files())
def test_any_yamlish_front_matter(root: Path, data: bytes):
    check_loaded(load_bytes(root, data), "_posts/2022-01-01-fuzz.md")


@fuzz(default=1500, seconds=2)
@given(front=st.one_of(LINES, SIMPLE_LINES))
@example(front="date: 2022-01-01 08:00:00\ntitle: 1e3\nx: yes\ny: ~\nz: 0x1F")
@example(front="title: \"a\" b\ntags: 'x'")
@example(front="title: " + "9" * 5000)
def test_the_fast_front_matter_reader_agrees_with_pyyaml(front: str):
    """Whatever the fast path reads, PyYAML reads the same; what it declines, PyYAML reads."""
    simple = _simple_mapping(front)
    if simple is None:
        return
    loaded = yaml.load(front, Loader=yaml.CSafeLoader)
    assert simple == ({} if loaded is None else {str(k): v for k, v in loaded.items()})


LINK_PIECES = ["/", "//", "http:", "https:", "h", "s", ":", " ", "\n", "\u3000", "中", "x"]
LINKISH = st.lists(st.sampled_from(LINK_PIECES), max_size=20).map("".join)
"""Text made of the pieces links and whitespace runs are made of, so edges are common."""


@fuzz(default=2000, seconds=1)
@given(text=st.one_of(LINKISH, st.text(), HOSTILE_TEXT))
@example(text="ab//x")
@example(text="https:// x http://y //z s:https://w")
@example(text=" \u3000lead and trail\n")
def test_search_texts_link_and_space_handling_match_their_regular_expressions(text: str):
    """The hand-written fast paths of search_text do exactly what the plain regexes do."""
    assert _without_links(text) == re.sub(r"(?:https?:)?//\S+", " ", text)
    assert _single_spaced(text) == re.sub(r"\s+", " ", text)


@fuzz(default=100, seconds=3)
@given(data=st.one_of(yamlish_files(), st.binary(max_size=2048)), width=st.sampled_from([20, 100]))
def test_any_file_loads_and_renders_terminal_safe(root: Path, data: bytes, width: int):
    loaded = load_bytes(root, data)
    check_loaded(loaded, "_posts/2022-01-01-fuzz.md")
    if isinstance(loaded, Post):
        check_rendered(loaded, width)


NAME_BYTES = st.binary(min_size=1, max_size=120).filter(
    lambda name: b"/" not in name and b"\x00" not in name and name not in (b".", b"..")
)


@fuzz(default=100, seconds=2)
@given(name=NAME_BYTES, suffix=st.sampled_from([b".md", b".html", b".MD", b".txt"]))
def test_any_file_name(root: Path, name: bytes, suffix: bytes):
    posts = root / "_posts"
    for old in posts.iterdir():
        old.unlink()
    raw = os.fsencode(posts) + b"/" + name + suffix
    with open(raw, "wb") as stream:
        stream.write(b'---\ntitle: "x"\n---\n')
    found = find_post_files(root)
    assert len(found) <= 1
    for path in found:
        post_id = display_path(path.relative_to(root).as_posix())
        check_loaded(load_post(path, root, OPTIONS), post_id)


@fuzz(default=300, seconds=1)
@given(name=st.one_of(st.text(), st.binary().map(os.fsdecode)))
def test_display_path_is_one_safe_line(name: str):
    shown = display_path(name)
    assert unsafe_characters(shown) == []
    assert "\n" not in shown
    shown.encode("utf-8")


# --- the renderer ---------------------------------------------------------------------------

TITLES = st.one_of(ANY_TEXT, st.sampled_from([MARKUP, TERMINAL_ATTACK, "", " ", BIDI]))
SOURCES = st.one_of(st.none(), HREFS, ANY_TEXT)


def make_post(
    body: str, title: str = "t", words: tuple[str, ...] = (), source: str | None = None
) -> Post:
    return Post(
        id="_posts/fuzz.md",
        path=Path("_posts/fuzz.md"),
        title=title,
        date=datetime(2022, 1, 1, tzinfo=UTC),
        categories=words,
        tags=words,
        source_url=source,
        body=body,
    )


@fuzz(default=150, seconds=5)
@given(
    body=BODIES,
    title=TITLES,
    words=st.lists(TITLES, max_size=3).map(tuple),
    source=SOURCES,
    width=st.sampled_from([10, 40, 100]),
)
@example(body="&#X200E;", title="", words=(), source=None, width=10)  # found by fuzzing
@example(
    body="[a&#x202e;b](https://x.example/)\n\n# &#x2066;", title="", words=(), source=None, width=40
)
def test_any_post_renders_terminal_safe(
    body: str, title: str, words: tuple[str, ...], source: str | None, width: int
):
    check_rendered(make_post(body, title, words, source), width)


@fuzz(default=150, seconds=5)
@given(body=BODIES)
def test_any_body_converts_to_clean_markdown_and_plain_text(body: str):
    converted = body_to_markdown(body)
    assert unsafe_characters(converted.markdown) == []
    assert converted.source_url is None or converted.source_url.startswith(("http://", "https://"))
    plain = plain_text(body)
    assert unsafe_characters(plain) == []
    assert "\n" not in plain


@fuzz(default=300, seconds=1)
@given(text=st.one_of(BODIES, st.text()))
@example(text="<HTTP://\u202a>")  # found by fuzzing
def test_find_source_url_is_none_or_a_plain_http_address(text: str):
    found = find_source_url(text)
    if found is not None:
        assert found.lower().startswith(("http://", "https://"))
        assert unsafe_characters(found) == []
        assert not any(char.isspace() for char in found)


@fuzz(default=300, seconds=1)
@given(href=st.one_of(HREFS, ANY_TEXT, st.tuples(HREFS, ANY_TEXT).map("".join)))
def test_safe_href_is_none_or_an_http_https_or_mailto_address(href: str):
    safe = safe_href(href)
    if safe is not None:
        assert safe.lower().startswith(("http://", "https://", "mailto:")), safe
        assert unsafe_characters(safe) == [], safe
        assert not any(char.isspace() for char in safe), safe


# --- text cleaning ----------------------------------------------------------------------------

C0_C1_BUT_NEWLINE_AND_TAB = {chr(c) for c in (*range(0x20), 0x7F, *range(0x80, 0xA0))} - {
    "\n",
    "\t",
}


@fuzz(default=500, seconds=1)
@given(text=st.one_of(st.text(), HOSTILE_TEXT))
def test_clean_text_is_idempotent_and_leaves_no_control_but_newline_and_tab(text: str):
    cleaned = clean_text(text)
    assert clean_text(cleaned) == cleaned
    assert not set(cleaned) & C0_C1_BUT_NEWLINE_AND_TAB
    assert not set(cleaned) & set(BIDI)


@fuzz(default=500, seconds=1)
@given(text=st.one_of(st.text(), HOSTILE_TEXT))
def test_clean_line_is_one_idempotent_line(text: str):
    line = clean_line(text)
    assert clean_line(line) == line
    assert unsafe_characters(line) == []
    assert "\n" not in line and "\t" not in line and "  " not in line
    assert line == line.strip()


# --- dates ------------------------------------------------------------------------------------

DATE_TEXT = st.one_of(
    st.text(),
    st.text(alphabet=string.digits + "-: T+Z.", max_size=40),
    st.from_regex(
        r"\A\s*\d{4}-\d{1,2}-\d{1,2}([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?"
        r"\s*(Z|[+-]\d{2}:?\d{2})?\s*\Z"
    ),
)


@fuzz(default=300, seconds=1)
@given(
    value=st.one_of(
        DATE_TEXT,
        st.integers(),
        st.floats(),
        st.dates(),
        st.datetimes(),
        st.datetimes(timezones=st.timezones()),
        st.none(),
        st.lists(st.integers(), max_size=3),
    )
)
def test_parse_post_date_is_none_or_an_aware_datetime(value: object):
    parsed = parse_post_date(value, UTC)
    assert parsed is None or parsed.tzinfo is not None


SPEC_TEXT = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=string.digits + "-.dwm", max_size=25),
    st.tuples(
        st.sampled_from(["", "0001", "9999", "9999-12", "9999-12-31", "0000", "2022-02-30"]),
        st.sampled_from(["", ".."]),
        st.sampled_from(["", "99999d", "99999w", "99999m", "0d", "today", "yesterday", "9999"]),
    ).map("".join),
)


@fuzz(default=500, seconds=1)
@given(spec=SPEC_TEXT, today=st.dates(min_value=date(1, 1, 2), max_value=date(9999, 12, 30)))
def test_parse_date_spec_raises_only_date_spec_error(spec: str, today: date):
    now = datetime.combine(today, datetime.min.time(), tzinfo=UTC)
    try:
        period = parse_date_spec(spec, UTC, now=now)
    except DateSpecError as error:
        assert error.spec == spec
        return
    if period.start is not None and period.end is not None:
        assert period.start < period.end
