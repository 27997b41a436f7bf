"""The reading-state store: marks survive reopening, moving, renaming, crashes and damage."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from newsreader.archive import Post
from newsreader.state import (
    STATE_FILE_NAME,
    ReadingState,
    StateError,
    archive_key,
)

EIGHT = timezone(timedelta(hours=8))
START = datetime(2022, 4, 1, 8, 0, tzinfo=EIGHT)


@pytest.fixture(autouse=True)
def private_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing here may reach the user's real folders, even through a default."""
    monkeypatch.setenv("NEWSREADER_DATA_DIR", str(tmp_path / "default-data"))
    monkeypatch.setenv("NEWSREADER_CONFIG", str(tmp_path / "default-config.toml"))
    monkeypatch.setenv("NEWSREADER_CACHE_DIR", str(tmp_path / "default-cache"))


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return tmp_path / "data"


def post(
    number: int,
    *,
    post_id: str | None = None,
    url: str | None = "",
    title: str | None = None,
    categories: tuple[str, ...] = (),
) -> Post:
    """Post ``number``: its own id, source address, title and minute unless told otherwise."""
    post_id = post_id or f"_posts/2022-04-01-{number:06d}.md"
    return Post(
        id=post_id,
        path=Path("/archive") / post_id,
        title=title if title is not None else f"Title {number}",
        date=START + timedelta(minutes=number),
        categories=categories,
        tags=(),
        source_url=f"https://news.example.com/{number}.html" if url == "" else url,
        body="",
    )


def renamed(original: Post, new_id: str, **changes: object) -> Post:
    """The same article under another file name."""
    fields = {
        "id": new_id,
        "path": Path("/archive") / new_id,
        "title": original.title,
        "date": original.date,
        "categories": original.categories,
        "tags": original.tags,
        "source_url": original.source_url,
        "body": "",
    }
    fields.update(changes)
    return Post(**fields)


# --- marks ---------------------------------------------------------------------------------


def test_a_new_store_has_no_marks_and_leaves_no_file(data: Path):
    state = ReadingState.open("news", data)
    assert not state.is_read(post(1))
    assert not state.is_starred(post(1))
    assert state.read_ids([post(1), post(2)]) == set()
    assert state.notices == []
    assert not data.exists()  # only the first mark creates the folder and file


def test_the_default_folder_comes_from_the_environment(tmp_path: Path):
    state = ReadingState.open("news")
    state.toggle_read(post(1))
    assert state.path == tmp_path / "default-data" / STATE_FILE_NAME
    assert state.path.is_file()


def test_marks_and_stars_survive_reopening(data: Path):
    state = ReadingState.open("news", data)
    assert state.toggle_read(post(1)) is True
    assert state.toggle_star(post(2)) is True
    state.set_read([post(3), post(4)])
    state.close()

    reopened = ReadingState.open("news", data)
    assert reopened.read_ids([post(n) for n in range(6)]) == {post(n).id for n in (1, 3, 4)}
    assert reopened.starred_ids([post(n) for n in range(6)]) == {post(2).id}
    assert reopened.is_read(post(1)) and not reopened.is_starred(post(1))
    assert reopened.toggle_read(post(1)) is False
    reopened.close()
    assert not ReadingState.open("news", data).is_read(post(1))


def test_a_star_keeps_the_read_mark_and_back(data: Path):
    state = ReadingState.open("news", data)
    state.toggle_read(post(1))
    state.toggle_star(post(1))
    assert state.is_read(post(1)) and state.is_starred(post(1))
    state.set_read([post(1)], False)
    assert not state.is_read(post(1)) and state.is_starred(post(1))


def test_each_archive_has_its_own_marks(data: Path):
    one = ReadingState.open("one", data)
    two = ReadingState.open("two", data)
    one.toggle_read(post(1))
    assert one.is_read(post(1))
    assert not two.is_read(post(1))
    assert len(one.export()["marks"]) == 1 and two.export()["marks"] == []


def test_marking_many_is_one_undoable_change(data: Path):
    state = ReadingState.open("news", data)
    posts = [post(n) for n in range(10)]
    state.toggle_read(posts[0])
    token = state.set_read(posts)
    assert len(token) == 9  # the first was read already
    assert state.read_ids(posts) == {p.id for p in posts}
    assert state.undo(token) == 9
    assert state.read_ids(posts) == {posts[0].id}
    state.close()
    assert ReadingState.open("news", data).read_ids(posts) == {posts[0].id}


def test_undo_belongs_to_its_archive(data: Path):
    token = ReadingState.open("one", data).set_read([post(1)])
    with pytest.raises(ValueError, match="one"):
        ReadingState.open("two", data).undo(token)


def test_stars_can_be_set_in_bulk_and_undone(data: Path):
    state = ReadingState.open("news", data)
    token = state.set_starred([post(1), post(2), post(1)])
    assert len(token) == 2
    assert state.starred_ids([post(1), post(2), post(3)]) == {post(1).id, post(2).id}
    state.undo(token)
    assert state.starred_ids([post(1), post(2)]) == set()


def test_the_store_can_be_used_from_a_worker_thread(data: Path):
    state = ReadingState.open("news", data)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            state.set_read([post(1)])
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    worker = threading.Thread(target=work)
    worker.start()
    worker.join()
    assert errors == []
    assert state.is_read(post(1))


# --- finding marks again ---------------------------------------------------------------------


def test_the_archive_key_is_the_folder_name_so_a_fresh_clone_keeps_marks(tmp_path: Path):
    first = tmp_path / "home" / "finews"
    clone = tmp_path / "elsewhere" / "finews"
    first.mkdir(parents=True)
    clone.mkdir(parents=True)
    assert archive_key(first) == archive_key(clone) == "finews"
    ReadingState.open(archive_key(first), tmp_path / "data").set_read([post(1)])
    assert ReadingState.open(archive_key(clone), tmp_path / "data").is_read(post(1))


def test_a_configured_name_follows_the_folder(tmp_path: Path):
    renamed_folder = tmp_path / "finews-2024"
    renamed_folder.mkdir()
    named = {"finews": renamed_folder, "other": tmp_path / "other"}
    assert archive_key(renamed_folder, named) == "finews"
    assert archive_key(tmp_path / "other" / ".." / "finews-2024", named) == "finews"
    assert archive_key(tmp_path / "third", named) == "third"


def test_a_renamed_file_keeps_its_mark_by_source_address(data: Path):
    state = ReadingState.open("news", data)
    original = post(1)
    state.toggle_read(original)
    state.toggle_star(original)
    moved = renamed(original, "_posts/renamed.md", title="A corrected title")
    assert state.is_read(moved) and state.is_starred(moved)
    assert state.read_ids([moved]) == {moved.id}


def test_a_renamed_file_keeps_its_mark_by_title_and_date(data: Path):
    state = ReadingState.open("news", data)
    original = post(1, url=None)
    state.toggle_read(original)
    assert state.is_read(renamed(original, "_posts/renamed.md"))
    assert not state.is_read(renamed(original, "_posts/other.md", title="Another title"))
    later = renamed(original, "_posts/later.md", date=original.date + timedelta(hours=1))
    assert not state.is_read(later)


def test_a_path_reused_by_another_article_does_not_inherit_its_mark(data: Path):
    state = ReadingState.open("news", data)
    state.toggle_read(post(1))
    other = post(2, post_id=post(1).id)  # same file name, another source address and title
    assert not state.is_read(other)
    assert not state.read_ids([other])
    state.toggle_star(other)
    assert state.is_starred(other) and not state.is_read(other)


def test_changing_a_renamed_post_carries_the_other_mark_along(data: Path):
    state = ReadingState.open("news", data)
    original = post(1)
    state.toggle_star(original)
    moved = renamed(original, "_posts/renamed.md")
    state.toggle_read(moved)
    state.close()
    reopened = ReadingState.open("news", data)
    assert reopened.is_read(moved) and reopened.is_starred(moved)


def test_read_ids_is_fast_for_a_hundred_thousand_posts(data: Path):
    posts = [post(n) for n in range(100_000)]
    state = ReadingState.open("big", data)
    state.set_read(posts[::10])
    state.close()
    state = ReadingState.open("big", data)
    started = time.perf_counter()
    read = state.read_ids(posts)
    elapsed = time.perf_counter() - started
    assert len(read) == 10_000
    # The budget is 200 ms (measured: well under it); a loaded test machine gets leeway, a
    # quadratic match would not fit.
    assert elapsed < 1.0, f"read_ids took {elapsed:.3f} s"


# --- export and import -----------------------------------------------------------------------


def test_export_then_import_into_a_fresh_store_restores_the_marks(tmp_path: Path):
    home = ReadingState.open("news", tmp_path / "home")
    home.set_read([post(1), post(2)])
    home.toggle_star(post(3))
    exported = json.loads(json.dumps(home.export()))
    assert exported["format"] == "newsreader-state" and len(exported["marks"]) == 3

    laptop = ReadingState.open("news-on-laptop", tmp_path / "laptop")
    result = laptop.import_(exported)
    assert (result.added, result.updated, result.unchanged, result.skipped) == (3, 0, 0, 0)
    posts = [post(n) for n in range(5)]
    assert laptop.read_ids(posts) == {post(1).id, post(2).id}
    assert laptop.starred_ids(posts) == {post(3).id}
    again = laptop.import_(exported)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3)


def test_import_merges_marks_from_both_sides(tmp_path: Path):
    home = ReadingState.open("news", tmp_path / "home")
    laptop = ReadingState.open("news", tmp_path / "laptop")
    home.set_read([post(1)])
    laptop.set_read([post(2)])
    laptop.toggle_star(post(1))
    result = laptop.import_(home.export())
    assert (result.added, result.updated) == (0, 1)
    assert laptop.read_ids([post(1), post(2)]) == {post(1).id, post(2).id}
    assert laptop.is_starred(post(1))


def test_a_newer_unmark_wins_an_older_mark_loses(tmp_path: Path):
    home = ReadingState.open("news", tmp_path / "home")
    laptop = ReadingState.open("news", tmp_path / "laptop")
    home.set_read([post(1), post(2)])
    laptop.import_(home.export())
    time.sleep(0.01)
    home.set_read([post(1)], False)  # unread at home after the copy: newer than the mark
    laptop.import_(home.export())
    assert laptop.read_ids([post(1), post(2)]) == {post(2).id}

    time.sleep(0.01)
    laptop.set_read([post(1)])  # read again on the laptop, later than the unmark
    home.import_(laptop.export())
    assert home.is_read(post(1))


def test_import_rejects_what_is_not_an_export(data: Path):
    state = ReadingState.open("news", data)
    with pytest.raises(StateError, match="not a newsreader state export"):
        state.import_({"marks": []})
    with pytest.raises(StateError, match="version"):
        state.import_({"format": "newsreader-state", "version": 99, "marks": []})


def test_import_skips_bad_entries_and_says_why(data: Path):
    state = ReadingState.open("news", data)
    result = state.import_(
        {
            "format": "newsreader-state",
            "version": 1,
            "marks": [
                {"id": "good.md", "read": True, "read_changed": "2024-01-01T00:00:00+00:00"},
                {"id": "", "read": True},
                {"id": "bad.md", "read": "yes"},
                {"id": "when.md", "read": True, "read_changed": "last week"},
                "not an object",
            ],
        }
    )
    assert (result.added, result.skipped) == (1, 4)
    assert any('"read" must be true or false' in problem for problem in result.problems)
    assert any("last week" in problem for problem in result.problems)
    assert state.is_read(post(1, post_id="good.md", url=None))


# --- failures ----------------------------------------------------------------------------------


def test_a_full_disk_is_a_clear_error_and_nothing_pretends_to_be_saved(data: Path):
    state = ReadingState.open("news", data)
    state.toggle_read(post(0))
    conn = state._conn  # the test's way to make SQLite's file full: cap its size
    assert conn is not None
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")
    many = [post(n) for n in range(1, 5000)]
    with pytest.raises(StateError, match=r"could not save: database or disk is full"):
        state.set_read(many)
    assert state.read_ids(many) == set()
    assert state.is_read(post(0))
    state.close()
    reopened = ReadingState.open("news", data)
    assert reopened.read_ids(many) == set() and reopened.is_read(post(0))


def test_a_file_that_refuses_writes_is_a_clear_error(data: Path):
    state = ReadingState.open("news", data)
    state.toggle_read(post(0))
    conn = state._conn  # as root a read-only folder does not refuse: make SQLite refuse
    assert conn is not None
    conn.execute("PRAGMA query_only = 1")
    with pytest.raises(StateError, match=r"could not save: .*readonly"):
        state.toggle_star(post(0))
    assert not state.is_starred(post(0)) and state.is_read(post(0))


def test_a_folder_that_cannot_be_created_is_a_clear_error(tmp_path: Path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    state = ReadingState.open("news", blocker / "data")
    assert state.notices == []
    with pytest.raises(StateError, match="could not save"):
        state.toggle_read(post(1))
    assert not state.is_read(post(1))


def test_a_read_only_folder_is_a_clear_error(data: Path):
    # Root writes into a read-only folder, so a root test drops to `nobody` (from inside the
    # folder, whose parents `nobody` may not enter), for whom it really is read-only: the test
    # runs, never skips, as root and as anyone else.
    scenario = f"""
    import os
    from newsreader.state import StateError
    state.toggle_read(post(1))
    state.close()
    os.chdir(sys.argv[1])
    os.chmod({STATE_FILE_NAME!r}, 0o444)
    os.chmod(".", 0o555)
    if os.geteuid() == 0:
        os.setuid(65534)
    state = ReadingState.open("news", Path("."))
    try:
        state.toggle_read(post(2))
    except StateError as error:
        print("refused:", error)
    print("read 1:", state.is_read(post(1)), "read 2:", state.is_read(post(2)))
    """
    process = child(scenario, data, stdout=subprocess.PIPE)
    out, _ = process.communicate(timeout=60)
    data.chmod(0o700)
    assert process.returncode == 0
    assert "refused: could not save" in out
    assert "read 2: False" in out


def test_a_state_file_that_cannot_be_opened_leaves_the_reader_running(data: Path):
    (data / STATE_FILE_NAME).mkdir(parents=True)  # a folder where the file should be
    state = ReadingState.open("news", data)
    assert len(state.notices) == 1 and str(data / STATE_FILE_NAME) in state.notices[0]
    assert not state.is_read(post(1))
    with pytest.raises(StateError, match="could not save"):
        state.toggle_read(post(1))


def test_a_file_from_a_newer_version_is_left_alone(data: Path):
    data.mkdir()
    conn = sqlite3.connect(data / STATE_FILE_NAME)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    state = ReadingState.open("news", data)
    assert "newer newsreader" in state.notices[0]
    with pytest.raises(StateError):
        state.toggle_read(post(1))
    assert [path.name for path in data.iterdir()] == [STATE_FILE_NAME]


def test_a_store_opened_before_the_file_existed_sees_marks_made_elsewhere(data: Path):
    early = ReadingState.open("news", data)
    assert not early.is_read(post(1))
    ReadingState.open("news", data).toggle_read(post(1))
    assert early.is_read(post(1))


def test_two_stores_see_each_others_changes(data: Path):
    one = ReadingState.open("news", data)
    two = ReadingState.open("news", data)
    one.toggle_read(post(1))
    assert two.is_read(post(1))
    two.toggle_star(post(1))
    assert one.is_starred(post(1)) and one.is_read(post(1))


# --- in other processes: crashes, damage, two writers ----------------------------------------

CHILD_PRELUDE = """
import json, sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from newsreader.archive import Post
from newsreader.state import ReadingState

START = datetime(2022, 4, 1, 8, 0, tzinfo=timezone(timedelta(hours=8)))

def post(number):
    post_id = f"_posts/2022-04-01-{number:06d}.md"
    return Post(
        id=post_id, path=Path("/archive") / post_id, title=f"Title {number}",
        date=START + timedelta(minutes=number), categories=(), tags=(),
        source_url=f"https://news.example.com/{number}.html", body="",
    )

state = ReadingState.open("news", Path(sys.argv[1]))
"""


def child(script: str, data: Path, **options: object) -> subprocess.Popen[str]:
    """A Python process running ``CHILD_PRELUDE`` then ``script`` on the store in ``data``."""
    code = CHILD_PRELUDE + textwrap.dedent(script)
    return subprocess.Popen([sys.executable, "-c", code, str(data)], text=True, **options)


def test_sigkill_in_the_middle_of_work_loses_nothing_shown_as_done(data: Path):
    worker = """
    first, step = int(sys.argv[2]), 0
    while True:
        number = first + step
        if step % 10 == 0:  # now and then a batch in one transaction
            batch = [post(first + 100_000 + step * 30 + offset) for offset in range(30)]
            state.set_read(batch)
            print("read", *[p.id for p in batch], flush=True)
        elif step % 3 == 0:
            state.toggle_star(post(number))
            print("starred", post(number).id, flush=True)
        else:
            state.toggle_read(post(number))
            print("read", post(number).id, flush=True)
        step += 1
    """
    done: dict[str, set[str]] = {"read": set(), "starred": set()}
    first = 0
    for delay in (0.3, 0.7, 1.1):  # three kills, each at another moment of the work
        code = CHILD_PRELUDE + textwrap.dedent(worker)
        process = subprocess.Popen(
            [sys.executable, "-c", code, str(data), str(first)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert process.stdout is not None
        lines: list[str] = []
        deadline = time.monotonic() + 30
        # Wait until it has done some work, then let it run on for ``delay`` and kill it.
        while len(lines) < 5 and time.monotonic() < deadline:
            lines.append(process.stdout.readline())
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        lines.extend(process.stdout.read().splitlines())
        process.wait()
        assert process.returncode == -signal.SIGKILL
        for line in lines:
            kind, *ids = line.split()
            done[kind].update(ids)
        first += 1_000_000

    state = ReadingState.open("news", data)
    assert state.notices == []
    everything = [post(int(Path(i).stem.rpartition("-")[2])) for i in set().union(*done.values())]
    assert len(done["read"]) > 20 and done["starred"]
    assert done["read"] <= state.read_ids(everything)
    assert done["starred"] <= state.starred_ids(everything)


def test_two_processes_writing_at_once_both_keep_every_mark(data: Path):
    ReadingState.open("news", data).toggle_read(post(10_000))  # the file exists for both
    reader = """
    input()
    for number in range(200):
        state.set_read([post(number)])
    print("ok", flush=True)
    """
    starrer = """
    input()
    for number in range(200):  # the same posts, the other flag, at the same time
        state.set_starred([post(number)])
        state.set_read([post(1000 + number)])
    print("ok", flush=True)
    """
    options = {"stdin": subprocess.PIPE, "stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    processes = [child(reader, data, **options), child(starrer, data, **options)]
    for process in processes:
        process.stdin.write("go\n")
        process.stdin.flush()
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert (process.returncode, out.strip()) == (0, "ok"), err
    state = ReadingState.open("news", data)
    shared = [post(n) for n in range(200)]
    assert state.read_ids(shared) == {p.id for p in shared}
    assert state.starred_ids(shared) == {p.id for p in shared}
    own = [post(1000 + n) for n in range(200)]
    assert state.read_ids(own) == {p.id for p in own}


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda good: os.urandom(4096), id="garbage"),
        pytest.param(lambda good: b"hello, not a database", id="text"),
        pytest.param(lambda good: good[: len(good) // 2], id="truncated"),
        pytest.param(lambda good: good[:8192] + os.urandom(4096) + good[12288:], id="bad-page"),
    ],
)
def test_a_damaged_file_is_moved_aside_named_and_a_new_one_started(data: Path, damage):
    marked = [post(n) for n in range(3000)]
    state = ReadingState.open("news", data)
    state.set_read(marked)
    state.close()
    state_file = data / STATE_FILE_NAME
    assert not state_file.with_name(STATE_FILE_NAME + "-wal").exists()  # all in the file
    damaged = damage(state_file.read_bytes())
    state_file.write_bytes(damaged)

    opener = """
    print(json.dumps(state.notices))
    state.toggle_star(post(5000))
    print(json.dumps(sorted(state.read_ids([post(n) for n in range(3000)]))))
    """
    process = child(opener, data, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    notices_line, read_line = out.splitlines()
    notices = json.loads(notices_line)
    asides = sorted(data.glob(f"{STATE_FILE_NAME}.corrupt-*"))
    assert len(asides) == 1 and asides[0].read_bytes() == damaged
    assert len(notices) == 1
    assert str(state_file) in notices[0] and str(asides[0]) in notices[0]
    assert "damaged" in notices[0]
    reopened = ReadingState.open("news", data)
    assert reopened.notices == [] and reopened.is_starred(post(5000))
    kept = set(json.loads(read_line))
    assert kept == reopened.read_ids(marked)
    if "could still be read" in notices[0]:
        assert kept  # what was salvaged is really there
    else:
        assert not kept
