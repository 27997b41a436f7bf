"""The layers keep to their imports: the contracts in pyproject.toml, checked by import-linter.

archive is plain data (no Rich, Textual or markdown-it, nothing above it); render may use Rich
but not Textual; reader is a model without Textual. Indirect imports count too.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"
UI = {"textual", "newsreader.screens", "newsreader.widgets", "newsreader.app"}
REQUIRED = {
    "newsreader.archive": UI
    | {"rich", "markdown_it", "newsreader.render", "newsreader.reader", "newsreader.cli"},
    "newsreader.render": UI,
    "newsreader.reader": UI,
}
RUN_LINTER = "from importlinter.cli import lint_imports_command; lint_imports_command()"


def test_import_contracts_are_kept() -> None:
    result = subprocess.run(
        [sys.executable, "-c", RUN_LINTER, str(PYPROJECT), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout, result.stdout


def test_every_layer_has_its_contract() -> None:
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]
    assert config["root_package"] == "newsreader"
    assert config["include_external_packages"] is True  # else rich/textual are not checked
    forbidden: dict[str, set[str]] = {}
    for contract in config["contracts"]:
        if contract["type"] == "forbidden":
            for source in contract["source_modules"]:
                forbidden.setdefault(source, set()).update(contract["forbidden_modules"])
    for layer, modules in REQUIRED.items():
        assert modules <= forbidden.get(layer, set()), layer
