"""Loading an archive: finding files, reading posts, surviving what scraped archives do."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from newsreader.archive import (
    Archive,
    LoadOptions,
    Post,
    Problem,
    find_post_files,
    load_archive,
    load_post,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")

Write = Callable[[str, "str | bytes"], Path]


def md(*front: str, body: str = "正文第一段。\n") -> str:
    """A post with these front-matter lines and this body."""
    return "---\n" + "\n".join(front) + "\n---\n" + body


def ids(paths: list[Path], root: Path) -> list[str]:
    return [path.relative_to(root).as_posix() for path in paths]


def only_post(root: Path, options: LoadOptions) -> Post:
    archive = load_archive(root, options)
    assert len(archive) == 1, [post.id for post in archive.posts]
    return archive.posts[0]


def has_problem(post: Post, *words: str) -> bool:
    """Whether one of the post's problems mentions every word (case-insensitive)."""
    return any(all(word.lower() in problem.lower() for word in words) for problem in post.problems)


def finishes_within(seconds: float, work: Callable[[], object]) -> object:
    """Run ``work`` in a daemon thread; fail (rather than hang the suite) if it takes too long."""
    result: list[object] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            result.append(work())
        except BaseException as error:
            errors.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"did not finish within {seconds} s"
    if errors:
        raise errors[0]
    return result[0]


# --- finding files ------------------------------------------------------------------------


def test_finds_posts_recursively_with_every_post_suffix(tmp_path: Path, write: Write):
    for name in (
        "_posts/2022-01-01-a.md",
        "_posts/2022/03/2022-03-01-b.markdown",
        "deep/er/still/2022-01-02-c.html",
        "_posts/2022-01-03-d.MD",
        "_posts/2022-01-04-e.Markdown",
    ):
        write(name, md('title: "x"'))
    for name in ("_posts/notes.txt", "_config.yml", "feed.xml", "_posts/logo.png", "a.mdx"):
        write(name, md('title: "not a post"'))
    found = find_post_files(tmp_path)
    assert found == sorted(found)
    assert set(ids(found, tmp_path)) == {
        "_posts/2022-01-01-a.md",
        "_posts/2022/03/2022-03-01-b.markdown",
        "deep/er/still/2022-01-02-c.html",
        "_posts/2022-01-03-d.MD",
        "_posts/2022-01-04-e.Markdown",
    }
    assert len(found) == 5


def test_skips_build_output_templates_tooling_and_hidden_folders(
    tmp_path: Path, write: Write, options: LoadOptions
):
    write("_posts/2022-01-01-real.md", md('title: "真的文章"', "date: 2022-01-01"))
    decoys = [
        "_site/2022-01-01-real.html",
        "_site/_posts/2022-01-01-built.md",
        "node_modules/some-package/README.md",
        "node_modules/pkg/_posts/2022-01-01-pkg.md",
        "_layouts/post.html",
        "_includes/head.html",
        ".git/2022-01-01-object.md",
        ".github/_posts/2022-01-01-workflow.md",
        ".hidden/2022-01-01-secret.md",
        "blog/_site/2022-01-01-nested-build.md",
        "blog/node_modules/2022-01-01-nested-dep.md",
        "_posts/.2022-01-01-hidden-file.md",
    ]
    for name in decoys:
        write(name, md('title: "decoy"', "date: 2022-01-01"))
    assert ids(find_post_files(tmp_path), tmp_path) == ["_posts/2022-01-01-real.md"]
    archive = load_archive(tmp_path, options)
    assert [post.title for post in archive.posts] == ["真的文章"]
    assert archive.skipped == []
    assert archive.scan_problems == []


def test_a_readme_without_front_matter_is_not_a_post(
    tmp_path: Path, write: Write, options: LoadOptions
):
    write("README.md", "# My news archive\n\nScraped every few minutes.\n")
    write("docs/guide.md", "How to read this archive.\n")
    write("about.html", "<h1>About us</h1>\n")
    write("_posts/2022-01-01-real.md", md('title: "一篇文章"', "date: 2022-01-01"))
    archive = load_archive(tmp_path, options)
    assert [post.id for post in archive.posts] == ["_posts/2022-01-01-real.md"]
    assert archive.problems == []


def test_in_a_plain_folder_front_matter_or_a_dated_name_makes_a_post(
    tmp_path: Path, write: Write, options: LoadOptions
):
    write("2022-05-01-diary.md", "# 五一日记\n\n出门看花。\n")
    write("notes/2022-05-02-note.markdown", "A dated note.\n")
    write("notes/undated.md", "Not a post.\n")
    write("page.md", md('title: "A page with front matter"', "date: 2022-01-01"))
    archive = load_archive(tmp_path, options)
    assert sorted(post.id for post in archive.posts) == [
        "2022-05-01-diary.md",
        "notes/2022-05-02-note.markdown",
        "page.md",
    ]
    diary = archive.get("2022-05-01-diary.md")
    assert diary is not None
    assert diary.title == "五一日记"
    assert diary.date == datetime(2022, 5, 1, tzinfo=SHANGHAI)
    assert has_problem(diary, "no front matter")


def test_in_a_jekyll_site_posts_are_dated_names_in_posts_or_dated_front_matter_files(
    tmp_path: Path, write: Write, options: LoadOptions
):
    write("_posts/2022-5-3-memo.md", "一位数的月份和日子。\n")
    write("_posts/-202205040000000001.md", "A scraper's article code, dated.\n")
    write("_posts/memo.md", "An undated name without front matter: not a post.\n")
    write("_posts/sub/undated.md", md('title: "undated, below _posts: not a post"'))
    write("2022-05-01-diary.md", "A dated name without front matter outside _posts.\n")
    write("archive/2022-05-02-note.md", md('title: "Dated, with front matter"'))
    write("page.md", md('title: "A page with front matter"', "date: 2022-01-01"))
    write("_layouts/2022-05-05-layout.html", md('title: "a layout"'))
    archive = load_archive(tmp_path, options)
    assert sorted(post.id for post in archive.posts) == [
        "_posts/-202205040000000001.md",
        "_posts/2022-5-3-memo.md",
        "archive/2022-05-02-note.md",
    ]
    memo = archive.get("_posts/2022-5-3-memo.md")
    assert memo is not None
    assert memo.date == datetime(2022, 5, 3, tzinfo=SHANGHAI)
    assert memo.title == "Memo"


# --- symbolic links -----------------------------------------------------------------------


def test_symlinks_never_lead_out_of_the_root(tmp_path: Path, write: Write, options: LoadOptions):
    root = tmp_path / "archive"
    outside = tmp_path / "outside"
    write("outside/2022-01-01-private.md", md('title: "外面的秘密"', "date: 2022-01-01"))
    write("archive/_posts/2022-01-02-inside.md", md('title: "里面的文章"', "date: 2022-01-02"))
    (root / "_posts" / "escape").symlink_to(outside, target_is_directory=True)
    (root / "_posts" / "2022-01-03-leak.md").symlink_to(outside / "2022-01-01-private.md")
    (root / "etc").symlink_to("/etc", target_is_directory=True)
    # A sibling whose name merely starts with the root's name is still outside.
    write("archive-private/2022-01-04-sibling.md", md('title: "隔壁"', "date: 2022-01-04"))
    (root / "sibling").symlink_to(tmp_path / "archive-private", target_is_directory=True)
    archive = load_archive(root, options)
    assert [post.title for post in archive.posts] == ["里面的文章"]
    reported = {problem.path for problem in archive.scan_problems}
    assert reported == {"_posts/escape", "_posts/2022-01-03-leak.md", "etc", "sibling"}
    assert {problem.path for problem in archive.problems} == reported


def test_symlinks_inside_the_root_are_followed(tmp_path: Path, write: Write, options: LoadOptions):
    write("store/2022-01-01-kept.md", md('title: "被链接的文章"', "date: 2022-01-01"))
    (tmp_path / "_posts").mkdir()
    (tmp_path / "_posts" / "2022-01-01-link.md").symlink_to(
        tmp_path / "store" / "2022-01-01-kept.md"
    )
    archive = load_archive(tmp_path, options)
    assert "_posts/2022-01-01-link.md" in {post.id for post in archive.posts}
    assert archive.scan_problems == []


def test_symlink_loops_terminate(tmp_path: Path, write: Write, options: LoadOptions):
    write("_posts/2022-01-01-a.md", md('title: "甲"', "date: 2022-01-01"))
    write("_posts/sub/2022-01-02-b.md", md('title: "乙"', "date: 2022-01-02"))
    (tmp_path / "_posts" / "sub" / "up").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "_posts" / "self").symlink_to(tmp_path / "_posts", target_is_directory=True)
    (tmp_path / "ping").symlink_to(tmp_path / "pong", target_is_directory=True)
    (tmp_path / "pong").symlink_to(tmp_path / "ping", target_is_directory=True)
    archive = finishes_within(5, lambda: load_archive(tmp_path, options))
    assert isinstance(archive, Archive)
    assert sorted(post.title for post in archive.posts) == ["乙", "甲"]


def test_the_root_itself_may_be_a_symlink(tmp_path: Path, write: Write, options: LoadOptions):
    write("real/_posts/2022-01-01-a.md", md('title: "经由链接打开"', "date: 2022-01-01"))
    (tmp_path / "link").symlink_to(tmp_path / "real", target_is_directory=True)
    archive = load_archive(tmp_path / "link", options)
    assert [post.id for post in archive.posts] == ["_posts/2022-01-01-a.md"]
    assert archive.problems == []


# --- one post's fields --------------------------------------------------------------------

SEED_SHAPED = md(
    "layout: post",
    'title: "港口四月吞吐量回升"',
    "date: 2022-04-01 20:16:06 +0800",
    "categories: nanfangwang",
    "tags: 南方网新闻",
    "author: 本网记者",
    body=(
        "<p>四月第一周，沿海港口吞吐量回升。</p>\n"
        "<p><strong>冷链货物增长最快</strong></p>\n"
        "\n"
        "<http://news.example.cn/2022-04/01/c_1.htm>\n"
        "\n"
        "[返回南方网新闻](//news.example.cn/category/nanfangwang.html)｜[返回首页](//news.example.cn/)"
    ),
)


def test_a_post_has_every_field(tmp_path: Path, write: Write, options: LoadOptions):
    path = write("_posts/2022/2022-04-01-202204012016.md", SEED_SHAPED)
    post = only_post(tmp_path, options)
    assert post.id == "_posts/2022/2022-04-01-202204012016.md"
    assert post.path.resolve() == path.resolve()
    assert post.title == "港口四月吞吐量回升"
    assert post.date == datetime(2022, 4, 1, 20, 16, 6, tzinfo=SHANGHAI)
    assert post.date.utcoffset() == timedelta(hours=8)
    assert post.categories == ("nanfangwang",)
    assert post.tags == ("南方网新闻",)
    assert isinstance(post.categories, tuple) and isinstance(post.tags, tuple)
    assert post.source_url == "http://news.example.cn/2022-04/01/c_1.htm"
    assert post.body.startswith("<p>四月第一周")
    assert post.body.endswith("[返回首页](//news.example.cn/)")
    assert "title:" not in post.body and "---" not in post.body
    assert dict(post.extra) == {"layout": "post", "author": "本网记者"}
    assert post.problems == ()


def test_load_post_reads_one_file(tmp_path: Path, write: Write, options: LoadOptions):
    path = write("_posts/2022-04-01-one.md", SEED_SHAPED)
    post = load_post(path, tmp_path, options)
    assert isinstance(post, Post)
    assert post.id == "_posts/2022-04-01-one.md"
    assert post.title == "港口四月吞吐量回升"
    readme = write("README.md", "# Read me\n")
    assert load_post(readme, tmp_path, options) is None


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "正文。\n\n<http://a.example.cn/x/1.htm>\n\n[返回](//a.example.cn/)",
            "http://a.example.cn/x/1.htm",
        ),
        (
            "Body.\n\n<https://b.example.com/2022/story.html>",
            "https://b.example.com/2022/story.html",
        ),
        ("正文。\n\n<>\n\n[返回首页](//a.example.cn/)", None),
        ("正文里有<1%的数字。\n\n<http://c.example.cn/1.htm>", "http://c.example.cn/1.htm"),
        ("只有正文，没有链接。", None),
        ("", None),
    ],
)
def test_source_url_comes_from_the_bare_autolink_line(
    tmp_path: Path, write: Write, options: LoadOptions, body: str, expected: str | None
):
    write("_posts/2022-04-01-x.md", md('title: "t"', "date: 2022-04-01", body=body))
    assert only_post(tmp_path, options).source_url == expected


def test_ids_use_forward_slashes_and_are_relative(
    tmp_path: Path, write: Write, options: LoadOptions
):
    write("a/b/c/2022-01-01-deep.md", md('title: "深"'))
    post = only_post(tmp_path, options)
    assert post.id == "a/b/c/2022-01-01-deep.md"
    assert not post.id.startswith("/")
    # Loading the same folder again gives the same id: it is stable.
    assert only_post(tmp_path, options).id == post.id


# --- Jekyll's categories and tags ---------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "categories", "tags"),
    [
        (["categories: nanfangwang", "tags: 南方网新闻"], ("nanfangwang",), ("南方网新闻",)),
        (
            ["categories: [caijing, gupiao]", "tags: [财经, 股票]"],
            ("caijing", "gupiao"),
            ("财经", "股票"),
        ),
        (["categories:", "  - caijing", "  - gupiao"], ("caijing", "gupiao"), ()),
        (["categories: caijing gupiao  jijin"], ("caijing", "gupiao", "jijin"), ()),
        (["categories: ['caijing gupiao', jijin]"], ("caijing", "gupiao", "jijin"), ()),
        (["category: essays"], ("essays",), ()),
        (["category: essays", "categories: notes"], ("notes", "essays"), ()),
        (["categories: TechWeb Techweb"], ("TechWeb", "Techweb"), ()),
        (["categories: keji(2) 163"], ("keji(2)", "163"), ()),
        (["categories: 163"], ("163",), ()),
        (["categories: 21shijijingjibaodao"], ("21shijijingjibaodao",), ()),
        (["categories: caijing caijing"], ("caijing",), ()),
        (["tags: 财经 股票"], (), ("财经", "股票")),
        (["tag: 随笔"], (), ("随笔",)),
        (["categories:", "tags: []"], (), ()),
        ([], (), ()),
    ],
)
def test_categories_and_tags_follow_jekyll(
    tmp_path: Path, write: Write, options: LoadOptions, lines, categories, tags
):
    write("_posts/2022-01-01-x.md", md('title: "t"', "date: 2022-01-01", *lines))
    post = only_post(tmp_path, options)
    assert post.categories == categories
    assert post.tags == tags


# --- dates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("date: 2022-04-01 20:16:06 +0800", datetime(2022, 4, 1, 20, 16, 6, tzinfo=SHANGHAI)),
        ("date: 2022-04-01 20:16:06", datetime(2022, 4, 1, 20, 16, 6, tzinfo=SHANGHAI)),
        ("date: '2022-04-01 20:16:06'", datetime(2022, 4, 1, 20, 16, 6, tzinfo=SHANGHAI)),
        ("date: 2022-04-01", datetime(2022, 4, 1, tzinfo=SHANGHAI)),
        ("date: 2023-02-01T08:30:00Z", datetime(2023, 2, 1, 8, 30, tzinfo=UTC)),
        ("date: 2022-04-01 07:16:06 -0500", datetime(2022, 4, 1, 12, 16, 6, tzinfo=UTC)),
    ],
)
def test_dates_from_front_matter(
    tmp_path: Path, write: Write, options: LoadOptions, line: str, expected: datetime
):
    write("_posts/x.md", md('title: "t"', line))
    post = only_post(tmp_path, options)
    assert post.date.tzinfo is not None
    assert post.date == expected
    assert post.problems == ()


def test_dates_without_offset_are_read_in_the_configured_zone(tmp_path: Path, write: Write):
    write("_posts/2022-04-01-a.md", md('title: "a"', "date: 2022-04-01 20:16:06"))
    write("_posts/2022-04-01-b.md", md('title: "b"', "date: 2022-04-01 20:16:06 +0800"))
    in_shanghai = {p.title: p.date for p in load_archive(tmp_path, LoadOptions(tz=SHANGHAI)).posts}
    in_utc = {p.title: p.date for p in load_archive(tmp_path, LoadOptions(tz=UTC)).posts}
    assert in_shanghai["a"].isoformat() == "2022-04-01T20:16:06+08:00"
    assert in_utc["a"].isoformat() == "2022-04-01T20:16:06+00:00"
    assert in_shanghai["b"] == in_utc["b"]
    assert in_utc["b"].utcoffset() == timedelta(hours=8)


def test_a_missing_date_falls_back_to_the_file_name(
    tmp_path: Path, write: Write, options: LoadOptions
):
    write("_posts/2022-03-15-no-date.md", md('title: "没有日期"'))
    post = only_post(tmp_path, options)
    assert post.date == datetime(2022, 3, 15, tzinfo=SHANGHAI)
    # Jekyll's own rule, not a guess: no problem is recorded for it.
    assert not post.problems


@pytest.mark.parametrize(
    ("line", "reported"),
    [
        ("date:  +0800", True),
        ("date: soon", True),
        ("date: [1, 2]", True),
        ("date: ''", False),  # empty: no date given, as if there were none
        ("date:", False),
    ],
)
def test_an_unusable_date_falls_back_to_the_file_name(
    tmp_path: Path, write: Write, options: LoadOptions, line: str, reported: bool
):
    write("_posts/2022-03-15-bad-date.md", md('title: "坏日期"', line))
    post = only_post(tmp_path, options)
    assert post.date == datetime(2022, 3, 15, tzinfo=SHANGHAI)
    assert has_problem(post, "file name") is reported


def test_no_date_falls_back_to_the_day_in_the_article_code_of_the_file_name(
    tmp_path: Path, write: Write, options: LoadOptions
):
    write("_posts/-202205262391921712.md", md('title: ""', "date:  +0800", "categories: emnews"))
    post = only_post(tmp_path, options)
    assert post.date == datetime(2022, 5, 26, tzinfo=SHANGHAI)
    assert has_problem(post, "article code")


@pytest.mark.parametrize(
    "name", ["_posts/-209913452391921712.md", "_posts/2022-13-45-impossible.md", "_posts/x.md"]
)
def test_no_date_anywhere_falls_back_to_the_modification_time(
    tmp_path: Path, write: Write, options: LoadOptions, name: str
):
    path = write(name, md('title: ""', "date:  +0800", "categories: emnews"))
    moment = datetime(2021, 7, 9, 10, 11, 12, tzinfo=SHANGHAI).timestamp()
    os.utime(path, (moment, moment))
    post = only_post(tmp_path, options)
    assert post.date == datetime(2021, 7, 9, 10, 11, 12, tzinfo=SHANGHAI)
    assert post.date.tzinfo is not None
    assert has_problem(post, "modification time")
    assert post.categories == ("emnews",)


# --- titles -------------------------------------------------------------------------------


def test_title_comes_from_front_matter_cleaned_to_one_line(
    tmp_path: Path, write: Write, options: LoadOptions
):
    write("_posts/2022-01-01-x.md", md('title: "  两个   空格\\t之间  "', "date: 2022-01-01"))
    post = only_post(tmp_path, options)
    assert post.title == "两个 空格 之间"
    assert post.problems == ()


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("导语。\n\n## 小标题在这里\n\n正文。", "小标题在这里"),
        ("# Heading one #\n\nText.", "Heading one"),
        ("<p>导语</p>\n<h2>网页<em>标题</em></h2>\n<p>正文</p>", "网页标题"),
        ("> 引用的导语，作为标题。\n\n<http://a.example.cn/1.htm>", "引用的导语，作为标题。"),
        ("<p>段落&amp;实体</p>", "段落&实体"),
        ("[返回首页](//a.example.cn/)\n\n真正的第一句话。", "真正的第一句话。"),
    ],
)
def test_without_a_title_the_heading_or_first_words_are_used(
    tmp_path: Path, write: Write, options: LoadOptions, body: str, expected: str
):
    write("_posts/2022-01-01-x.md", md('title: ""', "date: 2022-01-01", body=body))
    post = only_post(tmp_path, options)
    assert post.title == expected
    assert has_problem(post, "title")


def test_a_long_first_paragraph_is_cut_for_the_title(
    tmp_path: Path, write: Write, options: LoadOptions
):
    words = "这是一段很长的导语" * 20
    write("_posts/2022-01-01-x.md", md("date: 2022-01-01", body=words))
    post = only_post(tmp_path, options)
    assert post.title.startswith("这是一段很长的导语")
    assert len(post.title) < 100
    assert post.title.endswith("…")
    assert has_problem(post, "title")


@pytest.mark.parametrize("body", ["", "<http://a.example.cn/1.htm>\n\n[返回首页](//a.example.cn/)"])
def test_with_no_words_at_all_the_slug_is_the_title(
    tmp_path: Path, write: Write, options: LoadOptions, body: str
):
    write("_posts/2022-01-01-empty-words.md", md('title: ""', "date: 2022-01-01", body=body))
    post = only_post(tmp_path, options)
    assert post.title == "Empty Words"
    assert has_problem(post, "title")


def test_a_title_that_is_not_text_is_ignored_with_a_problem(
    tmp_path: Path, write: Write, options: LoadOptions
):
    write("_posts/2022-01-01-x.md", md("title: [一, 二]", "date: 2022-01-01", body="第一句。"))
    post = only_post(tmp_path, options)
    assert post.title == "第一句。"
    assert has_problem(post, "title")


# --- broken front matter never loses a post -----------------------------------------------


def test_an_unescaped_quote_in_the_title_is_recovered_line_by_line(
    tmp_path: Path, write: Write, options: LoadOptions
):
    write(
        "_posts/2022-05-10-quote.md",
        md(
            "layout: post",
            'title: "他说"明天见"就走了"',
            "date: 2022-05-10 12:00:00 +0800",
            "categories: renminwang",
            "tags: 人民网新闻",
            body="正文。\n\n<http://a.example.cn/1.htm>",
        ),
    )
    post = only_post(tmp_path, options)
    assert post.title == '他说"明天见"就走了'
    assert post.date == datetime(2022, 5, 10, 12, tzinfo=SHANGHAI)
    assert post.categories == ("renminwang",)
    assert post.tags == ("人民网新闻",)
    assert post.source_url == "http://a.example.cn/1.htm"
    assert post.extra.get("layout") == "post"
    assert has_problem(post, "yaml")


def test_list_values_survive_line_by_line_recovery(
    tmp_path: Path, write: Write, options: LoadOptions
):
    # Invalid YAML (the quote in the title) must not turn `[a, b]` into the words "[a," "b]".
    write(
        "_posts/2022-05-10-quote.md",
        md(
            'title: "他说"明天见"就走了"',
            "date: 2022-05-10 12:00:00 +0800",
            "categories: [caijing, gupiao]",
            'tags: ["财经", "股票"]',
        ),
    )
    post = only_post(tmp_path, options)
    assert post.title == '他说"明天见"就走了'
    assert post.categories == ("caijing", "gupiao")
    assert post.tags == ("财经", "股票")


def test_an_unescaped_backslash_in_the_title_is_recovered(
    tmp_path: Path, write: Write, options: LoadOptions
):
    write(
        "_posts/2022-05-11-backslash.md",
        md('title: "营收增长50\\%"', "date: 2022-05-11 09:00:00", "categories: caijing"),
    )
    post = only_post(tmp_path, options)
    assert post.title == "营收增长50\\%"
    assert post.categories == ("caijing",)
    assert post.date == datetime(2022, 5, 11, 9, tzinfo=SHANGHAI)
    assert has_problem(post, "yaml")


@pytest.mark.parametrize("prefix", ["\n", "\n\n\n", "  \n\t\n"])
def test_blank_lines_before_the_front_matter(
    tmp_path: Path, write: Write, options: LoadOptions, prefix: str
):
    write(
        "_posts/2021-12-08-blank.md",
        prefix + md('title: "空行开头"', "date: 2021-12-08 10:18:31", "categories: emnews"),
    )
    post = only_post(tmp_path, options)
    assert post.title == "空行开头"
    assert post.date == datetime(2021, 12, 8, 10, 18, 31, tzinfo=SHANGHAI)
    assert post.categories == ("emnews",)
    assert "title:" not in post.body
    assert has_problem(post, "blank")


@pytest.mark.parametrize("prefix", ["", "\n"])
def test_a_byte_order_mark_before_the_front_matter(
    tmp_path: Path, write: Write, options: LoadOptions, prefix: str
):
    text = prefix + md('title: "带BOM的文章"', "date: 2022-01-01 08:00:00", "categories: bom")
    write("_posts/2022-01-01-bom.md", b"\xef\xbb\xbf" + text.encode("utf-8"))
    post = only_post(tmp_path, options)
    assert post.title == "带BOM的文章"
    assert post.date == datetime(2022, 1, 1, 8, tzinfo=SHANGHAI)
    assert post.categories == ("bom",)
    assert "\ufeff" not in post.title + post.body
    assert "title:" not in post.body


def test_a_post_with_no_front_matter_in_posts(tmp_path: Path, write: Write, options: LoadOptions):
    write("_posts/2022-06-06-bare.md", "# 清晨的菜市场\n\n天还没亮，菜市场已经热闹起来。\n")
    post = only_post(tmp_path, options)
    assert post.title == "清晨的菜市场"
    assert post.date == datetime(2022, 6, 6, tzinfo=SHANGHAI)
    assert post.categories == () and post.tags == ()
    assert "菜市场已经热闹起来" in post.body
    assert has_problem(post, "front matter")


def test_front_matter_that_is_never_closed_keeps_the_post(
    tmp_path: Path, write: Write, options: LoadOptions
):
    write("_posts/2022-06-07-open.md", '---\ntitle: "没有结尾"\ndate: 2022-06-07\n正文。\n')
    post = only_post(tmp_path, options)
    assert post.date.date().isoformat() == "2022-06-07"
    assert post.problems


def test_front_matter_that_is_not_a_mapping_keeps_the_post(
    tmp_path: Path, write: Write, options: LoadOptions
):
    write("_posts/2022-06-08-1.md", "---\n- one\n- two\n---\n正文第一句。\n")
    post = only_post(tmp_path, options)
    assert post.title == "正文第一句。"
    assert post.date == datetime(2022, 6, 8, tzinfo=SHANGHAI)
    assert post.problems


def test_yaml_aliases_are_not_expanded(tmp_path: Path, write: Write, options: LoadOptions):
    bomb = [
        'title: "笑声炸弹"',
        "date: 2022-01-01 00:00:00 +0800",
        "categories: lol",
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    ]
    for level in range(ord("b"), ord("z") + 1):
        previous = chr(level - 1)
        bomb.append(f"{chr(level)}: &{chr(level)} [{','.join(['*' + previous] * 9)}]")
    write("_posts/2022-01-01-bomb.md", md(*bomb))
    started = time.monotonic()
    archive = finishes_within(5, lambda: load_archive(tmp_path, options))
    assert time.monotonic() - started < 2
    assert isinstance(archive, Archive)
    [post] = archive.posts
    assert post.title == "笑声炸弹"
    assert post.date == datetime(2022, 1, 1, tzinfo=SHANGHAI)
    assert post.categories == ("lol",)
    assert has_problem(post, "line by line")
    assert all(len(repr(value)) < 1000 for value in post.extra.values())


def test_huge_front_matter_is_ignored_but_the_post_is_kept(
    tmp_path: Path, write: Write, options: LoadOptions
):
    filler = [f"key{number}: {'值' * 40}" for number in range(3000)]
    write("_posts/2022-01-01-huge.md", md('title: "x"', *filler, body="正文的第一句。"))
    post = only_post(tmp_path, options)
    assert post.date == datetime(2022, 1, 1, tzinfo=SHANGHAI)
    assert post.body == "正文的第一句。"
    assert post.problems


def test_odd_values_are_ignored_with_a_problem(tmp_path: Path, write: Write, options: LoadOptions):
    write(
        "_posts/2022-01-01-odd.md",
        md('title: "正常标题"', "date: 2022-01-01", "categories: {a: 1}", "tags: [好, [嵌套]]"),
    )
    post = only_post(tmp_path, options)
    assert post.title == "正常标题"
    assert post.categories == ()
    assert post.tags == ("好",)
    assert has_problem(post, "categories")
    assert has_problem(post, "tags")


# --- encodings ----------------------------------------------------------------------------

CHINESE_POST = md(
    'title: "编码测试：营收增长"',
    "date: 2022-01-01 08:00:00",
    "categories: caijing",
    "tags: 财经新闻",
    body="公司营收增长，利润稳定。\n",
)


def test_utf8_without_a_byte_order_mark(tmp_path: Path, write: Write, options: LoadOptions):
    write("_posts/2022-01-01-utf8.md", CHINESE_POST.encode("utf-8"))
    post = only_post(tmp_path, options)
    assert post.title == "编码测试：营收增长"
    assert post.tags == ("财经新闻",)
    assert post.problems == ()


def test_utf8_with_a_byte_order_mark(tmp_path: Path, write: Write, options: LoadOptions):
    write("_posts/2022-01-01-utf8.md", CHINESE_POST.encode("utf-8-sig"))
    post = only_post(tmp_path, options)
    assert post.title == "编码测试：营收增长"
    assert post.tags == ("财经新闻",)
    assert post.body == "公司营收增长，利润稳定。"


def test_gb18030_is_decoded_and_recorded(tmp_path: Path, write: Write, options: LoadOptions):
    write("_posts/2022-01-01-gbk.md", CHINESE_POST.encode("gb18030"))
    post = only_post(tmp_path, options)
    assert post.title == "编码测试：营收增长"
    assert post.tags == ("财经新闻",)
    assert post.body == "公司营收增长，利润稳定。"
    assert post.date == datetime(2022, 1, 1, 8, tzinfo=SHANGHAI)
    assert has_problem(post, "gb18030")


def test_invalid_bytes_become_replacement_characters(
    tmp_path: Path, write: Write, options: LoadOptions
):
    raw = md('title: "坏字节', "date: 2022-01-01", body="前面").encode("utf-8")
    raw = raw.replace("坏字节".encode(), "坏字节".encode() + b'\xff\xfe"', 1)
    raw += b"\x80\xff\xfe" + "后面".encode()
    write("_posts/2022-01-01-bad-bytes.md", raw)
    post = only_post(tmp_path, options)
    assert post.title.startswith("坏字节")
    assert "\ufffd" in post.title
    assert post.body.startswith("前面") and post.body.endswith("后面")
    assert "\ufffd" in post.body
    assert post.date == datetime(2022, 1, 1, tzinfo=SHANGHAI)
    assert has_problem(post, "replaced")


UTF8_POST = md('title: "营收增长，净利润翻番"', "date: 2022-01-01", body="公司营收增长。").encode()


@pytest.mark.parametrize(
    "raw",
    [
        UTF8_POST[:-1],  # the scraper cut the last character in the middle
        UTF8_POST + b"\x80",  # one stray byte at the end
        UTF8_POST.replace("增长。".encode(), "增长".encode() + b"\xe3\x80", 1),
    ],
    ids=["truncated-last-character", "stray-byte-at-end", "truncated-in-the-middle"],
)
def test_a_utf8_file_with_a_few_bad_bytes_is_not_read_as_gb18030(
    tmp_path: Path, write: Write, options: LoadOptions, raw: bytes
):
    write("_posts/2022-01-01-cut.md", raw)
    post = only_post(tmp_path, options)
    assert post.title == "营收增长，净利润翻番"
    assert post.body.startswith("公司营收增长")
    assert "\ufffd" in post.body
    assert has_problem(post, "replaced")
    assert not has_problem(post, "gb18030")


def test_windows_line_endings(tmp_path: Path, write: Write, options: LoadOptions):
    text = md(
        'title: "换行符"',
        "date: 2022-04-01 20:16:06 +0800",
        "categories: caijing gupiao",
        body="正文。\n\n<http://a.example.cn/1.htm>\n",
    )
    write("_posts/2022-04-01-crlf.md", text.replace("\n", "\r\n"))
    post = only_post(tmp_path, options)
    assert post.title == "换行符"
    assert post.date == datetime(2022, 4, 1, 20, 16, 6, tzinfo=SHANGHAI)
    assert post.categories == ("caijing", "gupiao")
    assert post.source_url == "http://a.example.cn/1.htm"
    assert post.problems == ()


# --- files that cannot be read are skipped, the rest loads --------------------------------


def good_post(write: Write) -> None:
    write("_posts/2022-01-01-good.md", md('title: "好文章"', "date: 2022-01-01"))


def skipped_by_id(archive: Archive) -> dict[str, str]:
    return {problem.path: problem.message for problem in archive.skipped}


@pytest.mark.parametrize(
    ("content", "word"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
        (md('title: "x"').encode() + b"\x00\x01\x02", "binary"),
        (b"", "empty"),
        (b"   \n\n\t\n", "empty"),
        (b"\xef\xbb\xbf", "empty"),
        (b"\xef\xbb\xbf\r\n\r\n", "empty"),
    ],
)
def test_binary_and_empty_files_are_skipped_with_a_problem(
    tmp_path: Path, write: Write, options: LoadOptions, content: bytes, word: str
):
    good_post(write)
    write("_posts/2022-01-02-broken.md", content)
    archive = load_archive(tmp_path, options)
    assert [post.title for post in archive.posts] == ["好文章"]
    skipped = skipped_by_id(archive)
    assert list(skipped) == ["_posts/2022-01-02-broken.md"]
    assert word in skipped["_posts/2022-01-02-broken.md"].lower()
    assert any(str(p).startswith("_posts/2022-01-02-broken.md: ") for p in archive.problems)


def test_oversized_files_are_skipped(tmp_path: Path, write: Write, shanghai: ZoneInfo):
    good_post(write)
    big = md('title: "太大"', "date: 2022-01-02", body="长" * 2000)
    write("_posts/2022-01-02-big.md", big)
    exact = md('title: "刚好"', "date: 2022-01-03")
    write("_posts/2022-01-03-exact.md", exact + " " * (1000 - len(exact.encode())))
    archive = load_archive(tmp_path, LoadOptions(tz=shanghai, max_bytes=1000))
    assert sorted(post.title for post in archive.posts) == ["刚好", "好文章"]
    assert list(skipped_by_id(archive)) == ["_posts/2022-01-02-big.md"]
    # Without the limit the same file loads.
    assert len(load_archive(tmp_path, LoadOptions(tz=shanghai))) == 3


def test_unreadable_files_are_skipped(tmp_path: Path, write: Write, options: LoadOptions):
    good_post(write)
    locked = write("_posts/2022-01-02-locked.md", md('title: "锁住"', "date: 2022-01-02"))
    if os.geteuid() == 0:
        # Root reads a chmod 000 file anyway: test a path that vanishes between scan and read.
        found = find_post_files(tmp_path)
        locked.unlink()
        loaded = [load_post(path, tmp_path, options) for path in found]
        assert [post.title for post in loaded if isinstance(post, Post)] == ["好文章"]
        problems = [problem for problem in loaded if isinstance(problem, Problem)]
    else:
        locked.chmod(0)
        try:
            archive = load_archive(tmp_path, options)
        finally:
            locked.chmod(0o644)
        assert [post.title for post in archive.posts] == ["好文章"]
        problems = archive.skipped
    assert [problem.path for problem in problems] == ["_posts/2022-01-02-locked.md"]
    assert problems[0].message
    assert str(problems[0]).startswith("_posts/2022-01-02-locked.md: ")


def test_a_file_vanishing_while_loading_is_skipped(
    tmp_path: Path, write: Write, options: LoadOptions
):
    write("_posts/2022-01-01-first.md", md('title: "第一篇"', "date: 2022-01-01"))
    doomed = write("_posts/2022-01-02-doomed.md", md('title: "将被删除"', "date: 2022-01-02"))
    write("_posts/2022-01-03-third.md", md('title: "第三篇"', "date: 2022-01-03"))
    calls: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        calls.append((done, total))
        if done == 1:
            doomed.unlink()  # after the scan, before its turn to be read

    archive = load_archive(tmp_path, options, progress=progress)
    assert sorted(post.title for post in archive.posts) == ["第一篇", "第三篇"]
    assert [problem.path for problem in archive.skipped] == ["_posts/2022-01-02-doomed.md"]
    assert calls == [(1, 3), (2, 3), (3, 3)]


def test_a_named_pipe_does_not_block_loading(tmp_path: Path, write: Write, options: LoadOptions):
    good_post(write)
    os.mkfifo(tmp_path / "_posts" / "2022-01-02-pipe.md")
    archive = finishes_within(5, lambda: load_archive(tmp_path, options))
    assert isinstance(archive, Archive)
    assert [post.title for post in archive.posts] == ["好文章"]


# --- untrusted text is made safe ----------------------------------------------------------


@pytest.mark.parametrize(
    ("title_line", "expected"),
    [
        ('title: "Red\\e[31m alert\\e[0m"', "Red alert"),
        ('title: "Copy\\e]52;c;ZXZpbA==\\a me"', "Copy me"),
        ('title: "Bell\\a and\\bbackspace\\x7f"', "Bell andbackspace"),
        ('title: "abc\\u202edef\\u202c"', "abcdef"),
        ('title: "8-bit\\x9b31m CSI"', "8-bit CSI"),
        ('title: "line\\nbreak"', "line break"),
    ],
)
def test_escape_sequences_and_controls_are_removed_from_titles(
    tmp_path: Path, write: Write, options: LoadOptions, title_line: str, expected: str
):
    write("_posts/2022-01-01-x.md", md(title_line, "date: 2022-01-01"))
    post = only_post(tmp_path, options)
    assert post.title == expected


def test_raw_control_bytes_in_front_matter_are_removed(
    tmp_path: Path, write: Write, options: LoadOptions
):
    text = md(
        'title: "坏\x1b[31m标题\x1b]52;c;ZXZpbA==\x07\u202e反"',
        "date: 2022-01-01",
        "categories: cai\x1b[2Jjing \u202ebad",
        "tags: 财\x1b[1m经 \x07铃",
    )
    write("_posts/2022-01-01-raw.md", text)
    post = only_post(tmp_path, options)
    assert post.title == "坏标题反"
    assert post.categories == ("caijing", "bad")
    assert post.tags == ("财经", "铃")
    for text_value in (post.title, *post.categories, *post.tags):
        assert not any(ord(char) < 32 or 0x7F <= ord(char) <= 0x9F for char in text_value)
        assert "\u202e" not in text_value


def test_escapes_in_yaml_categories_and_tags_are_removed(
    tmp_path: Path, write: Write, options: LoadOptions
):
    write(
        "_posts/2022-01-01-x.md",
        md(
            'title: "t"',
            "date: 2022-01-01",
            'categories: ["nan\\e[31mfang", "a\\u202eb"]',
            'tags: "\\e]0;pwned\\a南方"',
        ),
    )
    post = only_post(tmp_path, options)
    assert post.categories == ("nanfang", "ab")
    assert post.tags == ("南方",)


def test_a_title_fallback_is_cleaned_too(tmp_path: Path, write: Write, options: LoadOptions):
    write("_posts/2022-01-01-x.md", md("date: 2022-01-01", body="\x1b[31m红色\x1b[0m的导语\u202e"))
    assert only_post(tmp_path, options).title == "红色的导语"


@pytest.mark.parametrize(
    "title", ["[bold]x[/]", "[link=file:///etc/passwd]click[/link]", "数组[0]和[red]"]
)
def test_rich_markup_in_titles_is_kept_literally(
    tmp_path: Path, write: Write, options: LoadOptions, title: str
):
    write("_posts/2022-01-01-x.md", md(f"title: '{title}'", "date: 2022-01-01"))
    assert only_post(tmp_path, options).title == title


# --- the committed oddities archive -------------------------------------------------------

ODDITY_POSTS = {
    "_posts/2022-04-01-202204012016000001.md": (
        "智能语音企业与山区城市签约共建数字产业园",
        datetime(2022, 4, 1, 20, 16, 6, tzinfo=SHANGHAI),
        ("nanfangwang",),
        ("南方网新闻",),
        "http://news.example.cn/nanfang/2022-04/01/c_0001.htm",
    ),
    "_posts/2022-04-02-202204020930000002.md": (
        "沿海港口四月首周集装箱吞吐量回升",
        datetime(2022, 4, 2, 9, 30, tzinfo=SHANGHAI),
        ("nanfangwang",),
        ("南方网新闻",),
        "http://news.example.cn/nanfang/2022-04/02/c_0002.htm",
    ),
    "_posts/2022-01-26-202201261500000003.md": (
        "长春今年新建四十个口袋公园",
        datetime(2022, 1, 26, 15, tzinfo=SHANGHAI),
        ("changchunribao",),
        ("长春日报",),
        "http://news.example.cn/changchun/2022-01/26/c_0003.htm",
    ),
    "_posts/2022-05-10-202205101200000005.md": (
        '他说"明天见"就走了：一位乡村教师的三十年',
        datetime(2022, 5, 10, 12, tzinfo=SHANGHAI),
        ("renminwang",),
        ("人民网新闻",),
        "http://news.example.cn/renmin/2022-05/10/c_0005.htm",
    ),
    "_posts/2022-05-11-202205110900000006.md": (
        "营收增长50\\%，净利润翻番",
        datetime(2022, 5, 11, 9, tzinfo=SHANGHAI),
        ("21shijijingjibaodao",),
        ("21世纪经济报道",),
        "http://news.example.cn/21jingji/2022-05/11/c_0006.htm",
    ),
    "_posts/2021-12-08-202112081018000007.md": (
        "电动车初创公司称现金足以支撑到量产",
        datetime(2021, 12, 8, 10, 18, 31, tzinfo=SHANGHAI),
        ("emnews",),
        ("东财滚动新闻",),
        "http://stock.example.cn/news/1611,202112081018000007.html",
    ),
    "_posts/2022-06-01-202206010700000008.md": (
        "早间快讯：三大指数集体高开",
        datetime(2022, 6, 1, 7, tzinfo=SHANGHAI),
        ("emnews",),
        ("东财滚动新闻",),
        None,
    ),
    "_posts/2022-06-02-202206021100000009.md": (
        "来源链接为空的一条消息",
        datetime(2022, 6, 2, 11, tzinfo=SHANGHAI),
        ("emnews",),
        ("东财滚动新闻",),
        None,
    ),
    "_posts/2022-06-03-202206031200000010.md": (
        "不良贷款率降至1%以下",
        datetime(2022, 6, 3, 12, tzinfo=SHANGHAI),
        ("emnews",),
        ("东财滚动新闻",),
        "http://stock.example.cn/news/1611,202206031200000010.html",
    ),
    "_posts/2022-06-04-202206040800000011.md": (
        "Phone maker ships a folding handset",
        datetime(2022, 6, 4, 8, tzinfo=SHANGHAI),
        ("TechWeb", "keji(2)", "163"),
        ("科技新闻",),
        "https://tech.example.com/2022/06/04/fold.html",
    ),
    "_posts/2022-06-05-202206050800000012.md": (
        "Chip designer opens a lab",
        datetime(2022, 6, 5, 8, tzinfo=SHANGHAI),
        ("Techweb",),
        ("科技新闻",),
        "https://tech.example.com/2022/06/05/lab.html",
    ),
    "_posts/2022-06-06-202206060600000013.md": (
        "清晨的菜市场",
        datetime(2022, 6, 6, tzinfo=SHANGHAI),
        (),
        (),
        None,
    ),
    "_posts/2023-02-01-202302010830000014.html": (
        "Harbour cranes go electric",
        datetime(2023, 2, 1, 8, 30, tzinfo=UTC),
        ("shipping", "energy"),
        ("港口", "能源"),
        "http://port.example.org/news/cranes",
    ),
    "essays/2022-08-15-autumn-notes.markdown": (
        "Autumn notes",
        datetime(2022, 8, 15, tzinfo=SHANGHAI),
        ("essays",),
        ("随笔",),
        None,
    ),
}
RICH_POST = "_posts/-202301150000000004.md"


@pytest.fixture
def oddity_archive(oddities: Path, options: LoadOptions) -> Archive:
    return load_archive(oddities, options)


def test_the_oddities_archive_loads_every_post(oddity_archive: Archive):
    assert sorted(post.id for post in oddity_archive.posts) == sorted([*ODDITY_POSTS, RICH_POST])
    assert oddity_archive.skipped == []
    assert oddity_archive.scan_problems == []
    assert oddity_archive.get("README.md") is None
    assert all(post.date.tzinfo is not None for post in oddity_archive.posts)


@pytest.mark.parametrize("post_id", sorted(ODDITY_POSTS))
def test_each_oddity_post_reads_as_expected(oddity_archive: Archive, post_id: str):
    title, when, categories, tags, source_url = ODDITY_POSTS[post_id]
    post = oddity_archive.get(post_id)
    assert post is not None
    assert post.title == title
    assert post.date == when
    assert post.categories == categories
    assert post.tags == tags
    assert post.source_url == source_url


def test_oddities_record_exactly_the_recovered_problems(oddity_archive: Archive):
    with_problems = {post.id for post in oddity_archive.posts if post.problems}
    assert with_problems == {
        RICH_POST,
        "_posts/2022-05-10-202205101200000005.md",
        "_posts/2022-05-11-202205110900000006.md",
        "_posts/2021-12-08-202112081018000007.md",
        "_posts/2022-06-06-202206060600000013.md",
    }


def test_the_rich_oddity_falls_back_for_title_and_date(oddity_archive: Archive, oddities: Path):
    post = oddity_archive.get(RICH_POST)
    assert post is not None
    assert post.title.startswith("一家电动汽车公司宣布")
    assert "<" not in post.title and ">" not in post.title
    assert post.date == datetime(2023, 1, 15, tzinfo=SHANGHAI)
    assert has_problem(post, "title")
    assert has_problem(post, "article code")
    assert post.categories == ("emnews",)
    assert post.source_url == "http://stock.example.cn/news/1611,202301150000000004.html"
    assert "&lt;新能源汽车热管理&gt;" in post.body  # the body is kept raw


def test_oddities_keep_extra_keys(oddity_archive: Archive):
    harbour = oddity_archive.get("_posts/2022-04-02-202204020930000002.md")
    essay = oddity_archive.get("essays/2022-08-15-autumn-notes.markdown")
    assert harbour is not None and essay is not None
    assert dict(harbour.extra) == {"layout": "post", "author": "本网记者"}
    assert dict(essay.extra) == {"author": "编辑部"}


def test_oddities_repeated_body_and_missing_final_newline_are_kept(oddity_archive: Archive):
    twice = oddity_archive.get("_posts/2022-01-26-202201261500000003.md")
    assert twice is not None
    assert twice.body.count("长春市今年计划新建口袋公园四十个") == 2
    same = oddity_archive.get("_posts/2022-06-01-202206010700000008.md")
    assert same is not None
    assert same.body == same.title
