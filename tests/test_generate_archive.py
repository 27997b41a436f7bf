"""Tests for ``benchmarks/generate_archive.py``, the generator of large synthetic archives."""

from __future__ import annotations

import importlib.util
import re
import sys
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

_SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "generate_archive.py"


def _load() -> ModuleType:
    """Import the script by path: ``benchmarks/`` is not a package."""
    if "generate_archive" in sys.modules:
        return sys.modules["generate_archive"]
    # Its sibling modules are imported the way a script's are: from the script's folder.
    if str(_SCRIPT.parent) not in sys.path:
        sys.path.insert(0, str(_SCRIPT.parent))
    spec = importlib.util.spec_from_file_location("generate_archive", _SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["generate_archive"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


ga = _load()

NAME = re.compile(r"\A(\d{4}-\d{2}-\d{2})-(\d{18})\.md\Z")
FRONT = re.compile(
    r'\A---\nlayout: post\ntitle: "(?P<title>[^"\\\n]+)"\n'
    r"date: (?P<day>\d{4}-\d{2}-\d{2}) (?P<clock>\d{2}:\d{2}:\d{2})(?P<offset> \+0800)?\n"
    r"categories: (?P<slug>[A-Za-z0-9]+)\ntags: (?P<label>\S+)\n---\n(?P<body>.*)\Z",
    re.S,
)
CJK = re.compile(r"[\u4e00-\u9fff]")
START = date(2022, 3, 1)
DAYS = 40


def _read_all(posts_dir: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(posts_dir.iterdir())}


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, dict[str, str]]:
    """1,300 posts in 1,000 categories, oddities off: every file must have the regular shape."""
    out = tmp_path_factory.mktemp("clean")
    result = ga.generate_archive(
        out, posts=1300, categories=1000, seed=3, start=START, days=DAYS, oddity_rate=0
    )
    return result, _read_all(result.posts_dir)


@pytest.fixture(scope="module")
def parsed(clean: tuple[Any, dict[str, str]]) -> dict[str, re.Match[str]]:
    _, files = clean
    matches = {name: FRONT.match(text) for name, text in files.items()}
    bad = [name for name, match in matches.items() if match is None]
    assert not bad, f"irregular front matter in {bad[:5]}"
    return {name: match for name, match in matches.items() if match is not None}


def test_writes_the_requested_number_of_files(clean: tuple[Any, dict[str, str]]) -> None:
    result, files = clean
    assert len(files) == result.posts == 1300
    assert sum(c.posts for c in result.categories) == 1300
    assert sum(result.languages.values()) == sum(result.shapes.values()) == 1300
    assert result.total_bytes == sum(len(t.encode()) for t in files.values())
    assert all(not names for names in result.oddities.values())


def test_file_names_and_dates_agree(parsed: dict[str, re.Match[str]]) -> None:
    last = date.min
    for name in parsed:  # sorted by name
        match = parsed[name]
        name_match = NAME.match(name)
        assert name_match, name
        day, post_id = name_match.groups()
        assert match["day"] == day
        assert post_id.startswith(day.replace("-", ""))
        stamp = date.fromisoformat(day)
        assert START <= stamp < START + timedelta(days=DAYS)
        assert last <= stamp
        last = stamp
        hours, minutes, seconds = map(int, match["clock"].split(":"))
        assert hours < 24 and minutes < 60 and seconds < 60
    offsets = sum(1 for m in parsed.values() if m["offset"]) / len(parsed)
    assert 0.4 < offsets < 0.6


def test_ids_increase_with_time(parsed: dict[str, re.Match[str]]) -> None:
    by_id = sorted(parsed, key=lambda name: name[11:])
    by_time = sorted(parsed, key=lambda name: (parsed[name]["day"], parsed[name]["clock"]))
    assert by_id == by_time


def test_front_matter_is_valid_yaml(clean: tuple[Any, dict[str, str]]) -> None:
    _, files = clean
    for name, text in files.items():
        meta = yaml.safe_load(text.split("---\n")[1])
        assert meta["layout"] == "post", name
        assert isinstance(meta["title"], str) and meta["title"], name


def test_bodies_have_the_real_shapes(
    clean: tuple[Any, dict[str, str]], parsed: dict[str, re.Match[str]]
) -> None:
    result, files = clean
    digests = html = 0
    for name, match in parsed.items():
        body, size = match["body"], len(files[name].encode())
        assert not files[name].endswith("\n"), name
        assert re.search(r"\n\n<https://news\.example\.com/[^>\s]+>", body), name
        if "<p" in body:
            html += 1
            assert size > 2000, name
        else:
            digests += 1
            assert body.startswith("\n") and size < 3000, name
        assert size < 40_000, name
        footer = body.rsplit("\n\n", 1)[-1]
        if footer.startswith("[返回"):
            assert f"[返回{match['label']}]" in footer and match["slug"] in footer, name
    assert digests == result.shapes["digest"]
    assert html == result.shapes["article"] + result.shapes["long"]
    assert 0.40 < digests / len(parsed) < 0.50
    assert 0.07 < result.shapes["long"] / len(parsed) < 0.13
    big = sum(1 for text in files.values() if len(text.encode()) >= 8_000)
    assert big >= result.shapes["long"]


def test_categories_and_labels_are_consistent(
    clean: tuple[Any, dict[str, str]], parsed: dict[str, re.Match[str]]
) -> None:
    result, _ = clean
    labels: dict[str, set[str]] = defaultdict(set)
    counts: Counter[str] = Counter()
    for match in parsed.values():
        labels[match["slug"]].add(match["label"])
        counts[match["slug"]] += 1
    assert all(len(found) == 1 for found in labels.values())
    assert result.category_count == len(result.categories) == 1000
    assert {c.slug: c.label for c in result.categories} == {
        s: next(iter(v)) for s, v in labels.items()
    }
    assert {c.slug: c.posts for c in result.categories} == dict(counts)
    # Only case variants of one slug (TechWeb / Techweb) share a label.
    slugs_by_label: dict[str, set[str]] = defaultdict(set)
    for category in result.categories:
        slugs_by_label[category.label].add(category.slug)
    shared = [slugs for slugs in slugs_by_label.values() if len(slugs) > 1]
    assert shared, "expected a few case-variant slugs"
    assert all(len({s.lower() for s in slugs}) == 1 for slugs in shared)
    assert any(any(ch.isdigit() for ch in c.slug) for c in result.categories)


def test_languages_of_categories_and_posts(
    clean: tuple[Any, dict[str, str]], parsed: dict[str, re.Match[str]]
) -> None:
    result, _ = clean
    language = {c.slug: c.language for c in result.categories}
    english_categories = sum(1 for lang in language.values() if lang == "en")
    assert 0.08 < english_categories / len(language) < 0.12
    assert 0.17 < result.languages["en"] / result.posts < 0.23
    for name, match in parsed.items():
        if language[match["slug"]] == "en":
            assert match["label"].isascii() and match["title"].isascii(), name
        else:
            assert CJK.search(match["label"]) and CJK.search(match["title"]), name


def test_categories_have_a_long_tail(tmp_path: Path) -> None:
    result = ga.generate_archive(tmp_path, posts=800, categories=40, seed=2, oddity_rate=0)
    sizes = sorted((c.posts for c in result.categories), reverse=True)
    assert len(sizes) == 40 and min(sizes) >= 1
    assert sizes[0] >= 10 * sizes[len(sizes) // 2]
    assert sum(sizes[:3]) > sum(sizes[20:])


def test_same_seed_same_files_other_seed_other_files(tmp_path: Path) -> None:
    runs = []
    for folder, seed in (("a", 5), ("b", 5), ("c", 6)):
        result = ga.generate_archive(tmp_path / folder, posts=60, categories=10, seed=seed)
        runs.append(_read_all(result.posts_dir))
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


def test_oddities(tmp_path: Path) -> None:
    result = ga.generate_archive(tmp_path, posts=500, categories=30, seed=4, oddity_rate=0.15)
    files = _read_all(result.posts_dir)
    assert set(result.oddities) == set(ga.ODDITIES)
    odd = {name for names in result.oddities.values() for name in names}
    for kind, names in result.oddities.items():
        assert names, kind
        for name in names:
            text = files[name]
            if kind == "quote_digest":
                assert re.search(r"\n---\n> [^\n]+\n\n<", text), name
            elif kind in ("quote_in_title", "backslash_in_title"):
                with pytest.raises(yaml.YAMLError):
                    yaml.safe_load(text.split("---\n")[1])
            elif kind == "blank_line_before_front_matter":
                assert text.startswith("\n---\n"), name
            elif kind == "trailing_newline":
                assert text.endswith("\n"), name
            elif kind == "empty_source_link":
                assert "\n\n<>" in text, name
            elif kind == "bare_less_than":
                assert "<1%" in text, name
            elif kind == "undated":
                assert name.startswith("-") and 'title: ""\ndate:  +0800\n' in text, name
    for name, text in files.items():
        if name not in odd:
            assert text.startswith("---\n") and not text.endswith("\n"), name


def test_fewer_posts_than_categories(tmp_path: Path) -> None:
    result = ga.generate_archive(tmp_path, posts=7, categories=2000)
    assert result.category_count == 7 and len(list(result.posts_dir.iterdir())) == 7
    empty = ga.generate_archive(tmp_path / "empty", posts=0)
    assert empty.posts == 0 and empty.categories == [] and empty.total_bytes == 0


def test_refuses_a_folder_that_already_has_posts(tmp_path: Path) -> None:
    ga.generate_archive(tmp_path, posts=3, categories=2)
    with pytest.raises(FileExistsError):
        ga.generate_archive(tmp_path, posts=3, categories=2)


def test_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "archive"
    args = [str(out), "--posts", "30", "--categories", "5", "--start", "2023-01-01", "--days", "3"]
    args += ["--seed", "9", "--oddity-rate", "0"]
    assert ga.main(args) == 0
    line = capsys.readouterr().out.strip()
    assert "\n" not in line and "30 posts" in line and "5 categories" in line and "bytes" in line
    names = sorted(p.name for p in (out / "_posts").iterdir())
    assert len(names) == 30 and names[0] >= "2023-01-01" and names[-1] < "2023-01-04"
    with pytest.raises(SystemExit):
        ga.main([str(out), "--posts", "30"])  # not empty any more
