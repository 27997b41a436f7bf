"""Pilot tests of the reader's start from the index and of files changing while it runs.

A warm start shows the newest posts before all of them are read, with keys working; files
added, deleted or rewritten while the reader is open reach the list, the counts and the
search without moving the cursor, and the arrivals are announced.
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from test_reader import TZ, notifications, rows, screen_text, status, until, write_post
from textual.pilot import Pilot

from newsreader.app import create_app
from newsreader.archive import LoadOptions
from newsreader.archive.index import ArchiveIndex
from newsreader.archive.index import rows as index_rows
from newsreader.archive.index import workers as index_workers
from newsreader.reader import feed as feed_module
from newsreader.reader.feed import ArchiveFeed, Batch, FeedEvent
from newsreader.screens.reader import ReaderScreen

Scenario = Callable[[Pilot[None], ReaderScreen], Awaitable[None]]
AN_HOUR_AGO = time.time() - 3600


@pytest.fixture(autouse=True)
def polling_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """The looks these tests ask for are the only ones (the watcher would add its own)."""
    monkeypatch.setenv("NEWSREADER_WATCH", "poll")


def write_archive(root: Path, count: int) -> None:
    """``count`` posts, one a day, "Post 0000" the oldest; settled an hour back."""
    for number in range(count):
        day = date(2022, 1, 1) + timedelta(days=number)
        write_post(root, f"{day.isoformat()}-post-{number:04d}.md", f"Post {number:04d}")
    settle(root)


def settle(root: Path) -> None:
    """Date every file and folder an hour back, as an archive at rest is."""
    for folder, _, names in os.walk(root):
        for name in names:
            os.utime(os.path.join(folder, name), (AN_HOUR_AGO, AN_HOUR_AGO))
        os.utime(folder, (AN_HOUR_AGO, AN_HOUR_AGO))


def start(root: Path, scenario: Scenario, *, wait: bool = True) -> None:
    app = create_app(root, LoadOptions(tz=TZ))

    async def main() -> None:
        async with app.run_test(size=(120, 36)) as pilot:
            reader = app.screen_stack[0]
            assert isinstance(reader, ReaderScreen)
            if wait:
                await loaded(pilot, reader)
            await scenario(pilot, reader)

    asyncio.run(main())


async def loaded(pilot: Pilot[None], reader: ReaderScreen) -> None:
    await until(
        pilot, lambda: not reader.model.loading and not reader.sidebar.pending, "the archive"
    )


# --- a warm start ------------------------------------------------------------------------


def test_a_warm_start_shows_the_newest_posts_first_and_keys_work_before_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_archive(tmp_path, 40)
    start(tmp_path, loaded)  # the first visit builds the index

    monkeypatch.setattr(feed_module, "FIRST_BATCH", 5)
    release = threading.Event()
    real_archive = ArchiveIndex.archive

    def slow_archive(index: ArchiveIndex) -> object:
        release.wait(10)  # all posts arrive only when the test says so
        return real_archive(index)

    monkeypatch.setattr(ArchiveIndex, "archive", slow_archive)

    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await until(pilot, lambda: reader.article_list.posts, "the first posts")
        assert [post.title for post in reader.article_list.posts] == [
            f"Post {number:04d}" for number in range(39, 34, -1)
        ]
        assert status(reader) == "loading — 5 of 40 posts"
        await pilot.press("j", "j")
        assert "Post 0037" in rows(reader)[reader.article_list.cursor]
        release.set()
        await loaded(pilot, reader)
        assert len(reader.article_list.posts) == 40
        assert status(reader) == "40 of 40 posts"
        # The cursor stayed on the post the user moved to.
        assert "Post 0037" in rows(reader)[reader.article_list.cursor]

    try:
        start(tmp_path, scenario, wait=False)
    finally:
        release.set()


# --- a first visit ------------------------------------------------------------------------


def parse_slowly(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    """A first build in batches of 10 files, each file taking ``seconds`` to parse."""
    monkeypatch.setattr(index_workers, "BATCH", 10)
    real_parse = index_rows.parse_file

    def slow_parse(*args: object) -> object:
        time.sleep(seconds)
        return real_parse(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(index_rows, "parse_file", slow_parse)


def test_a_first_build_is_shown_in_parts_and_ends_with_every_post_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_archive(tmp_path, 150)
    # Batches of 10, each taking 0.2 s: a part is shown after 1 s, the end comes after 3 s.
    parse_slowly(monkeypatch, 0.02)
    sizes: list[tuple[int, bool, int | None]] = []
    parts: list[str] = []
    real_start = ArchiveFeed.start

    def start_recording(feed: ArchiveFeed, emit: Callable[[FeedEvent], None], *args: Any) -> None:
        def recording(event: FeedEvent) -> None:
            if isinstance(event, Batch):
                whole = None if event.archive is None else len(event.archive)
                sizes.append((len(event.posts), event.finished, whole))
                parts.extend(post.id for post in event.posts)
            emit(event)

        real_start(feed, recording, *args)

    monkeypatch.setattr(ArchiveFeed, "start", start_recording)

    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await until(pilot, lambda: reader.article_list.posts, "the first part")
        assert reader.model.loading
        assert 0 < len(reader.article_list.posts) < 150
        # How far the build has got, in files: the posts listed so far are not the total.
        assert re.match(r"indexing \d+/150 files — \d+ of \d+ posts$", status(reader))
        await loaded(pilot, reader)
        assert status(reader) == "150 of 150 posts"
        titles = [post.title for post in reader.article_list.posts]
        assert titles == [f"Post {number:04d}" for number in range(149, -1, -1)]
        # Each part brought only posts not shown yet; the end is the whole index, served
        # from it (no Post made for the posts not on screen).
        assert len(sizes) >= 2 and sizes[-1] == (0, True, 150)
        assert 0 < len(parts) == len(set(parts)) <= 150

    start(tmp_path, scenario, wait=False)


def test_a_first_visit_says_it_is_loading_before_any_post_is_listed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_archive(tmp_path, 30)
    parse_slowly(monkeypatch, 0.05)

    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await pilot.pause(0.1)
        assert not reader.article_list.posts
        assert "Loading posts…" in "\n".join(rows(reader))
        await loaded(pilot, reader)

    start(tmp_path, scenario, wait=False)


def test_after_a_first_build_the_untouched_list_is_at_the_newest_post(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_archive(tmp_path, 300)
    # The newest post in a folder of its own, read after every other: parts are shown after
    # about 1 s and 3 s, and the build ends at about 4.5 s, so the newest post comes last.
    newest = tmp_path / "_posts" / "2022-10-27-post-0299.md"
    (tmp_path / "_posts" / "later").mkdir()
    newest.rename(tmp_path / "_posts" / "later" / newest.name)
    settle(tmp_path)
    parse_slowly(monkeypatch, 0.015)

    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await until(pilot, lambda: reader.article_list.posts, "the first part")
        await loaded(pilot, reader)
        assert status(reader) == "300 of 300 posts"
        assert reader.article_list.cursor == 0, f"the cursor is on {rows(reader)}"
        assert "Post 0299" in rows(reader)[0]

    start(tmp_path, scenario, wait=False)


# --- files changing while the reader runs ------------------------------------------------


def test_new_files_arrive_with_a_notice_and_the_cursor_stays(tmp_path: Path) -> None:
    write_archive(tmp_path, 10)

    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await pilot.press("j", "j", "j")
        assert "Post 0006" in rows(reader)[3]
        for number in range(3):
            write_post(tmp_path, f"2023-06-0{number + 1}-new-{number}.md", f"新文章 {number}")
        reader.feed.look_now(changed=False)
        await until(pilot, lambda: len(reader.article_list.posts) == 13, "the new posts")
        assert status(reader) == "13 of 13 posts"
        assert "3 new posts arrived" in notifications(pilot)
        assert "新文章 2" in rows(reader)[0]
        cursor = reader.article_list.cursor
        assert "Post 0006" in rows(reader)[cursor], "the cursor left its post"
        # The search finds them too.
        await pilot.press("slash", *"新文章", "enter")
        await until(pilot, lambda: len(reader.article_list.posts) == 3, "the search")

    start(tmp_path, scenario)


def test_a_deleted_file_leaves_the_list(tmp_path: Path) -> None:
    write_archive(tmp_path, 5)

    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        (tmp_path / "_posts" / "2022-01-03-post-0002.md").unlink()
        reader.feed.look_now(changed=False)
        await until(pilot, lambda: len(reader.article_list.posts) == 4, "the deletion")
        titles = [post.title for post in reader.article_list.posts]
        assert "Post 0002" not in titles
        assert status(reader) == "4 of 4 posts"

    start(tmp_path, scenario)


def counted_refreshes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A list that grows by one at each refresh of any index (a stat of every file)."""
    refreshes: list[int] = []
    real_refresh = ArchiveIndex.refresh

    def counting(index: ArchiveIndex, *args: object, **kwargs: object) -> object:
        refreshes.append(1)
        return real_refresh(index, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ArchiveIndex, "refresh", counting)
    return refreshes


def test_a_file_rewritten_in_place_is_seen_at_the_next_full_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_archive(tmp_path, 5)
    refreshes = counted_refreshes(monkeypatch)

    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        started = len(refreshes)
        # Nothing changed: a poll looks at the folders only.
        reader.feed.look_now(changed=False)
        await pilot.pause(0.2)
        assert len(refreshes) == started
        # Rewritten in place (its folder's time stays): seen once a full check is due.
        path = tmp_path / "_posts" / "2022-01-05-post-0004.md"
        path.write_text(path.read_text().replace("Post 0004", "Post 0004, corrected"))
        monkeypatch.setattr(feed_module, "FULL_CHECK_SECONDS", 0.0)
        reader.feed.look_now(changed=False)
        await until(
            pilot,
            lambda: reader.article_list.posts[0].title == "Post 0004, corrected",
            "the rewritten title",
        )
        assert len(refreshes) == started + 1
        assert "Post 0004, corrected" in rows(reader)[0]

    start(tmp_path, scenario)


def test_a_warm_start_lists_without_a_stat_of_every_file_and_the_first_look_checks_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_archive(tmp_path, 5)
    start(tmp_path, loaded)  # the first visit builds the index and records its scan
    path = tmp_path / "_posts" / "2022-01-05-post-0004.md"
    path.write_text(path.read_text().replace("Post 0004", "Post 0004, corrected"))
    settle(tmp_path)  # rewritten in place while the reader was closed: no folder changed
    refreshes = counted_refreshes(monkeypatch)

    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        assert refreshes == []  # listed from the index as the last visit left it
        assert "Post 0004" in rows(reader)[0]
        reader.feed.look_now(changed=False)  # the first look is a full check
        await until(
            pilot,
            lambda: reader.article_list.posts[0].title == "Post 0004, corrected",
            "the title rewritten while the reader was closed",
        )
        assert refreshes == [1]

    start(tmp_path, scenario)


def test_posts_that_arrived_and_were_deleted_again_leave_the_list(tmp_path: Path) -> None:
    write_archive(tmp_path, 5)

    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        added = [
            write_post(tmp_path, f"2023-06-0{number + 1}-new-{number}.md", f"New {number}")
            for number in range(3)
        ]
        reader.feed.look_now(changed=False)
        await until(pilot, lambda: len(reader.article_list.posts) == 8, "the new posts")
        await pilot.pause(0.3)
        for path in added:
            path.unlink()
        reader.feed.look_now(changed=False)
        await until(pilot, lambda: len(reader.article_list.posts) == 5, "the deletions")
        assert status(reader) == "5 of 5 posts"

    start(tmp_path, scenario)


# --- the watcher --------------------------------------------------------------------------


def test_a_file_rewritten_in_place_shows_within_a_second_with_the_watcher(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NEWSREADER_WATCH")
    write_archive(tmp_path, 5)
    # No poll would see it for a minute: only the watcher can bring it in time.
    monkeypatch.setattr(feed_module, "WATCH_SECONDS", 3600.0)

    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await pilot.pause(0.5)  # the watcher starts once loading is over
        path = tmp_path / "_posts" / "2022-01-05-post-0004.md"
        path.write_text(path.read_text().replace("Post 0004", "Post 0004, corrected"))
        started = time.monotonic()
        await until(
            pilot,
            lambda: reader.article_list.posts[0].title == "Post 0004, corrected",
            "the rewritten title",
            timeout=5,
        )
        assert time.monotonic() - started < 2.0
        assert "Post 0004, corrected" in rows(reader)[0]

    start(tmp_path, scenario)


def test_without_watchfiles_the_polls_still_bring_new_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NEWSREADER_WATCH")
    monkeypatch.setitem(sys.modules, "watchfiles", None)  # import watchfiles fails
    monkeypatch.setattr(feed_module, "WATCH_SECONDS", 0.2)
    write_archive(tmp_path, 3)

    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        write_post(tmp_path, "2023-06-01-new.md", "Arrived by polling")
        await until(pilot, lambda: len(reader.article_list.posts) == 4, "the new post")
        assert "Arrived by polling" in rows(reader)[0]

    start(tmp_path, scenario)


def test_a_feed_that_fails_says_so_and_the_reader_keeps_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_archive(tmp_path, 3)
    start(tmp_path, loaded)  # the index is built

    def broken_refresh(*args: object, **kwargs: object) -> object:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ArchiveIndex, "refresh", broken_refresh)

    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await until(
            pilot,
            lambda: any("No space left on device" in n for n in notifications(pilot)),
            "the failure to be said",
        )
        assert any("press r to try again" in n for n in notifications(pilot))
        assert len(reader.article_list.posts) == 3, "the posts read before the failure stay"
        await pilot.press("j")
        assert reader.article_list.cursor == 1

    start(tmp_path, scenario, wait=False)


# --- what a reload or a new batch must leave as it was --------------------------------------


def test_a_list_scrolled_by_the_wheel_stays_where_it_is_when_posts_arrive(tmp_path: Path) -> None:
    write_archive(tmp_path, 80)

    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        listing = reader.article_list
        for _ in range(10):
            listing.scroll_down(animate=False)  # what the mouse wheel does: no cursor move
        await pilot.pause()
        before = listing.scroll_offset.y
        assert before > 0
        write_post(tmp_path, "2021-01-01-old.md", "An old one")  # lands at the bottom
        reader.feed.look_now(changed=False)
        await until(pilot, lambda: len(listing.posts) == 81, "the new post")
        await pilot.pause()
        assert listing.scroll_offset.y == before, "the list jumped back to the top"

    start(tmp_path, scenario)


def test_r_keeps_the_article_being_read_even_an_old_one(tmp_path: Path) -> None:
    write_archive(tmp_path, 400)  # more than the newest 300 a reload shows first

    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await pilot.press("G", "enter")
        opened = reader.reading_pane.post
        assert opened is not None and opened.title == "Post 0000"
        await pilot.press("r")
        await until(pilot, lambda: not reader.model.loading, "the reload")
        await pilot.pause()
        assert reader.reading_pane.post is not None, "r closed the article"
        assert reader.reading_pane.post.title == "Post 0000"

    start(tmp_path, scenario)


def test_a_feed_stopped_at_once_leaves_no_index_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_archive(tmp_path, 3)
    opened: list[ArchiveIndex] = []
    real_open = ArchiveIndex.open

    def recording_open(*args: Any, **kwargs: Any) -> ArchiveIndex:
        index = real_open(*args, **kwargs)
        opened.append(index)
        return index

    monkeypatch.setattr(ArchiveIndex, "open", recording_open)
    for _ in range(10):
        feed = ArchiveFeed(tmp_path, LoadOptions(tz=TZ))
        feed.run(lambda event: None, watch=False)
        feed.stop()  # r or ctrl+p pressed again at once
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not (
        len(opened) == 10 and all(index._closed for index in opened)
    ):
        time.sleep(0.05)
    assert len(opened) == 10 and all(index._closed for index in opened)


def test_the_article_being_read_shows_its_file_rewritten(tmp_path: Path) -> None:
    write_archive(tmp_path, 3)

    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await pilot.press("enter")
        path = tmp_path / "_posts" / "2022-01-03-post-0002.md"
        path.write_text(path.read_text().replace("Body.", "Body, corrected today."))
        reader.feed.look_now()
        await until(
            pilot,
            lambda: "Body, corrected today." in screen_text(pilot),
            "the new text in the reading pane",
        )

    start(tmp_path, scenario)
