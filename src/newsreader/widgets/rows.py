"""What the sidebar's category list and the article list share: a ScrollView drawn a line at
a time, one row a line, with a current row kept on screen."""

from __future__ import annotations

from textual.geometry import Size
from textual.scroll_view import ScrollView


def fit_rows(view: ScrollView, count: int) -> None:
    """Make the view's virtual size ``count`` rows of its width."""
    # Setting virtual_size lays the widget out again, so only do it when it changes.
    size = Size(view.scrollable_content_region.width, count)
    if size != view.virtual_size:
        view.virtual_size = size


def refresh_row(view: ScrollView, row: int) -> None:
    """Repaint one row (of the whole list) if it is on screen."""
    top = view.scroll_offset.y
    if top <= row < top + view.scrollable_content_region.height:
        view.refresh_line(row)  # takes the list's row: it subtracts the scroll itself


def scroll_to_row(view: ScrollView, row: int) -> None:
    """Scroll as little as needed for ``row`` to be on screen."""
    height = view.scrollable_content_region.height
    if height <= 0:
        return
    top = view.scroll_offset.y
    if row < top:
        view.scroll_to(y=row, animate=False)
    elif row >= top + height:
        view.scroll_to(y=row - height + 1, animate=False)
