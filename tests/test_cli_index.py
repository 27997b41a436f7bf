"""`newsreader index`: builds the cache once, then reads only what changed."""

from __future__ import annotations

import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from newsreader.archive import LoadOptions, load_archive
from newsreader.cli import main

SAMPLES = Path(__file__).parents[1] / "sample_posts"


def test_index_builds_then_refreshes_only_what_changed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "archive"
    shutil.copytree(SAMPLES, archive)

    assert main(["index", str(archive), "--tz", "Asia/Shanghai"]) == 0
    first = capsys.readouterr().out
    assert "52 files, 52 read: 52 new" in first

    assert main(["index", str(archive), "--tz", "Asia/Shanghai"]) == 0
    assert "52 files, 0 read: 0 new, 0 changed, 0 removed" in capsys.readouterr().out

    (archive / "_posts" / "2024-07-01-new.md").write_text(
        '---\ntitle: "新的一篇"\ndate: 2024-07-01 08:00:00 +0800\ncategories: emnews\n---\n正文。',
        encoding="utf-8",
    )
    (archive / "_posts" / "2021-12-01-init.md").unlink()
    assert main(["index", str(archive), "--tz", "Asia/Shanghai"]) == 0
    assert "1 read: 1 new, 0 changed, 1 removed" in capsys.readouterr().out


def test_index_rebuild_reads_every_file_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["index", str(SAMPLES), "--tz", "Asia/Shanghai"]) == 0
    capsys.readouterr()
    assert main(["index", str(SAMPLES), "--tz", "Asia/Shanghai", "--rebuild"]) == 0
    assert "52 files, 52 read" in capsys.readouterr().out


def test_index_of_a_missing_folder_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["index", str(tmp_path / "nowhere")]) == 2
    assert "no such folder" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["check", "categories", "list", "show"])
def test_every_command_reading_posts_builds_and_uses_the_index(
    capsys: pytest.CaptureFixture[str], command: str
) -> None:
    show_id = ["_posts/2021-12-01-init.md"] if command == "show" else []
    assert main([command, str(SAMPLES), *show_id, "--tz", "Asia/Shanghai"]) == 0
    capsys.readouterr()
    assert main(["index", str(SAMPLES), "--tz", "Asia/Shanghai"]) == 0
    assert "52 files, 0 read" in capsys.readouterr().out


def test_check_prints_the_problems_load_archive_finds_in_its_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    posts = tmp_path / "_posts"
    for folder in ("a", "a.b"):  # "a.b/" sorts before "a/" as text, after it as a path
        (posts / folder).mkdir(parents=True)
        (posts / folder / "2022-01-05-x.md").write_bytes(b"\x00binary")
    (posts / "2022-01-01-good.md").write_text('---\ntitle: "好"\ndate: 2022-01-01\n---\n正文\n')
    (posts / "2022-01-02-empty.md").write_bytes(b"")
    (posts / "2022-01-03-quote.md").write_text('---\ntitle: "坏"引号"\n---\n正文\n')
    (posts / "nodate.md").write_text('---\ntitle: "没有日期"\n---\n正文\n')
    (posts / "dangling.md").symlink_to("nowhere.md")
    (posts / "outside.md").symlink_to(SAMPLES / "_posts" / "2021-12-01-init.md")

    assert main(["check", str(tmp_path), "--tz", "Asia/Shanghai"]) == 1
    printed = capsys.readouterr().out.splitlines()
    loaded = load_archive(tmp_path, LoadOptions(tz=ZoneInfo("Asia/Shanghai")))
    assert len(loaded.scan_problems) == 2 and len(loaded.skipped) == 3
    assert printed[:-2] == [str(problem) for problem in loaded.problems]
    assert printed[-2] == "dates without an offset read in Asia/Shanghai (the zone asked for)"
    assert printed[-1] == (
        "3 posts loaded, 3 files skipped, 7 problems (2 posts loaded with recovered problems) "
        f"in {tmp_path}"
    )
