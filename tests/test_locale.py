"""The command line under a locale that is not UTF-8 (``LC_ALL=C``: cron, minimal containers).

Every command must finish as it does elsewhere, writing what the stream cannot carry as
backslash escapes; ``list --json`` escapes it the JSON way, so the output stays valid JSON
and still holds every title.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from newsreader.resources import sample_posts_dir

SAMPLE = sample_posts_dir()


def run_in_c_locale(*args: str, locale: str = "C") -> subprocess.CompletedProcess[bytes]:
    """``python -m newsreader ARGS`` under ``locale`` (default ASCII), its output as bytes."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHONIO")}
    env.update(LC_ALL=locale, LANG=locale, PYTHONUTF8="0", COLUMNS="120")
    return subprocess.run(
        [sys.executable, "-m", "newsreader", *args],
        capture_output=True,
        env=env,
        timeout=120,
        check=False,
    )


def listed_in_utf8() -> list[dict[str, object]]:
    """``list --json`` of the sample posts where the locale is UTF-8."""
    result = run_in_c_locale("list", "--json", str(SAMPLE), locale="C.UTF-8")
    return [json.loads(line) for line in result.stdout.decode().splitlines()]


def sample_post_with_chinese_title() -> tuple[str, str]:
    record = next(record for record in listed_in_utf8() if not str(record["title"]).isascii())
    return str(record["id"]), str(record["title"])


@pytest.mark.parametrize(
    "args",
    [
        ("list", str(SAMPLE)),
        ("categories", str(SAMPLE)),
        ("check", str(SAMPLE)),
        ("config",),
        ("--help",),
        ("list", "--help"),
    ],
)
def test_every_command_finishes_and_writes_only_what_the_stream_carries(args: tuple[str, ...]):
    result = run_in_c_locale(*args)
    assert result.returncode == 0, result.stderr.decode("ascii", "replace")
    assert b"Traceback" not in result.stderr
    result.stdout.decode("ascii")  # nothing the stream could not carry
    assert result.stdout.strip()


def test_a_chinese_title_is_listed_as_backslash_escapes():
    _, title = sample_post_with_chinese_title()
    result = run_in_c_locale("list", str(SAMPLE))
    assert result.returncode == 0, result.stderr.decode("ascii", "replace")
    escaped = title.encode("ascii", "backslashreplace")
    assert escaped[:24] in result.stdout


def test_list_json_stays_valid_json_holding_every_title():
    result = run_in_c_locale("list", "--json", str(SAMPLE))
    assert result.returncode == 0, result.stderr.decode("ascii", "replace")
    records = [json.loads(line) for line in result.stdout.decode("ascii").splitlines()]
    assert records == listed_in_utf8()
    assert any(not str(record["title"]).isascii() for record in records)


def test_show_prints_a_chinese_post():
    post_id, title = sample_post_with_chinese_title()
    result = run_in_c_locale("show", str(SAMPLE), post_id)
    assert result.returncode == 0, result.stderr.decode("ascii", "replace")
    assert title.encode("ascii", "backslashreplace")[:24] in result.stdout


def test_an_error_naming_a_chinese_path_reaches_stderr_in_one_line():
    result = run_in_c_locale("show", str(SAMPLE), "_posts/不存在.md")
    assert result.returncode == 1
    assert b"Traceback" not in result.stderr
    message = result.stderr.decode("ascii")
    assert message.startswith("newsreader: no post with id") and message.count("\n") == 1


def test_chinese_words_ids_and_file_names_mean_the_same_as_under_utf8(tmp_path) -> None:
    # Under LC_ALL=C arguments and file names arrive as ASCII plus raw bytes: a search for
    # 霍尼韦尔 crashed, a tag found nothing, and a file 中文.md had another id than elsewhere.
    (tmp_path / "_posts").mkdir()
    (tmp_path / "_posts" / "2024-05-01-中文.md").write_text(
        "---\ntitle: 中文标题\ndate: 2024-05-01 10:00:00 +0000\ntags: [东财]\n---\n霍尼韦尔 body\n",
        encoding="utf-8",
    )
    wanted = "_posts/2024-05-01-中文.md"
    for args in (("--search", "霍尼韦尔"), ("--tag", "东财"), ()):
        result = run_in_c_locale("list", "--json", str(tmp_path), *args)
        assert result.returncode == 0, result.stderr.decode("ascii", "replace")
        (record,) = [json.loads(line) for line in result.stdout.decode().splitlines()]
        assert record["id"] == wanted and record["title"] == "中文标题"
    shown = run_in_c_locale("show", str(tmp_path), wanted)
    assert shown.returncode == 0, shown.stderr.decode("ascii", "replace")
    assert b"\\u970d\\u5c3c\\u97e6\\u5c14 body" in shown.stdout  # 霍尼韦尔, escaped for ASCII
