"""The full-text shards: every text in the right shard exactly once, whatever interrupts a write."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest
from test_index import (
    REPO,
    assert_each_printed,
    copy_archive,
    post_text,
    settle,
    start_two_programs,
    three_hundred_posts,
)

from newsreader.archive import LoadOptions, SearchTerms, load_archive
from newsreader.archive.index import ArchiveIndex
from newsreader.archive.index import entries as index_entries
from newsreader.archive.index import shard_processes as index_shard_processes
from newsreader.archive.index import store as index_store
from newsreader.archive.index import texts as index_texts
from newsreader.archive.index import workers as index_workers
from newsreader.archive.index.store import index_file_name
from newsreader.archive.index.texts import shard_path
from newsreader.archive.query import search_text

SHARDS = 3
"""More shards than this machine may have cores: the count must not matter."""


@pytest.fixture(autouse=True)
def three_shards(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index_store, "shard_count", lambda: SHARDS)


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """Twelve posts: four in each shard."""
    root = tmp_path / "archive"
    (root / "_posts").mkdir(parents=True)
    for number in range(12):
        (root / "_posts" / f"2022-04-{number + 1:02d}-p{number}.md").write_text(
            post_text(f"Post {number}", f"港口 harbour{number} 合作{number % 4} 北京"),
            encoding="utf-8",
        )
    settle(root)
    return root


def index_path(root: Path, cache: Path) -> Path:
    return cache / index_file_name(root.resolve())


def texts_by_shard(root: Path, cache: Path) -> list[list[int]]:
    """Each shard file's rowids."""
    path = index_path(root, cache)
    with sqlite3.connect(path) as main:
        (count,) = main.execute("SELECT value FROM meta WHERE key = 'shards'").fetchone()
    shards: list[list[int]] = []
    for number in range(int(count)):
        with sqlite3.connect(shard_path(path, number)) as shard:
            shards.append([rowid for (rowid,) in shard.execute("SELECT rowid FROM fts")])
    return shards


def assert_texts_exact(root: Path, cache: Path) -> None:
    """Every post's text is in its shard, once; nothing else is in any shard."""
    with sqlite3.connect(index_path(root, cache)) as main:
        posts = sorted(
            rowid for (rowid,) in main.execute("SELECT rowid FROM entries WHERE kind = 0")
        )
        assert main.execute("SELECT count(*) FROM dead_texts").fetchone() == (0,)
    shards = texts_by_shard(root, cache)
    for number, rowids in enumerate(shards):
        assert all(rowid % len(shards) == number for rowid in rowids)
    assert sorted(rowid for rowids in shards for rowid in rowids) == posts


def assert_search_exact(index: ArchiveIndex, root: Path, options: LoadOptions) -> None:
    """A few hundred queries answered as a plain scan of the posts answers them."""
    haystacks = {post.id: search_text(post) for post in load_archive(root, options).posts}
    rng = random.Random(3)
    pieces = [
        text[start : start + length]
        for text in haystacks.values()
        for length in (1, 2, 3, 5)
        for start in [rng.randrange(max(1, len(text) - length))]
    ]
    queries = [f'"{piece}"' for piece in pieces if piece.strip() and '"' not in piece]
    queries += [f'{first} -"{second}"' for first, second in zip(queries, queries[7:], strict=False)]
    queries += ["-港口", "-合作1", "合作 -北京", "harbour -合作2", "-zzz", ""]
    for query in queries:
        terms = SearchTerms.parse(query)
        expected = {post_id for post_id, text in haystacks.items() if terms.matches(text)}
        assert index.search(terms) == expected, query


def open_index(root: Path, cache: Path, options: LoadOptions) -> ArchiveIndex:
    return ArchiveIndex.open(root, options, cache)


def test_each_shard_holds_its_posts_and_search_asks_them_all(
    archive: Path, cache: Path, options: LoadOptions
) -> None:
    with open_index(archive, cache, options) as index:
        index.refresh()
        assert_search_exact(index, archive, options)
        assert index.search(SearchTerms.parse("harbour11")) == {"_posts/2022-04-12-p11.md"}
    assert all(len(rowids) == 4 for rowids in texts_by_shard(archive, cache))
    assert_texts_exact(archive, cache)


def test_the_sample_archive_searches_as_a_plain_scan_over_three_shards(
    tmp_path: Path, cache: Path, options: LoadOptions
) -> None:
    root = copy_archive(REPO / "sample_posts", tmp_path / "sample")
    with open_index(root, cache, options) as index:
        index.refresh()
        assert_search_exact(index, root, options)
    assert_texts_exact(root, cache)


def test_deleted_and_rewritten_posts_leave_their_shards(
    archive: Path, cache: Path, options: LoadOptions
) -> None:
    posts = archive / "_posts"
    with open_index(archive, cache, options) as index:
        index.refresh()
        (posts / "2022-04-01-p0.md").unlink()
        (posts / "2022-04-02-p1.md").write_text(post_text("Post 1", "重写 rewritten"), "utf-8")
        settle(archive)
        result = index.refresh()
        assert result.removed == ("_posts/2022-04-01-p0.md",)
        assert result.changed == ("_posts/2022-04-02-p1.md",)
        assert index.search(SearchTerms.parse("harbour1")) == {
            f"_posts/2022-04-{day:02d}-p{day - 1}.md" for day in (11, 12)
        }
        assert index.search(SearchTerms.parse("重写")) == {"_posts/2022-04-02-p1.md"}
        assert_search_exact(index, archive, options)
    assert_texts_exact(archive, cache)


class Interrupt(KeyboardInterrupt):
    """Ctrl-C, pressed once the shards have committed a batch the index file has not."""


def interrupt_after_shards(monkeypatch: pytest.MonkeyPatch, at_batch: int) -> None:
    real = index_texts.TextShards.write
    batches = iter(range(1, 10_000))

    def write(self: index_texts.TextShards, *args: object, **kwargs: object) -> None:
        real(self, *args, **kwargs)  # type: ignore[arg-type]
        if next(batches) == at_batch:
            raise Interrupt

    monkeypatch.setattr(index_texts.TextShards, "write", write)


def no_cleanup(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if the program were killed rather than interrupted: nothing runs after the batch."""
    real = index_entries.settle_texts

    def settle(*args: object, interrupted: bool = False) -> None:
        if not interrupted:
            real(*args, interrupted=interrupted)  # type: ignore[arg-type]

    monkeypatch.setattr(index_entries, "settle_texts", settle)


@pytest.mark.parametrize("processes", [False, True], ids=["here", "shard processes"])
@pytest.mark.parametrize("killed", [False, True], ids=["interrupted", "killed"])
def test_a_build_stopped_between_shards_and_entries_ends_exact(
    processes: bool,
    killed: bool,
    archive: Path,
    cache: Path,
    options: LoadOptions,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(index_workers, "BATCH", 5)
    if processes:
        monkeypatch.setattr(index_shard_processes, "PROCESSES_FROM", 1)
    with open_index(archive, cache, options) as index:
        interrupt_after_shards(monkeypatch, at_batch=2)
        if killed:
            no_cleanup(monkeypatch)
        with pytest.raises(Interrupt):
            index.refresh(workers=1)
        monkeypatch.undo()
        monkeypatch.setattr(index_store, "shard_count", lambda: SHARDS)
        assert len(index.posts()) == 5
        if killed:
            # The stopped batch's texts are in the shards, its entries are not: unseen.
            assert sum(map(len, texts_by_shard(archive, cache))) == 10
        else:
            assert_texts_exact(archive, cache)
        assert index.search(SearchTerms.parse("港口")) == {post.id for post in index.posts()}
    with open_index(archive, cache, options) as index:
        result = index.refresh()
        assert result.parsed == 7 and not result.notices
        assert_search_exact(index, archive, options)
    assert_texts_exact(archive, cache)


def test_an_interrupted_rewrite_keeps_the_old_text_until_the_new_one_is_in(
    archive: Path, cache: Path, options: LoadOptions, monkeypatch: pytest.MonkeyPatch
) -> None:
    posts = archive / "_posts"
    with open_index(archive, cache, options) as index:
        index.refresh()
        (posts / "2022-04-03-p2.md").write_text(post_text("Post 2", "新的 renewed"), "utf-8")
        settle(archive)
        interrupt_after_shards(monkeypatch, at_batch=1)
        with pytest.raises(Interrupt):
            index.refresh()
        monkeypatch.undo()
        monkeypatch.setattr(index_store, "shard_count", lambda: SHARDS)
        # The entry still names the old text: it is still found, the new one is not yet.
        assert_texts_exact(archive, cache)
        assert index.search(SearchTerms.parse("harbour2")) == {"_posts/2022-04-03-p2.md"}
        assert index.search(SearchTerms.parse("renewed")) == set()
        index.refresh()
        assert index.search(SearchTerms.parse("harbour2")) == set()
        assert index.search(SearchTerms.parse("renewed")) == {"_posts/2022-04-03-p2.md"}
    assert_texts_exact(archive, cache)


_TWO_PROGRAMS = """
import sys
from pathlib import Path
from zoneinfo import ZoneInfo
from newsreader.archive import LoadOptions, SearchTerms
from newsreader.archive.index import ArchiveIndex, shard_processes, workers

if __name__ == "__main__":
    root, cache = Path(sys.argv[1]), Path(sys.argv[2])
    shard_processes.PROCESSES_FROM, workers.BATCH = 1, 40
    with ArchiveIndex.open(root, LoadOptions(tz=ZoneInfo("Asia/Shanghai")), cache) as index:
        for _ in range(3):
            index.refresh(workers=1)
        print(len(index.posts()), len(index.search(SearchTerms.parse("港口"))), index.notices)
"""


def test_two_programs_building_one_index_with_shard_processes_end_exact(
    tmp_path: Path, cache: Path, options: LoadOptions, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = three_hundred_posts(tmp_path, lambda number: f"港口 {number} " * 50)
    programs = start_two_programs(tmp_path, _TWO_PROGRAMS, root, cache)
    monkeypatch.setattr(index_shard_processes, "PROCESSES_FROM", 1)
    monkeypatch.setattr(index_workers, "BATCH", 40)
    with open_index(root, cache, options) as index:
        index.refresh(workers=1)
        mine = len(index.search(SearchTerms.parse("港口")))
    assert_each_printed(programs, "300 300 []", timeout=120)
    assert mine == 300
    assert_texts_exact(root, cache)


def test_a_dying_shard_process_only_slows_the_build(
    archive: Path, cache: Path, options: LoadOptions, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index_shard_processes, "PROCESSES_FROM", 1)
    monkeypatch.setattr(index_workers, "BATCH", 5)
    real = index_shard_processes.ShardProcesses.__call__

    def kill_first(self: index_shard_processes.ShardProcesses, parts: list) -> None:  # type: ignore[type-arg]
        for process, _ in list(self._processes.values())[:1]:
            process.kill()
            process.join()
        real(self, parts)

    monkeypatch.setattr(index_shard_processes.ShardProcesses, "__call__", kill_first)
    with open_index(archive, cache, options) as index:
        result = index.refresh(workers=1)
        assert any("writing process stopped" in notice for notice in result.notices)
        assert_search_exact(index, archive, options)
    assert_texts_exact(archive, cache)


@pytest.mark.parametrize("damage", ["missing", "garbage", "emptied", "another index's"])
def test_a_missing_or_damaged_shard_rebuilds_the_index_with_a_notice(
    damage: str, archive: Path, cache: Path, options: LoadOptions, tmp_path: Path
) -> None:
    with open_index(archive, cache, options) as index:
        index.refresh()
    shard = shard_path(index_path(archive, cache), 1)
    for suffix in ("-wal", "-shm"):
        Path(f"{shard}{suffix}").unlink(missing_ok=True)
    if damage == "missing":
        shard.unlink()
    elif damage == "garbage":
        shard.write_bytes(b"not a database at all" * 2000)
    elif damage == "emptied":
        shard.write_bytes(b"")
    else:
        other = copy_archive(archive, tmp_path / "other")
        other_cache = tmp_path / "other-cache"
        with open_index(other, other_cache, options) as index:
            index.refresh()
        shard.write_bytes(shard_path(index_path(other, other_cache), 1).read_bytes())
    with open_index(archive, cache, options) as index:
        assert len(index.notices) == 1 and "rebuilt" in index.notices[0], index.notices
        assert index.posts() == []
        assert len(index.refresh().added) == 12
        assert_search_exact(index, archive, options)
    assert_texts_exact(archive, cache)


def test_a_shard_damaged_while_open_rebuilds_the_index(
    archive: Path, cache: Path, options: LoadOptions
) -> None:
    with open_index(archive, cache, options) as index:
        index.refresh()
        with sqlite3.connect(shard_path(index_path(archive, cache), 2)) as other:
            other.execute("DROP TABLE fts")
        assert index.search(SearchTerms.parse("港口")) == set()
        assert any("damaged" in notice for notice in index.notices)
        index.refresh()
        assert_search_exact(index, archive, options)
    assert_texts_exact(archive, cache)


def test_discarding_an_index_deletes_its_shards(
    archive: Path, cache: Path, options: LoadOptions
) -> None:
    with open_index(archive, cache, options) as index:
        index.refresh()
    path = index_path(archive, cache)
    assert all(shard_path(path, number).exists() for number in range(SHARDS))
    index_store.discard(path)
    assert [name.name for name in cache.iterdir() if not name.name.endswith(".folders")] == []


def test_a_rebuild_clears_the_shards_in_place(
    archive: Path, cache: Path, options: LoadOptions
) -> None:
    with open_index(archive, cache, options) as index:
        index.refresh()
        (archive / "_posts" / "2022-04-05-p4.md").unlink()
        result = index.refresh(rebuild=True)
        assert result.parsed == 11
        assert_search_exact(index, archive, options)
    assert_texts_exact(archive, cache)


def test_a_temporary_index_keeps_its_shards_beside_it_and_deletes_them(
    archive: Path, tmp_path: Path, options: LoadOptions
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    with open_index(archive, blocker / "index", options) as index:
        assert index.temporary and index.path is not None
        index.refresh()
        assert_search_exact(index, archive, options)
        shards = [shard_path(index.path, number) for number in range(SHARDS)]
        assert all(shard.exists() for shard in shards)
    assert not any(shard.exists() for shard in shards)
