"""A post as Rich renderables: the article the reading pane and `newsreader show` display.

`render_article` converts the body once (see `markdown`) and returns an `Article`: heading,
meta table, rule, body and notes, rendered as often as needed and, through `highlighted`, with
search matches marked (see `highlight`). The body renders through Rich Markdown with its links
vetted (only http, https and mailto stay clickable) and every string through `clean_text`, so no
escape sequence from an article reaches the terminal and text that looks like Rich markup shows
literally. The vetting edits Rich's parsed tokens (`Markdown.parsed`), which
tests/test_library_internals.py checks Rich still has (see `highlight` on Rich's internals).

Every style the article itself chooses is in `ArticleStyles`; a caller with a theme passes its
own. Markdown elements (headings, links, inline code...) take the console theme's
``markdown.*`` styles, as in any Rich Markdown.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.rule import Rule
from rich.style import Style, StyleType
from rich.table import Table
from rich.text import Text

from newsreader.archive.post import Post
from newsreader.archive.text import clean_line, clean_text

from .emphasis import kramdown_emphasis
from .highlight import MarkingMarkdown, MatchMarker
from .html2md import safe_href
from .liquid import linked_post_name, page_context
from .markdown import DEFAULT_MAX_CHARS, body_to_markdown, is_table, unescape_markdown

# Longer paragraphs (never real prose) are shown as text: markdown-it is slow on some of them.
_MAX_MARKDOWN_PARAGRAPH = 20_000
_CJK_CHAR = re.compile("[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")
_BLUE_UNDERLINE = Style(color="blue", underline=True)
_MAX_TABLE_CHARS = 200_000
"""A table (already cut to its row bound) is parsed as Markdown up to this size."""
# Rich's parser, without `text_join`: escaped characters stay apart for `kramdown_emphasis`.
_PARSER = MarkdownIt().enable("strikethrough").enable("table").disable("text_join")


@dataclass(frozen=True, slots=True)
class ArticleStyles:
    """The styles an article is drawn with; the defaults are the reader's built-in look.

    A Rich style or its definition (``"bold dim"``, a theme's style name...), but for
    `source_link`, a `Style` because the link is added to it, and the Pygments `code_theme`.
    """

    title: StyleType = "bold underline"
    untitled: StyleType = "bold dim"
    """The "(untitled)" stand-in for a post without a title."""
    meta_name: StyleType = "dim"
    """The names column of the header table ("Date", "Category"...)."""
    rule: StyleType = "dim"
    """The rule between the header and the body."""
    source_link: Style = _BLUE_UNDERLINE
    """The source address when it is safe to open (an unsafe one is shown unstyled)."""
    no_text: StyleType = "dim italic"
    """The "(no text)" note of an empty body."""
    truncated: StyleType = "bold yellow"
    """The note that a body was cut at `DEFAULT_MAX_CHARS`."""
    code_theme: str = "monokai"
    """Pygments theme of code blocks."""


DEFAULT_STYLES = ArticleStyles()
"""The built-in look."""


class _ArticleMarkdown(MarkingMarkdown):
    """Rich Markdown whose links are vetted and whose text is cleaned again before rendering.

    The text was clean, but parsing decodes entities: `&#x202e;` becomes a bidi override.
    It is parsed by `_PARSER` (Rich's own parser less ``text_join``), then emphasis that
    CommonMark left as text next to CJK punctuation is paired as kramdown does (`emphasis`).
    Links to other posts (`liquid.POST_LINK_SCHEME`, from ``post_url``) stay links.
    """

    def __init__(self, markup: str, code_theme: str) -> None:
        super().__init__("", code_theme=code_theme, hyperlinks=True)
        self.markup = markup
        self.parsed = _PARSER.parse(markup)
        for token in self.parsed:
            token.content = clean_text(token.content)
            if token.children:
                token.children = _vet_inline(kramdown_emphasis(token.children))


def _vet_inline(children: Sequence[Token]) -> list[Token]:
    # Unsafe or relative links lose the link but keep their text; Markdown images (which Rich
    # would show with an unvetted link) become the same `[image: alt]` text as HTML ones; a
    # line break between Chinese characters joins them (Rich would show it as a space).
    vetted: list[Token] = []
    dropping = False
    for index, token in enumerate(children):
        token.content = clean_text(token.content)
        if token.type == "link_open":
            typed = str(token.attrs.get("href", ""))
            href = typed if linked_post_name(typed) else safe_href(typed)
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


def render_body(markdown: str, styles: ArticleStyles = DEFAULT_STYLES) -> RenderableType:
    """The article text as a Rich renderable (the body part of `render_article`)."""
    parts = _body_parts(markdown, styles.code_theme)
    return parts[0] if len(parts) == 1 else Group(*parts)


def _body_parts(markdown: str, code_theme: str) -> list[RenderableType]:
    markdown = clean_text(markdown)
    if len(markdown) <= _MAX_MARKDOWN_PARAGRAPH:
        return [_ArticleMarkdown(markdown, code_theme)]
    parts: list[RenderableType] = []
    run: list[str] = []
    for paragraph in markdown.split("\n\n"):
        size = len(paragraph)
        if size <= _MAX_MARKDOWN_PARAGRAPH or (size <= _MAX_TABLE_CHARS and is_table(paragraph)):
            run.append(paragraph)
            continue
        if run:
            parts += [_ArticleMarkdown("\n\n".join(run), code_theme), Text()]
            run = []
        parts += [Text(unescape_markdown(paragraph)), Text()]
    if run:
        parts.append(_ArticleMarkdown("\n\n".join(run), code_theme))
    return parts


class Article:
    """A post made ready to read: converted and parsed once, then rendered as often as needed.

    It renders as it is, or through `highlighted` with search matches marked (see
    `newsreader.render.highlight`), so a new search costs a layout, not a conversion.
    """

    def __init__(
        self,
        heading: Text,
        meta: list[tuple[str, Text]],
        body: list[RenderableType],
        notes: list[Text],
        styles: ArticleStyles = DEFAULT_STYLES,
    ) -> None:
        self._styles = styles
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

    def parts(self, marker: MatchMarker | None) -> Iterator[RenderableType]:
        """Header (title, date, categories, tags, source), a rule, the body, in reading order.

        A generator, so with ``marker`` each part is marked just before it renders and the
        matches are numbered in reading order.
        """

        def marked(text: Text) -> Text:
            return text if marker is None else marker.mark(text.copy())

        yield marked(self._heading)
        yield Text()
        meta = Table.grid(padding=(0, 1))
        meta.add_column(style=self._styles.meta_name, no_wrap=True)
        meta.add_column(overflow="fold")
        for name, value in self._meta:
            meta.add_row(name, marked(value))
        yield meta
        yield Rule(style=self._styles.rule)
        for part in self._body:
            if marker is not None and isinstance(part, _ArticleMarkdown):
                yield part.marked(marker)
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
        yield from self.article.parts(MatchMarker(self.terms))


def render_article(
    post: Post, labels: Mapping[str, str] | None = None, styles: ArticleStyles = DEFAULT_STYLES
) -> Article:
    """Header (title, date, categories with labels, tags, source link), a rule, the body."""
    converted = body_to_markdown(post.body, markup=post.markup, liquid=page_context(post))
    title = clean_line(post.title)
    heading = Text(title or "(untitled)", style=styles.title if title else styles.untitled)
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
        link_style = styles.source_link.update_link(href) if href else Style()
        meta.append(("Source", Text(source, style=link_style)))
    body = _body_parts(converted.markdown, styles.code_theme) if converted.markdown else []
    notes = [] if body else [Text("(no text)", style=styles.no_text)]
    if converted.truncated:
        message = f"[truncated: article longer than {DEFAULT_MAX_CHARS:,} characters]"
        notes.append(Text(message, style=styles.truncated))
    return Article(heading, meta, body, notes, styles)
