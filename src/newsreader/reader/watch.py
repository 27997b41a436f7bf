"""Told at once when a file of the archive changes: watchfiles (inotify, FSEvents...).

The watcher is only a trigger: what changed is always found by the index's own look at the
files, so a missed or merged event costs nothing but time. Where it cannot run (no
watchfiles, an inotify limit reached, ``NEWSREADER_WATCH=poll``) the reader falls back to
its polling: the folders every few seconds, every file once a minute. Network file systems
and WSL's Windows drives deliver no events, so the polls go on beside a running watcher too.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

DEBOUNCE_MS = 300
"""Changes within this of each other are reported together (a scraper writes in bursts)."""


def watching_enabled() -> bool:
    """Whether to watch with watchfiles (``NEWSREADER_WATCH=poll`` turns it off)."""
    return os.environ.get("NEWSREADER_WATCH", "").strip().lower() != "poll"


def watch_archive(root: Path, on_change: Callable[[], None], stop: threading.Event) -> str | None:
    """Call ``on_change`` after each burst of changes under ``root``, until ``stop`` is set.

    Blocks; run it in a thread. Returns None when stopped, or why watching is not possible
    (the reader then relies on its polls alone).
    """
    try:
        import watchfiles
    except ImportError:
        return "watchfiles is not installed"
    try:
        for _changes in watchfiles.watch(
            root,
            debounce=DEBOUNCE_MS,
            stop_event=stop,
            raise_interrupt=False,
            ignore_permission_denied=True,
        ):
            on_change()
    except (OSError, RuntimeError) as error:
        # The Rust side reports an inotify limit or an unwatchable folder this way.
        return f"cannot watch {root} for changes ({error}); looking every few seconds instead"
    return None
