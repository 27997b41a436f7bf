"""Settings: one TOML file under platformdirs' user config folder, one frozen dataclass.

The file is :func:`newsreader.locations.config_path` (``$NEWSREADER_CONFIG`` overrides it);
a missing file means every default. Every key is optional::

    default_archive = "work"          # a name from [archives]
    theme = "nord"                    # any Textual theme; the reader remembers changes here
    timezone = "Asia/Shanghai"        # for dates written without an offset ("" = this machine)
    date_format = "%Y-%m-%d %H:%M"    # strftime format of the list's date column
    mark_read = "open"                # "open", "delay" (after mark_read_delay s) or "key" (m)
    mark_read_delay = 2.0
    sidebar_sort = "count"            # or "name"; the reader remembers changes here
    article_sort = "newest"           # or "oldest", "title", "category" (O in the reader)

    [archives]                        # named archives; a relative path is from this file
    work = "~/archives/finews"

    [keys]                            # binding id = key(s), as Textual's keymaps take them
    toggle_read = "m"

Loading never fails: a syntax error gives every default and a message naming the file and
line (tomllib's); a bad value gives that setting's default and a message naming the key and
its line; an unknown key is ignored with a message (a retired one, ``list_columns``, without).
The messages are also the settings' ``problems``, for the reader to show.
:func:`save_setting` changes one key in place with tomlkit (comments, order and the other keys
are kept; the result is parsed back and checked before it replaces the file) and writes
atomically: a temporary file in the same folder, fsync, ``os.replace``. Two readers saving at
the same instant may lose one of the two changes; neither can leave a half-written file.
"""

from __future__ import annotations

import json
import math
import os
import re
import tempfile
import tomllib
from collections.abc import Callable, Collection, Mapping, MutableMapping
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import tomlkit
from tomlkit.exceptions import TOMLKitError

from newsreader import locations
from newsreader.archive.ordering import SORT_ORDERS

__all__ = [
    "MARK_READ_MODES",
    "SIDEBAR_SORTS",
    "ConfigError",
    "Settings",
    "describe_settings",
    "load_settings",
    "save_setting",
    "write_atomically",
]

MarkRead = Literal["open", "delay", "key"]
SidebarSort = Literal["count", "name"]
MARK_READ_MODES: tuple[MarkRead, ...] = ("open", "delay", "key")
SIDEBAR_SORTS: tuple[SidebarSort, ...] = ("count", "name")
MAX_MARK_READ_DELAY = 3600.0


class ConfigError(Exception):
    """A setting could not be saved; the message names the file."""


@dataclass(frozen=True)
class Settings:
    """Every setting in effect; the defaults are the field defaults."""

    archives: Mapping[str, Path] = field(default_factory=dict)
    """Named archive folders (absolute, ``~`` expanded)."""
    default_archive: str | None = None
    """The name (in ``archives``) opened when no PATH is given."""
    theme: str = "textual-dark"
    timezone: str | None = None
    """Zone for dates written without an offset; None: this machine's."""
    date_format: str = "%Y-%m-%d %H:%M"
    mark_read: MarkRead = "open"
    mark_read_delay: float = 2.0
    """Seconds an article stays open before it counts as read, with ``mark_read = "delay"``."""
    keys: Mapping[str, str] = field(default_factory=dict)
    """Binding id -> key(s), for ``App.set_keymap``."""
    sidebar_sort: SidebarSort = "count"
    article_sort: str = "newest"
    """The article list's order, one of ``SORT_ORDERS`` (the reader remembers changes)."""
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)
    """Where each setting taken from the file is (``"theme"``, ``"archives.work"``): its line."""
    path: Path | None = field(default=None, compare=False, repr=False)
    """The file these settings were read from (None: not read from a file)."""
    problems: tuple[str, ...] = field(default=(), compare=False, repr=False)
    """A message per problem found in the file, each naming the file and the key."""

    def archive_path(self, name: str | None = None) -> Path | None:
        """The folder of archive ``name`` (default: ``default_archive``), if configured."""
        name = name if name is not None else self.default_archive
        return self.archives.get(name) if name is not None else None

    def place(self, key: str) -> str:
        """Where ``key`` (``"theme"``, ``"keys.quit"``) is: the file, and its line if known."""
        line = _line_of(self.lines, key)
        where = str(self.path) if self.path is not None else "the settings"
        return f"{where}, line {line}" if line else where


# --- checking values --------------------------------------------------------------------------


class _Bad(ValueError):
    """A setting's value is wrong; the message says how, in a few words."""


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise _Bad(f"must be a string, not {_toml_type(value)}")
    return value


def _one_of(choices: tuple[str, ...]) -> Callable[[object], str]:
    def check(value: object) -> str:
        text = _text(value)
        if text not in choices:
            raise _Bad(f"{text!r} is not one of {', '.join(choices)}")
        return text

    return check


def _theme(value: object) -> str:
    text = _text(value).strip()
    if not text:
        raise _Bad("must not be empty")
    return text


def _timezone(value: object) -> str | None:
    text = _text(value).strip()
    if not text:
        return None
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise _Bad(f"unknown time zone {text!r} (use a name like Asia/Shanghai)") from None
    return text


def _date_format(value: object) -> str:
    text = _text(value)
    if not text.strip() or any(ord(char) < 32 or ord(char) == 127 for char in text):
        raise _Bad("must be a one-line strftime format, like %Y-%m-%d %H:%M")
    try:
        datetime(2024, 1, 2, 3, 4, 5).strftime(text)
    except ValueError as error:
        raise _Bad(f"not a strftime format ({error})") from None
    return text


def _delay(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Bad(f"must be a number of seconds, not {_toml_type(value)}")
    if not 0 <= value <= MAX_MARK_READ_DELAY or math.isnan(value):
        raise _Bad(f"must be between 0 and {MAX_MARK_READ_DELAY:g} seconds")
    return float(value)


_BINDING_ID = re.compile(r"^[A-Za-z_][\w.-]*$")
_KEYS = re.compile(r"^[^\s,]+(,[^\s,]+)*$")


def _key(value: object) -> str:
    text = _text(value)
    if not _KEYS.match(text):
        raise _Bad(f'{text!r} is not a key list like "m" or "ctrl+r,f5"')
    return text


_CHECKS: dict[str, Callable[[object], object]] = {
    "theme": _theme,
    "timezone": _timezone,
    "date_format": _date_format,
    "mark_read": _one_of(MARK_READ_MODES),
    "mark_read_delay": _delay,
    "sidebar_sort": _one_of(SIDEBAR_SORTS),
    "article_sort": _one_of(SORT_ORDERS),
    "default_archive": _text,
}
_TABLES = ("archives", "keys")
_RETIRED = frozenset({"list_columns"})
"""Settings once documented that no longer mean anything: skipped without a message, so a
file that followed the old documentation raises no warning (nor ``newsreader config``'s 1)."""


# --- loading ------------------------------------------------------------------------------------


def load_settings(
    path: Path | None = None, *, themes: Collection[str] | None = None
) -> tuple[Settings, list[str]]:
    """The settings in ``path`` (default: the user's file) and a message per problem.

    ``themes``, when given, are the theme names a ``theme`` setting may take.
    """
    path = path if path is not None else locations.config_path()
    defaults = Settings(path=path)
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return defaults, []
    except (OSError, UnicodeDecodeError) as error:
        return _unread(
            defaults, f"{path}: cannot read the settings ({_reason(error)}); using defaults"
        )
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return _unread(defaults, f"{path}: {error}; using the default settings")
    lines = _key_lines(text)
    messages: list[str] = []
    found: dict[str, int] = {}

    def complain(key: str, problem: str, outcome: str) -> None:
        line = _line_of(lines, key)
        where = f"{path}, line {line}" if line else str(path)
        messages.append(f"{where}: {key}: {problem}; {outcome}")

    values: dict[str, Any] = {}
    for key, raw in data.items():
        if key in _TABLES or key in _RETIRED:
            continue
        check = _CHECKS.get(key)
        if check is None:
            complain(key, "unknown setting", "ignored")
            continue
        try:
            value = check(raw)
            if key == "theme" and themes is not None and value not in themes:
                raise _Bad(f"unknown theme {value!r} (themes: {', '.join(sorted(themes))})")
        except _Bad as error:
            default = _default(key)
            shown = _toml_value(default) if default is not None else _NONE_MEANS[key]
            complain(key, str(error), f"using the default: {shown}")
            continue
        values[key] = value
        found[key] = _line_of(lines, key)

    for table in _TABLES:
        entries = data.get(table, {})
        if not isinstance(entries, dict):
            complain(table, f"must be a table ([{table}]), not {_toml_type(entries)}", "ignored")
            continue
        checked: dict[str, Any] = {}
        for name, raw in entries.items():
            try:
                checked[name] = (
                    _archive_folder(raw, path) if table == "archives" else _key_entry(name, raw)
                )
            except _Bad as error:
                complain(f"{table}.{name}", str(error), "ignored")
                continue
            found[f"{table}.{name}"] = _line_of(lines, f"{table}.{name}")
        values[table] = checked

    default_archive = values.get("default_archive")
    if default_archive is not None and default_archive not in values.get("archives", {}):
        complain(
            "default_archive",
            f"{default_archive!r} is not a name under [archives]",
            "using the default: none",
        )
        del values["default_archive"]
        del found["default_archive"]
    return Settings(**values, lines=found, path=path, problems=tuple(messages)), messages


def _unread(defaults: Settings, message: str) -> tuple[Settings, list[str]]:
    return replace(defaults, problems=(message,)), [message]


def _archive_folder(raw: object, config: Path) -> Path:
    text = _text(raw).strip()
    if not text:
        raise _Bad("must be a folder, not an empty string")
    folder = Path(text).expanduser()
    return folder if folder.is_absolute() else config.absolute().parent / folder


def _key_entry(name: str, raw: object) -> str:
    if not _BINDING_ID.match(name):
        raise _Bad("is not a binding id (letters, digits, _ . -)")
    return _key(raw)


def _default(key: str) -> object:
    return next(item.default for item in fields(Settings) if item.name == key)


_HEADER = re.compile(r"""^\s*\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$""")
_PART = r"""(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')"""
_ASSIGN = re.compile(rf"^\s*({_PART}(?:\s*\.\s*{_PART})*)\s*=")


def _key_lines(text: str) -> dict[str, int]:
    """Each dotted key's line number (1-based) in ``text``; tables map to their header."""
    lines: dict[str, int] = {}
    table = ""
    in_multiline = False
    for number, line in enumerate(text.splitlines(), 1):
        # Skip the inside of multi-line strings, whose lines may look like assignments.
        quotes = line.count('"""') + line.count("'''")
        if in_multiline:
            in_multiline = quotes % 2 == 0
            continue
        if quotes % 2:
            in_multiline = True
        header = _HEADER.match(line)
        if header:
            table = ".".join(_split_key(header.group(1)))
            lines.setdefault(table, number)
            continue
        assign = _ASSIGN.match(line)
        if assign:
            key = ".".join(_split_key(assign.group(1)))
            lines.setdefault(f"{table}.{key}" if table else key, number)
    return lines


def _split_key(dotted: str) -> list[str]:
    parts = re.findall(_PART, dotted)
    return [part[1:-1] if part[:1] in "\"'" else part for part in parts]


def _line_of(lines: Mapping[str, int], key: str) -> int:
    """The line of ``key``, else of the table holding it; 0 when not found."""
    while key:
        if key in lines:
            return lines[key]
        key = key.rpartition(".")[0]
    return 0


# --- describing --------------------------------------------------------------------------------


_NONE_MEANS = {"timezone": "this machine's zone", "default_archive": "none"}
"""What an unset setting means, for the settings whose default is None."""


def _shown(key: str, value: object) -> str:
    """A setting's value as TOML; an unset one as what it means."""
    return _toml_value(value) if value is not None else f'""  ({_NONE_MEANS.get(key, "unset")})'


def describe_settings(
    settings: Settings, refused: Mapping[str, str | None] | None = None
) -> list[tuple[str, str, str]]:
    """Every setting in effect as (key, TOML value, origin), for ``newsreader config``.

    ``refused``: entries the reader's own checks left out (``keys.quit``), each with what is
    in effect instead (None: nothing is, the entry is ignored); their line is marked.
    """
    rows: list[tuple[str, str, str]] = []
    refused = refused or {}

    def origin(key: str) -> str:
        line = settings.lines.get(key)
        return f"line {line}" if line else "file" if key in settings.lines else "default"

    for item in fields(Settings):
        if item.name in ("lines", "path", "problems"):
            continue
        value = getattr(settings, item.name)
        if item.name in _TABLES:
            table = cast(Mapping[str, object], value)
            if not table:
                rows.append((item.name, "{}", "default"))
            for name, entry in table.items():
                key = f"{item.name}.{_toml_key(name)}"
                where = origin(f"{item.name}.{name}")
                if f"{item.name}.{name}" not in refused:
                    rows.append((key, _toml_value(entry), where))
                elif (in_effect := refused[f"{item.name}.{name}"]) is None:
                    rows.append((key, _toml_value(entry), f"{where} ignored"))
                else:
                    rows.append((key, _toml_value(in_effect), f"default ({where} refused)"))
            continue
        rows.append((item.name, _shown(item.name, value), origin(item.name)))
    return rows


# --- saving -------------------------------------------------------------------------------------


def save_setting(key: str, value: object, path: Path | None = None) -> None:
    """Set one setting in the file (``"theme"``, ``"archives.work"``...) and keep the rest.

    The value is checked as loading would; the file is replaced atomically. Raises
    :class:`ConfigError` (naming the file) when the value is bad, the file cannot be parsed
    or written, or the key cannot be changed without rewriting the file by hand.
    """
    path = path if path is not None else locations.config_path()
    table, _, name = key.rpartition(".")
    if table and table not in _TABLES:
        raise ConfigError(f"cannot save {key}: unknown table {table!r}")
    if not table and key not in _CHECKS:
        raise ConfigError(f"cannot save {key}: unknown setting")
    try:
        if table == "archives":
            _archive_folder(value if not isinstance(value, Path) else str(value), path)
        elif table == "keys":
            _key_entry(name, value)
        else:
            _CHECKS[key](value)
    except _Bad as error:
        raise ConfigError(f"cannot save {key}: {error}") from None
    stored = _toml_ready(value)
    target = path.resolve() if path.is_symlink() else path
    try:
        text = target.read_bytes().decode("utf-8") if target.exists() else ""
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot save {key}: cannot read {path} ({_reason(error)})") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"cannot save {key}: {path}: {error}; fix the file first") from None
    if key == "default_archive" and value not in data.get("archives", {}):
        raise ConfigError(f"cannot save {key}: {value!r} is not a name under [archives] in {path}")
    expected = dict(data)
    if table:
        section = expected.get(table, {})
        if not isinstance(section, dict):
            raise ConfigError(f"cannot save {key}: {table} in {path} is not a table")
        expected[table] = {**section, name: stored}
    else:
        expected[key] = stored
    new_text = _edited(text, table, name, stored, expected)
    if new_text is None:
        raise ConfigError(f"cannot save {key}: {path} is laid out in a way this cannot edit")
    try:
        write_atomically(target, new_text)
    except OSError as error:
        raise ConfigError(f"cannot save {key} to {path}: {_reason(error)}") from None


def _edited(text: str, table: str, name: str, value: object, expected: object) -> str | None:
    """``text`` with ``table.name`` (or top-level ``name``) set to ``value`` by tomlkit, which
    keeps the comments and the layout; None unless it parses back (tomllib) as ``expected``."""
    try:
        document = tomlkit.parse(text)
        if not table:
            document[name] = value
        elif table not in document:
            document[table] = {name: value}  # a new table at the end, after a blank line
        else:
            section = document[table]
            if not isinstance(section, MutableMapping):
                return None
            section[name] = value
        edited = tomlkit.dumps(document)
        return edited if tomllib.loads(edited) == expected else None
    except (TOMLKitError, tomllib.TOMLDecodeError):
        return None


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text``: temp file in the same folder, fsync, ``os.replace``."""
    locations.ensure_dir(path.parent)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(temp, path.stat().st_mode & 0o7777)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    if hasattr(os, "O_DIRECTORY"):  # make the rename itself durable (POSIX)
        folder = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


# --- TOML writing -------------------------------------------------------------------------------


def _toml_ready(value: object) -> object:
    """``value`` as tomllib would give it back (paths as strings)."""
    return str(value) if isinstance(value, Path) else value


def _toml_key(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else _toml_value(name)


def _toml_value(value: object) -> str:
    """A TOML literal for a string, bool, finite number or path, as ``newsreader config``
    and the messages show a setting."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, Path):
        value = str(value)
    if isinstance(value, str):
        # A JSON string is a TOML basic string, except that TOML wants DEL escaped too.
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    raise TypeError(f"no setting is a {type(value).__name__}")


def _toml_type(value: object) -> str:
    names = {bool: "a boolean", int: "an integer", float: "a number", str: "a string"}
    names |= {list: "a list", dict: "a table", datetime: "a date"}
    return names.get(type(value), type(value).__name__)


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error)
