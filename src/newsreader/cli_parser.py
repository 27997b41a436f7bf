"""The command line's grammar: ``newsreader [PATH]`` or ``newsreader COMMAND ...``, by argparse.

:func:`parse_arguments` gives a namespace whose ``command`` is one of :data:`SUBCOMMANDS`, or
:data:`READ` for the reader; ``--tz`` and ``--version`` work before and after the command, and
every option between a command's arguments (``show ARCHIVE --tz ZONE ID``).
"""

from __future__ import annotations

import argparse
import os
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from newsreader import __version__
from newsreader.archive import DATE_SPEC_HELP

__all__ = ["READ", "SHELLS", "SUBCOMMANDS", "completion_parser", "parse_arguments"]

SUBCOMMANDS: Final = (
    "list",
    "show",
    "categories",
    "check",
    "export-state",
    "import-state",
    "config",
    "index",
    "completion",
)
"""The commands, in the order the help lists them."""

SHELLS: Final = ("bash", "zsh")
"""The shells ``newsreader completion`` writes a script for."""

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


class _CommandHelpFormatter(argparse.HelpFormatter):
    """Fills the description and epilog paragraph by paragraph, keeping indented lines (the
    "Exit status" table) as written."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        paragraphs = []
        for paragraph in text.split("\n\n"):
            if paragraph.startswith(" ") or "\n " in paragraph:
                paragraphs.append(textwrap.indent(paragraph, indent))
            else:
                paragraphs.append(super()._fill_text(paragraph, width, indent))
        return "\n\n".join(paragraphs)


def _exit_status(*lines: str) -> str:
    """A command's "Exit status" epilog: ``lines`` as ``CODE  meaning``."""
    return "Exit status:\n" + "\n".join(f"  {line}" for line in lines)


_USAGE_STATUS = "2  a bad argument: an unknown option, folder or time zone"


def completion_parser() -> argparse.ArgumentParser:
    """The grammar without the reader's hidden command, for the completion scripts."""
    parser = _parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            action.choices.pop(READ, None)
    return parser


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
        formatter_class=_CommandHelpFormatter,
        description="List posts, newest first. On a terminal, a table of each post's date "
        "and time, title and category label (and its id when the terminal is wide enough "
        "for it whole); only the title is cut to fit. Into a pipe or a file, one line per post "
        "of tab-separated fields, each whole: id, date (ISO 8601 with its offset), category "
        "slug, category label, title (a backslash, tab, newline and carriage return in a "
        "field are written \\\\, \\t, \\n, \\r, other control characters \\xHH). With "
        "--json, one JSON object per line.",
        epilog=f"SPEC is {DATE_SPEC_HELP}.\n\n"
        + _exit_status(
            "0  posts were listed",
            "1  no post matches (said on stderr)",
            _USAGE_STATUS + ", category or date filter",
        ),
    )
    _path_argument(listing)
    listing.add_argument(
        "--category",
        metavar="C",
        help="only posts in category C: its slug or its label, in any case",
    )
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
    listing.add_argument(
        "--limit", metavar="N", type=int, help="at most N posts, the newest (0: no limit)"
    )
    listing.add_argument(
        "--json",
        action="store_true",
        help="one JSON object per line: id, path, title, date, categories, labels, tags, "
        "source_url, problems, read, starred",
    )
    _global_options(listing)

    show = commands.add_parser(
        "show",
        usage="newsreader show [-h] [--width WIDTH] [--no-pager] [--version] [--tz ZONE] "
        "[PATH] ID [ID ...]",
        help="print articles",
        formatter_class=_CommandHelpFormatter,
        description="Print articles, rendered: on a terminal styled, through the pager "
        "($NEWSREADER_PAGER, else $PAGER, else less; none when it is empty or cat); into a "
        "pipe or a file as plain text. Several articles each start with a line naming "
        "the post (a rule on a terminal, '==> ID <==' in plain text, as head does).",
        epilog=_exit_status(
            "0  every article was printed",
            "1  some post was not found or could not be read (the others are printed)",
            _USAGE_STATUS + ", a post file outside the archive",
        ),
    )
    show.add_argument(
        "target",
        nargs="+",
        metavar="[PATH] ID",
        help="the archive folder (or a name from [archives]), then the posts: each an id, "
        "its name as Jekyll's post_url gives it, or the post's file (absolute or from the "
        "working folder). The first of several words is PATH unless it names a post (a file, "
        "or a word ending in .md, .markdown or .html or starting like 2022-03-31-). Without "
        "PATH, a post file's archive is the folder above it holding _config.yml, else the one "
        "holding its _posts folder; other posts are looked for in the default archive",
    )
    show.add_argument(
        "--no-pager", action="store_true", help="print to the terminal, not through the pager"
    )
    show.add_argument(
        "--width",
        type=int,
        help="wrap at this many columns (default: the terminal's; piped, one line a paragraph)",
    )
    _global_options(show)

    categories = commands.add_parser(
        "categories",
        help="categories with labels and counts",
        formatter_class=_CommandHelpFormatter,
        description="List categories, most posts first: a table on a terminal; into a pipe "
        "or a file one line per category of tab-separated fields (count as a bare number, "
        "slug, label; escaped as list escapes them).",
        epilog=_exit_status("0  the categories were listed", "1  no posts found", _USAGE_STATUS),
    )
    _path_argument(categories)
    categories.add_argument("--by-name", action="store_true", help="sort by name, not count")
    categories.add_argument(
        "--json", action="store_true", help="one JSON object per line: slug, label, count"
    )
    _global_options(categories)

    check = commands.add_parser(
        "check",
        help="load everything and report problems",
        formatter_class=_CommandHelpFormatter,
        description="Load every file and print a summary and each problem as 'path: message'.",
        epilog=_exit_status(
            "0  every file was loaded (some perhaps with recovered problems)",
            "1  a file was skipped, or no post was found",
            _USAGE_STATUS,
        ),
    )
    _path_argument(check)
    _global_options(check)

    export_state = commands.add_parser(
        "export-state",
        usage="newsreader export-state [-h] [--version] [PATH] [FILE]",
        help="write the archive's read marks and stars as JSON",
        description="Write every read mark and star of the archive as JSON, to FILE or to the "
        "standard output. With one argument, a folder is taken as PATH, anything else as FILE.",
        formatter_class=_CommandHelpFormatter,
        epilog=_exit_status("0  the marks were written", "1  they could not be", _USAGE_STATUS),
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
        "standard input when FILE is '-'.",
        formatter_class=_CommandHelpFormatter,
        epilog=_exit_status(
            "0  every mark was merged",
            "1  some entries were not valid marks (the others are merged), or the file could "
            "not be read",
            _USAGE_STATUS,
        ),
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
        formatter_class=_CommandHelpFormatter,
        epilog=_exit_status("0  the settings file has no problems", "1  it has problems"),
    )
    _global_options(config, tz=False)

    index = commands.add_parser(
        "index",
        help="build or refresh the on-disk index the reader starts from",
        description="Build or refresh the archive's index (a cache in the user cache folder: "
        "deleting it loses nothing). Only new and changed files are read again.",
        formatter_class=_CommandHelpFormatter,
        epilog=_exit_status("0  the index is up to date", _USAGE_STATUS),
    )
    _path_argument(index)
    index.add_argument(
        "--rebuild", action="store_true", help="forget the index and read every file again"
    )
    _global_options(index)

    completion = commands.add_parser(
        "completion",
        usage="newsreader completion [-h] {bash,zsh}",
        help="print the shell completion script (bash or zsh)",
        formatter_class=_CommandHelpFormatter,
        description="Print the script that completes newsreader's commands, options, "
        "categories (those of the archive on the command line) and archive names in bash or "
        "zsh. To install it, for bash add to ~/.bashrc:\n\n"
        '  eval "$(newsreader completion bash)"\n\n'
        "for zsh write it to a folder of $fpath, before compinit runs in ~/.zshrc:\n\n"
        "  newsreader completion zsh > ~/.zfunc/_newsreader\n"
        "  # in ~/.zshrc: fpath=(~/.zfunc $fpath); autoload -U compinit; compinit",
        epilog=_exit_status("0  the script was printed", "2  no shell, or an unknown one"),
    )
    completion.add_argument("shell", nargs="?", choices=SHELLS, help="the shell")
    # What the script's functions ask for as one completes: names, one a line.
    completion.add_argument("--list", choices=("categories", "archives"), help=argparse.SUPPRESS)
    completion.add_argument("--words", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    _global_options(completion, tz=False)
