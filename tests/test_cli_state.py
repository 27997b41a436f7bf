"""The command line's reading-state parts: list --unread/--starred, export-state, import-state,
config; run through ``newsreader.cli.main`` with every user folder under tmp_path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsreader.archive import LoadOptions, Post, load_archive
from newsreader.cli import main
from newsreader.config import load_settings
from newsreader.state import STATE_FILE_NAME, ReadingState


@pytest.fixture(autouse=True)
def private_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings, marks and caches under tmp_path; a pipe; Shanghai time; wide lines."""
    monkeypatch.setenv("NEWSREADER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("NEWSREADER_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("NEWSREADER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("NEWSREADER_TZ", "Asia/Shanghai")
    monkeypatch.setenv("COLUMNS", "200")
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "CLICOLOR_FORCE"):
        monkeypatch.delenv(name, raising=False)


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main([str(arg) for arg in args])
    out, err = capsys.readouterr()
    return code, out, err


def listed_ids(out: str) -> list[str]:
    return [json.loads(line)["id"] for line in out.splitlines() if line.strip()]


@pytest.fixture
def posts(oddities: Path, options: LoadOptions) -> list[Post]:
    """The oddities archive's posts, newest first."""
    return load_archive(oddities, options).posts


def store(tmp_path: Path, key: str = "oddities") -> ReadingState:
    return ReadingState.open(key, tmp_path / "data")


# --- list --unread / --starred -----------------------------------------------------------------


def test_list_unread_and_starred(capsys, oddities: Path, posts: list[Post], tmp_path: Path):
    with store(tmp_path) as state:
        state.set_read(posts[:3])
        state.set_starred([posts[1], posts[5]])
    _, everything, _ = run(capsys, "list", oddities, "--json")
    code, unread, err = run(capsys, "list", oddities, "--unread", "--json")
    assert (code, err) == (0, "")
    assert listed_ids(unread) == [p for p in listed_ids(everything) if p not in ids(posts[:3])]
    code, starred, _ = run(capsys, "list", oddities, "--starred", "--json")
    assert listed_ids(starred) == [posts[1].id, posts[5].id]
    _, both, _ = run(capsys, "list", oddities, "--starred", "--unread", "--json")
    assert listed_ids(both) == [posts[5].id]
    _, limited, _ = run(capsys, "list", oddities, "--unread", "--limit", "2", "--json")
    assert listed_ids(limited) == listed_ids(unread)[:2]


def test_list_json_says_whether_each_post_is_read_and_starred(
    capsys, oddities: Path, posts: list[Post], tmp_path: Path
):
    with store(tmp_path) as state:
        state.set_read([posts[0], posts[1]])
        state.set_starred([posts[1], posts[2]])
    _, out, _ = run(capsys, "list", oddities, "--json", "--limit", "4")
    marks = [(record["read"], record["starred"]) for record in map(json.loads, out.splitlines())]
    assert marks == [(True, False), (True, True), (False, True), (False, False)]


def test_list_unread_with_no_marks_lists_everything_and_writes_nothing(
    capsys, oddities: Path, tmp_path: Path
):
    _, everything, _ = run(capsys, "list", oddities)
    code, unread, err = run(capsys, "list", oddities, "--unread")
    assert (code, err, unread) == (0, "", everything)
    code, starred, err = run(capsys, "list", oddities, "--starred")
    assert (code, starred, err) == (1, "", "newsreader: No posts match.\n")
    assert not (tmp_path / "data").exists()


def test_list_unread_uses_the_configured_archive_name(
    capsys, oddities: Path, posts: list[Post], tmp_path: Path
):
    (tmp_path / "config.toml").write_text(f'[archives]\nfinews = "{oddities}"\n')
    with store(tmp_path, "finews") as state:
        state.set_read(posts[1:])
    code, out, _ = run(capsys, "list", oddities, "--unread", "--json")
    assert (code, listed_ids(out)) == (0, [posts[0].id])


def test_a_damaged_state_file_is_named_and_list_goes_on(capsys, oddities: Path, tmp_path: Path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / STATE_FILE_NAME).write_bytes(b"\x00garbage" * 100)
    code, out, err = run(capsys, "list", oddities, "--unread", "--json")
    assert code == 0 and len(listed_ids(out)) == 15
    assert err.startswith("newsreader: warning: The reading-state file ")
    assert str(tmp_path / "data" / STATE_FILE_NAME) in err and ".corrupt-" in err


# --- export-state / import-state -----------------------------------------------------------------


def ids(posts: list[Post]) -> set[str]:
    return {post.id for post in posts}


def test_export_to_stdout_and_to_a_file(capsys, oddities: Path, posts: list[Post], tmp_path):
    with store(tmp_path) as state:
        state.set_read(posts[:2])
    code, out, err = run(capsys, "export-state", oddities)
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["archive"] == "oddities"
    assert {mark["id"] for mark in data["marks"]} == ids(posts[:2])

    target = tmp_path / "marks.json"
    code, out, _ = run(capsys, "export-state", oddities, target)
    assert code == 0 and "Exported 2 marks" in out and str(target) in out
    assert json.loads(target.read_text(encoding="utf-8"))["marks"] == data["marks"]


def test_export_with_one_argument_that_is_not_a_folder_writes_that_file(
    capsys, monkeypatch, tmp_path: Path
):
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "export-state", "marks.json")
    assert code == 0 and "archive 'sample_posts'" in out
    assert json.loads((tmp_path / "marks.json").read_text(encoding="utf-8"))["marks"] == []


def test_export_then_import_on_another_machine(
    capsys, oddities: Path, posts: list[Post], tmp_path: Path, monkeypatch
):
    with store(tmp_path) as state:
        state.set_read(posts[:3])
        state.set_starred(posts[3:4])
    target = tmp_path / "marks.json"
    run(capsys, "export-state", oddities, target)

    monkeypatch.setenv("NEWSREADER_DATA_DIR", str(tmp_path / "laptop"))
    code, out, err = run(capsys, "import-state", oddities, target)
    assert (code, err) == (0, "")
    assert "4 added, 0 updated, 0 already there, 0 skipped" in out
    assert "'oddities'" in out and str(tmp_path / "laptop" / STATE_FILE_NAME) in out
    _, unread, _ = run(capsys, "list", oddities, "--unread", "--json")
    assert ids(posts) - set(listed_ids(unread)) == ids(posts[:3])
    _, starred, _ = run(capsys, "list", oddities, "--starred", "--json")
    assert listed_ids(starred) == [posts[3].id]

    code, out, _ = run(capsys, "import-state", oddities, target)
    assert "0 added, 0 updated, 4 already there" in out


def test_import_merges_with_the_marks_already_there(
    capsys, oddities: Path, posts: list[Post], tmp_path: Path
):
    target = tmp_path / "marks.json"
    with ReadingState.open("oddities", tmp_path / "other") as other:
        other.set_read(posts[:2])
        target.write_text(json.dumps(other.export()), encoding="utf-8")
    with store(tmp_path) as state:
        state.set_read(posts[5:6])
    code, _, _ = run(capsys, "import-state", oddities, target)
    assert code == 0
    _, unread, _ = run(capsys, "list", oddities, "--unread", "--json")
    assert ids(posts) - set(listed_ids(unread)) == ids(posts[:2]) | {posts[5].id}


def test_import_from_stdin(capsys, oddities: Path, posts: list[Post], tmp_path, monkeypatch):
    import io

    with ReadingState.open("elsewhere", tmp_path / "other") as other:
        other.set_read(posts[:1])
        exported = json.dumps(other.export())
    monkeypatch.setattr("sys.stdin", io.StringIO(exported))
    code, out, _ = run(capsys, "import-state", oddities, "-")
    assert code == 0 and "1 added" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not valid JSON (line 1"),
        ('{"marks": []}', "not a newsreader state export"),
        ('{"format": "newsreader-state", "version": 7, "marks": []}', "unsupported export"),
    ],
)
def test_import_of_a_bad_file_fails_clearly(
    capsys, oddities: Path, tmp_path: Path, content: str, message: str
):
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    code, out, err = run(capsys, "import-state", oddities, bad)
    assert code == 1 and out == ""
    assert err.startswith("newsreader: ") and message in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "data").exists()


def test_import_with_some_bad_entries_keeps_the_good_ones_and_exits_one(
    capsys, oddities: Path, posts: list[Post], tmp_path: Path
):
    bad = tmp_path / "partly.json"
    entries = [{"id": posts[0].id, "read": True}, {"id": posts[1].id, "read": "yes"}]
    bad.write_text(
        json.dumps({"format": "newsreader-state", "version": 1, "marks": entries}),
        encoding="utf-8",
    )
    code, out, err = run(capsys, "import-state", oddities, bad)
    assert code == 1
    assert "1 added" in out and "1 skipped" in out
    assert f"skipped mark 2: {posts[1].id}" in err


def test_import_of_a_missing_file_or_folder(capsys, oddities: Path, tmp_path: Path):
    code, _, err = run(capsys, "import-state", oddities, tmp_path / "nope.json")
    assert code == 1 and "cannot read" in err and "nope.json" in err
    code, _, err = run(capsys, "import-state", tmp_path / "no-folder", tmp_path / "x.json")
    assert code == 2 and "no such folder" in err


def test_too_many_arguments_are_a_usage_error(capsys, oddities: Path):
    assert run(capsys, "export-state", oddities, "a.json", "b.json")[0] == 2
    assert run(capsys, "import-state", oddities, "a.json", "b.json")[0] == 2


# --- config -----------------------------------------------------------------------------------


def test_config_prints_the_path_and_the_defaults(capsys, tmp_path: Path):
    code, out, err = run(capsys, "config")
    assert (code, err) == (0, "")
    assert f"Settings file: {tmp_path / 'config.toml'}" in out and "no such file" in out
    assert str(tmp_path / "data" / STATE_FILE_NAME) in out
    lines = {line.split()[0]: line for line in out.splitlines()[3:] if line.strip()}
    assert set(lines) >= {"theme", "mark_read", "date_format", "sidebar_sort", "timezone"}
    assert all(line.rstrip().endswith("default") for line in lines.values())
    assert not (tmp_path / "config.toml").exists()


def test_config_shows_where_each_setting_came_from(capsys, tmp_path: Path):
    config = tmp_path / "config.toml"
    config.write_text('theme = "nord"\n\n[archives]\nwork = "/srv/finews"\n', encoding="utf-8")
    code, out, _ = run(capsys, "config")
    assert code == 0 and "no such file" not in out
    theme = next(line for line in out.splitlines() if line.startswith("theme "))
    assert '"nord"' in theme and theme.rstrip().endswith("line 1")
    work = next(line for line in out.splitlines() if line.startswith("archives.work"))
    assert '"/srv/finews"' in work and work.rstrip().endswith("line 4")
    assert load_settings()[0].theme == "nord"


def test_config_names_each_bad_setting_and_exits_one(capsys, tmp_path: Path):
    config = tmp_path / "config.toml"
    config.write_text('theme = "nord"\nmark_read = "never"\n', encoding="utf-8")
    code, out, err = run(capsys, "config")
    assert code == 1
    assert f"newsreader: {config}, line 2: mark_read: 'never' is not one of" in err
    mark_read = next(line for line in out.splitlines() if line.startswith("mark_read "))
    assert '"open"' in mark_read and mark_read.rstrip().endswith("default")


def test_config_prints_each_problem_once_with_the_themes_and_keys_checked(
    capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.delenv("NEWSREADER_TZ")  # so that the zone is looked up in the settings too
    config = tmp_path / "config.toml"
    config.write_text(
        'theme = "nosuchtheme"\nmark_read = "never"\n[keys]\nquit = "j"\n', encoding="utf-8"
    )
    code, _, err = run(capsys, "config")
    assert code == 1
    lines = err.splitlines()
    assert len(lines) == 3, lines
    assert lines[0].startswith(f"newsreader: {config}, line 1: theme: unknown theme 'nosuchtheme'")
    assert lines[1].startswith(f"newsreader: {config}, line 2: mark_read: 'never' is not one of")
    assert lines[2].startswith(f"newsreader: {config}, line 4: keys.quit: 'j' is also the key of")


def test_config_shows_the_keys_in_effect_and_marks_the_refused_lines(capsys, tmp_path: Path):
    config = tmp_path / "config.toml"
    config.write_text(
        '[keys]\ntoggle_star = "s,f"\n\nquit = "j"\nnext_post = "ctrl+n"\n', encoding="utf-8"
    )
    code, out, err = run(capsys, "config")
    assert code == 1
    assert "keeping the default: q" in err and "no key has this id" in err
    rows = {line.split()[0]: line.rstrip() for line in out.splitlines() if line.startswith("keys.")}
    # quit = "j" was refused: q quits, as the table says.
    assert rows["keys.quit"].split()[1] == '"q"'
    assert rows["keys.quit"].endswith("default (line 4 refused)")
    assert rows["keys.next_post"].endswith("line 5 ignored")
    assert rows["keys.toggle_star"].split()[1] == '"s,f"'
    assert rows["keys.toggle_star"].endswith("line 2")


def test_other_commands_warn_about_the_settings_once(
    capsys, tmp_path: Path, oddities: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.delenv("NEWSREADER_TZ")
    config = tmp_path / "config.toml"
    config.write_text('mark_read = "never"\n', encoding="utf-8")
    code, _, err = run(capsys, "categories", oddities)
    assert code == 0
    assert err.count("mark_read: 'never' is not one of") == 1
    assert err.startswith(f"newsreader: warning: {config}, line 1: mark_read:")


def test_subcommands_are_listed_in_the_help(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "export-state" in out and "import-state" in out and "config" in out
