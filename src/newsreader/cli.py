"""The command line: ``newsreader [PATH]`` opens the reader; subcommands list, show and check."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from datetime import tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rich.console import Console
from rich.table import Table
from rich.text import Text

from newsreader import __version__
from newsreader.archive import (
    DATE_SPEC_HELP,
    Archive,
    DateSpecError,
    Filter,
    LoadOptions,
    Post,
    load_archive,
    parse_date_spec,
)
from newsreader.archive.loader import display_path, local_timezone
from newsreader.resources import sample_posts_dir

SUBCOMMANDS = ("list", "show", "categories", "check")
EXIT_USAGE = 2


class CliError(Exception):
    """A problem to report in one line, with an exit code, never as a traceback."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    command = next((arg for arg in args if not arg.startswith("-")), None)
    parser = _subcommand_parser() if command in SUBCOMMANDS else _reader_parser()
    options = parser.parse_args(args)
    try:
        tz = _zone(options.tz)
        if options.command is None:
            return _open_reader(options.path, tz)
        handler = {
            "list": _list,
            "show": _show,
            "categories": _categories,
            "check": _check,
        }[options.command]
        return handler(options, tz)
    except CliError as error:
        print(f"newsreader: {error}", file=sys.stderr)
        return error.code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `newsreader list | head`: the reader of our output left; that is not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


# --- parsers ------------------------------------------------------------------------------


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--tz",
        metavar="ZONE",
        default=os.environ.get("NEWSREADER_TZ"),
        help="time zone for dates written without an offset, e.g. Asia/Shanghai "
        "(default: $NEWSREADER_TZ, else this machine's zone)",
    )


def _path_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "path",
        nargs="?",
        type=Path,
        default=None,
        metavar="PATH",
        help="the archive folder (default: the bundled sample posts)",
    )


def _reader_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsreader",
        description="Read a Jekyll-style news archive in the terminal. "
        f"Subcommands: {', '.join(SUBCOMMANDS)} (newsreader SUBCOMMAND --help).",
        epilog=f"Date filters (the reader's d key and --date): {DATE_SPEC_HELP}.",
    )
    parser.add_argument("--version", action="version", version=f"newsreader {__version__}")
    _path_argument(parser)
    _common(parser)
    parser.set_defaults(command=None)
    return parser


def _subcommand_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsreader")
    commands = parser.add_subparsers(dest="command", required=True)

    listing = commands.add_parser(
        "list",
        help="list posts, newest first",
        description="List posts, newest first: a table on a terminal, or JSON lines.",
        epilog=f"SPEC is {DATE_SPEC_HELP}.",
    )
    _path_argument(listing)
    listing.add_argument("--category", metavar="C", help="only posts in category C (its slug)")
    listing.add_argument("--tag", metavar="T", help="only posts tagged T")
    listing.add_argument("--date", metavar="SPEC", help="only posts in this date range")
    listing.add_argument(
        "--search",
        metavar="TEXT",
        help='only posts holding every word of TEXT ("a phrase" as one, -word excluded)',
    )
    listing.add_argument("--limit", metavar="N", type=int, help="at most N posts")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    _common(listing)

    show = commands.add_parser(
        "show",
        help="print one article",
        description="Print one article, rendered (plain text when piped).",
    )
    show.add_argument(
        "target", nargs="+", metavar="[PATH] ID", help="the archive folder and the post's id"
    )
    show.add_argument("--width", type=int, help="wrap at this many columns")
    _common(show)

    categories = commands.add_parser(
        "categories", help="categories with labels and counts", description="List categories."
    )
    _path_argument(categories)
    categories.add_argument("--by-name", action="store_true", help="sort by name, not count")
    _common(categories)

    check = commands.add_parser(
        "check",
        help="load everything and report problems",
        description="Load every file and print a summary and each problem as 'path: message'. "
        "Exits 0 when no file was skipped, 1 otherwise.",
    )
    _path_argument(check)
    _common(check)
    return parser


# --- helpers ------------------------------------------------------------------------------


def _zone(name: str | None) -> tzinfo:
    if not name:
        return local_timezone()
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise CliError(f"unknown time zone {name!r} (use a name like Asia/Shanghai)", 2) from None


def _resolve_root(path: Path | None) -> Path:
    root = path if path is not None else sample_posts_dir()
    if not root.exists():
        raise CliError(f"no such folder: {root}", EXIT_USAGE)
    if not root.is_dir():
        raise CliError(f"not a folder: {root} (give the archive's folder)", EXIT_USAGE)
    if not os.access(root, os.R_OK | os.X_OK):
        raise CliError(f"cannot read folder: {root} (permission denied)", EXIT_USAGE)
    return root


def _load(path: Path | None, tz: tzinfo, *, need_posts: bool = True) -> Archive:
    root = _resolve_root(path)
    archive = load_archive(root, LoadOptions(tz=tz))
    if need_posts and not len(archive):
        raise CliError(f"no posts found in {root} (looked for .md, .markdown and .html files)")
    return archive


def _console(width: int | None = None) -> Console:
    return Console(width=width, highlight=False, soft_wrap=False)


def _open_reader(path: Path | None, tz: tzinfo) -> int:
    root = _resolve_root(path)
    from newsreader.app import create_app  # the TUI's imports cost time; list does not need them

    create_app(root, LoadOptions(tz=tz)).run()
    return 0


# --- subcommands --------------------------------------------------------------------------


def _list(options: argparse.Namespace, tz: tzinfo) -> int:
    try:
        dates = parse_date_spec(options.date, tz) if options.date else None
    except DateSpecError as error:
        raise CliError(str(error), EXIT_USAGE) from None
    if options.limit is not None and options.limit < 0:
        raise CliError("--limit must be 0 or more", EXIT_USAGE)
    archive = _load(options.path, tz)
    query = Filter(
        category=options.category, tag=options.tag, dates=dates, text=options.search or ""
    )
    posts = archive.filter(query)[: options.limit]
    if options.json:
        for post in posts:
            print(json.dumps(_post_record(post, archive), ensure_ascii=False))
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
            Text(post.date.strftime("%Y-%m-%d %H:%M")),
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


def _show(options: argparse.Namespace, tz: tzinfo) -> int:
    from newsreader.archive.html import render_article

    target: list[str] = options.target
    if len(target) > 2:
        raise CliError("show takes [PATH] ID", EXIT_USAGE)
    path = Path(target[0]) if len(target) == 2 else None
    post_id = target[-1]
    archive = _load(path, tz)
    post = archive.get(post_id) or archive.get(post_id.removeprefix("./"))
    if post is None:
        raise CliError(f"no post with id {post_id!r} in {archive.root} (see: newsreader list)")
    _console(options.width).print(render_article(post, archive.labels))
    return 0


def _categories(options: argparse.Namespace, tz: tzinfo) -> int:
    archive = _load(options.path, tz)
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    table.add_column("count", justify="right")
    table.add_column("category")
    table.add_column("label")
    for category in archive.categories(by="name" if options.by_name else "count"):
        table.add_row(Text(f"{category.count:,}"), Text(category.slug), Text(category.label or ""))
    _console().print(table)
    return 0


def _check(options: argparse.Namespace, tz: tzinfo) -> int:
    archive = _load(options.path, tz, need_posts=False)
    problems = archive.problems
    recovered = sum(1 for post in archive.posts if post.problems)
    console = _console()
    for problem in problems:
        console.print(Text(str(problem)), soft_wrap=True)
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
