"""THE scanner: every candidate post file of an archive, with its size and modification time.

Both :func:`newsreader.archive.loader.find_post_files` (and so ``load_archive``) and the index
list files with :func:`scan`, so they can never disagree about which files make an archive:
the post suffixes, the skipped folders, hidden names, links kept inside the root, each folder
visited once. It is built for being run every few seconds on 100,000 files: it works on bytes
paths from ``os.scandir`` (no ``Path`` object and no decoding per file) and takes each file's
size and modification time from one ``stat``, which is all an unchanged file costs.

A file is keyed by its path relative to the root as ``os.fsencode``d bytes with ``/``
separators (:data:`RelPath`): bytes, because a name that is not UTF-8 must still round-trip to
the real file, and SQLite text cannot hold such a name.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from newsreader.archive.post import Problem
from newsreader.archive.site import (
    DATA_SUFFIXES,
    PLAIN_SUFFIXES,
    POST_NAME,
    site_info,
)

__all__ = [
    "MTIME_NS_RANGE",
    "POST_SUFFIXES",
    "SKIPPED_DIRS",
    "FileStamp",
    "RelPath",
    "ScanResult",
    "display_path",
    "folders_unchanged",
    "rel_to_path",
    "relative_id",
    "scan",
]

POST_SUFFIXES = PLAIN_SUFFIXES
"""Markdown and HTML: what a file outside ``_posts`` must be to be a post."""
# Jekyll's own build output and templates, and tooling folders, never hold posts.
SKIPPED_DIRS = frozenset({"_site", "_layouts", "_includes", "_sass", "_data", "node_modules"})

RelPath = bytes
"""A file's path relative to the archive root, ``os.fsencode``d, ``/``-separated."""
FileStamp = tuple[int, int]
"""``(size in bytes, modification time in ns)``: a file whose stamp is unchanged is not read."""

MTIME_NS_RANGE: Final = (-(2**63), 2**63 - 1)
"""The modification times (in ns) a stamp holds as they are: SQLite's 64-bit integers, so
from 1677 to 2262. A file stamped outside it (``touch -d 2300-01-01``) is stamped with the
nearest bound and reported; only a change of its size is then noticed without a full check."""
_SKIPPED_DIRS = frozenset(os.fsencode(name) for name in SKIPPED_DIRS)
_OUTSIDE, _IN_POSTS, _IN_DRAFTS = 0, 1, 2
_POSTS_FOLDERS = {b"_posts": _IN_POSTS, b"_drafts": _IN_DRAFTS}
_POST_NAME = re.compile(os.fsencode(POST_NAME.pattern))


@dataclass(slots=True)
class ScanResult:
    """Every post file found, with its stamp, and what could not be followed."""

    files: dict[RelPath, FileStamp] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    """Folders that cannot be listed, links out of the archive, files that cannot be read."""
    folders: dict[bytes, int] = field(default_factory=dict)
    """Each folder listed (absolute) and its modification time, for :func:`folders_unchanged`."""


def scan(root: Path) -> ScanResult:
    """Find every candidate post file under the resolved ``root`` and stamp it.

    Which files are candidates follows :mod:`newsreader.archive.site`: in a Jekyll site,
    files under ``_posts``/``_drafts`` (not data files) and dated Markdown or HTML files
    elsewhere, never in other underscore folders; in a plain folder, Markdown and HTML files.
    ``_config.yml``'s ``exclude``/``include`` apply. The loader then decides by content.
    """
    info = site_info(root, fresh=True)
    config = info.config
    is_site = info.is_site
    check_excluded = bool(config.exclude)
    root_bytes = os.fsencode(root)
    inside_prefix = root_bytes if root_bytes.endswith(b"/") else root_bytes + b"/"
    result = ScanResult()
    files = result.files
    stat = os.stat
    visited: set[tuple[int, int]] = set()
    lowest, highest = MTIME_NS_RANGE
    # (absolute folder, its path relative to the root with a trailing "/" or b"" for the root,
    # where it lies: _OUTSIDE, _IN_POSTS or _IN_DRAFTS)
    pending: list[tuple[bytes, bytes, int]] = [(root_bytes, b"", _OUTSIDE)]
    while pending:
        folder, prefix, where = pending.pop()
        try:
            folder_stat = os.stat(folder)
            key = (folder_stat.st_dev, folder_stat.st_ino)
            if key in visited:
                continue
            visited.add(key)
            result.folders[folder] = folder_stat.st_mtime_ns
            with os.scandir(folder) as iterator:
                entries = list(iterator)
        except OSError as error:
            _report(result, root, folder, f"folder cannot be read ({error.strerror or error})")
            continue
        for entry in entries:
            name = entry.name
            try:
                if entry.is_symlink() and not _inside(entry.path, root_bytes, inside_prefix):
                    _report(
                        result, root, entry.path, "symbolic link leads out of the archive; skipped"
                    )
                    continue
                if check_excluded and config.excluded(os.fsdecode(prefix + name)):
                    continue
                if entry.is_dir():
                    if name in _SKIPPED_DIRS or name.startswith(b"."):
                        continue
                    inner = where or _POSTS_FOLDERS.get(name, _OUTSIDE)
                    if is_site and name.startswith(b"_") and not inner:
                        continue  # Jekyll's layouts, includes, collections: never posts
                    pending.append((entry.path, prefix + name + b"/", inner))
                elif entry.is_symlink() and not os.path.exists(entry.path):
                    if _is_candidate(name, is_site, where):
                        _report(
                            result, root, entry.path, "symbolic link to nothing (dangling); skipped"
                        )
                elif (
                    entry.is_file()
                    and not name.startswith(b".")
                    and _is_candidate(name, is_site, where)
                ):
                    # os.stat, not entry.stat(): the same call (following links), but it
                    # skips the entry's caching and is measurably cheaper, 100,000 times.
                    info_ = stat(entry.path)
                    mtime_ns = info_.st_mtime_ns
                    if not lowest <= mtime_ns <= highest:
                        mtime_ns = _clamped_mtime(result, root, entry.path, mtime_ns)
                    files[prefix + name] = (info_.st_size, mtime_ns)
            except OSError as error:
                _report(result, root, entry.path, f"cannot be read ({error.strerror or error})")
    return result


def folders_unchanged(folders: dict[bytes, int], scanned_ns: int, racy_ns: int) -> bool:
    """Whether every folder still has the modification time :func:`scan` saw.

    Adding, deleting or renaming a file changes its folder's time, as does a ``git pull`` or
    an editor that saves by renaming; rewriting a file in place does not, so this is a quick
    test between full scans, not a replacement for them. A folder modified within
    ``racy_ns`` of the scan's start (``scanned_ns``) counts as changed: it may have changed
    again within the same timestamp tick. One ``stat`` per folder.
    """
    if not folders:
        return False
    for folder, mtime_ns in folders.items():
        try:
            now = os.stat(folder).st_mtime_ns
        except OSError:
            return False
        if now != mtime_ns or abs(mtime_ns - scanned_ns) < racy_ns:
            return False
    return True


def _is_candidate(name: bytes, is_site: bool, where: int) -> bool:
    """Whether a file name may be a post where it lies (see :func:`scan`)."""
    suffix = _suffix(name)
    if where == _IN_DRAFTS:
        return bool(suffix) and suffix not in DATA_SUFFIXES  # a draft's name has no date
    if where == _IN_POSTS:
        # Any extension but data files'; an undated name only with a Markdown or HTML one
        # (a scraper's article code: the loader then wants front matter or a dated code).
        return (
            bool(suffix)
            and suffix not in DATA_SUFFIXES
            and (suffix in POST_SUFFIXES or _POST_NAME.match(name) is not None)
        )
    if suffix not in POST_SUFFIXES:
        return False
    return not is_site or _POST_NAME.match(name) is not None


def _suffix(name: bytes) -> str:
    suffix = os.path.splitext(name)[1]
    if suffix.isascii():
        return suffix.decode().lower()
    # A suffix is matched lower-cased as text; Unicode case rules differ from ASCII's for a
    # few letters (the Kelvin sign lowers to "k"), so decode the rare non-ASCII suffix.
    return os.path.splitext(os.fsdecode(name))[1].lower()


def _inside(path: bytes, root: bytes, inside_prefix: bytes) -> bool:
    try:
        real = os.path.realpath(path)
    except (OSError, ValueError):
        return False
    return real == root or real.startswith(inside_prefix)


def _clamped_mtime(result: ScanResult, root: Path, path: bytes, mtime_ns: int) -> int:
    """The nearest bound of :data:`MTIME_NS_RANGE`, the file reported."""
    lowest, highest = MTIME_NS_RANGE
    late = mtime_ns > highest
    where = "after 2262" if late else "before 1677"
    _report(result, root, path, f"modification time {where} is out of range; taken as {where[-4:]}")
    return min(max(mtime_ns, lowest), highest)


def _report(result: ScanResult, root: Path, path: bytes, message: str) -> None:
    result.problems.append(Problem(relative_id(Path(os.fsdecode(path)), root), message))


def rel_to_path(root: Path, rel: RelPath) -> Path:
    """The real path of a file from its key."""
    return root / os.fsdecode(rel)


def relative_id(path: Path, root: Path) -> str:
    """A post's id: its path relative to the root, with '/' separators, safe to display.

    See :func:`display_path`: two files never share an id, and an id shows no control.
    """
    try:
        relative = path.relative_to(root).as_posix()
    except ValueError:
        relative = path.as_posix()
    return display_path(relative)


# What a terminal could act on or that would hide a difference between two names: C0 and
# C1 controls, DEL, bidi controls (as clean_text removes them), the surrogates that stand for
# bytes that are not UTF-8, and the backslash that starts an escape.
_UNSAFE_IN_PATH = re.compile(
    r"[\x00-\x1f\x7f-\x9f\\\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\ud800-\udfff]"
)
_RAW_BYTE = re.compile("[\udc80-\udcff]")
_NAMED_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r", "\\": "\\\\"}


def display_path(path: str | Path) -> str:
    """A path safe to print, and as distinct as the real paths: one to one, so two files
    never share an id.

    Characters a terminal could act on are written as escapes, as in a Python string:
    ``\\t``, ``\\n``, ``\\r``, ``\\xHH`` for the other C0 controls and DEL (ESC is
    ``\\x1b``), ``\\uHHHH`` for C1 and bidi controls; a byte that is not UTF-8 is
    ``\\xHH`` with the byte's value (always 80 or more), and a backslash is ``\\\\``.
    So ``col<ESC>lide.md`` is ``col\\x1blide.md``, beside ``collide.md``, and
    ``tab<TAB>name.md`` is ``tab\\tname.md``, beside ``tab name.md``; other names are
    themselves. The result holds no control character and is the same on every run.
    """
    text = str(path)
    if _UNSAFE_IN_PATH.search(text) is None:
        return text
    text = utf8_name(text)
    return _UNSAFE_IN_PATH.sub(_escape, text)


def utf8_name(text: str) -> str:
    """``text`` as UTF-8 reads it, whatever the locale decoded it with.

    Under ``LC_ALL=C`` Python decodes file names and arguments as ASCII, each other byte a
    surrogate (``中`` is three); read as UTF-8 again they are the characters they are under
    any UTF-8 locale, so a post keeps its id and a search its words. Bytes that are not UTF-8
    stay surrogates.
    """
    if _RAW_BYTE.search(text) is None:
        return text
    try:
        return os.fsencode(text).decode("utf-8", "surrogateescape")
    except UnicodeError:
        return text


def _escape(match: re.Match[str]) -> str:
    character = match.group()
    named = _NAMED_ESCAPES.get(character)
    if named is not None:
        return named
    code = ord(character)
    if code < 0x80 or 0xDC80 <= code <= 0xDCFF:  # a C0 control, DEL, or a raw byte
        return f"\\x{code & 0xFF:02x}"
    return f"\\u{code:04x}"
