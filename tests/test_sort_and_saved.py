"""Sort orders and saved searches: in the data layer, on disk, and in the running reader."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from test_reader import TOTAL, _whole, listed_titles, notifications, run, status, type_text, until
from textual.pilot import Pilot
from textual.widgets import Static

from newsreader.archive import Archive, Filter, Post, SortOrder
from newsreader.config import load_settings
from newsreader.reader.saved_searches import (
    SAVED_SEARCHES_FILE,
    SavedSearch,
    SavedSearchError,
    SavedSearches,
    SearchMatches,
)
from newsreader.screens.help import HelpScreen
from newsreader.screens.name_prompt import NamePromptScreen
from newsreader.screens.reader import ReaderScreen

START = datetime(2024, 1, 1, tzinfo=UTC)


def post(number: int, title: str, *categories: str) -> Post:
    """A post ``number`` hours after the start (so a higher number is newer)."""
    return Post(
        id=f"_posts/{number:03}.md",
        path=Path(f"/a/_posts/{number:03}.md"),
        title=title,
        date=START + timedelta(hours=number),
        categories=categories,
        tags=(),
        source_url=None,
        body="",
    )


# --- orders --------------------------------------------------------------------------------


def titles(archive: Archive, order: SortOrder, query: Filter | None = None) -> list[str]:
    return [item.title for item in archive.sort(archive.filter(query or Filter()), order)]


def test_each_order_lists_the_posts_as_its_name_says() -> None:
    archive = Archive(
        Path("/a"),
        [post(1, "b", "zeta"), post(2, "“A quoted", "alpha"), post(3, "c"), post(4, "", "beta")],
    )
    assert titles(archive, SortOrder.NEWEST) == ["", "c", "“A quoted", "b"]
    assert titles(archive, SortOrder.OLDEST) == ["b", "“A quoted", "c", ""]
    # Leading quotes do not count; an untitled post goes last.
    assert titles(archive, SortOrder.TITLE) == ["“A quoted", "b", "c", ""]
    # By first category; an uncategorised post goes last.
    assert titles(archive, SortOrder.CATEGORY) == ["“A quoted", "", "b", "c"]


def test_chinese_titles_sort_by_code_point_and_ties_stay_newest_first() -> None:
    archive = Archive(
        Path("/a"),
        [post(1, "北京"), post(2, "上海"), post(3, "北京"), post(4, "广州"), post(5, "Apple")],
    )
    ordered = archive.sort(archive.filter(Filter()), SortOrder.TITLE)
    assert [item.title for item in ordered] == ["Apple", "上海", "北京", "北京", "广州"]
    assert [item.id for item in ordered if item.title == "北京"] == [
        "_posts/003.md",
        "_posts/001.md",
    ]


def test_a_filtered_list_keeps_the_order_and_a_new_post_is_sorted_in() -> None:
    posts = [post(n, f"t{50 - n:02}", "odd" if n % 2 else "even") for n in range(50)]
    archive = Archive(Path("/a"), posts)
    odd = Filter(category="odd")
    shown = titles(archive, SortOrder.TITLE, odd)
    assert shown == sorted(shown) and len(shown) == 25
    archive.add([post(99, "t00", "odd")])
    assert titles(archive, SortOrder.TITLE, odd)[:2] == ["t00", "t01"]
    # By category: "even" before "odd", each newest first, as the dates have them.
    by_category = titles(archive, SortOrder.CATEGORY)
    assert by_category[:25] == titles(archive, SortOrder.NEWEST, Filter(category="even"))
    assert by_category[25:] == titles(archive, SortOrder.NEWEST, odd)


# --- saved searches on disk ----------------------------------------------------------------


def test_saved_searches_survive_a_restart_a_rename_and_a_delete(tmp_path: Path) -> None:
    saved = SavedSearches.open("news", tmp_path)
    saved.save(SavedSearch("关税", text="关税", category="emnews", dates="2024", unread_only=True))
    saved.save(SavedSearch("ai", text="AI"))
    saved.rename("ai", "machines")
    again = SavedSearches.open("news", tmp_path)
    assert [search.name for search in again.searches] == ["关税", "machines"]
    assert again.get("关税") == SavedSearch("关税", "关税", "emnews", "2024", True)
    again.delete("关税")
    assert [search.name for search in SavedSearches.open("news", tmp_path).searches] == ["machines"]
    # Another archive's searches are its own.
    assert SavedSearches.open("other", tmp_path).searches == []


def test_a_corrupt_line_is_named_the_rest_loads_and_the_line_is_kept(tmp_path: Path) -> None:
    good = '{"archive": "news", "name": "good", "text": "x"}'
    other = '{"archive": "elsewhere", "name": "theirs"}'
    path = tmp_path / SAVED_SEARCHES_FILE
    path.write_bytes(
        f'{good}\n{{"archive": "news", "name": \n{other}\n'.encode()
        + b'{"archive": "news", "name": "bad date", "dates": "never"}\n\xff\xfe\n'
    )
    saved = SavedSearches.open("news", tmp_path)
    assert [search.name for search in saved.searches] == ["good"]
    assert any(f"{path}, line 2: not JSON" in problem for problem in saved.problems)
    assert any(f"{path}, line 4: not a date filter" in problem for problem in saved.problems)
    assert len(saved.problems) == 3
    saved.save(SavedSearch("new", text="y"))
    written = path.read_text(encoding="utf-8")
    assert other in written and '"name": "new"' in written and '"name": "good"' in written
    assert '{"archive": "news", "name": ' in written.splitlines()  # the broken line, kept


def test_a_name_must_be_usable_and_a_failed_write_changes_nothing(tmp_path: Path) -> None:
    saved = SavedSearches.open("news", tmp_path)
    saved.save(SavedSearch("one", text="a"))
    for bad in ("", "   ", "a\x1bb", "x" * 81):
        try:
            saved.save(SavedSearch(bad, text="b"))
        except SavedSearchError:
            continue
        raise AssertionError(f"{bad!r} was taken as a name")
    saved.save(SavedSearch("two", text="b"))
    try:
        saved.rename("two", "one")
    except SavedSearchError as error:
        assert "already called" in str(error)
    else:
        raise AssertionError("a rename onto another search's name was taken")
    blocked = SavedSearches.open("news", tmp_path / "file")
    (tmp_path / "file").write_text("not a folder", encoding="utf-8")
    try:
        blocked.save(SavedSearch("three", text="c"))
    except SavedSearchError as error:
        assert str(tmp_path / "file") in str(error)
    assert blocked.searches == []


def test_counts_are_unread_and_total_of_what_the_search_lists() -> None:
    archive = Archive(Path("/a"), [post(n, f"t{n}", "odd" if n % 2 else "even") for n in range(10)])
    searches = [SavedSearch("odd", category="odd"), SavedSearch("t1", text="t1")]
    matches = SearchMatches()
    matches.find(archive, searches, UTC, {"t1": {"_posts/001.md"}})
    read = {"_posts/001.md", "_posts/003.md", "_posts/004.md"}
    counted = matches.counts(searches, read)
    assert [(count.name, count.unread, count.total) for count in counted] == [
        ("odd", 3, 5),
        ("t1", 0, 1),
    ]


# --- in the reader -------------------------------------------------------------------------


def test_o_cycles_the_order_the_header_says_it_and_it_is_remembered() -> None:
    seen: dict[str, list[str]] = {}

    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        seen["newest"] = listed_titles(reader)
        await pilot.press("O")
        seen["oldest"] = listed_titles(reader)
        seen["header"] = [str(reader.article_list.border_title)]
        await pilot.press("O")
        seen["title"] = listed_titles(reader)

    run(scenario)
    assert seen["oldest"] == seen["newest"][::-1]
    assert seen["header"] == ["Articles · oldest first"]
    # Leading quotes and brackets do not count: "“520”消费观察" sorts among the digits.
    assert seen["title"] == sorted(seen["title"], key=lambda title: title.lstrip("“[").casefold())
    assert seen["title"][0].startswith("“520”")
    settings, _ = load_settings()
    assert settings.article_sort == "title"

    async def restarted(pilot: Pilot[None], reader: ReaderScreen) -> None:
        seen["restarted"] = listed_titles(reader)

    run(restarted)
    assert seen["restarted"] == seen["title"]


async def save_search(pilot: Pilot[None], reader: ReaderScreen, text: str, name: str) -> None:
    await pilot.press("slash")
    await type_text(pilot, text)
    await pilot.press("enter")
    await until(pilot, lambda: reader.model.text_matches is not None, "the search")
    await pilot.press("w")
    await until(pilot, lambda: isinstance(pilot.app.screen, NamePromptScreen), "the prompt")
    await type_text(pilot, name)
    await pilot.press("enter")


def saved_entries(reader: ReaderScreen) -> list[str]:
    options = reader.sidebar.saved_searches.options
    return [
        " ".join(str(options.get_option_at_index(index).prompt).split())
        for index in range(options.option_count)
    ]


def test_a_saved_search_is_a_sidebar_entry_with_counts_that_is_there_after_a_restart() -> None:
    seen: dict[str, object] = {}

    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        assert not reader.sidebar.saved_searches.display  # hidden while none is saved
        await save_search(pilot, reader, "port", "ports")
        await until(pilot, lambda: saved_entries(reader) == ["6/6 ports"], "the entry")
        seen["found"] = listed_titles(reader)
        # Reading one lowers its unread count.
        await pilot.press("enter")
        await until(pilot, lambda: saved_entries(reader) == ["5/6 ports"], "the recount")
        await pilot.press("x")
        assert len(listed_titles(reader)) == TOTAL

    run(scenario)

    async def restarted(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await until(pilot, lambda: saved_entries(reader) == ["5/6 ports"], "the saved entry")
        assert reader.sidebar.saved_searches.display
        reader.sidebar.saved_searches.options.focus()
        await pilot.press("enter")
        await until(pilot, lambda: listed_titles(reader) == seen["found"], "the saved search")
        seen["status"] = status(reader)
        seen["focused"] = reader.focused is reader.article_list

    run(restarted)
    assert "search “port”" in str(seen["status"]) and seen["focused"]


def test_a_saved_search_is_renamed_and_deleted_from_the_keyboard() -> None:
    seen: dict[str, object] = {}

    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await save_search(pilot, reader, "port", "ports")
        await until(pilot, lambda: saved_entries(reader) == ["6/6 ports"], "the entry")
        await pilot.press("x")
        reader.sidebar.saved_searches.options.focus()
        await pilot.press("R")
        await until(pilot, lambda: isinstance(pilot.app.screen, NamePromptScreen), "the prompt")
        await type_text(pilot, "harbours")
        await pilot.press("enter")
        await until(pilot, lambda: saved_entries(reader) == ["6/6 harbours"], "the new name")
        await pilot.press("D", "y")
        await until(pilot, lambda: not reader.sidebar.saved_searches.display, "it to go")
        seen["said"] = notifications(pilot)

    run(scenario)
    assert "Deleted “harbours”" in seen["said"]  # type: ignore[operator]
    assert SavedSearches.open("sample_posts").searches == []


def test_saving_with_no_filter_says_what_to_do_first() -> None:
    seen: dict[str, list[str]] = {}

    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await pilot.press("w")
        await pilot.pause()
        seen["said"] = notifications(pilot)
        seen["screen"] = [type(pilot.app.screen).__name__]

    run(scenario)
    assert any(message.startswith("Nothing to save") for message in seen["said"])
    assert seen["screen"] == ["ReaderScreen"]


def test_the_help_lists_the_sort_and_saved_search_keys() -> None:
    seen: list[str] = []

    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(pilot.app.screen, HelpScreen), "the help")
        seen.extend(
            line.strip("│ ")
            for widget in pilot.app.screen.query(Static)
            for line in _whole(widget).splitlines()
        )

    run(scenario)
    for key, action in [
        ("O", "Sort"),
        ("w", "Save search"),
        ("R", "Rename saved search"),
        ("D", "Delete saved search"),
    ]:
        assert any(line.startswith(key + " ") and action in line for line in seen), (key, action)


def test_a_bad_article_sort_setting_is_named_and_newest_first_is_used(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('article_sort = "random"\n', encoding="utf-8")
    settings, messages = load_settings(config)
    assert settings.article_sort == "newest"
    assert messages == [
        f"{config}, line 1: article_sort: 'random' is not one of newest, oldest, title, "
        'category; using the default: "newest"'
    ]
