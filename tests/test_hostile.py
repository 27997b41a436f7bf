"""The reader against a hostile archive: whatever is in a file, the rest keeps working.

The archive is generated into a temporary folder by ``hostile_archive.py`` (see there for
what each file holds and what must happen to it). Every must-hold of the issue is a test:
front matter and bodies load bounded or are skipped with a problem, ``newsreader check``
names every skipped file and prints nothing a terminal would act on, every post renders to
SGR and safe hyperlinks only, links out of the root are never read, and the reader, run on
the archive in a child process (so a hang or a memory blow-up fails one test instead of the
suite), stays responsive, shows no control character and refuses unsafe addresses.
"""

from __future__ import annotations

import asyncio
import faulthandler
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import tracemalloc
import webbrowser
from collections.abc import Awaitable, Callable
from io import StringIO
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import hostile_archive as ha
import pytest
from hostile_archive import SAFE_TARGET, expanded_size, terminal_violations, unsafe_characters
from rich.console import Console

from newsreader.archive import (
    LoadOptions,
    Post,
    Problem,
    find_post_files,
    load_archive,
    load_post,
)
from newsreader.archive import loader as loader_module
from newsreader.archive.loader import display_path
from newsreader.render import render_article

TESTS = Path(__file__).resolve().parent
TZ = ZoneInfo("Asia/Shanghai")
OPTIONS = LoadOptions(tz=TZ)
DESCRIBED = ha.describe(big=True)

LOAD_SECONDS = 2.0
"""Per file, with load_post."""
LOAD_PEAK_BYTES = 100 * 1024 * 1024
"""Per file, Python allocations (tracemalloc): twenty times the 5 MiB size limit."""
RENDER_SECONDS = 5.0
KEY_SECONDS = 5.0
"""A key press, with the repaint after it, even when it opens the 4.9 MB article."""
READER_SECONDS = 150.0
"""The whole of one reader scenario in its child process, before it is stopped."""
MEMORY_LIMIT = 3 * 1024**3
"""Address space of a child process; a YAML bomb expanding would hit it, not the machine."""
PEAK_RSS_KIB = 1024 * 1024
BOMB_NODES = 100_000
"""More nodes than any front matter of at most 64 KiB can hold without shared references."""


def ident(relative: str) -> str:
    """A test id for a path whose name may hold controls or undecodable bytes."""
    return relative.encode("unicode_escape", "backslashreplace").decode("ascii")


def expecting(*kinds: str) -> list[str]:
    return ha.with_expectation(DESCRIBED, *kinds)


T = TypeVar("T")


def within(seconds: float, work: Callable[[], T]) -> T:
    """Run ``work`` in a daemon thread; fail (rather than hang the suite) if it takes too long."""
    result: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            result.append(work())
        except BaseException as error:
            errors.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"did not finish within {seconds} s"
    if errors:
        raise errors[0]
    return result[0]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hostile archive, with its 50 MB file, written once for the module."""
    root = tmp_path_factory.mktemp("hostile") / "archive"
    assert ha.write_hostile_archive(root, big=True) == DESCRIBED
    return root.resolve()


# --- checks ---------------------------------------------------------------------------------


def is_bomb(loaded: object) -> bool:
    """Whether a loaded post's front matter expands hugely (a YAML alias bomb got through).

    Such a post must never reach an assertion message: pytest would repr it, for ever.
    """
    return isinstance(loaded, Post) and expanded_size(loaded.extra, BOMB_NODES) >= BOMB_NODES


def assert_safe_to_show(loaded: Post | Problem) -> None:
    """Everything the loader hands out for display is one clean line of valid text."""
    if isinstance(loaded, Problem):
        fields = [loaded.path, loaded.message]
        assert loaded.message
    else:
        fields = [
            loaded.id,
            loaded.title,
            *loaded.categories,
            *loaded.tags,
            loaded.source_url or "",
            *loaded.problems,
        ]
        assert loaded.title
        assert loaded.date.tzinfo is not None
    for text in fields:
        assert unsafe_characters(text) == [], repr(text)
        assert "\n" not in text, repr(text)
        text.encode("utf-8")  # no lone surrogate from an undecodable name


def measured_load(path: Path, root: Path) -> tuple[Post | Problem | None, float, int]:
    """load_post's result, its time and its peak of Python allocations."""

    def load() -> tuple[Post | Problem | None, float, int]:
        tracemalloc.start()
        try:
            started = time.perf_counter()
            loaded = load_post(path, root, OPTIONS)
            seconds = time.perf_counter() - started
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        return loaded, seconds, peak

    return within(60, load)


def render(post: Post, labels: dict[str, str] | None = None) -> tuple[str, float]:
    """The article as a true-colour terminal gets it, and the time it took."""
    console = Console(force_terminal=True, color_system="truecolor", width=100, file=StringIO())
    started = time.perf_counter()
    console.print(render_article(post, labels or {}))
    seconds = time.perf_counter() - started
    output = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(output, str)
    return output, seconds


_STYLING = re.compile(r"\x1b\[[0-9;:]*m|\x1b\]8;[^\x1b\x07]*(?:\x1b\\|\x07)")


def visible(output: str) -> str:
    """What a reader sees of terminal output (which passed `terminal_violations`)."""
    return _STYLING.sub("", output)


def osc8_targets(output: str) -> list[str]:
    return re.findall(r"\x1b\]8;[^;\x1b\x07]*;([^\x1b\x07]+)", output)


def loaded_post(root: Path, relative: str) -> Post:
    loaded = load_post(root / relative, root, OPTIONS)
    assert isinstance(loaded, Post), loaded
    return loaded


# --- the checks themselves ---------------------------------------------------------------


@pytest.mark.parametrize(
    "output",
    [
        "\x1b[2J",
        "\x1b[10;10H",
        "\x1b]52;c;ZXZpbA==\x07",
        "\x1b]0;title\x1b\\",
        "\x1b]8;;javascript:alert(1)\x1b\\x\x1b]8;;\x1b\\",
        "\x1b]8;;file:///etc/passwd\x07x",
        "\x1b]8;;https://x.example/\u202eexe\x1b\\x",
        "\x1bP+q\x1b\\",
        "\x1b",
        "\x9b2J",
        "\x85",
        "a\x08b",
        "a\rb",
        "a\tb",
        "\u202eevil",
        "\x00",
    ],
)
def test_the_terminal_check_catches_what_a_terminal_would_act_on(output: str):
    assert terminal_violations("text " + output + " text")


def test_the_terminal_check_passes_styling_and_safe_links():
    output = (
        "\x1b[1;4m标题\x1b[0m\n\x1b[38;2;1;2;3m颜色\x1b[0m "
        "\x1b]8;id=1;https://x.example/a?b=1\x1b\\链接\x1b]8;;\x1b\\ "
        "\x1b]8;;mailto:a@x.example\x07邮件\x1b]8;;\x07\n"
    )
    assert terminal_violations(output) == []


# --- loading: every file, bounded, loaded or skipped with a problem -----------------------


@pytest.mark.parametrize("relative", expecting("normal", "recover", "skip", "load"), ids=ident)
def test_each_file_loads_bounded_or_is_skipped_with_a_problem(hostile: Path, relative: str):
    loaded, seconds, peak = measured_load(hostile / relative, hostile)
    if is_bomb(loaded):
        del loaded
        pytest.fail("loaded front matter that expands hugely (a YAML alias bomb)")
    assert seconds < LOAD_SECONDS, f"{seconds:.2f} s"
    assert peak < LOAD_PEAK_BYTES, f"{peak:,} bytes"
    assert loaded is not None, "not taken for a post at all"
    assert_safe_to_show(loaded)
    post_id = display_path(relative)
    kind = ha.expectation(DESCRIBED[relative])
    if isinstance(loaded, Problem):
        assert kind in ("skip", "recover"), f"skipped: {loaded.message}"
        assert loaded.path == post_id
        return
    assert kind != "skip", "loaded, but must be skipped"
    assert loaded.id == post_id
    if kind == "recover":
        assert loaded.problems, "loaded without recording what was wrong"
    if kind == "normal":
        assert loaded.problems == ()


def test_the_rest_of_the_archive_still_loads(hostile: Path):
    archive = within(120, lambda: load_archive(hostile, OPTIONS))
    posts = {post.id: post for post in archive.posts}
    for relative, (title, source) in ha.NORMAL.items():
        post = posts[relative]
        assert (post.title, post.source_url, post.problems) == (title, source, ())
    skipped = {problem.path for problem in archive.skipped}
    for relative in expecting("normal", "recover", "skip", "load"):
        assert display_path(relative) in posts.keys() | skipped, relative
    assert {display_path(relative) for relative in expecting("skip")} <= skipped
    assert not posts.keys() & skipped


def test_file_system_oddities_are_reported_by_name_and_never_followed_out(hostile: Path):
    archive = within(120, lambda: load_archive(hostile, OPTIONS))
    reported = {problem.path for problem in archive.problems}
    missing = [relative for relative in expecting("scan") if relative not in reported]
    assert missing == [], f"not reported: {missing}"
    for post in archive.posts:
        assert ha.SECRET not in post.body, post.id
        assert "root:x:0:0" not in post.body, post.id
        assert Path(os.path.realpath(post.path)).is_relative_to(hostile), post.id
    for problem in archive.problems:
        assert_safe_to_show(problem)


def test_newsreader_check_names_every_skipped_file_and_prints_no_control(hostile: Path):
    result = subprocess.run(
        [sys.executable, "-m", "newsreader", "check", str(hostile)],
        capture_output=True,
        timeout=300,
        check=False,
        preexec_fn=limit_memory,
    )
    out = result.stdout.decode("utf-8")  # strictly: valid UTF-8, whatever the file names
    err = result.stderr.decode("utf-8")
    assert "Traceback" not in err, err[-3000:]
    assert result.returncode == 1, err[-3000:]
    assert unsafe_characters(out) == []
    assert unsafe_characters(err) == []
    lines = out.splitlines()
    for relative in expecting("skip", "scan"):
        assert any(line.startswith(f"{display_path(relative)}: ") for line in lines), relative
    assert re.search(r"\d+ posts loaded, [1-9]\d* files skipped", out)


# --- rendering: bounded, and nothing but SGR and safe hyperlinks --------------------------


@pytest.mark.parametrize("relative", expecting("normal", "recover", "load"), ids=ident)
def test_every_post_renders_bounded_and_terminal_safe(hostile: Path, relative: str):
    loaded = load_post(hostile / relative, hostile, OPTIONS)
    if isinstance(loaded, Problem):
        assert ha.expectation(DESCRIBED[relative]) == "recover"
        return  # skipped with a problem: nothing to render
    assert isinstance(loaded, Post)
    output, seconds = render(loaded, {"normal": "[bold]正常[/bold]\x1b[5m"})
    assert seconds < RENDER_SECONDS, f"{seconds:.2f} s"
    assert terminal_violations(output) == []
    assert len(output) < 4_000_000
    if len(loaded.body) > 400_000:
        assert "truncated" in visible(output)


def test_the_large_body_loads_and_renders_bounded_with_a_truncated_note(hostile: Path):
    post = loaded_post(hostile, "_posts/2022-02-02-body-4.9mb.html")
    assert len(post.body.encode()) > 4_800_000
    output, seconds = render(post)
    assert seconds < RENDER_SECONDS
    assert "[truncated: article longer than" in visible(output)


def test_escape_sequences_in_every_field_never_reach_the_terminal(hostile: Path):
    post = loaded_post(hostile, "_posts/2022-02-03-term-escapes.md")
    assert post.source_url is None or SAFE_TARGET.match(post.source_url)
    output, _ = render(post, {"cat": "\x1b]52;c;eA==\x07标签"})
    assert terminal_violations(output) == []
    text = visible(output)
    for kept in ("清屏", "剪贴板", "点我", "退格", "XYZ", "回车真的", "假的"):
        assert kept in text
    assert "javascript" not in "".join(osc8_targets(output))
    for relative in (
        "_posts/2022-02-03-term-yaml-escapes.md",
        "_posts/2022-02-03-term-entity-escapes.md",
    ):
        output, _ = render(loaded_post(hostile, relative))
        assert terminal_violations(output) == []


def test_bidi_controls_cannot_reorder_a_title(hostile: Path):
    post = loaded_post(hostile, "_posts/2022-02-03-term-bidi.md")
    assert post.title == "txt.exe.gpj"
    assert post.categories == ("bidicat",)
    output, _ = render(post)
    assert terminal_violations(output) == []
    assert "正文反转" in visible(output)


def test_markup_in_every_field_shows_literally(hostile: Path):
    post = loaded_post(hostile, "_posts/2022-02-03-term-markup.md")
    assert post.title == ha.MARKUP
    output, _ = render(post, {"[red]cat[/red]": "[blink]tag[/blink]"})
    assert terminal_violations(output) == []
    text = visible(output)
    for literal in (
        "[bold]粗体[/bold]",
        "[link=file:///etc/passwd]x[/link]",
        "[@click=app.quit]q[/]",
        ":smile:",
        "[red]cat[/red]",
        "[blink]tag[/blink]",
        "https://x.example/[/oops]",
    ):
        assert literal in text, literal
    assert all(SAFE_TARGET.match(target) for target in osc8_targets(output))


@pytest.mark.parametrize("name", sorted(ha.UNSAFE_SOURCES))
def test_unsafe_source_addresses_are_never_links(hostile: Path, name: str):
    post = loaded_post(hostile, f"_posts/2022-02-04-link-{name}.md")
    output, _ = render(post)
    assert terminal_violations(output) == []
    assert osc8_targets(output) == []
    assert ha.UNSAFE_SOURCES[name] in visible(output)


def test_unsafe_links_in_bodies_keep_only_their_text(hostile: Path):
    output, _ = render(loaded_post(hostile, "_posts/2022-02-04-link-body.md"))
    assert terminal_violations(output) == []
    assert osc8_targets(output) == []
    for text in ("js", "file", "data", "spaced", "md js", "md file"):
        assert text in visible(output)


# --- the file system changing under the scan ----------------------------------------------


def normal_archive(root: Path) -> dict[str, str]:
    return ha.write_hostile_archive(root, only=lambda relative: False)


def test_a_file_vanishing_between_stat_and_read_is_skipped_with_a_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    normal_archive(tmp_path)
    doomed = tmp_path / "_posts/2022-03-01-normal-1.md"
    real_open = loader_module.open_for_reading
    opened: list[Path] = []

    def vanishing_open(path: Path) -> Any:
        if path == doomed:
            opened.append(path)
            path.unlink()
        return real_open(path)

    monkeypatch.setattr(loader_module, "open_for_reading", vanishing_open)
    archive = load_archive(tmp_path, OPTIONS)
    assert opened, "the loader did not open the file with open_for_reading"
    assert [problem.path for problem in archive.skipped] == ["_posts/2022-03-01-normal-1.md"]
    assert len(archive) == len(ha.NORMAL) - 1


def test_a_file_growing_past_the_limit_while_read_is_not_loaded_silently_cut(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    normal_archive(tmp_path)
    growing = tmp_path / "_posts/2022-03-01-normal-1.md"
    real_open = loader_module.open_for_reading

    def growing_open(path: Path) -> Any:
        if path == growing:
            with path.open("ab") as stream:  # the scraper appends while we read
                stream.write(("<p>" + "增长" * 1_000 + "</p>\n").encode() * 10)
        return real_open(path)

    monkeypatch.setattr(loader_module, "open_for_reading", growing_open)
    options = LoadOptions(tz=TZ, max_bytes=4_000)
    loaded = load_post(growing, tmp_path, options)
    assert loaded is not None
    assert_safe_to_show(loaded)
    # Either skipped as too big, or loaded with a problem saying it was cut: never a post that
    # silently shows a part of the file as if it were the whole.
    assert isinstance(loaded, Problem) or loaded.problems, "cut to the limit without a word"


def test_a_file_emptied_during_the_scan_is_skipped(tmp_path: Path):
    normal_archive(tmp_path)
    paths = find_post_files(tmp_path)
    (tmp_path / "_posts/2022-03-02-normal-2.md").write_bytes(b"")
    results = [load_post(path, tmp_path, OPTIONS) for path in paths]
    problems = [result for result in results if isinstance(result, Problem)]
    assert [problem.path for problem in problems] == ["_posts/2022-03-02-normal-2.md"]
    assert sum(isinstance(result, Post) for result in results) == len(ha.NORMAL) - 1


def test_a_file_replaced_by_a_folder_during_the_scan_is_skipped(tmp_path: Path):
    normal_archive(tmp_path)
    paths = find_post_files(tmp_path)
    replaced = tmp_path / "_posts/2022-03-03-normal-3.md"
    replaced.unlink()
    replaced.mkdir()
    loaded = load_post(replaced, tmp_path, OPTIONS)
    assert isinstance(loaded, Problem)
    assert loaded.path == "_posts/2022-03-03-normal-3.md"
    assert sum(isinstance(load_post(path, tmp_path, OPTIONS), Post) for path in paths) == 4


def test_a_file_replaced_by_a_link_out_of_the_root_after_the_scan_is_not_read(tmp_path: Path):
    root = tmp_path / "archive"
    normal_archive(root)
    secret = tmp_path / "secret.md"
    secret.write_text(f'---\ntitle: "{ha.SECRET}"\n---\n{ha.SECRET}\n')
    paths = find_post_files(root)
    swapped = root / "_posts/2022-03-04-normal-4.md"
    swapped.unlink()
    swapped.symlink_to(secret)  # between the scan and the read
    results = [load_post(path, root.resolve(), OPTIONS) for path in paths]
    leaked = [r.id for r in results if isinstance(r, Post) and ha.SECRET in r.title + r.body]
    assert leaked == [], "a file out of the root was read through a link made after the scan"
    assert sum(isinstance(result, Post) for result in results) == len(ha.NORMAL) - 1


def test_an_unreadable_file_is_skipped_with_a_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    normal_archive(tmp_path)
    locked = tmp_path / "_posts/2022-03-05-normal-5.md"
    if os.geteuid() == 0:  # root reads a chmod 000 file anyway: simulate the refusal
        real_open = loader_module.open_for_reading

        def refusing_open(path: Path) -> Any:
            if path == locked:
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(path)

        monkeypatch.setattr(loader_module, "open_for_reading", refusing_open)
    else:
        locked.chmod(0)
    try:
        archive = load_archive(tmp_path, OPTIONS)
    finally:
        locked.chmod(0o644)
    assert [problem.path for problem in archive.skipped] == ["_posts/2022-03-05-normal-5.md"]
    assert "denied" in archive.skipped[0].message.lower()
    assert len(archive) == len(ha.NORMAL) - 1


def test_an_unreadable_folder_is_reported_and_the_rest_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    normal_archive(tmp_path)
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "2022-01-01-hidden.md").write_text('---\ntitle: "Locked away"\n---\n正文\n')
    if os.geteuid() == 0:  # root lists a chmod 000 folder anyway: simulate the refusal
        real_scandir = os.scandir

        def refusing_scandir(path: Any = ".") -> Any:
            if Path(os.fsdecode(path)) == locked.resolve():
                raise PermissionError(13, "Permission denied", str(path))
            return real_scandir(path)

        monkeypatch.setattr(os, "scandir", refusing_scandir)
    else:
        locked.chmod(0)
    try:
        archive = load_archive(tmp_path, OPTIONS)
    finally:
        locked.chmod(0o755)
    assert [problem.path for problem in archive.scan_problems] == ["locked"]
    assert "denied" in archive.scan_problems[0].message.lower()
    assert sorted(post.title for post in archive.posts) == sorted(t for t, _ in ha.NORMAL.values())


def test_names_that_are_not_utf8_get_readable_ids(hostile: Path):
    names = [path for path in find_post_files(hostile) if "\udcff" in str(path)]
    assert names, "the file system did not keep the undecodable name"
    loaded = load_post(names[0], hostile, OPTIONS)
    assert isinstance(loaded, Post)
    assert loaded.id == "_posts/2022-02-05-\\xff\\xfe-latin1-caf\\xe9.md"
    assert_safe_to_show(loaded)


# --- the reader, in a child process ---------------------------------------------------------


def limit_memory() -> None:
    """In a child process: cap its address space, so a blow-up fails it, not the machine."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_reader(root: Path, scenario: str) -> dict[str, Any]:
    """Open the reader on ``root`` in a child process, play a scenario, return its report."""
    with tempfile.TemporaryDirectory() as folder:
        result = Path(folder) / "report.json"
        code = (
            "import sys; sys.path.insert(0, sys.argv[1]); "
            "import test_hostile; test_hostile.child(*sys.argv[2:])"
        )
        args = [sys.executable, "-c", code, str(TESTS), str(root), scenario, str(result)]
        try:
            done = subprocess.run(
                args,
                capture_output=True,
                timeout=READER_SECONDS + 60,
                check=False,
                preexec_fn=limit_memory,
            )
        except subprocess.TimeoutExpired as expired:
            err = (expired.stderr or b"").decode("utf-8", "backslashreplace")
            pytest.fail(f"the reader hung in scenario {scenario}:\n{err[-6000:]}")
        err = done.stderr.decode("utf-8", "backslashreplace")
        assert result.exists(), (
            f"the reader died or hung in scenario {scenario} (exit {done.returncode}):\n"
            f"{err[-6000:]}"
        )
        report: dict[str, Any] = json.loads(result.read_text())
    assert report["error"] is None, report["error"]
    assert report["running"], "the reader stopped"
    assert report["peak_rss_kib"] < PEAK_RSS_KIB, f"{report['peak_rss_kib']:,} KiB"
    return report


def child(root: str, scenario: str, result: str) -> None:
    """The child process's side of `run_reader`."""
    # A hang prints every thread's stack and ends the child, so the failure says where.
    faulthandler.dump_traceback_later(READER_SECONDS, exit=True)
    report: dict[str, Any] = {"error": None, "running": False}
    try:
        asyncio.run(drive(Path(root), SCENARIOS[scenario], report))
    except BaseException:
        report["error"] = traceback.format_exc()[-8000:]
    report["peak_rss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    Path(result).write_text(json.dumps(report))


Scenario = Callable[[Any, Any, dict[str, Any]], Awaitable[None]]


async def drive(root: Path, scenario: Scenario, report: dict[str, Any]) -> None:
    """Open the reader on ``root``, wait for the scan, play ``scenario``."""
    from newsreader.app import create_app

    notes: list[str] = []
    opened: list[tuple[str, bool]] = []
    report["notes"], report["opened"] = notes, opened

    def fake_open(url: str, *args: object, **kwargs: object) -> bool:
        # Whether the address was already shown to the user when it was opened.
        opened.append((url, any(url in note for note in notes)))
        return True

    webbrowser.open = fake_open  # type: ignore[assignment]
    app = create_app(root, OPTIONS)
    real_notify = app.notify

    def recording_notify(message: str, *args: Any, **kwargs: Any) -> None:
        notes.append(str(message))
        real_notify(message, *args, **kwargs)

    app.notify = recording_notify  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        started = time.perf_counter()
        while app.screen.model.loading and time.perf_counter() - started < 60:
            await pilot.pause(0.05)
        report["scan_seconds"] = time.perf_counter() - started
        report["scanning"] = app.screen.model.loading
        report["listed"] = [post.id for post in app.screen.article_list.posts]
        await scenario(app, pilot, report)
        report["last_key_seconds"] = await timed_press(pilot, "j")
        report["running"] = app.is_running


async def timed_press(pilot: Any, *keys: str) -> float:
    started = time.perf_counter()
    await pilot.press(*keys)
    await pilot.pause()
    return time.perf_counter() - started


def screen_problems(app: Any) -> tuple[str, list[str]]:
    """The screen's text as painted, and anything in it a terminal would act on."""
    lines: list[str] = []
    problems: list[str] = []
    for strip in app.screen._compositor.render_strips():
        for segment in strip:
            if segment.control:
                problems.append(f"control segment {segment.control!r}")
            problems += unsafe_characters(segment.text)
            link = segment.style.link if segment.style else None
            if link and not SAFE_TARGET.match(link):
                problems.append(f"link to {link!r}")
        lines.append(strip.text)
    return "\n".join(lines), problems


def toast_texts(app: Any) -> list[str]:
    """The text of each notification on screen, as the toast shows it (markup applied)."""
    return [toast.render().plain for toast in app.screen.query("Toast")]


async def open_post(app: Any, pilot: Any, post_id: str) -> float:
    """Put the list's cursor on a post and press enter; the seconds it took."""
    article_list = app.screen.article_list
    assert article_list.move_to(post_id), post_id
    article_list.focus()  # takes effect before the key: both are queued
    return await timed_press(pilot, "enter")


async def browse(app: Any, pilot: Any, report: dict[str, Any]) -> None:
    """Move with j, open every post, look at the problems screen; time and check each step."""
    seconds: dict[str, float] = {}
    dirty: dict[str, list[str]] = {}
    for key in ("j", "j", "j", "k"):
        seconds[f"key {key}"] = await timed_press(pilot, key)
    for post_id in report["listed"]:
        seconds[post_id] = await open_post(app, pilot, post_id)
        problems = screen_problems(app)[1]
        if problems:
            dirty[post_id] = problems[:5]
        await pilot.press("escape")
    seconds["problems screen"] = await timed_press(pilot, "exclamation_mark")
    problems = screen_problems(app)[1]
    if problems:
        dirty["problems screen"] = problems[:5]
    await pilot.press("escape")
    report["seconds"], report["dirty"] = seconds, dirty


async def links(app: Any, pilot: Any, report: dict[str, Any]) -> None:
    """Press o (open) and y (copy) on every post with an unsafe or odd source address."""
    shown: dict[str, list[str]] = {}
    dirty: dict[str, list[str]] = {}
    report["toasts"] = {}
    for post_id in report["listed"]:
        await open_post(app, pilot, post_id)
        app.clear_notifications()
        before = len(report["notes"])
        await timed_press(pilot, "o")
        await app.workers.wait_for_complete()
        await pilot.pause()
        problems = screen_problems(app)[1]
        shown[post_id] = report["notes"][before:]
        if problems:
            dirty[post_id] = problems[:5]
        report["toasts"][post_id] = toast_texts(app)
        await timed_press(pilot, "y")
        await pilot.press("escape")
    report["shown"], report["dirty"] = shown, dirty


async def paths(app: Any, pilot: Any, report: dict[str, Any]) -> None:
    """Open every post; its id (the path, hostile here) titles the reading pane."""
    screens: dict[str, str] = {}
    dirty: dict[str, list[str]] = {}
    for post_id in report["listed"]:
        await open_post(app, pilot, post_id)
        screens[post_id], problems = screen_problems(app)
        if problems:
            dirty[post_id] = problems[:5]
        await pilot.press("escape")
    report["screens"], report["dirty"] = screens, dirty


async def dates(app: Any, pilot: Any, report: dict[str, Any]) -> None:
    """Open the earliest and latest posts, filter by their categories and by their periods."""
    from newsreader.widgets.timeline import Timeline

    steps: list[str] = []
    screen = app.screen
    for post_id in report["listed"]:
        await open_post(app, pilot, post_id)
        steps.append(f"opened {post_id}")
    for slug in ("ancient", "future", ""):
        screen.choose_category(slug)
        await pilot.pause(0.3)
        steps.append(f"category {slug!r}: {len(screen.article_list.posts)} posts")
    timeline = screen.query_one(Timeline)
    for spec in ("0001", "0001-01", "0001-01-01", "9999", "9999-12", "9999-12-31", ""):
        timeline.post_message(Timeline.Chosen(spec))
        await pilot.pause(0.3)
        steps.append(f"period {spec!r}: {[post.id for post in screen.article_list.posts]}")
    report["steps"] = steps
    report["dirty"] = screen_problems(app)[1]


SCENARIOS: dict[str, Scenario] = {
    "browse": browse,
    "links": links,
    "paths": paths,
    "dates": dates,
}


def test_the_reader_stays_responsive_and_clean_on_the_hostile_archive(hostile: Path):
    report = run_reader(hostile, "browse")
    assert not report["scanning"], "the scan did not finish within 60 s"
    listed = set(report["listed"])
    assert set(ha.NORMAL) <= listed
    assert report["dirty"] == {}
    slowest = max(report["seconds"].items(), key=lambda item: item[1])
    assert slowest[1] < KEY_SECONDS, f"slowest key press: {slowest}"
    assert report["last_key_seconds"] < 2.0


def test_the_reader_refuses_unsafe_addresses_and_shows_one_before_opening_it(tmp_path: Path):
    ha.write_hostile_archive(tmp_path, only=lambda path: "-link-" in path or "term-markup" in path)
    report = run_reader(tmp_path.resolve(), "links")
    assert report["dirty"] == {}
    opened = [url for url, _ in report["opened"]]
    assert all(SAFE_TARGET.match(url) for url in opened), opened
    assert {source for _, source in ha.NORMAL.values()} <= set(opened)
    assert all(shown_first for _, shown_first in report["opened"]), "opened before it was shown"
    for name, address in ha.UNSAFE_SOURCES.items():
        post_id = f"_posts/2022-02-04-link-{name}.md"
        assert address not in opened
        assert any(address in note for note in report["shown"][post_id]), report["shown"][post_id]
        toasts = report["toasts"][post_id]
        assert any(address in toast for toast in toasts), f"not shown literally: {toasts}"


def test_the_reader_shows_hostile_paths_literally(tmp_path: Path):
    ha.write_hostile_archive(
        tmp_path, only=lambda relative: "2022-02-05" in relative or "[" in relative
    )
    report = run_reader(tmp_path.resolve(), "paths")
    assert report["dirty"] == {}
    for post_id in ("_posts/markup[b]x[/2022-02-06-b]y.md", "_posts/oops[/2022-02-06-nothing].md"):
        assert post_id.rsplit("/", 1)[-1] in report["screens"][post_id], post_id


def test_the_reader_handles_the_earliest_and_latest_dates(tmp_path: Path):
    ha.write_hostile_archive(
        tmp_path, only=lambda relative: "fm-date-e" in relative or "fm-date-l" in relative
    )
    report = run_reader(tmp_path.resolve(), "dates")
    assert report["dirty"] == []
    latest = "_posts/2022-02-01-fm-date-latest.md"
    assert any(step.startswith("period '9999'") and latest in step for step in report["steps"])


def test_a_file_swapped_for_a_fifo_after_its_stat_neither_hangs_nor_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    normal_archive(tmp_path)
    swapped = tmp_path / "_posts/2022-03-01-normal-1.md"
    regular = swapped.stat()
    swapped.unlink()
    os.mkfifo(swapped)  # no writer: a blocking open would wait forever
    real_stat = Path.stat

    def stale_stat(self: Path, *args: Any, **kwargs: Any) -> Any:
        return regular if self == swapped else real_stat(self, *args, **kwargs)

    monkeypatch.setattr(Path, "stat", stale_stat)  # the stat saw the file before the swap
    results: list[object] = []
    reader = threading.Thread(target=lambda: results.append(load_post(swapped, tmp_path)))
    reader.start()
    reader.join(5)
    if reader.is_alive():
        with open(swapped, "wb"):  # let the blocked open go, so the test can end
            pass
        reader.join(5)
        pytest.fail("opening a FIFO swapped in after the stat hung the loader")
    (loaded,) = results
    assert isinstance(loaded, Problem) and "not a regular file" in loaded.message
