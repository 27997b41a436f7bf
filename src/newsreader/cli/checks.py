"""The commands about the archive and the settings themselves: ``check``, ``index``, ``config``."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime

from rich.table import Table
from rich.text import Text

from newsreader.archive import Archive, LoadOptions
from newsreader.archive.loader import display_path
from newsreader.archive.site import site_info
from newsreader.cli.common import make_console, open_archive, progress_bar, resolve_root
from newsreader.config import describe_settings, load_settings
from newsreader.locations import config_path, data_dir
from newsreader.state import STATE_FILE_NAME
from newsreader.words import counted

_FUTURE_NAMED = 10
"""Posts dated in the future that ``check`` names; the rest it counts."""


def check_command(options: argparse.Namespace, load: LoadOptions) -> int:
    archive, _ = open_archive(options.path, load, need_posts=False)
    problems = archive.problems
    recovered = sum(1 for post in archive.posts if post.problems)
    console = make_console()
    for problem in problems:
        console.print(Text(str(problem)), soft_wrap=True)
    for line in check_notes(archive, load):
        console.print(Text(line), soft_wrap=True)
    console.print(
        Text(
            f"{counted(len(archive), 'post')} loaded, {counted(len(archive.skipped), 'file')}"
            f" skipped, {counted(len(problems), 'problem')} ({counted(recovered, 'post')} loaded"
            f" with recovered problems) in {display_path(archive.root)}"
        ),
        soft_wrap=True,
    )
    if not len(archive):
        console.print(Text("No posts found (looked for .md, .markdown and .html files)."))
        return 1
    return 1 if archive.skipped else 0


def check_notes(archive: Archive, load: LoadOptions) -> list[str]:
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
            f"{counted(len(future), 'post')} dated in the future (listed all the same):"
            f" {shown}{more}"
        )
    return notes


def config_command(options: argparse.Namespace, load: LoadOptions) -> int:
    # The themes and the reader's keys, which only config checks outside the reader.
    from textual.theme import BUILTIN_THEMES

    from newsreader.screens.keymap import check_keymap, refused_in_effect

    settings, messages = load_settings(themes=BUILTIN_THEMES)
    keymap, refused = check_keymap(settings)
    messages += refused
    path = settings.path or config_path()
    console = make_console()
    found = "" if path.is_file() else "  (no such file: every setting is its default)"
    console.print(Text(f"Settings file: {path}{found}"), soft_wrap=True)
    console.print(Text(f"Reading state: {data_dir() / STATE_FILE_NAME}"), soft_wrap=True)
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    table.add_column("setting", no_wrap=True)
    table.add_column("value", overflow="fold")
    table.add_column("from", no_wrap=True, style="dim")
    for key, value, origin in describe_settings(settings, refused_in_effect(settings, keymap)):
        table.add_row(Text(key), Text(value), Text(origin))
    console.print(table)
    for message in messages:
        print(f"newsreader: {message}", file=sys.stderr)
    return 1 if messages else 0


def index_command(options: argparse.Namespace, load: LoadOptions) -> int:
    from newsreader.archive.index import ArchiveIndex

    root = resolve_root(options.path)
    with ArchiveIndex.open(root, load) as index:
        with progress_bar() as progress:
            result = index.refresh(progress, rebuild=options.rebuild)
        for notice in result.notices:
            print(f"newsreader: {notice}", file=sys.stderr)
        where = display_path(index.path) if index.path else "(kept in memory only)"
        summary = (
            f"{counted(result.scanned, 'file')}, {result.parsed:,} read:"
            f" {len(result.added):,} new, {len(result.changed):,} changed,"
            f" {len(result.removed):,} removed, "
            f"{len(index.skipped()):,} skipped; index {where}"
        )
    make_console().print(Text(summary), soft_wrap=True)
    return 0
