"""Shared fixtures: a fixed time zone, the committed oddities archive, small archives on disk."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def private_user_folders(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Every test gets its own data, cache and config locations: never the user's real ones."""
    home = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("NEWSREADER_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("NEWSREADER_CACHE_DIR", str(home / "cache"))
    monkeypatch.setenv("NEWSREADER_CONFIG", str(home / "config.toml"))
    monkeypatch.delenv("NEWSREADER_TZ", raising=False)
    return home


@pytest.fixture
def shanghai() -> ZoneInfo:
    """The archive's own zone, so results never depend on the machine's."""
    return ZoneInfo("Asia/Shanghai")


@pytest.fixture
def options(shanghai: ZoneInfo):  # -> LoadOptions (imported late: the loader may be mid-edit)
    from newsreader.archive import LoadOptions

    return LoadOptions(tz=shanghai)


@pytest.fixture
def oddities() -> Path:
    """A committed archive reproducing every oddity of real scraped archives."""
    return FIXTURES / "oddities"


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str | bytes], Path]:
    """``write("_posts/x.md", text_or_bytes)`` creates a file under ``tmp_path``."""

    def write_file(relative: str, content: str | bytes) -> Path:
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return path

    return write_file


@pytest.fixture
def make_post(shanghai: ZoneInfo) -> Callable[..., object]:
    """``make_post("id.md", "2022-04-01 08:00", categories=..., tags=..., title=..., body=...)``."""
    from newsreader.archive import Post

    def make(
        post_id: str,
        when: str = "2022-04-01 08:00",
        *,
        categories: tuple[str, ...] = (),
        tags: tuple[str, ...] = (),
        title: str = "",
        body: str = "",
    ) -> Post:
        moment = datetime.fromisoformat(when)
        return Post(
            id=post_id,
            path=Path("/archive") / post_id,
            title=title or post_id,
            date=moment if moment.tzinfo else moment.replace(tzinfo=shanghai),
            categories=categories,
            tags=tags,
            source_url=None,
            body=body,
        )

    return make


@pytest.fixture
def plain_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """For the command-line tests: a pipe, not a terminal; Shanghai time; wide enough that
    titles are not cut."""
    monkeypatch.setenv("NEWSREADER_TZ", "Asia/Shanghai")
    monkeypatch.setenv("COLUMNS", "200")
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "CLICOLOR_FORCE"):
        monkeypatch.delenv(name, raising=False)
