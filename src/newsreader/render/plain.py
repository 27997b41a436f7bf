"""An article as plain text, for ``newsreader show`` into a pipe or a file.

No styles and no padding: a paragraph is one line (a line break in the post stays one), so
the text reflows wherever it is pasted, unless a width is asked for. Then lines are filled up
to that many terminal cells by the breaker the reading pane uses (`wrap`: the Unicode rules with
the Chinese prohibitions), never inside a word or an address: a word longer than the width
overflows rather than splits. A definition list's term has a line of its own, its definitions
indented under it; footnotes end the body as a numbered list (see `elements`). The links'
addresses follow, numbered as in the text (`links.reference_lines`).

It reads the tokens the article was rendered from (`Markdown.parsed`, vetted and numbered), so
the text is the one the reader shows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from markdown_it.token import Token
from rich.cells import cell_len

from .links import ArticleLink, reference_lines
from .wrap import line_offsets

_SPACES = re.compile(r"\s+")
_DEFINITION_INDENT = " " * 4


def article_plain_text(
    heading: str,
    meta: Sequence[tuple[str, str]],
    body: Sequence[Sequence[Token] | str],
    notes: Sequence[str],
    links: Sequence[ArticleLink],
    width: int | None = None,
) -> str:
    """Heading, meta lines, body (parsed Markdown tokens, or text), notes, then references."""
    writer = _Writer(width)
    writer.block(heading)
    name_width = max((len(name) for name, _ in meta), default=0)
    if meta:
        writer.block(
            "\n".join(f"{name:<{name_width}} {value}" for name, value in meta), verbatim=True
        )
    for part in body:
        if isinstance(part, str):
            writer.block(part)
        else:
            writer.tokens(part)
    for note in notes:
        writer.block(note)
    if links:
        writer.lines.append("")
        writer.lines += reference_lines(links)
    return "\n".join(writer.lines) + "\n"


@dataclass
class _Prefix:
    """What the lines of an open quote or list item start with."""

    first: str
    """Its first line's: the list marker."""
    other: str
    started: bool = False
    """Whether its first line was written."""


@dataclass
class _Writer:
    """Blocks written one after the other, a blank line between them, prefixed when nested."""

    width: int | None
    lines: list[str] = field(default_factory=list)
    gap: bool = False
    """Whether the next block is set off by a blank line."""
    prefixes: list[_Prefix] = field(default_factory=list)
    """Per open quote, list item or definition, outermost first."""
    numbers: list[int | None] = field(default_factory=list)
    """Per open list: the next item's number, None for bullets."""
    tight: bool = False
    """Whether the paragraph being written is an item of a tight list (no blank line)."""
    list_start: bool = False
    """Whether a list just began, not in another: its first item is set off from what
    comes before."""
    row: list[str] | None = None
    """The cells of the table row being read."""
    rows_written: int = 0

    def tokens(self, tokens: Sequence[Token]) -> None:
        """Write the blocks of parsed Markdown; html blocks are skipped, as the reader does."""
        for token in tokens:
            kind = token.type
            if kind == "inline":
                text = _inline_text(token.children or [])
                if self.row is not None:
                    self.row.append(" ".join(text.split()))
                else:
                    self.block(text, tight=self.tight and not self.list_start)
                    self.tight = self.list_start = False
            elif kind == "paragraph_open":
                self.tight = token.hidden  # markdown-it hides the paragraphs of tight lists
            elif kind in ("bullet_list_open", "ordered_list_open"):
                self.list_start = not self.numbers  # a list in a list item follows on
                start = token.attrs.get("start", 1) if kind == "ordered_list_open" else None
                self.numbers.append(None if start is None else int(start))
            elif kind in ("bullet_list_close", "ordered_list_close"):
                self.numbers.pop()
            elif kind == "list_item_open":
                self._open_item()
            elif kind == "blockquote_open":
                self.prefixes.append(_Prefix("> ", "> "))
            elif kind == "dt_open":
                self.tight = False  # a term is set off; its definitions follow it tight
            elif kind == "dd_open":
                self.prefixes.append(_Prefix(_DEFINITION_INDENT, _DEFINITION_INDENT))
            elif kind in ("list_item_close", "blockquote_close", "dd_close"):
                self.prefixes.pop()
            elif kind in ("fence", "code_block"):
                self.block(token.content.rstrip("\n"), verbatim=True)
            elif kind == "hr":
                self.block("* * *")
            elif kind == "table_open":
                self.rows_written = 0
            elif kind == "tr_open":
                self.row = []
            elif kind == "tr_close" and self.row is not None:
                self.block(" | ".join(self.row), tight=self.rows_written > 0)
                self.rows_written += 1
                self.row = None

    def _open_item(self) -> None:
        number = self.numbers[-1] if self.numbers else None
        marker = "- " if number is None else f"{number}. "
        if number is not None:
            self.numbers[-1] = number + 1
        self.prefixes.append(_Prefix(marker, " " * len(marker)))

    def block(self, text: str, *, tight: bool = False, verbatim: bool = False) -> None:
        """One block of text; each of its lines filled to the width unless ``verbatim``."""
        if self.gap and not tight:
            # Inside a quote the blank line is quoted too; not before the quote's first line.
            self.lines.append("".join(p.other for p in self.prefixes if p.started).rstrip())
        self.gap = True
        for source_line in text.split("\n"):
            pieces = [source_line] if verbatim else self._fill(source_line)
            for piece in pieces:
                self.lines.append((self._prefix() + piece).rstrip())

    def _prefix(self) -> str:
        # Each marker starts the first line written in its item, the others indent.
        prefix = "".join(p.other if p.started else p.first for p in self.prefixes)
        for open_prefix in self.prefixes:
            open_prefix.started = True
        return prefix

    def _fill(self, line: str) -> list[str]:
        if self.width is None:
            return [line.strip()]
        room = max(1, self.width - sum(cell_len(p.other) for p in self.prefixes))
        line = _SPACES.sub(" ", line.strip())
        # The reading pane's breaker, unfolded: a word or address wider than the room overflows.
        cuts = [0, *line_offsets(line, room, fold=False), len(line)]
        return [line[a:b].rstrip() for a, b in pairwise(cuts) if a < b]


def _inline_text(children: Sequence[Token]) -> str:
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(" ")
        elif child.type == "hardbreak":
            parts.append("\n")
    return "".join(parts)
