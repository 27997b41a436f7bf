"""An article laid out in lines at a width, as the reading pane shows it, with a time bound.

Laying out is the heavy half of showing an article (Rich renders every line), so the reading
pane does it in a worker thread with its own `Console` (the app's console holds a lock while
it renders). `lay_out` checks, every few hundred segments, whether it must stop: the reader
opened another post, or the time allowed ran out (`LayoutStopped`). A post that runs out of
time is shown by `plain_article`: its words as plain text, which lays out in linear time.
"""

from __future__ import annotations

import html
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment
from rich.text import Text

from newsreader.archive.post import Post
from newsreader.archive.tags import strip_tags
from newsreader.archive.text import clean_line, clean_text

from .highlight import MATCH_KEY
from .markdown import DEFAULT_MAX_CHARS

_CHECK_EVERY = 500
"""Segments rendered between two calls of the stop check."""


class LayoutStopped(Exception):
    """Raised by a stop check: the layout is no longer wanted, or took too long."""


@dataclass(frozen=True, slots=True)
class MatchPlace:
    """Where one highlighted match landed in the laid-out article."""

    first_line: int
    last_line: int
    """Differs from ``first_line`` when the match wraps onto the next line."""
    key: int
    """The match's number in the rendering (its ``MATCH_KEY`` meta)."""


class ArticleLayout:
    """A renderable laid out at one width: its lines, and where its matches landed."""

    def __init__(self, width: int, lines: list[list[Segment]]) -> None:
        self.width = width
        self.lines = lines
        self.match_lines: set[int] = set()
        spans: dict[int, list[int]] = {}  # match key -> [first line, last line], reading order
        for y, line in enumerate(lines):
            for segment in line:
                style = segment.style
                key = style.meta.get(MATCH_KEY) if style is not None else None
                if key is None:
                    continue
                self.match_lines.add(y)
                span = spans.setdefault(key, [y, y])
                span[1] = y
        self.places = [MatchPlace(first, last, key) for key, (first, last) in spans.items()]


def layout_console() -> Console:
    """A console of its own for a worker thread, rendering as the app's does (no markup)."""
    return Console(
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        markup=False,
        highlight=False,
        emoji=False,
        legacy_windows=False,
        safe_box=False,
        soft_wrap=False,
    )


def lay_out(
    renderable: RenderableType,
    console: Console,
    options: ConsoleOptions,
    width: int,
    stop_check: Callable[[], None] | None = None,
) -> ArticleLayout:
    """``renderable`` in lines at ``width``, as ``Console.render_lines(pad=False)`` makes them.

    ``stop_check`` is called as the rendering goes; it raises `LayoutStopped` to end it.
    """
    options = options.update(highlight=False, height=None).update_width(max(width, 1))
    segments: Iterable[Segment] = console.render(renderable, options)
    if stop_check is not None:
        segments = _checked(segments, stop_check)
    lines = list(
        Segment.split_and_crop_lines(
            segments, options.max_width, include_new_lines=False, pad=False
        )
    )
    return ArticleLayout(width, lines)


def _checked(segments: Iterable[Segment], stop_check: Callable[[], None]) -> Iterator[Segment]:
    for count, segment in enumerate(segments):
        if count % _CHECK_EVERY == 0:
            stop_check()
        yield segment


def plain_article(post: Post, note: str) -> Text:
    """``post`` as plain text (title, ``note``, then the body's words without markup)."""
    body = html.unescape(strip_tags(post.body[:DEFAULT_MAX_CHARS], ""))
    text = Text(clean_line(post.title) or "(untitled)", style="bold underline")
    text.append("\n\n")
    text.append(note, style="bold yellow")
    text.append("\n\n")
    text.append(clean_text(body).strip())
    return text
