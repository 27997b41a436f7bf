"""How a file becomes an index row, and a row becomes a Post again.

The parsing half runs in worker processes (:func:`parse_chunk` is what the pool calls): it
loads each file with :func:`~newsreader.archive.loader.load_post`, so the index and
``load_archive`` can never disagree about a post, and returns :class:`ParsedFile` rows (named
tuples: cheap to pickle) with the post's :func:`~newsreader.archive.query.search_text` for the
full-text index.

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
from operator import itemgetter
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final, NamedTuple

from newsreader.archive.columns import DRAFT, UNPUBLISHED, Columns, day_of, empty_columns
from newsreader.archive.loader import LoadOptions, load_post
from newsreader.archive.post import Post, Problem
from newsreader.archive.query import search_text
from newsreader.archive.scan import FileStamp, RelPath, display_path, relative_id
from newsreader.archive.text import clean_line

__all__ = [
    "DATE_BASIS_STEP",
    "FLAG_FIELDS",
    "KIND_NOT_POST",
    "KIND_POST",
    "KIND_SKIPPED",
    "SENTINEL",
    "EntryRow",
    "FileRow",
    "ParsedFile",
    "Row",
    "RowDecoder",
    "file_states",
    "newest_first",
    "parse_chunk",
    "parse_file",
    "post_flags",
    "post_rows",
    "problems_of",
]

KIND_POST: Final = 0
KIND_SKIPPED: Final = 1
"""A file that could not be read as a post; its message is kept as a problem."""
KIND_NOT_POST: Final = 2
"""A file without front matter outside ``_posts`` (a README): not a post, not a problem."""

SENTINEL: Final = "\uffff\uffff"
"""Appended to every indexed text so each real character starts a trigram (see search.py)."""
_SEPARATOR: Final = "\x1f"
"""Joins a post's problems: the loader builds messages with ``clean_line``/``repr``, never C0."""
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND: Final = timedelta(microseconds=1)
_NO_EXTRA: Final = MappingProxyType[str, Any]({})
_MESSAGE_CHARS: Final = 200


class ParsedFile(NamedTuple):
    """One file as the workers return it and as it is written to ``entries`` and ``fts``."""

    rel: RelPath
    size: int
    mtime_ns: int
    kind: int
    post_id: str
    """The post's id; for a skipped file, the problem's path."""
    real_path: bytes | None
    """The real relative path when the id differs from it (odd names), else None."""
    title: str
    """The title, or a skipped file's message."""
    micros: int
    """The date: microseconds since the epoch."""
    utc_offset: int
    """The date's UTC offset in seconds."""
    categories: str
    """Space-joined."""
    tags: str
    """Space-joined."""
    source_url: str | None
    problems: str | None
    """Joined; None when there are none."""
    flags: int
    """Draft, unpublished, converter and date basis (:func:`post_flags`)."""
    text: str | None
    """The search text (with :data:`SENTINEL`) for the full-text index; None when not a post."""


class FileRow(NamedTuple):
    """What the index knows of a file, as ``FILE_STATE`` reads it and every entry ends."""

    rel: RelPath
    size: int
    mtime_ns: int
    kind: int


class EntryRow(NamedTuple):
    """The layout of an ``entries`` row read as a post (``ENTRY_COLUMNS``, in this order).

    Such rows stay plain tuples, as SQLite and the snapshot give them (100,000 of them must
    be read in a fraction of a second): this class names their fields, and the helpers
    below read them by these names.
    """

    id: str
    path: bytes | None
    title: str
    us: int
    utc_offset: int
    categories: str
    tags: str
    source_url: str | None
    problems: str | None
    flags: int
    rel: RelPath
    size: int
    mtime_ns: int
    kind: int


Row = tuple[Any, ...]
"""An :class:`EntryRow` as SQLite gives it: a plain tuple."""

_FIELDS: Final = EntryRow._fields
_KIND: Final = _FIELDS.index("kind")
_FILE_PART: Final = slice(-len(FileRow._fields), None)
_NEWEST_KEY: Final = itemgetter(_FIELDS.index("us"), _FIELDS.index("id"))


def file_states(rows: Iterable[Row]) -> tuple[dict[RelPath, FileStamp], set[RelPath]]:
    """Each file's stamp, and the files that are posts, from entry rows (or
    :class:`FileRow` ones: an entry row ends with one)."""
    stamps: dict[RelPath, FileStamp] = {}
    posts: set[RelPath] = set()
    file_part = _FILE_PART
    for row in rows:  # 100,000 turns at a warm start: unpacked, not a FileRow made
        rel, size, mtime_ns, kind = row[file_part]
        stamps[rel] = (size, mtime_ns)
        if kind == KIND_POST:
            posts.add(rel)
    return stamps, posts


def post_rows(rows: Iterable[Row]) -> list[Row]:
    """The entry rows that are posts."""
    kind = _KIND
    return [row for row in rows if row[kind] == KIND_POST]


def newest_first(rows: list[Row]) -> list[Row]:
    """Entry rows sorted in place as Archive sorts posts (newest first, ties by id), so its
    own sort then has nothing to do."""
    rows.sort(key=_NEWEST_KEY, reverse=True)
    return rows


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
        return ParsedFile(
            rel=rel,
            size=size,
            mtime_ns=mtime_ns,
            kind=KIND_POST,
            post_id=loaded.id,
            real_path=None if loaded.id == relative else rel,
            title=loaded.title,
            micros=(loaded.date - _EPOCH) // _MICROSECOND,
            utc_offset=int(offset.total_seconds()) if offset is not None else 0,
            categories=" ".join(loaded.categories),
            tags=" ".join(loaded.tags),
            source_url=loaded.source_url,
            problems=_SEPARATOR.join(loaded.problems) or None,
            flags=post_flags(loaded),
            text=search_text(loaded) + SENTINEL,
        )
    if isinstance(loaded, Problem):
        return _padded(rel, size, mtime_ns, KIND_SKIPPED, loaded.path, loaded.message)
    # Not a post: kept only for its stamp; the key must still be text SQLite can store.
    return _padded(rel, size, mtime_ns, KIND_NOT_POST, display_path(relative), "")


def _padded(
    rel: RelPath, size: int, mtime_ns: int, kind: int, key: str, message: str
) -> ParsedFile:
    return ParsedFile(
        rel, size, mtime_ns, kind, key, None, message, 0, 0, "", "", None, None, 0, None
    )


# --- rows to posts (reader side) ----------------------------------------------------------


_DRAFT: Final = 1
_UNPUBLISHED: Final = 2
_MARKUPS: Final = ("markdown", "html", "text")
DATE_BASIS_STEP: Final = 12
"""``flags`` is the draft, unpublished and converter bits (below 12) plus this times the
post's ``date_basis``: ``flags >= DATE_BASIS_STEP`` marks a date another zone changes."""
FLAG_FIELDS: Final = tuple(
    (
        bool(flags & _DRAFT),
        not flags & _UNPUBLISHED,
        _MARKUPS[flags % DATE_BASIS_STEP >> 2],
        flags // DATE_BASIS_STEP,
    )
    for flags in range(3 * DATE_BASIS_STEP)
)
"""For each ``flags`` value: the Post's ``draft``, ``published``, ``markup`` and
``date_basis``, in order."""


def post_flags(post: Post) -> int:
    """A post's ``draft``, ``published``, ``markup`` and ``date_basis`` as the ``flags``
    column stores them."""
    markup = _MARKUPS.index(post.markup) if post.markup in _MARKUPS else 0
    low = (_DRAFT if post.draft else 0) | (0 if post.published else _UNPUBLISHED) | markup << 2
    return low + DATE_BASIS_STEP * post.date_basis


class RowDecoder:
    """Builds Posts from ``entries`` rows, sharing what posts have in common.

    Categories and tags are shared tuples (a few thousand distinct values for 100,000 posts),
    time zones one object per offset; ``body`` is empty and ``extra`` an empty mapping: both
    come from disk (``load_post``) when the post is opened.

    Paths too are built from shared parts: ``Path(text)`` parses all its text (~2 µs, a large
    share of listing 100,000 posts), but posts share a few folders, so each folder's Path is
    made once and a post's path is that Path joined with the file's name (only the name is
    parsed). Relative paths are those the scan makes: names joined by ``/``, never empty,
    ``.`` or ``..``.
    """

    def __init__(self, root: Path) -> None:
        self._root = root
        self._folders: dict[str, Path] = {"": root}
        self._join = fast_joiner(root) or self._joined
        self._words: dict[str, tuple[str, ...]] = {"": ()}
        self._epochs: dict[int, datetime] = {}

    def path(self, relative: str) -> Path:
        """``root / relative``, for a clean relative path (see the class docstring)."""
        folder, _, name = relative.rpartition("/")
        return self._join(folder, name)

    def _joined(self, folder: str, name: str) -> Path:
        return (self._folders.get(folder) or self._folder(folder)) / name

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

    def posts(self, rows: Iterable[Row]) -> list[Post]:
        """Posts from :class:`EntryRow` rows."""
        # The hot loop of a warm start (100,000 turns): shared values are looked up inline
        # and only the first of a kind goes through a method.
        known_words = self._words
        epochs = self._epochs
        join = self._join
        no_extra = _NO_EXTRA
        no_problems = ()
        out: list[Post] = []
        append = out.append
        # Unpacked, not read by attribute: the rows are plain tuples (see EntryRow).
        flag_fields = FLAG_FIELDS
        for row in rows:
            post_id, real, title, micros, offset, categories, tags, source, problems, flags, *_ = (
                row
            )
            epoch = epochs.get(offset) or self._epoch(offset)
            folder, _, name = (post_id if real is None else os.fsdecode(real)).rpartition("/")
            append(
                Post(
                    post_id,
                    join(folder, name),
                    title,
                    epoch + timedelta(microseconds=micros),
                    known_words.get(categories) or self.words(categories),
                    known_words.get(tags) or self.words(tags),
                    source,
                    "",
                    no_extra,
                    tuple(problems.split(_SEPARATOR)) if problems else no_problems,
                    *flag_fields[flags],
                )
            )
        return out

    def columns(self, rows: Iterable[Row]) -> Columns:
        """The archive's columns from ``POST_COLUMNS`` rows (newest first already)."""
        known_words = self._words
        columns = empty_columns(rowids=True)
        ids, neg_times, days = columns.ids, columns.neg_times, columns.days
        categories_of, tags_of, hidden = columns.categories, columns.tags, columns.hidden
        rowids = columns.rowids
        assert rowids is not None
        flag_fields = FLAG_FIELDS
        for rowid, post_id, micros, offset, categories, tags, flags in rows:
            rowids.append(rowid)
            ids.append(post_id)
            neg_times.append(-micros / 1_000_000)
            days.append(day_of(micros, offset))
            categories_of.append(known_words.get(categories) or self.words(categories))
            tags_of.append(known_words.get(tags) or self.words(tags))
            draft, published, _, _ = flag_fields[flags]
            hidden.append((DRAFT if draft else 0) | (0 if published else UNPUBLISHED))
        return columns

    def _folder(self, folder: str) -> Path:
        path = self._folders[folder] = self._root / folder
        return path

    def _epoch(self, offset: int) -> datetime:
        zone = UTC if offset == 0 else timezone(timedelta(seconds=offset))
        epoch = self._epochs[offset] = _EPOCH.astimezone(zone)
        return epoch


def fast_joiner(root: Path) -> Callable[[str, str], Path] | None:
    """On CPython 3.11 only: ``(folder, name) -> root / folder / name`` without parsing.

    A post's path is the costliest part of listing 100,000 of them: even joining a folder's
    Path with a name parses the name and copies the parts (about 1.2 µs a post, a sixth of a
    warm start). CPython 3.11's pathlib builds a Path from parts it need not parse
    (``_from_parsed_parts``, private). So it is used on 3.11 alone (3.12 rewrote pathlib),
    only after a probe shows it builds the very Path that ``Path()`` builds, and
    ``tests/test_index.py`` checks both that it is in use there and that its paths are
    pathlib's; elsewhere this returns None and the public joining is used.
    """
    build = getattr(type(root), "_from_parsed_parts", None)
    if sys.version_info[:2] != (3, 11) or build is None or root.drive or root.root != "/":
        return None
    root_parts = list(root.parts)
    folder_parts: dict[str, list[str]] = {}

    def join(folder: str, name: str) -> Path:
        parts = folder_parts.get(folder)
        if parts is None:
            parts = folder_parts[folder] = root_parts + (folder.split("/") if folder else [])
        made: Path = build("", "/", [*parts, name])
        return made

    try:
        fast, slow = join("_posts/x", "2022-04-01-probe.md"), root / "_posts/x/2022-04-01-probe.md"
        same = fast == slow and str(fast) == str(slow) and fast.parent == slow.parent
    except (TypeError, AttributeError, ValueError):
        same = False
    return join if same else None


def problems_of(rows: Iterable[tuple[str, str | None]]) -> list[Problem]:
    """Problems from ``(id, joined problems)`` rows."""
    return [
        Problem(post_id, message)
        for post_id, joined in rows
        if joined
        for message in joined.split(_SEPARATOR)
    ]
