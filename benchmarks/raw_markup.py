"""Count the posts whose rendered article still shows markup as typed.

Renders every post of each archive given as `newsreader show` does (the same loader and
`render_article`, in process rather than one process a post), at 40, 60 and 100 columns, and
counts the posts whose output holds raw Liquid, kramdown attribute lists, ``**``, ``![``, HTML
tags or entities (anywhere in the output, code blocks included). Posts whose extension picks
no converter (``.text``, ``.Rmd``: ``Post.markup == "text"``) are shown as typed on purpose,
as Jekyll does, and are left out.

    .venv/bin/python benchmarks/raw_markup.py ../shared/corpus/jekyll/site ../shared/corpus/finews
"""

from __future__ import annotations

import argparse
import io
import os
import re
import sys
import tempfile
from pathlib import Path

WIDTHS = (40, 60, 100)
PATTERNS = {
    "liquid": re.compile(r"\{%|\{\{|%\}|\}\}"),
    "kramdown": re.compile(r"\{:[^}\n]*\}|\{::"),
    "**": re.compile(r"\*\*"),
    "![": re.compile(r"!\["),
    "html": re.compile(
        r"</?(?:p|div|span|a|img|br|hr|b|i|em|strong|table|tr|td|font|center|h[1-6])\b[^<>]*>"
        r"|&(?:[a-z]{2,8}|#\d{2,6}|#x[0-9a-f]{2,5});",
        re.IGNORECASE,
    ),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("archives", nargs="+", type=Path)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp())
    os.environ["NEWSREADER_DATA_DIR"] = str(scratch / "data")
    os.environ["NEWSREADER_CACHE_DIR"] = str(scratch / "cache")
    os.environ["NEWSREADER_CONFIG"] = str(scratch / "config.toml")

    from rich.console import Console

    from newsreader.archive import load_archive
    from newsreader.render import render_article

    print(f"{'archive':<14} {'posts':>6} " + " ".join(f"{name:>8}" for name in PATTERNS))
    for root in args.archives:
        archive = load_archive(root)
        counts = dict.fromkeys(PATTERNS, 0)
        posts = [post for post in archive.posts if post.markup != "text"]
        for post in posts:
            found: set[str] = set()
            for width in WIDTHS:
                out = io.StringIO()
                console = Console(file=out, width=width, highlight=False, color_system=None)
                console.print(render_article(post, archive.labels))
                text = out.getvalue()
                found |= {name for name, pattern in PATTERNS.items() if pattern.search(text)}
            for name in found:
                counts[name] += 1
        row = " ".join(f"{counts[name]:>8}" for name in PATTERNS)
        print(f"{root.resolve().name:<14} {len(posts):>6} {row}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
