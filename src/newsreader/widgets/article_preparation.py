"""Preparing an article for the reading pane in a worker thread: converted, laid out, bounded.

`prepare_article` runs in the pane's thread worker: it converts the post (unless cached), lays it
out at the pane's widths with a console of its own (the app's holds a lock while it renders),
and stops when the worker is cancelled (another post was opened) or past `TIME_LIMIT`, when the
post is laid out as plain text with a note saying why.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import tzinfo
from typing import Literal

from rich.console import Console, ConsoleOptions, RenderableType
from rich.text import Text
from textual.worker import get_current_worker

from newsreader.archive import Post
from newsreader.render import Article, ArticleStyles, render_article
from newsreader.render.layout import (
    ArticleLayout,
    LayoutStopped,
    lay_out,
    layout_console,
    plain_article,
)
from newsreader.render.links import PostFinder

TIME_LIMIT = 1.5
"""Seconds an article may take to convert and lay out before it is shown as plain text."""

GoTo = Literal["first", "last"]


@dataclass(frozen=True, slots=True)
class PrepareOrder:
    """What the worker is to prepare, and what the pane does once it is shown."""

    token: int
    post: Post
    labels: Mapping[str, str]
    styles: ArticleStyles
    find_post: PostFinder | None
    zone: tzinfo | None
    """The zone the date is shown in (None: the post's own offset)."""
    terms: tuple[str, ...]
    go_to: GoTo | None
    from_top: bool
    widths: tuple[int, ...]
    """Narrower first: the next is laid out too only when the article fits the height."""
    same: bool
    """What is shown, laid out again at another width."""


@dataclass(frozen=True, slots=True)
class PreparedArticle:
    """An article the worker made ready: for the cache, as shown, and laid out."""

    order: PrepareOrder
    article: RenderableType
    shown: RenderableType
    layouts: list[ArticleLayout]


def converted(
    post: Post,
    labels: Mapping[str, str],
    styles: ArticleStyles,
    find_post: PostFinder | None,
    zone: tzinfo | None = None,
) -> RenderableType:
    try:
        return render_article(post, labels, styles, find_post=find_post, zone=zone)
    except Exception as error:  # one bad article must not end the reader
        return Text(f"This article could not be shown: {error}", style="bold red")


def highlighted(article: RenderableType, terms: tuple[str, ...]) -> RenderableType:
    return article.highlighted(terms) if isinstance(article, Article) else article


def prepare_article(
    order: PrepareOrder, cached: RenderableType | None, options: ConsoleOptions, height: int
) -> PreparedArticle | None:
    """In the worker thread: ``order``'s post converted (unless cached) and laid out.

    None when the worker was cancelled (another post was opened). Past `TIME_LIMIT` the post
    is laid out as plain text instead, with a note saying why.
    """
    worker = get_current_worker()
    deadline = time.monotonic() + TIME_LIMIT

    def stop_check() -> None:
        if worker.is_cancelled:
            raise LayoutStopped("cancelled")
        if time.monotonic() > deadline:
            raise LayoutStopped("too slow")

    console = layout_console()
    article = (
        cached
        if cached is not None
        else converted(order.post, order.labels, order.styles, order.find_post, order.zone)
    )
    shown = highlighted(article, order.terms)
    try:
        stop_check()
        layouts = layouts_for(shown, console, options, order.widths, height, stop_check)
    except LayoutStopped:
        if worker.is_cancelled:
            return None
        note = (
            f"This article took longer than {TIME_LIMIT:g} s to lay out, so it is shown as"
            " plain text, without its formatting."
        )
        article = shown = plain_article(order.post, note)
        layouts = layouts_for(shown, console, options, order.widths, height, None)
    except Exception as error:  # Rich on a pathological article: say so, keep reading
        article = shown = Text(f"This article could not be shown: {error}", style="bold red")
        layouts = layouts_for(shown, console, options, order.widths, height, None)
    return PreparedArticle(order, article, shown, layouts)


def layouts_for(
    renderable: RenderableType,
    console: Console,
    options: ConsoleOptions,
    widths: tuple[int, ...],
    height: int,
    stop_check: Callable[[], None] | None,
) -> list[ArticleLayout]:
    layouts = [lay_out(renderable, console, options, widths[0], stop_check)]
    for width in widths[1:]:
        if len(layouts[-1].lines) > height:
            break  # the scrollbar shows: the narrower width is the one
        layouts.append(lay_out(renderable, console, options, width, stop_check))
    return layouts
