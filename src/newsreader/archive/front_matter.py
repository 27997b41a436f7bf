"""Reading a post's front matter: YAML between ``---`` lines (or ``---`` and ``...``), never
raising, never expanding YAML bombs, and quick for the few ``key: value`` lines scrapers write.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler

__all__ = [
    "MAX_FRONT_MATTER_CHARS",
    "MAX_FRONT_MATTER_DEPTH",
    "MAX_FRONT_MATTER_VALUES",
    "MAX_INTEGER_BITS",
    "MAX_LONG_ITEMS",
    "MAX_LONG_KEYS",
    "has_front_matter",
    "split_front_matter",
]

MAX_FRONT_MATTER_CHARS = 64 * 1024
MAX_FRONT_MATTER_VALUES = 20_000
MAX_FRONT_MATTER_DEPTH = 50
MAX_INTEGER_BITS = 4096
MAX_LONG_KEYS = 1000
"""Keys kept from front matter over :data:`MAX_FRONT_MATTER_CHARS` (read line by line)."""
MAX_LONG_ITEMS = 1000
"""Items kept of each list in such front matter (``categories:`` then ``- item`` lines)."""
_YAML = YAMLHandler()
# Jekyll closes front matter with "---" or YAML's own end of document, "...".
_FRONT_MATTER_END = re.compile(r"^(?:-{3,}|\.{3})[ \t]*$", re.MULTILINE)
_TOP_LEVEL_KEY = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:", re.MULTILINE)
_LINE_KEY_VALUE = re.compile(r"^([A-Za-z_][\w-]*)\s*:\s?(.*)$")
_LIST_ITEM = re.compile(r"^[ \t]*-[ \t]+(.*?)[ \t]*$")
# An anchor with an alias in YAML is how "billion laughs" bombs expand; scraped front matter
# never needs them, so such a block is read line by line instead.
_YAML_ALIAS = re.compile(r"(?:^|[:\[{,]|^\s*-)\s*[&*][^\s,\]}]", re.MULTILINE)
# The front matter scrapers write is a few `key: value` lines. PyYAML spends ~70 µs on
# them, a fifth of a cold index build; such lines are read here instead, but only when each
# is certain to give what PyYAML gives (see _simple_mapping).
_SIMPLE_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?: +(.*?))? *")
_DOUBLE_QUOTED = re.compile(r'"([^"\\]*)"')
_SINGLE_QUOTED = re.compile(r"'([^']*)'")
_PLAIN_UNSAFE = re.compile(r"^[-?:,\[\]{}#&*!|>'\"%@`]|: |\s#|:$|\t")
# Characters PyYAML refuses, or takes as line breaks or byte-order marks.
_NOT_SIMPLE = re.compile(
    r"[^\n -~\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
_STR_TAG = "tag:yaml.org,2002:str"
_RESOLVER = yaml.resolver.Resolver()
_resolve_tag: Callable[..., str] = _RESOLVER.resolve  # PyYAML is untyped
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
# Plain scalars of these types are built by PyYAML's own constructors, as its loader does.
_SCALAR_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("null", "bool", "int", "float", "timestamp")
)
_MAX_SIMPLE_KEY = 1024
"""PyYAML refuses a longer implicit key; such a line is left to it."""


def has_front_matter(text: str) -> bool:
    """Whether ``text`` (its leading blank lines stripped) opens with a front-matter line."""
    return bool(_YAML.detect(text))


def split_front_matter(text: str, problems: list[str]) -> tuple[dict[str, Any], str]:
    """The front matter as a dict and the body; never raises.

    Front matter may follow blank lines; invalid YAML (a title holding an unescaped quote)
    is read line by line as ``key: value``.
    """
    stripped = text.lstrip()
    leading_blank = "\n" in text[: len(text) - len(stripped)]
    if not _YAML.detect(stripped):
        problems.append("no front matter")
        return {}, text.strip("\n")
    try:
        front, body = _split_at_end(stripped)
    except ValueError:
        problems.append("front matter is not closed by '---'; read line by line")
        rest = stripped.split("\n", 1)[1] if "\n" in stripped else ""
        return _line_by_line(rest), rest.strip("\n")
    if leading_blank:
        problems.append("blank lines before the front matter")
    body = body.strip("\n")
    if len(front) > MAX_FRONT_MATTER_CHARS:
        problems.append(
            f"front matter longer than {MAX_FRONT_MATTER_CHARS:,} characters; read line by line,"
            f" at most {MAX_LONG_KEYS:,} keys and {MAX_LONG_ITEMS:,} items a list"
        )
        return _long_line_by_line(front), body
    counts = Counter(match.group(1) for match in _TOP_LEVEL_KEY.finditer(front))
    repeated = sorted(key for key, count in counts.items() if count > 1)
    if repeated:
        problems.append(f"duplicate front-matter keys {', '.join(repeated)}; the last one counts")
    if _YAML_ALIAS.search(front):
        problems.append("front matter uses YAML anchors or aliases; read line by line")
        return _line_by_line(front), body
    simple = _simple_mapping(front)
    if simple is not None:
        return simple, body
    try:
        loaded = _YAML.load(front)
    except (yaml.YAMLError, ValueError, RecursionError) as error:
        problems.append(f"invalid YAML front matter ({_first_line(error)}); read line by line")
        return _line_by_line(front), body
    if loaded is None:
        return {}, body
    if not isinstance(loaded, dict):
        problems.append("front matter is not a mapping; read line by line")
        return _line_by_line(front), body
    if not _small_enough(loaded, [MAX_FRONT_MATTER_VALUES]):
        # Aliases share one object many times over: harmless until anything walks it
        # (printing, saving to the index), which would then take forever.
        problems.append("front matter expands to too many values; read line by line")
        return _line_by_line(front), body
    return {str(key): value for key, value in loaded.items()}, body


def _split_at_end(text: str) -> tuple[str, str]:
    """Front matter and body of a text opening with ``---``; ValueError when not closed."""
    if "\n..." in text:  # (rare: the search is skipped for the other 99,999 files)
        start = text.find("\n")
        closing = _FRONT_MATTER_END.search(text, start + 1)
        if closing is not None and closing.group().startswith("."):
            return text[start + 1 : closing.start()].rstrip("\n"), text[closing.end() :]
    front, body = _YAML.split(text)
    return front, body


def _simple_mapping(front: str) -> dict[str, Any] | None:
    """What PyYAML makes of ``front`` when it is only ``key: text`` lines, else None.

    A line qualifies when its key is a plain ASCII word and its value is empty (None), a
    quoted string without escapes, or a plain scalar that PyYAML's own resolver says is a
    string, date, number, boolean or null (built by PyYAML's own constructor) and holds no
    YAML indicator; anything else (lists, comments, continuation lines, odd characters) is
    left to PyYAML.
    """
    if _NOT_SIMPLE.search(front):
        return None
    mapping: dict[str, Any] = {}
    for line in front.split("\n"):
        if not line.strip(" "):
            continue
        match = _SIMPLE_LINE.fullmatch(line)
        if match is None:
            return None
        key, value = match.groups()
        if len(key) > _MAX_SIMPLE_KEY:
            return None
        if _resolve_tag(yaml.ScalarNode, key, (True, False)) != _STR_TAG:
            return None
        if not value:
            mapping[key] = None
            continue
        quoted = (_DOUBLE_QUOTED if value[0] == '"' else _SINGLE_QUOTED).fullmatch(value)
        if quoted is not None:
            mapping[key] = quoted.group(1)
        elif value[0] in "\"'" or _PLAIN_UNSAFE.search(value):
            return None
        else:
            tag = _resolve_tag(yaml.ScalarNode, value, (True, False))
            if tag == _STR_TAG:
                mapping[key] = value
            elif tag in _SCALAR_TAGS:
                try:
                    built = _CONSTRUCTOR.yaml_constructors[tag](
                        _CONSTRUCTOR, yaml.ScalarNode(tag, value)
                    )
                except ValueError:
                    return None  # an impossible date, an integer too long: PyYAML's path says so
                if isinstance(built, int) and built.bit_length() > MAX_INTEGER_BITS:
                    return None
                mapping[key] = built
            else:
                return None
    return mapping


def _small_enough(value: object, budget: list[int], depth: int = 0) -> bool:
    """Whether walking ``value`` visits at most ``budget[0]`` values (shared ones each time).

    Integers too long to print (``str`` refuses over 4,300 digits) count as too big as well.
    """
    budget[0] -= 1
    if budget[0] < 0 or depth > MAX_FRONT_MATTER_DEPTH:
        return False
    if isinstance(value, int) and value.bit_length() > MAX_INTEGER_BITS:
        return False
    if isinstance(value, dict):
        return all(
            _small_enough(key, budget, depth + 1) and _small_enough(item, budget, depth + 1)
            for key, item in value.items()
        )
    if isinstance(value, list | tuple | set):
        return all(_small_enough(item, budget, depth + 1) for item in value)
    return True


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def _line_by_line(front: str) -> dict[str, Any]:
    metadata: dict[str, Any] = {}
    for line in front.splitlines():
        match = _LINE_KEY_VALUE.match(line)
        if not match:
            continue
        key, value = match.group(1), match.group(2).strip()
        if value.startswith("[") and value.endswith("]"):
            metadata.setdefault(key, [_unquote(item.strip()) for item in value[1:-1].split(",")])
        else:
            metadata.setdefault(key, _unquote(value))
    return metadata


def _long_line_by_line(front: str) -> dict[str, Any]:
    """What front matter too long for YAML holds, bounded: the first :data:`MAX_LONG_KEYS`
    ``key: value`` lines (a title and date come first, and are kept whatever follows), each
    ``[a, b]`` or ``- item`` list cut at :data:`MAX_LONG_ITEMS` items.

    Linear in the text and never holding more than the bounds, whatever its size.
    """
    metadata: dict[str, Any] = {}
    items: list[str] | None = None  # the block list being read, when it may still grow
    for line in front.splitlines():
        item = _LIST_ITEM.match(line) if items is not None else None
        if item is not None:
            assert items is not None
            if len(items) < MAX_LONG_ITEMS:
                items.append(_unquote(item.group(1)))
            continue
        items = None
        match = _LINE_KEY_VALUE.match(line)
        if match is None or len(metadata) >= MAX_LONG_KEYS:
            continue
        key, value = match.group(1), match.group(2).strip()
        if key in metadata:
            continue
        if not value:
            items = []
            metadata[key] = items
        elif value.startswith("[") and value.endswith("]"):
            parts = value[1:-1].split(",", MAX_LONG_ITEMS)[:MAX_LONG_ITEMS]
            metadata[key] = [_unquote(part.strip()) for part in parts]
        else:
            metadata[key] = _unquote(value)
    # A key followed by no items was empty, as YAML has it.
    return {key: (value if value != [] else None) for key, value in metadata.items()}


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value
