"""An article's source address, found in its body: a pure regular expression.

The loader calls :func:`find_source_url` for every post it reads, so this module imports
nothing but :mod:`re`: a parsing process must not load the render layer (Rich, markdown-it).
"""

from __future__ import annotations

import re

__all__ = ["find_source_url", "trailing_source_line"]

# No control or bidi character in an address: it is shown, and offered to open.
_SOURCE_LINE = re.compile(
    r"^[ \t]*<(https?://[^\s<>\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]+)>"
    r"[ \t]*\r?$",
    re.MULTILINE | re.IGNORECASE,
)


# What may follow the source line: the site's navigation footer of Markdown links.
_FOOTER_LINK = re.compile(r"\[[^\[\]\n]*\]\([^()\s]*\)|<>")
_FOOTER_LEFTOVER = re.compile(r"[\s｜|·/]*")


def trailing_source_line(body: str) -> re.Match[str] | None:
    """The archive's source line: a bare `<http(s)://…>` autolink line that ends the article.

    Only the navigation footer (Markdown links, separators) and blank lines may follow it: an
    autolink line with article text after it is the article's, not its source.
    """
    if "<h" not in body and "<H" not in body:
        return None
    matches = list(_SOURCE_LINE.finditer(body))
    if not matches:
        return None
    last = matches[-1]
    rest = _FOOTER_LINK.sub("", body[last.end() :])
    return last if _FOOTER_LEFTOVER.fullmatch(rest) else None


def find_source_url(body: str) -> str | None:
    """The article's source: its trailing source line's address (see `trailing_source_line`).

    Regexes and nothing else, since the loader calls it for every post; `<>` gives None.
    """
    found = trailing_source_line(body)
    return found.group(1) if found else None
