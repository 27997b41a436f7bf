"""Where the files shipped with newsreader live, installed or in a source checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def _shipped(name: str) -> Path:
    # A wheel carries the folder inside the package; an editable install or a source
    # checkout leaves it at the top of the repository, two levels above the package.
    inside = _PACKAGE_DIR / name
    if inside.is_dir():
        return inside
    return _PACKAGE_DIR.parent.parent / name


def sample_posts_dir() -> Path:
    """The bundled demo archive."""
    return _shipped("sample_posts")


def styles_dir() -> Path:
    """The folder of .tcss files."""
    return _shipped("styles")
