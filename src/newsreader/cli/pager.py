"""The pager ``show`` writes through on a terminal, chosen as ``git`` chooses its own."""

from __future__ import annotations

import os
import subprocess
import sys

from rich.pager import Pager

DEFAULT_PAGER = "less"
"""The pager without ``$NEWSREADER_PAGER`` or ``$PAGER``; ``$LESS`` defaults to ``FRX``."""


def pager_command() -> str | None:
    """``$NEWSREADER_PAGER``, else ``$PAGER``, else ``less``; None for an empty one or
    ``cat`` (no pager, as git has it)."""
    for name in ("NEWSREADER_PAGER", "PAGER"):
        if (command := os.environ.get(name)) is not None:
            break
    else:
        command = DEFAULT_PAGER
    return None if command.strip() in ("", "cat") else command


class CommandPager(Pager):
    """Runs a pager command through the shell, the text on its standard input.

    ``less`` is told, unless ``$LESS`` says otherwise, to keep colours (``R``), to quit at
    once when the text fits one screen (``F``) and not to clear the screen (``X``)."""

    def __init__(self, command: str) -> None:
        self.command = command

    def show(self, content: str) -> None:
        environment = {"LESS": "FRX", "LV": "-c", **os.environ}
        encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
        data = content.encode(encoding, "backslashreplace")
        sys.stdout.flush()
        try:
            status = subprocess.run(self.command, shell=True, input=data, env=environment)
        except OSError as error:
            reason = str(error)
        else:
            if status.returncode not in (126, 127):  # the shell's "cannot run" and "not found"
                return
            reason = f"exit status {status.returncode}"
        print(f"newsreader: warning: pager {self.command!r} failed ({reason})", file=sys.stderr)
        sys.stdout.write(content)
