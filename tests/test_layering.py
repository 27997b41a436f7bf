"""The data layer stands alone: nothing under newsreader.archive pulls in Textual."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ARCHIVE_DIR = Path(__file__).resolve().parents[1] / "src" / "newsreader" / "archive"

PROBE = """
import importlib, pkgutil, sys
import newsreader.archive as archive
names = sorted(info.name for info in pkgutil.walk_packages(archive.__path__, "newsreader.archive."))
for name in names:
    importlib.import_module(name)
import newsreader.archive.collection, newsreader.archive.dates, newsreader.archive.loader
import newsreader.archive.post, newsreader.archive.query, newsreader.archive.text
textual = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
print("imported:", " ".join(names))
print("textual:", " ".join(textual))
"""


def test_importing_the_data_layer_does_not_import_textual():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(ARCHIVE_DIR.parents[1]), env.get("PYTHONPATH")])
    )
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(":", 1) for line in result.stdout.splitlines())
    imported = lines["imported"].split()
    for module in ("collection", "dates", "loader", "post", "query", "text"):
        assert f"newsreader.archive.{module}" in imported
    assert lines["textual"].split() == []


def test_no_archive_module_mentions_textual_imports():
    sources = sorted(ARCHIVE_DIR.rglob("*.py"))
    assert {path.name for path in sources} >= {"__init__.py", "loader.py", "dates.py"}
    statement = re.compile(r"^\s*(import\s+textual\b|from\s+textual\b)", re.MULTILINE)
    offenders = []
    for path in sources:
        source = path.read_text(encoding="utf-8")
        if "import textual" in source or "from textual" in source or statement.search(source):
            offenders.append(path.relative_to(ARCHIVE_DIR).as_posix())
    assert offenders == []
