"""Pilot tests of the reader bugs that came from a screen holding the model (issue 11).

Each failed before the reader model was pulled out of the screen; they check what the user
sees: which article opens, what the pane shows, that the process survives.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from test_reader import TZ, article_title, notifications, rows, run, search, status, until
from test_reader import write_post as write_sample
from textual.pilot import Pilot

from newsreader import app as app_module
from newsreader import cli
from newsreader.app import create_app
from newsreader.archive import LoadOptions, Post
from newsreader.config import Settings
from newsreader.screens.reader import ReaderScreen
from newsreader.state import ReadingState, archive_key


def write_unread_archive(root: Path, count: int = 5) -> list[str]:
    """``count`` posts a day apart, all about 市场; their titles, newest first."""
    titles = [f"市场 post {number}" for number in range(count)]
    for number, title in enumerate(titles):
        write_sample(root, f"2024-03-0{number + 1}-post-{number}.md", title, body=f"市场 {number}")
    return titles[::-1]


def test_with_unread_only_n_opens_every_unread_post_in_turn(tmp_path: Path) -> None:
    newest_first = write_unread_archive(tmp_path)

    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await pilot.press("U", "enter")
        opened = [article_title(pilot, reader)]
        for _ in range(len(newest_first) - 1):
            await pilot.press("n")
            opened.append(article_title(pilot, reader))
        assert opened == newest_first, "n skipped posts as the unread list shrank"

    run(scenario, root=tmp_path)


def test_past_the_last_match_n_opens_the_result_after_the_open_article(tmp_path: Path) -> None:
    newest_first = write_unread_archive(tmp_path)

    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await search(pilot, reader, "市场")
        await pilot.press("enter", "enter")  # to the list, open the first result
        assert article_title(pilot, reader) == newest_first[0]
        await pilot.press("escape", "j", "j", "j")  # the list's cursor goes down meanwhile
        await pilot.press("tab")  # back to the article
        assert pilot.app.focused is reader.reading_pane
        # Each post holds the term in its title and its body: n walks those, then goes on.
        for _ in range(4):
            await pilot.press("n")
            if article_title(pilot, reader) != newest_first[0]:
                break
        assert article_title(pilot, reader) == newest_first[1]

    run(scenario, root=tmp_path)


def test_a_view_without_the_open_post_closes_it(tmp_path: Path) -> None:
    write_unread_archive(tmp_path)

    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await pilot.press("enter")
        assert reader.reading_pane.post is not None
        await pilot.press("escape", "escape")  # to the sidebar
        await pilot.press("j", "j")  # All posts -> Unread -> Starred (none)
        await until(pilot, lambda: "starred" in status(reader), "the starred view")
        assert status(reader) == "starred — 0 of 5 posts"
        assert reader.reading_pane.post is None
        assert "市场 post" not in article_title(pilot, reader)

    run(scenario, root=tmp_path)


def test_a_search_that_excludes_the_open_post_closes_it_and_counts_no_match(
    tmp_path: Path,
) -> None:
    write_unread_archive(tmp_path)

    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await search(pilot, reader, "市场")
        await pilot.press("enter", "enter")
        assert reader.reading_pane.post is not None
        await search(pilot, reader, " -post")
        assert status(reader).endswith("0 of 5 posts")
        assert reader.reading_pane.post is None
        matches = reader.query_one("#status-matches").render()
        assert "match" not in str(matches)

    run(scenario, root=tmp_path)


def test_switching_archives_from_the_command_palette_reads_the_other(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    write_sample(first, "2024-03-01-first.md", "Only in the first")
    write_sample(first, "2024-02-01-older.md", "Older in the first")
    write_sample(first, "2024-01-01-oldest.md", "Oldest in the first")
    write_sample(second, "2024-03-01-second.md", "Only in the second")
    write_sample(second, "2024-03-02-more.md", "Also in the second")
    settings = Settings(archives={"other": second})
    app = create_app(first, LoadOptions(tz=TZ), settings)

    async def main() -> None:
        async with app.run_test(size=(120, 36)) as pilot:
            reader = app.screen_stack[0]
            assert isinstance(reader, ReaderScreen)
            await until(pilot, lambda: not reader.model.loading, "the first archive")
            assert "Only in the first" in rows(reader)[0]
            await pilot.press("G")  # the cursor deep in the first archive
            await pilot.press("ctrl+p")
            await pilot.press(*"Archive: other")
            await until(pilot, lambda: "Archive: other" in _palette_text(pilot), "the hit")
            await pilot.press("enter")
            await until(pilot, lambda: status(reader) == "2 of 2 posts", "the other archive")
            assert "Also in the second" in rows(reader)[0]
            assert reader.article_list.cursor == 0, "the other archive opens at its newest"
            assert app.screen is reader
            assert not [n for n in notifications(pilot) if "Error" in n]

    asyncio.run(main())
    assert app.return_code in (0, None)


def _palette_text(pilot: Pilot[None]) -> str:
    from test_reader import screen_text

    return screen_text(pilot)


def test_a_reader_that_crashed_exits_with_a_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class CrashedApp:
        return_code = 1  # what Textual sets after an unhandled exception

        def run(self) -> None:
            return None

    monkeypatch.setattr(app_module, "create_app", lambda *args, **kwargs: CrashedApp())
    assert cli.main([str(tmp_path)]) == 1


def test_a_delayed_read_mark_is_dropped_when_the_archive_is_switched(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    write_sample(first, "2024-03-01-first.md", "Left before the delay")
    write_sample(second, "2024-03-01-second.md", "In the second")
    settings = Settings(archives={"other": second}, mark_read="delay", mark_read_delay=0.3)
    app = create_app(first, LoadOptions(tz=TZ), settings)
    left: list[Post] = []

    async def main() -> None:
        async with app.run_test(size=(120, 36)) as pilot:
            reader = app.screen_stack[0]
            assert isinstance(reader, ReaderScreen)
            await until(pilot, lambda: not reader.model.loading, "the first archive")
            await pilot.press("enter")
            assert reader.reading_pane.post is not None
            left.append(reader.reading_pane.post)
            app.open_archive(second)
            await until(pilot, lambda: status(reader) == "1 of 1 post", "the other archive")
            await pilot.pause(0.6)  # past the delay

    asyncio.run(main())
    with ReadingState.open(archive_key(first, settings.archives)) as state:
        assert not state.is_read(left[0]), "a post left before the delay was marked read"


def test_escape_from_the_list_ends_a_search_left_with_enter(tmp_path: Path) -> None:
    write_unread_archive(tmp_path)

    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await search(pilot, reader, "post 3")
        await pilot.press("enter")  # to the list, the search kept
        assert pilot.app.focused is reader.article_list
        assert status(reader).startswith("search")
        await pilot.press("escape")
        await until(pilot, lambda: status(reader) == "5 of 5 posts", "the search to end")
        assert pilot.app.focused is reader.article_list
        await pilot.press("escape")  # and then back to the sidebar, as before
        assert pilot.app.focused is reader.sidebar.categories.options

    run(scenario, root=tmp_path)


JEKYLL_SITE = Path(__file__).parent / "fixtures" / "jekyll_site"


def test_drafts_and_unpublished_posts_have_sidebar_entries_that_show_them() -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        entries = [
            str(reader.sidebar.categories.options.get_option_at_index(index).prompt)
            for index in range(3, 5)
        ]
        assert [" ".join(entry.split()) for entry in entries] == ["1 Drafts", "1 Unpublished"]
        assert "Untitled draft" not in " ".join(rows(reader)), "a draft is not listed"
        await pilot.press("escape")  # to the sidebar
        await pilot.press("j", "j", "j")  # from All posts past Unread and Starred to Drafts
        await until(pilot, lambda: status(reader).startswith("drafts"), "the drafts view")
        assert status(reader) == "drafts — 1 of 6 posts"  # 6 listed by default
        assert "Untitled draft" in rows(reader)[0]  # its title from the defaults

    run(scenario, root=JEKYLL_SITE)
