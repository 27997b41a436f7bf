"""Benchmark the reader headless at several archive sizes and print one table.

Usage::

    python benchmarks/run.py [--posts 1000,10000,100000] [--quick] [--keep DIR]

For each size the parent generates an archive with ``generate_archive.py`` (in a temporary
folder, or under ``--keep DIR`` where it is reused next time), then runs
``run.py --one N --json --archive PATH`` in a child process, so each size's peak memory is its
own, and prints the children's figures as one table. See ``benchmarks/README.md`` for what
each column means. The exit status is 1 when a child crashed, never because a target was missed.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import math
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from generate_archive import generate_archive
from rich.console import Console
from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.content import Content
from textual.geometry import Size
from textual.pilot import Pilot
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from newsreader.app import create_app
from newsreader.archive import (
    Filter,
    LoadOptions,
    Post,
    SortOrder,
    load_archive,
    load_post,
    parse_date_spec,
)
from newsreader.archive.query import search_text
from newsreader.locations import CACHE_ENV, CONFIG_ENV, DATA_ENV
from newsreader.screens.reader import ReaderScreen
from newsreader.widgets.article_list import format_date
from newsreader.widgets.reading_pane import ArticleView

DEFAULT_SIZES = (1_000, 10_000, 100_000)
QUICK_SIZES = (2_000,)
SCREEN_SIZE = (200, 50)
ZONE = ZoneInfo("Asia/Shanghai")
"""The generated archive's own zone, so figures never depend on the machine's."""
LOAD_TIMEOUT = 600.0
CHILD_TIMEOUT = 3600.0
SIDEBAR_WAIT = 0.15
"""Seconds to let deferred work start: the reader refreshes its sidebar 0.08 s after a change."""
IDLE_WINDOW = 0.05
IDLE_CPU = 0.005
"""The app is idle when it spends less than this CPU time (s) over an IDLE_WINDOW sleep."""
SETTLE_TIMEOUT = 10.0

TARGET_FRAME_MS = 16.0
TARGET_FILTER_MS = 50.0
TARGET_OPEN_MS = 50.0
TARGET_RSS_MB = 400.0

DATE_SPECS = (
    "2022-03",
    "2023",
    "2022-07-15",
    "2023-01..2023-06",
    "2024-02",
    "2022",
    "2023-10-01..2023-10-07",
    "2021-12",
)
"""Date filters inside the generator's default span (2021-12-01, 900 days)."""


@dataclass(frozen=True, slots=True)
class Repeats:
    """How many times each interaction is measured."""

    cursor: int
    filters: int
    opens: int
    floor: int

    @classmethod
    def for_run(cls, quick: bool) -> Repeats:
        """A small smoke run with ``quick``, else enough samples for a p95."""
        return cls(40, 8, 6, 5) if quick else cls(200, 24, 24, 20)


@dataclass(slots=True)
class Samples:
    """Milliseconds per repetition: wall clock, CPU time of the process, synchronous part."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    sync: list[float] = field(default_factory=list)
    after: list[float] = field(default_factory=list)
    """CPU of the deferred work that followed, until the app was idle (the sidebar refresh)."""

    def summary(self) -> dict[str, float]:
        """Mean, p95 and maximum of every series that was recorded."""
        result: dict[str, float] = {}
        for name in ("wall", "cpu", "sync", "after"):
            values: list[float] = getattr(self, name)
            if values:
                result[f"{name}_mean"] = statistics.fmean(values)
                result[f"{name}_p95"] = p95(values)
                result[f"{name}_max"] = max(values)
        result["n"] = len(self.wall or self.sync)
        return result


def p95(values: Sequence[float]) -> float:
    """The 95th percentile, nearest rank."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


async def timed(samples: Samples, action: Callable[[], Awaitable[None]]) -> None:
    """Run ``action`` and record its wall-clock and process CPU time in ``samples``."""
    wall, cpu = time.perf_counter(), time.process_time()
    await action()
    samples.wall.append((time.perf_counter() - wall) * 1000)
    samples.cpu.append((time.process_time() - cpu) * 1000)


def log(size: int, message: str) -> None:
    """Progress on stderr, so stdout stays for the table or the JSON."""
    print(f"[{size:,} posts] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- the reader


def reader_screen(app: App[None]) -> ReaderScreen:
    """The app's reader screen (it is the default screen)."""
    screen = app.screen
    if not isinstance(screen, ReaderScreen):
        raise RuntimeError(f"expected the reader screen, found {screen!r}")
    return screen


async def measure_load(app: App[None], figures: dict[str, Any]) -> None:
    """Wait for the loading worker, timing the first rows and the end of the scan."""
    started, cpu = figures["started"], figures["started_cpu"]
    screen = reader_screen(app)
    first_rows: float | None = None
    while screen.model.loading:
        now = time.perf_counter()
        if first_rows is None and screen.article_list.posts:
            first_rows = now - started
        if now - started > LOAD_TIMEOUT:
            raise TimeoutError(f"still scanning after {LOAD_TIMEOUT:.0f} s")
        await asyncio.sleep(0.01)
    figures["load_s"] = time.perf_counter() - started
    figures["load_cpu_s"] = time.process_time() - cpu
    figures["first_rows_s"] = first_rows if first_rows is not None else figures["load_s"]
    figures["loaded"] = len(screen.model.archive)
    figures["categories"] = len(screen.model.archive.categories())


async def measure_floor(pilot: Pilot[None], repeats: int, figures: dict[str, Any]) -> None:
    """What ``pilot.press`` and ``pilot.pause`` cost when the app has nothing to do.

    Both wait for the process to be idle in slices of 20 ms, so a press never takes less
    than about 40 ms of wall clock and a pause about 20 ms, however fast the app is.
    """
    press, pause = Samples(), Samples()
    for _ in range(repeats):
        await timed(press, lambda: pilot.press("f19"))  # bound to nothing
        await timed(pause, pilot.pause)
    figures["floor_press"] = press.summary()
    figures["floor_pause"] = pause.summary()


async def measure_cursor(pilot: Pilot[None], repeats: int, figures: dict[str, Any]) -> None:
    """Press ``j`` on the focused article list, from the top."""
    screen = reader_screen(pilot.app)
    article_list = screen.article_list
    article_list.focus()
    article_list.cursor = 0
    await pilot.pause()
    samples = Samples()
    start = article_list.cursor
    for _ in range(repeats):
        await timed(samples, lambda: pilot.press("j"))
    moved = article_list.cursor - start
    expected = min(repeats, len(article_list.posts) - 1 - start)
    if moved != expected:
        raise RuntimeError(f"j moved the cursor {moved} rows, expected {expected}")
    figures["cursor"] = samples.summary()


def category_mix(screen: ReaderScreen, count: int) -> list[str]:
    """Slugs alternating big and small categories, ``count`` long, never twice in a row."""
    slugs = [category.slug for category in screen.model.archive.categories()]  # biggest first
    if len(slugs) < 2:
        raise RuntimeError("the archive needs at least two categories")
    picks = [0, -1, 1, len(slugs) // 2, 2, len(slugs) // 10, 3, -2, len(slugs) // 4]
    mix: list[str] = []
    for index in picks:
        slug = slugs[index % len(slugs)]
        if not mix or mix[-1] != slug:
            mix.append(slug)
    return [mix[i % len(mix)] for i in range(count)]


async def settle(pilot: Pilot[None]) -> float:
    """Let deferred work (the sidebar refresh) run until the app is idle; its CPU milliseconds."""
    cpu = time.process_time()
    await asyncio.sleep(SIDEBAR_WAIT)
    deadline = time.perf_counter() + SETTLE_TIMEOUT
    while time.perf_counter() < deadline:
        await pilot.pause()
        before = time.process_time()
        await asyncio.sleep(IDLE_WINDOW)
        if time.process_time() - before < IDLE_CPU:
            break
    return (time.process_time() - cpu) * 1000


async def measure_filters(pilot: Pilot[None], repeats: int, figures: dict[str, Any]) -> None:
    """Category then date filters: the full round trip, then the synchronous part alone."""
    screen = reader_screen(pilot.app)
    article_list = screen.article_list
    archive = screen.model.archive

    def sync_part(query: Filter, samples: Samples, order: SortOrder = SortOrder.NEWEST) -> None:
        started = time.perf_counter()
        article_list.set_posts(archive.sort(archive.filter(query), order), archive.labels)
        samples.sync.append((time.perf_counter() - started) * 1000)

    # Category: as the command palette and the sidebar do it.
    slugs = category_mix(screen, repeats)
    category = Samples()
    for slug in slugs:

        async def choose(slug: str = slug) -> None:
            screen.choose_category(slug)
            await pilot.pause()

        await timed(category, choose)
        if screen.model.filter.category != slug or not article_list.posts:
            raise RuntimeError(f"category {slug!r} did not show its posts")
        category.after.append(await settle(pilot))
    screen.choose_category("")
    await settle(pilot)
    for slug in slugs:
        sync_part(Filter(category=slug), category)
    figures["category"] = category.summary()

    # Dates: as the timeline and the date dialog do it.
    screen.set_filter(Filter())
    await settle(pilot)
    specs = [DATE_SPECS[i % len(DATE_SPECS)] for i in range(repeats)]
    dates = Samples()
    for spec in specs:

        async def choose_dates(spec: str = spec) -> None:
            screen.set_filter(screen.model.filter.with_changes(dates=parse_date_spec(spec, ZONE)))
            await pilot.pause()

        await timed(dates, choose_dates)
        dates.after.append(await settle(pilot))
    for spec in specs:
        sync_part(Filter(dates=parse_date_spec(spec, ZONE)), dates)
    figures["date"] = dates.summary()

    # Categories again, the list sorted by title (O): the filter plus the sort.
    screen.model.set_sort(SortOrder.TITLE)
    await settle(pilot)
    by_title = Samples()
    for slug in slugs:

        async def choose_sorted(slug: str = slug) -> None:
            screen.choose_category(slug)
            await pilot.pause()

        await timed(by_title, choose_sorted)
        by_title.after.append(await settle(pilot))
    for slug in slugs:
        sync_part(Filter(category=slug), by_title, SortOrder.TITLE)
    figures["category_by_title"] = by_title.summary()
    screen.model.set_sort(SortOrder.NEWEST)
    screen.set_filter(Filter())
    await settle(pilot)


async def measure_open(pilot: Pilot[None], repeats: int, figures: dict[str, Any]) -> None:
    """Press enter on articles spread over the list, each not rendered before."""
    screen = reader_screen(pilot.app)
    article_list = screen.article_list
    pane = screen.reading_pane
    archive = screen.model.archive
    count = min(len(article_list.posts), repeats * 2)
    rows = sorted(random.Random(7).sample(range(len(article_list.posts)), count))
    samples = Samples()
    for row in rows[::2]:
        pane.forget()
        article_list.cursor = row
        article_list.focus()
        await settle(pilot)
        post = article_list.posts[row]

        async def press_enter() -> None:
            await pilot.press("enter")
            await pilot.pause()

        await timed(samples, press_enter)
        # By id: the reader may hand the pane a copy of the post carrying its body.
        if pane.post is None or pane.post.id != post.id:
            raise RuntimeError(f"enter on row {row} did not open {post.id}")
        samples.after.append(await settle(pilot))

    # The synchronous part: the body read again from disk if the list keeps none, the
    # article rendered to Rich, then laid out to lines at the pane's width, as a layout would.
    view = pane.query_one("#article", ArticleView)
    width = view.size.width or pane.scrollable_content_region.width
    options = LoadOptions(tz=ZONE)
    for row in rows[1::2]:
        post = article_list.posts[row]
        pane.forget()
        started = time.perf_counter()
        if not post.body:
            loaded = load_post(post.path, archive.root, options)
            if not isinstance(loaded, Post):
                raise RuntimeError(f"{post.id} could not be read again: {loaded}")
            post = loaded
        pane.show(post, archive.labels)
        view.get_content_height(Size(width, 0), Size(width, 0), width)
        samples.sync.append((time.perf_counter() - started) * 1000)
    await pilot.pause()
    figures["open"] = samples.summary()


async def measure_reader(root: Path, repeats: Repeats, size: int) -> dict[str, Any]:
    """Drive the real app headless on the archive at ``root``."""
    figures: dict[str, Any] = {}
    app = create_app(root, LoadOptions(tz=ZONE))
    figures["started_cpu"] = time.process_time()
    figures["started"] = time.perf_counter()
    async with app.run_test(size=SCREEN_SIZE) as pilot:
        log(size, "loading in the reader")
        await measure_load(app, figures)
        await pilot.pause()
        figures["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        await settle(pilot)
        gc.collect()
        log(size, f"loaded in {figures['load_s']:.1f} s; moving, filtering, opening")
        await measure_floor(pilot, repeats.floor, figures)
        await measure_cursor(pilot, repeats.cursor, figures)
        await measure_filters(pilot, repeats.filters, figures)
        await measure_open(pilot, repeats.opens, figures)
        screen = reader_screen(app)
        labels = screen.model.archive.labels
        figures["rows"] = [
            f"{format_date(post.date, True)} {post.title} "
            f"{labels.get(post.categories[0], post.categories[0]) if post.categories else ''}"
            for post in screen.model.archive.posts
        ]
    del figures["started"], figures["started_cpu"]
    return figures


# ------------------------------------------------------------------ stock OptionList


class OptionListApp(App[None]):
    """Textual's OptionList alone, for comparison with the article list."""

    def compose(self) -> ComposeResult:
        yield OptionList()


async def measure_option_list(rows: list[str], repeats: int) -> dict[str, float]:
    """Fill an OptionList with the same rows, then move its cursor."""
    app = OptionListApp()
    figures: dict[str, float] = {}
    async with app.run_test(size=SCREEN_SIZE) as pilot:
        option_list = app.query_one(OptionList)
        option_list.focus()
        await pilot.pause()
        started = time.perf_counter()
        option_list.add_options([Option(Content(row)) for row in rows])
        figures["add_s"] = time.perf_counter() - started
        option_list.highlighted = 0
        await pilot.pause()
        figures["fill_s"] = time.perf_counter() - started
        samples = Samples()
        for _ in range(repeats):
            await timed(samples, lambda: pilot.press("down"))
        # OptionList wraps around at the end, so only a longer list has a known last row.
        if len(rows) > repeats and option_list.highlighted != repeats:
            raise RuntimeError(f"OptionList cursor at {option_list.highlighted}")
        figures.update({f"cursor_{key}": value for key, value in samples.summary().items()})
    return figures


# ------------------------------------------------------------------------- one size


def measure_data_layer(root: Path) -> dict[str, float]:
    """The same parsing without the UI: ``load_archive``, then each post's search text."""
    started, cpu = time.perf_counter(), time.process_time()
    archive = load_archive(root, LoadOptions(tz=ZONE))
    parsed, parsed_cpu = time.perf_counter(), time.process_time()
    for post in archive.posts:
        search_text(post)
    return {
        "parse_s": parsed - started,
        "search_text_s": time.perf_counter() - parsed,
        "cpu_s": time.process_time() - cpu,
        "parse_cpu_s": parsed_cpu - cpu,
    }


def run_one(size: int, root: Path | None, keep: Path | None, quick: bool, as_json: bool) -> int:
    """Measure one size in this process; print JSON (for the parent) or a table."""
    with isolated_home(), prepared_archive(size, keep, root) as archive_root:
        repeats = Repeats.for_run(quick)
        load_average = os.getloadavg()[0]
        result = asyncio.run(measure_reader(archive_root, repeats, size))
        rows: list[str] = result.pop("rows")
        result["posts"] = size
        gc.collect()
        log(size, "filling a stock OptionList with the same rows")
        result["option_list"] = asyncio.run(measure_option_list(rows, repeats.cursor))
        del rows
        gc.collect()
        log(size, "loading again with the data layer alone")
        result["data_layer"] = measure_data_layer(archive_root)
        result["load_average"] = [load_average, os.getloadavg()[0]]
    if as_json:
        print(json.dumps(result))
    else:
        print_table([(size, result)], quick)
    return 0


@contextmanager
def isolated_home() -> Iterator[None]:
    """Point the reader's settings, read marks and caches at a fresh temporary folder.

    Opening an article marks it read, and marks are durable: without this the benchmark
    would write into the user's own data folder, and a second run would find posts read.
    """
    names = (CACHE_ENV, DATA_ENV, CONFIG_ENV)
    saved = {name: os.environ.get(name) for name in names}
    with tempfile.TemporaryDirectory(prefix="newsreader-bench-home-") as folder:
        home = Path(folder)
        os.environ[CACHE_ENV] = str(home / "cache")
        os.environ[DATA_ENV] = str(home / "data")
        os.environ[CONFIG_ENV] = str(home / "config.toml")  # absent: the default settings
        try:
            yield
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


# ----------------------------------------------------------------------- archives


def categories_for(size: int) -> int:
    """About 50 posts per category, at most the generator's 2,000 (100,000 posts)."""
    return max(2, min(2000, size // 50))


def holds_archive(root: Path, size: int) -> bool:
    """Whether ``root/_posts`` holds exactly ``size`` files."""
    posts_dir = root / "_posts"
    if not posts_dir.is_dir():
        return False
    with os.scandir(posts_dir) as entries:
        return sum(1 for _ in entries) == size


@contextmanager
def prepared_archive(size: int, keep: Path | None, given: Path | None = None) -> Iterator[Path]:
    """An archive of ``size`` posts: ``given`` as is, reused or kept under ``keep``, or temporary.

    Kept archives are written to ``posts-N.partial`` and renamed when complete, so an
    existing ``posts-N`` is always whole and an interrupted one is simply written again.
    """
    if given is not None:
        if not holds_archive(given, size):
            raise SystemExit(f"{given}/_posts does not hold {size} files")
        yield given
        return
    if keep is not None:
        root = keep / f"posts-{size}"
        if holds_archive(root, size):
            log(size, f"reusing {root}")
        else:
            if root.exists():
                raise SystemExit(f"{root} exists but does not hold {size} posts; remove it")
            partial = keep / f"posts-{size}.partial"
            shutil.rmtree(partial, ignore_errors=True)
            generate(size, partial)
            partial.rename(root)
        yield root
        return
    with tempfile.TemporaryDirectory(prefix=f"newsreader-bench-{size}-") as folder:
        root = Path(folder)
        generate(size, root)
        yield root


def generate(size: int, root: Path) -> None:
    """Write a generated archive of ``size`` posts into ``root``."""
    log(size, f"generating into {root}")
    result = generate_archive(root, size, categories=categories_for(size))
    log(size, result.summary())


# ---------------------------------------------------------------------- the parent


def run_all(sizes: Sequence[int], quick: bool, keep: Path | None) -> int:
    """Generate, measure each size in a child process, print the table."""
    results: list[tuple[int, dict[str, Any] | None]] = []
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
    for size in sizes:
        with prepared_archive(size, keep) as root:
            command = [sys.executable, __file__, "--one", str(size), "--json"]
            command += ["--archive", str(root), *(["--quick"] if quick else [])]
            try:
                child = subprocess.run(
                    command, stdout=subprocess.PIPE, text=True, timeout=CHILD_TIMEOUT, check=False
                )
            except subprocess.TimeoutExpired:
                log(size, f"timed out after {CHILD_TIMEOUT:.0f} s")
                results.append((size, None))
                continue
        lines = child.stdout.strip().splitlines()
        if child.returncode != 0 or not lines:
            log(size, f"the measuring process failed (exit status {child.returncode})")
            results.append((size, None))
            continue
        results.append((size, json.loads(lines[-1])))
    print_table(results, quick)
    return 0 if all(result is not None for _, result in results) else 1


def machine() -> str:
    """One line about where the figures come from."""
    return (
        f"{os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), "
        f"{platform.machine()}, Python {platform.python_version()}, "
        f"Textual {version('textual')}, Rich {version('rich')}, {platform.system()}"
    )


def verdict(value: float, target: float) -> Text:
    """``value`` in ms with a mark telling whether it is under ``target``."""
    mark = ("  ✓", "green") if value < target else ("  ✗", "bold red")
    return Text.assemble(f"{value:.1f}", mark)


def latency_cell(figures: dict[str, float], target: float, sync_label: str = "") -> Text:
    """CPU mean / p95 (judged on p95) / max, the synchronous part, wall clock and aftermath."""
    cell = Text.assemble(f"{figures['cpu_mean']:.1f} / ", verdict(figures["cpu_p95"], target))
    cell.append(f"\nmax {figures['cpu_max']:.0f}", "dim")
    if "sync_mean" in figures:
        cell.append(f"\n{sync_label or 'sync'} {figures['sync_mean']:.1f} / ")
        cell.append(f"{figures['sync_p95']:.1f}")
    cell.append(f"\nwall {figures['wall_mean']:.0f} / {figures['wall_p95']:.0f}", "dim")
    if "after_mean" in figures:
        cell.append(f"\nthen +{figures['after_mean']:.0f} / {figures['after_p95']:.0f}")
    return cell


def print_table(results: Sequence[tuple[int, dict[str, Any] | None]], quick: bool) -> None:
    """The one table, with the targets in its header and the machine in its title."""
    console = Console(width=max(160, shutil.get_terminal_size((200, 50)).columns))
    table = Table(
        title=f"newsreader benchmark{' (quick)' if quick else ''} — {machine()}",
        caption=(
            "Cells: process CPU ms mean / p95 (✓ = p95 under the target), then max; "
            "'filter+set_posts', 'show+render' = the synchronous calls alone; 'wall' = wall "
            "clock around the pilot calls, which includes the pilot's idle waits (see the "
            "floor); 'then' = CPU of the work the reader defers (its sidebar refresh, 80 ms "
            "after a filter or a read mark) until it is idle again. See benchmarks/README.md."
        ),
        show_lines=True,
    )
    table.add_column("posts", justify="right")
    table.add_column("load s\n(first rows)", justify="right")
    table.add_column(f"cursor j ms\n< {TARGET_FRAME_MS:.0f}", justify="right")
    table.add_column(f"category ms\n< {TARGET_FILTER_MS:.0f}", justify="right")
    table.add_column(f"date ms\n< {TARGET_FILTER_MS:.0f}", justify="right")
    table.add_column(f"category by\ntitle ms < {TARGET_FILTER_MS:.0f}", justify="right")
    table.add_column(f"open ms\n< {TARGET_OPEN_MS:.0f}", justify="right")
    table.add_column(f"peak RSS MB\n< {TARGET_RSS_MB:.0f}", justify="right")
    table.add_column("stock OptionList\nsame rows", justify="right")
    table.add_column("pilot floor\nwall ms", justify="right", style="dim")
    for size, result in results:
        if result is None:
            table.add_row(f"{size:,}", Text("crashed", "bold red"), *[""] * 8)
            continue
        data = result["data_layer"]
        load = Text(f"{result['load_s']:.2f}\n(first rows {result['first_rows_s']:.2f})")
        load.append(f"\ncpu {result['load_cpu_s']:.1f}", "dim")
        load.append(f"\nno UI: cpu {data['cpu_s']:.1f}", "dim")
        options = result["option_list"]
        option_cell = Text(f"fill {options['fill_s']:.2f} s\n(add {options['add_s']:.2f} s)")
        option_cell.append(
            f"\nj {options['cursor_cpu_mean']:.1f} / {options['cursor_cpu_p95']:.1f}"
        )
        option_cell.append(
            f"\nwall {options['cursor_wall_mean']:.0f} / {options['cursor_wall_p95']:.0f}", "dim"
        )
        rss = result["rss_mb"]
        rss_cell = Text.assemble(f"{rss:.0f}", ("  ✓", "green") if rss < TARGET_RSS_MB else "  ✗")
        loaded = f"{size:,}" + (
            f"\n({result['loaded']:,} read)" if result["loaded"] != size else ""
        )
        loaded += f"\n{result['categories']:,} categories"
        loaded += "\nload avg {:.1f}→{:.1f}".format(*result["load_average"])
        table.add_row(
            loaded,
            load,
            latency_cell(result["cursor"], TARGET_FRAME_MS),
            latency_cell(result["category"], TARGET_FILTER_MS, "filter+set_posts"),
            latency_cell(result["date"], TARGET_FILTER_MS, "filter+set_posts"),
            latency_cell(result["category_by_title"], TARGET_FILTER_MS, "filter+sort+set_posts"),
            latency_cell(result["open"], TARGET_OPEN_MS, "show+render"),
            rss_cell,
            option_cell,
            f"press {result['floor_press']['wall_mean']:.0f}\n"
            f"pause {result['floor_pause']['wall_mean']:.0f}",
        )
    console.print(table)


# ----------------------------------------------------------------------- entry point


def sizes_argument(text: str) -> list[int]:
    """``1000,10000,100000`` (underscores allowed) as a list of sizes."""
    try:
        sizes = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a list of numbers: {text!r}") from error
    if not sizes or min(sizes) < 10:
        raise argparse.ArgumentTypeError("each size must be at least 10 posts")
    return sizes


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line; run every size, or (``--one``) measure one."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--posts",
        type=sizes_argument,
        help="comma-separated archive sizes (default 1000,10000,100000; 2000 with --quick)",
    )
    parser.add_argument("--quick", action="store_true", help="few repetitions: a smoke run for CI")
    parser.add_argument("--keep", type=Path, help="keep the archives here, reusing them next time")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--archive", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one is not None:
        return run_one(args.one, args.archive, args.keep, args.quick, args.json)
    sizes = args.posts or (QUICK_SIZES if args.quick else DEFAULT_SIZES)
    return run_all(sizes, args.quick, args.keep)


if __name__ == "__main__":
    sys.exit(main())
