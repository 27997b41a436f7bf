"""kramdown's own syntax, which CommonMark would show as typed, taken out of Markdown text.

Jekyll converts Markdown with kramdown, whose attribute lists (``{: .note}``, ``{:#id}``,
``{:toc}``, ``{::options …}``) and extensions (``{::comment}…{:/comment}``,
``{::nomarkdown}…{:/nomarkdown}``) only style or steer the conversion: they carry no text, so
they are removed, but never inside code (fenced blocks, indented blocks, code spans).
A ``* TOC`` list line marked ``{:toc}`` is the placeholder of a table of contents: it goes too.
"""

from __future__ import annotations

import re

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_BLOCK_MARK = re.compile(r"^ {0,3}\{::?[^{}\n]*\}[ \t]*$")
_TOC_MARK = re.compile(r"^ {0,3}\{:\s*toc\s*\}[ \t]*$")
_TOC_ITEM = re.compile(r"^ {0,3}(?:[*+-]|1\.)\s+(?:TOC|Table of Contents)\s*$", re.IGNORECASE)
_SPAN_MARK = re.compile(r"\{:(?!:)[^{}\n]*\}")
_CODE_SPAN = re.compile(r"(`+)[^`]*?\1")
_COMMENT_OPEN = "{::comment}"
_COMMENT_CLOSE = re.compile(r"\{:/(?:comment)?\}")
_NOMARKDOWN = re.compile(r"\{::nomarkdown\}|\{:/nomarkdown\}|\{:/\}")


def strip_kramdown(text: str) -> str:
    """``text`` without kramdown's attribute lists and extension tags (see the module)."""
    if "{:" not in text:
        return text
    text = _NOMARKDOWN.sub("", _without_comments(text))
    kept: list[str] = []
    fence: str | None = None
    for line in text.split("\n"):
        opening = _FENCE.match(line)
        if fence is not None:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
            kept.append(line)
            continue
        if opening:
            fence = opening.group(1)
            kept.append(line)
            continue
        if line.startswith(("    ", "\t")):
            kept.append(line)
            continue
        if _TOC_MARK.match(line) and kept and _TOC_ITEM.match(kept[-1]):
            kept.pop()
            continue
        if _BLOCK_MARK.match(line):
            continue
        kept.append(_strip_spans(line) if "{:" in line else line)
    return "\n".join(kept)


def _without_comments(text: str) -> str:
    # A scan, not a lazy pattern: that rescans the rest from every comment left open.
    pieces, pos = [], 0
    while (start := text.find(_COMMENT_OPEN, pos)) != -1:
        close = _COMMENT_CLOSE.search(text, start + len(_COMMENT_OPEN))
        if close is None:
            break  # no later comment can close either
        pieces.append(text[pos:start])
        pos = close.end()
    pieces.append(text[pos:])
    return "".join(pieces)


def _strip_spans(line: str) -> str:
    # Code spans keep what they hold: marks are taken out of the text between them only.
    pieces, pos = [], 0
    for code in _CODE_SPAN.finditer(line):
        pieces += [_SPAN_MARK.sub("", line[pos : code.start()]), code.group()]
        pos = code.end()
    pieces.append(_SPAN_MARK.sub("", line[pos:]))
    return "".join(pieces).rstrip()
