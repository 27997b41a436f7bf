"""How well, and how fast, articles are set into lines: the figures of issue 13.

Renders every post of each archive as `newsreader show --width N` does (the same
`render_article` and console) into plain lines, and counts, per archive and width:

- lines that start with closing punctuation (``，。、」%``..., which must never begin a line);
- lines that end with opening punctuation (``（「『“``..., which must never end one);
- numbers split across lines: a full line ending in a digit whose next line goes on with a
  digit, ``%``, or ``.``/``,`` and a digit (``2`` / ``022年``, ``0`` / ``.05%``), not counting
  addresses longer than a line, which must fold;
- lines ending in spaces (Rich pads left-justified lines to the width: most are that padding,
  which the piped `show` output strips; none is left behind by a break);

then times the rendering of each article at 80 columns (the fastest of ``--repeat`` runs;
median and p95 over the articles, in milliseconds), each run converting the body and finding
its break opportunities afresh (their per-paragraph cache is emptied), as opening it does.

    .venv/bin/python benchmarks/typesetting.py [ARCHIVE...] [--widths 40 60 100]

Without archives it measures sample_posts/, ../shared/corpus/finews and the posts of
../shared/corpus/jekyll/site. A "full" line is one within two cells of the width: the counts
of split numbers looks only at lines the wrapping ended, not at short ones.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from pathlib import Path

from rich.cells import cell_len
from rich.console import Console

from newsreader.archive.loader import LoadOptions, load_archive
from newsreader.archive.post import Post
from newsreader.render import render_article

_HERE = Path(__file__).resolve().parent.parent
DEFAULT_ARCHIVES = [
    _HERE / "sample_posts",
    _HERE.parent / "shared" / "corpus" / "finews",
    _HERE.parent / "shared" / "corpus" / "jekyll" / "site",
]
CLOSING = set(
    "，。、；：！？）」』】〕〉》〗〙〛”’…‥％%・ー々ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ"
)
OPENING = set("（「『【〔〈《〖〘〚“‘")
# Rich's decorations a line may start with: blockquote bars, bullets, table rules.
_DECORATION = " \u258c\u2022\u2502\u2503"
_COLUMNS = ("closing", "opening", "numbers", "spaces")


def _forget_breaks() -> None:
    try:  # the line breaker's cache; older versions of the reader have none
        from newsreader.render.wrap import _cached_breaks
    except ImportError:
        return
    _cached_breaks.cache_clear()


def _rendered_lines(post: Post, labels: dict[str, str], width: int) -> list[str]:
    console = Console(
        width=width, file=io.StringIO(), highlight=False, soft_wrap=False, color_system=None
    )
    console.print(render_article(post, labels))
    output = console.file.getvalue()  # type: ignore[attr-defined]
    return str(output).split("\n")


def _count(lines: list[str], width: int) -> dict[str, int]:
    counts = dict.fromkeys(_COLUMNS, 0)
    stripped = [line.lstrip(_DECORATION) for line in lines]
    for index, line in enumerate(lines):
        text = line.rstrip()
        if text and line != text:
            counts["spaces"] += 1
        if stripped[index][:1] in CLOSING:
            counts["closing"] += 1
        if text[-1:] in OPENING:
            counts["opening"] += 1
        following = stripped[index + 1] if index + 1 < len(lines) else ""
        if not text or not following or cell_len(text) < width - 2:
            continue
        last, first = text[-1], following[0]
        digit_follows = first.isdigit() or first == "%"
        digit_follows |= first in ".," and following[1:2].isdigit()
        if last.isdigit() and digit_follows and "://" not in text.rsplit(" ", 1)[-1]:
            counts["numbers"] += 1
    return counts


def measure(root: Path, widths: list[int], repeat: int) -> None:
    """Print one archive's counts per width and its render times at 80 columns."""
    archive = load_archive(root, LoadOptions())
    posts, labels = archive.posts, archive.labels
    print(f"\n{root} — {len(posts)} posts")
    print(f"{'width':>6}" + "".join(f" {name:>8}" for name in _COLUMNS))
    for width in widths:
        total = dict.fromkeys(_COLUMNS, 0)
        for post in posts:
            for key, value in _count(_rendered_lines(post, labels, width), width).items():
                total[key] += value
        print(f"{width:>6}" + "".join(f" {total[name]:>8}" for name in _COLUMNS))
    times = []
    for post in posts:
        best = float("inf")
        for _ in range(repeat):  # the fastest of a few: the least disturbed by other work
            _forget_breaks()
            start = time.perf_counter()
            _rendered_lines(post, labels, 80)
            best = min(best, (time.perf_counter() - start) * 1000)
        times.append(best)
    if times:
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        print(f"render at 80 columns: median {statistics.median(times):.2f} ms, p95 {p95:.2f} ms")


def main() -> None:
    """Measure each archive given (or the default three)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("archives", nargs="*", type=Path, default=DEFAULT_ARCHIVES)
    parser.add_argument("--widths", nargs="+", type=int, default=[40, 60, 100])
    parser.add_argument("--repeat", type=int, default=3, help="renderings timed per article")
    options = parser.parse_args()
    for root in options.archives:
        measure(root, options.widths, options.repeat)


if __name__ == "__main__":
    main()
