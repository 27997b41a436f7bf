"""The settings' ``[keys]`` table checked against the reader's bindings, and keys as shown.

Textual's keymap silently ignores an id no binding has, and lets a rebound key take the key of
another binding (or be shadowed by a pane's own). :func:`check_keymap` turns the first into a
message, and refuses any entry that would leave no key that quits the reader.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from textual.binding import Binding, BindingType
from textual.keys import format_key

from newsreader.config import Settings
from newsreader.screens.reader_keys import QUIT_ID, READER_BINDINGS
from newsreader.widgets.article_list import ArticleList
from newsreader.widgets.category_list import CategoryList
from newsreader.widgets.reading_pane import ReadingPane

PANE_BINDINGS: tuple[tuple[str, list[BindingType]], ...] = (
    ("Article list", ArticleList.BINDINGS),
    ("Reading pane", ReadingPane.BINDINGS),
    ("Categories", CategoryList.BINDINGS),
)
"""Each pane's own keys, by the pane's name: they win over the reader's while it has focus."""


def key_label(key: str) -> str:
    """A key as the user types it: ``?`` for ``question_mark``, ``ctrl+p``, ``shift+tab``."""
    key = key.strip()
    modifiers, _, name = key.rpartition("+")
    shown = format_key(name) if len(name) > 1 and name not in _WORDS else name
    return f"{modifiers}+{shown}" if modifiers else shown


_WORDS = frozenset({"escape", "enter", "up", "down", "space", "pagedown", "pageup", "tab"})
"""Keys shown by their name, not by Textual's symbol for them (``⏎``, ``↓``)."""


def normal_keys(keys: Iterable[str]) -> set[str]:
    """Keys in Textual's long form (``question_mark`` for ``?``), to compare them."""
    listed = ",".join(key for key in keys if key.strip())
    return {binding.key for binding in Binding.make_bindings([(listed, "")])} if listed else set()


def binding_keys(binding: Binding, keymap: Mapping[str, str]) -> list[str]:
    """The keys ``binding`` answers to once ``keymap`` (binding id -> keys) is applied."""
    keys = keymap.get(binding.id, binding.key) if binding.id else binding.key
    return [key.strip() for key in keys.split(",") if key.strip()]


def check_keymap(settings: Settings) -> tuple[dict[str, str], list[str]]:
    """The keymap to apply from ``settings.keys`` and a message per entry left out.

    Left out: an id no reader binding has, and an entry that would leave the reader no key
    that quits (quit rebound to a key another binding uses, or another binding given quit's
    key); the default stays for those."""
    known = _known_bindings()
    keymap: dict[str, str] = {}
    messages: list[str] = []

    def refuse(binding_id: str, problem: str, outcome: str) -> None:
        messages.append(
            f"{settings.place(f'keys.{binding_id}')}: keys.{binding_id}: {problem}; {outcome}"
        )

    for binding_id, keys in settings.keys.items():
        if binding_id not in known:
            refuse(binding_id, "no key has this id (? lists the ids)", "ignored")
        else:
            keymap[binding_id] = keys
    default_quit = ", ".join(key_label(key) for key in binding_keys(known[QUIT_ID], {}))
    while clash := _quit_clash(keymap):
        binding_id, other, key = clash
        if binding_id == QUIT_ID:
            refuse(
                binding_id,
                f"{key_label(key)!r} is also the key of {other}, and a key that quits must do"
                " nothing else",
                f"keeping the default: {default_quit}",
            )
        else:
            refuse(binding_id, f"{key_label(key)!r} is the key that quits", "ignored")
        del keymap[binding_id]
    return keymap, messages


def refused_in_effect(settings: Settings, keymap: Mapping[str, str]) -> dict[str, str | None]:
    """What is in effect for each ``[keys]`` entry left out of ``keymap`` (check_keymap's):
    ``keys.<id>`` -> the default keys, as the settings write them; None for an id no key has."""
    known = _known_bindings()
    refused: dict[str, str | None] = {}
    for binding_id in settings.keys:
        if binding_id not in keymap:
            binding = known.get(binding_id)
            in_effect = ",".join(binding_keys(binding, {})) if binding else None
            refused[f"keys.{binding_id}"] = in_effect
    return refused


def _known_bindings() -> dict[str, Binding]:
    """Every binding of the reader and its panes that ``[keys]`` can rebind, by id."""
    return {
        binding.id: binding
        for binding in _bindings(READER_BINDINGS, *(pane for _, pane in PANE_BINDINGS))
        if binding.id
    }


def _quit_clash(keymap: Mapping[str, str]) -> tuple[str, str, str] | None:
    """The keymap entry that gives a key that quits to another binding too, that binding's
    name and the key; None when the keys that quit do nothing else."""
    named = [("the reader", binding) for binding in _bindings(READER_BINDINGS)]
    named += [
        (pane, binding) for pane, bindings in PANE_BINDINGS for binding in _bindings(bindings)
    ]
    quit_binding = next(binding for _, binding in named if binding.id == QUIT_ID)
    quit_keys = normal_keys(binding_keys(quit_binding, keymap))
    for where, other in named:
        shared = quit_keys & normal_keys(binding_keys(other, keymap))
        if other is quit_binding or not shared:
            continue
        key = min(shared)
        name = other.description or other.action
        if QUIT_ID in keymap:
            return QUIT_ID, f"{name} ({other.id or where.lower()})", key
        if other.id and other.id in keymap:
            return other.id, "Quit (quit)", key
    return None


def _bindings(*lists: Iterable[BindingType]) -> Iterable[Binding]:
    for bindings in lists:
        yield from (binding for binding in bindings if isinstance(binding, Binding))
