"""How list, show and categories get their posts: from the index alone, a page at a time.

Loading every post (what :func:`~newsreader.cli.common.open_archive` does, as the reader must)
costs seconds at 100,000 posts; these ask the index for just what a command prints (see
:mod:`newsreader.archive.index.lookup`), with the same answers. The index is refreshed only
when a folder changed since the last complete refresh (one ``stat`` a folder, as the reader's
poll): a file rewritten in place shows once a refresh reads it (``newsreader index``, or the
reader). Should the index turn out unreadable, the archive is loaded in memory and asked
instead, as before.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from newsreader.archive import Archive, Filter, LoadOptions, Post, load_archive
from newsreader.archive.index import (
    ArchiveIndex,
    category_summary,
    has_posts,
    linked_post,
    matching_posts,
    post_ids,
)
from newsreader.archive.post import Category
from newsreader.archive.query import search_text
from newsreader.cli import common
from newsreader.cli.common import CliError, marked, progress_bar, resolve_root
from newsreader.cli.lookup import post_name

_T = TypeVar("_T")


@dataclass
class Fetched:
    """Posts for a command to print, and what printing them needs."""

    root: Path
    posts: list[Post]
    labels: dict[str, str]
    """Category slug -> label, as ``Archive.labels``."""


@dataclass
class FetchedPosts:
    """The posts ``show`` names (metadata only; None for a name that finds none) and what
    rendering them needs."""

    root: Path
    posts: list[Post | None]
    labels: dict[str, str]
    find_post: Callable[[str], str | None]
    """The id of the post a link names, as ``Archive.linked_post_id`` (``render_article``'s
    ``find_post``)."""


@dataclass
class _IndexedNames:
    """``Archive.linked_post_id`` over the index, opened again at the first link asked for:
    most articles link to no post, and ``show`` needs the index closed before it renders."""

    root: Path
    options: LoadOptions
    ids: list[str] | None = field(default=None, repr=False)

    def __call__(self, name: str) -> str | None:
        with ArchiveIndex.open(self.root, self.options) as index:
            if self.ids is None:
                self.ids = post_ids(index) or []
            found = linked_post(index, name, self.ids) or []
        return found[0].id if found else None


def fetch_posts(
    path: Path | None,
    options: LoadOptions,
    query: Filter,
    *,
    limit: int | None = None,
    unread: bool = False,
    starred: bool = False,
) -> Fetched:
    """The posts ``list`` prints: those matching ``query``, unread and/or starred as asked,
    newest first, at most ``limit``."""
    # The marks are matched over every post the query finds, as before: a limit comes after.
    page = None if unread or starred else limit

    def ask(index: ArchiveIndex) -> tuple[list[Post], dict[str, str]] | None:
        posts = matching_posts(index, query, page)
        summary = category_summary(index)
        return None if posts is None or summary is None else (posts, summary.labels)

    def fallback(archive: Archive) -> tuple[list[Post], dict[str, str]]:
        terms = query.terms
        matches = {post.id for post in archive.posts if terms.matches(search_text(post))}
        return list(archive.filter(query, matches if terms else None)), archive.labels

    root, (posts, labels) = _answer(path, options, ask, fallback)
    if unread or starred:
        posts = marked(posts, root, unread=unread, starred=starred)
    return Fetched(root, posts[:limit], labels)


def fetch_named_posts(path: Path | None, options: LoadOptions, names: list[str]) -> FetchedPosts:
    """The posts ``show`` names, in order: each by id, by a name as Jekyll's ``post_url``
    gives it, or by a file's path (:func:`~newsreader.cli.lookup.post_name`)."""

    def ask(index: ArchiveIndex) -> FetchedPosts | None:
        summary = category_summary(index)
        if summary is None:
            return None
        posts: list[Post | None] = []
        for name in names:
            found = linked_post(index, name) or linked_post(index, post_name(name, index.root))
            if found is None:
                return None
            posts.append(found[0] if found else None)
        return FetchedPosts(index.root, posts, summary.labels, _IndexedNames(index.root, options))

    def fallback(archive: Archive) -> FetchedPosts:
        posts = [
            archive.linked_post(name) or archive.linked_post(post_name(name, archive.root))
            for name in names
        ]
        return FetchedPosts(archive.root, posts, archive.labels, archive.linked_post_id)

    return _answer(path, options, ask, fallback)[1]


def fetch_categories(path: Path | None, options: LoadOptions, *, by: str) -> list[Category]:
    """Every category with its label and count, as ``Archive.categories(by=by)``."""

    def ask(index: ArchiveIndex) -> list[Category] | None:
        summary = category_summary(index)
        return None if summary is None else summary.categories(by=by)

    return _answer(path, options, ask, lambda archive: archive.categories(by=by))[1]


def _answer(
    path: Path | None,
    options: LoadOptions,
    ask: Callable[[ArchiveIndex], _T | None],
    fallback: Callable[[Archive], _T],
) -> tuple[Path, _T]:
    """The archive's root and ``ask``'s answer from its index, refreshed if a folder changed;
    ``fallback``'s from the archive loaded in memory when the index cannot be read. An
    archive without posts is an error. The index's notices are printed as warnings."""
    given = resolve_root(path)
    with ArchiveIndex.open(given, options) as index:
        with progress_bar(common.PROGRESS_FROM) as progress:
            index.refresh_unless_unchanged(progress)
        before = len(index.notices)
        found = has_posts(index)
        answer = ask(index) if found else None
        failed = found is None or len(index.notices) > before
        notices = list(index.notices)
        root = index.root
    for notice in notices:
        print(f"newsreader: warning: {notice}", file=sys.stderr)
    if failed:
        archive = load_archive(given, options)
        found, answer = len(archive) > 0, fallback(archive)
        root = archive.root
    if not found or answer is None:
        raise CliError(f"no posts found in {given} (looked for .md, .markdown and .html files)")
    return root, answer
