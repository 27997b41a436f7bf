"""How the commands print rows: a table that fits the terminal, or tab-separated lines.

On a terminal, :func:`fitted_rows` lays out columns that are always shown whole but one,
which is cut to what is left; widths are measured on the text as it will be printed (under a
locale that cannot carry Chinese, its backslash escapes: see :func:`as_printed`). Into a pipe,
:func:`tsv_line` writes every field whole, one line per row, as ``gh`` does.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from typing import TextIO

from rich.cells import cell_len, set_cell_size

from newsreader.streams import carries_utf8

COLUMN_GAP = "  "

_TSV_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_TSV_SPECIAL = re.compile(r"[\\\x00-\x1f\x7f]")


def tsv_field(value: str) -> str:
    """``value`` on one line without tabs: backslash, tab, newline and carriage return as
    ``\\\\ \\t \\n \\r``, any other control character as ``\\xHH``."""
    return _TSV_SPECIAL.sub(
        lambda match: _TSV_ESCAPES.get(match.group(), f"\\x{ord(match.group()):02x}"), value
    )


def tsv_line(fields: Sequence[str]) -> str:
    """One row of tab-separated values, each escaped by :func:`tsv_field`."""
    return "\t".join(tsv_field(field) for field in fields)


def as_printed(text: str, stream: TextIO | None = None) -> str:
    """``text`` as ``stream`` (default stdout) will write it: what its encoding cannot carry
    becomes a backslash escape, as :func:`newsreader.streams.prepare_streams` has it write."""
    stream = stream or sys.stdout
    if carries_utf8(stream):
        return text
    encoding = getattr(stream, "encoding", None) or "ascii"
    return text.encode(encoding, "backslashreplace").decode(encoding)


def ellipsis(stream: TextIO | None = None) -> str:
    """The mark of a cut text: ``…`` where it can be printed, else ``...``."""
    return "…" if carries_utf8(stream or sys.stdout) else "..."


def cut(text: str, width: int, mark: str) -> str:
    """``text`` in at most ``width`` cells, ending in ``mark`` when it had to be cut."""
    if cell_len(text) <= width:
        return text
    if width <= cell_len(mark):
        return mark[:width]
    return set_cell_size(text, width - cell_len(mark)).rstrip() + mark


def fitted_rows(rows: Sequence[Sequence[str]], width: int, cut_column: int, mark: str) -> list[str]:
    """``rows`` as lines of at most ``width`` cells: every column padded to its widest cell,
    except ``cut_column``, which takes what the others leave (at least one cell) and is cut
    with ``mark`` where longer. The last column is not padded."""
    if not rows:
        return []
    count = len(rows[0])
    widths = [max(cell_len(row[column]) for row in rows) for column in range(count)]
    others = sum(widths) - widths[cut_column] + cell_len(COLUMN_GAP) * (count - 1)
    widths[cut_column] = max(1, min(widths[cut_column], width - others))
    lines = []
    for row in rows:
        cells = []
        for column, text in enumerate(row):
            if column == cut_column:
                text = cut(text, widths[column], mark)
            cells.append(text if column == count - 1 else set_cell_size(text, widths[column]))
        lines.append(COLUMN_GAP.join(cells).rstrip())
    return lines
