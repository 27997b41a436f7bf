"""Finding what the user named: a category by slug or label, a post by id or file path."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from pathlib import Path

from newsreader.archive import Category
from newsreader.cli.common import EXIT_USAGE, CliError

_SUGGESTED = 3
"""Nearest names a misspelt category gets."""


def category_slug(given: str, categories: Iterable[Category]) -> str:
    """The slug of the category ``given`` names: its slug or its label, in any case.

    An unknown name is a usage error suggesting the nearest slugs and labels."""
    known = list(categories)
    wanted = given.casefold()
    for category in known:
        if wanted == category.slug.casefold() or (
            category.label and wanted == category.label.casefold()
        ):
            return category.slug
    names = {category.slug.casefold(): category.slug for category in known}
    names |= {category.label.casefold(): category.label for category in known if category.label}
    nearest = difflib.get_close_matches(wanted, list(names), n=_SUGGESTED, cutoff=0.5)
    hint = (
        f"; did you mean {' or '.join(repr(names[name]) for name in nearest)}?" if nearest else ""
    )
    raise CliError(
        f"no category {given!r}{hint} (see: newsreader categories)",
        EXIT_USAGE,
    )


_ARCHIVE_MARKERS = ("_config.yml", "_config.yaml")
_POST_FOLDERS = ("_posts", "_drafts")


_POST_LIKE = re.compile(r"(\.(md|markdown|html?)$)|((^|/)\d{4}-\d{1,2}-\d{1,2}-)", re.IGNORECASE)


def names_a_post(word: str) -> bool:
    """Whether ``show`` takes ``word`` for a post rather than an archive: a file, or a word
    that is no folder ending like a post file (``.md``) or starting like a post_url name
    (``2022-03-31-``)."""
    path = Path(word)
    return path.is_file() or (not path.is_dir() and _POST_LIKE.search(word) is not None)


def archive_of(file: Path) -> Path | None:
    """The archive a post file is in: the nearest folder above it holding a Jekyll
    ``_config.yml``, else the folder holding its nearest ``_posts`` or ``_drafts``."""
    folders = file.resolve().parents
    for folder in folders:
        if any((folder / name).is_file() for name in _ARCHIVE_MARKERS):
            return folder
    for folder in folders:
        if folder.name in _POST_FOLDERS:
            return folder.parent
    return None


def post_name(target: str, root: Path) -> str:
    """What ``show`` looks ``target`` up by in the archive at ``root``: an existing file's
    path from the root (the file given absolute or relative to the working folder), else
    ``target`` itself (an id, or a name as Jekyll's ``post_url`` takes it)."""
    file = Path(target)
    if not file.is_file():
        return target
    try:
        return file.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        raise CliError(f"{target} is not inside the archive {root}", EXIT_USAGE) from None
