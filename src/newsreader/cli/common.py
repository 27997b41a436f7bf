"""What every command shares: errors with exit codes, the archive to read, settings, state.

A command reports a problem by raising :class:`CliError`; :func:`newsreader.cli.main` prints it
on stderr as one line and exits with its code.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Callable, Iterator
from datetime import tzinfo
from pathlib import Path
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rich.console import Console

from newsreader.archive import Archive, LoadOptions, Post, SearchTerms, load_archive
from newsreader.archive.loader import local_timezone
from newsreader.archive.query import search_text
from newsreader.config import Settings, load_settings
from newsreader.resources import sample_posts_dir
from newsreader.state import ReadingState, StateError, archive_key

EXIT_USAGE = 2
PROGRESS_FROM: Final = 1000
"""Files to read below which list and show draw no progress bar: they are done too soon."""


class CliError(Exception):
    """A problem to report in one line, with an exit code, never as a traceback."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def load_options(name: str | None) -> LoadOptions:
    """How to read: the zone asked for, else the archive's (``config_command.yml``, or the offset
    its dated posts agree on), else the machine's (see :func:`zone`)."""
    given = name or user_settings().timezone
    return LoadOptions(tz=zone(given), zone_from_archive=not given)


def zone(name: str | None) -> tzinfo:
    """--tz, else $NEWSREADER_TZ (argparse's default), else the settings, else the machine's."""
    name = name or user_settings().timezone
    if not name:
        return local_timezone()
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise CliError(f"unknown time zone {name!r} (use a name like Asia/Shanghai)", 2) from None


def resolve_root(path: Path | None) -> Path:
    """PATH, or an archive named in the settings, else the default archive, else the samples."""
    settings = user_settings()
    if path is None:
        root = settings.archive_path() or sample_posts_dir()
    elif not path.exists() and settings.archive_path(str(path)) is not None:
        root = settings.archive_path(str(path)) or path
    else:
        root = path
    if not root.exists():
        raise CliError(f"no such folder: {root}", EXIT_USAGE)
    if not root.is_dir():
        raise CliError(f"not a folder: {root} (give the archive's folder)", EXIT_USAGE)
    if not os.access(root, os.R_OK | os.X_OK):
        raise CliError(f"cannot read folder: {root} (permission denied)", EXIT_USAGE)
    return root


def open_archive(
    path: Path | None,
    options: LoadOptions,
    terms: SearchTerms | None = None,
    *,
    need_posts: bool = True,
) -> tuple[Archive, set[str] | None]:
    """The archive at PATH (see :func:`resolve_root`) from its index, and the ids of the
    posts matching ``terms`` (None without terms).

    Every command that reads posts comes here. The index is refreshed first (only changed
    files are read); the posts carry no body (load one with ``load_post``); the archive's
    ``skipped`` and ``scan_problems`` are the index's. With ``need_posts``, an archive without
    posts is an error. The index's notices are printed as warnings. Should reading it fail
    after the refresh (it is then replaced and empty), the archive is loaded in memory
    instead, and the ids are None: match there.
    """
    from newsreader.archive.index import ArchiveIndex

    root = resolve_root(path)
    with ArchiveIndex.open(root, options) as index:
        with progress_bar(PROGRESS_FROM) as progress:
            index.refresh(progress)
        refreshed = len(index.notices)
        archive = Archive(index.root, index.posts())
        # In the order load_archive finds the files (path by path), not the index's by id.
        archive.skipped = sorted(index.skipped(), key=lambda problem: Path(problem.path))
        archive.scan_problems = list(index.scan_problems)
        matches = index.search(terms) if terms else None
        failed = len(index.notices) > refreshed
        notices = list(index.notices)
    for notice in notices:
        print(f"newsreader: warning: {notice}", file=sys.stderr)
    if failed:
        # The index could not be read after all: the files themselves, searched one by one
        # with the very text the index would have held.
        archive = load_archive(root, options)
        matches = (
            {post.id for post in archive.posts if terms.matches(search_text(post))}
            if terms
            else None
        )
    if need_posts and not len(archive):
        raise CliError(f"no posts found in {root} (looked for .md, .markdown and .html files)")
    return archive, matches


@contextlib.contextmanager
def progress_bar(minimum: int = 0) -> Iterator[Callable[[int, int], None]]:
    """A refresh's ``progress(done, total)``: a bar on stderr when it is a terminal, shown
    from the start, or with ``minimum`` only once that many files are to be read."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TimeRemainingColumn

    stderr = Console(stderr=True)
    bar = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=stderr,
        transient=True,
        disable=not stderr.is_terminal,
    )
    task: TaskID | None = None

    def show(total: int | None) -> TaskID:
        bar.start()
        return bar.add_task("reading files", total=total)

    def update(done: int, total: int) -> None:
        nonlocal task
        if task is None:
            if total < minimum:
                return
            task = show(total)
        bar.update(task, completed=done, total=total)

    if not minimum:
        task = show(None)  # the scan itself takes a while on a large archive
    try:
        yield update
    finally:
        if task is not None:
            bar.stop()


def make_console(width: int | None = None) -> Console:
    return Console(width=width, highlight=False, soft_wrap=False)


@functools.cache
def user_settings() -> Settings:
    """The user's settings, read once per command; their ``problems`` are not printed here
    (:func:`warn_about_settings` does, for the commands that do not show them themselves)."""
    settings, _ = load_settings()
    return settings


def warn_about_settings() -> None:
    """Print each problem with the user's settings file as a warning on stderr."""
    for message in user_settings().problems:
        print(f"newsreader: warning: {message}", file=sys.stderr)


def open_state(root: Path) -> ReadingState:
    """The reading state of the archive at ``root``, its notices printed as warnings."""
    state = ReadingState.open(archive_key(root, user_settings().archives))
    for notice in state.notices:
        print(f"newsreader: warning: {notice}", file=sys.stderr)
    return state


def marked(posts: list[Post], root: Path, *, unread: bool, starred: bool) -> list[Post]:
    """The posts that are unread and/or starred, as asked (both: starred and not yet read)."""
    with open_state(root) as state:
        try:
            read = state.read_ids(posts) if unread else set()
            stars = state.starred_ids(posts) if starred else None
        except StateError as error:
            raise CliError(str(error)) from None
    return [post for post in posts if post.id not in read and (stars is None or post.id in stars)]
