"""The records the data layer hands out: posts, problems and categories."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar, dataclass_transform

DATE_OWN_OFFSET = 0
"""``Post.date_basis``: the date was written with its UTC offset; no zone changes it."""
DATE_IN_ZONE = 1
"""``Post.date_basis``: a wall time (or a day) written without an offset, read in the zone."""
DATE_FROM_MTIME = 2
"""``Post.date_basis``: the file's modification time, an instant shown in the zone."""


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with one file: where, and what."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


_Record = TypeVar("_Record")


@dataclass_transform(frozen_default=True)
def _record(cls: type[_Record]) -> type[_Record]:
    """A dataclass the type checker holds frozen but that is built without frozen's cost.

    A frozen dataclass sets each field through ``object.__setattr__``: 1.4 µs a post, seven
    times a plain slots class, and a warm start builds 100,000 posts (a million at 1M). No
    post is ever changed in place (``dataclasses.replace`` makes a new one), and mypy
    rejects any assignment to a field, as it would for ``frozen=True``.
    """
    return dataclass(slots=True)(cls)


@_record
class Post:
    """One article of the archive, with its metadata already cleaned for display."""

    id: str
    """Path relative to the archive root, with forward slashes: stable across machines."""
    path: Path
    title: str
    date: datetime
    """Always timezone-aware."""
    categories: tuple[str, ...]
    tags: tuple[str, ...]
    source_url: str | None
    body: str
    """The raw body after the front matter, unrendered."""
    extra: Mapping[str, Any] = field(default_factory=dict)
    """Front-matter keys other than the ones above."""
    problems: tuple[str, ...] = ()
    """What was recovered or guessed while loading (a fallback date, broken YAML...)."""
    draft: bool = False
    """Kept in ``_drafts``: not listed unless asked for, as in a Jekyll build."""
    published: bool = True
    """False for ``published: false``: not listed unless asked for."""
    markup: str = "markdown"
    """The converter its extension picks: ``markdown``, ``html`` or ``text`` (shown as is)."""
    date_basis: int = DATE_OWN_OFFSET
    """What ``date`` was read from, and so what another zone would make of it:
    :data:`DATE_OWN_OFFSET`, :data:`DATE_IN_ZONE` or :data:`DATE_FROM_MTIME`."""


@dataclass(frozen=True, slots=True)
class Category:
    """A category slug, its human label (a tag all its posts share) and its post count."""

    slug: str
    label: str | None
    count: int

    @property
    def display_name(self) -> str:
        """The slug with its label beside it, as shown everywhere."""
        return f"{self.slug} · {self.label}" if self.label else self.slug
