"""The one scanner (``newsreader.archive.scan``): its rules, tested directly.

``find_post_files``/``load_archive`` and the index both list files with it; the loader's own
tests of which files are found run through it too.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from newsreader.archive.loader import find_post_files
from newsreader.archive.scan import display_path, folders_unchanged, rel_to_path, scan

POST = b'---\ntitle: "x"\n---\nbody\n'


def write(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(POST)


def found(root: Path) -> set[str]:
    return {os.fsdecode(rel) for rel in scan(root.resolve()).files}


def test_post_suffixes_match_in_any_case_and_nothing_else(tmp_path: Path):
    write(tmp_path, "a.md", "b.MARKDOWN", "c.Html", "d.txt", "e.mdx", "f.md.bak", "noext")
    assert found(tmp_path) == {"a.md", "b.MARKDOWN", "c.Html"}


def test_a_non_ascii_suffix_is_lowered_by_unicode_rules(tmp_path: Path):
    # The Kelvin sign lowers to an ASCII "k", so ".MAR\u212aDOWN" is ".markdown" lowered.
    write(tmp_path, "a.MAR\u212aDOWN", "b.m\u212a", "c.\u0430md")
    assert found(tmp_path) == {"a.MAR\u212aDOWN"}


def test_skipped_and_hidden_folders_and_hidden_files_are_left_out(tmp_path: Path):
    write(
        tmp_path,
        "_posts/2022-01-01-real.md",
        "_site/a.md",
        "_layouts/b.html",
        "_includes/c.html",
        "_sass/d.md",
        "_data/e.md",
        "node_modules/f.md",
        "deep/node_modules/g.md",
        ".git/h.md",
        "_posts/.hidden.md",
    )
    assert found(tmp_path) == {"_posts/2022-01-01-real.md"}


def test_every_file_is_stamped_with_its_size_and_modification_time(tmp_path: Path):
    write(tmp_path, "_posts/a.md")
    info = (tmp_path / "_posts/a.md").stat()
    assert scan(tmp_path.resolve()).files == {b"_posts/a.md": (info.st_size, info.st_mtime_ns)}


def test_links_out_of_the_root_and_dangling_post_links_are_reported(tmp_path: Path):
    root, outside = tmp_path / "root", tmp_path / "outside"
    write(outside, "secret.md")
    write(root, "kept.md")
    (root / "out.md").symlink_to(outside / "secret.md")
    (root / "out-folder").symlink_to(outside, target_is_directory=True)
    (root / "gone.md").symlink_to(root / "missing.md")
    (root / "gone.txt").symlink_to(root / "missing.txt")  # not a post name: not worth a word
    result = scan(root.resolve())
    assert set(result.files) == {b"kept.md"}
    assert sorted(map(str, result.problems)) == [
        "gone.md: symbolic link to nothing (dangling); skipped",
        "out-folder: symbolic link leads out of the archive; skipped",
        "out.md: symbolic link leads out of the archive; skipped",
    ]


def test_each_folder_is_listed_once_so_link_loops_end(tmp_path: Path):
    write(tmp_path, "a/post.md")
    (tmp_path / "a" / "again").symlink_to(tmp_path / "a", target_is_directory=True)
    (tmp_path / "b").symlink_to(tmp_path / "a", target_is_directory=True)
    result = scan(tmp_path.resolve())
    assert len(result.files) == 1
    assert os.fsdecode(next(iter(result.files))).endswith("post.md")
    assert result.problems == []


def test_a_folder_that_cannot_be_listed_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    write(tmp_path, "open/a.md", "locked/b.md")
    locked = os.fsencode(tmp_path.resolve() / "locked")
    real_scandir = os.scandir

    def refusing(path: bytes) -> Any:
        if path == locked:
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", refusing)
    result = scan(tmp_path.resolve())
    assert set(result.files) == {b"open/a.md"}
    assert [str(problem) for problem in result.problems] == [
        "locked: folder cannot be read (Permission denied)"
    ]


def test_names_that_are_not_utf8_round_trip_to_the_file(tmp_path: Path):
    if sys.platform == "darwin":
        pytest.skip("macOS refuses file names that are not UTF-8")
    name = b"caf\xe9.md"
    (tmp_path / os.fsdecode(name)).write_bytes(POST)
    root = tmp_path.resolve()
    (rel,) = scan(root).files
    assert rel == name
    assert rel_to_path(root, rel).read_bytes() == POST
    assert display_path(os.fsdecode(rel)) == "caf\\xe9.md"


def test_find_post_files_lists_the_scan_as_sorted_paths_with_its_problems(tmp_path: Path):
    write(tmp_path, "b/2.md", "a/1.md", "c.md")
    (tmp_path / "out.md").symlink_to("/")
    problems: list[object] = []
    paths = find_post_files(tmp_path, problems)  # type: ignore[arg-type]
    root = tmp_path.resolve()
    assert paths == sorted(rel_to_path(root, rel) for rel in scan(root).files)
    assert [path.relative_to(root).as_posix() for path in paths] == ["a/1.md", "b/2.md", "c.md"]
    assert [str(problem) for problem in problems] == [
        "out.md: symbolic link leads out of the archive; skipped"
    ]


def test_folders_unchanged_sees_a_file_added(tmp_path: Path):
    write(tmp_path, "a/1.md")
    root = tmp_path.resolve()
    result = scan(root)
    long_ago = 0  # the scan "began" long before: no folder is racy
    assert folders_unchanged(result.folders, long_ago, racy_ns=1)
    write(tmp_path, "a/2.md")
    assert not folders_unchanged(result.folders, long_ago, racy_ns=1)
    assert not folders_unchanged({}, long_ago, racy_ns=1)


PROBE = """
import sys
import newsreader.archive.loader, newsreader.archive.index
heavy = sorted(
    name for name in sys.modules
    if name.split(".")[0] in ("rich", "markdown_it", "textual")
)
print(" ".join(heavy))
"""


def test_the_loader_and_the_index_import_no_render_or_ui_library():
    # A parsing process imports the loader and the index only: Rich, markdown-it and
    # Textual would cost every worker their import time and memory.
    source = Path(__file__).resolve().parents[1] / "src"
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(source), *sys.path])}
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        check=True,
        env=environment,
    )
    assert result.stdout.split() == []
