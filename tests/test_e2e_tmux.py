"""End to end: the installed ``newsreader`` console script in a real terminal (tmux).

Each test starts the script that sits next to this Python (``bin/newsreader`` of the venv) on
the repository's sample_posts, in a detached tmux session of a fixed size on a private socket
(``tmux -L``), so the user's own tmux is never touched. Keys go in with ``send-keys`` and the
screen comes back as text with ``capture-pane -p``.

Without tmux the tests skip, saying why, unless NEWSREADER_REQUIRE_E2E=1 (CI sets it): then a
missing tmux is a failure.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parent.parent / "sample_posts"
NEWSREADER = Path(sys.executable).parent / "newsreader"
REQUIRED = os.environ.get("NEWSREADER_REQUIRE_E2E") == "1"
TIMEOUT = 20.0
"""Seconds to wait for the screen to show something (a cold start imports a lot)."""

SECOND_TITLE = "临江港前5个月集装箱吞吐量同比增长8.4%"
SECOND_ID = "_posts/2024-06-03-202406031916557240.md"


def _missing(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"{reason}, and NEWSREADER_REQUIRE_E2E=1 requires the end-to-end tests")
    pytest.skip(f"{reason}: end-to-end tests skipped (set NEWSREADER_REQUIRE_E2E=1 to fail)")


class Terminal:
    """One detached tmux session running one command, on a socket of its own."""

    def __init__(self, tmux: str, home: Path, size: tuple[int, int]) -> None:
        self.tmux = tmux
        self.socket = f"newsreader-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.session = "reader"
        self.home = home
        self.size = size
        self.config = home / "tmux.conf"
        self.socket_path: Path | None = None
        # No status bar (the pane gets the whole size), keep a dead pane so its exit status
        # and last screen can be read, and no delay after escape.
        self.config.write_text(
            "set -g status off\nset -g remain-on-exit on\nset -sg escape-time 0\n",
            encoding="utf-8",
        )

    def _run(self, *args: str) -> str:
        result = subprocess.run(
            [self.tmux, "-u", "-L", self.socket, "-f", str(self.config), *args],
            capture_output=True,
            text=True,
            timeout=10,
            env=self._environment(),
            check=False,
        )
        if result.returncode != 0:
            raise AssertionError(f"tmux {' '.join(args)} failed: {result.stderr.strip()}")
        return result.stdout

    def _environment(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if key != "TMUX"}
        env["LANG"] = env["LC_ALL"] = "C.UTF-8"
        return env

    def start(self, *command: str) -> None:
        """Run ``command`` in a new session; its settings and state stay in ``home``."""
        width, height = self.size
        isolated = {
            "HOME": self.home,
            "XDG_CONFIG_HOME": self.home / "config",
            "XDG_DATA_HOME": self.home / "data",
            "XDG_STATE_HOME": self.home / "state",
            "XDG_CACHE_HOME": self.home / "cache",
            "NEWSREADER_DATA_DIR": self.home / "newsreader-data",
            "NEWSREADER_CACHE_DIR": self.home / "newsreader-cache",
            "NEWSREADER_CONFIG": self.home / "newsreader-config.toml",
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "TERM": "xterm-256color",
            "COLORTERM": "truecolor",
        }
        env_args = [arg for key, value in isolated.items() for arg in ("-e", f"{key}={value}")]
        self._run(
            "new-session", "-d", "-s", self.session, "-x", str(width), "-y", str(height),
            *env_args, shlex.join(command),
        )  # fmt: skip
        self.socket_path = Path(self._run("display-message", "-p", "#{socket_path}").strip())

    def screen(self) -> str:
        """The pane's text as shown now."""
        return self._run("capture-pane", "-p", "-t", self.session)

    def press(self, *keys: str) -> None:
        """Send tmux key names (``j``, ``Enter``, ``Escape``, ``/``)."""
        self._run("send-keys", "-t", self.session, *keys)

    def type(self, text: str) -> None:
        """Send ``text`` literally."""
        self._run("send-keys", "-t", self.session, "-l", text)

    def wait_for(self, condition: Callable[[str], bool], what: str) -> str:
        """Poll the screen until ``condition(screen)`` holds; the screen it held on."""
        deadline = time.monotonic() + TIMEOUT
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if condition(screen):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}; the screen was:\n{screen}")

    def wait_until_exited(self) -> int:
        """Wait until the command has ended; its exit status."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            fields = self._run(
                "display-message", "-p", "-t", self.session, "#{pane_dead} #{pane_dead_status}"
            ).split()
            if fields and fields[0] == "1":
                return int(fields[1]) if len(fields) > 1 else 0
            time.sleep(0.1)
        raise AssertionError(f"the reader did not exit; the screen was:\n{self.screen()}")

    def kill(self) -> None:
        """Stop this session's tmux server and remove its socket (tmux leaves it behind)."""
        subprocess.run(
            [self.tmux, "-L", self.socket, "kill-server"],
            capture_output=True,
            timeout=10,
            check=False,
        )
        if self.socket_path is not None and self.socket_path.name == self.socket:
            self.socket_path.unlink(missing_ok=True)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Callable[[tuple[int, int]], Terminal]]:
    """``terminal((w, h))`` gives a Terminal of that size; every one is killed afterwards."""
    tmux = shutil.which("tmux")
    if tmux is None:
        _missing("tmux is not installed")
    if not NEWSREADER.exists():
        _missing(f"the newsreader console script is not installed at {NEWSREADER}")
    assert tmux is not None
    made: list[Terminal] = []

    def make(size: tuple[int, int]) -> Terminal:
        home = tmp_path / f"home{len(made)}"
        home.mkdir()
        made.append(Terminal(tmux, home, size))
        return made[-1]

    try:
        yield make
    finally:
        for term in made:
            term.kill()


def start_reader(term: Terminal) -> str:
    """Start the installed reader on the sample posts; the screen once the list shows."""
    term.start(str(NEWSREADER), str(SAMPLE), "--tz", "Asia/Shanghai")
    term.wait_for(lambda s: "50 of 50 posts" in s and SECOND_TITLE in s, "the list")
    # g: from the first post, whatever batch the cursor was left in by a slow load.
    term.press("g")
    return term.screen()


def footer(screen: str) -> str:
    """The last line: the keys of the focused pane."""
    return screen.splitlines()[-1] if screen.strip() else ""


def quit_reader(term: Terminal) -> None:
    """q ends the reader cleanly: exit status 0, no traceback left on the screen."""
    term.press("q")
    assert term.wait_until_exited() == 0
    assert "Traceback" not in term.screen()


def test_the_installed_reader_opens_searches_and_quits(
    terminal: Callable[[tuple[int, int]], Terminal],
) -> None:
    term = terminal((120, 36))
    screen = start_reader(term)
    assert "Categories" in screen and "Articles" in screen
    assert "Three laptop makers publish spare-parts" in screen
    assert "No article open" in screen

    term.press("j", "Enter")
    # The body is laid out in a worker: it may show a moment after the border title.
    screen = term.wait_for(lambda s: s.count(SECOND_TITLE) >= 2, "the second article to open")
    assert SECOND_ID in screen
    assert screen.count(SECOND_TITLE) >= 2  # in the list and as the article's title
    assert "Source   https://news.example.com/news/1516,202406031916557240.html" in screen
    assert "临江港务集团发布数据" in screen

    term.press("h")  # back to the list (escape followed at once by "/" reads as alt+/)
    term.press("/")
    # Keys typed before the search bar has the focus go to the list: wait for the bar to
    # show and for the footer to show its keys (no "Quit") before typing.
    term.wait_for(
        lambda s: "Search titles and bodies" in s and "Quit" not in footer(s), "the search bar"
    )
    term.type("satellite")
    screen = term.wait_for(lambda s: "1 of 50 posts" in s, "the search to narrow the list")
    assert "search “satellite” — 1 of 50 posts" in screen
    lines = screen.splitlines()
    assert "satellite" in lines[-3], "the search bar (above the status line) shows the text"
    assert "Island ferries trial satellite internet" in screen
    assert "Three laptop makers" not in screen

    term.press("Enter")  # leave the search bar for the list, keeping the search
    term.wait_for(lambda s: "Open" in footer(s), "the list to have the focus")
    term.press("Enter")
    screen = term.wait_for(lambda s: "connectivity, satellites" in s, "the article to open")
    assert "Island ferries trial satellite internet for passengers" in screen
    quit_reader(term)


def test_the_installed_reader_fits_an_80x24_terminal(
    terminal: Callable[[tuple[int, int]], Terminal],
) -> None:
    term = terminal((80, 24))
    screen = start_reader(term)
    lines = screen.splitlines()
    assert len(lines) <= 24 and all(len(line) <= 80 for line in lines)
    assert "Articles" in screen

    term.press("j", "Enter")
    # The body is laid out in a worker: it may show a moment after the title.
    screen = term.wait_for(lambda s: "临江港务集团发布数据" in s, "the article to open")
    assert SECOND_ID in screen
    assert "Three laptop makers" in screen  # the list is still there, above the article
    assert screen.count(SECOND_TITLE) >= 2

    term.press("z")  # reading mode: the article alone
    screen = term.wait_for(lambda s: "Articles" not in s, "reading mode")
    assert SECOND_ID in screen and "Three laptop makers" not in screen
    term.press("z")
    term.wait_for(lambda s: "Articles" in s, "the panes to come back")
    quit_reader(term)
