"""`newsreader list --search` and `show` through the on-disk index, checked against the
in-memory answer (``load_archive`` + ``Archive.filter``) so the two can never disagree."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from newsreader.archive import Filter, LoadOptions, load_archive, parse_date_spec
from newsreader.archive.index import default_index_dir
from newsreader.archive.query import search_text
from newsreader.cli import common, main
from newsreader.cli.posts import post_record
from newsreader.state import ReadingState

pytestmark = pytest.mark.usefixtures("plain_environment")

SHANGHAI = ZoneInfo("Asia/Shanghai")

POSTS = {
    "_posts/2024-01-05-port.md": (
        "临江港集装箱吞吐量同比增长",
        "2024-01-05 09:00:00 +0800",
        "economy",
        "临江晨报",
        "<p>临江港前5个月集装箱吞吐量同比增长8.2%，港口物流持续回暖。</p>",
    ),
    "_posts/2024-02-10-market.md": (
        "两市成交额超9000亿元",
        "2024-02-10 15:30:00 +0800",
        "markets",
        "东财滚动新闻",
        "A股市场今日震荡，沪指涨0.27%，成交额较上一交易日放量。",
    ),
    "_posts/2024-03-15-harbour.md": (
        "Harbour traffic recovers in spring",
        "2024-03-15 08:00:00 +0000",
        "world",
        "shipping",
        "<p>The HARBOUR authority said container volumes rose. "
        "Green bonds paid for the new quay.</p>",
    ),
    "_posts/2024-03-20-bonds.md": (
        "Bonds: green, blue and grey",
        "2024-03-20 10:00:00 +0000",
        "markets",
        "debt",
        "Investors bought green debt; bonds rallied. See https://example.com/港口/harbour "
        "and AT&amp;T.",
    ),
    "_posts/2023-12-01-park.md": (
        "口袋公园开放",
        "2023-12-01 07:00:00 +0800",
        "city",
        "长春日报",
        "市民在口袋公园里散步，园区不大。",
    ),
    "_posts/2023-11-11-shop.md": (
        "双十一网购订单创新高",
        "2023-11-11 23:00:00 +0800",
        "markets",
        "东财滚动新闻",
        "电商市场订单走高，物流港口繁忙，example 一词在此。",
    ),
}

PORT, MARKET, HARBOUR, BONDS, PARK, SHOP = (
    f"_posts/{name}"
    for name in (
        "2024-01-05-port.md",
        "2024-02-10-market.md",
        "2024-03-15-harbour.md",
        "2024-03-20-bonds.md",
        "2023-12-01-park.md",
        "2023-11-11-shop.md",
    )
)


def post_text(title: str, date: str, category: str, tag: str, body: str) -> str:
    return (
        f'---\ntitle: "{title}"\ndate: {date}\ncategories: {category}\ntags: {tag}\n---\n{body}\n'
    )


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """Chinese and English posts in four categories over five months."""
    root = tmp_path / "archive"
    for relative, fields in POSTS.items():
        write(root / relative, post_text(*fields))
    write(root / "README.md", "# not a post\n")
    return root


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main([str(arg) for arg in args])
    out, err = capsys.readouterr()
    return code, out, err


def listed(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> list[str]:
    """The ids `list --json` prints; it must succeed and say nothing on stderr."""
    code, out, err = run(capsys, "list", root, "--json", *args)
    assert (code, err) == (0, "") if out else (1, "newsreader: No posts match.\n")
    return [json.loads(line)["id"] for line in out.splitlines()]


def in_memory(root: Path, text: str, **fields: object) -> list[str]:
    """What the archive loaded in memory says, with no index involved."""
    archive = load_archive(root, LoadOptions(tz=SHANGHAI))
    query = Filter(text=text).with_changes(**fields)
    matches = {post.id for post in archive.posts if query.terms.matches(search_text(post))}
    return [post.id for post in archive.filter(query, matches)]


# --- the index's answer is the in-memory one ----------------------------------------------

QUERIES = {
    "港": [PORT, SHOP],  # one Chinese character: shorter than a trigram
    "市场": [MARKET, SHOP],  # two
    "集装箱吞": [PORT],  # four
    "HARBOUR": [HARBOUR],  # English, any case; a word inside a link does not count
    "harbour": [HARBOUR],
    "green bonds": [BONDS, HARBOUR],  # every word
    '"green bonds"': [HARBOUR],  # the phrase
    "港口 -吞吐量": [SHOP],
    "-港": [BONDS, HARBOUR, MARKET, PARK],
    "晨报": [PORT],  # a tag is searched too
    "example": [SHOP],  # not the one in a link
    "at&t": [BONDS],  # entities decoded
    "0.27%": [MARKET],
    "市场 -订单 -a股": [],
    "不存在的词": [],
    "a": [HARBOUR, BONDS, MARKET, SHOP],
}


@pytest.mark.parametrize("text", QUERIES)
def test_search_matches_the_in_memory_search(capsys, archive: Path, text: str):
    expected = in_memory(archive, text)
    assert sorted(expected) == sorted(QUERIES[text])  # the table above is right
    assert listed(capsys, archive, f"--search={text}") == expected
    # Warm: the index is only read this time.
    assert listed(capsys, archive, f"--search={text}") == expected


@pytest.mark.parametrize(
    ("args", "text", "fields", "expected"),
    [
        (("--category", "markets"), "市场", {"category": "markets"}, [MARKET, SHOP]),
        (("--category", "economy"), "市场", {"category": "economy"}, []),
        (("--date", "2024-03"), "bonds", {"dates": "2024-03"}, [BONDS, HARBOUR]),
        (("--date", "2023"), "港", {"dates": "2023"}, [SHOP]),
        (
            ("--tag", "东财滚动新闻", "--date", "2024"),
            "成交额",
            {"tag": "东财滚动新闻", "dates": "2024"},
            [MARKET],
        ),
        (
            ("--category", "markets", "--date", "2023..2024-02"),
            "-订单",
            {"category": "markets", "dates": "2023..2024-02"},
            [MARKET],
        ),
    ],
)
def test_search_combines_with_the_other_filters(
    capsys, archive: Path, args: tuple[str, ...], text: str, fields: dict, expected: list[str]
):
    if "dates" in fields:
        fields["dates"] = parse_date_spec(fields["dates"], SHANGHAI)
    got = listed(capsys, archive, *args, f"--search={text}")
    assert got == expected
    assert got == in_memory(archive, text, **fields)


def test_json_records_are_those_of_the_loaded_posts(capsys, archive: Path):
    loaded = load_archive(archive, LoadOptions(tz=SHANGHAI))
    for text in ("", "市场", "green"):
        code, out, _ = run(capsys, "list", archive, "--json", f"--search={text}")
        assert code == 0
        unmarked = {"read": False, "starred": False}
        terms = Filter(text=text).terms
        matches = {post.id for post in loaded.posts if terms.matches(search_text(post))}
        shown = loaded.filter(Filter(text=text), matches)
        wanted = [post_record(post, loaded.labels) | unmarked for post in shown]
        assert [json.loads(line) for line in out.splitlines()] == wanted


def test_the_table_lists_the_matches(capsys, archive: Path):
    code, out, err = run(capsys, "list", archive, "--search=港")
    assert (code, err) == (0, "")
    rows = [line.split("\t") for line in out.splitlines()]
    assert [row[0] for row in rows] == [PORT, SHOP]
    assert rows[0][3] == "临江晨报"  # the category's label
    code, out, err = run(capsys, "list", archive, "--search=不存在的词")
    assert (code, out, err) == (1, "", "newsreader: No posts match.\n")


def test_search_combines_with_starred_and_unread(capsys, archive: Path, tmp_path: Path):
    posts = {post.id: post for post in load_archive(archive, LoadOptions(tz=SHANGHAI)).posts}
    with ReadingState.open("archive", Path(os.environ["NEWSREADER_DATA_DIR"])) as state:
        state.set_starred([posts[SHOP], posts[PARK]])
        state.set_read([posts[PORT]])
    assert listed(capsys, archive, "--search=港", "--starred") == [SHOP]
    assert listed(capsys, archive, "--search=港", "--unread") == [SHOP]
    assert listed(capsys, archive, "--search=公园", "--starred", "--unread") == [PARK]


# --- the index follows the files ----------------------------------------------------------


def test_added_deleted_and_changed_files_are_seen_by_the_next_run(capsys, archive: Path):
    assert listed(capsys, archive, "--search=新的一篇") == []
    added = "_posts/2024-04-01-new.md"
    write(archive / added, post_text("新的一篇", "2024-04-01 08:00:00 +0800", "city", "x", "正文"))
    assert listed(capsys, archive, "--search=新的一篇") == [added]

    (archive / PORT).unlink()
    assert listed(capsys, archive, "--search=集装箱") == []
    assert PORT not in listed(capsys, archive)

    fields = POSTS[MARKET]
    write(archive / MARKET, post_text(*fields[:4], "换手率明显回落，北向资金净流入。"))
    assert listed(capsys, archive, "--search=换手率") == [MARKET]
    assert listed(capsys, archive, "--search=沪指") == []
    assert listed(capsys, archive, "--search=成交额") == [MARKET]  # still in the title
    for text in ("换手率", "沪指", "港", "-港"):
        assert listed(capsys, archive, f"--search={text}") == in_memory(archive, text)


# --- trouble with the index ---------------------------------------------------------------


def index_files() -> list[Path]:
    return sorted(default_index_dir().glob("index-*.sqlite3"))


def test_a_corrupt_index_gives_the_right_answer_and_a_warning(capsys, archive: Path):
    assert listed(capsys, archive, "--search=市场") == [MARKET, SHOP]
    [index_file] = index_files()
    index_file.write_bytes(b"this is not an SQLite database\n" * 500)

    code, out, err = run(capsys, "list", archive, "--json", "--search=市场")
    assert code == 0
    assert [json.loads(line)["id"] for line in out.splitlines()] == [MARKET, SHOP]
    assert err.startswith("newsreader: warning: ")
    assert "Traceback" not in err
    # Rebuilt: the next run is quiet again.
    assert listed(capsys, archive, "--search=港 -吞吐量") == [SHOP]


def test_a_corrupt_snapshot_is_ignored(capsys, archive: Path):
    assert listed(capsys, archive, "--search=港") == [PORT, SHOP]
    snapshots = list(default_index_dir().glob("index-*.columns"))
    assert snapshots
    for snapshot in snapshots:
        snapshot.write_bytes(b"\x00garbage" * 100)
    assert listed(capsys, archive, "--search=港") == [PORT, SHOP]
    assert listed(capsys, archive) == in_memory(archive, "")


def test_an_index_that_cannot_be_kept_still_answers(
    capsys, archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    monkeypatch.setenv("NEWSREADER_CACHE_DIR", str(blocker))
    code, out, err = run(capsys, "list", archive, "--json", "--search=green bonds")
    assert code == 0
    assert [json.loads(line)["id"] for line in out.splitlines()] == [BONDS, HARBOUR]
    assert err.startswith("newsreader: warning: ") and "temporary index" in err


def test_an_index_failing_after_the_refresh_falls_back_to_memory(
    capsys, archive: Path, monkeypatch: pytest.MonkeyPatch
):
    def broken(*arguments: object) -> object:
        raise sqlite3.DatabaseError("database disk image is malformed")

    # The full-text part of the query that list asks (newsreader.archive.index.lookup).
    monkeypatch.setattr("newsreader.archive.index.lookup.text_condition", broken)
    code, out, err = run(capsys, "list", archive, "--json", "--search=港")
    assert code == 0
    assert [json.loads(line)["id"] for line in out.splitlines()] == [PORT, SHOP]
    assert "newsreader: warning: " in err and "malformed" in err


# --- stdout stays clean -------------------------------------------------------------------


def test_json_has_no_progress_text_when_piped(
    capsys, archive: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(common, "PROGRESS_FROM", 1)  # even a tiny refresh would draw the bar
    code, out, err = run(capsys, "list", archive, "--json")
    assert (code, err) == (0, "")
    assert len([json.loads(line) for line in out.splitlines()]) == len(POSTS)


def test_the_progress_bar_goes_to_a_terminal_stderr_only(
    capsys, archive: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("FORCE_COLOR", "1")  # stderr counts as a terminal
    code, out, err = run(capsys, "list", archive, "--json")
    assert (code, err) == (0, "")  # a few files: no bar
    os.utime(archive / PORT, (1, 1))
    monkeypatch.setattr(common, "PROGRESS_FROM", 1)
    code, out, err = run(capsys, "list", archive, "--json", "--search=港")
    assert code == 0
    assert "reading files" in err
    assert [json.loads(line)["id"] for line in out.splitlines()] == [PORT, SHOP]


# --- show ---------------------------------------------------------------------------------


def test_show_finds_the_post_through_the_index_and_reads_its_file(capsys, archive: Path):
    code, out, err = run(capsys, "show", archive, PORT)
    assert (code, err) == (0, "")
    assert "临江港集装箱吞吐量同比增长" in out
    assert "港口物流持续回暖" in out  # the body, read from the file
    assert "economy · 临江晨报" in out  # the label, from every post's tags
    fields = POSTS[PORT]
    write(archive / PORT, post_text(*fields[:4], "<p>改过的正文。</p>"))
    code, out, _ = run(capsys, "show", archive, f"./{PORT}")
    assert code == 0
    assert "改过的正文" in out and "港口物流" not in out


def test_show_sees_added_and_deleted_files(capsys, archive: Path):
    assert run(capsys, "show", archive, PARK)[0] == 0
    added = "_posts/2024-04-01-new.md"
    write(
        archive / added, post_text("新的一篇", "2024-04-01 08:00:00 +0800", "city", "x", "新正文")
    )
    code, out, _ = run(capsys, "show", archive, added)
    assert code == 0 and "新正文" in out
    (archive / PARK).unlink()
    code, out, err = run(capsys, "show", archive, PARK)
    assert (code, out) == (1, "")
    assert err.startswith("newsreader: no post with id") and PARK in err
