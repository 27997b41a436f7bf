"""``o`` and ``y``: a post's source address opened in the browser, or copied."""

from __future__ import annotations

import webbrowser

from textual.screen import Screen

from newsreader.archive import Post

SAFE_SCHEMES = ("http://", "https://", "mailto:")
"""The only addresses handed to a browser: an archive may hold ``javascript:`` or ``file:``."""


def _source(screen: Screen[None], post: Post | None) -> str | None:
    if post is None or not post.source_url:
        screen.notify("This post has no source address.", severity="warning")
        return None
    return post.source_url


def open_source(screen: Screen[None], post: Post | None) -> None:
    """Open the post's source address in the browser (in a thread: it may wait for one)."""
    url = _source(screen, post)
    if url is None:
        return
    if not url.lower().startswith(SAFE_SCHEMES):
        screen.notify(f"Refused to open {url!r}: not an http(s) address.", severity="error")
        return
    screen.notify(f"Opening {url}")

    def work() -> None:
        if not webbrowser.open(url, new=2):
            message = f"No browser could open {url}"
            screen.app.call_from_thread(screen.notify, message, severity="warning")

    screen.run_worker(work, thread=True, group="browser")


def copy_source(screen: Screen[None], post: Post | None) -> None:
    """Copy the source address (OSC 52, so it works over ssh too)."""
    url = _source(screen, post)
    if url is not None:
        screen.app.copy_to_clipboard(url)
        screen.notify(f"Copied {url}", timeout=3)
