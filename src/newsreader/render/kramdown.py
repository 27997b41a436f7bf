"""kramdown's own syntax, which CommonMark would show as typed, taken out of Markdown text.

Jekyll converts Markdown with kramdown, whose attribute lists (``{: .note}``, ``{:#id}``,
``{:toc}``, ``{::options …}``) and extensions (``{::comment}…{:/comment}``,
``{::nomarkdown}…{:/nomarkdown}``) only style or steer the conversion: they carry no text, so
they are removed, but never inside code (fenced blocks, indented blocks, code spans).
A ``* TOC`` list line marked ``{:toc}`` is the placeholder of a table of contents: it goes too.

One attribute list does change what is shown: ``{: .language-ruby}`` right after (or right
before) an indented code block, or after a fenced one without a language, names the block's
language, so the block becomes a fenced one of that language and is highlighted as such.
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
_LANGUAGE = re.compile(r"""(?:\.|class=["']?(?:[^"'}]*\s)?)language-([A-Za-z0-9_+#-]+)""")
_INDENTED = re.compile(r"^(?: {4}|\t)")
_BACKTICKS = re.compile(r"`{3,}")


def strip_kramdown(text: str) -> str:
    """``text`` without kramdown's attribute lists and extension tags (see the module)."""
    if "{:" not in text:
        return text
    text = _NOMARKDOWN.sub("", _without_comments(text))
    kept: list[str] = []
    fence: str | None = None
    fence_start = 0  # in ``kept``, the opening line of the open fenced block
    closed_fence: int | None = None  # that of the fenced block the last kept line closed
    code_start = 0  # in ``kept``, where the run of indented lines ending it begins
    language: str | None = None  # named before an indented block, for the lines that follow
    for line in text.split("\n"):
        opening = _FENCE.match(line)
        if fence is not None:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence, closed_fence = None, fence_start
            kept.append(line)
            continue
        if language is not None and not _INDENTED.match(line):
            _fence_code(kept, code_start, language)
            language = None
        just_closed, closed_fence = closed_fence, None
        if opening:
            fence, fence_start = opening.group(1), len(kept)
            kept.append(line)
            continue
        if _INDENTED.match(line):
            if not kept or not _INDENTED.match(kept[-1]):
                code_start = len(kept)
            kept.append(line)
            continue
        named = _block_language(line)
        if named and just_closed is not None and not _FENCE.sub("", kept[just_closed]).strip():
            kept[just_closed] = kept[just_closed].rstrip() + named
        elif named and kept and code_start == 0 and _INDENTED.match(kept[-1]):
            _fence_code(kept, code_start, named)  # the indented block opens the text
        elif named and not kept:
            language, code_start = named, 0
        if _TOC_MARK.match(line) and kept and _TOC_ITEM.match(kept[-1]):
            kept.pop()
            continue
        if _BLOCK_MARK.match(line):
            continue
        kept.append(_strip_spans(line) if "{:" in line else line)
    if language is not None:
        _fence_code(kept, code_start, language)
    return "\n".join(kept)


def _block_language(line: str) -> str | None:
    """The language a block attribute list line names (``{: .language-ruby}``), if any."""
    if not _BLOCK_MARK.match(line):
        return None
    match = _LANGUAGE.search(line)
    return match.group(1) if match else None


def _fence_code(kept: list[str], start: int, language: str) -> None:
    """Make the indented lines ``kept[start:]`` a fenced block of ``language``."""
    if start >= len(kept) or not all(_INDENTED.match(line) for line in kept[start:]):
        return
    code = [_INDENTED.sub("", line, count=1) for line in kept[start:]]
    longest = max((len(run) for line in code for run in _BACKTICKS.findall(line)), default=2)
    fence = "`" * max(3, longest + 1)
    kept[start:] = [fence + language, *code, fence]


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
