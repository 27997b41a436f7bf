"""The command line's grammar: ``newsreader [PATH]`` or ``newsreader COMMAND ...``, by argparse.

:func:`parse_arguments` gives a namespace whose ``command`` is one of :data:`SUBCOMMANDS`, or
:data:`READ` for the reader; ``--tz`` and ``--version`` work before and after the command, and
every option between a command's arguments (``show ARCHIVE --tz ZONE ID``).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from newsreader import __version__
from newsreader.archive import DATE_SPEC_HELP

__all__ = ["READ", "SUBCOMMANDS", "parse_arguments"]

SUBCOMMANDS: Final = (
    "list",
    "show",
    "categories",
    "check",
    "export-state",
    "import-state",
    "config",
    "index",
)
"""The commands, in the order the help lists them."""

READ: Final = "read"
"""The hidden command ``newsreader [PATH]`` runs: the words given are never taken for it."""


def parse_arguments(args: list[str]) -> argparse.Namespace:
    """``args`` parsed; a first positional that names no command is the reader's PATH.

    argparse cannot tell ``newsreader PATH`` from ``newsreader COMMAND`` by itself, so the
    hidden command is put where the first positional is (``./list`` is a folder, ``list``
    the command). Exits with 2 and a usage message on a usage error, as argparse does.
    """
    at = _first_positional(args)
    # Past the end, the last option lacks its value: argparse says so.
    if not (at > len(args) or (at < len(args) and args[at] in SUBCOMMANDS)):
        args = [*args[:at], READ, *args[at:]]
    parser = _parser()
    namespace, extra = parser.parse_known_args(args)
    # argparse takes a command's positionals in one run: with an option between them
    # (`show ARCHIVE --tz ZONE ID`), those after it are left over. They belong to the
    # command's list of positionals (its "target"), as if the option came last.
    if extra and isinstance(getattr(namespace, "target", None), list):
        words = [word for word in extra if word != "--"]
        if not any(word.startswith("-") and word != "-" for word in words):
            namespace.target.extend(words)
            extra = []
    if extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    return namespace


def _first_positional(args: Sequence[str]) -> int:
    """Where the first argument that is neither an option nor an option's value is, or
    ``--``; ``len(args)`` when there is none, more when the last option lacks its value."""
    at = 0
    while at < len(args):
        arg = args[at]
        if arg == "--" or not arg.startswith("-") or arg == "-":
            return at  # after --, even a command's name is the reader's PATH
        # --tz takes its value in the next argument unless written --tz=ZONE (or abbreviated).
        if "=" not in arg and len(arg) > 2 and "--tz".startswith(arg):
            at += 1
        at += 1
    return at


class _HelpFormatter(argparse.HelpFormatter):
    """Lists the commands as the options are listed, without a line for COMMAND above them."""

    def _format_action(self, action: argparse.Action) -> str:
        if isinstance(action, argparse._SubParsersAction):
            return "".join(self._format_action(command) for command in action._get_subactions())
        return super()._format_action(action)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsreader",
        usage="%(prog)s [-h] [--version] [--tz ZONE] [PATH]\n"
        "       %(prog)s COMMAND [options] (see: newsreader COMMAND --help)",
        description="Read a Jekyll-style news archive in the terminal. Without a COMMAND, "
        "open the reader on PATH: the archive folder, or a name from [archives] in the "
        "settings (default: the settings' default_archive, else the bundled sample posts).",
        epilog=f"Date filters (the reader's d key and --date): {DATE_SPEC_HELP}. "
        "The options work before or after the COMMAND too.",
        formatter_class=_HelpFormatter,
    )
    _global_options(parser, top=True)
    commands = parser.add_subparsers(
        title="commands", metavar="COMMAND", dest="command", prog="newsreader", required=True
    )
    reader = commands.add_parser(  # no help=: unlisted, only ever chosen by _parse
        READ,
        prog="newsreader",
        usage="%(prog)s [-h] [--version] [--tz ZONE] [PATH]",
        description="Open the reader on the archive at PATH.",
        epilog=f"Date filters (the reader's d key): {DATE_SPEC_HELP}.",
    )
    _path_argument(reader)
    _global_options(reader)
    _add_commands(commands)
    return parser


def _global_options(parser: argparse.ArgumentParser, *, top: bool = False, tz: bool = True) -> None:
    """--version and --tz, on the top parser (``top``) and again on each command's.

    A command's parser gives them no default: its namespace overwrites the top parser's,
    which would lose a ``--tz`` given before the command.
    """
    parser.add_argument("--version", action="version", version=f"newsreader {__version__}")
    parser.add_argument(
        "--tz",
        metavar="ZONE",
        default=os.environ.get("NEWSREADER_TZ") if top else argparse.SUPPRESS,
        help="time zone for dates written without an offset, e.g. Asia/Shanghai "
        "(default: $NEWSREADER_TZ, else the settings' timezone, else the archive's "
        "_config.yml timezone, else the offset its dated posts agree on, else this "
        "machine's zone)"
        if tz
        else argparse.SUPPRESS,
    )


def _path_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "path",
        nargs="?",
        type=Path,
        default=None,
        metavar="PATH",
        help="the archive folder, or a name from [archives] in the settings "
        "(default: the settings' default_archive, else the bundled sample posts)",
    )


def _add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    listing = commands.add_parser(
        "list",
        help="list posts, newest first",
        description="List posts, newest first: a table on a terminal, or JSON lines.",
        epilog=f"SPEC is {DATE_SPEC_HELP}.",
    )
    _path_argument(listing)
    listing.add_argument("--category", metavar="C", help="only posts in category C (its slug)")
    listing.add_argument("--tag", metavar="T", help="only posts tagged T")
    listing.add_argument("--date", metavar="SPEC", help="only posts in this date range")
    listing.add_argument(
        "--search",
        metavar="TEXT",
        help='only posts holding every word of TEXT ("a phrase" as one, -word excluded; '
        "write --search=-word when TEXT starts with -)",
    )
    listing.add_argument("--unread", action="store_true", help="only posts not marked read")
    listing.add_argument("--starred", action="store_true", help="only starred posts")
    listing.add_argument(
        "--drafts", action="store_true", help="also list drafts (the files in _drafts)"
    )
    listing.add_argument(
        "--unpublished", action="store_true", help="also list posts marked 'published: false'"
    )
    listing.add_argument("--limit", metavar="N", type=int, help="at most N posts")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    _global_options(listing)

    show = commands.add_parser(
        "show",
        usage="newsreader show [-h] [--width WIDTH] [--version] [--tz ZONE] [PATH] ID",
        help="print one article",
        description="Print one article, rendered (plain text when piped).",
    )
    show.add_argument(
        "target",
        nargs="+",
        metavar="[PATH] ID",
        help="the archive folder and the post's id (or its name as Jekyll's post_url gives it)",
    )
    show.add_argument(
        "--width",
        type=int,
        help="wrap at this many columns (default: the terminal's; piped, one line a paragraph)",
    )
    _global_options(show)

    categories = commands.add_parser(
        "categories", help="categories with labels and counts", description="List categories."
    )
    _path_argument(categories)
    categories.add_argument("--by-name", action="store_true", help="sort by name, not count")
    _global_options(categories)

    check = commands.add_parser(
        "check",
        help="load everything and report problems",
        description="Load every file and print a summary and each problem as 'path: message'. "
        "Exits 0 when no file was skipped, 1 otherwise.",
    )
    _path_argument(check)
    _global_options(check)

    export_state = commands.add_parser(
        "export-state",
        usage="newsreader export-state [-h] [--version] [PATH] [FILE]",
        help="write the archive's read marks and stars as JSON",
        description="Write every read mark and star of the archive as JSON, to FILE or to the "
        "standard output. With one argument, a folder is taken as PATH, anything else as FILE.",
    )
    export_state.add_argument(
        "target", nargs="*", metavar="[PATH] [FILE]", help="the archive folder; the JSON file"
    )
    _global_options(export_state, tz=False)

    import_state = commands.add_parser(
        "import-state",
        usage="newsreader import-state [-h] [--version] [PATH] FILE",
        help="merge read marks and stars from an export",
        description="Merge marks from a file written by export-state into the archive's: a "
        "mark set on either side stays set unless the other side unset it later. Reads the "
        "standard input when FILE is '-'. Exits 1 when some entries were not valid marks.",
    )
    import_state.add_argument(
        "target", nargs="+", metavar="[PATH] FILE", help="the archive folder; the JSON file"
    )
    _global_options(import_state, tz=False)

    config = commands.add_parser(
        "config",
        help="the settings file and the settings in effect",
        description="Print the settings file's path and every setting in effect, with the "
        "line it came from or 'default'. Exits 1 when the file has problems.",
    )
    _global_options(config, tz=False)

    index = commands.add_parser(
        "index",
        help="build or refresh the on-disk index the reader starts from",
        description="Build or refresh the archive's index (a cache in the user cache folder: "
        "deleting it loses nothing). Only new and changed files are read again.",
    )
    _path_argument(index)
    index.add_argument(
        "--rebuild", action="store_true", help="forget the index and read every file again"
    )
    _global_options(index)
