"""How long opening an article takes: converting it and laying it out as the reading pane does.

Times, per post, what the pane's worker does between enter on a row and the lines it shows:
`render_article` (HTML or Markdown to Markdown, Liquid, parsing) then `lay_out` at the pane's
width (Rich Markdown, `LineBreakingText`, the lines), with every cache the reader keeps across
articles emptied first (the line breaker's), as opening a new article finds them. Measured on
the longest posts of each archive and on generated long Chinese articles of 4, 16 and 64 KB
(long finews paragraphs repeated, as HTML paragraphs), the fastest of ``--repeat`` runs.

    .venv/bin/python benchmarks/open_article.py [ARCHIVE...] [--longest 10] [--width 78]
    .venv/bin/python benchmarks/open_article.py --profile   # cProfile of the slowest cases

With ``--dump FILE`` it writes every post's laid-out lines (text and styles) instead, to
compare the output of two versions of the reader (``cmp`` the files).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console

from newsreader.archive.loader import LoadOptions, load_archive
from newsreader.archive.post import Post
from newsreader.render import render_article
from newsreader.render.layout import ArticleLayout, lay_out, layout_console

_HERE = Path(__file__).resolve().parent.parent
FINEWS = _HERE.parent / "shared" / "corpus" / "finews"
DEFAULT_ARCHIVES = [_HERE / "sample_posts", FINEWS]
GENERATED_SIZES = (4_000, 16_000, 64_000)
TARGET_MS = 50.0


def _forget_caches() -> None:
    try:  # the line breaker's per-paragraph cache; older versions of the reader have none
        from newsreader.render.wrap import _cached_breaks
    except ImportError:
        return
    _cached_breaks.cache_clear()


def open_post(post: Post, labels: dict[str, str], console: Console, width: int) -> ArticleLayout:
    """``post`` converted and laid out at ``width``, as the reading pane's worker does."""
    article = render_article(post, labels)
    return lay_out(article, console, console.options, width)


def generated_posts(source: list[Post]) -> list[Post]:
    """Long Chinese articles: the longest paragraphs of ``source`` repeated to each size.

    Each size twice: as HTML paragraphs (``<p>…</p>``, as scraped posts are) and as Markdown.
    """
    paragraphs = sorted(
        {
            line.strip()
            for post in source
            for line in post.body.split("\n")
            if len(line) > 100 and not line.lstrip().startswith(("<", ">"))
        },
        key=lambda line: (-len(line), line),
    )[:40]
    if not paragraphs:
        return []
    base = source[0]
    posts = []
    for size in GENERATED_SIZES:
        for kind, template, separator in (("html", "<p>{}</p>", "\n"), ("md", "{}", "\n\n")):
            body: list[str] = []
            while sum(map(len, body)) < size:
                number = len(body)
                text = f"（{number + 1}）{paragraphs[number % len(paragraphs)]}"
                body.append(template.format(text))
            posts.append(
                replace(
                    base,
                    id=f"generated-{kind}-{size // 1000}k",
                    title=f"Generated {size // 1000} KB article ({kind})",
                    body=separator.join(body),
                    date=datetime(2024, 1, 1, tzinfo=UTC),
                )
            )
    return posts


def _time(post: Post, labels: dict[str, str], width: int, repeat: int) -> float:
    console = layout_console()
    best = float("inf")
    for _ in range(repeat):  # the fastest: the least disturbed by the other work on the machine
        _forget_caches()
        start = time.perf_counter()
        open_post(post, labels, console, width)
        best = min(best, (time.perf_counter() - start) * 1000)
    return best


def _cases(archives: list[Path], longest: int) -> list[tuple[str, list[Post], dict[str, str]]]:
    cases = []
    for root in archives:
        archive = load_archive(root, LoadOptions())
        posts = sorted(archive.posts, key=lambda post: len(post.body), reverse=True)
        cases.append((f"{root.name} (longest {longest})", posts[:longest], dict(archive.labels)))
        if root == FINEWS:
            cases.append(("generated", generated_posts(archive.posts), dict(archive.labels)))
    return cases


def measure(archives: list[Path], longest: int, width: int, repeat: int) -> None:
    """Print the open time of each case's posts, and their median and worst."""
    print(f"{'post':<40} {'body chars':>10} {'lines':>6} {'ms':>8}")
    for name, posts, labels in _cases(archives, longest):
        times = []
        for post in posts:
            lines = len(open_post(post, labels, layout_console(), width).lines)
            elapsed = _time(post, labels, width, repeat)
            times.append(elapsed)
            print(f"{post.id[:40]:<40} {len(post.body):>10,} {lines:>6} {elapsed:>8.1f}")
        if times:
            print(
                f"== {name}: median {statistics.median(times):.1f} ms, worst {max(times):.1f} ms"
                f" (target {TARGET_MS:.0f} ms)\n"
            )


def profile(archives: list[Path], longest: int, width: int) -> None:
    """cProfile of opening each case's posts once, the 30 costliest functions."""
    cases = _cases(archives, longest)
    profiler = cProfile.Profile()
    console = layout_console()
    profiler.enable()
    for _, posts, labels in cases:
        for post in posts:
            _forget_caches()
            open_post(post, labels, console, width)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(30)


def dump(archives: list[Path], path: Path, widths: list[int]) -> None:
    """Write every post's laid-out lines at ``widths`` (text and style of each segment)."""
    with path.open("w", encoding="utf-8") as out:
        for root in archives:
            archive = load_archive(root, LoadOptions())
            posts = [*archive.posts, *(generated_posts(archive.posts) if root == FINEWS else [])]
            for post in posts:
                for width in widths:
                    layout = open_post(post, dict(archive.labels), layout_console(), width)
                    out.write(f"## {post.id} at {width}\n")
                    for line in layout.lines:
                        out.write(repr([(seg.text, str(seg.style)) for seg in line]) + "\n")


def main() -> None:
    """Measure (or profile, or dump) the archives given, or sample_posts and finews."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("archives", nargs="*", type=Path, default=DEFAULT_ARCHIVES)
    parser.add_argument("--longest", type=int, default=10, help="posts timed per archive")
    parser.add_argument("--width", type=int, default=78, help="the pane's width in cells")
    parser.add_argument("--repeat", type=int, default=3, help="runs timed per post")
    parser.add_argument("--profile", action="store_true", help="cProfile instead of timing")
    parser.add_argument("--dump", type=Path, help="write the laid-out lines to this file")
    options = parser.parse_args()
    if options.dump:
        dump(options.archives, options.dump, [40, options.width])
    elif options.profile:
        profile(options.archives, options.longest, options.width)
    else:
        measure(options.archives, options.longest, options.width, options.repeat)


if __name__ == "__main__":
    main()
