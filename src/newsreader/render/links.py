"""An article's links, numbered in reading order: ``text[3]`` in the article, listed by number.

`LinkNumbering` gives each distinct address one number as the article is built; the reader
lists them (``L``), opens or copies one by number, and ``newsreader show`` ends with them under
"References", as ``lynx -dump`` does.

Links to posts of the same archive: a link whose address is ``newsreader:`` followed by a
post's id (`Post.id`, the path from the archive root with forward slashes, percent-encoded as
`post_href` does) stays a link, and opening it in the reader opens that post. Whatever turns a
Jekyll ``{% post_url %}`` or ``{% link %}`` into a link writes such an address (`post_href`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import quote, unquote

from newsreader.archive.text import clean_line

POST_SCHEME = "newsreader:"
"""Address prefix of a link to another post of the archive; the post's id follows."""


def post_href(post_id: str) -> str:
    """The address of a link to the post with this id."""
    return POST_SCHEME + quote(post_id, safe="/")


def linked_post_id(href: str) -> str | None:
    """The id of the post ``href`` links to, when it is a `post_href`; else None."""
    href = href.strip()
    if not href.lower().startswith(POST_SCHEME):
        return None
    post_id = clean_line(unquote(href[len(POST_SCHEME) :]))
    return post_id or None


def vetted_post_href(href: str) -> str | None:
    """``href`` written as `post_href` writes it, when it links to a post; else None."""
    post_id = linked_post_id(href)
    return None if post_id is None else post_href(post_id)


@dataclass(frozen=True, slots=True)
class ArticleLink:
    """One numbered address of an article."""

    number: int
    """From 1, in reading order; an address linked twice keeps its first number."""
    href: str
    """The vetted address: http, https or mailto, or a `post_href`."""
    text: str
    """The text of its first link, as read in the article."""

    @property
    def post_id(self) -> str | None:
        """The id of the archive's post it links to, if it is a `post_href`."""
        return linked_post_id(self.href)


PostFinder = Callable[[str], str | None]
"""The id of the post a link names (an id, or a Jekyll ``post_url`` name), None if none."""


class LinkNumbering:
    """Numbers the addresses of one article as its links are met, in reading order.

    With ``find_post``, a link to a post that names it as Jekyll does
    (``newsreader:2010-07-21-name``) is listed under the post's id, as `show` prints it and
    the reader opens it.
    """

    def __init__(self, find_post: PostFinder | None = None) -> None:
        self._numbers: dict[str, int] = {}
        self._find_post = find_post
        self.links: list[ArticleLink] = []

    def number(self, href: str, text: str) -> int:
        """The number of ``href``: its earlier one, or the next."""
        name = linked_post_id(href) if self._find_post is not None else None
        if name is not None and self._find_post is not None:
            post_id = self._find_post(name)
            href = post_href(post_id) if post_id is not None else href
        known = self._numbers.get(href)
        if known is not None:
            return known
        link = ArticleLink(len(self.links) + 1, href, " ".join(text.split()))
        self._numbers[href] = link.number
        self.links.append(link)
        return link.number


def reference_lines(links: Sequence[ArticleLink]) -> list[str]:
    """The "References" section that ends ``newsreader show`` (none without links)."""
    if not links:
        return []
    digits = len(str(links[-1].number))
    return ["References", "", *(f" {link.number:>{digits}}. {link.href}" for link in links)]
