"""Processes that write the full-text shards (see :mod:`.texts`) while this one writes entries.

One process per shard, for the whole of a large refresh, so each keeps its shard's pages in
its own cache: FTS5 merges read back the segments written before. Each is sent its part of
every batch down a pipe and answers once it has committed (or with the error it met). They
are spawned like the parsing processes (:mod:`.workers`), die with this process, and leave
Ctrl-C to it: it stops them, and the shard's next write undoes what they committed of a
batch this process never committed. Should one not start or die, its writes are made here
and a notice says so.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sqlite3
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Final

from newsreader.archive.index.texts import ShardWrite, TextShards, connect_shard, write_shard_file
from newsreader.archive.index.workers import die_with_parent

__all__ = ["PROCESSES_FROM", "ShardProcesses", "shard_processes"]

PROCESSES_FROM: Final = 1500
"""Files to parse below which the shards are written here: a process costs ~0.2 s to start."""

_STOP_SECONDS: Final = 5.0
"""How long a process may take to finish its write and close once told to stop."""


def _serve(pipe: Connection, path: str, busy_timeout: float, parent: int) -> None:
    """A shard process: write each part received, answer None or ``(error class, message)``."""
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops it, between writes or not
    connection = connect_shard(Path(path), busy_timeout)
    try:
        while (write := pipe.recv()) is not None:
            try:
                write_shard_file(connection, write)
            except sqlite3.Error as error:
                pipe.send((type(error).__name__, str(error)))
            else:
                pipe.send(None)
    finally:
        connection.close()


class ShardProcesses:
    """The running shard processes of one refresh; called with a batch's parts."""

    def __init__(
        self,
        shards: TextShards,
        processes: dict[int, tuple[BaseProcess, Connection]],
        notice: Callable[[str], None],
    ) -> None:
        self._shards = shards
        self._processes = processes
        self._notice = notice

    def __call__(self, parts: list[ShardWrite]) -> None:
        """Write every part (each in its shard's process, else here); raise the first error."""
        sent: list[ShardWrite] = []
        here: list[ShardWrite] = []
        for part in parts:
            if self._send(part):
                sent.append(part)
            else:
                here.append(part)
        errors: list[sqlite3.Error] = []
        for part in sent:
            try:
                reply = self._processes[part.number][1].recv()
            except (EOFError, OSError):
                # Died before or after committing it: written again here, undone first if so.
                self._lost(part.number)
                here.append(part)
                continue
            if reply is not None:
                kind, message = reply
                error_class = getattr(sqlite3, kind, sqlite3.DatabaseError)
                errors.append(error_class(message))
        if errors:
            raise errors[0]
        self._shards.write_here(here)

    def _send(self, part: ShardWrite) -> bool:
        running = self._processes.get(part.number)
        if running is None:
            return False
        try:
            running[1].send(part)
        except OSError:
            self._lost(part.number)
            return False
        return True

    def _lost(self, number: int) -> None:
        process, pipe = self._processes.pop(number)
        pipe.close()
        process.kill()
        process.join()
        self._notice("A full-text writing process stopped unexpectedly; finishing here.")

    def stop(self, *, now: bool) -> None:
        """End the processes: at once (``now``, a failed refresh), or once idle."""
        processes, self._processes = self._processes, {}
        if not now:
            for _, pipe in processes.values():
                with contextlib.suppress(OSError):
                    pipe.send(None)
        for process, pipe in processes.values():
            if now:
                process.kill()
            process.join(_STOP_SECONDS)
            if process.is_alive():
                process.kill()
                process.join()
            pipe.close()


@contextlib.contextmanager
def shard_processes(
    shards: TextShards, notice: Callable[[str], None]
) -> Iterator[ShardProcesses | None]:
    """A process per shard file for the duration (None when there is one shard or none)."""
    paths = shards.paths()
    if len(paths) < 2:
        yield None
        return
    # Their shards are written here meanwhile: a process must not find this one's
    # connection in the middle of anything, and its cache would be stale anyway.
    shards.close()
    context = multiprocessing.get_context("spawn")
    processes: dict[int, tuple[BaseProcess, Connection]] = {}
    try:
        for number, path in enumerate(paths):
            mine, theirs = context.Pipe()
            process = context.Process(
                target=_serve,
                args=(theirs, str(path), shards.busy_timeout, os.getpid()),
                name=f"newsreader-shard-{number}",
                daemon=True,
            )
            process.start()
            theirs.close()
            processes[number] = (process, mine)
    except (OSError, ValueError) as error:
        notice(f"Writing the full-text index in one process: no writing processes ({error}).")
        ShardProcesses(shards, processes, notice).stop(now=True)
        yield None
        return
    running = ShardProcesses(shards, processes, notice)
    finished = False
    try:
        yield running
        finished = True
    finally:
        running.stop(now=not finished)
