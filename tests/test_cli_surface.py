"""The command line as scripts and terminals meet it: what list prints where, exit codes and
messages, names accepted, show's posts and pager, categories' formats, shell completion."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len

from newsreader.cli import main
from newsreader.cli.completion import completion_names
from newsreader.cli_parser import SUBCOMMANDS

pytestmark = pytest.mark.usefixtures("plain_environment")

SAMPLES = Path(__file__).resolve().parents[1] / "sample_posts"
SAMPLE_SLUGS = [
    "21shijijingjibaodao",
    "changchunribao",
    "emnews",
    "linjiangchenbao",
    "nanfangwang",
    "science",
    "sitenews",
    "technology",
    "wenhuazhoukan",
    "world",
]
HARBOUR = "_posts/2022-04-02-202204020930000002.md"
HARBOUR_TITLE = "沿海港口四月首周集装箱吞吐量回升"
PHONE = "_posts/2022-06-04-202206040800000011.md"
PHONE_TITLE = "Phone maker ships a folding handset"
STYLES = re.compile(r"\x1b\[[0-9;]*m")
DATE_AND_TIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d  ")


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main([str(arg) for arg in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """The output is an 80-column terminal's."""
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    monkeypatch.setenv("COLUMNS", "80")


def screen_lines(out: str) -> list[str]:
    return STYLES.sub("", out).splitlines()


# --- list on a terminal and into a pipe ---------------------------------------------------


def test_list_on_an_80_column_terminal_keeps_date_time_and_label_whole(
    capsys, terminal, oddities: Path
):
    code, out, _ = run(capsys, "list", oddities)
    assert code == 0
    header, *rows = screen_lines(out)
    assert header.split() == ["date", "UTC+08:00", "title", "category"]  # one zone, named
    assert len(rows) == 15
    assert all(cell_len(line) <= 80 for line in [header, *rows])
    assert all(DATE_AND_TIME.match(line) for line in rows)
    harbour = next(line for line in rows if HARBOUR_TITLE in line)
    assert harbour.startswith("2022-04-02 09:30") and harbour.endswith("南方网新闻")
    assert any(line.split("  ")[1].endswith("…") for line in rows)  # only titles are cut
    # The same columns every run.
    assert [run(capsys, "list", oddities)[1] for _ in range(3)] == [out] * 3


def test_list_on_a_terminal_shows_every_time_in_one_named_zone(capsys, terminal, tmp_path: Path):
    posts = tmp_path / "_posts"
    posts.mkdir()
    for name, date in [
        ("london", "2024-01-01 10:00:00 +0000"),
        ("beijing", "2024-01-01 12:00:00 +0800"),
    ]:
        (posts / f"2024-01-01-{name}.md").write_text(
            f"---\ntitle: {name}\ndate: {date}\n---\nBody.\n", encoding="utf-8"
        )
    code, out, _ = run(capsys, "list", tmp_path, "--tz", "Asia/Tokyo")
    assert code == 0
    header, *rows = screen_lines(out)
    assert header.startswith("date Asia/Tokyo ")
    # In each post's own offset the list would read 10:00 then 12:00: unsorted.
    assert [row.split("  ")[:2] for row in rows] == [
        ["2024-01-01 19:00", "london"],
        ["2024-01-01 13:00", "beijing"],
    ]


def test_list_on_a_wide_terminal_adds_the_ids_whole(capsys, terminal, monkeypatch, oddities):
    monkeypatch.setenv("COLUMNS", "150")
    _, out, _ = run(capsys, "list", oddities)
    header, *rows = screen_lines(out)
    assert header.split() == ["date", "UTC+08:00", "title", "category", "id"]
    harbour = next(line for line in rows if HARBOUR_TITLE in line)
    assert re.search(f"  南方网新闻 +{HARBOUR}$", harbour)


def test_list_widths_are_those_of_the_escaped_text_a_c_locale_prints(oddities: Path):
    environment = os.environ | {
        "PYTHONIOENCODING": "ascii",
        "TTY_COMPATIBLE": "1",
        "COLUMNS": "80",
        "NO_COLOR": "1",
    }
    done = subprocess.run(
        [sys.executable, "-m", "newsreader", "list", str(oddities)],
        capture_output=True,
        text=True,
        env=environment,
        check=True,
    )
    rows = screen_lines(done.stdout)[1:]
    assert all(len(line) <= 80 for line in rows)
    assert all(DATE_AND_TIME.match(line) for line in rows)
    label = "南方网新闻".encode("ascii", "backslashreplace").decode()
    assert sum(line.endswith(label) for line in rows) == 2  # escaped, and whole
    assert any(line.split("  ")[1].endswith("...") for line in rows)


def test_list_into_a_pipe_writes_one_line_of_five_whole_fields_per_post(
    capsys, write, tmp_path: Path
):
    # The ids name the file's tab and newline as \t and \n already (see utf8_name): in the
    # line, their backslash is doubled, as is the title's.
    write("_posts/2022-01-01-tab\there.md", "---\ntitle: Tab\ncategories: a\n---\n正文。\n")
    write("_posts/2022-01-02-new\nline.md", "---\ntitle: New\ncategories: a\n---\n正文。\n")
    write("_posts/2022-01-03-c.md", "---\ntitle: 'C:\\\\new'\ncategories: a\n---\n正文。\n")
    code, out, _ = run(capsys, "list", tmp_path)
    assert code == 0
    rows = [line.split("\t") for line in out.splitlines()]
    assert [row[0] for row in rows] == [
        "_posts/2022-01-03-c.md",
        "_posts/2022-01-02-new\\\\nline.md",
        "_posts/2022-01-01-tab\\\\there.md",
    ]
    assert rows[0][4] == "C:\\\\\\\\new"  # the title C:\\new
    assert rows[2][1:] == ["2022-01-01T00:00:00+08:00", "a", "", "Tab"]


# --- messages, exit codes, names --------------------------------------------------------------


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_every_command_documents_its_exit_status(capsys, command: str):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    out = capsys.readouterr().out
    assert "Exit status:\n  0  " in out


def test_check_help_and_exit_code_agree_on_an_empty_folder(capsys, tmp_path: Path):
    code, _, _ = run(capsys, "check", tmp_path)
    assert code == 1
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    assert "1  a file was skipped, or no post was found" in capsys.readouterr().out


@pytest.mark.parametrize("name", ["nanfangwang", "NanFangWang", "南方网新闻"])
def test_a_category_is_named_by_slug_or_label_in_any_case(capsys, oddities: Path, name: str):
    code, out, _ = run(capsys, "list", oddities, "--category", name)
    assert code == 0
    assert [line.split("\t")[0] for line in out.splitlines()] == [
        HARBOUR,
        "_posts/2022-04-01-202204012016000001.md",
    ]


def test_an_unknown_category_is_a_usage_error_naming_the_nearest(capsys, oddities: Path):
    code, out, err = run(capsys, "list", oddities, "--category", "nanfangwnag")
    assert (code, out) == (2, "")
    assert err.startswith("newsreader: no category 'nanfangwnag'; did you mean 'nanfangwang'")
    code, _, err = run(capsys, "list", oddities, "--category", "南方网")
    assert code == 2 and "did you mean '南方网新闻'" in err
    code, out, err = run(capsys, "list", oddities, "--category", "")  # not "no label"
    assert (code, out) == (2, "") and err.startswith("newsreader: no category ''")


def test_a_reversed_date_range_is_called_reversed(capsys, oddities: Path):
    code, out, err = run(capsys, "list", oddities, "--date", "2022-03..2022-01")
    assert (code, out) == (2, "")
    assert err == (
        "newsreader: the date range '2022-03..2022-01' is reversed: write 2022-01..2022-03\n"
    )


# --- show ---------------------------------------------------------------------------------------


def test_show_prints_several_posts_each_headed_by_its_id(capsys, oddities: Path):
    code, out, err = run(capsys, "show", oddities, HARBOUR, PHONE)
    assert (code, err) == (0, "")
    assert out.startswith(f"==> {HARBOUR} <==\n{HARBOUR_TITLE}")
    assert f"\n\n==> {PHONE} <==\n{PHONE_TITLE}" in out


def test_show_prints_the_posts_found_and_names_the_others(capsys, oddities: Path):
    code, out, err = run(capsys, "show", oddities, "_posts/missing.md", PHONE)
    assert code == 1
    assert PHONE_TITLE in out
    assert err.startswith("newsreader: no post with id '_posts/missing.md'")


def test_show_without_an_archive_takes_several_ids_from_the_default_one(capsys):
    ids = ["_posts/2021-12-01-init.md", "_posts/2024-06-03-202406031502193364.md"]
    code, out, _ = run(capsys, "show", *ids)
    assert code == 0
    assert "本站上线试运行" in out and "六月首个交易日" in out


def test_show_takes_a_post_file_absolute_or_from_the_working_folder(
    capsys, monkeypatch, oddities: Path
):
    code, out, _ = run(capsys, "show", oddities, oddities / PHONE)
    assert (code, out.splitlines()[0]) == (0, PHONE_TITLE)
    monkeypatch.chdir(oddities / "_posts")
    code, out, _ = run(capsys, "show", oddities, Path(PHONE).name)
    assert (code, out.splitlines()[0]) == (0, PHONE_TITLE)


def test_show_finds_the_archive_of_a_post_file(capsys, monkeypatch, write, tmp_path: Path):
    write("site/_config.yml", "title: 站点\n")
    write("site/news/_posts/2022-01-01-a.md", "---\ntitle: 子目录里的文章\n---\n正文。\n")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "show", "site/news/_posts/2022-01-01-a.md")
    assert (code, out.splitlines()[0]) == (0, "子目录里的文章")
    code, out, _ = run(capsys, "show", tmp_path / "site/news/_posts/2022-01-01-a.md")
    assert (code, out.splitlines()[0]) == (0, "子目录里的文章")


def test_show_refuses_a_file_outside_the_archive(capsys, write, oddities: Path):
    outside = write("elsewhere/2022-01-01-b.md", "---\ntitle: b\n---\nb\n")
    code, out, err = run(capsys, "show", oddities, outside)
    assert (code, out) == (2, "")
    assert f"{outside} is not inside the archive" in err


@pytest.fixture
def paged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The file the pager command writes what it is given to."""
    output = tmp_path / "paged.txt"
    monkeypatch.setenv("NEWSREADER_PAGER", f"cat > '{output}'")
    return output


def test_show_on_a_terminal_goes_through_the_pager(capsys, terminal, paged: Path, oddities):
    code, out, _ = run(capsys, "show", oddities, PHONE)
    assert (code, out) == (0, "")
    assert PHONE_TITLE in STYLES.sub("", paged.read_text(encoding="utf-8"))


def test_show_takes_pager_from_pager_when_newsreader_pager_is_unset(
    capsys, terminal, paged: Path, monkeypatch, oddities
):
    monkeypatch.delenv("NEWSREADER_PAGER")
    monkeypatch.setenv("PAGER", f"cat > '{paged}'")
    code, out, _ = run(capsys, "show", oddities, PHONE)
    assert (code, out) == (0, "")
    assert PHONE_TITLE in STYLES.sub("", paged.read_text(encoding="utf-8"))


def test_show_no_pager_and_pipes_print_directly(capsys, terminal, paged: Path, oddities):
    code, out, _ = run(capsys, "show", oddities, PHONE, "--no-pager")
    assert code == 0 and PHONE_TITLE in STYLES.sub("", out)
    os.environ.pop("TTY_COMPATIBLE")  # a pipe (the fixture restores it)
    code, out, _ = run(capsys, "show", oddities, PHONE)
    assert code == 0 and out.startswith(PHONE_TITLE)
    assert not paged.exists()


# --- categories ---------------------------------------------------------------------------------


def test_categories_json_has_one_object_per_line(capsys, oddities: Path):
    code, out, _ = run(capsys, "categories", oddities, "--json")
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert records[:2] == [
        {"slug": "emnews", "label": "东财滚动新闻", "count": 5},
        {"slug": "nanfangwang", "label": "南方网新闻", "count": 2},
    ]
    assert {"slug": "shipping", "label": None, "count": 1} in records


def test_categories_into_a_pipe_prints_bare_counts(capsys, write, tmp_path: Path):
    for number in range(1001):
        write(f"_posts/2022-01-01-{number}.md", "---\ntitle: t\ncategories: big\n---\nb\n")
    code, out, _ = run(capsys, "categories", tmp_path)
    assert (code, out) == (0, "1001\tbig\t\n")


# --- completion -------------------------------------------------------------------------------


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_the_completion_script_names_every_command_and_option(capsys, shell: str):
    code, out, _ = run(capsys, "completion", shell)
    assert code == 0
    for word in [*SUBCOMMANDS, "--category", "--no-pager", "--by-name", "--json"]:
        assert word in out
    # The reader's hidden command is not offered.
    assert "_shtab_newsreader_subparsers=(list show " in out or "\n    list:'" in out
    assert "\n    read:" not in out and "subparsers=(read" not in out


def test_categories_complete_from_the_archive_on_the_command_line(oddities: Path):
    assert completion_names("categories", ["newsreader", "list", "--category"]) == SAMPLE_SLUGS
    words = ["newsreader", "list", "--tz", "UTC", str(oddities), "--category", ""]
    assert "nanfangwang" in completion_names("categories", words)
    words = ["newsreader", "list", "/no/such/folder", "--category"]
    assert completion_names("categories", words) == SAMPLE_SLUGS  # the default archive


def test_archive_names_complete_from_the_settings(capsys, tmp_path: Path, monkeypatch):
    settings = tmp_path / "config.toml"
    settings.write_text(f'[archives]\nwork = "{SAMPLES}"\nhome = "{tmp_path}"\n')
    monkeypatch.setenv("NEWSREADER_CONFIG", str(settings))
    code, out, _ = run(capsys, "completion", "--list", "archives")
    assert (code, out) == (0, "home\nwork\n")


def test_bash_completes_a_category_through_the_script(capsys, tmp_path: Path):
    script = tmp_path / "newsreader.bash"
    script.write_text(run(capsys, "completion", "bash")[1])
    line = f"source '{script}'; COMP_WORDS=(newsreader list --category e); COMP_CWORD=3; "
    line += '_shtab_newsreader; printf "%s\\n" "${COMPREPLY[@]}"'
    environment = os.environ | {"PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    done = subprocess.run(["bash", "-c", line], capture_output=True, text=True, env=environment)
    assert done.stdout.split() == ["emnews"]
