"""Article bodies to clean Markdown and plain text.

A post body is HTML, Markdown or both: scraped HTML paragraphs, often after a `> ` digest line,
followed by a bare autolink line `<http://…>` naming the source and a footer of site links.
`body_to_markdown` turns any of these into Markdown in this order:

1. Cut the input to `max_chars` first, so everything after is bounded, and `clean_text` it;
   render its Liquid (see `liquid`).
2. Take out what is not article text: the trailing source autolink line (returned as
   `source_url`; see `trailing_source_line`), `<>` lines, the "返回…" navigation footer and the
   `EM_StockImg` chart widget. Every other autolink line is the article's and stays, a
   paragraph of its own (an HTML pass would read `<http://…>` as a tag and lose it).
3. Split at blank lines and sort the blocks: a block is HTML when it opens with a known tag,
   carries content-changing HTML (comments, scripts, hidden or block elements), or carries tags
   and follows HTML; fenced code stays one Markdown block, blank lines and all. Runs of HTML
   blocks go through html2text (see `html2md`); Markdown blocks pass through untouched but for
   kramdown's attribute lists (see `kramdown`), images, unsafe links and `<br>`, so their
   headings, lists and tables survive and nothing escapes them. `<1%` is not a tag.
4. Tidy: full-width indentation and blank-line runs go; a body repeated whole is kept once, and
   so is a `> ` digest that the article's opening repeats; a table longer than
   `MAX_TABLE_ROWS` is cut there, with a note of its row count.

`plain_text` strips that Markdown down to searchable text. Showing it is `article`'s work.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from newsreader.archive.source import find_source_url, trailing_source_line
from newsreader.archive.text import clean_text

from .html2md import SENTINELS, html_to_markdown, image_line
from .kramdown import strip_kramdown
from .liquid import LiquidContext, render_liquid

DEFAULT_MAX_CHARS = 400_000
"""Body characters converted at most; a longer body is cut and flagged `truncated`."""
_MAX_CUT_TAG = 4_096
"""A tag the cut falls inside is dropped whole when it started at most this far back."""

_TAGS = (
    "p|div|span|a|img|br|hr|strong|b|em|i|u|font|center|table|thead|tbody|tr|td|th|ul|ol|li|"
    "h[1-6]|blockquote|pre|code|section|article|figure|figcaption|header|footer|aside|nav|"
    "script|style|iframe|noscript|template|object|svg|sup|sub|small|dl|dt|dd|html|body|head"
)
_HTML_START = re.compile(rf" {{0,3}}(?:<!--|</?(?:{_TAGS})(?=[\s/>]|$))", re.IGNORECASE)
_HAS_TAG = re.compile(rf"<!--|</?(?:{_TAGS})(?=[\s/>]|$)", re.IGNORECASE)
_CONTENT_HTML = re.compile(
    r"<!--|<(?:script|style|iframe|noscript|template|object|svg|p|div|table|center|img|h[1-6])"
    r"(?=[\s/>]|$)|<[a-z][^<>]*\b(?:style|hidden)\b",
    re.IGNORECASE,
)
_EMPTY_AUTOLINK_LINE = re.compile(r"^[ \t]*<>[ \t]*$", re.MULTILINE)
_AUTOLINK_LINE = re.compile(r"^[ \t]*(<https?://[^\s<>]*>)[ \t]*$", re.MULTILINE | re.IGNORECASE)
_MD_LINE_IN_HTML = re.compile(r"^ {0,3}(?:#{1,6}[ \t]+\S|!\[)[^<>\n]*$", re.MULTILINE)
"""A heading or image line with no tag, typed among HTML lines: Markdown, not HTML text."""
_FENCE_LINE = re.compile(r"^ {0,3}(`{3,}|~{3,})", re.MULTILINE)
_TABLE_RULE = re.compile(r"^ {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
MAX_TABLE_ROWS = 500
"""Table rows shown at most; a longer table is cut there, with a note of its row count."""
MAX_TABLE_CELLS = 2_000
"""Table cells shown at most: a wide table is cut at fewer rows (laying out cells is slow)."""
# A line opening a CommonMark HTML block that only its end marker closes: in a Markdown block
# it would swallow all that follows, so the block goes through html2md instead.
_SWALLOWING_LINE = re.compile(
    r"^ {0,3}<(?:(?:textarea|pre|script|style)(?=[\s>]|$)|\?|![A-Za-z]|!\[CDATA\[|!--)",
    re.MULTILINE | re.IGNORECASE,
)
_NAV_CANDIDATE = re.compile(r"^[ \t]*\[(?:返回|回到)[^\n]*$", re.MULTILINE)
_NAV_LINK = re.compile(r"\[(?:返回|回到)[^\[\]\n]*\]\([^()\s]*\)")
_NAV_LEFTOVER = re.compile(r"[\s｜|·/]*")
_WIDGET_START = re.compile(r"<!--\s*EM_StockImg_Start\s*-->")
_WIDGET_END = re.compile(r"<!--\s*EM_StockImg_End\s*-->")
_BLANK_SPLIT = re.compile(r"\n[ \t]*\n")
_MD_IMAGE = re.compile(r"!\[([^\[\]\n]*)\]\(\s*<?([^()\s<>\[\]]*)>?(?:\s+\"[^\"\n]*\")?\s*\)")
_MD_UNSAFE_LINK = re.compile(
    r"!?\[([^\[\]\n]*)\]\(\s*<?\s*(?:javascript|vbscript|data|file):(?:[^()\s\[\]]|\([^()\s]*\))*\)",
    re.IGNORECASE,
)
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_INDENT = re.compile(r"^[ \t]*[\u3000\xa0][\u3000\xa0 \t]*", re.MULTILINE)
_BLANK_RUN = re.compile(r"\n(?:[ \t\u3000\xa0]*\n)+")
_KEY_DROP = re.compile(r"[\s>*_\\#`]+")
_CREDIT = re.compile(r"(?:[（(][^（）()]{1,30}[）)]|…+|\.{3,})$")  # digest's credit, ellipsis

# plain_text: Markdown constructs to strip, in order.
_PLAIN_IMAGE = re.compile(r"^\\\[image(?:: (.*?))?\\\](?: <[^<>\n]*>)?$", re.MULTILINE)
# Never from an escaped `\[`: scanning on from each of many would be quadratic.
_PLAIN_LINK = re.compile(
    r"(?<!\\)\[((?:\\.|[^\[\]\\\n])*)\]\((?:[^()\s\[\]]|\([^()\s\[\]]*\))*(?:\s+\"[^\"\n]*\")?\)"
)
_PLAIN_AUTOLINK = re.compile(r"<((?:https?|mailto):[^<>\s]*)>", re.IGNORECASE)
_PLAIN_TAG = re.compile(r"</?[A-Za-z][^<>\n]*>")
_PLAIN_MARKERS = re.compile(r"^[ \t]*(?:(?:#{1,6}|>|[*+-])[ \t]+|>)+|^[ \t]*(?:```|~~~).*$|\*\*|__")
_PLAIN_TABLE_RULE = re.compile(r"^[ \t|:-]*-{3,}[ \t|:-]*$", re.MULTILINE)
_PLAIN_ENTITY = re.compile(r"(?<!\\)&#?[A-Za-z0-9]{1,32};")
_PLAIN_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_WHITESPACE = re.compile(r"\s+")
_TYPED_ESCAPE = re.compile(r"[!-/:-@\[-`{-~]")
"""ASCII punctuation: CommonMark lets a backslash make each one literal."""
_TYPED_INDENT = re.compile(r"^ +")


@dataclass(frozen=True, slots=True)
class ConvertedBody:
    """A body as Markdown, with its source address and whether it was cut short."""

    markdown: str
    source_url: str | None
    truncated: bool


def body_to_markdown(
    body: str,
    max_chars: int = DEFAULT_MAX_CHARS,
    *,
    markup: str = "markdown",
    liquid: LiquidContext | None = None,
) -> ConvertedBody:
    """Convert an HTML, Markdown or mixed body to clean Markdown (see the module docstring).

    ``markup`` is the converter the post's extension picks (``Post.markup``): a ``text``
    body (``.text``, ``.Rmd``...) is shown as typed, every character escaped. Liquid is
    rendered first (see `liquid`), ``{{ site.… }}`` and ``{{ page.… }}`` read from ``liquid``.
    """
    source = find_source_url(body)
    truncated = len(body) > max_chars
    text = SENTINELS.sub("", clean_text(_cut(body, max_chars) if truncated else body))
    if markup == "text":
        return ConvertedBody(_typed_text(text), source, truncated)
    text = clean_text(render_liquid(text, liquid))
    trailing = trailing_source_line(text)
    if trailing is not None:
        text = text[: trailing.start()] + text[trailing.end() :]
    # Every other autolink line is the article's: a paragraph of its own, so no HTML pass
    # reads it as a tag.
    text = _AUTOLINK_LINE.sub(r"\n\1\n", _EMPTY_AUTOLINK_LINE.sub("", text))
    text = _NAV_CANDIDATE.sub(_drop_nav_line, text)
    text = _strip_widget(text)
    parts: list[str] = []
    html_run: list[str] = []
    for block in _blocks(text):
        if _FENCE_LINE.match(block):
            if html_run:
                parts.append(html_to_markdown("\n\n".join(html_run)))
                html_run = []
            parts.append(strip_kramdown(block))  # its code is kept, marks after it are not
            continue
        if (
            _HTML_START.match(block)
            or _CONTENT_HTML.search(block)
            or _SWALLOWING_LINE.search(block)
            or (html_run and _HAS_TAG.search(block))
        ):
            pos = 0
            for line in _MD_LINE_IN_HTML.finditer(block):
                html_run.append(block[pos : line.start()])
                parts += [html_to_markdown("\n\n".join(html_run)), _markdown_block(line.group())]
                html_run, pos = [], line.end()
            html_run.append(block[pos:])
            continue
        if html_run:
            parts.append(html_to_markdown("\n\n".join(html_run)))
            html_run = []
        parts.append(_markdown_block(block))
    if html_run:
        parts.append(html_to_markdown("\n\n".join(html_run)))
    markdown = _INDENT.sub("", "\n\n".join(parts))
    markdown = _BLANK_RUN.sub("\n\n", markdown).strip()
    paragraphs = [p.rstrip() for p in markdown.split("\n\n")]  # a closing <br> is no break
    markdown = "\n\n".join(_cut_table(p) for p in _drop_repeats(paragraphs))
    # Tabs to spaces at CommonMark's tab stops: the output holds no control character but \n.
    return ConvertedBody(clean_text(markdown).expandtabs(4), source, truncated)


def _blocks(text: str) -> list[str]:
    """``text`` split at blank lines, but for fenced code, whose blank lines are its own."""
    blocks: list[str] = []
    fence: str | None = None
    for block in _BLANK_SPLIT.split(text):
        block = block.strip("\n")
        if fence is not None:
            blocks[-1] += "\n\n" + block
        elif not block.strip():
            continue
        else:
            blocks.append(block)
        for opening in _FENCE_LINE.finditer(block):
            run = opening.group(1)
            if fence is None:
                fence = run
            elif run[0] == fence[0] and len(run) >= len(fence):
                fence = None
    return blocks


def is_table(paragraph: str) -> bool:
    """Whether a Markdown paragraph is a table: its second line is a delimiter row."""
    lines = paragraph.split("\n", 2)
    return len(lines) > 1 and "|" in lines[0] and bool(_TABLE_RULE.match(lines[1]))


def _cut_table(paragraph: str) -> str:
    if not is_table(paragraph):
        return paragraph
    columns = max(1, paragraph.split("\n", 1)[0].strip().strip("|").count("|") + 1)
    shown = max(1, min(MAX_TABLE_ROWS, MAX_TABLE_CELLS // columns))
    if paragraph.count("\n") <= shown + 1:
        return paragraph
    lines = paragraph.split("\n")
    rows = len(lines) - 2
    note = f"\\[table cut: {rows:,} rows, the first {shown:,} shown\\]"
    return "\n".join(lines[: shown + 2]) + "\n\n" + note


def _cut(body: str, max_chars: int) -> str:
    """``body`` cut to ``max_chars``, and before a tag the cut would leave half-typed."""
    cut = body[: max(0, max_chars)]
    opening = cut.rfind("<")
    if opening > cut.rfind(">") and max_chars - opening <= _MAX_CUT_TAG:
        cut = cut[:opening]
    return cut


def _typed_text(text: str) -> str:
    """Markdown that shows ``text`` as typed: punctuation escaped, line breaks kept."""
    paragraphs = []
    for paragraph in _BLANK_SPLIT.split(text.expandtabs(4)):
        lines = [
            _TYPED_INDENT.sub(_hard_spaces, _TYPED_ESCAPE.sub(r"\\\g<0>", line.rstrip()))
            for line in paragraph.strip("\n").split("\n")
        ]
        if any(lines):
            paragraphs.append("\\\n".join(lines))
    return "\n\n".join(paragraphs)


def _hard_spaces(match: re.Match[str]) -> str:
    # Leading spaces would start a code block; no-break spaces keep the indentation seen.
    return "\xa0" * len(match.group())


def _drop_nav_line(match: re.Match[str]) -> str:
    line = match.group()
    return "" if _NAV_LEFTOVER.fullmatch(_NAV_LINK.sub("", line)) else line


def _strip_widget(text: str) -> str:
    # Hand-rolled rather than one `.*?` regex, which would be quadratic on many unclosed starts.
    pieces, pos = [], 0
    while (start := _WIDGET_START.search(text, pos)) is not None:
        end = _WIDGET_END.search(text, start.end())
        if end is None:
            break
        pieces.append(text[pos : start.start()])
        pos = end.end()
    pieces.append(text[pos:])
    return "".join(pieces)


def _markdown_block(block: str) -> str:
    block = strip_kramdown(block)
    block = _MD_IMAGE.sub(_markdown_image, block)
    block = _MD_UNSAFE_LINK.sub(r"\1", block)
    return _BR.sub("  \n", block)


def _markdown_image(match: re.Match[str]) -> str:
    # The alt text's entities are decoded, as CommonMark does: `image_line` escapes the rest.
    return f"\n\n{image_line(html.unescape(match.group(1)), match.group(2))}\n\n"


def _key(paragraph: str) -> str:
    # What a reader sees: no markup, links or entities, no whitespace.
    text = _PLAIN_TAG.sub("", _PLAIN_LINK.sub(r"\1", paragraph))
    return _KEY_DROP.sub("", html.unescape(text))


def _drop_repeats(paragraphs: list[str]) -> list[str]:
    """Keep once a body repeated whole, and a `> ` digest that the article's opening repeats."""
    keys = [_key(p) for p in paragraphs]
    if len(paragraphs) > 1 and paragraphs[0].startswith(">"):
        digest = _CREDIT.sub("", keys[0])
        if len(digest) >= 8 and any(
            digest in key or (len(key) >= 8 and key in digest) for key in keys[1:4]
        ):
            del paragraphs[0], keys[0]
    count = len(keys)
    # The repeated block may sit between a digest and a source credit, hence the slack.
    for lead in range(3):
        for size in range((count - lead) // 2, 0, -1):
            if lead + 2 * size < count - 2:
                break
            block = keys[lead : lead + size]
            if any(block) and block == keys[lead + size : lead + 2 * size]:
                del paragraphs[lead + size : lead + 2 * size]
                return paragraphs
    return paragraphs


def plain_text(body: str) -> str:
    """The body as searchable plain text: no markup, no image addresses, single spaces."""
    text = body_to_markdown(body).markdown
    text = _PLAIN_IMAGE.sub(lambda m: m.group(1) or "", text)
    text = _PLAIN_LINK.sub(r"\1", text)
    text = _PLAIN_AUTOLINK.sub(r"\1", text)
    text = _PLAIN_TAG.sub(" ", text)
    text = _PLAIN_TABLE_RULE.sub("", text)
    text = "\n".join(_PLAIN_MARKERS.sub("", line) for line in text.split("\n"))
    text = text.replace("|", " ")
    text = _PLAIN_ENTITY.sub(lambda m: html.unescape(m.group()), text)
    text = unescape_markdown(text)
    return _WHITESPACE.sub(" ", clean_text(text)).strip()


def unescape_markdown(text: str) -> str:
    """``text`` without Markdown's backslash escapes: ``\\*`` reads ``*``."""
    return _PLAIN_ESCAPE.sub(r"\1", text)
