"""The command line: ``newsreader [PATH]`` opens the reader; subcommands list, show, check...

The grammar is :mod:`newsreader.cli_parser`'s; here each command runs. Those that read posts
(the reader aside) take them from the archive's index (:func:`_open_archive`).
``export-state``/``import-state`` carry read marks and stars between machines (JSON, merged on
import, see :mod:`newsreader.state`); ``config`` prints the settings in effect.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rich.console import Console
from rich.table import Table
from rich.text import Text

from newsreader.archive import (
    Archive,
    DateSpecError,
    Filter,
    LoadOptions,
    Post,
    Problem,
    SearchTerms,
    load_archive,
    load_post,
    parse_date_spec,
)
from newsreader.archive.dates import strftime_padded
from newsreader.archive.loader import display_path, local_timezone
from newsreader.archive.query import search_text
from newsreader.archive.scan import utf8_name
from newsreader.archive.site import site_info
from newsreader.cli_parser import READ, parse_arguments
from newsreader.config import Settings, describe_settings, load_settings, write_atomically
from newsreader.locations import config_path, data_dir
from newsreader.resources import sample_posts_dir
from newsreader.state import STATE_FILE_NAME, ReadingState, StateError, archive_key
from newsreader.streams import carries_utf8, prepare_streams
from newsreader.words import counted

EXIT_USAGE = 2
_PROGRESS_FROM: Final = 1000
"""Files to read below which list and show draw no progress bar: they are done too soon."""


class CliError(Exception):
    """A problem to report in one line, with an exit code, never as a traceback."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


_FUTURE_NAMED = 10
_Command = Callable[[argparse.Namespace, LoadOptions], int]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    prepare_streams()  # before --help or a usage error is printed
    options = parse_arguments(list(sys.argv[1:] if argv is None else argv))
    for text_option in ("search", "tag", "category"):  # words to match, never file names
        if isinstance(value := getattr(options, text_option, None), str):
            setattr(options, text_option, utf8_name(value))
    _settings.cache_clear()  # read the settings file once per command, afresh each time
    try:
        return _COMMANDS[options.command](options, _load_options(options.tz))
    except CliError as error:
        print(f"newsreader: {error}", file=sys.stderr)
        return error.code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `newsreader list | head`: the reader of our output left; that is not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


# --- helpers ------------------------------------------------------------------------------


def _load_options(name: str | None) -> LoadOptions:
    """How to read: the zone asked for, else the archive's (``_config.yml``, or the offset
    its dated posts agree on), else the machine's (see :func:`_zone`)."""
    given = name or _settings().timezone
    return LoadOptions(tz=_zone(given), zone_from_archive=not given)


def _zone(name: str | None) -> tzinfo:
    """--tz, else $NEWSREADER_TZ (argparse's default), else the settings, else the machine's."""
    name = name or _settings().timezone
    if not name:
        return local_timezone()
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise CliError(f"unknown time zone {name!r} (use a name like Asia/Shanghai)", 2) from None


def _resolve_root(path: Path | None) -> Path:
    """PATH, or an archive named in the settings, else the default archive, else the samples."""
    settings = _settings()
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


def _open_archive(
    path: Path | None,
    options: LoadOptions,
    terms: SearchTerms | None = None,
    *,
    need_posts: bool = True,
) -> tuple[Archive, set[str] | None]:
    """The archive at PATH (see :func:`_resolve_root`) from its index, and the ids of the
    posts matching ``terms`` (None without terms).

    Every command that reads posts comes here. The index is refreshed first (only changed
    files are read); the posts carry no body (load one with ``load_post``); the archive's
    ``skipped`` and ``scan_problems`` are the index's. With ``need_posts``, an archive without
    posts is an error. The index's notices are printed as warnings. Should reading it fail
    after the refresh (it is then replaced and empty), the archive is loaded in memory
    instead, and the ids are None: match there.
    """
    from newsreader.archive.index import ArchiveIndex

    root = _resolve_root(path)
    with ArchiveIndex.open(root, options) as index:
        with _progress_bar(_PROGRESS_FROM) as progress:
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
def _progress_bar(minimum: int = 0) -> Iterator[Callable[[int, int], None]]:
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


def _console(width: int | None = None) -> Console:
    return Console(width=width, highlight=False, soft_wrap=False)


def _open_reader(options: argparse.Namespace, load: LoadOptions) -> int:
    root = _resolve_root(options.path)
    from newsreader.app import create_app  # the TUI's imports cost time; list does not need them

    app = create_app(root, load, settings=_settings())
    app.run()
    # A reader that crashed has printed its traceback: the exit status must say so too.
    return app.return_code or 0


# --- subcommands --------------------------------------------------------------------------


def _list(options: argparse.Namespace, load: LoadOptions) -> int:
    try:
        zone = load.zone_for(_resolve_root(options.path).resolve())
        dates = parse_date_spec(options.date, zone) if options.date else None
    except DateSpecError as error:
        raise CliError(str(error), EXIT_USAGE) from None
    if options.limit is not None and options.limit < 0:
        raise CliError("--limit must be 0 or more", EXIT_USAGE)
    query = Filter(
        category=options.category,
        tag=options.tag,
        dates=dates,
        text=options.search or "",
        drafts=options.drafts,
        unpublished=options.unpublished,
    )
    archive, matches = _open_archive(options.path, load, query.terms)
    posts = archive.filter(query, matches)
    if options.unread or options.starred:
        posts = _marked(posts, archive.root, unread=options.unread, starred=options.starred)
    posts = posts[: options.limit]
    if options.json:
        ascii_only = not carries_utf8(sys.stdout)
        for post in posts:
            print(json.dumps(_post_record(post, archive), ensure_ascii=ascii_only))
        return 0
    console = _console()
    if not posts:
        console.print(Text("No posts match."))
        return 0
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    table.add_column("date", no_wrap=True)
    table.add_column("title", ratio=1, overflow="ellipsis", no_wrap=True)
    table.add_column("category", no_wrap=True, overflow="ellipsis", max_width=30)
    table.add_column("id", no_wrap=True, overflow="ellipsis", style="dim")
    labels = archive.labels
    for post in posts:
        category = post.categories[0] if post.categories else ""
        table.add_row(
            Text(strftime_padded(post.date, "%Y-%m-%d %H:%M")),
            Text(post.title),
            Text(labels.get(category, category)),
            Text(post.id),
        )
    console.print(table)
    return 0


def _post_record(post: Post, archive: Archive) -> dict[str, object]:
    return {
        "id": post.id,
        "path": display_path(post.path),
        "title": post.title,
        "date": post.date.isoformat(),
        "categories": list(post.categories),
        "labels": [archive.labels.get(slug) for slug in post.categories],
        "tags": list(post.tags),
        "source_url": post.source_url,
        "problems": list(post.problems),
    }


def _show(options: argparse.Namespace, load: LoadOptions) -> int:
    from newsreader.render import render_article
    from newsreader.render.links import reference_lines

    target: list[str] = options.target
    if len(target) > 2:
        raise CliError("show takes [PATH] ID", EXIT_USAGE)
    path = Path(target[0]) if len(target) == 2 else None
    post_id = utf8_name(target[-1])  # ids are UTF-8 whatever the locale (see utf8_name)
    load_options = load
    # The index finds the post and the category labels without reading every file.
    archive, _ = _open_archive(path, load_options)
    found = archive.linked_post(post_id)  # an id, or a name as Jekyll's post_url gives it
    post = None if found is None else load_post(found.path, archive.root, load_options)
    if isinstance(post, Problem):
        raise CliError(str(post))  # changed since the refresh a moment ago
    if post is None:
        raise CliError(f"no post with id {post_id!r} in {archive.root} (see: newsreader list)")
    article = render_article(post, archive.labels, find_post=archive.linked_post_id)
    console = _console(options.width)
    if not console.is_terminal:
        # Into a pipe or a file: text to reflow or grep, no styles, no padding (see plain).
        console.print(Text(article.plain_text(options.width)), soft_wrap=True, end="")
        return 0
    console.print(article)
    if article.links:
        console.print(Text("\n".join(["", *reference_lines(article.links)])), soft_wrap=True)
    return 0


def _categories(options: argparse.Namespace, load: LoadOptions) -> int:
    archive, _ = _open_archive(options.path, load)
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    table.add_column("count", justify="right")
    table.add_column("category")
    table.add_column("label")
    for category in archive.categories(by="name" if options.by_name else "count"):
        table.add_row(Text(f"{category.count:,}"), Text(category.slug), Text(category.label or ""))
    _console().print(table)
    return 0


def _check(options: argparse.Namespace, load: LoadOptions) -> int:
    archive, _ = _open_archive(options.path, load, need_posts=False)
    problems = archive.problems
    recovered = sum(1 for post in archive.posts if post.problems)
    console = _console()
    for problem in problems:
        console.print(Text(str(problem)), soft_wrap=True)
    for line in _check_notes(archive, load):
        console.print(Text(line), soft_wrap=True)
    console.print(
        Text(
            f"{len(archive):,} posts loaded, {len(archive.skipped):,} files skipped, "
            f"{len(problems):,} problems ({recovered:,} posts loaded with recovered problems) "
            f"in {display_path(archive.root)}"
        ),
        soft_wrap=True,
    )
    if not len(archive):
        console.print(Text("No posts found (looked for .md, .markdown and .html files)."))
        return 1
    return 1 if archive.skipped else 0


# --- reading state and settings -----------------------------------------------------------


def _check_notes(archive: Archive, load: LoadOptions) -> list[str]:
    """What ``check`` says besides problems: the zone used, and the posts a build hides."""
    zone, source = load.zone_and_source(archive.root)
    now = datetime.now(UTC)
    posts = archive.posts
    drafts = sum(1 for post in posts if post.draft)
    unpublished = sum(1 for post in posts if not post.published)
    future = sorted(post.id for post in posts if post.date > now)
    name = getattr(zone, "key", None) or datetime.now(zone).strftime("%z")
    notes = [*site_info(archive.root).config.problems]
    notes.append(f"dates without an offset read in {name} ({source})")
    if drafts or unpublished:
        notes.append(
            f"{counted(drafts, 'draft')} and {counted(unpublished, 'unpublished post')},"
            " hidden unless asked for"
            " (list --drafts, --unpublished)"
        )
    if future:
        shown = ", ".join(future[:_FUTURE_NAMED])
        more = f" and {len(future) - _FUTURE_NAMED:,} more" if len(future) > _FUTURE_NAMED else ""
        notes.append(
            f"{len(future):,} posts dated in the future (listed all the same): {shown}{more}"
        )
    return notes


@functools.cache
def _settings() -> Settings:
    """The user's settings; each problem with the file is printed as a warning."""
    settings, messages = load_settings()
    for message in messages:
        print(f"newsreader: warning: {message}", file=sys.stderr)
    return settings


def _open_state(root: Path) -> ReadingState:
    """The reading state of the archive at ``root``, its notices printed as warnings."""
    state = ReadingState.open(archive_key(root, _settings().archives))
    for notice in state.notices:
        print(f"newsreader: warning: {notice}", file=sys.stderr)
    return state


def _marked(posts: list[Post], root: Path, *, unread: bool, starred: bool) -> list[Post]:
    """The posts that are unread and/or starred, as asked (both: starred and not yet read)."""
    with _open_state(root) as state:
        try:
            read = state.read_ids(posts) if unread else set()
            stars = state.starred_ids(posts) if starred else None
        except StateError as error:
            raise CliError(str(error)) from None
    return [post for post in posts if post.id not in read and (stars is None or post.id in stars)]


def _export_state(options: argparse.Namespace, load: LoadOptions) -> int:
    target: list[str] = options.target
    if len(target) > 2:
        raise CliError("export-state takes [PATH] [FILE]", EXIT_USAGE)
    if len(target) == 2:
        path, file = Path(target[0]), target[1]
    elif len(target) == 1 and Path(target[0]).is_dir():
        path, file = Path(target[0]), "-"
    else:
        path, file = None, target[0] if target else "-"
    root = _resolve_root(path)
    with _open_state(root) as state:
        try:
            data = state.export()
        except StateError as error:
            raise CliError(str(error)) from None
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if file == "-":
        sys.stdout.write(text)
        return 0
    try:
        write_atomically(Path(file), text)
    except OSError as error:
        raise CliError(f"cannot write {file}: {error.strerror or error}") from None
    count = len(data["marks"])
    print(f"Exported {count:,} marks of archive {state.archive!r} to {file}.")
    return 0


def _import_state(options: argparse.Namespace, load: LoadOptions) -> int:
    target: list[str] = options.target
    if len(target) > 2:
        raise CliError("import-state takes [PATH] FILE", EXIT_USAGE)
    path = Path(target[0]) if len(target) == 2 else None
    file = target[-1]
    root = _resolve_root(path)
    try:
        text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
        data = json.loads(text)
    except OSError as error:
        raise CliError(f"cannot read {file}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise CliError(f"{file} is not UTF-8 text (expected JSON from export-state)") from None
    except json.JSONDecodeError as error:
        raise CliError(f"{file} is not valid JSON (line {error.lineno}: {error.msg})") from None
    with _open_state(root) as state:
        try:
            result = state.import_(data)
        except StateError as error:
            raise CliError(f"{file}: {error}") from None
    for problem in result.problems:
        print(f"newsreader: {file}: skipped {problem}", file=sys.stderr)
    if result.skipped > len(result.problems):
        print(
            f"newsreader: {file}: skipped {result.skipped - len(result.problems):,} more",
            file=sys.stderr,
        )
    print(
        f"Imported into archive {state.archive!r} ({state.path}): {result.added:,} added, "
        f"{result.updated:,} updated, {result.unchanged:,} already there, "
        f"{result.skipped:,} skipped."
    )
    return 1 if result.skipped else 0


def _config(options: argparse.Namespace, load: LoadOptions) -> int:
    settings, messages = load_settings()
    path = settings.path or config_path()
    console = _console()
    found = "" if path.is_file() else "  (no such file: every setting is its default)"
    console.print(Text(f"Settings file: {path}{found}"), soft_wrap=True)
    console.print(Text(f"Reading state: {data_dir() / STATE_FILE_NAME}"), soft_wrap=True)
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    table.add_column("setting", no_wrap=True)
    table.add_column("value", overflow="fold")
    table.add_column("from", no_wrap=True, style="dim")
    for key, value, origin in describe_settings(settings):
        table.add_row(Text(key), Text(value), Text(origin))
    console.print(table)
    for message in messages:
        print(f"newsreader: {message}", file=sys.stderr)
    return 1 if messages else 0


def _index(options: argparse.Namespace, load: LoadOptions) -> int:
    from newsreader.archive.index import ArchiveIndex

    root = _resolve_root(options.path)
    with ArchiveIndex.open(root, load) as index:
        with _progress_bar() as progress:
            result = index.refresh(progress, rebuild=options.rebuild)
        for notice in result.notices:
            print(f"newsreader: {notice}", file=sys.stderr)
        where = display_path(index.path) if index.path else "(kept in memory only)"
        summary = (
            f"{result.scanned:,} files, {result.parsed:,} read: {len(result.added):,} new, "
            f"{len(result.changed):,} changed, {len(result.removed):,} removed, "
            f"{len(index.skipped()):,} skipped; index {where}"
        )
    _console().print(Text(summary), soft_wrap=True)
    return 0


_COMMANDS: Final[dict[str, _Command]] = {
    READ: _open_reader,
    "list": _list,
    "show": _show,
    "categories": _categories,
    "check": _check,
    "export-state": _export_state,
    "import-state": _import_state,
    "config": _config,
    "index": _index,
}
