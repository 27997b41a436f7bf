"""list, show and categories answer from the index without loading every post (issue 15).

The answers from SQL (:mod:`newsreader.archive.index.lookup`) are checked against the
Archive of the index's posts, which is what the commands printed before, on the samples, the
Jekyll corpus, finews and the hostile archive; then the commands themselves, and that an
unchanged archive is not stat'ed file by file while a changed folder is still noticed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import hostile_archive as ha
import pytest

from newsreader.archive import Archive, Filter, LoadOptions, parse_date_spec
from newsreader.archive.index import (
    ArchiveIndex,
    category_summary,
    count_matching,
    linked_post,
    lookup,
    matching_posts,
)
from newsreader.cli import main
from newsreader.resources import sample_posts_dir

pytestmark = pytest.mark.usefixtures("plain_environment")

SHANGHAI = ZoneInfo("Asia/Shanghai")
FINEWS = Path("/work/shared/corpus/finews")
JEKYLL = Path(__file__).parent / "fixtures" / "jekyll_site"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile") / "archive"
    ha.write_hostile_archive(root)
    return root


def _archives(hostile: Path) -> list[Path]:
    roots = [sample_posts_dir(), JEKYLL, hostile]
    return [*roots, FINEWS] if FINEWS.is_dir() else roots


def _filters(archive: Archive) -> list[Filter]:
    """A spread of filters over what the archive holds."""
    posts = archive.posts
    categories = [category.slug for category in archive.categories()][:3]
    tags = sorted({tag for post in posts for tag in post.tags})[:3]
    middle = posts[len(posts) // 2].date if posts else None
    filters = [
        Filter(),
        Filter(drafts=True),
        Filter(unpublished=True),
        Filter(drafts=True, unpublished=True),
        Filter(category="no-such-category"),
        Filter(category="a b"),
        Filter(category=""),
        Filter(text="的"),
        Filter(text="市场信心"),
        Filter(text="market"),
        Filter(text="-the"),
        Filter(text="news -的"),
        Filter(text='"no such phrase anywhere"'),
        Filter(dates=parse_date_spec("2024", SHANGHAI)),
        Filter(dates=parse_date_spec("..2023-06", SHANGHAI), drafts=True),
    ]
    filters += [Filter(category=slug) for slug in categories]
    filters += [Filter(tag=tag, text="a") for tag in tags]
    if middle is not None:
        filters.append(Filter(dates=parse_date_spec(middle.date().isoformat(), SHANGHAI)))
    return filters


def test_sql_answers_are_the_archives_on_every_corpus(hostile: Path, tmp_path: Path) -> None:
    for root in _archives(hostile):
        with ArchiveIndex.open(root, LoadOptions(tz=SHANGHAI), tmp_path / root.name) as index:
            index.refresh()
            archive = Archive(index.root, index.posts())
            assert len(archive), root
            for query in _filters(archive):
                matches = index.search(query.terms) if query.terms else None
                expected = archive.filter(query, matches)
                assert matching_posts(index, query) == expected, (root, query)
                assert matching_posts(index, query, 2) == expected[:2], (root, query)
                assert count_matching(index, query) == len(expected), (root, query)
            summary = category_summary(index)
            assert summary is not None
            assert summary.labels == archive.labels, root
            for by in ("count", "name"):
                assert summary.categories(by=by) == archive.categories(by=by), (root, by)
            # Again from the summary kept beside the index: the same.
            again = category_summary(index)
            assert again is not None and again.categories() == archive.categories()
            for post in archive.posts[:5]:
                stem = Path(post.id).stem
                for name in (post.id, f"./{post.id}", stem, f"/{stem}/", "nothing-named-so"):
                    found = linked_post(index, name)
                    assert found == ([] if (p := archive.linked_post(name)) is None else [p])


def _windowed_search_archive(write, tmp_path: Path) -> ArchiveIndex:
    """An index whose rowids follow the dates only in part: posts written after the first
    refresh are spread over the same days, some older than every other; posts share dates;
    a few categories."""
    words = ["port", "bonds", "港口", "rare", "trees"]

    def post(number: int, day: int, hour: int) -> None:
        text = " ".join(words[k] for k in range(len(words)) if number % (k + 2) == 0) or "none"
        write(
            f"_posts/2024-01-{day:02d}-p{number:03d}.md",
            f"---\ntitle: p{number} {text}\ncategories: c{number % 3}\n"
            f"date: 2024-01-{day:02d} {hour:02d}:00\n---\n{text}",
        )

    for number in range(60):
        post(number, 10 + number // 4, number % 2)  # two posts at each time
    index = ArchiveIndex.open(tmp_path, LoadOptions(tz=SHANGHAI), tmp_path / "cache")
    index.refresh()
    for number in range(60, 100):
        post(number, 1 + (number - 60) // 2, number % 3)  # later rowids, the same days
    index.refresh()
    return index


@pytest.mark.parametrize("few_matches", [0, 2])
def test_a_limited_search_reads_the_newest_posts_first_and_answers_the_same(
    few_matches: int, write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Windows of a few posts on a small archive, so that every way through them is taken:
    # enough matches in the first, a larger one, all the posts, the whole query at last.
    monkeypatch.setattr(lookup, "_FIRST_WINDOW", 3)
    monkeypatch.setattr(lookup, "_WINDOW_PER_POST", 1)
    monkeypatch.setattr(lookup, "_FEW_MATCHES", few_matches)
    answered = []
    windows = lookup._newest_in_windows

    def counted(*arguments: Any) -> list[Any] | None:
        rows = windows(*arguments)
        answered.append(rows is not None)
        return rows

    monkeypatch.setattr(lookup, "_newest_in_windows", counted)
    texts = ["port", "港口", "rare", "bonds -trees", "-port", "港", "none", "nothing at all"]
    dates = [None, parse_date_spec("2024-01-12..2024-01-20", SHANGHAI)]
    with _windowed_search_archive(write, tmp_path) as index:
        archive = Archive(index.root, index.posts())
        for text in texts:
            for category in (None, "c1"):
                for spec in dates:
                    query = Filter(text=text, category=category, dates=spec)
                    expected = archive.filter(query, index.search(query.terms))
                    for limit in (1, 2, 5, 13, 100):
                        found = matching_posts(index, query, limit)
                        assert found == expected[:limit], (query, limit)
    assert any(answered) and not all(answered)


def test_list_imports_no_completion_library() -> None:
    # shtab imports importlib.metadata: ~20 ms of every command's start, for `completion` only.
    code = (
        "import sys; from newsreader.cli import main; main(['list', '--limit', '1']); "
        "print('shtab' in sys.modules, file=sys.stderr)"
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert done.stderr.strip().splitlines()[-1] == "False"


def test_categories_differing_in_case_keep_the_archives_order(write, tmp_path: Path) -> None:
    # Sorted by count then by folded name, "News" and "news" tie: the Archive leaves them in
    # the order it met them, newest post first.
    write("_posts/2024-01-01-a.md", "---\ntitle: a\ncategories: news\n---\nx")
    write("_posts/2024-01-02-b.md", "---\ntitle: b\ncategories: News\n---\nx")
    write("_posts/2024-01-03-c.md", "---\ntitle: c\ncategories: news\ntags: t\n---\nx")
    write("_posts/2024-01-04-d.md", "---\ntitle: d\ncategories: News\n---\nx")
    with ArchiveIndex.open(tmp_path, LoadOptions(tz=SHANGHAI), tmp_path / "cache") as index:
        index.refresh()
        archive = Archive(index.root, index.posts())
        summary = category_summary(index)
        assert summary is not None
        assert [c.slug for c in archive.categories()] == ["News", "news"]
        for by in ("count", "name"):
            assert summary.categories(by=by) == archive.categories(by=by)


def _run(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str, str]:
    code = main(list(arguments))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("source", ["samples", "jekyll", "hostile", "finews"])
def test_commands_print_what_the_loaded_archive_gives(
    source: str, hostile: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    root = {"samples": sample_posts_dir(), "jekyll": JEKYLL, "hostile": hostile}.get(source)
    if source == "finews":
        root = FINEWS
        if not FINEWS.is_dir():
            pytest.fail("the finews corpus is missing")
    assert root is not None
    commands = [
        ["list", str(root), "--json"],
        ["list", str(root), "--limit", "3"],
        ["list", str(root), "--search", "的", "--limit", "5", "--json"],
        ["list", str(root), "--search", "market -zzz", "--drafts", "--unpublished", "--json"],
        ["categories", str(root)],
        ["categories", str(root), "--by-name"],
    ]
    _run(capsys, "list", str(root), "--limit", "1")  # the index built
    fresh = [_run(capsys, *command) for command in commands]
    # Today's way, once more: every post loaded, then filtered (the index failing to read).
    monkeypatch.setattr("newsreader.cli.fetch.has_posts", lambda index: None)
    loaded = [_run(capsys, *command) for command in commands]
    for command, new, old in zip(commands, fresh, loaded, strict=True):
        assert new[:2] == old[:2], command
    first = json.loads(fresh[0][1].splitlines()[0])
    monkeypatch.undo()
    shown = _run(capsys, "show", str(root), first["id"])
    assert shown[0] == 0 and first["title"].split()[0] in shown[1]


def test_an_unchanged_archive_is_not_refreshed_a_changed_folder_is(
    write, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    write("_posts/2024-01-01-a.md", "---\ntitle: first post\n---\nx")
    for folder in (tmp_path, tmp_path / "_posts"):  # settled long ago, not racy
        os.utime(folder, (time.time() - 3600, time.time() - 3600))
    assert _run(capsys, "list", str(tmp_path))[0] == 0  # builds the index, records the folders
    refreshes: list[int] = []
    real = ArchiveIndex.refresh

    def counted(self: ArchiveIndex, *args: object, **kwargs: object) -> object:
        refreshes.append(1)
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ArchiveIndex, "refresh", counted)
    assert "first post" in _run(capsys, "list", str(tmp_path))[1]
    assert _run(capsys, "categories", str(tmp_path))[0] == 0
    assert "first post" in _run(capsys, "show", str(tmp_path), "2024-01-01-a")[1]
    assert refreshes == []
    # A new file changes its folder's time: seen at once.
    write("_posts/2024-01-02-b.md", "---\ntitle: second post\n---\nx")
    code, out, _ = _run(capsys, "list", str(tmp_path))
    assert code == 0 and "second post" in out and "first post" in out
    assert refreshes == [1]


def _settle_and_run(root: Path, *arguments: str) -> str:
    return subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "newsreader", "list", str(root), *arguments],
        capture_output=True,
        text=True,
        check=True,
    ).stderr


def test_list_does_not_import_textual() -> None:
    imported = _settle_and_run(sample_posts_dir(), "--limit", "1")
    assert "newsreader.archive.index.lookup" in imported
    assert " textual" not in imported.replace("|", " ")
