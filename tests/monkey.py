"""A random-key monkey over the hostile archive: the reader must never crash, never paint a
control character or a stray escape sequence, and keep answering keys.

A run is seeded, so it replays from its seed: the moves (keys from the reader's bindings,
letters, escape, enter, tab, arrows, ``/`` with text, terminal resizes) are drawn up front
from ``random.Random(seed)``. By hand::

    python -m tests.monkey --seed 7 --keys 1500

On failure it prints the seed, the command that replays it and the moves up to the failure.
``tests/test_monkey.py`` runs a short one in the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
import traceback
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock
from zoneinfo import ZoneInfo

from rich.color import ColorSystem
from textual.binding import Binding
from textual.pilot import Pilot
from textual.strip import Strip
from textual.widgets import Input

if __package__:  # python -m tests.monkey
    from tests import hostile_archive as ha
else:  # imported by pytest, which puts tests/ on the path
    import hostile_archive as ha

from newsreader.app import create_app
from newsreader.archive import LoadOptions
from newsreader.screens.help import HelpScreen
from newsreader.screens.reader import ReaderScreen
from newsreader.screens.reader_keys import READER_BINDINGS
from newsreader.widgets.article_list import ArticleList

QUITTING_KEYS = frozenset({"q", "ctrl+q", "ctrl+c"})
"""Keys that end the app on purpose: the monkey never presses them (only types q in text)."""
EXTRA_KEYS = (
    *"abcdefghijklmnopqrstuvwxyzJGMNU0123456789",
    *("escape", "enter", "tab", "shift+tab", "space", "backspace", "delete"),
    *("up", "down", "left", "right", "home", "end", "pageup", "pagedown"),
    *("ctrl+d", "ctrl+u", "question_mark", "exclamation_mark", "slash"),
)
SEARCH_TEXT = ("新闻", "正常", "post", "x", "标题", " ", "[bold]", "\\", "q", "🇨🇳", "ü", "*")
SIZES = ((100, 30), (60, 20), (40, 12), (160, 50), (80, 24), (24, 8))
KEY_TIMEOUT = 10.0
"""Seconds a key may take before the app counts as no longer answering."""


def binding_keys(bindings: Iterable[object]) -> list[str]:
    """Every key of ``bindings`` (a binding may list several, comma-separated)."""
    keys: list[str] = []
    for binding in bindings:
        if isinstance(binding, Binding):
            keys += [key.strip() for key in binding.key.split(",")]
    return keys


def key_pool() -> list[str]:
    """The keys the monkey presses: the reader's and the list's bindings, and more."""
    keys = binding_keys(READER_BINDINGS) + binding_keys(ArticleList.BINDINGS) + list(EXTRA_KEYS)
    return sorted(set(keys) - QUITTING_KEYS)


@dataclass(frozen=True)
class Move:
    """One thing the monkey does: press a key, search for text, or resize the terminal."""

    kind: str
    value: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


def moves(seed: int, count: int) -> list[Move]:
    """``count`` moves drawn from ``seed``; the same seed always gives the same moves."""
    rng = random.Random(seed)
    pool = key_pool()
    drawn: list[Move] = []
    for _ in range(count):
        roll = rng.random()
        if roll < 0.05:
            drawn.append(Move("search", "".join(rng.choices(SEARCH_TEXT, k=rng.randint(1, 3)))))
        elif roll < 0.08:
            width, height = rng.choice(SIZES)
            drawn.append(Move("resize", f"{width}x{height}"))
        else:
            drawn.append(Move("key", rng.choice(pool)))
    return drawn


@dataclass
class Outcome:
    """What a run found: ``failure`` is None when the app survived every move."""

    seed: int
    moves: list[Move]
    played: int = 0
    failure: str | None = None
    seconds: float = 0.0
    loaded_after: float = 0.0
    screens: set[str] = field(default_factory=set)

    def report(self) -> str:
        """The result, and on failure what replays it."""
        head = (
            f"monkey seed {self.seed}: {self.played} of {len(self.moves)} moves in "
            f"{self.seconds:.1f} s (the archive loaded in {self.loaded_after:.1f} s); "
            f"screens seen: {', '.join(sorted(self.screens))}"
        )
        if self.failure is None:
            return head + "; no crash, nothing unsafe shown, keys kept answering"
        replay = f"python -m tests.monkey --seed {self.seed} --keys {len(self.moves)}"
        played = " ".join(str(move) for move in self.moves[: self.played])
        return f"{head}\nFAILED: {self.failure}\nreplay: {replay}\nmoves: {played}"


def painted(pilot: Pilot[None]) -> list[Strip]:
    """The lines of the topmost screen as the compositor paints them."""
    return list(pilot.app.screen._compositor.render_strips())


def as_terminal_output(strips: Sequence[Strip]) -> str:
    """The lines as a terminal receives them: styled text with its escape sequences."""
    return "\n".join(
        "".join(
            text
            if style is None
            else style.render(text, color_system=ColorSystem.TRUECOLOR, legacy_windows=False)
            for text, style, _ in strip
        )
        for strip in strips
    )


def unsafe_on_screen(pilot: Pilot[None]) -> list[str]:
    """Control characters or escape sequences the screen would send to the terminal."""
    strips = painted(pilot)
    found = [
        f"line {y}: {bad}" for y, s in enumerate(strips) for bad in ha.unsafe_characters(s.text)
    ]
    return found + ha.terminal_violations(as_terminal_output(strips))


async def still_answers(pilot: Pilot[None]) -> bool:
    """Back to the reader (escape closes any dialog and leaves the search box), then ``?``
    must open the keys' help."""
    app = pilot.app
    for _ in range(8):
        if isinstance(app.screen, ReaderScreen) and not isinstance(app.focused, Input):
            break
        await pilot.press("escape")
    if not isinstance(app.screen, ReaderScreen):
        return False
    await pilot.press("question_mark")
    shown = isinstance(app.screen, HelpScreen)
    await pilot.press("escape")
    return shown


async def play(pilot: Pilot[None], move: Move) -> None:
    if move.kind == "resize":
        width, height = (int(part) for part in move.value.split("x"))
        await pilot.resize_terminal(width, height)
    elif move.kind == "search":
        await pilot.press("slash", *move.value)
    else:
        await pilot.press(move.value)
    await pilot.pause()


async def _run(root: Path, outcome: Outcome) -> None:
    app = create_app(root, LoadOptions(tz=ZoneInfo("Asia/Shanghai")))
    async with app.run_test(size=SIZES[0]) as pilot:
        reader = app.screen_stack[0]
        assert isinstance(reader, ReaderScreen)
        started = time.monotonic()
        deadline = started + 120
        while reader.model.loading and time.monotonic() < deadline:
            await pilot.pause(0.05)
        outcome.loaded_after = time.monotonic() - started
        for index, move in enumerate(outcome.moves):
            outcome.played = index + 1
            await asyncio.wait_for(play(pilot, move), KEY_TIMEOUT)
            outcome.screens.add(type(app.screen).__name__)
            if unsafe := unsafe_on_screen(pilot):
                outcome.failure = f"after {move}, the screen shows {unsafe[:5]}"
                return
            if not app.is_running:
                outcome.failure = f"the app stopped after {move}"
                return
        if not await asyncio.wait_for(still_answers(pilot), KEY_TIMEOUT):
            outcome.failure = "at the end, ? no longer opened the keys' help"


def run_monkey(seed: int, count: int, root: Path | None = None) -> Outcome:
    """Play ``count`` moves from ``seed`` over the hostile archive (written to a temporary
    folder unless ``root`` holds one); the outcome says what was found."""
    outcome = Outcome(seed, moves(seed, count))
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="monkey-") as scratch:
        if root is None:
            root = Path(scratch) / "archive"
            ha.write_hostile_archive(root)
        # Opening a source must not start a browser; the reading state goes to the scratch.
        env = {
            "NEWSREADER_DATA_DIR": f"{scratch}/data",
            "NEWSREADER_CACHE_DIR": f"{scratch}/cache",
            "NEWSREADER_CONFIG": f"{scratch}/config.toml",
        }
        with mock.patch.dict(os.environ, env), mock.patch("webbrowser.open", return_value=True):
            try:
                asyncio.run(_run(root, outcome))
            except TimeoutError:
                outcome.failure = (
                    f"no answer within {KEY_TIMEOUT} s to {outcome.moves[outcome.played - 1]}"
                )
            except Exception:
                outcome.failure = "the app crashed:\n" + traceback.format_exc()
    outcome.seconds = time.monotonic() - started
    return outcome


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m tests.monkey --seed N --keys K``: one run; exit 1 if it found a failure."""
    parser = argparse.ArgumentParser(description="Random keys over the hostile archive.")
    parser.add_argument("--seed", type=int, default=None, help="default: a random one")
    parser.add_argument("--keys", type=int, default=1500, help="moves to play (default 1500)")
    options = parser.parse_args(argv)
    seed = random.randrange(1_000_000) if options.seed is None else options.seed
    outcome = run_monkey(seed, options.keys)
    print(outcome.report())
    return 0 if outcome.failure is None else 1


if __name__ == "__main__":
    sys.exit(main())
