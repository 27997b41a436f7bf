"""What makes a file a post, and what its place and the site's ``_config.yml`` say about it.

The rules are Jekyll's, in one place for the scanner and the loader:

- A *Jekyll site* is an archive with a ``_posts`` or ``_drafts`` folder (looked for down to
  :data:`SITE_DEPTH` folders deep, where Jekyll's category folders put them). In a site, a
  file is a post when it lies under a ``_posts`` folder (at any depth) with a name
  ``YYYY-M(M)-D(D)-slug.ext``, or under ``_drafts``; any extension but data files'
  (:data:`DATA_SUFFIXES`) counts, with or without front matter. Elsewhere in a site a file
  counts only when its name starts with such a date and it has front matter (an archive that
  keeps some posts in ``archive/2023/`` beside ``_posts``); pages (no date in the name),
  layouts, includes and every other underscore folder never do.
- A folder that is not a site keeps the plain rules: Markdown and HTML files that have front
  matter or a dated name.

Folders above ``_posts`` are categories (``en/news/_posts/x.md`` → ``en``, ``news``).
"""

from __future__ import annotations

import fnmatch
import functools
import os
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

__all__ = [
    "DATA_SUFFIXES",
    "DEFAULT_MARKDOWN_EXT",
    "PLAIN_SUFFIXES",
    "POSTS_FOLDERS",
    "POST_NAME",
    "SITE_DEPTH",
    "FrontMatterDefault",
    "Place",
    "SiteConfig",
    "SiteInfo",
    "find_site_folder",
    "infer_zone",
    "place_of",
    "read_site_config",
    "site_info",
    "site_variables",
]

POST_NAME = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})-(.+)\.[^.]+$")
"""A post's file name as Jekyll reads it: a date, a slug, an extension."""
DATA_SUFFIXES = frozenset({".yml", ".yaml", ".json", ".csv", ".tsv"})
PLAIN_SUFFIXES = frozenset({".md", ".markdown", ".html"})
"""What a folder that is not a Jekyll site is read for (the rules before sites were known)."""
DEFAULT_MARKDOWN_EXT = ("markdown", "mkdown", "mkdn", "mkd", "md")
SITE_DEPTH = 4
POSTS_FOLDERS = frozenset({"_posts", "_drafts"})
CONFIG_NAME = "_config.yml"
_CONFIG_MAX_BYTES = 1024 * 1024


@dataclass(frozen=True, slots=True)
class FrontMatterDefault:
    """One entry of ``defaults``: values for posts under ``path`` (and of ``type``)."""

    path: str
    type: str | None
    values: tuple[tuple[str, Any], ...]


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """What a site's ``_config.yml`` says that changes how its posts read."""

    timezone: tzinfo | None = None
    markdown_ext: frozenset[str] = frozenset(DEFAULT_MARKDOWN_EXT)
    defaults: tuple[FrontMatterDefault, ...] = ()
    exclude: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    problems: tuple[str, ...] = field(default=(), compare=False)

    def excluded(self, rel: str) -> bool:
        """Whether a path relative to the root is excluded (and not included back)."""
        if any(_matches(rel, pattern) for pattern in self.include):
            return False
        return any(_matches(rel, pattern) for pattern in self.exclude)

    def defaults_for(self, rel: str, kind: str) -> dict[str, Any]:
        """The front-matter defaults that apply to a file, later entries winning."""
        values: dict[str, Any] = {}
        for default in self.defaults:
            if default.type is not None and default.type != kind:
                continue
            scope = default.path.strip("/")
            if scope and not (rel == scope or rel.startswith(scope + "/")):
                continue
            values.update(default.values)
        return values

    @property
    def fingerprint(self) -> str:
        """What of this config changes what the loader makes of a file."""
        zone = getattr(self.timezone, "key", None) or str(self.timezone)
        return repr((zone, sorted(self.markdown_ext), self.defaults, self.exclude, self.include))


def _matches(rel: str, pattern: str) -> bool:
    pattern = pattern.strip("/")
    return rel == pattern or rel.startswith(pattern + "/") or fnmatch.fnmatchcase(rel, pattern)


@dataclass(frozen=True, slots=True)
class Place:
    """What a file's path says: whether it is a post, a draft, and its folder categories."""

    in_posts: bool
    """Under a ``_posts`` or ``_drafts`` folder."""
    draft: bool
    categories: tuple[str, ...]


def place_of(rel: str) -> Place:
    """Where a file (its ``/``-separated path relative to the root) lies in a site."""
    folders = rel.split("/")[:-1]
    for depth, folder in enumerate(folders):
        if folder in POSTS_FOLDERS:
            return Place(True, folder == "_drafts", tuple(folders[:depth]))
    return Place(False, False, ())


def find_site_folder(root: Path) -> bool:
    """Whether a ``_posts`` or ``_drafts`` folder lies within :data:`SITE_DEPTH` levels."""
    level = [os.fsencode(root)]
    for _ in range(SITE_DEPTH):
        deeper: list[bytes] = []
        for folder in level:
            try:
                with os.scandir(folder) as entries:
                    for entry in entries:
                        name = entry.name
                        # Not through links: one leading out of the archive (to "/") must
                        # not make it a Jekyll site because of a _posts found elsewhere.
                        if not entry.is_dir(follow_symlinks=False) or name.startswith(b"."):
                            continue
                        if name in (b"_posts", b"_drafts"):
                            return True
                        if not name.startswith(b"_") and name != b"node_modules":
                            deeper.append(entry.path)
            except OSError:
                continue
        level = deeper
    return False


def read_site_config(root: Path) -> SiteConfig:
    """The root's ``_config.yml`` read for the keys that matter here; defaults without one."""
    path = root / CONFIG_NAME
    try:
        with path.open("rb") as stream:
            raw = stream.read(_CONFIG_MAX_BYTES)
        loaded = yaml.safe_load(raw.decode("utf-8-sig", "replace"))
    except FileNotFoundError:
        return SiteConfig()
    except (OSError, yaml.YAMLError, RecursionError) as error:
        return SiteConfig(problems=(f"{CONFIG_NAME} cannot be read ({type(error).__name__})",))
    if not isinstance(loaded, dict):
        return SiteConfig()
    problems: list[str] = []
    return SiteConfig(
        timezone=_zone(loaded.get("timezone"), problems),
        markdown_ext=_extensions(loaded.get("markdown_ext")),
        defaults=_defaults(loaded.get("defaults")),
        exclude=_strings(loaded.get("exclude")),
        include=_strings(loaded.get("include")),
        problems=tuple(problems),
    )


def site_variables(root: Path) -> dict[str, Any]:
    """Everything the root's ``_config.yml`` holds, as Liquid's ``site`` reads it ({} if none).

    Read again only when the file changes: articles ask for it each time one is shown.
    """
    return dict(_site_variables(str(root / CONFIG_NAME), _mtime(root / CONFIG_NAME)))


@functools.lru_cache(maxsize=4)
def _site_variables(path: str, mtime: int) -> dict[str, Any]:
    if mtime < 0:
        return {}
    try:
        with open(path, "rb") as stream:
            loaded = yaml.safe_load(stream.read(_CONFIG_MAX_BYTES).decode("utf-8-sig", "replace"))
    except (OSError, yaml.YAMLError, RecursionError):
        return {}
    return {str(key): value for key, value in loaded.items()} if isinstance(loaded, dict) else {}


def _zone(value: object, problems: list[str]) -> tzinfo | None:
    if not isinstance(value, str) or not value.strip():
        return None
    name = value.strip()
    if name.upper() in ("UTC", "GMT", "Z"):
        return UTC
    offset = re.fullmatch(r"([+-])(\d{2}):?(\d{2})", name)
    if offset:
        minutes = int(offset.group(2)) * 60 + int(offset.group(3))
        return timezone(timedelta(minutes=-minutes if offset.group(1) == "-" else minutes))
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(f"{CONFIG_NAME}: unknown timezone {name[:40]!r}; ignored")
        return None


def _extensions(value: object) -> frozenset[str]:
    if not isinstance(value, str) or not value.strip():
        return frozenset(DEFAULT_MARKDOWN_EXT)
    return frozenset(part.strip().lstrip(".").lower() for part in value.split(",") if part.strip())


def _strings(value: object) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value] if isinstance(value, str) else []
    return tuple(str(item) for item in items if isinstance(item, str | int) and str(item))


def _defaults(value: object) -> tuple[FrontMatterDefault, ...]:
    if not isinstance(value, list):
        return ()
    found: list[FrontMatterDefault] = []
    for entry in value:
        if not isinstance(entry, dict) or not isinstance(entry.get("values"), dict):
            continue
        scope = entry.get("scope")
        scope = scope if isinstance(scope, dict) else {}
        path = scope.get("path")
        kind = scope.get("type")
        path = path if isinstance(path, str) else ""
        kind = kind if isinstance(kind, str) else None
        values = tuple((str(key), item) for key, item in entry["values"].items())
        found.append(FrontMatterDefault(path, kind, values))
    return tuple(found)


class SiteInfo:
    """What the loader needs to know of a whole archive, read once per root."""

    __slots__ = ("_inferred", "_root", "config", "is_site")

    def __init__(self, root: Path, config: SiteConfig, is_site: bool) -> None:
        self._root = root
        self.config = config
        self.is_site = is_site
        """Has a ``_posts`` or ``_drafts`` folder: Jekyll's rules apply (see the module)."""
        self._inferred: tuple[tzinfo | None] | None = None

    @property
    def inferred_zone(self) -> tzinfo | None:
        """The UTC offset the archive's dated posts agree on, if they do (looked for once,
        when first asked: only where no zone was asked for)."""
        if self._inferred is None:
            self._inferred = (infer_zone(self._root, self.is_site),)
        return self._inferred[0]


_INFO_CACHE: dict[tuple[str, int, int], SiteInfo] = {}
_CHECKED: dict[str, tuple[float, SiteInfo]] = {}
"""The root last asked about: when its stamps were checked, and its info."""
_RECHECK_SECONDS = 1.0
_ZONE_SAMPLE = 400
_ZONE_MIN_OFFSETS = 3
_ZONE_AGREEMENT = 0.9
_DATE_LINE = re.compile(
    rb"^date:[ \t]*['\"]?\d{4}-\d{1,2}-\d{1,2}[ T]\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?"
    rb"[ \t]*(Z|[+-]\d{2}:?\d{2})?['\"]?[ \t]*\r?$",
    re.MULTILINE,
)


def site_info(root: Path, *, fresh: bool = False) -> SiteInfo:
    """The archive's :class:`SiteInfo`, cached until its root folder or config changes.

    Loading 100,000 posts asks for it 100,000 times: the two ``stat`` calls that tell a
    change are made at most every :data:`_RECHECK_SECONDS`, unless ``fresh`` (a scan, an
    index opening: once per pass over the archive) asks for them.
    """
    name = str(root)
    now = time.monotonic()
    checked = _CHECKED.get(name)
    if not fresh and checked is not None and now - checked[0] < _RECHECK_SECONDS:
        return checked[1]
    key = (name, _mtime(root), _mtime(root / CONFIG_NAME))
    info = _INFO_CACHE.get(key)
    if info is None:
        is_site = find_site_folder(root)
        info = SiteInfo(root, read_site_config(root), is_site)
        _INFO_CACHE.clear()
        _INFO_CACHE[key] = info
    _CHECKED.clear()
    _CHECKED[name] = (now, info)
    return info


def _mtime(path: Path) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return -1


def infer_zone(root: Path, is_site: bool) -> tzinfo | None:
    """The offset that nine in ten of the front-matter times that carry one agree on.

    A quick look (the first :data:`_ZONE_SAMPLE` files of ``_posts``, or of the root):
    scraped archives write every date in their newsroom's zone, mostly without saying it, and
    the few that say it tell what the rest mean. At least :data:`_ZONE_MIN_OFFSETS` must.
    """
    folder = root / "_posts" if is_site and (root / "_posts").is_dir() else root
    offsets: list[str] = []
    looked = 0
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if looked >= _ZONE_SAMPLE:
                    break
                if entry.name.startswith(".") or not entry.is_file():
                    continue
                looked += 1
                try:
                    with open(entry.path, "rb") as stream:
                        head = stream.read(4096)
                except OSError:
                    continue
                match = _DATE_LINE.search(head)
                if match is None:
                    continue
                if match.group(1):
                    offsets.append(match.group(1).decode().replace(":", ""))
    except OSError:
        return None
    if len(offsets) < _ZONE_MIN_OFFSETS:
        return None
    common = max(sorted(set(offsets)), key=offsets.count)
    if offsets.count(common) < _ZONE_AGREEMENT * len(offsets):
        return None
    if common == "Z":
        return UTC
    minutes = int(common[1:3]) * 60 + int(common[3:5])
    return timezone(timedelta(minutes=-minutes if common[0] == "-" else minutes))
