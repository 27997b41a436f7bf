"""Issue 16, round two, the data layer: one odd file must cost one problem line, never a post
or the archive; killed builds leave no parsers behind; a new zone reads no file again.

The cases are also entries of the hostile archive (``# round two: data`` there).
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import hostile_archive as ha
import pytest
from test_cli import json_lines, run

from newsreader.archive import LoadOptions, load_archive
from newsreader.archive.index import ArchiveIndex
from newsreader.archive.loader import load_post, parse_post
from newsreader.archive.post import DATE_FROM_MTIME, DATE_IN_ZONE, DATE_OWN_OFFSET, Post
from newsreader.archive.scan import display_path, scan

REPO = Path(__file__).resolve().parents[1]
AFTER_2262_NS = 10**19
"""2286: past SQLite's 64-bit integers in ns (2262), within ext4's dates (2446)."""
CONTROL = [chr(code) for code in (*range(0x20), *range(0x7F, 0xA0))]


def _post(title: str, *front: str) -> str:
    return "\n".join(("---", f'title: "{title}"', *front, "---", f"{title} 正文。", ""))


SETTLED_NS = 1_600_000_000 * 10**9
"""2020: a file modified this long ago is not read again by every refresh ("racy clean")."""


def _write(root: Path, name: str, text: str, mtime_ns: int = SETTLED_NS) -> Path:
    path = Path(os.fsdecode(os.fsencode(root) + b"/" + os.fsencode(name)))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(mtime_ns, mtime_ns))
    return path


# --- 1. one file's modification time ------------------------------------------------------


@pytest.fixture
def odd_times(tmp_path: Path) -> Path:
    root = tmp_path / "times"
    _write(root, "future.md", _post("Future", "date: 2020-01-01"), AFTER_2262_NS)
    _write(root, "future-undated.md", _post("Future undated"), AFTER_2262_NS)
    _write(root, "past-undated.md", _post("Past undated"), -(10**18))
    _write(root, "fine.md", _post("Fine", "date: 2020-01-02"))
    return root


@pytest.mark.usefixtures("plain_environment")
def test_a_modification_time_after_2262_costs_one_problem_line_not_the_archive(
    capsys, odd_times: Path
):
    code, out, err = run(capsys, "list", odd_times, "--json")
    assert (code, err) == (0, "")
    titles = {post["title"] for post in json_lines(out)}
    assert titles == {"Future", "Future undated", "Past undated", "Fine"}
    code, out, err = run(capsys, "check", odd_times)
    assert "Traceback" not in err
    future_lines = [line for line in out.splitlines() if line.startswith("future.md: ")]
    assert future_lines == [
        "future.md: modification time after 2262 is out of range; taken as 2262"
    ]
    assert not [line for line in out.splitlines() if line.startswith("fine.md: ")]


def test_an_out_of_range_modification_time_is_stored_once_not_read_every_time(
    odd_times: Path, tmp_path: Path
):
    with ArchiveIndex.open(odd_times, LoadOptions(tz=UTC), tmp_path / "cache") as index:
        assert index.refresh().parsed == 4
        assert index.refresh().parsed == 0
        assert len(index.posts()) == 4


def test_an_undated_post_modified_in_year_10000_is_dated_1970_with_a_problem(tmp_path: Path):
    # Only some file systems (tmpfs) keep such a time: the loader is given it directly.
    year_10000 = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC).timestamp() + 2
    path = tmp_path / "undated.md"
    post = parse_post(_post("Undated"), "undated.md", path, year_10000, LoadOptions(tz=UTC), [])
    assert post.title == "Undated"
    assert post.date == datetime(1970, 1, 1, tzinfo=UTC)
    assert post.problems == ("no usable date, and the file's modification time is out of range",)


def test_an_undated_post_modified_before_1970_is_dated_by_that_time(odd_times: Path):
    post = load_post(odd_times / "past-undated.md", odd_times, LoadOptions(tz=UTC))
    assert isinstance(post, Post)
    assert post.date == datetime(1970, 1, 1, tzinfo=UTC) - timedelta(seconds=10**9)
    assert post.date_basis == DATE_FROM_MTIME


# --- 2. two files, one post ---------------------------------------------------------------

TWINS = {
    "collide.md": "Without ESC",
    "col\x1blide.md": "With ESC",
    "tab name.md": "With a space",
    "tab\tname.md": "With a tab",
    "new\nline.md": "With a line break",
    "new line.md": "With a space too",
    "back\\x1bslash.md": "With a backslash",
}


@pytest.fixture
def twins(tmp_path: Path) -> Path:
    root = tmp_path / "twins"
    for name, title in TWINS.items():
        _write(root, name, _post(title, "date: 2022-02-07"))
    return root


def test_names_that_differ_by_a_control_character_stay_two_posts(twins: Path, tmp_path: Path):
    posts = {post.id: post.title for post in load_archive(twins, LoadOptions(tz=UTC)).posts}
    assert sorted(posts.values()) == sorted(TWINS.values())
    assert posts["col\\x1blide.md"] == "With ESC"
    assert posts["tab\\tname.md"] == "With a tab"
    assert posts["back\\\\x1bslash.md"] == "With a backslash"
    assert not [post_id for post_id in posts if any(c in post_id for c in CONTROL)]
    with ArchiveIndex.open(twins, LoadOptions(tz=UTC), tmp_path / "cache") as index:
        index.refresh()
        assert {post.id: post.title for post in index.posts()} == posts
    with ArchiveIndex.open(twins, LoadOptions(tz=UTC), tmp_path / "cache") as index:
        assert {post.id: post.title for post in index.posts()} == posts  # the next run's


@pytest.mark.usefixtures("plain_environment")
def test_each_twin_opens_by_its_id(capsys, twins: Path):
    _, out, _ = run(capsys, "list", twins, "--json")
    listed = {post["id"]: post["title"] for post in json_lines(out)}
    assert sorted(listed.values()) == sorted(TWINS.values())
    for post_id, title in listed.items():
        code, out, err = run(capsys, "show", twins, post_id)
        assert (code, err) == (0, ""), post_id
        assert out.startswith(title), post_id


def test_every_character_a_name_may_hold_gives_its_own_id():
    names = [f"a{chr(code)}b.md" for code in range(0x3000)] + [
        os.fsdecode(bytes([byte])) for byte in range(0x80, 0x100)
    ]
    ids = [display_path(name) for name in names]
    assert len(set(ids)) == len(ids)
    assert not [post_id for post_id in ids if any(c in post_id for c in CONTROL)]


# --- 3. front matter over 64 KiB ----------------------------------------------------------


@pytest.mark.usefixtures("plain_environment")
def test_front_matter_over_64_kib_keeps_its_title_date_and_bounded_categories(
    capsys, tmp_path: Path
):
    root = tmp_path / "long"
    date = "date: 2022-02-07 08:00:00 +0800"
    keys = [f"key{n}: value {n}" for n in range(100_000)]
    _write(root, "keys.md", _post("Many keys", date, *keys))
    categories = ["categories:", *(f"  - c{n}" for n in range(100_000))]
    _write(root, "categories.md", _post("Many categories", date, *categories))
    inline = "tags: [" + ", ".join(f"t{n}" for n in range(100_000)) + "]"
    _write(root, "inline.md", _post("Many tags", date, inline))
    posts = {post.id: post for post in load_archive(root, LoadOptions(tz=UTC)).posts}
    when = datetime(2022, 2, 7, tzinfo=UTC)
    for post_id, title in (
        ("keys.md", "Many keys"),
        ("categories.md", "Many categories"),
        ("inline.md", "Many tags"),
    ):
        post = posts[post_id]
        assert (post.title, post.date) == (title, when), post_id
        assert len(post.problems) == 1 and "longer than 65,536" in post.problems[0]
    assert posts["categories.md"].categories == tuple(f"c{n}" for n in range(1000))
    assert posts["inline.md"].tags == tuple(f"t{n}" for n in range(1000))
    assert len(posts["keys.md"].extra) < 1000
    _, out, _ = run(capsys, "check", root)
    assert len([line for line in out.splitlines() if line.startswith("keys.md: ")]) == 1


# --- 4. parsers die with their parent -----------------------------------------------------


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.add(pid)
    return alive


def test_killing_newsreader_index_leaves_no_parser_running(tmp_path: Path):
    archive = tmp_path / "big"
    generator = str(REPO / "benchmarks" / "generate_archive.py")
    subprocess.run(
        [sys.executable, generator, "--posts", "4000", str(archive)],
        check=True,
        capture_output=True,
    )
    command = [sys.executable, "-m", "newsreader", "index", str(archive)]
    build = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    children: set[int] = set()
    deadline = time.monotonic() + 60
    while len(children) < 3 and build.poll() is None and time.monotonic() < deadline:
        children |= _children(build.pid)  # the resource tracker and two or more parsers
        time.sleep(0.02)
    assert len(children) >= 3, "no parsing processes seen"
    build.send_signal(signal.SIGKILL)
    build.wait()
    deadline = time.monotonic() + 2
    while _alive(children) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = _alive(children)
    for pid in left:  # not to leave them to the next test
        os.kill(pid, signal.SIGKILL)
    assert left == set()
    again = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert again.returncode == 0, again.stderr
    assert "4,000 files" in again.stdout or "4000 files" in again.stdout


# --- 5. options anywhere ------------------------------------------------------------------


@pytest.mark.usefixtures("plain_environment")
@pytest.mark.parametrize(
    "arguments",
    [
        ["show", "{root}", "--tz", "UTC", "{id}"],
        ["show", "{root}", "--width", "60", "{id}"],
        ["show", "--tz", "UTC", "{root}", "{id}", "--width", "60"],
        ["show", "{root}", "{id}", "--tz=UTC"],
        ["list", "{root}", "--tz", "UTC", "--json"],
        ["list", "--json", "{root}", "--tz", "UTC"],
        ["categories", "--tz", "UTC", "{root}", "--by-name"],
        ["check", "{root}", "--tz", "UTC"],
        ["index", "--tz", "UTC", "{root}"],
        ["export-state", "{root}", "--tz", "UTC", "{out}"],
        ["--tz", "UTC", "{root}", "--version"],
    ],
    ids=" ".join,
)
def test_options_go_anywhere_between_the_arguments(
    capsys, twins: Path, tmp_path: Path, arguments: list[str]
):
    values = {"{root}": str(twins), "{id}": "collide.md", "{out}": str(tmp_path / "out.json")}
    filled = [values.get(argument, argument) for argument in arguments]
    try:
        code, out, err = run(capsys, *filled)
    except SystemExit as exit:  # --version
        code, (out, err) = int(exit.code or 0), capsys.readouterr()
    assert (code, err) == (0, ""), err
    if arguments[0] == "show":
        assert out.startswith("Without ESC")


@pytest.mark.usefixtures("plain_environment")
def test_a_misplaced_option_is_still_refused(capsys, twins: Path):
    with pytest.raises(SystemExit) as exit:
        run(capsys, "show", twins, "--bogus", "collide.md")
    assert exit.value.code == 2
    assert "unrecognized arguments: --bogus" in capsys.readouterr().err


# --- 6. a new zone reads no file again ----------------------------------------------------


@pytest.fixture
def zoned(tmp_path: Path) -> Path:
    root = tmp_path / "zoned"
    _write(root, "offset.md", _post("Offset", "date: 2022-03-13 01:30:00 -0800"))
    _write(root, "wall.md", _post("Wall", "date: 2022-03-13 02:30:00"))  # in New York's gap
    _write(root, "day.md", _post("Day", "date: 2022-11-06"))
    _write(root, "2022-11-06-named.md", _post("Named"))
    _write(root, "mtime.md", _post("Mtime"), 1_667_714_400 * 10**9)  # 2022-11-06 06:00 UTC
    return root


def _moment(when: datetime) -> tuple[str, float]:
    """Wall time, offset and instant (aware datetimes in a DST fold never equal others)."""
    return when.isoformat(), when.timestamp()


@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Kolkata", "UTC"])
def test_a_new_zone_redates_the_index_as_a_fresh_load_would(zoned: Path, tmp_path: Path, zone: str):
    cache = tmp_path / "cache"
    with ArchiveIndex.open(zoned, LoadOptions(tz=ZoneInfo("Asia/Shanghai")), cache) as index:
        assert index.refresh().parsed == 5
    options = LoadOptions(tz=ZoneInfo(zone))
    with ArchiveIndex.open(zoned, options, cache) as index:
        assert index.notices == []
        assert index.refresh().parsed == 0
        got = {post.id: _moment(post.date) for post in index.posts()}
    loaded = load_archive(zoned, options).posts
    assert got == {post.id: _moment(post.date) for post in loaded}
    bases = {post.id: post.date_basis for post in loaded}
    assert bases == {
        "offset.md": DATE_OWN_OFFSET,
        "wall.md": DATE_IN_ZONE,
        "day.md": DATE_IN_ZONE,
        "2022-11-06-named.md": DATE_IN_ZONE,
        "mtime.md": DATE_FROM_MTIME,
    }


@pytest.mark.usefixtures("plain_environment")
def test_list_with_another_tz_reads_no_file_again(capsys, zoned: Path):
    assert run(capsys, "index", zoned)[1].startswith("5 files, 5 read")
    code, out, err = run(capsys, "list", zoned, "--tz", "UTC", "--json")
    assert (code, err) == (0, "")  # no "being rebuilt" warning
    dates = {post["id"]: post["date"] for post in json_lines(out)}
    assert dates["wall.md"] == "2022-03-13T02:30:00+00:00"
    assert dates["offset.md"] == "2022-03-13T01:30:00-08:00"
    assert run(capsys, "index", zoned)[1].startswith("5 files, 0 read")
    assert run(capsys, "index", zoned, "--tz", "Asia/Tokyo")[1].startswith("5 files, 0 read")


def test_the_scan_stamp_of_an_odd_time_is_within_sqlite_integers(odd_times: Path):
    stamps = scan(odd_times.resolve()).files
    assert all(-(2**63) <= mtime <= 2**63 - 1 for _, mtime in stamps.values())


def test_the_hostile_archive_s_twins_are_posts_of_their_own(tmp_path: Path):
    root = tmp_path / "hostile"
    written = ha.write_hostile_archive(root, only=lambda relative: relative.startswith(ha.TWINS))
    posts = load_archive(root, LoadOptions(tz=UTC)).posts
    assert len({post.id for post in posts}) == len(written) == len(ha.NORMAL) + 4


def test_a_post_dated_before_the_year_1000_keeps_four_digit_years(
    make_post, capsys, write, tmp_path, monkeypatch
):
    # glibc's strftime writes the year 1 as "1": the list's date column shifted by three cells.
    from rich.console import Console
    from rich.style import Style

    from newsreader.cli import main as cli_main
    from newsreader.render import render_article
    from newsreader.widgets.article_rows import row_text

    ancient = make_post("_posts/old.md", "0001-01-01 00:00", title="The earliest post")
    row = row_text(ancient, 80, lambda *_: Style(), labels={}, date_format="%Y-%m-%d %H:%M")
    assert "0001-01-01 00:00 The earliest post" in row.plain
    console = Console(width=80, file=io.StringIO(), color_system=None)
    console.print(render_article(ancient))
    assert "0001-01-01 00:00" in console.file.getvalue()
    front = "---\ntitle: The earliest post\ndate: 0001-01-01 00:00:00 +0000\n---\nx\n"
    write("_posts/old.md", front)
    assert cli_main(["list", str(tmp_path), "--tz", "UTC"]) == 0
    assert "\t0001-01-01T00:00:00+00:00\t" in capsys.readouterr().out  # piped: ISO 8601
    monkeypatch.setenv("TTY_COMPATIBLE", "1")  # on a terminal, the table
    assert cli_main(["list", str(tmp_path), "--tz", "UTC"]) == 0
    assert "\n0001-01-01 00:00  The earliest post" in capsys.readouterr().out
