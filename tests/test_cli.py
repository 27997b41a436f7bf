"""The command line, as a user runs it: printed output and exit codes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from newsreader.archive import DATE_SPEC_HELP
from newsreader.cli import main

pytestmark = pytest.mark.usefixtures("plain_environment")

REPO = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "finews"
ODDITY_COUNT = 15
ESC = "\x1b"


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main([str(arg) for arg in args])
    out, err = capsys.readouterr()
    return code, out, err


def json_lines(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def assert_clean_failure(err: str) -> None:
    assert err.startswith("newsreader: ")
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


# --- list ---------------------------------------------------------------------------------


def test_list_prints_a_tab_separated_line_per_post_when_piped(capsys, oddities: Path):
    code, out, err = run(capsys, "list", oddities)
    assert code == 0
    assert err == ""
    assert ESC not in out
    rows = [line.split("\t") for line in out.splitlines()]
    assert len(rows) == ODDITY_COUNT  # no header: every line is a post
    assert all(len(row) == 5 for row in rows)
    harbour = next(row for row in rows if row[4] == "沿海港口四月首周集装箱吞吐量回升")
    assert harbour == [
        "_posts/2022-04-02-202204020930000002.md",
        "2022-04-02T09:30:00+08:00",
        "nanfangwang",
        "南方网新闻",  # the category's label
        "沿海港口四月首周集装箱吞吐量回升",
    ]
    assert rows.index(harbour) < next(
        index for index, row in enumerate(rows) if "智能语音企业" in row[4]
    )


def test_list_json_has_one_record_per_post(capsys, oddities: Path):
    code, out, _ = run(capsys, "list", oddities, "--json")
    assert code == 0
    records = json_lines(out)
    assert len(records) == ODDITY_COUNT
    for record in records:
        assert {"id", "path", "title", "date", "categories", "tags", "source_url"} <= set(record)
        assert Path(record["path"]) == (oddities / record["id"]).resolve()
        assert datetime.fromisoformat(record["date"]).utcoffset() is not None
    dates = [datetime.fromisoformat(record["date"]) for record in records]
    assert dates == sorted(dates, reverse=True)
    by_id = {record["id"]: record for record in records}
    first = by_id["_posts/2022-04-01-202204012016000001.md"]
    assert first["title"] == "智能语音企业与山区城市签约共建数字产业园"
    assert first["date"] == "2022-04-01T20:16:06+08:00"
    assert first["categories"] == ["nanfangwang"]
    assert first["tags"] == ["南方网新闻"]
    assert first["source_url"] == "http://news.example.cn/nanfang/2022-04/01/c_0001.htm"
    assert by_id["_posts/2022-06-02-202206021100000009.md"]["source_url"] is None
    assert by_id["_posts/2023-02-01-202302010830000014.html"]["date"] == "2023-02-01T08:30:00+00:00"
    assert by_id["_posts/2022-04-02-202204020930000002.md"]["date"] == "2022-04-02T09:30:00+08:00"
    # Chinese is written as is, not as \\u escapes.
    assert "南方网新闻" in out


def test_list_uses_the_tz_option_for_dates_without_offset(capsys, oddities: Path):
    _, out, _ = run(capsys, "list", oddities, "--json", "--tz", "UTC", "--category", "nanfangwang")
    dates = [record["date"] for record in json_lines(out)]
    assert dates == ["2022-04-02T09:30:00+00:00", "2022-04-01T20:16:06+08:00"]


def listed_ids(capsys, *args: str | Path) -> list[str]:
    code, out, err = run(capsys, "list", *args, "--json")
    assert code == 0, err
    return [record["id"] for record in json_lines(out)]


def test_list_filters(capsys, oddities: Path):
    assert listed_ids(capsys, oddities, "--category", "nanfangwang") == [
        "_posts/2022-04-02-202204020930000002.md",
        "_posts/2022-04-01-202204012016000001.md",
    ]
    assert listed_ids(capsys, oddities, "--tag", "科技新闻") == [
        "_posts/2022-06-05-202206050800000012.md",
        "_posts/2022-06-04-202206040800000011.md",
    ]
    assert listed_ids(capsys, oddities, "--date", "2022-05") == [
        "_posts/2022-05-11-202205110900000006.md",
        "_posts/2022-05-10-202205101200000005.md",
    ]
    assert listed_ids(capsys, oddities, "--date", "2022-06-01..2022-06-03") == [
        "_posts/2022-06-03-202206031200000010.md",
        "_posts/2022-06-02-202206021100000009.md",
        "_posts/2022-06-01-202206010700000008.md",
    ]
    assert listed_ids(capsys, oddities, "--search", "口袋公园") == [
        "_posts/2022-01-26-202201261500000003.md"
    ]
    assert listed_ids(capsys, oddities, "--search", "folding HANDSET") == [
        "_posts/2022-06-04-202206040800000011.md"
    ]
    assert listed_ids(capsys, oddities, "--search", "港口 -吞吐量") == [
        "_posts/2023-02-01-202302010830000014.html"
    ]


def test_list_filters_combine_and_limit(capsys, oddities: Path):
    args = ("--category", "emnews", "--date", "2022-06", "--search", "东财")
    assert listed_ids(capsys, oddities, *args) == [
        "_posts/2022-06-03-202206031200000010.md",
        "_posts/2022-06-02-202206021100000009.md",
        "_posts/2022-06-01-202206010700000008.md",
    ]
    assert listed_ids(capsys, oddities, *args, "--limit", "2") == [
        "_posts/2022-06-03-202206031200000010.md",
        "_posts/2022-06-02-202206021100000009.md",
    ]
    assert len(listed_ids(capsys, oddities, "--limit", "100")) == ODDITY_COUNT


def test_list_with_no_match_says_so_on_stderr_and_exits_one(capsys, oddities: Path):
    for extra in ([], ["--json"]):
        code, out, err = run(capsys, "list", oddities, "--date", "2030", *extra)
        assert (code, out, err) == (1, "", "newsreader: No posts match.\n")


def test_a_limit_of_zero_is_no_limit(capsys, oddities: Path):
    code, out, err = run(capsys, "list", oddities, "--limit", "0")
    assert (code, err) == (0, "")
    assert out == run(capsys, "list", oddities)[1]
    assert len(out.splitlines()) == ODDITY_COUNT


def test_a_negative_limit_is_a_usage_error(capsys, oddities: Path):
    code, _, err = run(capsys, "list", oddities, "--limit", "-1")
    assert code == 2
    assert_clean_failure(err)


@pytest.mark.parametrize("spec", ["2022-13", "last week", "..", "7x"])
def test_a_bad_date_is_a_usage_error_listing_the_accepted_forms(capsys, oddities: Path, spec):
    code, out, err = run(capsys, "list", oddities, "--date", spec)
    assert code == 2
    assert out == ""
    assert_clean_failure(err)
    assert spec in err
    assert DATE_SPEC_HELP in err
    for form in ("2022-03", "today", "yesterday", "7d", "4w", "3m", ".."):
        assert form in err


# --- show ---------------------------------------------------------------------------------


def test_show_prints_the_article_as_plain_text(capsys, oddities: Path):
    code, out, err = run(capsys, "show", oddities, "_posts/2022-04-01-202204012016000001.md")
    assert code == 0, err
    assert ESC not in out
    assert "智能语音企业与山区城市签约共建数字产业园" in out
    assert "数字产业园" in out
    assert "<p>" not in out


def test_show_spells_the_date_as_the_reader_does(
    capsys, oddities: Path, monkeypatch: pytest.MonkeyPatch
):
    # On the reader's clock, its zone named as the reader names it: by name, else the offset
    # as UTC+08:00 (the archive's own here, its posts agreeing on +0800).
    post = "_posts/2022-04-02-202204020930000002.md"
    for zone, named in (("Asia/Shanghai", "Asia/Shanghai"), (None, "UTC+08:00")):
        if zone is None:
            monkeypatch.delenv("NEWSREADER_TZ")
        code, out, _ = run(capsys, "show", oddities, post)
        assert code == 0
        dated = [line for line in out.splitlines() if line.startswith("Date")]
        assert dated == [f"Date     2022-04-02 09:30 {named}"]


def test_show_accepts_a_leading_dot_slash(capsys, oddities: Path):
    code, out, _ = run(capsys, "show", oddities, "./_posts/2022-06-04-202206040800000011.md")
    assert code == 0
    assert "Phone maker ships a folding handset" in out


def test_show_an_unknown_id_fails_clearly(capsys, oddities: Path):
    code, out, err = run(capsys, "show", oddities, "_posts/missing.md")
    assert code == 1
    assert out == ""
    assert_clean_failure(err)
    assert "_posts/missing.md" in err


def test_show_keeps_rich_markup_literal_and_drops_escapes(capsys, write, tmp_path: Path):
    write(
        "_posts/2022-01-01-x.md",
        '---\ntitle: "[bold]粗体[/] \\e[31m红色\\e]52;c;ZXZpbA==\\a"\ndate: 2022-01-01\n---\n'
        "<p>正文里也有[red]方括号[/red]和\x1b[2J清屏。</p>\n",
    )
    code, out, err = run(capsys, "show", tmp_path, "_posts/2022-01-01-x.md")
    assert code == 0, err
    assert "[bold]粗体[/]" in out
    assert ESC not in out
    code, out, _ = run(capsys, "list", tmp_path)
    assert "[bold]粗体[/] 红色" in out
    assert ESC not in out


# --- categories ---------------------------------------------------------------------------


def test_categories_by_count_and_by_name(capsys, oddities: Path):
    code, out, err = run(capsys, "categories", oddities)
    assert code == 0, err
    assert ESC not in out
    rows = [line.split("\t") for line in out.splitlines()]
    assert rows[0] == ["5", "emnews", "东财滚动新闻"]
    assert rows[1] == ["2", "nanfangwang", "南方网新闻"]
    assert ["1", "shipping", ""] in rows  # no label: its post has two tags
    assert len(rows) == 12
    code, out, _ = run(capsys, "categories", oddities, "--by-name")
    assert code == 0
    slugs = [line.split("\t")[1] for line in out.splitlines()]
    assert [slug.casefold() for slug in slugs] == sorted(slug.casefold() for slug in slugs)
    assert slugs[0] == "163"


# --- check --------------------------------------------------------------------------------


def summary_line(out: str) -> str:
    [line] = [line for line in out.splitlines() if re.match(r"[\d,]+ posts? loaded, ", line)]
    return line


def test_check_counts_one_of_a_kind_in_the_singular(capsys, write, tmp_path: Path):
    write("_posts/2022-01-01-good.md", '---\ntitle: "好"\ndate: 2022-01-01\n---\n正文。\n')
    write("_posts/2022-01-02-binary.md", b"\x00\x01\x02\x03binary")
    code, out, _ = run(capsys, "check", tmp_path)
    assert code == 1
    assert summary_line(out).startswith(
        "1 post loaded, 1 file skipped, 1 problem (0 posts loaded with recovered problems) in "
    )


def test_check_a_clean_archive_exits_zero(capsys, oddities: Path):
    code, out, err = run(capsys, "check", oddities)
    assert code == 0, err
    assert ESC not in out
    summary = summary_line(out)
    assert f"{ODDITY_COUNT} posts loaded" in summary
    assert "0 files skipped" in summary
    # Each recovered problem is printed as "path: message".
    assert "_posts/2022-05-10-202205101200000005.md: " in out
    assert "_posts/-202301150000000004.md: " in out
    assert "_posts/2021-12-08-202112081018000007.md: " in out
    assert "README.md" not in out


def test_check_reports_skipped_files_and_exits_one(capsys, write, tmp_path: Path):
    write("_posts/2022-01-01-good.md", '---\ntitle: "好"\ndate: 2022-01-01\n---\n正文。\n')
    write("_posts/2022-01-02-binary.md", b"\x00\x01\x02\x03binary")
    write("_posts/2022-01-03-empty.md", b"")
    write("_posts/2022-01-04-quote.md", '---\ntitle: "坏"引号"\ndate: 2022-01-04\n---\n正文。\n')
    code, out, _ = run(capsys, "check", tmp_path)
    assert code == 1
    summary = summary_line(out)
    assert "2 posts loaded" in summary
    assert "2 files skipped" in summary
    lines = out.splitlines()
    assert any(line.startswith("_posts/2022-01-02-binary.md: ") for line in lines)
    assert any(line.startswith("_posts/2022-01-03-empty.md: ") for line in lines)
    assert any(line.startswith("_posts/2022-01-04-quote.md: ") for line in lines)
    assert not any("2022-01-01-good.md" in line for line in lines)


def test_check_summary_stays_on_one_line_when_piped(capsys, monkeypatch, oddities: Path):
    monkeypatch.delenv("COLUMNS")  # a pipe: Rich falls back to 80 columns
    code, out, _ = run(capsys, "check", oddities)
    assert code == 0
    summary = summary_line(out)
    assert "files skipped" in summary
    assert str(oddities.resolve()) in summary


def test_check_the_real_corpus(capsys):
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not beside the repository (looked in {CORPUS})")
    code, out, err = run(capsys, "check", CORPUS)
    assert code == 0, err
    summary = summary_line(out)
    assert "150 posts loaded" in summary
    assert "0 files skipped" in summary
    assert ESC not in out


# --- failures -----------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["list", "categories", "check"])
def test_a_missing_folder_is_a_clear_usage_error(capsys, tmp_path: Path, command: str):
    missing = tmp_path / "nowhere"
    code, out, err = run(capsys, command, missing)
    assert code == 2
    assert out == ""
    assert_clean_failure(err)
    assert "no such folder" in err and str(missing) in err


def test_show_in_a_missing_folder(capsys, tmp_path: Path):
    code, _, err = run(capsys, "show", tmp_path / "nowhere", "_posts/a.md")
    assert code == 2
    assert_clean_failure(err)
    assert "no such folder" in err


def test_a_file_instead_of_a_folder(capsys, write, tmp_path: Path):
    path = write("notes.md", "just a file")
    code, _, err = run(capsys, "list", path)
    assert code == 2
    assert_clean_failure(err)
    assert "not a folder" in err


@pytest.mark.parametrize("command", ["list", "categories"])
def test_an_empty_folder_says_no_posts_were_found(capsys, tmp_path: Path, command: str):
    (tmp_path / "README.md").write_text("# not a post\n", encoding="utf-8")
    code, out, err = run(capsys, command, tmp_path)
    assert code == 1
    assert out == ""
    assert_clean_failure(err)
    assert "no posts found" in err


def test_check_on_an_empty_folder_says_no_posts_were_found(capsys, tmp_path: Path):
    code, out, _ = run(capsys, "check", tmp_path)
    assert code == 1
    assert "0 posts loaded" in summary_line(out)
    assert "No posts found" in out


def test_an_unknown_time_zone_is_a_usage_error(capsys, oddities: Path):
    code, _, err = run(capsys, "list", oddities, "--tz", "Mars/Olympus_Mons")
    assert code == 2
    assert_clean_failure(err)
    assert "Mars/Olympus_Mons" in err


def test_escape_sequences_in_file_names_do_not_reach_the_terminal(capsys, write, tmp_path: Path):
    write("_posts/2022-01-01-\x1b]0;pwned\x07\x1b[31mred.md", '---\ntitle: "t"\n---\n正文。\n')
    write("_posts/2022-01-02-bin\x1b[2J.md", b"\x00binary")
    for command in ("list", "check"):
        _, out, _ = run(capsys, command, tmp_path)
        assert "2022-01-0" in out  # the post listed, the binary file named by check
        assert ESC not in out and "\x07" not in out, command


def test_list_json_survives_file_names_that_are_not_utf8(tmp_path: Path):
    posts = tmp_path / "_posts"
    posts.mkdir()
    # "\udcff" is how Python spells the undecodable byte 0xff of a file name.
    (posts / "2022-01-01-\udcff.md").write_text('---\ntitle: "坏名字"\n---\n正文\n', "utf-8")
    (posts / "2022-01-02-ok.md").write_text('---\ntitle: "好名字"\n---\n正文\n', "utf-8")
    # A UTF-8 terminal (LANG=en_US.UTF-8) writes strict UTF-8.
    result = run_module("list", tmp_path, "--json", extra_env={"PYTHONIOENCODING": "utf-8"})
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    records = json_lines(result.stdout)
    assert sorted(record["title"] for record in records) == ["坏名字", "好名字"]
    assert all("\udcff" not in record["id"] + record["path"] for record in records)


# --- as a separate process ----------------------------------------------------------------


def run_module(
    *args: str | Path, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in ("FORCE_COLOR",)}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO / "src"), env.get("PYTHONPATH")]))
    env["NEWSREADER_TZ"] = "Asia/Shanghai"
    env["PYTHONIOENCODING"] = "utf-8:surrogateescape"
    env.update(extra_env or {})
    return subprocess.run(
        [sys.executable, "-m", "newsreader", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="strict",
        env=env,
        timeout=60,
        check=False,
    )


def test_python_m_newsreader_list_json(oddities: Path):
    result = run_module("list", oddities, "--json", "--category", "changchunribao")
    assert result.returncode == 0, result.stderr
    [record] = json_lines(result.stdout)
    assert record["id"] == "_posts/2022-01-26-202201261500000003.md"
    assert record["date"] == "2022-01-26T15:00:00+08:00"
    assert record["tags"] == ["长春日报"]


def test_python_m_newsreader_show_is_plain_when_piped(oddities: Path):
    result = run_module("show", oddities, "_posts/-202301150000000004.md")
    assert result.returncode == 0, result.stderr
    assert ESC not in result.stdout
    assert "一家电动汽车公司宣布" in result.stdout


def test_python_m_newsreader_errors_without_traceback(tmp_path: Path, oddities: Path):
    missing = run_module("list", tmp_path / "nowhere")
    assert missing.returncode == 2
    assert "Traceback" not in missing.stderr
    assert "no such folder" in missing.stderr
    bad_date = run_module("list", oddities, "--date", "someday")
    assert bad_date.returncode == 2
    assert "Traceback" not in bad_date.stderr
    assert "7d" in bad_date.stderr
