"""The command line: ``newsreader [PATH]`` opens the reader; subcommands list, show, check...

The grammar is :mod:`newsreader.cli_parser`'s; here each command runs. Those that read posts
(the reader aside) take them from the archive's index (:func:`_open_archive`).
``export-state``/``import-state`` carry read marks and stars between machines (JSON, merged on
import, see :mod:`newsreader.state`); ``config`` prints the settings in effect.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import Final

from newsreader.archive import LoadOptions
from newsreader.archive.scan import utf8_name
from newsreader.cli.checks import check_command, config_command, index_command
from newsreader.cli.common import (
    CliError,
    load_options,
    resolve_root,
    user_settings,
    warn_about_settings,
)
from newsreader.cli.completion import completion_command
from newsreader.cli.posts import categories_command, list_command, show_command
from newsreader.cli.state import export_state, import_state
from newsreader.cli_parser import READ, parse_arguments
from newsreader.streams import prepare_streams

_Command = Callable[[argparse.Namespace, LoadOptions], int]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    prepare_streams()  # before --help or a usage error is printed
    options = parse_arguments(list(sys.argv[1:] if argv is None else argv))
    for text_option in ("search", "tag", "category"):  # words to match, never file names
        if isinstance(value := getattr(options, text_option, None), str):
            setattr(options, text_option, utf8_name(value))
    user_settings.cache_clear()  # read the settings file once per command, afresh each time
    if options.command not in _SHOWS_SETTINGS_PROBLEMS:
        warn_about_settings()
    try:
        return _COMMANDS[options.command](options, load_options(options.tz))
    except CliError as error:
        print(f"newsreader: {error}", file=sys.stderr)
        return error.code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `newsreader list | head`: the reader of our output left; that is not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def open_reader(options: argparse.Namespace, load: LoadOptions) -> int:
    root = resolve_root(options.path)
    from newsreader.app import create_app  # the TUI's imports cost time; list does not need them

    app = create_app(root, load, settings=user_settings())
    app.run()
    # A reader that crashed has printed its traceback: the exit status must say so too.
    return app.return_code or 0


_SHOWS_SETTINGS_PROBLEMS: Final = frozenset({READ, "config"})
"""Commands that show the settings file's problems their own way: the reader in its window
(stderr is hidden under it), ``config`` in its report."""

_COMMANDS: Final[dict[str, _Command]] = {
    READ: open_reader,
    "list": list_command,
    "show": show_command,
    "categories": categories_command,
    "check": check_command,
    "export-state": export_state,
    "import-state": import_state,
    "config": config_command,
    "index": index_command,
    "completion": completion_command,
}
