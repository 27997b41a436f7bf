"""How one row of the article list looks: its columns, its marks, its text and styles.

A row is the opened mark, the unread mark, the star, the date (in the list's one zone), the
title (cut with an ellipsis by display width, so wide characters line up) and the category
label, right-aligned (none while the list shows one category: the title takes its room);
exactly as wide as the pane. The styles come from the list's component
classes (``article-list--*``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Protocol

from rich.style import Style
from rich.text import Text

from newsreader.archive.dates import in_zone, strftime_padded
from newsreader.archive.text import even_widths

if TYPE_CHECKING:
    from newsreader.archive.post import Post

GUTTER_WIDTH = 4
"""Cells before the date: the opened mark, the unread mark, the star, and a space (a starred
post still shows whether it is read)."""
OPENED_MARK = "▶"
STAR_MARK = "★"
UNREAD_MARK = "●"
WIDE_DATE_MIN_WIDTH = 70
"""From this content width on, dates show the year and time; below it only month-day."""
LABEL_MAX_WIDTH = 16
LABEL_MIN_WIDTH = 4
"""A label column narrower than this says nothing useful, so it is dropped instead."""

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class ComponentStyles(Protocol):
    """The Rich style of a widget's component classes, combined in the order given."""

    def __call__(self, *component_classes: str) -> Style: ...


def printable(text: str) -> str:
    """``text`` with control characters (newlines, tabs, escapes) as spaces, widths evened.

    One row is one terminal line: a stray newline or escape in a title must not break it, nor
    a character terminals measure differently move the label (a title may come from an index
    written before the loader evened it).
    """
    return even_widths(_CONTROL_CHARACTERS.sub(" ", text))


def format_date(date: datetime, wide: bool) -> str:
    """The date column: ``YYYY-MM-DD HH:MM`` when ``wide``, else ``YYYY-MM-DD``."""
    # Formatted by hand: strftime("%Y") does not zero-pad years before 1000 on every platform.
    day = f"{date.year:04d}-{date.month:02d}-{date.day:02d}"
    return f"{day} {date.hour:02d}:{date.minute:02d}" if wide else day


def row_text(
    post: Post,
    width: int,
    styles: ComponentStyles,
    *,
    labels: Mapping[str, str],
    highlight_terms: Sequence[str] = (),
    date_format: str | None = None,
    zone: tzinfo | None = None,
    cursor: bool = False,
    opened: bool = False,
    unread: bool = False,
    starred: bool = False,
    show_label: bool = True,
) -> Text:
    """The row for ``post``, exactly ``width`` cells wide, styled as Rich text.

    ``labels`` maps category slugs to the label shown; ``highlight_terms`` are marked in the
    title; ``date_format`` is the strftime format of a wide date (None: YYYY-MM-DD HH:MM);
    ``zone`` the zone dates are shown in (None: each post's own offset); ``show_label``
    False gives the label's room to the title.
    """
    states = ("article-list--opened",) if opened else ()
    # The cursor comes last so its colours win on its row, over the date and label's.
    cursor_class = ("article-list--cursor",) if cursor else ()

    def style(*component: str) -> Style:
        return styles(*states, *component, *cursor_class)

    wide = width >= WIDE_DATE_MIN_WIDTH
    moment = post.date if zone is None else in_zone(post.date, zone)
    date = (
        printable(strftime_padded(moment, date_format))
        if wide and date_format
        else format_date(moment, wide)
    )
    space_left = width - GUTTER_WIDTH - len(date) - 1
    label_width = min(LABEL_MAX_WIDTH, max(0, (space_left - 1) // 4))
    if label_width < LABEL_MIN_WIDTH or not show_label:
        label_width = 0
    title_width = space_left - (label_width + 1 if label_width else 0)

    row = Text(style=style(), no_wrap=True, end="")
    row.append(OPENED_MARK if opened else " ")
    row.append(UNREAD_MARK if unread else " ", style("article-list--unread") if unread else "")
    row.append(STAR_MARK if starred else " ", style("article-list--star") if starred else "")
    row.append(" ")
    row.append(date, style("article-list--date"))
    row.append(" ")
    if title_width > 0:
        title = Text(printable(post.title), style("article-list--unread") if unread else "")
        terms = [term for term in highlight_terms if term.strip()]
        if terms:
            match_style = styles(*states, *cursor_class, "article-list--match")
            title.highlight_words(terms, match_style, case_sensitive=False)
        title.truncate(title_width, overflow="ellipsis", pad=True)
        row.append_text(title)
    if label_width:
        slug = post.categories[0] if post.categories else ""
        label = Text(printable(labels.get(slug, slug)), style("article-list--label"))
        label.truncate(label_width, overflow="ellipsis")
        label.pad_left(label_width - label.cell_len)
        row.append(" ")
        row.append_text(label)
    # Narrow panes: whatever did not fit is cut, so the row is never wider than the pane.
    row.truncate(width, overflow="ellipsis", pad=True)
    return row
