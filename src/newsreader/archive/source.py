"""An article's source address, found in its body: a pure regular expression.

The loader calls :func:`find_source_url` for every post it reads, so this module imports
nothing but :mod:`re`: a parsing process must not load the render layer (Rich, markdown-it).
"""

from __future__ import annotations

import re

__all__ = ["find_source_url"]

# No control or bidi character in an address: it is shown, and offered to open.
_SOURCE_LINE = re.compile(
    r"^[ \t]*<(https?://[^\s<>\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]+)>"
    r"[ \t]*\r?$",
    re.MULTILINE | re.IGNORECASE,
)


def find_source_url(body: str) -> str | None:
    """The article's source: the last line that is only a bare `<http(s)://…>` autolink.

    A regex and nothing else, since the loader calls it for every post; `<>` gives None.
    """
    if "<h" not in body and "<H" not in body:
        return None
    found = _SOURCE_LINE.findall(body)
    return str(found[-1]) if found else None
