"""`newsreader index`: builds the cache once, then reads only what changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from newsreader.cli import main

SAMPLES = Path(__file__).parents[1] / "sample_posts"


def test_index_builds_then_refreshes_only_what_changed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "archive"
    shutil.copytree(SAMPLES, archive)

    assert main(["index", str(archive), "--tz", "Asia/Shanghai"]) == 0
    first = capsys.readouterr().out
    assert "50 files, 50 read: 50 new" in first

    assert main(["index", str(archive), "--tz", "Asia/Shanghai"]) == 0
    assert "50 files, 0 read: 0 new, 0 changed, 0 removed" in capsys.readouterr().out

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
    assert "50 files, 50 read" in capsys.readouterr().out


def test_index_of_a_missing_folder_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["index", str(tmp_path / "nowhere")]) == 2
    assert "no such folder" in capsys.readouterr().err
