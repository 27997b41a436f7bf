"""The commands that print posts: ``list``, ``show`` and ``categories``."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from contextlib import nullcontext
from datetime import datetime, timedelta, timezone, tzinfo
from pathlib import Path

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text

from newsreader.archive import (
    DateSpecError,
    Filter,
    LoadOptions,
    Post,
    Problem,
    load_post,
    parse_date_spec,
)
from newsreader.archive.dates import in_zone, strftime_padded, zone_name
from newsreader.archive.loader import display_path
from newsreader.archive.scan import utf8_name
from newsreader.archive.text import clean_line
from newsreader.cli.common import (
    EXIT_USAGE,
    CliError,
    make_console,
    open_state,
    resolve_root,
)
from newsreader.cli.fetch import fetch_categories, fetch_named_posts, fetch_posts
from newsreader.cli.lookup import archive_of, category_slug, names_a_post
from newsreader.cli.output import COLUMN_GAP, as_printed, ellipsis, fitted_rows, tsv_line
from newsreader.cli.pager import CommandPager, pager_command
from newsreader.state import StateError
from newsreader.streams import carries_utf8

_DATE_CELLS = len("2022-03-31 09:30")
_TITLE_KEPT = 30
"""Cells the title keeps on a terminal before the id column is given up for it."""


def matching_posts(
    options: argparse.Namespace, load: LoadOptions
) -> tuple[list[Post], dict[str, str], Path]:
    """The posts ``list`` prints, newest first, the category labels and the archive's root.

    Bad arguments (a date filter, a limit, a category the archive does not have) are usage
    errors."""
    try:
        zone = load.zone_for(resolve_root(options.path).resolve())
        dates = parse_date_spec(options.date, zone) if options.date else None
    except DateSpecError as error:
        raise CliError(str(error), EXIT_USAGE) from None
    if options.limit is not None and options.limit < 0:
        raise CliError("--limit must be 0 or more", EXIT_USAGE)
    query = Filter(
        tag=options.tag,
        dates=dates,
        text=options.search or "",
        drafts=options.drafts,
        unpublished=options.unpublished,
    )
    if options.category is not None:
        known = fetch_categories(options.path, load, by="count")
        query = dataclasses.replace(query, category=category_slug(options.category, known))
    fetched = fetch_posts(
        options.path,
        load,
        query,
        limit=options.limit or None,  # 0: no limit, as the help says
        unread=options.unread,
        starred=options.starred,
    )
    return fetched.posts, fetched.labels, fetched.root


def list_command(options: argparse.Namespace, load: LoadOptions) -> int:
    posts, labels, root = matching_posts(options, load)
    if not posts:
        print("newsreader: No posts match.", file=sys.stderr)
        return 1
    if options.json:
        read, starred = post_marks(posts, root)
        ascii_only = not carries_utf8(sys.stdout)
        for post in posts:
            record = post_record(post, labels) | {
                "read": post.id in read,
                "starred": post.id in starred,
            }
            print(json.dumps(record, ensure_ascii=ascii_only))
        return 0
    console = make_console()
    if not console.is_terminal:
        for post in posts:
            category = post.categories[0] if post.categories else ""
            fields = (post.id, post.date.isoformat(), category, labels.get(category, ""))
            print(tsv_line([*fields, post.title]))
        return 0
    zone = load.zone_for(root.resolve())
    for line in _table_lines(posts, labels, console.width, zone):
        console.print(line, soft_wrap=True)
    return 0


def _table_lines(posts: list[Post], labels: dict[str, str], width: int, zone: tzinfo) -> list[Text]:
    """The terminal's table: date and time in ``zone`` (named in the header, so a newest-first
    list reads sorted, as in the reader), title, category label and, when the title keeps
    :data:`_TITLE_KEPT` cells beside it, the id; only the title is cut to fit."""

    def shown(text: str) -> str:
        return as_printed(clean_line(text))

    rows = [[_date_heading(zone), "title", "category", "id"]]
    for post in posts:
        category = post.categories[0] if post.categories else ""
        when = strftime_padded(in_zone(post.date, zone), "%Y-%m-%d %H:%M")
        rows.append(
            [when, shown(post.title), shown(labels.get(category, category)), shown(post.id)]
        )
    beside_title = sum(max(cell_len(row[column]) for row in rows) for column in (0, 2, 3))
    if width - beside_title - 3 * cell_len(COLUMN_GAP) < _TITLE_KEPT:
        rows = [row[:3] for row in rows]
    lines = [Text(line) for line in fitted_rows(rows, width, 1, ellipsis())]
    lines[0].stylize("bold")
    return lines


def _date_heading(zone: tzinfo) -> str:
    """``date Asia/Tokyo``, or the zone's offset now where its name would widen the column
    beyond the ``YYYY-MM-DD HH:MM`` below it."""
    heading = f"date {zone_name(zone)}"
    if len(heading) <= _DATE_CELLS:
        return heading
    return f"date {zone_name(timezone(datetime.now(zone).utcoffset() or timedelta()))}"


def post_marks(posts: list[Post], root: Path) -> tuple[set[str], set[str]]:
    """The ids of ``posts`` marked read, and of those starred."""
    with open_state(root) as state:
        try:
            return state.read_ids(posts), state.starred_ids(posts)
        except StateError as error:
            raise CliError(str(error)) from None


def post_record(post: Post, labels: dict[str, str]) -> dict[str, object]:
    return {
        "id": post.id,
        "path": display_path(post.path),
        "title": post.title,
        "date": post.date.isoformat(),
        "categories": list(post.categories),
        "labels": [labels.get(slug) for slug in post.categories],
        "tags": list(post.tags),
        "source_url": post.source_url,
        "problems": list(post.problems),
    }


def show_command(options: argparse.Namespace, load: LoadOptions) -> int:
    from newsreader.render import render_article
    from newsreader.render.links import reference_lines

    path, targets = _show_targets(options.target)
    # The index finds the posts and the category labels without reading every file.
    fetched = fetch_named_posts(path, load, targets)
    console = make_console(options.width)
    zone = load.zone_for(fetched.root.resolve())  # the reader's: its dates read the same
    articles = []
    failed = 0
    for target, found in zip(targets, fetched.posts, strict=True):
        post = None if found is None else load_post(found.path, fetched.root, load)
        if isinstance(post, Problem):  # changed since the refresh a moment ago
            print(f"newsreader: {post}", file=sys.stderr)
        elif post is None:
            print(
                f"newsreader: no post with id {target!r} in {fetched.root} (see: newsreader list)",
                file=sys.stderr,
            )
        else:
            articles.append(
                (
                    post.id,
                    render_article(post, fetched.labels, find_post=fetched.find_post, zone=zone),
                )
            )
            continue
        failed += 1
    several = len(targets) > 1
    if not console.is_terminal:
        # Into a pipe or a file: text to reflow or grep, no styles, no padding (see plain).
        for number, (post_id, article) in enumerate(articles):
            heading = f"{'' if number == 0 else chr(10)}==> {clean_line(post_id)} <==\n"
            text = article.plain_text(options.width)
            console.print(Text(heading + text if several else text), soft_wrap=True, end="")
        return 1 if failed else 0
    command = None if options.no_pager else pager_command()
    with console.pager(CommandPager(command), styles=True) if command else nullcontext():
        for number, (post_id, article) in enumerate(articles):
            if several:
                console.rule(Text(clean_line(post_id)), style="bold")
            console.print(article)
            if article.links:
                lines = ["", *reference_lines(article.links)]
                console.print(Text("\n".join(lines)), soft_wrap=True)
            if number < len(articles) - 1:
                console.line()
    return 1 if failed else 0


def _show_targets(target: list[str]) -> tuple[Path | None, list[str]]:
    """``show``'s words as the archive (None: the default one, or the one holding the first
    post file named) and the posts named.

    The first of several words is the archive unless it names a post: a file, or a word
    ending like a post file or starting like a post_url name (:func:`names_a_post`). Ids are
    UTF-8 whatever the locale (see utf8_name)."""
    words = [utf8_name(word) for word in target]
    if len(words) > 1 and not names_a_post(words[0]):
        return Path(target[0]), words[1:]
    if Path(words[0]).is_file() and (root := archive_of(Path(words[0]))) is not None:
        return root, words
    return None, words


def categories_command(options: argparse.Namespace, load: LoadOptions) -> int:
    categories = fetch_categories(options.path, load, by="name" if options.by_name else "count")
    if options.json:
        ascii_only = not carries_utf8(sys.stdout)
        for category in categories:
            record = {"slug": category.slug, "label": category.label, "count": category.count}
            print(json.dumps(record, ensure_ascii=ascii_only))
        return 0
    console = make_console()
    if not console.is_terminal:
        for category in categories:
            print(tsv_line([str(category.count), category.slug, category.label or ""]))
        return 0
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    table.add_column("count", justify="right")
    table.add_column("category")
    table.add_column("label")
    for category in categories:
        table.add_row(Text(f"{category.count:,}"), Text(category.slug), Text(category.label or ""))
    console.print(table)
    return 0
