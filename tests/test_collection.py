"""The loaded archive: order, categories and their labels, and changes while in use."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from test_query import searched

from newsreader.archive import Archive, Category, Filter, LoadOptions, Problem, load_archive

SHANGHAI = ZoneInfo("Asia/Shanghai")


def ids(posts) -> list[str]:
    return [post.id for post in posts]


def slugs(categories: list[Category]) -> list[tuple[str, str | None, int]]:
    return [(category.slug, category.label, category.count) for category in categories]


# --- order --------------------------------------------------------------------------------


def test_posts_are_newest_first_across_zones(make_post):
    archive = Archive(
        Path("/archive"),
        [
            make_post("old.md", "2021-01-01 00:00"),
            make_post("utc.md", "2022-04-01 01:00:00+00:00"),  # 09:00 in Shanghai
            make_post("shanghai.md", "2022-04-01 08:30"),
            make_post("new.md", "2022-05-01 00:00"),
        ],
    )
    assert ids(archive.posts) == ["new.md", "utc.md", "shanghai.md", "old.md"]
    assert ids(archive.filter(Filter())) == ids(archive.posts)
    assert len(archive) == 4


def test_posts_at_the_same_moment_have_a_stable_order(make_post):
    posts = [make_post(f"{name}.md", "2022-04-01 08:00") for name in "cab"]
    first = Archive(Path("/archive"), posts)
    second = Archive(Path("/archive"), reversed(posts))
    assert ids(first.posts) == ids(second.posts)
    assert sorted(ids(first.posts)) == ["a.md", "b.md", "c.md"]


def test_get_by_id(make_post):
    post = make_post("_posts/a.md")
    archive = Archive(Path("/archive"), [post])
    assert archive.get("_posts/a.md") is post
    assert archive.get("_posts/missing.md") is None


# --- categories and labels ----------------------------------------------------------------


def test_a_category_whose_posts_share_one_tag_is_labelled_by_it(make_post):
    archive = Archive(
        Path("/archive"),
        [
            make_post("a.md", categories=("nanfangwang",), tags=("南方网新闻",)),
            make_post("b.md", categories=("nanfangwang",), tags=("南方网新闻",)),
            make_post("c.md", categories=("emnews",), tags=("东财滚动新闻",)),
        ],
    )
    assert archive.labels == {"nanfangwang": "南方网新闻", "emnews": "东财滚动新闻"}
    [nanfang] = [c for c in archive.categories() if c.slug == "nanfangwang"]
    assert nanfang.label == "南方网新闻"
    assert nanfang.display_name == "nanfangwang · 南方网新闻"


def test_mixed_tags_give_no_label(make_post):
    archive = Archive(
        Path("/archive"),
        [
            make_post("a.md", categories=("mixed",), tags=("甲",)),
            make_post("b.md", categories=("mixed",), tags=("乙",)),
            make_post("c.md", categories=("untagged",)),
            make_post("d.md", categories=("two",), tags=("甲", "乙")),
            make_post("e.md", categories=("partly",), tags=("甲",)),
            make_post("f.md", categories=("partly",)),
        ],
    )
    assert archive.labels == {}
    for category in archive.categories():
        assert category.label is None
        assert category.display_name == category.slug


def test_the_one_tag_shared_by_all_posts_is_the_label(make_post):
    archive = Archive(
        Path("/archive"),
        [
            make_post("a.md", categories=("caijing",), tags=("财经", "股票")),
            make_post("b.md", categories=("caijing",), tags=("财经", "基金")),
        ],
    )
    assert archive.labels == {"caijing": "财经"}


def test_categories_by_count_and_by_name(make_post):
    archive = Archive(
        Path("/archive"),
        [
            make_post("1.md", categories=("emnews",), tags=("东财",)),
            make_post("2.md", categories=("emnews",), tags=("东财",)),
            make_post("3.md", categories=("emnews", "zhengquan"), tags=("东财",)),
            make_post("4.md", categories=("TechWeb",), tags=("科技",)),
            make_post("5.md", categories=("Techweb",), tags=("科技",)),
            make_post("6.md", categories=("Techweb",), tags=("科技",)),
            make_post("7.md", categories=("anhui",), tags=("安徽",)),
        ],
    )
    by_count = slugs(archive.categories())
    assert by_count[:2] == [("emnews", "东财", 3), ("Techweb", "科技", 2)]
    assert sorted(by_count[2:]) == [
        ("TechWeb", "科技", 1),
        ("anhui", "安徽", 1),
        ("zhengquan", "东财", 1),
    ]
    assert [count for _, _, count in by_count] == [3, 2, 1, 1, 1]
    assert slugs(archive.categories(by="count")) == by_count
    by_name = [category.slug for category in archive.categories(by="name")]
    assert [slug.casefold() for slug in by_name] == [
        "anhui",
        "emnews",
        "techweb",
        "techweb",
        "zhengquan",
    ]
    assert set(by_name) == {"anhui", "emnews", "TechWeb", "Techweb", "zhengquan"}


def test_an_archive_with_no_posts(make_post):
    archive = Archive(Path("/archive"))
    assert len(archive) == 0
    assert archive.posts == []
    assert archive.categories() == []
    assert archive.labels == {}
    assert searched(archive, Filter(text="anything")) == []
    assert archive.problems == []


# --- changes while in use -----------------------------------------------------------------


def test_adding_posts_updates_order_categories_labels_and_filters(make_post):
    archive = Archive(
        Path("/archive"),
        [make_post("a.md", "2022-04-01 08:00", categories=("mixed",), tags=("甲",), title="港口")],
    )
    assert archive.labels == {"mixed": "甲"}
    assert ids(archive.filter(Filter(category="mixed"))) == ["a.md"]
    assert ids(searched(archive, Filter(text="码头"))) == []
    archive.add(
        [
            make_post(
                "b.md", "2022-04-02 08:00", categories=("mixed",), tags=("乙",), title="码头"
            ),
            make_post("c.md", "2022-03-01 08:00", categories=("fresh",), tags=("新",)),
        ]
    )
    assert len(archive) == 3
    assert ids(archive.posts) == ["b.md", "a.md", "c.md"]
    assert archive.labels == {"fresh": "新"}
    assert slugs(archive.categories()) == [("mixed", None, 2), ("fresh", "新", 1)]
    assert ids(archive.filter(Filter(category="mixed"))) == ["b.md", "a.md"]
    assert ids(archive.filter(Filter(category="fresh"))) == ["c.md"]
    assert ids(archive.filter(Filter(tag="乙"))) == ["b.md"]
    assert ids(searched(archive, Filter(text="码头"))) == ["b.md"]


def test_removing_posts_updates_categories_labels_and_filters(make_post):
    archive = Archive(
        Path("/archive"),
        [
            make_post(
                "a.md", "2022-04-01 08:00", categories=("mixed",), tags=("甲",), title="港口"
            ),
            make_post(
                "b.md", "2022-04-02 08:00", categories=("mixed",), tags=("乙",), title="码头"
            ),
            make_post("c.md", "2022-04-03 08:00", categories=("gone",), tags=("去",)),
        ],
    )
    assert archive.labels == {"gone": "去"}
    assert ids(searched(archive, Filter(text="码头"))) == ["b.md"]
    archive.remove(["b.md", "c.md", "never-there.md"])
    assert len(archive) == 1
    assert ids(archive.posts) == ["a.md"]
    assert archive.labels == {"mixed": "甲"}
    assert slugs(archive.categories()) == [("mixed", "甲", 1)]
    assert archive.filter(Filter(category="gone")) == []
    assert searched(archive, Filter(text="码头")) == []
    assert archive.get("b.md") is None


def test_adding_a_post_with_the_same_id_replaces_it(make_post):
    archive = Archive(
        Path("/archive"),
        [make_post("a.md", "2022-04-01 08:00", categories=("old",), title="旧标题")],
    )
    assert ids(searched(archive, Filter(text="旧标题"))) == ["a.md"]
    archive.add([make_post("a.md", "2022-05-01 08:00", categories=("new",), title="新标题")])
    assert len(archive) == 1
    assert archive.get("a.md").title == "新标题"  # type: ignore[union-attr]
    assert [category.slug for category in archive.categories()] == ["new"]
    assert searched(archive, Filter(text="旧标题")) == []
    assert ids(searched(archive, Filter(text="新标题"))) == ["a.md"]
    assert ids(archive.filter(Filter(category="new"))) == ["a.md"]


def test_posts_added_to_a_loaded_archive(tmp_path: Path, make_post):
    (tmp_path / "_posts").mkdir()
    (tmp_path / "_posts" / "2022-04-01-a.md").write_text(
        '---\ntitle: "第一篇"\ndate: 2022-04-01\ncategories: emnews\ntags: 东财\n---\n正文。\n',
        encoding="utf-8",
    )
    archive = load_archive(tmp_path, LoadOptions(tz=SHANGHAI))
    assert archive.labels == {"emnews": "东财"}
    archive.add([make_post("_posts/new.md", "2022-04-02 08:00", categories=("emnews",))])
    assert ids(archive.posts) == ["_posts/new.md", "_posts/2022-04-01-a.md"]
    assert archive.labels == {}
    assert slugs(archive.categories()) == [("emnews", None, 2)]


# --- problems and day counts --------------------------------------------------------------


def test_problems_gather_scan_trouble_skipped_files_and_recovered_posts(make_post):
    archive = Archive(Path("/archive"))
    archive.scan_problems.append(Problem("link", "symbolic link leads out of the archive"))
    archive.skipped.append(Problem("_posts/bin.md", "binary file"))
    recovered = make_post("_posts/r.md")
    archive.add([replace(recovered, problems=("no title",))])
    archive.add([make_post("_posts/fine.md")])
    assert [str(problem) for problem in archive.problems] == [
        "link: symbolic link leads out of the archive",
        "_posts/bin.md: binary file",
        "_posts/r.md: no title",
    ]


def test_day_counts_use_each_posts_own_day(make_post):
    archive = Archive(
        Path("/archive"),
        [
            make_post("a.md", "2022-04-01 00:30"),
            make_post("b.md", "2022-04-01 23:30"),
            make_post("c.md", "2022-04-02 08:00"),
        ],
    )
    assert archive.day_counts(archive.posts) == {"2022-04-01": 2, "2022-04-02": 1}


def test_oddities_categories_and_labels(oddities: Path, options: LoadOptions):
    archive = load_archive(oddities, options)
    labels = archive.labels
    assert labels["nanfangwang"] == "南方网新闻"
    assert labels["changchunribao"] == "长春日报"
    assert labels["emnews"] == "东财滚动新闻"
    assert labels["TechWeb"] == labels["Techweb"] == labels["keji(2)"] == "科技新闻"
    # The harbour post carries two tags, so its categories have no single label.
    assert "shipping" not in labels and "energy" not in labels
    by_count = archive.categories()
    assert (by_count[0].slug, by_count[0].count) == ("emnews", 5)
    assert (by_count[1].slug, by_count[1].count) == ("nanfangwang", 2)
    assert all(category.count == 1 for category in by_count[2:])
    assert sum(category.count for category in by_count) == 17
    by_name = [category.slug.casefold() for category in archive.categories(by="name")]
    assert by_name == sorted(by_name)
    assert ids(archive.filter(Filter(category="nanfangwang"))) == [
        "_posts/2022-04-02-202204020930000002.md",
        "_posts/2022-04-01-202204012016000001.md",
    ]
    newest_first = [post.date for post in archive.posts]
    assert newest_first == sorted(newest_first, reverse=True)
    assert datetime(2022, 4, 1, tzinfo=SHANGHAI) > archive.posts[-1].date
