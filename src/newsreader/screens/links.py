"""``o`` and ``y``: a post's source address, or its link N, opened in the browser or copied.

A link to another post of the archive (see `newsreader.render.links`) opens that post in the
reader instead, through the ``open_post`` the caller passes. :class:`LinkKeys` are the
reader's keys for them, with the digits typed before one (``3o``, ``12y``).
"""

from __future__ import annotations

import webbrowser
from collections.abc import Callable, Sequence
from typing import Any

from textual import events
from textual.screen import Screen

from newsreader.archive import Post
from newsreader.render.links import ArticleLink
from newsreader.screens.link_list import LinkChoice, LinkListScreen
from newsreader.words import counted

SAFE_SCHEMES = ("http://", "https://", "mailto:")
"""The only addresses handed to a browser: an archive may hold ``javascript:`` or ``file:``."""


class LinkKeys:
    """The reader's ``o``, ``y`` and ``L``, and the number typed before ``o`` or ``y``.

    ``o`` opens the post's source address, ``y`` copies it; after digits (``3o``, ``12y``)
    they open or copy that link of the open article instead. A digit tells what the keys
    will do with the link only when the article has it, so ``9o`` on an article of five
    links says "No link 9" once, not "Link 9: o opens it" first.
    """

    MAX_DIGITS = 6

    def __init__(
        self,
        screen: Screen[Any],
        article: Callable[[], Post | None],
        current: Callable[[], Post | None],
        links: Callable[[], Sequence[ArticleLink]],
        open_post: Callable[[str], None],
    ) -> None:
        """``article``: the open article; ``current``: the post under the list's cursor;
        ``links``: the open article's links, numbered as shown; ``open_post``: opens a post of
        the archive by its id."""
        self._screen = screen
        self._article = article
        self._current = current
        self._links = links
        self._open_post = open_post
        self._digits = ""
        self._number: int | None = None

    def take(self, event: events.Key) -> bool:
        """Note a key before its binding runs: True for a digit, kept for the key after it;
        any other key is given the number typed before it."""
        if event.character is not None and event.character.isdecimal() and event.is_printable:
            self._digits = (self._digits + event.character)[-self.MAX_DIGITS :]
            number = int(self._digits)
            if self._article() is not None and 1 <= number <= len(self._links()):
                self._screen.notify(f"Link {number}: o opens it, y copies it", timeout=2)
            return True
        self._number = int(self._digits) if self._digits else None
        self._digits = ""
        return False

    def open(self) -> None:
        """Open the source address in the browser; after a number, that link."""
        if self._number is None:
            open_source(self._screen, self._article() or self._current())
        elif link := self._numbered_link(self._number):
            open_link(self._screen, link, self._open_post)

    def copy(self) -> None:
        """Copy the source address; after a number, that link's."""
        if self._number is None:
            copy_source(self._screen, self._article() or self._current())
        elif link := self._numbered_link(self._number):
            copy_address(self._screen, link.href)

    def list_links(self) -> None:
        """List the open article's links, to open or copy one."""
        links = tuple(self._links())
        if self._article() is None:
            self._screen.notify("No article open: its links are listed once it is.", timeout=3)
        elif not links:
            self._screen.notify("This article has no links.", timeout=3)
        else:
            self._screen.app.push_screen(LinkListScreen(links), self._chosen)

    def _chosen(self, choice: LinkChoice | None) -> None:
        if choice is None:
            return
        how, link = choice
        if how == "copy":
            copy_address(self._screen, link.href)
        else:
            open_link(self._screen, link, self._open_post)

    def _numbered_link(self, number: int) -> ArticleLink | None:
        links = self._links()
        if self._article() is None:
            self._screen.notify(
                f"No article open: no link {number}.", severity="warning", timeout=3
            )
            return None
        if not 1 <= number <= len(links):
            count = counted(len(links), "link") if links else "no links"
            self._screen.notify(f"No link {number}: this article has {count}.", severity="warning")
            return None
        return links[number - 1]


def _source(screen: Screen[Any], post: Post | None) -> str | None:
    if post is None or not post.source_url:
        screen.notify("This post has no source address.", severity="warning")
        return None
    return post.source_url


def open_source(screen: Screen[Any], post: Post | None) -> None:
    """Open the post's source address in the browser (in a thread: it may wait for one)."""
    url = _source(screen, post)
    if url is not None:
        open_address(screen, url)


def copy_source(screen: Screen[Any], post: Post | None) -> None:
    """Copy the source address (OSC 52, so it works over ssh too)."""
    url = _source(screen, post)
    if url is not None:
        copy_address(screen, url)


def open_link(screen: Screen[Any], link: ArticleLink, open_post: Callable[[str], None]) -> None:
    """Open link ``link``: in the browser, or, for a post of the archive, in the reader."""
    post_id = link.post_id
    if post_id is not None:
        open_post(post_id)
    else:
        open_address(screen, link.href)


def open_address(screen: Screen[Any], url: str) -> None:
    """Open ``url`` in the browser when it is http(s) or mailto, saying which address first."""
    if not url.lower().startswith(SAFE_SCHEMES):
        screen.notify(f"Refused to open {url!r}: not an http(s) address.", severity="error")
        return
    screen.notify(f"Opening {url}")

    def work() -> None:
        if not webbrowser.open(url, new=2):
            message = f"No browser could open {url}"
            screen.app.call_from_thread(screen.notify, message, severity="warning")

    screen.run_worker(work, thread=True, group="browser")


def copy_address(screen: Screen[Any], url: str) -> None:
    """Copy ``url`` (OSC 52, so it works over ssh too), saying which."""
    screen.app.copy_to_clipboard(url)
    screen.notify(f"Copied {url}", timeout=3)
