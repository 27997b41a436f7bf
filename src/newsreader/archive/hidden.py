"""Constructs left open in a body that hide the text after them, found in linear time.

A browser hides what follows an unclosed ``<script>``, ``<style>``, ``<iframe>``,
``<noscript>`` or ``<template>`` up to the end of the page; it also hides the rest after an
unclosed ``<!--`` and shows it as a form field after an unclosed ``<textarea>``. The reader
hides the first kind (`HIDES_REST`: what follows is code or a fallback, and the article says
so where the text stops) but shows the text after the others: in a scraped article, what
follows a stray ``<!--``, ``<textarea>`` or ``<![CDATA[`` is usually the article itself.

`find_unclosed` reports each kind once, at its first unclosed opening, so that `newsreader
check` can name the file and the line. Plain Python, for the index's parsing workers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

HIDES_REST = frozenset({"script", "style", "iframe", "noscript", "template"})
"""Elements whose unclosed start hides the rest of the body, as in a browser."""
SHOWS_REST = frozenset({"textarea", "title", "select", "object", "svg", "math", "head"})
SHOWS_REST |= {"canvas", "audio", "video"}
"""Skipped elements (never article text) whose unclosed start leaves the rest shown."""
COMMENT, CDATA = "<!--", "<![CDATA["

_ELEMENTS = "|".join(sorted(HIDES_REST | SHOWS_REST))
_OPENING = re.compile(rf"<!--|<!\[CDATA\[|<({_ELEMENTS})(?:[\s/][^<>]*)?>", re.IGNORECASE)
_CLOSING = {name: re.compile(rf"</{name}\s*>", re.IGNORECASE) for name in HIDES_REST | SHOWS_REST}
_CLOSING[COMMENT] = re.compile("-->")
_CLOSING[CDATA] = re.compile(re.escape("]]>"))


@dataclass(frozen=True, slots=True)
class Unclosed:
    """The first opening of one kind that nothing closes."""

    construct: str
    """As written in a report: ``<script>``, ``<!--``, ``<![CDATA[``."""
    line: int
    """Its line in the body, from 1."""
    hides_rest: bool

    def describe(self, first_line: int = 1) -> str:
        """A problem line; ``first_line`` is the body's first line in its file."""
        where = f"unclosed {self.construct} at line {self.line + first_line - 1}"
        if self.hides_rest:
            return f"{where}: the text after it is hidden, as a browser hides it"
        return f"{where}: the text after it is shown"


class ClosingFinder:
    """Where each kind of construct is closed after a position, in linear time overall.

    Asked in increasing positions, as a scan from the start asks: a kind found unclosed
    from one position is unclosed from every later one, and is not searched again.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._unclosed_from: dict[str, int] = {}

    def closing(self, kind: str, start: int) -> re.Match[str] | None:
        """The closing of ``kind`` (an element name, `COMMENT` or `CDATA`) after ``start``."""
        if self._unclosed_from.get(kind, len(self._text) + 1) <= start:
            return None
        match = _CLOSING[kind].search(self._text, start)
        if match is None:
            self._unclosed_from[kind] = start
        return match


def find_unclosed(body: str) -> list[Unclosed]:
    """Each kind of construct left open in ``body``, at its first unclosed opening."""
    if "<" not in body:
        return []
    finder = ClosingFinder(body)
    found: dict[str, Unclosed] = {}
    pos = 0
    while (opening := _OPENING.search(body, pos)) is not None:
        name = (opening.group(1) or "").lower()
        kind = name or opening.group()
        closing = finder.closing(kind, opening.end())
        if closing is not None:
            pos = closing.end()  # what it encloses opens nothing
            continue
        if kind not in found:
            line = body.count("\n", 0, opening.start()) + 1
            found[kind] = Unclosed(f"<{name}>" if name else kind, line, name in HIDES_REST)
        if name in HIDES_REST:
            break
        pos = opening.end()
    return list(found.values())


def body_first_line(text: str, body: str) -> int:
    """The line of ``text`` (a whole file) that ``body``, its end, starts on."""
    start = len(text.rstrip("\n")) - len(body)
    return text.count("\n", 0, max(start, 0)) + 1
