"""The command line's grammar: global options before or after the command, PATH alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_cli import json_lines, run

from newsreader.cli import main

pytestmark = pytest.mark.usefixtures("plain_environment")

REPO = Path(__file__).resolve().parents[1]


SAMPLES = REPO / "sample_posts"
POST_ID = "_posts/2022-04-02-202204020930000002.md"
"""An oddities post dated without an offset: its date shows which --tz was taken."""
COMMANDS = {
    "list": ["--json", "--category", "nanfangwang"],
    "show": [POST_ID],
    "categories": [],
    "check": [],
    "index": [],
}
"""Each command that reads posts, and arguments after the archive's folder."""


@pytest.mark.parametrize("command", [*COMMANDS])
def test_tz_works_before_and_after_the_command(capsys, oddities: Path, command: str):
    arguments = [command, oddities, *COMMANDS[command]]
    run(capsys, *arguments)  # the index is built: later runs print the same
    code, default, err = run(capsys, *arguments)  # $NEWSREADER_TZ: Asia/Shanghai
    assert code == 0, err
    _, before, _ = run(capsys, "--tz", "Asia/Shanghai", *arguments)
    _, after, _ = run(capsys, *arguments, "--tz", "Asia/Shanghai")
    _, joined, _ = run(capsys, "--tz=Asia/Shanghai", *arguments)
    assert before == after == joined == default
    _, utc_before, _ = run(capsys, "--tz", "UTC", *arguments)
    _, utc_after, _ = run(capsys, *arguments, "--tz=UTC")
    if command == "index":  # another zone reads no file again: only dates are redone
        assert "15 files, 0 read" in default
        assert "15 files, 0 read" in utc_before
        assert "15 files, 0 read" in utc_after
        return
    assert utc_before == utc_after
    if command in ("list", "show"):
        assert utc_before != default  # the post's date moved to UTC


def test_the_last_tz_given_wins(capsys, oddities: Path):
    arguments = ["list", oddities, "--json", "--category", "nanfangwang"]
    _, out, _ = run(capsys, "--tz", "Asia/Shanghai", *arguments, "--tz", "UTC")
    assert json_lines(out)[0]["date"] == "2022-04-02T09:30:00+00:00"
    _, out, _ = run(capsys, "--tz", "UTC", *arguments, "--tz", "Asia/Shanghai")
    assert json_lines(out)[0]["date"] == "2022-04-02T09:30:00+08:00"


@pytest.mark.parametrize("command", ["config", "export-state", "import-state"])
def test_tz_is_accepted_by_the_commands_that_read_no_dates(capsys, command: str):
    for arguments in (["--tz", "UTC", command, "--help"], [command, "--tz", "UTC", "--help"]):
        with pytest.raises(SystemExit) as exit:
            main(arguments)
        assert exit.value.code == 0
        assert f"usage: newsreader {command}" in capsys.readouterr().out


def test_the_example_of_the_issue(capsys):
    code, out, err = run(capsys, "--tz", "Asia/Shanghai", "list", SAMPLES)
    assert (code, err) == (0, "")
    assert len(out.splitlines()) == 50


@pytest.mark.parametrize("command", ["", *COMMANDS, "export-state", "import-state", "config"])
@pytest.mark.parametrize("where", ["before", "after"])
def test_version_and_help_work_before_and_after_the_command(capsys, command: str, where: str):
    for option, expected in (("--version", "newsreader 0.1.0"), ("--help", "usage: newsreader")):
        arguments = [option, command] if where == "before" else [command, option]
        with pytest.raises(SystemExit) as exit:
            main([argument for argument in arguments if argument])
        assert exit.value.code == 0
        out = capsys.readouterr().out
        assert out.startswith(expected)
        if option == "--help" and command and where == "after":
            assert out.startswith(f"usage: newsreader {command} ")


@pytest.mark.parametrize(
    "arguments",
    [
        ["list", "{oddities}", "--bogus"],
        ["--bogus", "list", "{oddities}"],
        ["{oddities}", "--bogus"],
        ["--bogus"],
        ["show", "--bogus", POST_ID],
        ["config", "--bogus"],
    ],
)
def test_an_unknown_option_is_a_usage_error(capsys, oddities: Path, arguments: list[str]):
    with pytest.raises(SystemExit) as exit:
        main([argument.format(oddities=oddities) for argument in arguments])
    assert exit.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("usage: newsreader")
    assert err.endswith("newsreader: error: unrecognized arguments: --bogus\n")


def test_tz_without_a_zone_is_a_usage_error(capsys):
    for arguments in (["--tz"], ["list", "--tz"]):
        with pytest.raises(SystemExit) as exit:
            main(arguments)
        assert exit.value.code == 2
        assert "argument --tz: expected one argument" in capsys.readouterr().err


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Path, str]]:
    """The (root, time zone) of each reader ``main`` opens, instead of running the app."""
    import newsreader.app

    calls: list[tuple[Path, str]] = []

    class Reader:
        return_code = 0  # Textual's, after a reader closed normally

        def run(self) -> None:
            pass

    def create_app(root: Path, options, settings) -> Reader:
        calls.append((root, str(options.tz)))
        return Reader()

    monkeypatch.setattr(newsreader.app, "create_app", create_app)
    return calls


def test_a_path_without_a_command_opens_the_reader(capsys, opened, oddities: Path):
    assert main([str(oddities)]) == 0
    assert main(["--tz", "UTC", str(oddities)]) == 0
    assert main([str(oddities), "--tz", "UTC"]) == 0
    assert main([]) == 0
    assert main(["--tz", "UTC"]) == 0
    assert opened == [
        (oddities, "Asia/Shanghai"),
        (oddities, "UTC"),
        (oddities, "UTC"),
        (SAMPLES, "Asia/Shanghai"),
        (SAMPLES, "UTC"),
    ]
    assert capsys.readouterr() == ("", "")


def test_a_folder_named_like_a_command(capsys, opened, monkeypatch, tmp_path: Path):
    folder = tmp_path / "list"
    folder.mkdir()
    (folder / "2022-01-01-a.md").write_text('---\ntitle: "甲"\n---\n正文\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["./list"]) == 0
    assert main(["--", "list"]) == 0
    assert opened == [(Path("list"), "Asia/Shanghai")] * 2
    code, out, _ = run(capsys, "list", "list", "--json")  # the command, on the folder
    assert code == 0
    assert [record["title"] for record in json_lines(out)] == ["甲"]


def test_a_path_that_is_no_folder_is_reported_as_before(capsys, opened, tmp_path: Path):
    code, out, err = run(capsys, tmp_path / "lsit")
    assert (code, out) == (2, "")
    assert err.startswith("newsreader: ") and len(err.splitlines()) == 1
    assert "no such folder" in err
    assert opened == []
