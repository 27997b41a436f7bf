"""``export-state`` and ``import-state``: read marks and stars carried between machines as
JSON, merged on import (see :mod:`newsreader.state`)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from newsreader.archive import LoadOptions
from newsreader.cli.common import EXIT_USAGE, CliError, open_state, resolve_root
from newsreader.config import write_atomically
from newsreader.state import StateError


def export_state(options: argparse.Namespace, load: LoadOptions) -> int:
    target: list[str] = options.target
    if len(target) > 2:
        raise CliError("export-state takes [PATH] [FILE]", EXIT_USAGE)
    if len(target) == 2:
        path, file = Path(target[0]), target[1]
    elif len(target) == 1 and Path(target[0]).is_dir():
        path, file = Path(target[0]), "-"
    else:
        path, file = None, target[0] if target else "-"
    root = resolve_root(path)
    with open_state(root) as state:
        try:
            data = state.export()
        except StateError as error:
            raise CliError(str(error)) from None
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if file == "-":
        sys.stdout.write(text)
        return 0
    try:
        write_atomically(Path(file), text)
    except OSError as error:
        raise CliError(f"cannot write {file}: {error.strerror or error}") from None
    count = len(data["marks"])
    print(f"Exported {count:,} marks of archive {state.archive!r} to {file}.")
    return 0


def import_state(options: argparse.Namespace, load: LoadOptions) -> int:
    target: list[str] = options.target
    if len(target) > 2:
        raise CliError("import-state takes [PATH] FILE", EXIT_USAGE)
    path = Path(target[0]) if len(target) == 2 else None
    file = target[-1]
    root = resolve_root(path)
    try:
        text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
        data = json.loads(text)
    except OSError as error:
        raise CliError(f"cannot read {file}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise CliError(f"{file} is not UTF-8 text (expected JSON from export-state)") from None
    except json.JSONDecodeError as error:
        raise CliError(f"{file} is not valid JSON (line {error.lineno}: {error.msg})") from None
    with open_state(root) as state:
        try:
            result = state.import_(data)
        except StateError as error:
            raise CliError(f"{file}: {error}") from None
    for problem in result.problems:
        print(f"newsreader: {file}: skipped {problem}", file=sys.stderr)
    if result.skipped > len(result.problems):
        print(
            f"newsreader: {file}: skipped {result.skipped - len(result.problems):,} more",
            file=sys.stderr,
        )
    print(
        f"Imported into archive {state.archive!r} ({state.path}): {result.added:,} added, "
        f"{result.updated:,} updated, {result.unchanged:,} already there, "
        f"{result.skipped:,} skipped."
    )
    return 1 if result.skipped else 0
