"""A post as Rich renderables: the article the reading pane and `newsreader show` display.

`render_article` converts the body once (see `markdown`) and returns an `Article`: heading,
meta table, rule, body and notes, rendered as often as needed and, through `highlighted`, with
search matches marked (see `highlight`). The body renders through Rich Markdown with its links
vetted (only http, https and mailto stay clickable) and every string through `clean_text`, so no
escape sequence from an article reaches the terminal and text that looks like Rich markup shows
literally. The vetting edits Rich's parsed tokens (`Markdown.parsed`), which
tests/test_library_internals.py checks Rich still has (see `highlight` on Rich's internals).

Every style the article itself chooses is in `ArticleStyles`; a caller with a theme passes its
own. Markdown elements (headings, inline code...) take the console theme's ``markdown.*``
styles, as in any Rich Markdown, but for links and their numbers (see `links`), which the
article's styles set as it renders.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta, timezone, tzinfo

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.rule import Rule
from rich.style import Style, StyleType
from rich.table import Table
from rich.text import Text
from rich.theme import Theme

from newsreader.archive.dates import in_zone, strftime_padded, zone_name
from newsreader.archive.post import Post
from newsreader.archive.text import clean_line, clean_text

from .elements import (
    DEFINITION_ELEMENTS,
    DEFINITION_TERM_STYLE,
    FOOTNOTE_REF_TAG,
    footnote_ref_tokens,
    footnote_tokens,
)
from .emphasis import kramdown_emphasis
from .highlight import MarkingMarkdown, MatchMarker
from .html2md import safe_href
from .links import ArticleLink, LinkNumbering, PostFinder, linked_post_id, vetted_post_href
from .liquid import page_context
from .markdown import DEFAULT_MAX_CHARS, body_to_markdown, is_table, unescape_markdown
from .plain import article_plain_text
from .wrap import LineBreakingText

# Longer paragraphs (never real prose) are shown as text: markdown-it is slow on some of them.
_MAX_MARKDOWN_PARAGRAPH = 20_000
_CJK_CHAR = re.compile("[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")
_BLUE_UNDERLINE = Style(color="blue", underline=True)
_MAX_TABLE_CHARS = 200_000
"""A table (already cut to its row bound) is parsed as Markdown up to this size."""
# Rich's parser, without `text_join`: escaped characters stay apart for `kramdown_emphasis`;
# with kramdown's footnotes and definition lists (see `elements`).
_PARSER = (
    MarkdownIt()
    .enable("strikethrough")
    .enable("table")
    .disable("text_join")
    .use(footnote_plugin, inline=False)  # kramdown has no inline ^[note]
    .use(deflist_plugin)
)


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
    link: StyleType | None = None
    """Links of the body; None keeps the console theme's ``markdown.link_url``."""
    link_number: StyleType = "dim"
    """The ``[3]`` after a link's text."""
    footnote_ref: StyleType = "dim"
    """A footnote's marker, ``⁽¹⁾``, in the text."""
    definition_term: StyleType = "bold"
    """The term of a definition list."""

    def markdown_theme(self) -> Theme:
        """The ``markdown.*`` styles these set, for the console rendering the body."""
        styles: dict[str, StyleType] = {
            f"markdown.{_LINK_NUMBER_TAG}": self.link_number,
            f"markdown.{FOOTNOTE_REF_TAG}": self.footnote_ref,
            f"markdown.{DEFINITION_TERM_STYLE}": self.definition_term,
        }
        if self.link is not None:
            styles["markdown.link_url"] = self.link
        return Theme(styles)


DEFAULT_STYLES = ArticleStyles()
"""The built-in look."""


_LINK_NUMBER_TAG = "link_number"
"""Tag of the tokens around a link's ``[3]``: an inline style of Rich's, ``markdown.<tag>``."""


class _ArticleMarkdown(MarkingMarkdown):
    """Rich Markdown whose links are vetted and numbered and whose text is cleaned again.

    The text was clean, but parsing decodes entities: `&#x202e;` becomes a bidi override.
    It is parsed by `_PARSER` (Rich's own parser less ``text_join``), then emphasis that
    CommonMark left as text next to CJK punctuation is paired as kramdown does (`emphasis`).
    Links to other posts (`links.POST_SCHEME`, from ``post_url``) stay links.
    """

    inlines = MarkingMarkdown.inlines | {_LINK_NUMBER_TAG, FOOTNOTE_REF_TAG}
    elements = MarkingMarkdown.elements | DEFINITION_ELEMENTS

    def __init__(self, markup: str, code_theme: str, links: LinkNumbering | None = None) -> None:
        super().__init__("", code_theme=code_theme, hyperlinks=True)
        self.markup = markup
        self.parsed = footnote_tokens(_PARSER.parse(markup))
        for token in self.parsed:
            token.content = clean_text(token.content)
            # markdown-it keeps the space of "~~~ ruby"; Rich would take no language from it.
            token.info = token.info.strip()
            if token.children:
                token.children = _vet_inline(kramdown_emphasis(token.children), links)


def _vet_inline(children: Sequence[Token], links: LinkNumbering | None = None) -> list[Token]:
    # Unsafe or relative links lose the link but keep their text; Markdown images (which Rich
    # would show with an unvetted link) become the same `[image: alt]` text as HTML ones; a
    # line break between Chinese characters joins them (Rich would show it as a space).
    # A kept link is followed by its number from ``links``; one to a post of the archive
    # (`links.POST_SCHEME`) is no terminal hyperlink, the terminal could not open it.
    # A footnote reference shows its marker (`elements`).
    vetted: list[Token] = []
    dropping = False
    link_href, link_start = "", 0
    for index, token in enumerate(children):
        token.content = clean_text(token.content)
        if token.type == "link_open":
            raw = str(token.attrs.get("href", ""))
            href = vetted_post_href(raw) or safe_href(raw)
            if href is None:
                dropping = True
                continue
            token.attrs["href"] = "" if linked_post_id(href) else href
            link_href, link_start = href, len(vetted) + 1
        elif token.type == "link_close" and dropping:
            dropping = False
            continue
        elif token.type == "link_close" and links is not None:
            text = "".join(part.content for part in vetted[link_start:])
            vetted += [token, *_number_tokens(links.number(link_href, text))]
            continue
        elif token.type == "footnote_ref":
            vetted += footnote_ref_tokens(token)
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


def _number_tokens(number: int) -> list[Token]:
    return [
        Token(f"{_LINK_NUMBER_TAG}_open", _LINK_NUMBER_TAG, 1),
        Token("text", "", 0, content=f"[{number}]"),
        Token(f"{_LINK_NUMBER_TAG}_close", _LINK_NUMBER_TAG, -1),
    ]


def render_body(markdown: str, styles: ArticleStyles = DEFAULT_STYLES) -> RenderableType:
    """The article text as a Rich renderable (the body part of `render_article`)."""
    parts = _body_parts(markdown, styles.code_theme)
    return parts[0] if len(parts) == 1 else Group(*parts)


def _body_parts(
    markdown: str, code_theme: str, links: LinkNumbering | None = None
) -> list[RenderableType]:
    markdown = clean_text(markdown)
    if len(markdown) <= _MAX_MARKDOWN_PARAGRAPH:
        return [_ArticleMarkdown(markdown, code_theme, links)]
    parts: list[RenderableType] = []
    run: list[str] = []
    for paragraph in markdown.split("\n\n"):
        size = len(paragraph)
        if size <= _MAX_MARKDOWN_PARAGRAPH or (size <= _MAX_TABLE_CHARS and is_table(paragraph)):
            run.append(paragraph)
            continue
        if run:
            parts += [_ArticleMarkdown("\n\n".join(run), code_theme, links), Text()]
            run = []
        parts += [LineBreakingText(unescape_markdown(paragraph)), Text()]
    if run:
        parts.append(_ArticleMarkdown("\n\n".join(run), code_theme, links))
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
        links: Sequence[ArticleLink] = (),
    ) -> None:
        self._styles = styles
        self.links = tuple(links)
        """The body's addresses, numbered as its text shows them (see `links`)."""
        self._heading = heading
        self._meta = meta
        self._body = body
        self._notes = notes
        """Said after the body ("no text", "truncated"); never marked, not being the post's."""

    @property
    def styles(self) -> ArticleStyles:
        """The styles it renders with."""
        return self._styles

    def highlighted(self, terms: Sequence[str]) -> RenderableType:
        """The article with every occurrence of ``terms`` marked (``MATCH_KEY`` meta).

        Cheap: nothing is converted or parsed again, and the marking happens as it renders.
        """
        wanted = tuple(term for term in terms if term)
        return _Highlighted(self, wanted) if wanted else self

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        with console.use_theme(self._styles.markdown_theme()):
            yield from self.parts(None)

    def plain_text(self, width: int | None = None) -> str:
        """The article as plain text, its links listed at the end (see `plain`)."""
        body: list[Sequence[Token] | str] = []
        for part in self._body:
            if isinstance(part, _ArticleMarkdown):
                body.append(part.parsed)
            elif isinstance(part, Text) and part.plain:
                body.append(part.plain)
        return article_plain_text(
            self._heading.plain,
            [(name, value.plain) for name, value in self._meta],
            body,
            [note.plain for note in self._notes],
            self.links,
            width,
        )

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
        with console.use_theme(self.article.styles.markdown_theme()):
            yield from self.article.parts(MatchMarker(self.terms))


def render_article(
    post: Post,
    labels: Mapping[str, str] | None = None,
    styles: ArticleStyles = DEFAULT_STYLES,
    *,
    find_post: PostFinder | None = None,
    zone: tzinfo | None = None,
) -> Article:
    """Header (title, date, categories with labels, tags, source link), a rule, the body.

    ``find_post`` gives the id of a post a link names (see `links.LinkNumbering`); ``zone``
    the zone the date is shown in, and named (None: the post's own offset).
    """
    converted = body_to_markdown(post.body, markup=post.markup, liquid=page_context(post))
    title = clean_line(post.title)
    heading = LineBreakingText(
        title or "(untitled)", style=styles.title if title else styles.untitled
    )
    if zone is None:  # the offset it was written with, spelled as a zone is
        zone = timezone(post.date.utcoffset() or timedelta())
    date = f"{strftime_padded(in_zone(post.date, zone), '%Y-%m-%d %H:%M')} {zone_name(zone)}"
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
    links = LinkNumbering(find_post)
    markdown = converted.markdown
    body = _body_parts(markdown, styles.code_theme, links) if markdown else []
    notes = [] if body else [Text("(no text)", style=styles.no_text)]
    if converted.truncated:
        message = f"[truncated: article longer than {DEFAULT_MAX_CHARS:,} characters]"
        notes.append(Text(message, style=styles.truncated))
    return Article(heading, meta, body, notes, styles, links.links)
