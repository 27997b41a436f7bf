"""The on-disk index: same posts as the loader, incremental refresh, sturdiness, exact search."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from newsreader import locations
from newsreader.archive import LoadOptions, Post, SearchTerms, load_archive
from newsreader.archive.index import ArchiveIndex, RefreshResult, default_index_dir
from newsreader.archive.index import rows as index_rows
from newsreader.archive.index import snapshot as index_snapshot
from newsreader.archive.index import sql as index_sql
from newsreader.archive.index import store as index_store
from newsreader.archive.index import workers as index_workers
from newsreader.archive.index.snapshot import snapshot_path
from newsreader.archive.index.store import SCHEMA_VERSION, index_file_name
from newsreader.archive.index.texts import shard_path
from newsreader.archive.loader import find_post_files
from newsreader.archive.query import search_text

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
AN_HOUR_AGO = time.time() - 3600


# --- helpers ------------------------------------------------------------------------------


def settle(root: Path) -> None:
    """Date every file an hour back: files written this very second are re-read once more
    (a same-size rewrite within one timestamp tick would be invisible), which is right for
    the reader and noise for tests that count parses."""
    for folder, _, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            if not os.path.islink(path):
                os.utime(path, (AN_HOUR_AGO, AN_HOUR_AGO))


def copy_archive(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, symlinks=True)
    settle(target)
    return target


def post_text(title: str, body: str, *, date: str = "2022-04-01 08:00:00 +0800") -> str:
    return f'---\ntitle: "{title}"\ndate: {date}\ncategories: news\ntags: 新闻\n---\n{body}\n'


def metadata(post: Post) -> tuple[object, ...]:
    """Everything the index keeps of a post (the body and extra come from disk on opening)."""
    return (
        post.id,
        post.path,
        post.title,
        post.date,
        post.date.utcoffset(),
        post.date.isoformat(),
        post.categories,
        post.tags,
        post.source_url,
        post.problems,
    )


class CountingLoads:
    """Counts files parsed in this process (small refreshes never start a pool)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.paths: list[Path] = []
        real = index_rows.load_post

        def counting(path: Path, root: Path, options: LoadOptions | None = None) -> object:
            self.paths.append(path)
            return real(path, root, options)

        monkeypatch.setattr(index_rows, "load_post", counting)


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """A small archive of our own, settled an hour back."""
    root = tmp_path / "archive"
    posts = root / "_posts"
    posts.mkdir(parents=True)
    texts = {
        "2022-04-01-a.md": post_text(
            "北京日报：科技创新", "<p>市场信心明显回升。Market news today.</p>"
        ),
        "2022-04-02-b.md": post_text("Harbour reopens", "The port of Valdrin reopened on Monday."),
        "2022-04-03-c.md": post_text("上海快讯", "科创板公司签署合作协议，北京与上海。"),
    }
    for name, text in texts.items():
        (posts / name).write_text(text, encoding="utf-8")
    settle(root)
    return root


def open_index(root: Path, cache: Path, options: LoadOptions, **kwargs: float) -> ArchiveIndex:
    return ArchiveIndex.open(root, options, cache, **kwargs)


# --- the same posts as the loader -----------------------------------------------------------


@pytest.mark.parametrize("source", [FIXTURES / "oddities", REPO / "sample_posts"])
def test_cold_build_gives_the_loaders_posts_and_problems(
    source: Path, tmp_path: Path, cache: Path, options: LoadOptions
) -> None:
    root = copy_archive(source, tmp_path / "archive")
    expected = load_archive(root, options)
    with open_index(root, cache, options) as index:
        result = index.refresh()
        assert index.notices == []
        posts = index.posts()
        assert [metadata(post) for post in posts] == [metadata(post) for post in expected.posts]
        assert all(post.body == "" for post in posts)
        assert set(result.added) == {post.id for post in expected.posts}
        assert result.parsed == result.scanned == len(find_post_files(root))
        assert index.skipped() == sorted(expected.skipped, key=lambda problem: problem.path)
        assert sorted(index.problems(), key=str) == sorted(expected.problems, key=str)
        assert len(index) == len(expected)


@pytest.mark.parametrize("source", [FIXTURES / "oddities", REPO / "sample_posts"])
def test_the_newest_posts_come_first_and_in_the_loaders_order(
    source: Path, tmp_path: Path, cache: Path, options: LoadOptions
) -> None:
    root = copy_archive(source, tmp_path / "archive")
    expected = load_archive(root, options).posts
    with open_index(root, cache, options) as index:
        assert index.newest(5) == ([], 0)
        index.refresh()
        first, total = index.newest(7)
        everything, same_total = index.newest(10_000)
    assert total == same_total == len(expected)
    assert [metadata(post) for post in first] == [metadata(post) for post in expected[:7]]
    assert [metadata(post) for post in everything] == [metadata(post) for post in expected]


def test_a_hostile_archive_indexes_as_it_loads(
    tmp_path: Path, cache: Path, options: LoadOptions
) -> None:
    hostile = pytest.importorskip("hostile_archive")
    root = tmp_path / "hostile"
    hostile.write_hostile_archive(root)
    settle(root)
    with open_index(root, cache, options) as index:
        result = index.refresh()
        posts = index.posts()
        problems = index.problems()
    # Every file is accounted for: a post, a skipped file, or not a post at all.
    assert result.parsed == result.scanned == len(find_post_files(root))
    assert len(posts) == len(result.added)
    try:
        expected = load_archive(root, options)
    except Exception as error:
        # The index skips (and names) a file the loader cannot cope with; the loader raises.
        assert any("cannot be loaded" in problem.message for problem in problems), error
        return
    assert [metadata(post) for post in posts] == [metadata(post) for post in expected.posts]
    assert sorted(problems, key=str) == sorted(expected.problems, key=str)


# --- refreshing ---------------------------------------------------------------------------


def test_a_warm_open_parses_nothing(
    archive: Path, cache: Path, options: LoadOptions, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_index(archive, cache, options) as index:
        index.refresh()
    loads = CountingLoads(monkeypatch)
    with open_index(archive, cache, options) as index:
        posts = index.posts()
        result = index.refresh()
    assert len(posts) == 3
    assert loads.paths == []
    assert result == RefreshResult(scanned=3)
    assert not result.has_changes


def test_a_file_changed_with_its_size_and_mtime_kept_is_not_read(
    archive: Path, cache: Path, options: LoadOptions
) -> None:
    with open_index(archive, cache, options) as index:
        index.refresh()
        path = archive / "_posts" / "2022-04-02-b.md"
        before = path.stat()
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("Harbour", "Harbor!"), encoding="utf-8")
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
        assert path.stat().st_size == before.st_size
        assert not index.refresh().has_changes
        [post] = index.posts(["_posts/2022-04-02-b.md"])
        assert post.title == "Harbour reopens"


def test_a_file_whose_size_or_mtime_changed_is_read_again(
    archive: Path, cache: Path, options: LoadOptions, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_index(archive, cache, options) as index:
        index.refresh()
        loads = CountingLoads(monkeypatch)
        grown = archive / "_posts" / "2022-04-01-a.md"
        grown.write_text(post_text("北京日报：新标题", "正文变长了很多。"), encoding="utf-8")
        os.utime(grown, (AN_HOUR_AGO + 60, AN_HOUR_AGO + 60))
        touched = archive / "_posts" / "2022-04-03-c.md"
        os.utime(touched, (AN_HOUR_AGO + 120, AN_HOUR_AGO + 120))
        result = index.refresh()
        assert sorted(result.changed) == ["_posts/2022-04-01-a.md", "_posts/2022-04-03-c.md"]
        assert result.added == result.removed == ()
        assert sorted(path.name for path in loads.paths) == [grown.name, touched.name]
        assert index.posts([result.changed[0]])[0].title in {"北京日报：新标题", "上海快讯"}
        assert index.search(SearchTerms.parse("新标题")) == {"_posts/2022-04-01-a.md"}
        assert index.search(SearchTerms.parse("科技创新")) == set()


def test_new_files_are_added_and_deleted_ones_dropped(
    archive: Path, cache: Path, options: LoadOptions
) -> None:
    with open_index(archive, cache, options) as index:
        index.refresh()
        (archive / "_posts" / "2022-04-02-b.md").unlink()
        (archive / "_posts" / "2022-05-01-new.md").write_text(
            post_text("新文章", "新的正文"), encoding="utf-8"
        )
        (archive / "_posts" / "2022-05-02-empty.md").write_bytes(b"")
        result = index.refresh()
        assert result.added == ("_posts/2022-05-01-new.md",)
        assert result.removed == ("_posts/2022-04-02-b.md",)
        assert [str(problem) for problem in result.skipped] == [
            "_posts/2022-05-02-empty.md: empty file; skipped"
        ]
        assert {post.id for post in index.posts()} == {
            "_posts/2022-04-01-a.md",
            "_posts/2022-04-03-c.md",
            "_posts/2022-05-01-new.md",
        }
        assert index.search(SearchTerms.parse("valdrin")) == set()
        # A dated post that stops being one (front matter gone, outside _posts) is removed.
        page = archive / "notes" / "2022-05-03-page.md"
        page.parent.mkdir()
        page.write_text(post_text("A page", "text"), encoding="utf-8")
        assert index.refresh().added == ("notes/2022-05-03-page.md",)
        page.write_text("just text", encoding="utf-8")
        os.utime(page, (AN_HOUR_AGO, AN_HOUR_AGO))
        assert index.refresh().removed == ("notes/2022-05-03-page.md",)


def test_changes_another_program_indexed_are_reported(
    archive: Path, cache: Path, options: LoadOptions, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_index(archive, cache, options) as mine, open_index(archive, cache, options) as other:
        mine.refresh()
        assert len(mine.posts()) == 3
        (archive / "_posts" / "2022-04-02-b.md").unlink()
        (archive / "_posts" / "2022-05-01-new.md").write_text(
            post_text("新文章", "新的正文"), encoding="utf-8"
        )
        settle(archive)
        assert other.refresh().has_changes
        loads = CountingLoads(monkeypatch)
        result = mine.refresh()
        # Reported to this program's caller, but not read again: the other program did.
        assert result.added == ("_posts/2022-05-01-new.md",)
        assert result.removed == ("_posts/2022-04-02-b.md",)
        assert result.parsed == 0 and loads.paths == []
        # The other program's rebuild starts a new generation: this one notices, and finds
        # nothing to tell its caller, and (the other having read everything) nothing to read.
        assert other.refresh(rebuild=True).parsed == 3
        loads.paths.clear()
        again = mine.refresh()
        assert not again.has_changes and again.parsed == 0
        assert loads.paths == []


def test_file_names_that_are_not_utf8_round_trip(
    archive: Path, cache: Path, options: LoadOptions
) -> None:
    notes = os.fsencode(archive) + b"/notes"
    os.mkdir(notes)
    for name, text in (
        (b"/caf\xe9-page.md", "no front matter: not a post"),
        (b"/2022-06-01-caf\xe9.md", post_text("Café", "un article")),
    ):
        with open(notes + name, "wb") as stream:
            stream.write(text.encode())
    settle(archive)
    expected = load_archive(archive, options)
    with open_index(archive, cache, options) as index:
        index.refresh()
        posts = index.posts()
        assert [metadata(post) for post in posts] == [metadata(post) for post in expected.posts]
        [cafe] = [post for post in posts if post.title == "Café"]
        assert cafe.path.read_bytes().startswith(b"---")  # the real file, from its odd name
        assert not index.refresh().has_changes


def test_a_file_written_just_now_is_read_once_more(
    archive: Path, cache: Path, options: LoadOptions, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_index(archive, cache, options) as index:
        index.refresh()
        fresh = archive / "_posts" / "2022-05-01-new.md"
        fresh.write_text(post_text("新文章", "第一版"), encoding="utf-8")
        assert index.refresh().added == ("_posts/2022-05-01-new.md",)
        # Rewritten within the same timestamp tick, same size: only re-reading can tell.
        stamp = fresh.stat()
        fresh.write_text(post_text("新文章", "第二版"), encoding="utf-8")
        os.utime(fresh, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
        assert index.refresh().changed == ("_posts/2022-05-01-new.md",)
        assert index.search(SearchTerms.parse("第二版")) == {"_posts/2022-05-01-new.md"}


def test_rebuild_reads_everything_again(
    archive: Path, cache: Path, options: LoadOptions, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_index(archive, cache, options) as index:
        index.refresh()
        loads = CountingLoads(monkeypatch)
        result = index.refresh(rebuild=True)
        assert len(loads.paths) == 3
        assert result.parsed == 3
        assert len(index.posts()) == 3
        assert index.search(SearchTerms.parse("北京")) == {
            "_posts/2022-04-01-a.md",
            "_posts/2022-04-03-c.md",
        }


def test_progress_and_cancel(
    tmp_path: Path, cache: Path, options: LoadOptions, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index_workers, "BATCH", 4)
    root = tmp_path / "many"
    (root / "_posts").mkdir(parents=True)
    for number in range(10):
        (root / "_posts" / f"2022-01-{number + 1:02d}-p.md").write_text(
            post_text(f"Post {number}", "body"), encoding="utf-8"
        )
    settle(root)
    calls: list[tuple[int, int]] = []
    with open_index(root, cache, options) as index:
        first = index.refresh(
            progress=lambda done, total: calls.append((done, total)), cancelled=lambda: True
        )
        assert first.cancelled and first.parsed == 4 and len(first.added) == 4
        assert calls == [(0, 10), (4, 10)]
        second = index.refresh()
        assert not second.cancelled and len(second.added) == 6
        assert len(index.posts()) == 10


def test_a_pool_of_processes_parses_like_this_process(
    tmp_path: Path, cache: Path, options: LoadOptions, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_archive(REPO / "sample_posts", tmp_path / "archive")
    monkeypatch.setattr(index_workers, "POOL_FROM", 1)
    monkeypatch.setattr(index_workers, "CHUNK", 7)
    with open_index(root, cache, options) as index:
        result = index.refresh(workers=2)
        assert result.notices == ()
        pooled = [metadata(post) for post in index.posts()]
    assert pooled == [metadata(post) for post in load_archive(root, options).posts]


def test_a_warm_start_reads_the_snapshot_while_it_is_current(
    archive: Path, cache: Path, options: LoadOptions
) -> None:
    def listed(index: ArchiveIndex) -> list[tuple[str, tuple[str, ...]]]:
        served = index.archive()
        assert served is not None
        return [(post.id, post.categories) for post in served.posts]

    with open_index(archive, cache, options) as index:
        index.refresh()
        expected = listed(index)
    path = snapshot_path(index_path(archive, cache))
    assert path.exists()
    with open_index(archive, cache, options) as index:
        assert listed(index) == expected
    # A current snapshot is believed: doctor one to prove it is what is read.
    with sqlite3.connect(index_path(archive, cache)) as connection:
        generation, changes = index_store.version(connection)
    found = index_snapshot.load_snapshot(path, generation, changes)
    assert found is not None
    ids, times, days, hidden, words, categories, tags, rowids = found[0]
    doctored = (ids, times, days, hidden, ["doctored" for _ in words], categories, tags, rowids)
    index_snapshot.save_snapshot(path, generation, changes, [[doctored]])
    with open_index(archive, cache, options) as index:
        served = index.archive()
        assert served is not None
        assert {category.slug for category in served.categories()} == {"doctored"}
        # Any write makes it stale: then the index answers, and closing writes a new one.
        (archive / "_posts" / "2022-04-02-b.md").unlink()
        index.refresh()
        assert "doctored" not in {slug for _, slugs in listed(index) for slug in slugs}
    with open_index(archive, cache, options) as index:
        assert len(listed(index)) == 2
    # A damaged snapshot is ignored, and so is one of another shape.
    with sqlite3.connect(index_path(archive, cache)) as connection:
        generation, changes = index_store.version(connection)
    for damaged in (path.read_bytes()[:100], None):
        if damaged is None:
            index_snapshot.save_snapshot(path, generation, changes, [[("not", "columns")]])
        else:
            path.write_bytes(damaged)
        with open_index(archive, cache, options) as index:
            assert len(listed(index)) == 2


def test_a_snapshot_cut_short_or_damaged_anywhere_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite3.posts"
    parts = [
        [(f"post {n}", None, "title", n, 0) for n in range(start, start + 3)] for start in (0, 3, 6)
    ]
    index_snapshot.save_snapshot(path, "gen", 7, parts)
    assert index_snapshot.load_snapshot(path, "gen", 7) == [row for part in parts for row in part]
    assert index_snapshot.load_snapshot(path, "gen", 8) is None  # another change count
    whole = path.read_bytes()
    for cut in range(len(whole)):  # part boundaries included: no subset is ever believed
        path.write_bytes(whole[:cut])
        assert index_snapshot.load_snapshot(path, "gen", 7) is None, cut
    header = whole.index(b"\n") + 1
    for offset in range(header, len(whole)):
        damaged = bytearray(whole)
        damaged[offset] ^= 0x55
        path.write_bytes(bytes(damaged))
        assert index_snapshot.load_snapshot(path, "gen", 7) is None, offset
    path.write_bytes(whole + b"more")
    assert index_snapshot.load_snapshot(path, "gen", 7) is None


def _die_in_a_worker(
    root: str, options: LoadOptions, chunk: list[tuple[bytes, tuple[int, int]]]
) -> list[index_rows.ParsedFile]:
    """Stands in for parse_chunk: kills any worker process it runs in, parses in the parent."""
    if multiprocessing.parent_process() is not None:
        os._exit(3)
    parsed: list[index_rows.ParsedFile] = index_rows.parse_chunk(root, options, chunk)
    return parsed


def test_a_dying_worker_process_only_slows_the_build(
    tmp_path: Path, cache: Path, options: LoadOptions, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_archive(REPO / "sample_posts", tmp_path / "archive")
    monkeypatch.setattr(index_workers, "POOL_FROM", 1)
    monkeypatch.setattr(index_workers, "parse_chunk", _die_in_a_worker)
    with open_index(root, cache, options) as index:
        result = index.refresh(workers=2)
        assert any("stopped unexpectedly" in notice for notice in result.notices)
        assert len(index.posts()) == len(load_archive(root, options))


def test_without_worker_processes_the_build_runs_here(
    tmp_path: Path, cache: Path, options: LoadOptions, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_pool(*args: object, **kwargs: object) -> None:
        raise OSError(38, "Function not implemented")

    root = copy_archive(REPO / "sample_posts", tmp_path / "archive")
    monkeypatch.setattr(index_workers, "POOL_FROM", 1)
    monkeypatch.setattr(index_workers, "ProcessPoolExecutor", no_pool)
    with open_index(root, cache, options) as index:
        result = index.refresh(workers=2)
        assert any("no worker processes" in notice for notice in result.notices)
        assert len(index.posts()) == len(load_archive(root, options))


# --- the index file: a cache that never breaks the reader --------------------------------


def index_path(root: Path, cache: Path) -> Path:
    path: Path = cache / index_file_name(root.resolve())
    return path


def built_index(root: Path, cache: Path, options: LoadOptions) -> Path:
    """Build the index of ``root``, close it, and give its file."""
    with open_index(root, cache, options) as index:
        index.refresh()
    return index_path(root, cache)


def test_a_corrupt_index_is_rebuilt_with_a_notice(
    archive: Path, cache: Path, options: LoadOptions
) -> None:
    path = built_index(archive, cache, options)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.write_bytes(b"this is not a database" * 1000)
    with open_index(archive, cache, options) as index:
        assert len(index.notices) == 1 and "rebuilt" in index.notices[0]
        assert not index.temporary
        result = index.refresh()
        assert len(result.added) == 3
        assert result.notices == tuple(index.notices)
        assert index.search(SearchTerms.parse("market")) == {"_posts/2022-04-01-a.md"}


def test_the_index_keeps_no_token_counts_it_never_reads(
    archive: Path, cache: Path, options: LoadOptions
) -> None:
    # Token counts per row serve only ranking; writing them costs a cold build 8% of its CPU.
    with open_index(archive, cache, options) as index:
        index.refresh()
        assert index.search(SearchTerms.parse("北京")) == {
            "_posts/2022-04-01-a.md",
            "_posts/2022-04-03-c.md",
        }
    with sqlite3.connect(shard_path(index_path(archive, cache), 0)) as other:
        tables = {name for (name,) in other.execute("SELECT name FROM sqlite_master")}
    assert "fts_content" in tables and "fts_docsize" not in tables


def test_damage_found_while_reading_rebuilds_the_index(
    archive: Path, cache: Path, options: LoadOptions
) -> None:
    with open_index(archive, cache, options) as index:
        index.refresh()
        # Break the schema under the open index, as a damaged page would.
        with sqlite3.connect(shard_path(index_path(archive, cache), 0)) as other:
            other.execute("DROP TABLE fts")
        assert index.search(SearchTerms.parse("北京")) == set()
        assert any("damaged" in notice for notice in index.notices)
        result = index.refresh()
        # Read again into the new index; the caller still shows them: changed, not added.
        assert result.parsed == 3 and len(result.changed) == 3
        assert result.added == result.removed == ()
        assert index.search(SearchTerms.parse("北京")) == {
            "_posts/2022-04-01-a.md",
            "_posts/2022-04-03-c.md",
        }


@pytest.mark.parametrize("version", [0, SCHEMA_VERSION - 1, SCHEMA_VERSION + 1])
def test_an_index_of_another_schema_version_is_rebuilt(
    version: int, archive: Path, cache: Path, options: LoadOptions
) -> None:
    with open_index(archive, cache, options) as index:
        index.refresh()
    with sqlite3.connect(index_path(archive, cache)) as other:
        other.execute(f"PRAGMA user_version = {version}")
    with open_index(archive, cache, options) as index:
        assert len(index.notices) == 1 and "rebuilt" in index.notices[0]
        assert index.posts() == []
        assert len(index.refresh().added) == 3


def test_other_load_options_rebuild_the_index(archive: Path, cache: Path) -> None:
    with open_index(archive, cache, LoadOptions(max_bytes=1_000_000)) as index:
        index.refresh()
    with open_index(archive, cache, LoadOptions(max_bytes=2_000_000)) as index:
        assert "other settings" in index.notices[0]
        assert len(index.refresh().added) == 3


def test_an_unwritable_cache_folder_gives_a_temporary_index(
    archive: Path, tmp_path: Path, options: LoadOptions
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    with open_index(archive, blocker / "index", options) as index:
        assert index.temporary
        assert len(index.notices) == 1 and "temporary" in index.notices[0]
        assert len(index.refresh().added) == 3
        assert index.search(SearchTerms.parse("科")) == {
            "_posts/2022-04-01-a.md",
            "_posts/2022-04-03-c.md",
        }
        temporary = index.path
    assert temporary is None or not temporary.exists()


def test_without_a_temp_folder_the_index_lives_in_memory(
    archive: Path, tmp_path: Path, options: LoadOptions, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_temp_files(*args: object, **kwargs: object) -> tuple[int, str]:
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(index_store.tempfile, "mkstemp", no_temp_files)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    with open_index(archive, blocker / "index", options) as index:
        assert index.temporary and index.path is None
        assert len(index.refresh().added) == 3
        assert len(index.posts()) == 3
        assert index.search(SearchTerms.parse("北京")) == {
            "_posts/2022-04-01-a.md",
            "_posts/2022-04-03-c.md",
        }


def test_reads_go_on_while_a_refresh_runs(archive: Path, cache: Path, options: LoadOptions) -> None:
    with open_index(archive, cache, options) as index:
        index.refresh()
        (archive / "_posts" / "2022-05-01-new.md").write_text(
            post_text("新文章", "新的正文"), encoding="utf-8"
        )
        inside = threading.Event()
        release = threading.Event()

        def progress(done: int, total: int) -> None:
            if done:
                inside.set()
                assert release.wait(10)

        worker = threading.Thread(target=lambda: index.refresh(progress=progress))
        worker.start()
        try:
            assert inside.wait(10)
            # The refresh holds its write transaction's results; readers see the last commit.
            assert index.search(SearchTerms.parse("market")) == {"_posts/2022-04-01-a.md"}
            assert len(index.posts(["_posts/2022-04-01-a.md"])) == 1
        finally:
            release.set()
            worker.join(10)
        assert index.search(SearchTerms.parse("新的正文")) == {"_posts/2022-05-01-new.md"}


def test_an_index_locked_beyond_the_timeout_gives_a_temporary_index(
    archive: Path, cache: Path, options: LoadOptions
) -> None:
    path = built_index(archive, cache, options)
    locker = sqlite3.connect(path, isolation_level=None)
    try:
        # A stale index must be rewritten, which needs the lock another program holds.
        locker.execute("PRAGMA user_version = 999")
        locker.execute("BEGIN IMMEDIATE")
        with open_index(archive, cache, options, busy_timeout=0.1) as index:
            assert index.temporary
            assert any("locked" in notice for notice in index.notices)
            assert len(index.refresh().added) == 3
    finally:
        locker.execute("ROLLBACK")
        locker.close()


def test_deleting_the_index_loses_nothing(archive: Path, cache: Path, options: LoadOptions) -> None:
    with open_index(archive, cache, options) as index:
        index.refresh()
        before = [metadata(post) for post in index.posts()]
    shutil.rmtree(cache)
    with open_index(archive, cache, options) as index:
        assert index.notices == []
        index.refresh()
        assert [metadata(post) for post in index.posts()] == before


_TWO_PROGRAMS = """
import sys
from pathlib import Path
from zoneinfo import ZoneInfo
from newsreader.archive import LoadOptions, SearchTerms
from newsreader.archive.index import ArchiveIndex

if __name__ == "__main__":
    root, cache = Path(sys.argv[1]), Path(sys.argv[2])
    with ArchiveIndex.open(root, LoadOptions(tz=ZoneInfo("Asia/Shanghai")), cache) as index:
        for _ in range(3):
            index.refresh()
        print(len(index.posts()), len(index.search(SearchTerms.parse("post"))), index.notices)
"""


def three_hundred_posts(tmp_path: Path, body: Callable[[int], str]) -> Path:
    """An archive of 300 posts at rest, post ``n`` with ``body(n)``."""
    root = tmp_path / "archive"
    (root / "_posts").mkdir(parents=True)
    for number in range(300):
        (root / "_posts" / f"2022-01-01-{number:03d}.md").write_text(
            post_text(f"Post {number}", body(number)), encoding="utf-8"
        )
    settle(root)
    return root


def start_two_programs(
    tmp_path: Path, script_text: str, root: Path, cache: Path
) -> list[subprocess.Popen[str]]:
    """Two other programs running ``script_text`` on the archive and cache, started now."""
    script = tmp_path / "two.py"
    script.write_text(script_text, encoding="utf-8")
    return [
        subprocess.Popen(
            [sys.executable, str(script), str(root), str(cache)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]


def assert_each_printed(programs: list[subprocess.Popen[str]], line: str, timeout: float) -> None:
    """Both programs ended well, each printing ``line``."""
    outputs = [program.communicate(timeout=timeout) for program in programs]
    for program, (out, err) in zip(programs, outputs, strict=True):
        assert program.returncode == 0, err
        assert out.strip() == line


def test_two_programs_refresh_one_index_at_once(
    tmp_path: Path, cache: Path, options: LoadOptions
) -> None:
    root = three_hundred_posts(tmp_path, lambda _: "word " * 200)
    programs = start_two_programs(tmp_path, _TWO_PROGRAMS, root, cache)
    with open_index(root, cache, options) as index:
        index.refresh()
        mine = len(index.posts())
    assert_each_printed(programs, "300 300 []", timeout=60)
    assert mine == 300


# --- search: exactly SearchTerms.matches(search_text(post)) ----------------------------------


@pytest.fixture
def indexed(archive: Path, cache: Path, options: LoadOptions) -> ArchiveIndex:
    index = open_index(archive, cache, options)
    index.refresh()
    return index


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("market", {"a"}),  # an English word, case-folded
        ("MARK", {"a"}),  # a substring of one
        ("科", {"a", "c"}),  # one Chinese character
        ("北京", {"a", "c"}),  # two
        ("市场信心", {"a"}),  # four
        ("签署合作协议", {"c"}),
        ('"port of valdrin"', {"b"}),  # a phrase
        ('"port valdrin"', set()),
        ("北京 -科技", {"c"}),  # exclusion
        ("-北京", {"b"}),  # exclusion alone
        ("-科", {"b"}),  # a short exclusion alone
        ("上海 北京 科", {"c"}),  # several words, all required
        ("上海 market", set()),
        ("", {"a", "b", "c"}),
    ],
)
def test_search(indexed: ArchiveIndex, query: str, expected: set[str]) -> None:
    names = {"a": "2022-04-01-a.md", "b": "2022-04-02-b.md", "c": "2022-04-03-c.md"}
    try:
        assert indexed.search(SearchTerms.parse(query)) == {
            f"_posts/{names[key]}" for key in expected
        }
    finally:
        indexed.close()


def _oracle_queries(texts: list[str], rng: random.Random) -> list[str]:
    """Substrings of 1 to 6 characters from every text, alone and combined, and exclusions."""
    pieces: list[str] = []
    for text in texts:
        for length in (1, 2, 3, 4, 6):
            start = rng.randrange(max(1, len(text) - length))
            piece = text[start : start + length].strip().replace('"', "")
            if piece:
                pieces.append(piece)
    queries = [f'"{piece}"' for piece in pieces]
    for _ in range(150):
        first, second, third = rng.sample(pieces, 3)
        queries.append(f'"{first}" "{second}"')
        queries.append(f'"{first}" -"{second}"')
        queries.append(f'-"{third}"')
    return [*queries, "a", "e", "的", "-a", "1", "%", "_", "'", "\\"]


@pytest.mark.parametrize("source", [FIXTURES / "oddities", REPO / "sample_posts"])
def test_search_answers_exactly_as_the_in_memory_search(
    source: Path, tmp_path: Path, cache: Path, options: LoadOptions
) -> None:
    root = copy_archive(source, tmp_path / "archive")
    loaded = load_archive(root, options)
    haystacks = {post.id: search_text(post) for post in loaded.posts}
    queries = _oracle_queries(list(haystacks.values()), random.Random(7))
    with open_index(root, cache, options) as index:
        index.refresh()
        for query in queries:
            terms = SearchTerms.parse(query)
            expected = {post_id for post_id, text in haystacks.items() if terms.matches(text)}
            assert index.search(terms) == expected, query


# --- where the index lives ----------------------------------------------------------------


def test_locations_follow_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(locations.CACHE_ENV, str(tmp_path / "c"))
    monkeypatch.setenv(locations.DATA_ENV, str(tmp_path / "d"))
    monkeypatch.setenv(locations.CONFIG_ENV, str(tmp_path / "settings.toml"))
    assert locations.cache_dir() == tmp_path / "c"
    assert locations.data_dir() == tmp_path / "d"
    assert locations.config_path() == tmp_path / "settings.toml"
    assert default_index_dir() == tmp_path / "c" / "index"
    assert not (tmp_path / "c").exists() and not (tmp_path / "d").exists()
    monkeypatch.setenv(locations.CACHE_ENV, "")
    assert locations.cache_dir().name == "newsreader"


def test_the_index_goes_to_the_cache_folder_by_default(
    archive: Path, tmp_path: Path, options: LoadOptions, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(locations.CACHE_ENV, str(tmp_path / "cache-home"))
    with ArchiveIndex.open(archive, options) as index:
        index.refresh()
        assert index.path == tmp_path / "cache-home" / "index" / index_file_name(archive.resolve())
        assert index.path is not None and index.path.exists()


# --- threads, closing, upgrades ------------------------------------------------------------


def test_a_closed_index_answers_empty_and_keeps_its_file(
    archive: Path, cache: Path, options: LoadOptions
) -> None:
    # A worker thread still running when the reader closes the index must not take "closed"
    # for "damaged", which would delete the file and its snapshot.
    index = open_index(archive, cache, options)
    index.refresh()
    index.close()
    path = index_path(archive, cache)
    files = sorted(path.parent.iterdir())
    assert index.posts() == []
    assert index.newest(5) == ([], 0)
    assert index.search(SearchTerms.parse("market")) == set()
    assert index.refresh() == RefreshResult()
    index.save_snapshot()
    index.close()
    assert index.notices == []
    assert sorted(path.parent.iterdir()) == files
    with open_index(archive, cache, options) as again:
        assert len(again.posts()) == 3


def test_posts_read_during_the_build_do_not_make_the_next_refresh_read_again(
    archive: Path, cache: Path, options: LoadOptions, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The reader shows the posts built so far from its progress callback (the refresh's own
    # thread); the refresh must keep track of every file all the same.
    monkeypatch.setattr(index_workers, "BATCH", 1)
    seen: list[int] = []

    def progress(done: int, total: int) -> None:
        if done == 1:  # early in the build, as the reader's growing intervals are
            seen.append(len(index.posts()))

    with open_index(archive, cache, options) as index:
        index.refresh(progress=progress)
        assert seen == [1]
        loads = CountingLoads(monkeypatch)
        again = index.refresh()
    assert loads.paths == []
    assert again == RefreshResult(scanned=3)


def test_an_index_made_before_the_newest_posts_index_gains_it(
    archive: Path, cache: Path, options: LoadOptions
) -> None:
    path = built_index(archive, cache, options)
    with contextlib.closing(sqlite3.connect(path)) as connection:
        connection.execute("DROP INDEX entries_newest")
        connection.commit()
    with open_index(archive, cache, options) as index:
        assert index.notices == []
        first, total = index.newest(1)
        assert total == 3 and first[0].id == "_posts/2022-04-03-c.md"
        assert len(index.refresh().added) == 0
    with contextlib.closing(sqlite3.connect(path)) as connection:
        names = {name for (name,) in connection.execute("SELECT name FROM sqlite_master")}
    assert "entries_newest" in names


def test_entry_rows_are_named_in_the_order_they_are_read() -> None:
    assert index_sql.ENTRY_COLUMNS.split(", ") == list(index_rows.EntryRow._fields)
    file_fields = index_rows.FileRow._fields
    assert index_rows.EntryRow._fields[-len(file_fields) :] == file_fields
    assert f"SELECT {', '.join(file_fields)} FROM entries" == index_sql.FILE_STATE


def test_row_paths_are_the_paths_pathlib_builds(tmp_path: Path) -> None:
    make = index_rows.RowDecoder(tmp_path).path
    for relative in ("a.md", "_posts/a.md", "_posts/2022/b.md", "_posts/2022/c.md", "x/\udce9.md"):
        made, expected = make(relative), tmp_path / relative
        assert (made, str(made), made.parent, made.name) == (
            expected,
            str(expected),
            expected.parent,
            expected.name,
        )


def test_row_paths_skip_parsing_on_python_311_and_only_there(tmp_path: Path) -> None:
    """The guard of pathlib's private ``_from_parsed_parts``: in use on 3.11 (else a warm
    start silently slows by a sixth), never on another version, and building pathlib's
    Paths with every part (``.parts``, ``.suffix``, comparisons) as they should be."""
    joiner = index_rows.fast_joiner(tmp_path)
    if sys.version_info[:2] != (3, 11):
        assert joiner is None
        return
    assert joiner is not None, "3.11's pathlib changed: its private part-joining is gone"
    made = joiner("_posts/2022", "2022-01-01-a.md")
    expected = tmp_path / "_posts" / "2022" / "2022-01-01-a.md"
    assert made == expected and hash(made) == hash(expected)
    assert made.parts == expected.parts and made.suffix == ".md"
    assert made.relative_to(tmp_path).as_posix() == "_posts/2022/2022-01-01-a.md"
    assert joiner("", "top.md") == tmp_path / "top.md"
