"""Article text set into lines by the Unicode line-breaking rules, as a printed page is.

Rich wraps a `Text` at spaces and folds Chinese at any character, so a line may begin with
``，`` or ``」``, and ``2022年`` or ``0.05%`` may be split. `LineBreakingText` is a `Text` that
wraps at the break opportunities of UAX #14 instead, with the Chinese/Japanese prohibitions
(kinsoku): closing punctuation, small kana and ``%`` never begin a line, opening punctuation
never ends one, numbers and words stay whole, and a line may break between a Chinese character
and a Latin word without a space. Each line fills to its last column when the next piece fits;
a piece wider than a line is folded, a wide character never straddling two lines.

The opportunities come from ICU's line breaker (`icu4py`, the Chinese locale's rules), cached
per paragraph text so a new width costs only the filling. Tailored as Chinese typesetting
wants: ICU allows a break after each ``/`` of an address, inside ``2022年3月31日`` and between
a number and its unit; here none of them breaks unless longer than a line.

Every place that wraps prose makes its `Text` a `LineBreakingText` (`line_breaking`): Markdown
paragraphs, headings and table cells (render/highlight.py's elements, which list items and
block quotes are made of) and the article's title (render/article.py).
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from functools import lru_cache
from itertools import accumulate

from icu4py.breakers import LineBreaker
from rich.cells import cell_len, get_character_cell_size
from rich.console import Console, ConsoleOptions, JustifyMethod, OverflowMethod
from rich.containers import Lines
from rich.measure import Measurement
from rich.text import Text

_LOCALE = "zh"
# Kept on one line when it fits: an address (to the first space, quote, angle bracket or
# non-ASCII character) and a date written in Chinese (2022年3月31日).
_UNBREAKABLE = re.compile(
    r"(?:[a-z][a-z0-9+.-]{0,31}://|www\.|mailto:)[!#-;=?-~]+"
    r"|[0-9]{1,4}年[0-9]{1,2}月(?:[0-9]{1,2}日)?|[0-9]{1,2}月[0-9]{1,2}日",
    re.IGNORECASE,
)
# A number stays with the ideograph after it, its unit or measure word (31日, 5亿, 3个), and
# a percent sign never begins a line, even after a space ("50 %").
_NO_BREAK_BEFORE = re.compile("(?<=[0-9])[\u3400-\u4dbf\u4e00-\u9fff]|[%％]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# Paragraphs longer than this are not cached: 2,048 of them would hold too much memory.
_CACHED_LENGTH = 4_000


def break_opportunities(text: str) -> tuple[int, ...]:
    """The offsets in ``text`` after which a line may end, ascending, ending with its length."""
    return tuple(_measured_pieces(text)[::3])


def _measured_pieces(text: str) -> array[int]:
    # Per piece between two break opportunities: its end, its cells, its cells without the
    # spaces it ends with; flat, three ints a piece. Cached for paragraphs of ordinary length
    # (a long one costs little next to its layout).
    if len(text) > _CACHED_LENGTH:
        return _measure(text)
    return _cached_breaks(text)


@lru_cache(maxsize=2048)
def _cached_breaks(text: str) -> array[int]:
    return _measure(text)


def _measure(text: str) -> array[int]:
    ends = _find_breaks(text)
    pieces = array("l")
    start = 0
    if "\u200d" in text or "\ufe0f" in text:  # joined emoji: a sequence's width is no sum
        for end in ends:
            piece = text[start:end]
            pieces += array("l", (end, cell_len(piece), cell_len(piece.rstrip())))
            start = end
        return pieces
    # Otherwise a piece's cells are the sum of its characters': measured once, not per width.
    cells = list(accumulate(map(get_character_cell_size, text), initial=0))
    for end in ends:
        visible = end
        while visible > start and text[visible - 1].isspace():
            visible -= 1
        pieces += array("l", (end, cells[end] - cells[start], cells[visible] - cells[start]))
        start = end
    return pieces


def _find_breaks(text: str) -> list[int]:
    # ICU refuses lone surrogates; one stand-in per code point keeps the offsets.
    safe = _SURROGATE.sub("\ufffd", text)
    ends = [end for _, end in LineBreaker(safe, _LOCALE).segments()]
    if len(safe.encode("utf-16-le")) != 2 * len(safe):
        ends = _code_point_offsets(safe, ends)
    kept = {match.start() for match in _NO_BREAK_BEFORE.finditer(text)}
    spans = [match.span() for match in _UNBREAKABLE.finditer(text)]
    if not spans:
        return [end for end in ends if end not in kept]
    starts = [start for start, _ in spans]

    def inside_span(offset: int) -> bool:
        index = bisect_right(starts, offset - 1) - 1
        return index >= 0 and offset < spans[index][1]

    return [end for end in ends if end not in kept and not inside_span(end)]


def _code_point_offsets(text: str, utf16_offsets: list[int]) -> list[int]:
    # ICU counts UTF-16 units: a character beyond the BMP (rare CJK, emoji) is two of them.
    wanted = iter(utf16_offsets)
    result: list[int] = []
    target = next(wanted, None)
    units = 0
    for index, char in enumerate(text):
        while target is not None and target <= units:
            result.append(index)
            target = next(wanted, None)
        units += 2 if ord(char) > 0xFFFF else 1
    while target is not None:
        result.append(len(text))
        target = next(wanted, None)
    return result


def line_offsets(text: str, width: int, *, fold: bool = True) -> list[int]:
    """Where to divide ``text`` (one line, no line breaks) so each part fits ``width`` cells.

    Like Rich's `divide_line`: offsets to pass to `Text.divide`. Spaces at a break stay at the
    end of the earlier part (`LineBreakingText.wrap` strips them). A piece wider than
    ``width`` starts a line and, with ``fold``, is cut into lines of ``width`` cells.
    """
    offsets: list[int] = []
    used = 0
    start = 0
    pieces = iter(_measured_pieces(text))
    for end, cells, visible in zip(pieces, pieces, pieces, strict=True):
        if used + visible > width:
            if used and start:
                offsets.append(start)
            used = cells
            if visible > width and fold:
                folds, used = _fold(text, start, end, width)
                offsets += folds
        else:
            used += cells
        start = end
    return offsets


def _fold(text: str, start: int, end: int, width: int) -> tuple[list[int], int]:
    # Cut text[start:end] into lines of ``width`` cells; a space never begins a line (it stays
    # at the end of the earlier one, to be stripped). Returns the cuts and the last line's cells.
    offsets: list[int] = []
    used = 0
    for index in range(start, end):
        size = get_character_cell_size(text[index])
        if used + size > width and used and not text[index].isspace():
            offsets.append(index)
            used = 0
        used += size
    return offsets, used


class LineBreakingText(Text):
    """A Rich `Text` that wraps by the line-breaking rules (see the module), keeping its
    styles, justification and overflow; lines carry no spaces left over from a break."""

    def wrap(
        self,
        console: Console,
        width: int,
        *,
        justify: JustifyMethod | None = None,
        overflow: OverflowMethod | None = None,
        tab_size: int = 8,
        no_wrap: bool | None = None,
    ) -> Lines:
        """The text as lines of at most ``width`` cells (Rich's `Text.wrap`, other breaks)."""
        no_wrap = bool(self.no_wrap if no_wrap is None else no_wrap) or overflow == "ignore"
        if no_wrap:
            return super().wrap(
                console, width, justify=justify, overflow=overflow, tab_size=tab_size, no_wrap=True
            )
        wrap_justify = justify or self.justify or "default"
        wrap_overflow = overflow or self.overflow or "fold"
        lines = Lines()
        for line in self.split(allow_blank=True):
            if "\t" in line:
                line.expand_tabs(tab_size)
            offsets = line_offsets(line.plain, width, fold=wrap_overflow == "fold")
            new_lines = line.divide(offsets)
            for part in new_lines:
                part.rstrip()
            new_lines.justify(console, width, justify=wrap_justify, overflow=wrap_overflow)
            for part in new_lines:
                part.truncate(width, overflow=wrap_overflow)
            lines.extend(new_lines)
        return lines

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        # The narrowest width is that of the widest unbreakable piece, not of the widest run
        # without spaces (a Chinese sentence), so a table can narrow its columns.
        measured = super().__rich_measure__(console, options)
        widest = max(
            (max(_measured_pieces(line)[2::3], default=0) for line in self.plain.split("\n")),
            default=0,
        )
        return Measurement(min(widest, measured.minimum), measured.maximum)

    def copy(self) -> LineBreakingText:
        """A copy that still wraps by the rules."""
        return line_breaking(self)


def line_breaking(text: Text) -> LineBreakingText:
    """``text`` (plain text, spans and settings) as a `LineBreakingText`."""
    result = LineBreakingText(
        text.plain,
        style=text.style,
        justify=text.justify,
        overflow=text.overflow,
        no_wrap=text.no_wrap,
        end=text.end,
        tab_size=text.tab_size,
    )
    result.spans = list(text.spans)
    return result
