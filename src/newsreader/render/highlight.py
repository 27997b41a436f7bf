"""Search matches marked in an article's Rich text, before it is laid out.

Matches are marked inside Rich `Text` (and Rich's Markdown elements, as they are built), not
looked for in the laid-out lines: a span survives wrapping, so a Chinese term split over two
lines, or a phrase broken at a space, stays one match. Each match gets a `Style` carrying only
meta data, ``{MATCH_KEY: n}``, n counting the matches of one rendering in reading order, and no
colour, so the theme stays the screen's: whoever shows the article finds the marks in the
rendered segments, styles them, and learns on which line each match landed.

The work is bounded by `MAX_MATCHES`, and marking never parses the text (it only adds spans),
so text that looks like markup stays text. Code blocks keep Rich's syntax colours and get
their marks as ranges of the `Syntax`.

Rich's internals: the marking subclasses `rich.markdown`'s element classes (`Paragraph`,
`Heading`, `TableDataElement`, `CodeBlock`, through `MarkdownElement.create` and `on_leave`)
and replaces their entries in `Markdown.elements`, none of which is Rich's documented API.
Decided: guard the dependency rather than reimplement Markdown rendering. pyproject.toml bounds
rich below its next major version not tested, and tests/test_library_internals.py fails, naming
the class, attribute or signature, when an installed Rich no longer has what this relies on.
"""

from __future__ import annotations

import copy
from bisect import bisect_right
from typing import Self, cast

from markdown_it.token import Token
from rich.console import Console, ConsoleOptions, RenderResult
from rich.markdown import (
    CodeBlock,
    Heading,
    Markdown,
    MarkdownContext,
    MarkdownElement,
    Paragraph,
    TableDataElement,
)
from rich.style import Style
from rich.syntax import Syntax
from rich.text import Text

from newsreader.archive.query import find_matches

from .wrap import line_breaking

MATCH_KEY = "newsreader.match"
"""Style meta key of a search match; its value numbers the match within one rendering."""
MAX_MATCHES = 1_000
"""Matches marked in one article at most: a body holding the term 100,000 times stays fast."""


class MatchMarker:
    """Marks the search matches of one rendering, numbering them, up to `MAX_MATCHES`."""

    def __init__(self, terms: tuple[str, ...]) -> None:
        self.terms = terms
        self.count = 0
        """Matches marked so far."""

    def spans(self, plain: str) -> list[tuple[int, int]]:
        """The matches in ``plain``, as many as are still allowed."""
        return find_matches(plain, self.terms, MAX_MATCHES - self.count)

    def next_style(self) -> Style:
        """The style of the next match: meta only, so the text keeps its own look."""
        style = Style(meta={MATCH_KEY: self.count})
        self.count += 1
        return style

    def mark(self, text: Text) -> Text:
        """``text`` with its matches marked (in place), for chaining."""
        for start, end in self.spans(text.plain):
            text.stylize(self.next_style(), start, end)
        return text


class MarkingMarkdown(Markdown):
    """Rich Markdown that marks matches in paragraphs, headings, table cells and code.

    `marked` gives a copy (sharing the parsed tokens, so nothing is parsed again) whose
    elements mark with the given `MatchMarker` as the copy renders.
    """

    marker: MatchMarker | None = None

    def marked(self, marker: MatchMarker) -> MarkingMarkdown:
        """This Markdown, rendering with its matches marked by ``marker``."""
        clone = copy.copy(self)
        clone.marker = marker
        return clone


def _marker_of(markdown: Markdown) -> MatchMarker | None:
    return markdown.marker if isinstance(markdown, MarkingMarkdown) else None


class _Marking(MarkdownElement):
    """Mixin: the element keeps its document's marker (None when not highlighting)."""

    marker: MatchMarker | None = None

    @classmethod
    def create(cls, markdown: Markdown, token: Token) -> Self:
        # Rich's create() makes an instance of cls: of the marked class.
        element = cast(Self, super().create(markdown, token))
        element.marker = _marker_of(markdown)
        return element


class _MarkedText(_Marking):
    """Mixin for elements whose ``text`` is complete when they render (and wraps by the
    line-breaking rules: see `wrap`)."""

    text: Text

    def on_enter(self, context: MarkdownContext) -> None:
        super().on_enter(context)
        self.text = line_breaking(self.text)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if self.marker is not None:
            self.marker.mark(self.text)
        yield from super().__rich_console__(console, options)


class _MarkedParagraph(_MarkedText, Paragraph):
    pass


class _MarkedHeading(_MarkedText, Heading):
    pass


class _MarkedCell(_Marking, TableDataElement):
    def on_leave(self, context: MarkdownContext) -> None:
        # The table renders its cells when it closes; a cell's text is complete here.
        if self.marker is not None:
            self.marker.mark(self.content)
        self.content = line_breaking(self.content)
        super().on_leave(context)


class _MarkedCode(_Marking, CodeBlock):
    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        # Rich's own CodeBlock rendering, plus the matches as (line, column) ranges. A match
        # never spans lines: search terms hold no line break.
        code = str(self.text).rstrip()
        syntax = Syntax(code, self.lexer_name, theme=self.theme, word_wrap=True, padding=1)
        if self.marker is not None:
            line_starts = [0] + [i + 1 for i, char in enumerate(code) if char == "\n"]
            for start, end in self.marker.spans(code):
                line = bisect_right(line_starts, start) - 1
                column = start - line_starts[line]
                syntax.stylize_range(
                    self.marker.next_style(), (line + 1, column), (line + 1, column + end - start)
                )
        yield syntax


MarkingMarkdown.elements = {
    **Markdown.elements,
    "paragraph_open": _MarkedParagraph,
    "heading_open": _MarkedHeading,
    "td_open": _MarkedCell,
    "th_open": _MarkedCell,
    "fence": _MarkedCode,
    "code_block": _MarkedCode,
}
