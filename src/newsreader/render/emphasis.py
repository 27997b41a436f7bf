"""Emphasis as kramdown reads it, where CommonMark's flanking rules give up next to CJK text.

``**风险提示：**市场`` is bold in Jekyll (kramdown) but not in CommonMark: a closing ``**``
after punctuation (``：``) and before a letter (``市``) is not "right-flanking". markdown-it
leaves such delimiters as text, so `kramdown_emphasis` pairs what is left, within one run of
text tokens: ``**…**`` becomes strong, ``*…*`` emphasis, when the inside neither starts nor
ends with a space. Code spans, links and escaped asterisks (``\\*``, kept as ``text_special``
tokens by a parser without the ``text_join`` rule) are never touched: the pairing happens in
plain text tokens only, and the ``text_special`` ones are joined into text afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markdown_it.token import Token

_PAIR = re.compile(r"(\*\*|\*)(?![\s*])(.+?)(?<![\s*])\1(?!\*)")


def kramdown_emphasis(children: Sequence[Token]) -> list[Token]:
    """Inline tokens with leftover ``**``/``*`` pairs made strong/emphasis, text joined."""
    paired: list[Token] = []
    for token in children:
        if token.type == "text" and "*" in token.content:
            paired += _pair(token.content)
        else:
            paired.append(token)
    joined: list[Token] = []
    for token in paired:
        if token.type == "text_special":
            token = Token("text", "", 0, content=token.content)
        if token.type == "text" and joined and joined[-1].type == "text":
            joined[-1].content += token.content
            continue
        joined.append(token)
    return joined


def _pair(text: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    for match in _PAIR.finditer(text):
        marker, inner = match.group(1), match.group(2)
        tag = "strong" if marker == "**" else "em"
        tokens.append(Token("text", "", 0, content=text[pos : match.start()]))
        tokens.append(Token(f"{tag}_open", tag, 1, markup=marker))
        tokens.append(Token("text", "", 0, content=inner))
        tokens.append(Token(f"{tag}_close", tag, -1, markup=marker))
        pos = match.end()
    tokens.append(Token("text", "", 0, content=text[pos:]))
    return [token for token in tokens if token.type != "text" or token.content]
