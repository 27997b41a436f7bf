"""Article bodies to clean Markdown, plain text and Rich renderables.

A post body is HTML, Markdown or both: scraped HTML paragraphs, often after a `> ` digest line,
followed by a bare autolink line `<http://…>` naming the source and a footer of site links.
`body_to_markdown` turns any of these into Markdown in this order:

1. Cut the input to `max_chars` first, so everything after is bounded, and `clean_text` it.
2. Take out what is not article text: the source autolink line (returned as `source_url`, since
   an HTML pass would read `<http://…>` as a tag and lose it), `<>` lines, the "返回…" navigation
   footer and the `EM_StockImg` chart widget.
3. Split at blank lines and sort the blocks: a block is HTML when it opens with a known tag,
   carries content-changing HTML (comments, scripts, hidden or block elements), or carries tags
   and follows HTML. Runs of HTML blocks go through html2text (see `html2md`); Markdown blocks
   pass through untouched but for images, unsafe links and `<br>`, so their headings, lists and
   tables survive and nothing escapes them. `<1%` is not a tag and stays text.
4. Tidy: full-width indentation and blank-line runs go; a body repeated whole is kept once, and
   so is a `> ` digest that the article's opening repeats.

Rendering uses Rich Markdown with its links vetted (only http, https and mailto stay
clickable) and every string through `clean_text`, so no escape sequence from an article reaches
the terminal and text that looks like Rich markup shows literally.

`Article.highlighted` marks search matches in the text (see `highlight`).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from markdown_it.token import Token
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.rule import Rule
from rich.style import Style
from rich.table import Table
from rich.text import Text

from .highlight import MarkingMarkdown, Marks
from .html2md import SENTINELS, html_to_markdown, image_line, safe_href
from .post import Post
from .text import clean_line, clean_text

DEFAULT_MAX_CHARS = 400_000
# Longer paragraphs (never real prose) are shown as text: markdown-it is slow on some of them.
_MAX_MARKDOWN_PARAGRAPH = 20_000

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
# No control or bidi character in an address: it is shown, and offered to open.
_SOURCE_LINE = re.compile(
    r"^[ \t]*<(https?://[^\s<>\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]+)>"
    r"[ \t]*\r?$",
    re.MULTILINE | re.IGNORECASE,
)
_AUTOLINK_LINE = re.compile(r"^[ \t]*<(?:https?://[^\s<>]*)?>[ \t]*$", re.MULTILINE | re.IGNORECASE)
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
_PLAIN_LINK = re.compile(
    r"\[((?:\\.|[^\[\]\\\n])*)\]\((?:[^()\s\[\]]|\([^()\s\[\]]*\))*(?:\s+\"[^\"\n]*\")?\)"
)
_PLAIN_AUTOLINK = re.compile(r"<((?:https?|mailto):[^<>\s]*)>", re.IGNORECASE)
_PLAIN_TAG = re.compile(r"</?[A-Za-z][^<>\n]*>")
_PLAIN_MARKERS = re.compile(r"^[ \t]*(?:(?:#{1,6}|>|[*+-])[ \t]+|>)+|^[ \t]*(?:```|~~~).*$|\*\*|__")
_PLAIN_TABLE_RULE = re.compile(r"^[ \t|:-]*-{3,}[ \t|:-]*$", re.MULTILINE)
_PLAIN_ENTITY = re.compile(r"(?<!\\)&#?[A-Za-z0-9]{1,32};")
_PLAIN_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_WHITESPACE = re.compile(r"\s+")
_CJK_CHAR = re.compile("[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")


@dataclass(frozen=True, slots=True)
class ConvertedBody:
    """A body as Markdown, with its source address and whether it was cut short."""

    markdown: str
    source_url: str | None
    truncated: bool


def find_source_url(body: str) -> str | None:
    """The article's source: the last line that is only a bare `<http(s)://…>` autolink.

    A regex and nothing else, since the loader calls it for every post; `<>` gives None.
    """
    if "<h" not in body and "<H" not in body:
        return None
    found = _SOURCE_LINE.findall(body)
    return str(found[-1]) if found else None


def body_to_markdown(body: str, max_chars: int = DEFAULT_MAX_CHARS) -> ConvertedBody:
    """Convert an HTML, Markdown or mixed body to clean Markdown (see the module docstring)."""
    source = find_source_url(body)
    truncated = len(body) > max_chars
    text = SENTINELS.sub("", clean_text(body[: max(0, max_chars)]))
    text = _AUTOLINK_LINE.sub("", text)
    text = _NAV_CANDIDATE.sub(_drop_nav_line, text)
    text = _strip_widget(text)
    parts: list[str] = []
    html_run: list[str] = []
    for block in _BLANK_SPLIT.split(text):
        block = block.strip("\n")
        if not block.strip():
            continue
        if (
            _HTML_START.match(block)
            or _CONTENT_HTML.search(block)
            or (html_run and _HAS_TAG.search(block))
        ):
            html_run.append(block)
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
    markdown = "\n\n".join(_drop_repeats(paragraphs))
    # Tabs to spaces at CommonMark's tab stops: the output holds no control character but \n.
    return ConvertedBody(clean_text(markdown).expandtabs(4), source, truncated)


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
    block = _MD_IMAGE.sub(lambda m: f"\n\n{image_line(m.group(1), m.group(2))}\n\n", block)
    block = _MD_UNSAFE_LINK.sub(r"\1", block)
    return _BR.sub("  \n", block)


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
    text = _PLAIN_ESCAPE.sub(r"\1", text)
    return _WHITESPACE.sub(" ", clean_text(text)).strip()


class _ArticleMarkdown(MarkingMarkdown):
    """Rich Markdown whose links are vetted and whose text is cleaned again before rendering.

    The text was clean, but parsing decodes entities: `&#x202e;` becomes a bidi override.
    """

    def __init__(self, markup: str) -> None:
        super().__init__(markup, hyperlinks=True)
        for token in self.parsed:
            token.content = clean_text(token.content)
            if token.children:
                token.children = _vet_inline(token.children)


def _vet_inline(children: Sequence[Token]) -> list[Token]:
    # Unsafe or relative links lose the link but keep their text; Markdown images (which Rich
    # would show with an unvetted link) become the same `[image: alt]` text as HTML ones; a
    # line break between Chinese characters joins them (Rich would show it as a space).
    vetted: list[Token] = []
    dropping = False
    for index, token in enumerate(children):
        token.content = clean_text(token.content)
        if token.type == "link_open":
            href = safe_href(str(token.attrs.get("href", "")))
            if href is None:
                dropping = True
                continue
            token.attrs["href"] = href
        elif token.type == "link_close" and dropping:
            dropping = False
            continue
        elif token.type == "image":
            label = f"[image: {token.content}]" if token.content else "[image]"
            token = Token("text", "", 0, content=label)
        elif token.type == "softbreak" and vetted and index + 1 < len(children):
            before, after = vetted[-1].content[-1:], children[index + 1].content[:1]
            if _CJK_CHAR.match(before) and _CJK_CHAR.match(after):
                continue
        vetted.append(token)
    return vetted


def render_body(markdown: str) -> RenderableType:
    """The article text as a Rich renderable (the body part of `render_article`)."""
    parts = _body_parts(markdown)
    return parts[0] if len(parts) == 1 else Group(*parts)


def _body_parts(markdown: str) -> list[RenderableType]:
    markdown = clean_text(markdown)
    if len(markdown) <= _MAX_MARKDOWN_PARAGRAPH:
        return [_ArticleMarkdown(markdown)]
    parts: list[RenderableType] = []
    run: list[str] = []
    for paragraph in markdown.split("\n\n"):
        if len(paragraph) <= _MAX_MARKDOWN_PARAGRAPH:
            run.append(paragraph)
            continue
        if run:
            parts += [_ArticleMarkdown("\n\n".join(run)), Text()]
            run = []
        parts += [Text(_PLAIN_ESCAPE.sub(r"\1", paragraph)), Text()]
    if run:
        parts.append(_ArticleMarkdown("\n\n".join(run)))
    return parts


class Article:
    """A post made ready to read: converted and parsed once, then rendered as often as needed.

    It renders as it is, or through `highlighted` with search matches marked (see
    `newsreader.archive.highlight`), so a new search costs a layout, not a conversion.
    """

    def __init__(
        self,
        heading: Text,
        meta: list[tuple[str, Text]],
        body: list[RenderableType],
        notes: list[Text],
    ) -> None:
        self._heading = heading
        self._meta = meta
        self._body = body
        self._notes = notes
        """Said after the body ("no text", "truncated"); never marked, not being the post's."""

    def highlighted(self, terms: Sequence[str]) -> RenderableType:
        """The article with every occurrence of ``terms`` marked (``MATCH_KEY`` meta).

        Cheap: nothing is converted or parsed again, and the marking happens as it renders.
        """
        wanted = tuple(term for term in terms if term)
        return _Highlighted(self, wanted) if wanted else self

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from self.parts(None)

    def parts(self, marks: Marks | None) -> Iterator[RenderableType]:
        """Header (title, date, categories, tags, source), a rule, the body, in reading order.

        A generator, so with ``marks`` each part is marked just before it renders and the
        matches are numbered in reading order.
        """

        def marked(text: Text) -> Text:
            return text if marks is None else marks.mark(text.copy())

        yield marked(self._heading)
        yield Text()
        meta = Table.grid(padding=(0, 1))
        meta.add_column(style="dim", no_wrap=True)
        meta.add_column(overflow="fold")
        for name, value in self._meta:
            meta.add_row(name, marked(value))
        yield meta
        yield Rule(style="dim")
        for part in self._body:
            if marks is not None and isinstance(part, _ArticleMarkdown):
                yield part.marked(marks)
            elif isinstance(part, Text):
                yield marked(part)
            else:
                yield part
        yield from self._notes


class _Highlighted:
    """An article rendering with the matches of some terms marked; fresh marks each time."""

    def __init__(self, article: Article, terms: tuple[str, ...]) -> None:
        self.article = article
        self.terms = terms

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from self.article.parts(Marks(self.terms))


def render_article(post: Post, labels: Mapping[str, str] | None = None) -> Article:
    """Header (title, date, categories with labels, tags, source link), a rule, the body."""
    converted = body_to_markdown(post.body)
    title = clean_line(post.title)
    heading = Text(title or "(untitled)", style="bold underline" if title else "bold dim")
    date = post.date.strftime("%Y-%m-%d %H:%M %z").strip()
    meta = [("Date", Text(date))]
    if post.categories:
        names = []
        for slug in post.categories:
            label = clean_line((labels or {}).get(slug, ""))
            names.append(f"{clean_line(slug)} · {label}" if label else clean_line(slug))
        meta.append(("Category", Text(", ".join(names))))
    if post.tags:
        meta.append(("Tags", Text(", ".join(clean_line(tag) for tag in post.tags))))
    source = clean_line(post.source_url or converted.source_url or "")
    if source:
        href = safe_href(source)
        link_style = Style(color="blue", underline=True, link=href) if href else Style()
        meta.append(("Source", Text(source, style=link_style)))
    body = _body_parts(converted.markdown) if converted.markdown else []
    notes = [] if body else [Text("(no text)", style="dim italic")]
    if converted.truncated:
        message = f"[truncated: article longer than {DEFAULT_MAX_CHARS:,} characters]"
        notes.append(Text(message, style="bold yellow"))
    return Article(heading, meta, body, notes)
