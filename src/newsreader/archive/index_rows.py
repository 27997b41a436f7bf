"""How a file becomes an index row, and a row becomes a Post again.

The parsing half runs in worker processes (:func:`parse_chunk` is what the pool calls): it
loads each file with :func:`~newsreader.archive.loader.load_post`, so the index and
``load_archive`` can never disagree about a post, and returns plain tuples (cheap to pickle)
with the post's :func:`~newsreader.archive.query.search_text` for the full-text index.

The reading half (:class:`RowDecoder`) must turn 100,000 rows into Posts in a fraction of a
second, so a row is stored ready to use: the date as integer microseconds since the epoch
plus the UTC offset in seconds (exact, and one addition to rebuild), categories and tags as
space-joined words (the loader splits them on whitespace, so a space never occurs inside one)
and shared between posts, problems joined by a control character the loader never leaves in
a message.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

from newsreader.archive.index_scan import FileStamp, RelPath
from newsreader.archive.loader import LoadOptions, display_path, load_post, relative_id
from newsreader.archive.post import Post, Problem
from newsreader.archive.query import search_text
from newsreader.archive.text import clean_line

__all__ = [
    "ENTRY_COLUMNS",
    "KIND_NOT_POST",
    "KIND_POST",
    "KIND_SKIPPED",
    "SENTINEL",
    "ParsedFile",
    "RowDecoder",
    "parse_chunk",
    "parse_file",
    "path_maker",
    "problems_of",
]

KIND_POST: Final = 0
KIND_SKIPPED: Final = 1
"""A file that could not be read as a post; its message is kept as a problem."""
KIND_NOT_POST: Final = 2
"""A file without front matter outside ``_posts`` (a README): not a post, not a problem."""

SENTINEL: Final = "\uffff\uffff"
"""Appended to every indexed text so each real character starts a trigram (see index_search)."""
_SEPARATOR: Final = "\x1f"
"""Joins a post's problems: the loader builds messages with ``clean_line``/``repr``, never C0."""
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND: Final = timedelta(microseconds=1)
_NO_EXTRA: Final = MappingProxyType[str, Any]({})
_MESSAGE_CHARS: Final = 200

ParsedFile = tuple[
    RelPath,  # rel
    int,  # size
    int,  # mtime_ns
    int,  # kind
    str,  # id (for a skipped file: the problem's path)
    bytes | None,  # the real relative path when the id differs from it (odd names)
    str,  # title, or a skipped file's message
    int,  # date: microseconds since the epoch
    int,  # date: UTC offset in seconds
    str,  # categories, space-joined
    str,  # tags, space-joined
    str | None,  # source_url
    str | None,  # problems, joined
    str | None,  # search text (with SENTINEL) for the full-text index; None when not a post
]
"""One file as the workers return it and as it is written (minus the text) to ``entries``."""

ENTRY_COLUMNS: Final = (
    "id, path, title, us, utc_offset, categories, tags, source_url, problems,"
    " rel, size, mtime_ns, kind"
)
"""The ``entries`` columns :meth:`RowDecoder.posts` reads: the post, then the file."""


# --- files to rows (worker side) ----------------------------------------------------------


def parse_chunk(
    root: str, options: LoadOptions, items: list[tuple[RelPath, FileStamp]]
) -> list[ParsedFile]:
    """Parse a chunk of files; what a pool worker runs."""
    root_path = Path(root)
    return [parse_file(root_path, options, rel, stamp) for rel, stamp in items]


def parse_file(root: Path, options: LoadOptions, rel: RelPath, stamp: FileStamp) -> ParsedFile:
    """Load one file (its stamp taken before reading, so a later change is noticed) as a row."""
    size, mtime_ns = stamp
    relative = os.fsdecode(rel)
    try:
        loaded = load_post(root / relative, root, options)
    except Exception as error:
        # The loader recovers from everything it knows of; one file it does not must not
        # stop a build of 100,000: it is skipped, and the message names it.
        message = clean_line(str(error))[:_MESSAGE_CHARS] or type(error).__name__
        loaded = Problem(relative_id(root / relative, root), f"cannot be loaded ({message})")
    if isinstance(loaded, Post):
        offset = loaded.date.utcoffset()
        return (
            rel,
            size,
            mtime_ns,
            KIND_POST,
            loaded.id,
            None if loaded.id == relative else rel,
            loaded.title,
            (loaded.date - _EPOCH) // _MICROSECOND,
            int(offset.total_seconds()) if offset is not None else 0,
            " ".join(loaded.categories),
            " ".join(loaded.tags),
            loaded.source_url,
            _SEPARATOR.join(loaded.problems) or None,
            search_text(loaded) + SENTINEL,
        )
    if isinstance(loaded, Problem):
        return _padded(rel, size, mtime_ns, KIND_SKIPPED, loaded.path, loaded.message)
    # Not a post: kept only for its stamp; the key must still be text SQLite can store.
    return _padded(rel, size, mtime_ns, KIND_NOT_POST, display_path(relative), "")


def _padded(
    rel: RelPath, size: int, mtime_ns: int, kind: int, key: str, message: str
) -> ParsedFile:
    return (rel, size, mtime_ns, kind, key, None, message, 0, 0, "", "", None, None, None)


# --- rows to posts (reader side) ----------------------------------------------------------


class RowDecoder:
    """Builds Posts from ``entries`` rows, sharing what posts have in common.

    Categories and tags are shared tuples (a few thousand distinct values for 100,000 posts),
    time zones one object per offset; ``body`` is empty and ``extra`` an empty mapping: both
    come from disk (``load_post``) when the post is opened.
    """

    def __init__(self, root: Path) -> None:
        self.path = path_maker(root)
        """Relative path (clean: no ``.``, no empty part) -> Path under the root."""
        self._words: dict[str, tuple[str, ...]] = {"": ()}
        self._epochs: dict[int, datetime] = {}

    def words(self, joined: str) -> tuple[str, ...]:
        """A shared tuple for space-joined words."""
        words = self._words.get(joined)
        if words is None:
            words = self._words[joined] = tuple(joined.split(" "))
        return words

    def date(self, microseconds: int, offset: int) -> datetime:
        """The aware datetime of a stored date, in its own UTC offset."""
        # Adding to an aware datetime keeps its (fixed) offset: wall time and instant are exact.
        return (self._epochs.get(offset) or self._epoch(offset)) + timedelta(
            microseconds=microseconds
        )

    def posts(self, rows: Iterable[tuple[Any, ...]]) -> list[Post]:
        """Posts from rows of :data:`ENTRY_COLUMNS`."""
        # The hot loop of a warm start (100,000 turns): shared values are looked up inline
        # and only the first of a kind goes through a method.
        known_words = self._words
        epochs = self._epochs
        path = self.path
        no_extra = _NO_EXTRA
        no_problems = ()
        out: list[Post] = []
        append = out.append
        for post_id, real, title, micros, offset, categories, tags, source, problems, *_ in rows:
            epoch = epochs.get(offset) or self._epoch(offset)
            append(
                Post(
                    post_id,
                    path(post_id if real is None else os.fsdecode(real)),
                    title,
                    epoch + timedelta(microseconds=micros),
                    known_words.get(categories) or self.words(categories),
                    known_words.get(tags) or self.words(tags),
                    source,
                    "",
                    no_extra,
                    tuple(problems.split(_SEPARATOR)) if problems else no_problems,
                )
            )
        return out

    def _epoch(self, offset: int) -> datetime:
        zone = UTC if offset == 0 else timezone(timedelta(seconds=offset))
        epoch = self._epochs[offset] = _EPOCH.astimezone(zone)
        return epoch


def path_maker(root: Path) -> Callable[[str], Path]:
    """A function making ``root / relative`` for clean relative paths, as fast as possible.

    ``Path(text)`` parses its text: ~3 µs, a third of a second for 100,000 posts, the largest
    single cost of listing them. CPython 3.11's pathlib can build a path from parts it need
    not parse (``_from_parsed_parts``, private); it is used only on 3.11, only after a probe
    shows it builds the very path ``Path()`` builds, and only for the relative paths the
    scan makes (names joined by ``/``: never empty, ``.`` or ``..``).
    """
    prefix = str(root) if str(root).endswith("/") else f"{root}/"

    def parsed(relative: str) -> Path:
        return Path(prefix + relative)

    build = getattr(type(root), "_from_parsed_parts", None)
    if sys.version_info[:2] != (3, 11) or build is None or root.drive or root.root != "/":
        return parsed
    root_parts = list(root.parts)

    def assembled(relative: str) -> Path:
        made: Path = build("", "/", root_parts + relative.split("/"))
        return made

    try:
        probe = "_posts/2022-04-01-probe.md"
        fast, slow = assembled(probe), parsed(probe)
        same = fast == slow and str(fast) == str(slow) and fast.parent == slow.parent
    except (TypeError, AttributeError, ValueError):
        same = False
    return assembled if same else parsed


def problems_of(rows: Iterable[tuple[str, str | None]]) -> list[Problem]:
    """Problems from ``(id, joined problems)`` rows."""
    return [
        Problem(post_id, message)
        for post_id, joined in rows
        if joined
        for message in joined.split(_SEPARATOR)
    ]
