"""Read marks and stars in the reader: keys, what the list shows, and marks kept on reopening."""

from __future__ import annotations

from pathlib import Path

from test_reader import (
    FIRST_TITLE,
    SECOND_TITLE,
    TOTAL,
    notifications,
    pane_text,
    run,
    until,
    write_post,
)
from textual.pilot import Pilot
from textual.widgets import Label

from newsreader.screens.confirm import ConfirmScreen
from newsreader.screens.reader import ReaderScreen


def list_row(pilot: Pilot[None], reader: ReaderScreen, title: str) -> str:
    """The painted row of the article list showing ``title`` (maybe cut short)."""
    start = title[:12]
    rows = [line for line in pane_text(pilot, reader.article_list).splitlines() if start in line]
    assert rows, f"{title!r} is not in the list"
    return rows[0]


def test_opening_marks_read_m_toggles_and_s_stars_and_reopening_keeps_them() -> None:
    async def mark(pilot: Pilot[None], reader: ReaderScreen) -> None:
        assert "●" in list_row(pilot, reader, FIRST_TITLE)  # unread until opened
        await pilot.press("enter")  # opens the first post: read
        await until(pilot, lambda: "●" not in list_row(pilot, reader, FIRST_TITLE), "read")
        await pilot.press("h", "j", "s")  # star the second post
        await until(pilot, lambda: "★" in list_row(pilot, reader, SECOND_TITLE), "a star")
        await pilot.press("m")  # and mark it read by key
        marks = reader.model.marks
        await until(pilot, lambda: marks and marks.is_read(reader.article_list.posts[1]), "m")

    run(mark)

    async def reopened(pilot: Pilot[None], reader: ReaderScreen) -> None:
        assert "●" not in list_row(pilot, reader, FIRST_TITLE)
        second = list_row(pilot, reader, SECOND_TITLE)
        assert "★" in second and "●" not in second
        sidebar = pane_text(pilot, reader.query_one("#categories"))
        assert f"{TOTAL - 2} Unread" in " ".join(sidebar.split())
        assert "1 Starred" in " ".join(sidebar.split())

    run(reopened)


def test_mark_all_read_asks_once_and_u_undoes_it(tmp_path: Path) -> None:
    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await pilot.press("M")
        await until(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen), "the question")
        await pilot.press("y")
        assert reader.model.marks is not None
        marks = reader.model.marks
        await until(pilot, lambda: len(marks.read_ids) == TOTAL, "every post read")
        assert "●" not in pane_text(pilot, reader.article_list)
        await pilot.press("U")  # unread only: nothing left
        await until(pilot, lambda: not reader.article_list.posts, "an empty list")
        await pilot.press("u")
        await until(pilot, lambda: not marks.read_ids, "the undo")
        await until(pilot, lambda: len(reader.article_list.posts) == TOTAL, "every post back")

    run(scenario)


def test_marking_one_post_says_one_post(tmp_path: Path) -> None:
    write_post(tmp_path, "2024-01-02-only.md", "The only post")

    async def scenario(pilot: Pilot[None], reader: ReaderScreen) -> None:
        await pilot.press("M")
        await until(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen), "the question")
        question = pilot.app.screen.query_one("#confirm-question", Label).render()
        assert str(question) == "Mark 1 post read? (u undoes it)"
        await pilot.press("y")
        said = "Marked 1 post read (u undoes)"
        await until(pilot, lambda: said in notifications(pilot), said)
        await pilot.press("u")
        said = "Undone: 1 post unread again"
        await until(pilot, lambda: said in notifications(pilot), said)

    run(scenario, root=tmp_path)


def test_posts_sharing_a_title_and_date_each_keep_their_own_read_mark(tmp_path: Path) -> None:
    # Scrapers write one story twice; the title+date fallback (for moved files) must not make
    # one file's mark the other's.
    for name in ("a", "b", "c"):
        (tmp_path / "_posts").mkdir(exist_ok=True)
        (tmp_path / "_posts" / f"2024-05-01-{name}.md").write_text(
            f"---\ntitle: Same title\ndate: 2024-05-01 10:00:00 +0000\n---\nBody {name}\n"
        )

    def unread_rows(pilot: Pilot[None], reader: ReaderScreen) -> int:
        return pane_text(pilot, reader.article_list).count("●")

    async def read_two(pilot: Pilot[None], reader: ReaderScreen) -> None:
        assert unread_rows(pilot, reader) == 3
        await pilot.press("enter")
        await until(pilot, lambda: unread_rows(pilot, reader) == 2, "the first read")
        await pilot.press("n")
        await until(pilot, lambda: unread_rows(pilot, reader) == 1, "the second read")
        await pilot.pause(0.2)
        assert unread_rows(pilot, reader) == 1  # the third is still unread
        sidebar = " ".join(pane_text(pilot, reader.query_one("#categories")).split())
        assert "1 Unread" in sidebar

    run(read_two, tmp_path)

    async def reopened(pilot: Pilot[None], reader: ReaderScreen) -> None:
        assert unread_rows(pilot, reader) == 1
        await pilot.press("J")  # the next unread: the third
        await until(pilot, lambda: unread_rows(pilot, reader) == 0, "the third read")

    run(reopened, tmp_path)
