"""The settings file: defaults, messages naming key and line, atomic saves that keep the rest."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest

from newsreader.config import (
    ConfigError,
    Settings,
    describe_settings,
    load_settings,
    save_setting,
)


@pytest.fixture(autouse=True)
def private_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The settings file lives under tmp_path; the user's is never read."""
    config = tmp_path / "config" / "config.toml"
    monkeypatch.setenv("NEWSREADER_CONFIG", str(config))
    monkeypatch.setenv("NEWSREADER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("NEWSREADER_CACHE_DIR", str(tmp_path / "cache"))
    return config


@pytest.fixture
def config(private_folders: Path) -> Path:
    private_folders.parent.mkdir(parents=True, exist_ok=True)
    return private_folders


def test_a_missing_file_means_every_default(config: Path):
    settings, messages = load_settings()
    assert messages == []
    assert settings == Settings()
    assert settings.path == config
    assert settings.mark_read == "open" and settings.sidebar_sort == "count"
    assert settings.archive_path() is None
    assert not config.exists()


def test_every_setting_is_read(config: Path, tmp_path: Path):
    config.write_text(
        """\
default_archive = "work"
theme = "nord"
timezone = "Asia/Shanghai"
date_format = "%d.%m.%Y"
mark_read = "delay"
mark_read_delay = 5
sidebar_sort = "name"

[archives]
work = "/srv/finews"
home = "~/news"
near = "archives/local"

[keys]
toggle_read = "m"
toggle_star = "ctrl+s,f2"
""",
        encoding="utf-8",
    )
    settings, messages = load_settings()
    assert messages == []
    assert settings.archives == {
        "work": Path("/srv/finews"),
        "home": Path("~/news").expanduser(),
        "near": config.parent / "archives" / "local",
    }
    assert settings.archive_path() == Path("/srv/finews")
    assert settings.archive_path("home") == Path("~/news").expanduser()
    assert (settings.theme, settings.timezone, settings.date_format) == (
        "nord",
        "Asia/Shanghai",
        "%d.%m.%Y",
    )
    assert (settings.mark_read, settings.mark_read_delay) == ("delay", 5.0)
    assert settings.keys == {"toggle_read": "m", "toggle_star": "ctrl+s,f2"}
    assert settings.sidebar_sort == "name"
    assert settings.lines["theme"] == 2 and settings.lines["keys.toggle_star"] == 16


def test_each_bad_setting_is_named_with_its_line_and_gets_its_default(config: Path):
    config.write_text(
        """\
# comments count as lines
theme = 3
mark_read = "sometimes"
mark_read_delay = -1
timezone = "Mars/Olympus"
date_format = ""
sidebar_sort = [
    "count",
    "name",
]
colour = "red"
default_archive = "nowhere"
list_columns = ["date", "headline"]

[archives]
good = "/srv/good"
bad = 42

[keys]
toggle_read = "m"
"two words" = "x"
toggle_star = "ctrl + s"
""",
        encoding="utf-8",
    )
    settings, messages = load_settings()
    expected = {
        "theme": 2,
        "mark_read": 3,
        "mark_read_delay": 4,
        "timezone": 5,
        "date_format": 6,
        "sidebar_sort": 7,
        "colour": 11,
        "default_archive": 12,
        "archives.bad": 17,
        "keys.two words": 21,
        "keys.toggle_star": 22,
    }
    assert len(messages) == len(expected), messages
    for key, line in expected.items():
        assert any(f"{config}, line {line}: {key}: " in message for message in messages), key
    assert any("'sometimes' is not one of open, delay, key" in message for message in messages)
    assert any("sidebar_sort: must be a string, not a list" in message for message in messages)
    assert any("colour: unknown setting; ignored" in message for message in messages)
    defaults = Settings()
    assert settings.theme == defaults.theme
    assert settings.mark_read == defaults.mark_read
    assert settings.mark_read_delay == defaults.mark_read_delay
    assert settings.timezone is None and settings.date_format == defaults.date_format
    assert settings.sidebar_sort == defaults.sidebar_sort
    assert settings.default_archive is None
    assert settings.archives == {"good": Path("/srv/good")}
    assert settings.keys == {"toggle_read": "m"}


def test_a_theme_can_be_checked_against_the_known_ones(config: Path):
    config.write_text('theme = "neon"\n', encoding="utf-8")
    settings, messages = load_settings(themes={"nord", "textual-dark"})
    assert settings.theme == "textual-dark"
    assert len(messages) == 1 and "line 1: theme: unknown theme 'neon'" in messages[0]


def test_a_syntax_error_gives_every_default_and_names_file_and_line(config: Path):
    config.write_text('theme = "nord"\nmark_read = \n', encoding="utf-8")
    settings, messages = load_settings()
    assert settings == Settings()
    assert len(messages) == 1
    assert str(config) in messages[0] and "line 2" in messages[0]


def test_a_file_that_is_not_text_is_named(config: Path):
    config.write_bytes(b"\xff\xfe theme")
    settings, messages = load_settings()
    assert settings == Settings()
    assert len(messages) == 1 and str(config) in messages[0]


def test_a_path_given_explicitly_wins(tmp_path: Path):
    other = tmp_path / "other.toml"
    other.write_text('sidebar_sort = "name"\n', encoding="utf-8")
    settings, _ = load_settings(other)
    assert settings.sidebar_sort == "name" and settings.path == other


def test_the_environment_variable_names_the_file(monkeypatch, tmp_path: Path):
    elsewhere = tmp_path / "elsewhere.toml"
    elsewhere.write_text('theme = "gruvbox"\n', encoding="utf-8")
    monkeypatch.setenv("NEWSREADER_CONFIG", str(elsewhere))
    settings, _ = load_settings()
    assert settings.theme == "gruvbox" and settings.path == elsewhere


# --- saving ------------------------------------------------------------------------------------


def test_saving_into_a_missing_file_creates_it(config: Path):
    config.parent.rmdir()
    save_setting("theme", "nord")
    assert load_settings()[0].theme == "nord"
    assert tomllib.loads(config.read_text(encoding="utf-8")) == {"theme": "nord"}


def test_saving_keeps_comments_order_and_every_other_setting(config: Path):
    config.write_text(
        """\
# my settings
theme = "nord"  # a dark one
date_format = "%d.%m.%Y"

[archives]
# where the news is
work = "/srv/finews"   # the big one
old = '/srv/old'

[keys]
toggle_read = "m"
""",
        encoding="utf-8",
    )
    save_setting("theme", "gruvbox")
    save_setting("sidebar_sort", "name")
    save_setting("archives.home", Path("/home/me/news"))
    save_setting("keys.toggle_star", "s")
    save_setting("default_archive", "work")
    # Top-level keys go above the first table, so they do not fall into [archives].
    expected = """\
# my settings
theme = "gruvbox"  # a dark one
date_format = "%d.%m.%Y"
sidebar_sort = "name"
default_archive = "work"

[archives]
# where the news is
work = "/srv/finews"   # the big one
old = '/srv/old'
home = "/home/me/news"

[keys]
toggle_read = "m"
toggle_star = "s"
"""
    assert config.read_text(encoding="utf-8") == expected
    settings, messages = load_settings()
    assert messages == []
    assert settings.archive_path() == Path("/srv/finews")
    assert settings.lines["archives.home"] == 11


def test_saving_a_key_in_a_table_leaves_the_same_name_elsewhere_alone(config: Path):
    original = '# top\ntheme = "nord"\n\n[keys]\ntheme = "t"\n\n[archives]\ntheme = "/srv/t"\n'
    config.write_text(original, encoding="utf-8")
    save_setting("keys.theme", "f5")
    assert config.read_text(encoding="utf-8") == original.replace('theme = "t"', 'theme = "f5"')
    save_setting("theme", "gruvbox")
    assert tomllib.loads(config.read_text(encoding="utf-8")) == {
        "theme": "gruvbox",
        "keys": {"theme": "f5"},
        "archives": {"theme": "/srv/t"},
    }


def test_saving_into_a_dotted_or_inline_table(config: Path):
    config.write_text('archives.work = "/srv/w"\nkeys = { toggle_read = "m" }\n', "utf-8")
    save_setting("archives.home", "/srv/h")
    save_setting("keys.toggle_star", "s")
    settings, messages = load_settings()
    assert messages == []
    assert settings.archives == {"work": Path("/srv/w"), "home": Path("/srv/h")}
    assert settings.keys == {"toggle_read": "m", "toggle_star": "s"}


def test_saving_a_table_that_is_not_there_yet_adds_it(config: Path):
    config.write_text('theme = "nord"\n', encoding="utf-8")
    save_setting("archives.work", "/srv/finews")
    assert tomllib.loads(config.read_text(encoding="utf-8")) == {
        "theme": "nord",
        "archives": {"work": "/srv/finews"},
    }


def test_saving_writes_a_temporary_file_then_replaces(config: Path, monkeypatch):
    config.write_text('theme = "nord"\n', encoding="utf-8")
    config.chmod(0o640)
    replaced: list[tuple[str, str]] = []
    real_replace = os.replace

    def spy(source, target):
        replaced.append((str(source), str(target)))
        assert Path(source).parent == config.parent
        assert tomllib.loads(Path(source).read_text(encoding="utf-8"))["theme"] == "gruvbox"
        assert tomllib.loads(config.read_text(encoding="utf-8"))["theme"] == "nord"
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", spy)
    save_setting("theme", "gruvbox")
    assert len(replaced) == 1 and replaced[0][1] == str(config)
    assert [path.name for path in config.parent.iterdir()] == ["config.toml"]
    assert config.stat().st_mode & 0o777 == 0o640


def test_a_failed_save_leaves_the_file_as_it_was(config: Path, monkeypatch):
    config.write_text('theme = "nord"\n', encoding="utf-8")

    def full_disk(source, target):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(ConfigError, match="No space left on device"):
        save_setting("theme", "gruvbox")
    assert config.read_text(encoding="utf-8") == 'theme = "nord"\n'
    assert [path.name for path in config.parent.iterdir()] == ["config.toml"]


def test_saving_through_a_symlink_keeps_the_link(config: Path, tmp_path: Path):
    real = tmp_path / "dotfiles" / "newsreader.toml"
    real.parent.mkdir()
    real.write_text('theme = "nord"\n', encoding="utf-8")
    config.symlink_to(real)
    save_setting("theme", "gruvbox")
    assert config.is_symlink()
    assert tomllib.loads(real.read_text(encoding="utf-8")) == {"theme": "gruvbox"}


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("mark_read", "sometimes", "not one of"),
        ("mark_read_delay", "soon", "number of seconds"),
        ("colour", "red", "unknown setting"),
        ("tables.x", "y", "unknown table"),
        ("default_archive", "nowhere", r"not a name under \[archives\]"),
        ("keys.toggle_read", "ctrl + m", "not a key list"),
    ],
)
def test_a_bad_value_is_not_saved(config: Path, key: str, value: object, message: str):
    config.write_text('theme = "nord"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        save_setting(key, value)
    assert config.read_text(encoding="utf-8") == 'theme = "nord"\n'


def test_a_file_with_a_syntax_error_is_not_overwritten(config: Path):
    config.write_text('theme = "nord\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="line 1"):
        save_setting("theme", "gruvbox")
    assert config.read_text(encoding="utf-8") == 'theme = "nord\n'


@pytest.mark.parametrize(
    ("content", "key", "message"),
    [
        (b'keys = "m"\n', "keys.toggle_read", "keys in .* is not a table"),
        (b'theme = "\xff"\n', "theme", "cannot read"),
        (b'[archives]\nwork = "/a"\n[archives]\nhome = "/b"\n', "theme", "line 3"),
    ],
)
def test_a_file_that_cannot_be_edited_is_not_overwritten(
    config: Path, content: bytes, key: str, message: str
):
    config.write_bytes(content)
    with pytest.raises(ConfigError, match=message):
        save_setting(key, "x")
    assert config.read_bytes() == content


def test_a_retired_setting_is_ignored_without_a_message(config: Path):
    config.write_text('list_columns = ["date", "title"]\ntheme = "nord"\n', encoding="utf-8")
    settings, messages = load_settings()
    assert (settings.theme, messages) == ("nord", [])
    assert "list_columns" not in {key for key, _, _ in describe_settings(settings)}
    save_setting("theme", "gruvbox")
    assert tomllib.loads(config.read_text(encoding="utf-8"))["list_columns"] == ["date", "title"]


def test_strings_that_need_escaping_survive_a_save(config: Path):
    odd = 'C:\\news "quoted" \t tab \x7f del 新闻'
    save_setting("archives.odd", odd)
    assert tomllib.loads(config.read_text(encoding="utf-8"))["archives"]["odd"] == odd


def test_describe_says_where_each_setting_came_from(config: Path):
    config.write_text('\ntheme = "nord"\n[archives]\nwork = "/srv/finews"\n', encoding="utf-8")
    rows = {key: (value, origin) for key, value, origin in describe_settings(load_settings()[0])}
    assert rows["theme"] == ('"nord"', "line 2")
    assert rows["archives.work"] == ('"/srv/finews"', "line 4")
    assert rows["mark_read"] == ('"open"', "default")
    assert rows["keys"] == ("{}", "default")
    assert rows["timezone"][1] == "default"


def test_the_settings_carry_their_problems_and_say_where_a_key_is(config: Path):
    config.write_text('mark_read = "never"\n\n[keys]\nquit = "Q"\n', encoding="utf-8")
    settings, messages = load_settings()
    assert settings.problems == tuple(messages) and len(messages) == 1
    assert settings.place("keys.quit") == f"{config}, line 4"
    assert settings.place("theme") == str(config)  # not in the file: the file alone
    config.write_text("theme = \n", encoding="utf-8")
    settings, messages = load_settings()
    assert settings.problems == tuple(messages) and str(config) in messages[0]
