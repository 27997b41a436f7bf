"""The commands that print posts: ``list``, ``show`` and ``categories``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

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
from newsreader.archive.dates import strftime_padded
from newsreader.archive.loader import display_path
from newsreader.archive.scan import utf8_name
from newsreader.cli.common import (
    EXIT_USAGE,
    CliError,
    make_console,
    resolve_root,
)
from newsreader.cli.fetch import Fetched, fetch_categories, fetch_post, fetch_posts
from newsreader.streams import carries_utf8


def list_command(options: argparse.Namespace, load: LoadOptions) -> int:
    try:
        zone = load.zone_for(resolve_root(options.path).resolve())
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
    archive = fetch_posts(
        options.path,
        load,
        query,
        limit=options.limit,
        unread=options.unread,
        starred=options.starred,
    )
    posts = archive.posts
    if options.json:
        ascii_only = not carries_utf8(sys.stdout)
        for post in posts:
            print(json.dumps(post_record(post, archive), ensure_ascii=ascii_only))
        return 0
    console = make_console()
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


def post_record(post: Post, archive: Fetched) -> dict[str, object]:
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


def show_command(options: argparse.Namespace, load: LoadOptions) -> int:
    from newsreader.render import render_article
    from newsreader.render.links import reference_lines

    target: list[str] = options.target
    if len(target) > 2:
        raise CliError("show takes [PATH] ID", EXIT_USAGE)
    path = Path(target[0]) if len(target) == 2 else None
    post_id = utf8_name(target[-1])  # ids are UTF-8 whatever the locale (see utf8_name)
    load_options = load
    # The index finds the post and the category labels without reading every file.
    archive = fetch_post(path, load_options, post_id)
    found = archive.post  # by an id, or a name as Jekyll's post_url gives it
    post = None if found is None else load_post(found.path, archive.root, load_options)
    if isinstance(post, Problem):
        raise CliError(str(post))  # changed since the refresh a moment ago
    if post is None:
        raise CliError(f"no post with id {post_id!r} in {archive.root} (see: newsreader list)")
    article = render_article(post, archive.labels, find_post=archive.find_post)
    console = make_console(options.width)
    if not console.is_terminal:
        # Into a pipe or a file: text to reflow or grep, no styles, no padding (see plain).
        console.print(Text(article.plain_text(options.width)), soft_wrap=True, end="")
        return 0
    console.print(article)
    if article.links:
        console.print(Text("\n".join(["", *reference_lines(article.links)])), soft_wrap=True)
    return 0


def categories_command(options: argparse.Namespace, load: LoadOptions) -> int:
    categories = fetch_categories(options.path, load, by="name" if options.by_name else "count")
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    table.add_column("count", justify="right")
    table.add_column("category")
    table.add_column("label")
    for category in categories:
        table.add_row(Text(f"{category.count:,}"), Text(category.slug), Text(category.label or ""))
    make_console().print(table)
    return 0
