"""``o`` and ``y``: a post's source address, or its link N, opened in the browser or copied.

A link to another post of the archive (see `newsreader.render.links`) opens that post in the
reader instead, through the ``open_post`` the caller passes.
"""

from __future__ import annotations

import webbrowser
from collections.abc import Callable
from typing import Any

from textual.screen import Screen

from newsreader.archive import Post
from newsreader.render.links import ArticleLink

SAFE_SCHEMES = ("http://", "https://", "mailto:")
"""The only addresses handed to a browser: an archive may hold ``javascript:`` or ``file:``."""


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
