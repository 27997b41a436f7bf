"""Benchmark the on-disk archive index at several sizes and print one table.

Usage::

    python benchmarks/index_bench.py [--posts 1000,10000,100000] [--keep DIR] [--workers N]

For each size an archive is generated with ``generate_archive.py`` (in a temporary folder, or
under ``--keep DIR`` where it is reused next time; the index always starts from nothing), then,
in this order and in the same run, so every figure sees the same page cache:

* **floor**: list the files and ``read_bytes()`` each, the least any cold build must do:
  from the disk (every file dropped from the page cache first with ``posix_fadvise``, as
  after a reboot or for an archive not read lately) and from the page cache (just read);
* **frontmatter**: read each file and parse it with ``frontmatter.loads`` (one process), the
  obvious way to load an archive, for scale;
* **cold build**: ``ArchiveIndex.open(...).refresh()`` on an empty cache, in a fresh process
  (it parses in a pool of worker processes), with the files on disk (dropped from the page
  cache again) and then in the page cache, each with its ratio to the matching floor;
* **warm list**: a fresh ``python`` process that imports the index, opens it and gets
  ``posts()``: timed from outside, so interpreter start and imports count (median of 3);
  **+Archive** also builds the reader's ``Archive`` from them (sort, category index, labels);
  **+refresh** instead runs ``refresh()`` (a ``stat`` of every file) before ``posts()``;
* **reader start**: a fresh ``python`` process that imports the app and starts the real reader
  on the archive (headless, 200x50, ``App.run_test``), timed from launching ``python``: until
  the article list shows its first rows and a ``j`` pressed then has moved the cursor (a
  usable list), and until every post is listed and the start's refresh is over; with the
  process's peak RSS (median of 3);
* **search**: ``index.search`` for a 2-character Chinese word, a 4-character phrase and an
  English word (median of 7, after one warm-up), with the hit counts in the notes;
* **refresh +100**: ``refresh()`` after 100 new files appear (scan, parse 100, write), and
  **idle refresh**, the same when nothing changed: what the reader's periodic poll costs;
* **RSS**: the peak resident memory of the warm process that refreshed.

Warm starts are timed from launching ``python`` to the list in hand (the child reports the
moment; freeing 100,000 posts at exit is not a start's cost). The machine's load average is
printed: on a shared machine wall times stretch, CPU times much less.

The exit status is 1 only when a step crashed; missed targets are shown, not failed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

import frontmatter
from generate_archive import generate_archive
from rich.console import Console
from rich.table import Table

from newsreader.archive import LoadOptions, SearchTerms
from newsreader.archive.index import ArchiveIndex

DEFAULT_SIZES = (1_000, 10_000, 100_000)
ZONE = "Asia/Shanghai"
"""The generated archive's own zone, so figures never depend on the machine's."""
QUERIES = {"2-char 中文": "合作", "4-char 中文": "市场信心", "English": "market"}
NEW_FILES = 100
_T = TypeVar("_T")
TARGETS = {"warm": 1.0, "search_ms": 150.0, "refresh": 1.0, "rss": 400.0, "ratio": 3.0}

# The child processes. Each is a script with a main guard: the cold build's worker processes
# are spawned, and spawning re-imports the main module.
_COLD = """
import resource, sys, time
from pathlib import Path
from zoneinfo import ZoneInfo
from newsreader.archive.index import ArchiveIndex
from newsreader.archive.loader import LoadOptions

if __name__ == "__main__":
    root, cache, workers = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]) or None
    began = time.perf_counter()
    cpu = time.process_time()
    with ArchiveIndex.open(root, LoadOptions(tz=ZoneInfo(sys.argv[4])), cache) as index:
        result = index.refresh(workers=workers)
    elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(elapsed, result.parsed, cpu, children.ru_utime + children.ru_stime)
"""
_READER = """
import time
launched = float(__import__("sys").argv[5])
import asyncio, os, resource, sys
from pathlib import Path
from zoneinfo import ZoneInfo
from textual import events
from newsreader.app import create_app
from newsreader.archive.loader import LoadOptions

async def start(root, expected):
    app = create_app(root, LoadOptions(tz=ZoneInfo(sys.argv[4])))
    async with app.run_test(size=(200, 50)) as pilot:
        screen = app.screen
        while not screen.article_list.posts:
            await asyncio.sleep(0.002)
        # A key as the terminal would send it; Pilot.press would also wait for the app to
        # be idle, which it is only once everything is loaded.
        app.post_message(events.Key("j", "j"))
        while screen.article_list.cursor != 1:
            await asyncio.sleep(0.002)
        usable = time.time() - launched
        while screen.model.loading or len(screen.article_list.posts) < expected:
            await pilot.pause(0.01)
        listed = time.time() - launched
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        print(usable, listed, rss, len(screen.article_list.posts), flush=True)
    os._exit(0)

if __name__ == "__main__":
    asyncio.run(start(Path(sys.argv[1]), int(sys.argv[3])))
"""
_WARM = """
import time
launched = float(__import__("sys").argv[5])
import os, resource, sys
from pathlib import Path
from zoneinfo import ZoneInfo
from newsreader.archive.index import ArchiveIndex
from newsreader.archive.loader import LoadOptions

if __name__ == "__main__":
    root, cache, mode = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    index = ArchiveIndex.open(root, LoadOptions(tz=ZoneInfo(sys.argv[4])), cache)
    if mode == "refresh":
        index.refresh()
    posts = index.posts()
    if mode == "archive":
        from newsreader.archive import Archive, Filter
        archive = Archive(index.root, posts)
        shown = archive.filter(Filter())
        archive.categories()
        assert len(shown) == len(posts)
    ready = time.time() - launched
    cpu = sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(ready, cpu, rss, len(posts), flush=True)
    # The list is ready: what follows (freeing 100,000 posts at exit) is not a start's cost.
    os._exit(0)
"""


@dataclass
class Row:
    """One size's figures."""

    posts: int
    floor: float = 0.0
    floor_disk: float | None = None
    """None where the page cache cannot be dropped (no ``posix_fadvise``)."""
    cold_disk: float | None = None
    floor_mb: float = 0.0
    frontmatter: float = 0.0
    frontmatter_failed: int = 0
    cold: float = 0.0
    cold_cpu: float = 0.0
    """CPU seconds of the building process (it writes the entries)."""
    cold_workers_cpu: float = 0.0
    """CPU seconds of its processes: the parsers and the full-text shards' writers."""
    index_mb: float = 0.0
    warm: float = 0.0
    warm_cpu: float = 0.0
    warm_archive: float = 0.0
    warm_refresh: float = 0.0
    reader_usable: float = 0.0
    reader_listed: float = 0.0
    reader_rss_mb: int = 0
    search_ms: dict[str, float] = field(default_factory=dict)
    hits: dict[str, int] = field(default_factory=dict)
    refresh_new: float = 0.0
    refresh_idle: float = 0.0
    rss_mb: int = 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; 1 when a step crashed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", default=",".join(map(str, DEFAULT_SIZES)))
    parser.add_argument("--keep", type=Path, help="generate archives here and reuse them")
    parser.add_argument("--workers", type=int, default=0, help="parsing processes (default: auto)")
    args = parser.parse_args(argv)
    sizes = [int(size.replace("_", "")) for size in args.posts.split(",") if size]
    console = Console(stderr=True)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="newsreader-index-bench-") as scratch:
        base = args.keep or Path(scratch)
        for size in sizes:
            console.log(f"{size:,} posts…")
            try:
                rows.append(_measure(size, base, Path(scratch), args.workers, console))
            except (subprocess.CalledProcessError, OSError) as error:
                console.print(f"[red]{size:,} posts: {error}[/]")
                return 1
    Console(width=200).print(_table(rows))
    load = os.getloadavg()
    hits = "; ".join(
        f"{row.posts:,}: " + ", ".join(f"{QUERIES[k]} {v:,}" for k, v in row.hits.items())
        for row in rows
    )
    print(f"{os.cpu_count()} CPUs, load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    print(f"search hits: {hits}")
    return 0


def _measure(size: int, base: Path, scratch: Path, workers: int, console: Console) -> Row:
    root = base / f"index-bench-{size}"
    if not (root / "_posts").is_dir() or not any((root / "_posts").iterdir()):
        generate_archive(root, posts=size)
    root = root.resolve()
    # The index folder as the reader finds it under $NEWSREADER_CACHE_DIR.
    cache = scratch / f"cache-{size}" / "index"
    shutil.rmtree(cache.parent, ignore_errors=True)
    row = Row(size)

    # Both floors include listing the files, as a build must.
    paths = _list_files(root)
    if _drop_from_page_cache(paths):
        row.floor_disk, _ = _timed(lambda: _read_all(root))
    _read_all(root)
    row.floor, floor_bytes = _timed(lambda: _read_all(root))
    row.floor_mb = floor_bytes / 1e6
    row.frontmatter, row.frontmatter_failed = _timed(lambda: _frontmatter_all(paths))
    console.log(f"  floor {row.floor_disk}/{row.floor:.2f} s, frontmatter {row.frontmatter:.2f} s")

    if row.floor_disk is not None and _drop_from_page_cache(paths):
        out = _child(_COLD, root, cache, str(workers))
        row.cold_disk = float(out.split()[0])
        console.log(f"  cold build from disk {row.cold_disk:.2f} s")
        shutil.rmtree(cache.parent, ignore_errors=True)
    _read_all(root)
    out = _child(_COLD, root, cache, str(workers))
    elapsed, _, parent_cpu, children_cpu = out.split()
    row.cold, row.cold_cpu, row.cold_workers_cpu = (
        float(elapsed),
        float(parent_cpu),
        float(children_cpu),
    )
    row.index_mb = sum(path.stat().st_size for path in cache.iterdir()) / 1e6
    console.log(f"  cold build {row.cold:.2f} s")

    row.warm, row.warm_cpu, _ = _warm(root, cache, "posts")
    row.warm_archive, _, _ = _warm(root, cache, "archive")
    row.warm_refresh, _, row.rss_mb = _warm(root, cache, "refresh")
    row.reader_usable, row.reader_listed, row.reader_rss_mb = _reader(root, cache, size)
    console.log(f"  reader usable {row.reader_usable:.2f} s, all listed {row.reader_listed:.2f} s")
    console.log(f"  warm {row.warm:.2f} s")

    with ArchiveIndex.open(root, LoadOptions(tz=ZoneInfo(ZONE)), cache) as index:
        index.posts()
        for label, query in QUERIES.items():
            terms = SearchTerms.parse(query)
            row.hits[label] = len(index.search(terms))
            row.search_ms[label] = 1000 * _median_seconds(partial(index.search, terms), runs=7)
        row.refresh_idle = _median_seconds(index.refresh)
        added = _add_files(root, NEW_FILES)
        try:
            began = time.perf_counter()
            result = index.refresh()
            row.refresh_new = time.perf_counter() - began
            assert len(result.added) == NEW_FILES, result
        finally:
            for path in added:
                path.unlink()
            index.refresh()
    return row


def _drop_from_page_cache(paths: list[Path]) -> bool:
    """Make the next read of these files come from the disk; False where that cannot be."""
    advise = getattr(os, "posix_fadvise", None)
    if advise is None:
        return False
    for path in paths:
        descriptor = os.open(path, os.O_RDONLY)
        try:
            os.fsync(descriptor)  # only clean pages are dropped
            advise(descriptor, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(descriptor)
    return True


def _read_all(root: Path) -> int:
    return sum(len(path.read_bytes()) for path in _list_files(root))


def _list_files(root: Path) -> list[Path]:
    found: list[Path] = []
    for folder, folders, names in os.walk(root):
        folders[:] = [name for name in folders if not name.startswith(".")]
        found.extend(Path(folder, name) for name in names if name.endswith(".md"))
    return found


def _frontmatter_all(paths: list[Path]) -> int:
    failed = 0
    for path in paths:
        try:
            frontmatter.loads(path.read_bytes().decode("utf-8", "replace"))
        except Exception:  # counted: python-frontmatter raises on the archive's oddities
            failed += 1
    return failed


def _add_files(root: Path, count: int) -> list[Path]:
    """``count`` new posts, dated the day after the archive's newest."""
    added: list[Path] = []
    for number in range(count):
        path = root / "_posts" / f"2030-01-01-bench-new-{number:03d}.md"
        front = (
            f'title: "新文章 {number} new post"\ndate: 2030-01-01 08:{number % 60:02d}:00 +0800\n'
            "categories: benchnew\ntags: 基准\n"
        )
        path.write_text(
            f"---\n{front}---\n<p>市场信心 market 合作 {number}</p>\n", encoding="utf-8"
        )
        added.append(path)
    return added


def _child(script: str, root: Path, cache: Path, argument: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", script, str(root), str(cache), argument, ZONE, repr(time.time())],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def _reader(root: Path, cache: Path, size: int, runs: int = 3) -> tuple[float, float, int]:
    """Median seconds from launching ``python`` to a usable list in the real reader and to
    every post listed, and the peak RSS in MB (after one unmeasured run)."""
    environment = {
        **os.environ,
        "NEWSREADER_CACHE_DIR": str(cache.parent),
        "NEWSREADER_DATA_DIR": str(cache.parent / "data"),
        "NEWSREADER_CONFIG": str(cache.parent / "config.toml"),
    }
    figures = []
    for run in range(runs + 1):
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                _READER,
                str(root),
                str(cache),
                str(size),
                ZONE,
                repr(time.time()),
            ],
            capture_output=True,
            text=True,
            check=True,
            env=environment,
        )
        if run:
            figures.append(result.stdout.split())
    return (
        statistics.median(float(figure[0]) for figure in figures),
        statistics.median(float(figure[1]) for figure in figures),
        max(int(figure[2]) for figure in figures),
    )


def _warm(root: Path, cache: Path, mode: str, runs: int = 3) -> tuple[float, float, int]:
    """Median seconds from launching ``python`` to the list in hand, its CPU seconds and
    the peak RSS in MB, after one unmeasured run (which warms the page cache)."""
    _child(_WARM, root, cache, mode)
    figures = [_child(_WARM, root, cache, mode).split() for _ in range(runs)]
    return (
        statistics.median(float(figure[0]) for figure in figures),
        statistics.median(float(figure[1]) for figure in figures),
        max(int(figure[2]) for figure in figures),
    )


def _timed(work: Callable[[], _T]) -> tuple[float, _T]:
    began = time.perf_counter()
    value = work()
    return time.perf_counter() - began, value


def _median_seconds(work: Callable[[], object], runs: int = 3) -> float:
    work()  # warm-up: the first run pays for cold caches
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        work()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def _table(rows: list[Row]) -> Table:
    """One table: a line per figure, a column per size, and the target."""
    table = Table(title="newsreader index benchmark", title_justify="left")
    table.add_column("figure")
    for row in rows:
        table.add_column(f"{row.posts:,} posts", justify="right")
    table.add_column("target")
    lines: list[tuple[str, Callable[[Row], str], str]] = [
        ("bytes-read floor s: from disk / page cache", _floor_cell, ""),
        ("python-frontmatter, every file s (page cache)", _frontmatter_cell, "for scale"),
        ("cold build, files on disk s (× floor from disk)", _cold_disk_cell, "≤ 3× floor"),
        (
            "cold build, files in page cache s (× floor; CPU s: builder + its processes)",
            _cold_cell,
            "for scale",
        ),
        (
            "warm start → posts() s (CPU s)",
            lambda r: _mark(f"{r.warm:.2f} ({r.warm_cpu:.2f})", r.warm, 1.0),
            "< 1.0",
        ),
        (
            "warm start → posts() → Archive s",
            lambda r: _mark(f"{r.warm_archive:.2f}", r.warm_archive, 1.0),
            "< 1.0",
        ),
        (
            "reader start → usable list (first rows, j works) s",
            lambda r: _mark(f"{r.reader_usable:.2f}", r.reader_usable, 1.0),
            "< 1.0",
        ),
        (
            "reader start → every post listed, refresh done s",
            lambda r: f"{r.reader_listed:.2f}",
            "",
        ),
        (
            "peak RSS of the reader MB",
            lambda r: _mark(str(r.reader_rss_mb), r.reader_rss_mb, 400),
            "< 400",
        ),
        (
            "warm start → refresh() → posts() s",
            lambda r: _mark(f"{r.warm_refresh:.2f}", r.warm_refresh, 1.0),
            "< 1.0",
        ),
        *(
            (f"search {label} “{query}” ms", partial(_search_cell, label), "< 150")
            for label, query in QUERIES.items()
        ),
        (
            f"refresh after {NEW_FILES} new files s",
            lambda r: _mark(f"{r.refresh_new:.2f}", r.refresh_new, 1.0),
            "< 1.0",
        ),
        ("refresh, nothing changed s", lambda r: f"{r.refresh_idle:.2f}", "cheap"),
        (
            "peak RSS of warm start + refresh MB",
            lambda r: _mark(str(r.rss_mb), r.rss_mb, 400),
            "< 400",
        ),
        ("index on disk MB", lambda r: f"{r.index_mb:.0f}", ""),
    ]
    for label, cell, target in lines:
        table.add_row(label, *(cell(row) for row in rows), target)
    return table


def _floor_cell(row: Row) -> str:
    disk = "n/a" if row.floor_disk is None else f"{row.floor_disk:.2f}"
    return f"{disk} / {row.floor:.2f} ({row.floor_mb:.0f} MB)"


def _cold_disk_cell(row: Row) -> str:
    if row.cold_disk is None or row.floor_disk is None:
        return "n/a"
    ratio = row.cold_disk / row.floor_disk
    return _mark(f"{row.cold_disk:.1f} ({ratio:.1f}×)", ratio, TARGETS["ratio"])


def _frontmatter_cell(row: Row) -> str:
    failed = f" ({row.frontmatter_failed} raised)" if row.frontmatter_failed else ""
    return f"{row.frontmatter:.2f}{failed}"


def _cold_cell(row: Row) -> str:
    ratio = row.cold / row.floor
    cpu = f"{row.cold_cpu:.1f} + {row.cold_workers_cpu:.1f}"
    # Not held to the 3× target: see benchmarks/README.md ("Which floor").
    return f"{row.cold:.1f} ({ratio:.1f}×; {cpu})"


def _search_cell(label: str, row: Row) -> str:
    value = row.search_ms[label]
    return _mark(f"{value:.2f}" if value < 10 else f"{value:.0f}", value, TARGETS["search_ms"])


def _mark(text: str, value: float, target: float) -> str:
    return text if value <= target else f"[red]{text}[/]"


if __name__ == "__main__":
    raise SystemExit(main())
