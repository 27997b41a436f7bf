"""Linear scans of a body's Liquid tags, for the steps `liquid` takes before and around its engine.

A lazy pattern such as ``\\{%.*?%\\}`` rescans the rest of the body from every ``{%`` that never
closes, so a body of 40,000 unclosed tags took minutes. These scans find each close with
`str.find` and keep it while it is still ahead, so every character is looked at a bounded
number of times. `lexing_cost` estimates, the same way, how much the engine's own lexer (lazy
patterns too) would scan, so a body that would make it scan quadratically is never given to it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

_OPENING = re.compile(r"\{(?=[%{])")
_CLOSERS = {"%": "%}", "{": "}}"}
_HIGHLIGHT_OPEN = re.compile(r"\{%-?\s*highlight\s+([A-Za-z0-9_+#.-]*)")
_HIGHLIGHT_END = re.compile(r"\{%-?\s*endhighlight\s*-?%\}")
_INCLUDE_OPEN = re.compile(r"\{%-?\s*include(?:_relative)?\s+")
_VERBATIM_BLOCKS = (
    (re.compile(r"\{%-?\s*raw\s*-?%\}"), re.compile(r"\{%-?\s*endraw\s*-?%\}")),
    (re.compile(r"\{%-?\s*doc\s*-?%\}"), re.compile(r"\{%-?\s*enddoc\s*-?%\}")),
)


def _tag_ends(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each ``{%``/``{{`` (every position), end its first close or -1."""
    ahead = {"%}": -2, "}}": -2}  # the first close at or after a position; -1: none left
    for opening in _OPENING.finditer(text):
        start = opening.start()
        closer = _CLOSERS[text[start + 1]]
        close = ahead[closer]
        if close != -1 and close < start + 2:
            close = ahead[closer] = text.find(closer, start + 2)
        yield start, -1 if close == -1 else close + 2


def remove_liquid(text: str) -> str:
    """``text`` without its Liquid tags and outputs (an unclosed one stays as typed)."""
    pieces: list[str] = []
    pos = 0
    for start, end in _tag_ends(text):
        if start >= pos and end != -1:
            pieces.append(text[pos:start])
            pos = end
    pieces.append(text[pos:])
    return "".join(pieces)


def lexing_cost(text: str) -> int:
    """About how many characters the engine's lexer would scan for ``text``.

    Every ``{%``/``{{`` scans to its close (to the end when it has none), and every ``raw`` or
    ``doc`` block left open scans to the end for its closing tag.
    """
    cost = sum((end if end != -1 else len(text)) - start for start, end in _tag_ends(text))
    for opening, closing in _VERBATIM_BLOCKS:
        last_close = max((m.start() for m in closing.finditer(text)), default=-1)
        cost += sum(len(text) - m.start() for m in opening.finditer(text, last_close + 1))
    return cost


def replace_highlights(text: str, fenced: Callable[[str, str], str]) -> str:
    """``text`` with each ``{% highlight lang %}…{% endhighlight %}`` as ``fenced(lang, code)``."""
    pieces: list[str] = []
    pos = 0
    for opening in _HIGHLIGHT_OPEN.finditer(text):
        if opening.start() < pos:
            continue
        # The opening tag holds no `%` but its closing `%}` (options such as `linenos` pass).
        percent = text.find("%", opening.end())
        if percent == -1 or not text.startswith("%}", percent):
            continue
        code_start = percent + 2 + text.startswith("\n", percent + 2)
        ending = _HIGHLIGHT_END.search(text, code_start)
        if ending is None:
            break  # no later block can close either
        pieces += [
            text[pos : opening.start()],
            fenced(opening.group(1), text[code_start : ending.start()]),
        ]
        pos = ending.end()
    pieces.append(text[pos:])
    return "".join(pieces)


def replace_includes(text: str, note: Callable[[str], str]) -> str:
    """``text`` with each ``{% include what %}`` (or ``include_relative``) as ``note(what)``."""
    pieces: list[str] = []
    pos = 0
    for opening in _INCLUDE_OPEN.finditer(text):
        if opening.start() < pos:
            continue
        close = text.find("%}", opening.end())
        if close == -1:
            break  # no later include can close either
        what = text[opening.end() : close]
        what = what.removesuffix("-").rstrip()
        pieces += [text[pos : opening.start()], note(what)]
        pos = close + 2
    pieces.append(text[pos:])
    return "".join(pieces)
