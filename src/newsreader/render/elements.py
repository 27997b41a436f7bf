"""kramdown's footnotes and definition lists as Rich Markdown shows them.

The parser (render/article.py) reads them with mdit-py-plugins' ``footnote`` and ``deflist``
plugins, whose tokens Rich's Markdown does not know: it would drop their text.

- A footnote reference becomes ``⁽¹⁾`` (`footnote_marker`), styled ``markdown.footnote_ref``,
  distinct from the ``[3]`` of a link's number. The notes become what Rich and the plain text
  already show well (`footnote_tokens`): a rule, then an ordered list numbered as the markers,
  so their paragraphs wrap and get their search matches marked as any other.
- A definition list renders through `DEFINITION_ELEMENTS`: the term, styled
  ``markdown.definition_term``, on its own line (a paragraph, so it wraps by the line-breaking
  rules and gets its matches marked), each definition indented under it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Literal

from markdown_it.token import Token
from rich.console import Console, ConsoleOptions, RenderResult
from rich.containers import Renderables
from rich.markdown import MarkdownContext, MarkdownElement, Paragraph, TextElement
from rich.padding import Padding

from .highlight import _MarkedText

FOOTNOTE_REF_TAG = "footnote_ref"
"""Tag of the tokens around a footnote's marker: an inline style, ``markdown.footnote_ref``."""
DEFINITION_TERM_STYLE = "definition_term"
"""A definition list's term is styled ``markdown.definition_term``."""
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_DEFINITION_INDENT = 4


def footnote_marker(number: int) -> str:
    """What a reference to footnote ``number`` (from 1) shows: ``⁽¹²⁾``."""
    return f"⁽{str(number).translate(_SUPERSCRIPT)}⁾"


def footnote_number(token: Token) -> int:
    """The number (from 1) of a ``footnote_ref`` or ``footnote_open`` token's note."""
    return int(token.meta.get("id", 0)) + 1


def footnote_ref_tokens(token: Token) -> list[Token]:
    """The marker tokens that replace the inline ``footnote_ref`` ``token``."""
    return [
        Token(f"{FOOTNOTE_REF_TAG}_open", FOOTNOTE_REF_TAG, 1),
        Token("text", "", 0, content=footnote_marker(footnote_number(token))),
        Token(f"{FOOTNOTE_REF_TAG}_close", FOOTNOTE_REF_TAG, -1),
    ]


def footnote_tokens(tokens: Sequence[Token]) -> list[Token]:
    """``tokens`` with the footnotes block as a rule and an ordered list of the notes.

    The plugin lists the notes in the order of their first reference, which is their number.
    Their paragraphs are made tight (one note a line in plain text); back-references go.
    """
    result: list[Token] = []
    in_notes = False
    for token in tokens:
        kind = token.type
        if kind == "footnote_block_open":
            in_notes = True
            result += [Token("hr", "hr", 0, markup="---"), _block("ordered_list_open", "ol", 1)]
        elif kind == "footnote_block_close":
            in_notes = False
            result.append(_block("ordered_list_close", "ol", -1))
        elif kind == "footnote_open":
            result.append(_block("list_item_open", "li", 1))
        elif kind == "footnote_close":
            result.append(_block("list_item_close", "li", -1))
        elif kind == "footnote_anchor":
            continue
        else:
            if in_notes and kind in ("paragraph_open", "paragraph_close"):
                token.hidden = True
            result.append(token)
    return result


def _block(kind: str, tag: str, nesting: Literal[-1, 1]) -> Token:
    return Token(kind, tag, nesting, block=True)


class _Term(_MarkedText, Paragraph):
    """A definition list's term: a paragraph of its own, bold."""

    style_name = f"markdown.{DEFINITION_TERM_STYLE}"


class _Collecting(TextElement):
    """An element that renders the elements inside it, so it nests in lists and quotes."""

    indent: ClassVar[int] = 0

    def __init__(self) -> None:
        self.elements = Renderables()

    def on_child_close(self, context: MarkdownContext, child: MarkdownElement) -> bool:
        self.elements.append(child)
        return False

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield Padding(self.elements, (0, 0, 0, self.indent))


class _DefinitionList(_Collecting):
    style_name = "markdown.dl"


class _Definition(_Collecting):
    style_name = "markdown.dd"
    indent = _DEFINITION_INDENT


DEFINITION_ELEMENTS: dict[str, type[MarkdownElement]] = {
    "dl_open": _DefinitionList,
    "dt_open": _Term,
    "dd_open": _Definition,
}
"""Rich Markdown element classes of the ``deflist`` plugin's tokens."""
