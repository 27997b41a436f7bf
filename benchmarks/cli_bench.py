"""Benchmark the command line's warm answers at several sizes and print one table.

Usage::

    python benchmarks/cli_bench.py [--posts 10000,100000] [--keep DIR] [--runs 5]
    python benchmarks/cli_bench.py --archive PATH      # an archive already there
    python benchmarks/cli_bench.py --archive PATH --cache-home DIR   # and its index, as built

With ``--cache-home`` the index already built under ``DIR`` (an ``XDG_CACHE_HOME``) is read
as it is: no ``newsreader index`` runs, so a large index built once is never written again,
and the posts column names the archive instead of counting its posts (counting means listing
them all). Read marks and settings still live in the scratch folder.

For each size an archive is generated with ``generate_archive.py`` (in a temporary folder, or
under ``--keep DIR``, where it is reused next time), its index is built by ``newsreader index``
in a scratch cache, and then each command runs as a user runs it: a fresh ``python -m
newsreader`` process (interpreter start and imports included), its output into a pipe, the
index warm (one run first, unmeasured, so the operating system's caches are warm too). A cell
is the median wall time of ``--runs`` runs, with ✓ at or under the target (0.3 s), then the
fastest run:

* ``list --limit 20``: the twenty newest posts;
* ``list --search ... --limit 20`` for a 2-character and a 4-character Chinese term and an
  English word (printing tens of thousands of matches is the printing's cost, not the
  search's);
* ``show ID``: the newest post, rendered for a pipe;
* ``categories``: every category with its count and label.

The settings, read marks and index live in a scratch folder (``XDG_*`` point there), so the
user's own are never touched. The machine's load average is printed: on a shared machine
wall times stretch.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from generate_archive import generate_archive
from rich.console import Console
from rich.table import Table

DEFAULT_SIZES = (10_000, 100_000)
ZONE = "Asia/Shanghai"
"""The generated archive's own zone, so figures never depend on the machine's."""
TARGET = 0.3
QUERIES = {"2-char 中文": "合作", "4-char 中文": "市场信心", "English": "market"}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; 1 when a command failed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", default=",".join(map(str, DEFAULT_SIZES)))
    parser.add_argument("--keep", type=Path, help="generate archives here and reuse them")
    parser.add_argument("--archive", type=Path, action="append", help="measure this archive")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--cache-home", type=Path, help="read the index built under this XDG_CACHE_HOME"
    )
    args = parser.parse_args(argv)
    console = Console(stderr=True)
    rows: list[tuple[str, dict[str, tuple[float, float]]]] = []
    with tempfile.TemporaryDirectory(prefix="newsreader-cli-bench-") as scratch:
        archives = args.archive or [
            _archive(int(size.replace("_", "")), args.keep or Path(scratch), console)
            for size in args.posts.split(",")
            if size
        ]
        for root in archives:
            console.log(f"{root}…")
            try:
                rows.append(_measure(root, Path(scratch) / root.name, args.runs, args.cache_home))
            except subprocess.CalledProcessError as error:
                console.print(f"[red]{root}: {error}\n{error.stderr}[/]")
                return 1
    Console(width=200).print(_table(rows))
    load = os.getloadavg()
    print(f"{os.cpu_count()} CPUs, load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    return 0


def _archive(size: int, base: Path, console: Console) -> Path:
    root = base / f"posts-{size}"
    if not root.exists():
        console.log(f"generating {size:,} posts…")
        generate_archive(root, posts=size)
    return root


def _measure(
    root: Path, scratch: Path, runs: int, cache_home: Path | None = None
) -> tuple[str, dict[str, tuple[float, float]]]:
    env = dict(os.environ, NEWSREADER_TZ=ZONE)
    # As installed: compiled once, not at every start (some shells forbid writing .pyc).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([sys.executable, "-m", "compileall", "-q", _package()], check=True)
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        env[name] = str(scratch / name.lower())
    for name in ("NEWSREADER_CONFIG", "NEWSREADER_DATA_DIR", "NEWSREADER_CACHE_DIR"):
        env.pop(name, None)
    if cache_home is None:
        _run(["index", str(root)], env)
    else:
        env["XDG_CACHE_HOME"] = str(cache_home)
    newest = json.loads(_run(["list", str(root), "--limit", "1", "--json"], env))
    commands = {
        "list --limit 20": ["list", str(root), "--limit", "20"],
        **{
            f"search {label}": ["list", str(root), "--search", q, "--limit", "20"]
            for label, q in QUERIES.items()
        },
        "show ID": ["show", str(root), newest["id"]],
        "categories": ["categories", str(root)],
    }
    cells: dict[str, tuple[float, float]] = {}
    for label, arguments in commands.items():
        _run(arguments, env)  # the caches warm
        times = []
        for _ in range(runs):
            began = time.perf_counter()
            _run(arguments, env)
            times.append(time.perf_counter() - began)
        cells[label] = (statistics.median(times), min(times))
    if cache_home is not None:
        return root.name, cells
    posts = _run(["list", str(root), "--json"], env).count("\n")
    return f"{posts:,}", cells


def _package() -> str:
    import newsreader

    return str(Path(newsreader.__file__).parent)


def _run(arguments: list[str], env: dict[str, str]) -> str:
    return subprocess.run(
        [sys.executable, "-m", "newsreader", *arguments],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout


def _table(rows: list[tuple[str, dict[str, tuple[float, float]]]]) -> Table:
    table = Table(title=f"warm command-line wall time, s (median; fastest) — target {TARGET} s")
    table.add_column("posts", justify="right")
    for label in rows[0][1] if rows else ():
        table.add_column(label, justify="right")
    for posts, cells in rows:
        table.add_row(
            posts,
            *(
                f"{median:.2f}{' ✓' if median <= TARGET else ''}; {fastest:.2f}"
                for median, fastest in cells.values()
            ),
        )
    return table


if __name__ == "__main__":
    raise SystemExit(main())
