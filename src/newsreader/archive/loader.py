"""Finding (with the one scanner, :mod:`newsreader.archive.scan`) and parsing the files of a
Jekyll-style archive.

Scraped archives are imperfect, so loading never gives up on a post it can read: broken
YAML falls back to a line-based ``key: value`` reader, a missing date falls back to the file
name and then to the modification time, a missing title to the first heading, then the first
words of the text, then the file name. Every such guess is recorded on the post as a problem.
Files that cannot be read as text at all (binary, empty, oversized, unreadable) are skipped
with a :class:`Problem` naming them, and loading goes on.
"""

from __future__ import annotations

import codecs
import html
import os
import re
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, tzinfo
from pathlib import Path
from typing import Any, BinaryIO

from newsreader.archive.collection import Archive
from newsreader.archive.dates import read_post_date
from newsreader.archive.front_matter import has_front_matter
from newsreader.archive.front_matter import split_front_matter as split_front_matter
from newsreader.archive.hidden import body_first_line, find_unclosed
from newsreader.archive.post import (
    DATE_FROM_MTIME,
    DATE_IN_ZONE,
    DATE_OWN_OFFSET,
    Post,
    Problem,
)
from newsreader.archive.scan import display_path as display_path
from newsreader.archive.scan import rel_to_path, relative_id, scan
from newsreader.archive.site import (
    DEFAULT_MARKDOWN_EXT,
    POST_NAME,
    Place,
    SiteInfo,
    place_of,
    site_info,
)
from newsreader.archive.source import find_source_url
from newsreader.archive.tags import html_heading, markdown_heading, strip_tags
from newsreader.archive.text import clean_line

DEFAULT_MAX_BYTES = 5 * 1024 * 1024

_KNOWN_KEYS = frozenset(
    {"title", "date", "categories", "category", "tags", "tag", "source_url", "published"}
)
_FILE_NAME_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})-")
# A slug "has words" when it has a run of two letters: a bare number or a single letter (a
# scraper's article code, a placeholder name) says nothing a reader wants as a title.
_SLUG_WORD = re.compile(r"[^\W\d_]{2}")
# Scraped posts are often named after the source's article code, which starts with the
# publication day: `-202205262391921712.md` was published on 2022-05-26.
_FILE_NAME_CODE_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})(\d{2})(\d{2})\d{6,}")
_NOWHERE = Place(False, False, ())
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_WORDS_FOR_TITLE = 60
_FEW_BROKEN_BYTES = 4
_MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class LoadOptions:
    """How to read an archive."""

    tz: tzinfo = field(default_factory=lambda: local_timezone())
    """The zone for dates written without an offset."""
    max_bytes: int = DEFAULT_MAX_BYTES
    zone_from_archive: bool = False
    """When True, ``tz`` is only the fallback (no zone was asked for): the ``timezone`` of
    the archive's ``_config.yml``, else the offset its dated posts agree on, comes first."""

    def zone_for(self, root: Path) -> tzinfo:
        """The zone dates without an offset are read in, for the archive at ``root``."""
        return self.zone_and_source(root)[0]

    def zone_and_source(self, root: Path) -> tuple[tzinfo, str]:
        """The zone for ``root`` and where it comes from, in words."""
        if self.zone_from_archive:
            info = site_info(root)
            if info.config.timezone is not None:
                return info.config.timezone, "the timezone in _config.yml"
            if info.inferred_zone is not None:
                return info.inferred_zone, "the offset the archive's dated posts agree on"
            return self.tz, "this machine's zone"
        return self.tz, "the zone asked for"


def local_timezone() -> tzinfo:
    """This machine's zone, as a fixed offset."""
    return datetime.now().astimezone().tzinfo or UTC


# --- finding files ------------------------------------------------------------------------


def find_post_files(root: Path, problems: list[Problem] | None = None) -> list[Path]:
    """Every candidate post file under ``root``, sorted, never leaving the root.

    The files :func:`~newsreader.archive.scan.scan` finds: symbolic links are followed only
    while they point inside the root, and a folder is visited once, so link loops end.
    Folders that cannot be listed are reported in ``problems``.
    """
    root = root.resolve()
    found = scan(root)
    if problems is not None:
        problems.extend(found.problems)
    return sorted(rel_to_path(root, rel) for rel in found.files)


def _inside(path: Path, root: Path) -> bool:
    try:
        return Path(os.path.realpath(path)).is_relative_to(root)
    except (OSError, ValueError):
        return False


def open_for_reading(path: Path) -> BinaryIO:
    """``path`` opened to read bytes, without blocking: a file swapped for a FIFO since it
    was looked at must not hang the open (the caller then refuses what ``fstat`` shows)."""
    return open(os.open(path, os.O_RDONLY | _NONBLOCK), "rb")


def _opened_inside(descriptor: int, path: Path, root: Path) -> bool:
    """Whether the file open as ``descriptor`` (reached by ``path``) lies under ``root``.

    Linux names the very file opened in ``/proc/self/fd``: one call, and no race with a link
    swapped after the open, where ``realpath(path)`` costs a call per path component. Where
    there is no ``/proc``, ``realpath`` decides.
    """
    try:
        real = os.readlink(f"/proc/self/fd/{descriptor}")
    except OSError:
        return _inside(path, root.resolve())
    # The root as given (callers pass it resolved), else resolved now.
    return _under(real, str(root)) or _under(real, os.path.realpath(root))


def _under(real: str, folder: str) -> bool:
    return real.startswith(folder if folder.endswith(os.sep) else folder + os.sep)


# --- reading one file ---------------------------------------------------------------------


def load_post(path: Path, root: Path, options: LoadOptions | None = None) -> Post | Problem | None:
    """Read one file into a Post, or a Problem when it cannot be read as a post at all.

    A file without front matter is a post only inside a ``_posts`` folder or when its name
    starts with a date (as Jekyll's posts do); elsewhere (a README, a page) it is not a post
    and None is returned.
    """
    options = options or LoadOptions()
    post_id = relative_id(path, root)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return Problem(post_id, "not a regular file; skipped")
        if info.st_size > options.max_bytes:
            return Problem(
                post_id,
                f"file is {info.st_size:,} bytes, over the {_size(options.max_bytes)} limit",
            )
        with open_for_reading(path) as stream:
            if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
                return Problem(post_id, "not a regular file; skipped")
            if not _opened_inside(stream.fileno(), path, root):
                # The file became a link out of the archive after the scan listed it.
                return Problem(post_id, "now a link out of the archive; skipped")
            raw = stream.read(options.max_bytes + 1)
    except OSError as error:
        return Problem(post_id, f"cannot be read ({error.strerror or error})")
    if len(raw) > options.max_bytes:
        # It grew past the limit between stat() and read().
        return Problem(post_id, f"file is over the {_size(options.max_bytes)} limit")
    if not raw.removeprefix(codecs.BOM_UTF8).strip():
        return Problem(post_id, "empty file; skipped")
    if b"\x00" in raw[:1024] and not raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return Problem(post_id, "binary file (NUL bytes); skipped")
    problems: list[str] = []
    text = decode_bytes(raw, problems)
    site = site_info(root)
    place = place_of(post_id)
    if not _is_post(has_front_matter(text.lstrip()), path, place, site):
        return None
    zone = options.zone_for(root)
    return parse_post(
        text, post_id, path, info.st_mtime, options, problems, site=site, zone=zone, place=place
    )


def _size(count: int) -> str:
    return f"{count // _MIB} MiB" if count % _MIB == 0 else f"{count:,}-byte"


def _is_post(has_front_matter: bool, path: Path, place: Place, site: SiteInfo) -> bool:
    """The content half of the rules of :mod:`newsreader.archive.site` (the scanner did the
    names): in a site, a dated name under ``_posts`` or anything under ``_drafts`` is a post;
    an undated one under ``_posts`` only with a scraper's dated article code, or with front
    matter right in ``_posts`` (Jekyll skips both; a scraper's archive would lose them); a
    dated name elsewhere wants front matter. In a plain folder, either will do."""
    dated = POST_NAME.match(path.name) is not None
    if not site.is_site:
        return has_front_matter or dated or "_posts" in path.parts
    if place.in_posts:
        if dated or place.draft or _FILE_NAME_CODE_DATE.search(path.name) is not None:
            return True
        # A scraper's undated name saved into _posts itself, with front matter: kept (its
        # problems say so); one in a folder below _posts is Jekyll's "not a post".
        return has_front_matter and path.parent.name == "_posts"
    return has_front_matter and dated


def decode_bytes(raw: bytes, problems: list[str]) -> str:
    """UTF-8 (with or without BOM), else GB18030, else UTF-8 with replacement characters.

    A UTF-8 file with a few broken bytes (a scraper cut a character in half) stays UTF-8:
    reading it as GB18030 would turn every character into the wrong one.
    """
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            problems.append("not valid UTF-16; undecodable bytes replaced")
            return raw.decode("utf-16", "replace")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    replaced = raw.decode("utf-8", "replace").lstrip("\ufeff")
    broken = replaced.count("\ufffd")
    if broken > max(_FEW_BROKEN_BYTES, len(replaced) // 200):
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            pass
        else:
            problems.append("encoded in GB18030, not UTF-8")
            return text
    problems.append(f"not valid UTF-8; {broken:,} undecodable bytes replaced")
    return replaced


def parse_post(
    text: str,
    post_id: str,
    path: Path,
    mtime: float,
    options: LoadOptions,
    problems: list[str],
    *,
    site: SiteInfo | None = None,
    zone: tzinfo | None = None,
    place: Place | None = None,
) -> Post:
    """Build a Post from decoded text, recovering what it can from broken front matter.

    With ``site`` (the archive's), the post's place and the site's config count as Jekyll
    has them: categories from the folders above ``_posts``, front-matter ``defaults`` and
    the converter from the extension. ``zone`` (else ``options.tz``) reads offset-less dates;
    ``place`` is :func:`~newsreader.archive.site.place_of` the id, when the caller has it.
    """
    metadata, body = split_front_matter(text, problems)
    if site is None or not site.is_site:
        place = _NOWHERE
    elif place is None:
        place = place_of(post_id)
    markup = _markup(path, site)
    if markup != "text":  # a text body shows as typed: nothing in it hides anything
        first_line = body_first_line(text, body)
        problems.extend(unclosed.describe(first_line) for unclosed in find_unclosed(body))
    if site is not None and site.config.defaults:
        kind = "drafts" if place.draft else "posts"
        metadata = {**site.config.defaults_for(post_id, kind), **metadata}
    title = _text_value(metadata.get("title"), "title", problems)
    categories = _word_list(metadata, ("categories", "category"), "categories", problems)
    if place.categories:
        categories = tuple(dict.fromkeys((*place.categories, *categories)))
    tags = _word_list(metadata, ("tags", "tag"), "tags", problems)
    if not title:
        # A heading the article gives itself first, then Jekyll's slug title, then words.
        title = _heading(body)
        if not title and site is not None and site.is_site:
            title = _title_from_slug(path)
        title = title or _title_from_body(body, path)
        problems.append(f"no title; using {title!r}")
    when, date_basis = _post_date(metadata.get("date"), path, mtime, zone or options.tz, problems)
    source = _text_value(metadata.get("source_url"), "source_url", problems) or find_source_url(
        body
    )
    extra = {key: value for key, value in metadata.items() if key not in _KNOWN_KEYS}
    return Post(
        id=post_id,
        path=path,
        title=title,
        date=when,
        categories=categories,
        tags=tags,
        source_url=source or None,
        body=body,
        extra=extra,
        problems=tuple(problems),
        draft=place.draft,
        published=metadata.get("published") is not False,
        markup=markup,
        date_basis=date_basis,
    )


def _markup(path: Path, site: SiteInfo | None) -> str:
    """The converter Jekyll picks by extension: Markdown, HTML, or the text as it is."""
    suffix = path.suffix.lower().lstrip(".")
    markdown = site.config.markdown_ext if site is not None else DEFAULT_MARKDOWN_EXT
    if suffix in markdown:
        return "markdown"
    if suffix in ("html", "htm"):
        return "html"
    return "text"


def _title_from_slug(path: Path) -> str:
    """Jekyll's title for a post without one: the name's slug, each word capitalised."""
    match = POST_NAME.match(path.name)
    slug = match.group(4) if match else ""
    if not _SLUG_WORD.search(slug):
        return ""
    return clean_line(" ".join(word.capitalize() for word in slug.split("-") if word))


def _text_value(value: object, key: str, problems: list[str]) -> str:
    if value is None:
        return ""
    if isinstance(value, str | int | float | date):
        return clean_line(str(value))
    problems.append(f"'{key}' is a {type(value).__name__}, not text; ignored")
    return ""


def _word_list(
    metadata: Mapping[str, Any], keys: tuple[str, ...], name: str, problems: list[str]
) -> tuple[str, ...]:
    """Jekyll's rule: a list, or a string of space-separated words; plural and singular keys."""
    words: list[str] = []
    for key in keys:
        value = metadata.get(key)
        if value is None:
            continue
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, str | int | float):
                words.extend(clean_line(str(item)).split())
            else:
                problems.append(f"'{key}' holds a {type(item).__name__}; ignored")
    return tuple(dict.fromkeys(word for word in words if word))


def _heading(body: str) -> str:
    for found in (markdown_heading, html_heading):
        inside = found(body)
        if inside:
            heading = clean_line(html.unescape(strip_tags(inside, "")))
            if heading:
                return heading
    return ""


def _title_from_body(body: str, path: Path) -> str:
    heading = _heading(body)
    if heading:
        return heading
    for line in body.splitlines():
        words = clean_line(html.unescape(strip_tags(line))).lstrip("> ").strip()
        if words and not words.startswith(("<http", "[")):
            return words if len(words) <= _WORDS_FOR_TITLE else words[:_WORDS_FOR_TITLE] + "…"
    return clean_line(path.stem) or path.name


def _post_date(
    value: object, path: Path, mtime: float, tz: tzinfo, problems: list[str]
) -> tuple[datetime, int]:
    """The post's date and its basis (see ``Post.date_basis``)."""
    given = value not in (None, "")
    if given:
        parsed = read_post_date(value, tz)
        if parsed is not None:
            return parsed[0], DATE_IN_ZONE if parsed[1] else DATE_OWN_OFFSET
        problems.append(f"unreadable date {clean_line(str(value))[:40]!r}")
    for pattern, where, guessed in (
        (_FILE_NAME_DATE.match, "the date in the file name", given),
        (_FILE_NAME_CODE_DATE.search, "the day in the file name's article code", True),
    ):
        match = pattern(path.name)
        if not match:
            continue
        try:
            day = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            continue
        # A post dated by its name alone is Jekyll's own rule, not a guess to report.
        if guessed:
            problems.append(f"no usable date; using {where}")
        return datetime.combine(day, time(), tzinfo=tz), DATE_IN_ZONE
    try:
        when = datetime.fromtimestamp(mtime, tz)
    except (ValueError, OverflowError, OSError):
        # A modification time past year 9999 (or before year 1) is no date at all.
        problems.append("no usable date, and the file's modification time is out of range")
        return datetime.fromtimestamp(0, tz), DATE_FROM_MTIME
    problems.append("no usable date; using the file's modification time")
    return when, DATE_FROM_MTIME


# --- loading a whole archive --------------------------------------------------------------

ProgressCallback = Callable[[int, int], None]


def load_archive(
    root: Path,
    options: LoadOptions | None = None,
    progress: ProgressCallback | None = None,
) -> Archive:
    """Load a whole archive at once; ``progress(done, total)`` is called as files are read."""
    archive = Archive(root.resolve())
    options = options or LoadOptions()
    paths = find_post_files(archive.root, archive.scan_problems)
    posts: list[Post] = []
    for done, path in enumerate(paths, start=1):
        loaded = load_post(path, archive.root, options)
        if isinstance(loaded, Post):
            posts.append(loaded)
        elif isinstance(loaded, Problem):
            archive.skipped.append(loaded)
        if progress is not None:
            progress(done, len(paths))
    archive.add(posts)
    return archive
