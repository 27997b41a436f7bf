"""The archive served from the index: the same answers as posts in memory, few Posts made.

``ArchiveIndex.archive()`` keeps compact columns of every post and fetches a Post only when
its row is read. Every question the reader asks of an archive must get the answer an
archive of the same posts held in memory gives (filters, orders, counts, labels, marks), and
reading a few rows of a long list must fetch a few Posts, not all.
"""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from newsreader.archive import (
    Archive,
    Filter,
    LoadOptions,
    Post,
    SearchTerms,
    SortOrder,
    parse_date_spec,
)
from newsreader.archive import post_list as post_list_module
from newsreader.archive.index import ArchiveIndex
from newsreader.state import ReadingState
from newsreader.state.marks import MarkTable, changed_row

SHANGHAI = ZoneInfo("Asia/Shanghai")
OPTIONS = LoadOptions(tz=SHANGHAI)
CATEGORIES = ["world", "china", "markets", "tech", "sport"]
LABELS = {"world": "国际", "china": "中国", "markets": "市场", "tech": "科技", "sport": "体育"}


def write_archive(root: Path, count: int, seed: int = 7) -> None:
    """Posts in several offsets, with ties in time, drafts, unpublished posts, shared and
    ambiguous labels, quoted titles and posts without categories."""
    rng = random.Random(seed)
    posts = root / "_posts"
    posts.mkdir(parents=True)
    (root / "_drafts").mkdir()
    for number in range(count):
        day = 1 + rng.randrange(28)
        hour = rng.choice([0, 8, 8, 23])  # repeated hours: posts at the same moment
        offset = rng.choice(["+0800", "+0000", "-0500"])
        slugs = rng.sample(CATEGORIES, rng.randrange(0, 3))
        tags = [LABELS[slug] for slug in slugs]
        if slugs and rng.random() < 0.1:
            tags.append("头条")  # a second shared tag makes a category's label ambiguous
        title = rng.choice(["", "“引号”开头", "Zeta", "alpha", "市场信心", "Beta"]) + f" {number}"
        extra = "published: false\n" if rng.random() < 0.05 else ""
        folder = root / "_drafts" if rng.random() < 0.05 else posts
        source = f"source_url: https://example.com/{number}\n" if number % 3 else ""
        (folder / f"2023-05-{day:02d}-post-{number}.md").write_text(
            "---\n"
            f'title: "{title}"\n'
            f"date: 2023-05-{day:02d} {hour:02d}:00:00 {offset}\n"
            f"categories: [{', '.join(slugs)}]\n"
            f"tags: [{', '.join(tags)}]\n"
            f"{source}{extra}"
            "---\n"
            f"Body {number}.\n",
            encoding="utf-8",
        )


@pytest.fixture
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("NEWSREADER_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "archive"
    write_archive(root, 400)
    index = ArchiveIndex.open(root, OPTIONS)
    index.refresh()
    yield root, index
    index.close()


def served_and_held(index: ArchiveIndex) -> tuple[Archive, Archive]:
    served = index.archive()
    assert served is not None
    return served, Archive(index.root, index.posts())


def ids(posts: Any) -> list[str]:
    return [post.id for post in posts]


def queries(archive: Archive) -> list[Filter]:
    span = parse_date_spec("2023-05-08..2023-05-20", SHANGHAI)
    return [
        Filter(),
        Filter(category="world"),
        Filter(category="nothing-like-it"),
        Filter(tag="中国"),
        Filter(category="tech", tag="科技"),
        Filter(dates=span),
        Filter(category="markets", dates=span),
        Filter(drafts=True),
        Filter(unpublished=True),
        Filter(drafts=True, unpublished=True, category="china"),
    ]


def test_every_filter_and_order_lists_what_the_posts_in_memory_list(built):
    _, index = built
    served, held = served_and_held(index)
    assert ids(served.posts) == ids(held.posts)
    assert len(served) == len(held) == 400
    for query in queries(held):
        for order in SortOrder:
            expected = ids(held.sort(held.filter(query), order))
            listed = served.sort(served.filter(query), order)
            assert listed.ids() == expected, (query, order)
            assert ids(listed) == expected, (query, order)
    for only in (1, 2):
        for query in (Filter(drafts=True), Filter(unpublished=True), Filter()):
            assert served.filter(query, only_hidden=only).ids() == ids(
                held.filter(query, only_hidden=only)
            )


def test_counts_labels_days_and_problems_are_the_same(built):
    _, index = built
    served, held = served_and_held(index)
    assert served.categories() == held.categories()
    assert served.categories(by="name") == held.categories(by="name")
    assert served.labels == held.labels
    assert served.labels["world"] == "国际"
    assert served.hidden_counts() == held.hidden_counts() != (0, 0)
    assert served.listed_count() == held.listed_count() < 400
    read = set(ids(held.posts)[::3])
    assert served.unread_counts(read) == held.unread_counts(read)
    assert served.listed_read(read) == held.listed_read(read)
    for query in queries(held)[:6]:
        assert served.day_counts(served.filter(query)) == held.day_counts(held.filter(query))
    assert served.problems == held.problems
    some = ids(held.posts)[17]
    assert served.linked_post(some.removeprefix("_posts/").removesuffix(".md")) == held.get(some)


def test_reading_a_few_rows_of_a_long_list_fetches_a_page_not_every_post(built, monkeypatch):
    _, index = built
    served = index.archive()
    assert served is not None
    asked: list[int] = []
    real_posts = ArchiveIndex.posts

    def counting(self: ArchiveIndex, wanted: Any = None) -> list[Post]:
        wanted = list(wanted)
        asked.append(len(wanted))
        return real_posts(self, wanted)

    monkeypatch.setattr(ArchiveIndex, "posts", counting)
    listed = served.filter(Filter())
    # Counting, ids and finding a row make no Post at all.
    assert len(listed) > 300
    target = listed.ids()[250]
    assert listed.index_of(target) == 250
    assert asked == []
    screen = [listed[row].title for row in range(40)]
    assert all(screen)
    assert len(asked) == 1 and asked[0] <= post_list_module.PAGE
    # The rows again: kept, not fetched again.
    assert [listed[row].title for row in range(40)] == screen
    assert len(asked) == 1
    assert served.get(target) is not None and served.get(target).id == target  # type: ignore[union-attr]


def test_a_post_deleted_from_the_index_after_listing_shows_as_it_was_listed(built):
    root, index = built
    served = index.archive()
    assert served is not None
    listed = served.filter(Filter())
    gone = listed.ids()[5]
    (root / gone).unlink()
    index.refresh()
    post = listed[5]  # the list the user sees still holds it until the new archive comes
    assert post.id == gone
    assert post.categories == served.filter(Filter()).__getitem__(5).categories


def test_marks_found_for_a_served_archive_are_those_found_by_walking_every_post(built):
    _, index = built
    served, held = served_and_held(index)
    posts = list(held.posts)
    now = 1_700_000_000.0
    rows = []
    for post in posts[:60:4]:  # read where they are
        rows.append(changed_row(None, post, "read", True, now))
    for post in posts[60:80:5]:  # read, then unread again
        rows.append(changed_row(None, post, "read", False, now))
    with_url = next(post for post in posts[100:] if post.source_url)
    # Its path now holds another article: the stored row names another source address.
    moved_away = changed_row(None, with_url, "read", True, now)
    rows.append(moved_away._replace(source_url="https://example.com/elsewhere"))
    by_url = next(post for post in posts[150:] if post.source_url)
    rows.append(changed_row(None, by_url, "read", True, now)._replace(post="_posts/old-name.md"))
    by_title = next(post for post in posts[200:] if not post.source_url)
    rows.append(changed_row(None, by_title, "starred", True, now)._replace(post="_posts/moved.md"))
    table = MarkTable(rows)
    for flag in ("read", "starred"):
        walked = table.ids(posts, flag)  # type: ignore[arg-type]
        assert table.ids_in(served, flag) == walked  # type: ignore[arg-type]
        assert table.ids_in(held, flag) == walked  # type: ignore[arg-type]
    assert by_url.id in table.ids_in(served, "read")
    assert by_title.id in table.ids_in(served, "starred")


def test_the_reading_state_marks_a_served_archive_as_it_marks_posts(built, tmp_path):
    _, index = built
    served, held = served_and_held(index)
    state = ReadingState.open("served", tmp_path / "state")
    chosen = list(held.posts)[10:30]
    state.set_read(chosen, True)
    state.set_starred(chosen[:3], True)
    assert state.marked_ids_in(served, "read") == {post.id for post in chosen}
    assert state.marked_ids_in(served, "starred") == {post.id for post in chosen[:3]}
    state.close()


def test_an_archive_changed_in_memory_merges_its_posts_in_order(built):
    _, index = built
    served, held = served_and_held(index)
    first = next(iter(held.posts))
    newer = Post(
        "_posts/2030-01-01-new.md",
        index.root / "_posts/2030-01-01-new.md",
        "New",
        first.date + timedelta(days=1),
        ("world",),
        ("国际",),
        None,
        "",
    )
    rewritten = list(held.posts)[40]
    renamed = Post(**{**{f: getattr(rewritten, f) for f in Post.__slots__}, "title": "Renamed"})
    gone = list(held.posts)[41].id
    for archive in (served, held):
        archive.add([newer, renamed])
        archive.remove([gone])
    assert served.posts.ids() == held.posts.ids()
    assert served.posts.ids()[0] == newer.id
    assert gone not in served
    assert served.get(rewritten.id).title == "Renamed"  # type: ignore[union-attr]
    assert served.categories() == held.categories()
    assert ids(served.sort(served.posts, SortOrder.TITLE)) == ids(
        held.sort(held.posts, SortOrder.TITLE)
    )


def test_a_search_by_rowid_lists_what_the_same_search_by_id_lists(built):
    _, index = built
    served, held = served_and_held(index)
    for text in ("市场", "Zeta", "引号", "-Beta", "alpha -1", "no such words", "1"):
        terms = SearchTerms.parse(text)
        by_id = index.search(terms)
        by_rowid = index.text_matches(terms)
        for query in queries(held):
            query = query.with_changes(text=text)
            expected = ids(held.filter(query, by_id))
            assert served.filter(query, by_rowid).ids() == expected, (text, query)
            # An archive held in memory knows no rowids: the matches give it their ids.
            assert ids(held.filter(query, by_rowid)) == expected, (text, query)
