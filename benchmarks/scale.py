"""One table of what a user of a big archive feels, at several sizes (issue 15's figures).

Usage::

    python benchmarks/scale.py                                # 1,000, 10,000 and 100,000 posts
    python benchmarks/scale.py --posts 1000000 --keep /tmp/bench   # the 1M column (~1 hour)

For each size, on an archive from ``generate_archive.py`` (reused from ``--keep DIR/posts-N``
when there), in a scratch home of its own (``XDG_*_HOME``: nothing of the user's is read or
written), one after the other so no two figures share the cores:

1. **floor**: every file listed and read, each dropped from the page cache first
   (``posix_fadvise``), so the bytes come from the disk;
2. **cold build**: ``newsreader index`` on an empty cache with the files dropped again, wall
   and CPU (all its processes), then the index's size on disk;
3. **warm start**: the real reader (headless, 200x50) in a new process on the built index,
   from launch to its first rows and to every post listed, and its peak RSS (median of 2 after
   a warm-up run: the same child as ``index_bench.py``);
4. **keys**: in one reader process, once the start's first look at every file is over (its
   time is in the table: keys pressed during it share the CPU with it), the CPU
   milliseconds (mean / p95) of ``j``, a category, a
   date filter, opening an article (as ``run.py`` measures them), and the wall milliseconds of
   a search from the query given to the list showing its matches (2- and 4-character Chinese,
   an English word), the index queried in the search's thread;
5. **command line**: warm ``newsreader list --limit 20``, ``list --search``, ``show ID`` as
   new processes, interpreter included (as ``cli_bench.py`` measures them).

Progress goes to stderr, the table to stdout. Each key is judged against issue 15's targets:
50 ms for keys, 300 ms for a search, 0.3 s for a command, 1 s to every post listed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import cli_bench
import index_bench
import run
from rich.console import Console
from rich.table import Table

from newsreader.app import create_app
from newsreader.archive import LoadOptions

QUERIES = cli_bench.QUERIES
"""The same queries as the command line's benchmark, in the reader and on the command line."""
KEY_REPEATS = run.Repeats(cursor=100, filters=12, opens=12, floor=0)
SEARCH_TIMEOUT = 60.0
FIRST_LOOK_TIMEOUT = 120.0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=run.sizes_argument, default=list(run.DEFAULT_SIZES))
    parser.add_argument("--keep", type=Path, help="keep the archives here, reusing them")
    parser.add_argument("--json", type=Path, help="also write every figure here, as JSON")
    parser.add_argument(
        "--home",
        type=Path,
        help="one size only: the scratch home to use and keep; when its index is already "
        "built (a long first build, done and timed apart), the floor and the build are skipped",
    )
    parser.add_argument(
        "--table", type=Path, nargs="+", help="print the table of earlier --json files"
    )
    parser.add_argument("--keys", type=Path, help=argparse.SUPPRESS)  # the keys' child
    args = parser.parse_args(argv)
    if args.keys is not None:
        print(json.dumps(asyncio.run(measure_keys(args.keys))))
        return 0
    if args.table:
        saved = [column for path in args.table for column in json.loads(path.read_text())]
        print_table([(int(size), figures) for size, figures in saved])
        return 0
    if args.home is not None and len(args.posts) != 1:
        parser.error("--home takes one size")
    columns = []
    for size in args.posts:
        with (
            tempfile.TemporaryDirectory(prefix=f"newsreader-scale-{size}-") as scratch,
            run.prepared_archive(size, args.keep) as root,
        ):
            home = Path(scratch) if args.home is None else args.home
            columns.append((size, measure_size(root, home, size)))
        if args.json is not None:  # after each size: a long run keeps what it measured
            args.json.write_text(json.dumps(columns, ensure_ascii=False, indent=1))
    print_table(columns)
    return 0


def print_table(columns: list[tuple[int, dict[str, Any]]]) -> None:
    # Wide enough for a column per size on one line each, in a file as on a terminal.
    Console(width=max(100, 60 + 18 * len(columns))).print(table(columns))


def scratch_env(scratch: Path) -> dict[str, str]:
    """The environment of every child: a home of its own (the names ``cli_bench`` uses)."""
    env = dict(os.environ, NEWSREADER_TZ=str(run.ZONE))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        env[name] = str(scratch / name.lower())
    for name in ("NEWSREADER_CONFIG", "NEWSREADER_DATA_DIR", "NEWSREADER_CACHE_DIR"):
        env.pop(name, None)
    return env


def measure_size(root: Path, scratch: Path, size: int) -> dict[str, Any]:
    env = scratch_env(scratch)
    figures: dict[str, Any] = {"load_average": [os.getloadavg()[0]]}
    cache = scratch / "xdg_cache_home"
    if cache.is_dir() and any(cache.rglob("*.sqlite3")):
        run.log(size, "the index is built: floor and cold build skipped")
    else:
        measure_build(root, env, size, figures)
    figures["index_mb"] = sum(p.stat().st_size for p in cache.rglob("*") if p.is_file()) / 1e6
    measure_use(root, scratch, env, size, figures)
    figures["load_average"].append(os.getloadavg()[0])
    return figures


def measure_build(root: Path, env: dict[str, str], size: int, figures: dict[str, Any]) -> None:
    """The bytes-read floor from disk, then a cold ``newsreader index`` with the files
    dropped from the page cache again."""
    run.log(size, "the bytes-read floor, from disk")
    files = index_bench._list_files(root)
    dropped = index_bench._drop_from_page_cache(files)
    began = time.perf_counter()
    figures["bytes"] = index_bench._read_all(root)
    figures["floor_s"] = time.perf_counter() - began
    figures["floor_from"] = "disk" if dropped else "page cache"

    run.log(size, "cold build: newsreader index")
    index_bench._drop_from_page_cache(files)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "newsreader", "index", str(root)],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    figures["build_s"] = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    figures["build_cpu_s"] = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def measure_use(
    root: Path, scratch: Path, env: dict[str, str], size: int, figures: dict[str, Any]
) -> None:
    """Warm starts, keys and commands on the built index."""
    run.log(size, "warm starts of the reader")
    starts = [reader_start(root, env, size) for _ in range(3)][1:]
    figures["first_rows_s"] = statistics.median(start[0] for start in starts)
    figures["listed_s"] = statistics.median(start[1] for start in starts)
    figures["rss_mb"] = max(start[2] for start in starts)

    run.log(size, "keys in the reader")
    keys = subprocess.run(
        [sys.executable, __file__, "--keys", str(root)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    figures["keys"] = json.loads(keys.stdout.strip().splitlines()[-1])

    run.log(size, "the command line")
    _, figures["cli"] = cli_bench._measure(root, scratch, runs=3)


def reader_start(root: Path, env: dict[str, str], size: int) -> tuple[float, float, int]:
    """Seconds to first rows and to every post listed, and peak RSS MB, of one new reader."""
    launched = repr(time.time())
    arguments = [str(root), "-", str(size), str(run.ZONE), launched]
    result = subprocess.run(
        [sys.executable, "-c", index_bench._READER, *arguments],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    usable, listed, rss, _ = result.stdout.split()[:4]
    return float(usable), float(listed), int(rss)


async def measure_keys(root: Path) -> dict[str, Any]:
    """The reader's key latencies on a built index (run in a child with the scratch home)."""
    figures: dict[str, Any] = {}
    app = create_app(root, LoadOptions(tz=run.ZONE))
    async with app.run_test(size=run.SCREEN_SIZE) as pilot:
        screen = run.reader_screen(app)
        while screen.model.loading:
            await asyncio.sleep(0.02)
        # Keys are timed once the start's first look at every file is over: it takes the
        # CPU for seconds at a million posts, and process CPU would count it in each key.
        looked = time.perf_counter()
        await asyncio.to_thread(screen.feed.first_look_done.wait, FIRST_LOOK_TIMEOUT)
        figures["first_look_s"] = time.perf_counter() - looked
        await run.settle(pilot)
        await run.measure_cursor(pilot, KEY_REPEATS.cursor, figures)
        await run.measure_filters(pilot, KEY_REPEATS.filters, figures)
        await run.measure_open(pilot, KEY_REPEATS.opens, figures)
        screen.article_list.focus()
        for label, query in QUERIES.items():
            times = []
            for _ in range(3):
                screen.search_bar.value = ""
                screen.action_clear_filters(quiet=True)
                await run.settle(pilot)
                began = time.perf_counter()
                screen.search_bar.value = query
                screen.search_bar.search_again()
                deadline = began + SEARCH_TIMEOUT
                while not (
                    screen.model.filter.text == query
                    and screen.model.text_matches is not None
                    and screen.article_list.posts is screen.model.visible
                ):
                    if time.perf_counter() > deadline:
                        raise TimeoutError(f"search {query!r} never answered")
                    await asyncio.sleep(0.002)
                times.append((time.perf_counter() - began) * 1000)
            figures[f"search {label}"] = {
                "wall_median": statistics.median(times),
                "hits": len(screen.model.visible),
            }
    return figures


def table(columns: list[tuple[int, dict[str, Any]]]) -> Table:
    result = Table(title=f"newsreader at scale — {run.machine()}", title_justify="left")
    result.add_column("figure")
    for size, _ in columns:
        result.add_column(f"{size:,} posts", justify="right")
    result.add_column("target")

    def key(name: str, field: str = "cpu") -> Any:
        def cell(figures: dict[str, Any]) -> str:
            summary = figures["keys"][name]
            return f"{summary[f'{field}_mean']:.0f} / {summary[f'{field}_p95']:.0f}"

        return cell

    def cli(name: str) -> Any:
        return lambda figures: f"{figures['cli'][name][0]:.2f}"

    lines: list[tuple[str, Any, str]] = [
        ("archive MB", lambda f: f"{f['bytes'] / 1e6:,.0f}" if "bytes" in f else "", ""),
        (
            "bytes-read floor s",
            lambda f: f"{f['floor_s']:.1f} ({f['floor_from']})" if "floor_s" in f else "apart",
            "",
        ),
        (
            "cold build s (× floor; CPU s)",
            lambda f: (
                f"{f['build_s']:.1f} ({f['build_s'] / f['floor_s']:.1f}×; {f['build_cpu_s']:.0f})"
                if "build_s" in f
                else "apart"
            ),
            "≤ 3× floor",
        ),
        ("index MB", lambda f: f"{f['index_mb']:,.0f}", ""),
        ("warm start → first rows s", lambda f: f"{f['first_rows_s']:.2f}", "≤ 0.5 (1M: 1)"),
        ("warm start → every post listed s", lambda f: f"{f['listed_s']:.2f}", "≤ 1.0"),
        ("reader peak RSS MB", lambda f: f"{f['rss_mb']:,}", "≤ 200 (1M: 500)"),
        (
            "first look at every file after start s",
            lambda f: f"{f['keys']['first_look_s']:.1f}" if "first_look_s" in f["keys"] else "",
            "",
        ),
        ("j, CPU ms mean / p95", key("cursor"), "≤ 50"),
        ("category, CPU ms", key("category"), "≤ 50"),
        ("date filter, CPU ms", key("date"), "≤ 50"),
        ("open an article, CPU ms", key("open"), "≤ 50"),
        *(
            (
                f"search {label} “{query}”, wall ms [hits]",
                lambda f, label=label: (
                    f"{f['keys'][f'search {label}']['wall_median']:.0f} "
                    f"[{f['keys'][f'search {label}']['hits']:,}]"
                ),
                "≤ 300",
            )
            for label, query in QUERIES.items()
        ),
        ("CLI list --limit 20 s", cli("list --limit 20"), "≤ 0.3"),
        *((f"CLI search {label} s", cli(f"search {label}"), "≤ 0.3") for label in QUERIES),
        ("CLI show ID s", cli("show ID"), "≤ 0.3"),
        (
            "load average, start → end",
            lambda f: " → ".join(f"{value:.1f}" for value in f["load_average"]),
            "",
        ),
    ]
    for label, cell, target in lines:
        result.add_row(label, *(cell(figures) for _, figures in columns), target)
    return result


if __name__ == "__main__":
    sys.exit(main())
