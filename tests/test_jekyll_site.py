"""A Jekyll site read as Jekyll reads it: which files are posts, their fields, the site's
``_config.yml``, drafts and unpublished posts, converters, and the zone of undated times."""

from __future__ import annotations

import codecs
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from newsreader.archive import Filter, LoadOptions, load_archive, load_post
from newsreader.archive.index import ArchiveIndex
from newsreader.archive.post import Post
from newsreader.archive.scan import scan
from newsreader.archive.site import infer_zone, place_of, read_site_config
from newsreader.cli import main
from newsreader.render.markdown import body_to_markdown

SITE = Path(__file__).parent / "fixtures" / "jekyll_site"
TOKYO = ZoneInfo("Asia/Tokyo")
UTC_ZONE = ZoneInfo("UTC")
POSTS = {
    "_posts/2024-01-05-market-day.md",
    "_posts/2024-01-12-ferry-timetable.md",
    "_posts/2024-01-20-tide-table.text",
    "_posts/2024-01-25-morning-market.md",  # written by the `site` fixture
    "_posts/2024-02-01-council-budget.md",
    "world/_posts/2024-03-09-harbour-reopens.md",
    "world/europe/_posts/sub/2024-3-7-river-levels.md",
}
DRAFT = "_drafts/tram-line-extension.md"
UNPUBLISHED = "_posts/2024-01-15-embargoed-report.md"
UTF16_POST = "_posts/2024-01-25-morning-market.md"
UTF16_TEXT = "---\ntitle: 港の朝市\ndate: 2024-01-25 06:00:00\n---\n朝市は六時に始まる。\n"
AGREEMENT = Path(__file__).resolve().parents[2] / "shared" / "tools" / "jekyll-agreement"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A copy of the fixture site, with its UTF-16 post (made here: tools that read the
    repository's files as UTF-8, ruff's formatter among them, refuse such a file)."""
    root = tmp_path / "site"
    shutil.copytree(SITE, root)
    (root / UTF16_POST).write_bytes(codecs.BOM_UTF16_LE + UTF16_TEXT.encode("utf-16-le"))
    an_hour_ago = time.time() - 3600  # older than the index's racy window: not read again
    for path in root.rglob("*"):
        os.utime(path, (an_hour_ago, an_hour_ago))
    return root.resolve()


def archive_zone() -> LoadOptions:
    """Options as the command line makes them when no zone is asked for."""
    return LoadOptions(tz=UTC_ZONE, zone_from_archive=True)


def post(root: Path, post_id: str, options: LoadOptions | None = None) -> Post:
    loaded = load_post(root / post_id, root, options or archive_zone())
    assert isinstance(loaded, Post), loaded
    return loaded


def listed(capsys: pytest.CaptureFixture[str], root: Path, *flags: str) -> list[dict[str, object]]:
    assert main(["list", str(root), "--json", *flags]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


# --- what a post is -----------------------------------------------------------------------


def test_posts_are_dated_files_under_posts_and_drafts_not_pages_layouts_or_data(site: Path):
    archive = load_archive(site, archive_zone())
    assert {post.id for post in archive.posts} == POSTS | {DRAFT, UNPUBLISHED}
    assert archive.skipped == []
    assert {os.fsdecode(rel) for rel in scan(site).files} == POSTS | {DRAFT, UNPUBLISHED}


def test_a_build_leaves_out_drafts_and_unpublished_posts_unless_asked(site: Path):
    archive = load_archive(site, archive_zone())
    assert {post.id for post in archive.filter(Filter())} == POSTS
    assert {post.id for post in archive.filter(Filter(drafts=True))} == POSTS | {DRAFT}
    assert {post.id for post in archive.filter(Filter(unpublished=True))} == POSTS | {UNPUBLISHED}
    everything = Filter(drafts=True, unpublished=True)
    assert {post.id for post in archive.filter(everything)} == POSTS | {DRAFT, UNPUBLISHED}
    assert archive.get(DRAFT).draft and archive.get(DRAFT).published  # type: ignore[union-attr]
    assert not archive.get(UNPUBLISHED).published  # type: ignore[union-attr]


def test_the_command_line_and_the_index_list_what_the_loader_finds(
    site: Path, capsys: pytest.CaptureFixture[str]
):
    assert {row["id"] for row in listed(capsys, site)} == POSTS
    assert {row["id"] for row in listed(capsys, site, "--drafts")} == POSTS | {DRAFT}
    assert {row["id"] for row in listed(capsys, site, "--unpublished")} == POSTS | {UNPUBLISHED}
    loaded = {p.id: p for p in load_archive(site, archive_zone()).posts}
    with ArchiveIndex.open(site, archive_zone()) as index:
        index.refresh()
        indexed = {p.id: p for p in index.posts()}
    assert indexed.keys() == loaded.keys()
    for post_id, from_index in indexed.items():
        original = loaded[post_id]
        assert (from_index.date, from_index.categories, from_index.tags) == (
            original.date,
            original.categories,
            original.tags,
        )
        assert (from_index.draft, from_index.published, from_index.markup) == (
            original.draft,
            original.published,
            original.markup,
        )


def test_a_folder_without_posts_keeps_the_plain_rules(tmp_path: Path):
    (tmp_path / "_notes").mkdir()
    (tmp_path / "_notes" / "2024-01-01-kept.md").write_text("---\ntitle: t\n---\nx\n")
    (tmp_path / "page.md").write_text("---\ntitle: a page\ndate: 2024-01-02\n---\nx\n")
    (tmp_path / "2024-1-3-dated.md").write_text("no front matter\n")
    ids = {post.id for post in load_archive(tmp_path, LoadOptions(tz=UTC_ZONE)).posts}
    assert ids == {"_notes/2024-01-01-kept.md", "page.md", "2024-1-3-dated.md"}


def test_undated_names_below_posts_are_not_posts_but_a_scrapers_code_is(tmp_path: Path):
    posts = tmp_path / "_posts"
    (posts / "2024-01-01-a-folder").mkdir(parents=True)
    (posts / "2024-01-01-a-folder" / "inside.md").write_text("---\ntitle: t\n---\nx\n")
    (posts / "include.html").write_text("<span>a fragment</span>\n")
    (posts / "-202401020000000001.md").write_text("A scraper's article code.\n")
    (posts / "2024-01-03-no-extension").write_text("---\ntitle: t\n---\nx\n")
    ids = {post.id for post in load_archive(tmp_path, LoadOptions(tz=UTC_ZONE)).posts}
    assert ids == {"_posts/-202401020000000001.md"}


# --- fields -------------------------------------------------------------------------------


def test_folders_above_posts_are_categories_merged_with_the_front_matters(site: Path):
    assert post(site, "world/_posts/2024-03-09-harbour-reopens.md").categories == (
        "world",
        "shipping",
    )
    # Folders below _posts are not categories.
    assert post(site, "world/europe/_posts/sub/2024-3-7-river-levels.md").categories == (
        "world",
        "europe",
    )
    assert place_of("a/b/_posts/c/x.md").categories == ("a", "b")


def test_one_digit_months_and_days_date_a_post(site: Path):
    river = post(site, "world/europe/_posts/sub/2024-3-7-river-levels.md")
    assert river.date == datetime(2024, 3, 7, tzinfo=TOKYO)


def test_the_sites_timezone_reads_times_without_an_offset_unless_a_zone_is_asked(site: Path):
    harbour = "world/_posts/2024-03-09-harbour-reopens.md"
    assert post(site, harbour).date == datetime(2024, 3, 9, 7, 45, tzinfo=TOKYO)
    asked = LoadOptions(tz=UTC_ZONE)
    assert post(site, harbour, asked).date == datetime(2024, 3, 9, 7, 45, tzinfo=UTC_ZONE)
    # An offset in the front matter always wins.
    budget = post(site, "_posts/2024-02-01-council-budget.md")
    assert budget.date.utcoffset() == timedelta(hours=1)


def test_front_matter_defaults_apply_by_path_and_type(site: Path):
    assert post(site, "world/_posts/2024-03-09-harbour-reopens.md").tags == ("wire",)
    assert post(site, "_posts/2024-01-05-market-day.md").tags == ()
    assert post(site, DRAFT).title == "Untitled draft"
    config = read_site_config(site)
    assert config.defaults_for("world/x.md", "drafts") == {"title": "Untitled draft"}


def test_front_matter_may_end_with_three_dots(site: Path):
    budget = post(site, "_posts/2024-02-01-council-budget.md")
    assert budget.title == "Council passes the budget"
    assert budget.body.startswith("The vote was seven to two.")
    assert "Not front matter." in budget.body
    assert "title:" not in budget.body


def test_a_post_without_a_title_takes_its_slug_title_cased(site: Path):
    assert post(site, "_posts/2024-01-05-market-day.md").title == "Market Day"


def test_utf16_with_a_byte_order_mark_is_decoded(site: Path):
    market = post(site, UTF16_POST)
    assert market.title == "港の朝市"
    assert market.date == datetime(2024, 1, 25, 6, tzinfo=TOKYO)
    assert market.body == "朝市は六時に始まる。"


def test_dates_as_ruby_reads_them(site: Path):
    ferry = post(site, "_posts/2024-01-12-ferry-timetable.md")
    assert ferry.date == datetime(2024, 1, 12, 18, 30, 22, tzinfo=timezone(timedelta(hours=-8)))


# --- converters ---------------------------------------------------------------------------


def test_the_extension_picks_the_converter(site: Path):
    assert post(site, "_posts/2024-01-05-market-day.md").markup == "markdown"
    tide = post(site, "_posts/2024-01-20-tide-table.text")
    assert tide.markup == "text"
    shown = body_to_markdown(tide.body, markup=tide.markup).markdown
    assert "\\*06\\:12\\*" in shown and "\\<b\\>" in shown
    assert "\xa0\xa0\xa0\xa0Low water" in shown  # indentation kept, not a code block
    assert "*06:12*" in body_to_markdown(tide.body).markdown


def test_markdown_ext_decides_what_is_markdown(tmp_path: Path):
    (tmp_path / "_config.yml").write_text('markdown_ext: "txt"\n')
    (tmp_path / "_posts").mkdir()
    (tmp_path / "_posts" / "2024-01-01-a.txt").write_text("---\ntitle: t\n---\n*x*\n")
    (tmp_path / "_posts" / "2024-01-01-b.md").write_text("---\ntitle: t\n---\n*x*\n")
    root = tmp_path.resolve()
    assert post(root, "_posts/2024-01-01-a.txt").markup == "markdown"
    assert post(root, "_posts/2024-01-01-b.md").markup == "text"


# --- the zone of undated times ------------------------------------------------------------


def test_the_zone_the_dated_posts_agree_on_is_used_and_check_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    posts = tmp_path / "_posts"
    posts.mkdir()
    for day in range(1, 10):
        offset = " +0800" if day <= 3 else ""
        (posts / f"2024-01-0{day}-n.md").write_text(
            f"---\ntitle: n{day}\ndate: 2024-01-0{day} 09:00:00{offset}\n---\nx\n"
        )
    root = tmp_path.resolve()
    eight = timezone(timedelta(hours=8))
    assert infer_zone(root, True) == eight
    assert post(root, "_posts/2024-01-09-n.md").date == datetime(2024, 1, 9, 9, tzinfo=eight)
    assert main(["check", str(root)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "dates without an offset read in +0800 (the offset" in lines[-2]
    assert lines[-1].startswith("9 posts loaded, 0 files skipped")


def test_offsets_that_disagree_infer_nothing(tmp_path: Path):
    for day, offset in enumerate(("+0800", "+0100", "-0500", "+0800"), 1):
        (tmp_path / f"2024-01-0{day}-n.md").write_text(
            f"---\ntitle: n\ndate: 2024-01-0{day} 09:00:00 {offset}\n---\nx\n"
        )
    assert infer_zone(tmp_path, False) is None


def test_check_counts_drafts_unpublished_and_names_future_posts(
    site: Path, capsys: pytest.CaptureFixture[str]
):
    soon = datetime.now(TOKYO) + timedelta(days=400)
    name = f"_posts/{soon:%Y-%m-%d}-tomorrows-news.md"
    (site / name).write_text("---\ntitle: Not yet\n---\nLater.\n")
    assert main(["check", str(site)]) == 0
    out = capsys.readouterr().out
    assert "dates without an offset read in Asia/Tokyo (the timezone in _config.yml)" in out
    assert "1 draft and 1 unpublished post," in out
    assert f"1 post dated in the future (listed all the same): {name}" in out
    assert name in {row["id"] for row in listed(capsys, site)}


# --- Jekyll's own test site ---------------------------------------------------------------


@pytest.mark.skipif(not AGREEMENT.exists(), reason=f"no {AGREEMENT} (../shared beside the repo)")
def test_jekyll_agrees_with_the_reader_on_its_own_test_site():
    newsreader = Path(sys.executable).with_name("newsreader")
    done = subprocess.run(
        [str(AGREEMENT), str(newsreader)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_index_of_a_site_read_in_its_own_zone_is_kept_between_runs(
    site: Path, capsys: pytest.CaptureFixture[str]
):
    assert main(["index", str(site)]) == 0
    assert " 9 read" in capsys.readouterr().out
    assert main(["index", str(site)]) == 0
    assert " 0 read" in capsys.readouterr().out
    # Another zone in _config.yml reads every file again.
    config = site / "_config.yml"
    config.write_text(config.read_text().replace("Asia/Tokyo", "Europe/Lisbon"))
    assert main(["index", str(site)]) == 0
    assert " 9 read" in capsys.readouterr().out


def test_exclude_and_include_patterns(tmp_path: Path):
    (tmp_path / "_config.yml").write_text(
        "exclude: [drafts-old, '*.tmp.md', _posts/private]\ninclude: [_posts/private/keep]\n"
    )
    config = read_site_config(tmp_path)
    assert config.excluded("drafts-old/2024-01-01-a.md")
    assert config.excluded("2024-01-01-a.tmp.md")
    assert config.excluded("_posts/private/2024-01-01-a.md")
    assert not config.excluded("_posts/private/keep")
    assert not config.excluded("_posts/2024-01-01-a.md")


def test_check_says_when_the_configs_timezone_is_unknown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    (tmp_path / "_config.yml").write_text("timezone: Atlantis/Capital\n")
    (tmp_path / "_posts").mkdir()
    (tmp_path / "_posts" / "2024-01-01-a.md").write_text("---\ntitle: a\n---\nx\n")
    assert main(["check", str(tmp_path), "--tz", "UTC"]) == 0
    out = capsys.readouterr().out
    assert "_config.yml: unknown timezone 'Atlantis/Capital'; ignored" in out
