"""Tags and headings found in a body in time linear in its length, whatever it holds.

Python's regular expressions retry a failed match from every later start: ``<[^>]*>`` over
text with many ``<`` and no ``>`` after them, or ``<h1>(.*?)</h1>`` over many unclosed
``<h1>``, rescan the rest of the text once per start, and 100 KB of either took seconds.
Here each search is made so that a failure at one start means failure at every later one,
and the work stops there.
"""

from __future__ import annotations

import re

_TAG = re.compile(r"<[^>]*>")
_HTML_HEADING_OPEN = re.compile(r"<h[1-3](?=[\s/>])[^<>]*>", re.IGNORECASE)
_HTML_HEADING_CLOSE = re.compile(r"</h[1-3]>", re.IGNORECASE)
_MARKDOWN_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+)$", re.MULTILINE)


def strip_tags(text: str, replacement: str = " ") -> str:
    """``text`` with each ``<…>`` made ``replacement``, as ``re.sub(r"<[^>]*>", …)`` would.

    After the last ``>`` no tag can match: that tail is left as it is, not searched.
    """
    last = text.rfind(">") + 1
    if last == 0:
        return text
    return _TAG.sub(replacement, text[:last]) + text[last:]


def html_heading(body: str) -> str | None:
    """The inside of the first ``<h1>``-``<h3>`` that has a closing ``</h1>``-``</h3>``."""
    opening = _HTML_HEADING_OPEN.search(body)
    if opening is None:
        return None
    # No closing after the first opening means none after any later one.
    closing = _HTML_HEADING_CLOSE.search(body, opening.end())
    return None if closing is None else body[opening.end() : closing.start()]


def markdown_heading(body: str) -> str | None:
    """The text of the first ATX heading (``# Title ##``), without its closing hashes."""
    match = _MARKDOWN_HEADING.search(body)
    if match is None:
        return None
    line = match.group(1)
    # As `(.+?)\s*#*\s*$` would take it, without that pattern's cubic backtracking.
    return line.rstrip().rstrip("#").rstrip() or line[:1]
