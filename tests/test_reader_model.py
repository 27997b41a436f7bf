"""The reader's rules without a terminal: what is listed, what is open, where n and p go."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from newsreader.archive import Filter, LoadOptions, Post, parse_date_spec
from newsreader.reader.feed import Batch
from newsreader.reader.marks import ReadMarks
from newsreader.reader.model import ReaderModel, Status, View
from newsreader.state import ReadingState

MakePost = Callable[..., Post]


@pytest.fixture
def posts(make_post: MakePost) -> list[Post]:
    """Five posts a day apart, "p4" the newest; p0, p2 and p4 in "world", p1 and p3 in "tech"."""
    return [
        make_post(
            f"p{number}.md",
            f"2022-04-0{number + 1} 08:00",
            categories=("world" if number % 2 == 0 else "tech",),
            title=f"Post {number}",
            body=f"Body {number}",
        )
        for number in range(5)
    ]


@pytest.fixture
def model(posts: list[Post], options: LoadOptions, tmp_path: Path) -> ReaderModel:
    marks = ReadMarks(ReadingState.open("model-test", tmp_path / "state"))
    reader = ReaderModel(Path("/archive"), options, marks)
    reader.apply(Batch(posts, replace=True, finished=True))
    return reader


def titles(model: ReaderModel) -> list[str]:
    return [post.title for post in model.visible]


def by_title(model: ReaderModel, title: str) -> Post:
    return next(post for post in model.archive.posts if post.title == title)


def read(model: ReaderModel, title: str) -> None:
    marks = model.marks
    assert marks is not None
    post = by_title(model, title)
    model.write_marks(lambda: marks.mark_read([post]))


# --- what is listed ---------------------------------------------------------------------


def test_posts_are_listed_newest_first_and_counted(model: ReaderModel) -> None:
    assert titles(model) == ["Post 4", "Post 3", "Post 2", "Post 1", "Post 0"]
    status = model.status()
    assert (status.filters, status.shown, status.total) == ("", 5, 5)


def test_a_category_and_a_date_narrow_the_list_and_say_so(model: ReaderModel) -> None:
    model.set_filter(Filter(category="world"))
    assert titles(model) == ["Post 4", "Post 2", "Post 0"]
    model.set_filter(
        model.filter.with_changes(dates=parse_date_spec("2022-04-01..2022-04-03", model.options.tz))
    )
    assert titles(model) == ["Post 2", "Post 0"]
    status = model.status()
    assert status.filters == "category world, date 2022-04-01..2022-04-03"
    assert (status.shown, status.total) == (2, 5)


def test_a_search_lists_only_what_the_index_found_and_nothing_before_it_answers(
    model: ReaderModel,
) -> None:
    model.set_filter(Filter(text="Body"))
    assert titles(model) == [], "a text without the index's answer matches nothing yet"
    model.set_filter(Filter(text="Body"), {"p1.md", "p3.md"})
    assert titles(model) == ["Post 3", "Post 1"]
    assert model.searching
    assert model.status().filters == "search “Body”"


def test_the_unread_view_and_unread_only_hide_read_posts(model: ReaderModel) -> None:
    read(model, "Post 3")
    model.set_view(View.UNREAD)
    assert titles(model) == ["Post 4", "Post 2", "Post 1", "Post 0"]
    assert model.status().filters == "unread"
    model.set_view(View.ALL)
    assert model.toggle_unread_only() is True
    assert "Post 3" not in titles(model)
    model.clear_filters()
    assert len(model.visible) == 5 and not model.unread_only


def test_the_starred_view_lists_the_starred(model: ReaderModel) -> None:
    marks = model.marks
    assert marks is not None
    model.write_marks(lambda: marks.toggle_star(by_title(model, "Post 1")))
    model.set_view(View.STARRED)
    assert titles(model) == ["Post 1"]
    assert model.sidebar_counts().starred == 1


def test_the_empty_list_says_why(model: ReaderModel, options: LoadOptions) -> None:
    model.set_filter(Filter(category="nothing"))
    assert model.empty_message() == "No posts match these filters. Press x to clear them."
    empty = ReaderModel(Path("/nowhere"), options, None)
    assert empty.empty_message() == "Loading posts…"
    empty.apply(Batch([], replace=True, finished=True))
    assert empty.empty_message().startswith("No posts in /nowhere.")


# --- the open post and its neighbours ---------------------------------------------------


def test_n_and_p_move_from_the_open_post_not_from_the_cursor(model: ReaderModel) -> None:
    model.open(by_title(model, "Post 3"))
    # The user scrolled the list to the bottom (row 4) while reading Post 3.
    assert model.neighbour(1, cursor=4) == by_title(model, "Post 2")
    assert model.neighbour(-1, cursor=4) == by_title(model, "Post 4")


def test_with_nothing_open_n_and_p_open_the_post_at_the_cursor(model: ReaderModel) -> None:
    assert model.neighbour(1, cursor=1) == by_title(model, "Post 3")
    assert model.neighbour(-1, cursor=0) == by_title(model, "Post 4")
    assert model.neighbour(1, cursor=4) == by_title(model, "Post 0")
    model.open(by_title(model, "Post 0"))
    assert model.neighbour(1, cursor=0) is None, "past the last post there is none"


def test_n_walks_every_unread_post_while_opening_marks_each_read(model: ReaderModel) -> None:
    model.set_view(View.UNREAD)
    opened = []
    post: Post | None = model.visible[0]
    while post is not None:
        model.open(post)
        opened.append(post.title)
        read(model, post.title)
        # The post just read stays listed while it is open, so n goes on from it.
        assert post in model.visible
        post = model.neighbour(1, cursor=0)
    assert opened == ["Post 4", "Post 3", "Post 2", "Post 1", "Post 0"]
    model.close()
    assert model.visible == []


def test_a_read_post_leaves_the_unread_view_when_another_is_opened(model: ReaderModel) -> None:
    model.set_view(View.UNREAD)
    model.open(by_title(model, "Post 4"))
    read(model, "Post 4")
    model.open(by_title(model, "Post 3"))
    assert titles(model) == ["Post 3", "Post 2", "Post 1", "Post 0"]


def test_next_unread_skips_the_read(model: ReaderModel) -> None:
    read(model, "Post 3")
    read(model, "Post 2")
    model.open(by_title(model, "Post 4"))
    assert model.next_unread(cursor=0) == by_title(model, "Post 1")
    model.open(by_title(model, "Post 0"))
    assert model.next_unread(cursor=0) is None


def test_next_unread_wraps_to_the_first_unread_from_the_top_but_the_open_one(
    model: ReaderModel,
) -> None:
    read(model, "Post 1")
    model.open(by_title(model, "Post 0"))  # the last row, left unread (the "key" mark mode)
    assert model.next_unread(cursor=0) is None
    assert model.first_unread() == by_title(model, "Post 4")
    for title in ("Post 4", "Post 3", "Post 2"):
        read(model, title)
    assert model.first_unread() is None, "the open post is not where to wrap to"


def test_a_filter_that_hides_the_open_post_closes_it(model: ReaderModel) -> None:
    model.open(by_title(model, "Post 3"))
    model.set_view(View.STARRED)  # nothing is starred
    assert model.visible == []
    assert model.open_post is None
    model.set_view(View.ALL)
    model.open(by_title(model, "Post 3"))
    model.set_filter(Filter(text="Body 1"), {"p1.md"})
    assert model.open_post is None, "a search that excludes the open post closes it"
    model.set_filter(Filter(category="tech"))
    model.open(by_title(model, "Post 1"))
    model.set_filter(Filter(category="tech", text="Body"), {"p1.md", "p3.md"})
    assert model.open_post == by_title(model, "Post 1"), "a filter that keeps it keeps it"


def test_opening_reads_a_body_the_index_did_not_keep(
    options: LoadOptions, tmp_path: Path, make_post: MakePost
) -> None:
    path = tmp_path / "_posts" / "2022-04-01-kept.md"
    path.parent.mkdir(parents=True)
    path.write_text("---\ntitle: Kept\ndate: 2022-04-01\n---\n\nThe body on disk.\n")
    post = Post(**{**_fields(make_post("_posts/2022-04-01-kept.md")), "path": path, "body": ""})
    reader = ReaderModel(tmp_path, options, None)
    reader.apply(Batch([post], replace=True, finished=True))
    assert "The body on disk." in reader.open(post).body
    path.unlink()
    gone = reader.open(post)
    assert gone.body.startswith("<p>This file can no longer be read")


def _fields(post: Post) -> dict[str, object]:
    return {name: getattr(post, name) for name in Post.__slots__}


# --- batches from the feed --------------------------------------------------------------


def test_batches_add_replace_and_remove_posts(model: ReaderModel, make_post: MakePost) -> None:
    newcomer = make_post("p9.md", "2022-05-01 08:00", categories=("tech",), title="Post 9")
    applied = model.apply(Batch([newcomer], replace=False, finished=True, arrived=1))
    assert titles(model)[0] == "Post 9"
    assert applied.changed_ids == {"p9.md"} and applied.sidebar_changed
    assert not applied.finished_loading
    model.open(by_title(model, "Post 2"))
    model.apply(Batch([], replace=False, finished=True, removed=("p2.md",)))
    assert "Post 2" not in titles(model)
    assert model.open_post is None, "a deleted post is no longer open"


def test_loading_ends_with_the_last_batch_and_counts_what_is_coming(
    options: LoadOptions, posts: list[Post]
) -> None:
    reader = ReaderModel(Path("/archive"), options, None)
    first = reader.apply(Batch(posts[-2:], replace=True, finished=False, expected=5))
    assert not first.finished_loading and reader.loading
    status = reader.status()
    assert (status.filters, status.shown, status.total) == ("loading", 2, 5)
    last = reader.apply(Batch(posts, replace=True, finished=True))
    assert last.finished_loading and not reader.loading
    assert reader.loaded_message() == ("Loaded 5 posts", False)


def test_a_batch_during_a_search_asks_for_the_search_again(model: ReaderModel) -> None:
    model.set_filter(Filter(text="Body"), {"p1.md"})
    post = by_title(model, "Post 1")
    assert model.apply(Batch([post], replace=False, finished=True)).search_stale


def test_day_counts_follow_the_filter_but_the_timeline_ignores_the_dates(
    model: ReaderModel,
) -> None:
    model.set_filter(
        Filter(category="world", dates=parse_date_spec("2022-04-05", model.options.tz))
    )
    timeline, chart = model.day_counts()
    assert timeline == {"2022-04-01": 1, "2022-04-03": 1, "2022-04-05": 1}
    assert chart == {"2022-04-05": 1}


# --- marks -------------------------------------------------------------------------------


def test_how_opening_marks_a_post_read(model: ReaderModel, options: LoadOptions) -> None:
    post = by_title(model, "Post 0")
    assert model.marks_on_open(post, "open") == "now"
    assert model.marks_on_open(post, "delay") == "delay"
    assert model.marks_on_open(post, "key") is None
    read(model, "Post 0")
    assert model.marks_on_open(post, "open") is None, "already read"
    assert ReaderModel(Path("/a"), options, None).marks_on_open(post, "open") is None


def test_mark_all_read_takes_the_unread_posts_listed(model: ReaderModel) -> None:
    read(model, "Post 4")
    model.set_filter(Filter(category="world"))
    assert [post.title for post in model.unread_visible()] == ["Post 2", "Post 0"]
    counts = model.sidebar_counts()
    assert counts.unread == {"world": 2, "tech": 2}
    assert counts.unread_total == 4


def test_while_a_first_build_lists_posts_the_status_says_it_is_loading(
    options: LoadOptions, posts: list[Post]
) -> None:
    reader = ReaderModel(Path("/archive"), options, None)
    reader.apply(Batch(posts[:3], replace=True, finished=False))  # no count known yet
    assert reader.status() == Status("loading", 3, 3)
    reader.files_read = (2000, 100_000)  # what the index's progress says
    assert reader.status() == Status("indexing 2,000/100,000 files", 3, 3)
    reader.apply(Batch(posts[3:], replace=False, finished=True))
    assert reader.status() == Status("", 5, 5)


def test_a_reload_showing_the_newest_posts_first_keeps_an_older_open_post(
    model: ReaderModel, posts: list[Post]
) -> None:
    oldest = by_title(model, "Post 0")
    model.open(oldest)
    # What r sends first: only the newest posts, replacing the list, the rest to come.
    model.apply(Batch(posts[-2:], replace=True, finished=False, expected=5))
    assert model.open_post == oldest, "a partial batch closed the article being read"
    model.apply(Batch(posts, replace=True, finished=True))
    assert model.open_post == oldest
    model.apply(Batch(posts[1:], replace=True, finished=True))  # the whole archive, without it
    assert model.open_post is None


def test_with_nothing_open_n_starts_at_the_cursor_skipping_nothing(model: ReaderModel) -> None:
    model.set_view(View.UNREAD)
    model.open(by_title(model, "Post 3"))
    read(model, "Post 3")
    model.toggle_unread_only()  # U while reading: the read article leaves the view and closes
    assert model.open_post is None
    # The cursor now stands on the row where Post 3 was: Post 2, the next unread one.
    assert model.neighbour(1, cursor=1) == by_title(model, "Post 2")
    assert model.next_unread(cursor=1) == by_title(model, "Post 2")


def test_a_batch_that_rewrites_the_open_post_hands_its_new_version(
    model: ReaderModel, make_post: MakePost
) -> None:
    model.open(by_title(model, "Post 2"))
    edited = make_post("p2.md", "2022-04-03 08:00", categories=("world",), title="Post 2, edited")
    applied = model.apply(Batch([edited], replace=False, finished=True))
    assert applied.rewritten == edited and model.open_post == edited
    other = make_post("p9.md", "2022-05-01 08:00", title="Post 9")
    assert model.apply(Batch([other], replace=False, finished=True)).rewritten is None


def test_drafts_and_unpublished_posts_have_views_of_their_own(
    options: LoadOptions, posts: list[Post]
) -> None:
    from dataclasses import replace as changed

    draft = changed(posts[0], id="d.md", title="A draft", draft=True)
    hidden = changed(posts[1], id="u.md", title="Not published", published=False)
    reader = ReaderModel(Path("/archive"), options, None)
    reader.apply(Batch([*posts, draft, hidden], replace=True, finished=True))
    assert "A draft" not in titles(reader) and "Not published" not in titles(reader)
    counts = reader.sidebar_counts()
    assert (counts.drafts, counts.unpublished, counts.total) == (1, 1, 5)
    # The hidden ones count nowhere else: not in All posts, nor in their categories.
    assert {c.slug: c.count for c in reader.archive.categories()} == {"world": 3, "tech": 2}
    assert reader.status().total == 5
    reader.set_view(View.DRAFTS)
    assert titles(reader) == ["A draft"]
    assert reader.status().filters == "drafts"
    reader.set_view(View.UNPUBLISHED)
    assert titles(reader) == ["Not published"]
    reader.set_view(View.ALL)
    assert len(reader.visible) == 5
