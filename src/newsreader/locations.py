"""Where newsreader keeps its files: one helper for the user folders.

Each location comes from platformdirs (``appname="newsreader"``) unless an environment
variable overrides it, so tests (and users with unusual setups) never touch the real home:

==================  ==========================  ==========================================
function            environment variable        default (Linux)
==================  ==========================  ==========================================
``cache_dir()``     ``NEWSREADER_CACHE_DIR``    ``~/.cache/newsreader`` (the archive index)
``data_dir()``      ``NEWSREADER_DATA_DIR``     ``~/.local/share/newsreader`` (read marks)
``config_path()``   ``NEWSREADER_CONFIG``       ``~/.config/newsreader/config.toml``
==================  ==========================  ==========================================

Nothing here creates a folder: a reader that only reads must leave no trace. Writers call
``ensure_dir()`` (or ``path.parent.mkdir(parents=True, exist_ok=True)``) just before writing.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

__all__ = [
    "APP_NAME",
    "CACHE_ENV",
    "CONFIG_ENV",
    "CONFIG_FILE_NAME",
    "DATA_ENV",
    "cache_dir",
    "config_path",
    "data_dir",
    "ensure_dir",
]

APP_NAME = "newsreader"
CACHE_ENV = "NEWSREADER_CACHE_DIR"
DATA_ENV = "NEWSREADER_DATA_DIR"
CONFIG_ENV = "NEWSREADER_CONFIG"
CONFIG_FILE_NAME = "config.toml"


def _from_env(name: str) -> Path | None:
    """The path named by environment variable ``name``, or None when unset or empty."""
    value = os.environ.get(name, "").strip()
    # An empty variable means "not set": `NEWSREADER_CACHE_DIR= newsreader` must not
    # resolve to the current directory.
    return Path(value).expanduser() if value else None


def cache_dir() -> Path:
    """The folder for disposable caches (the archive index); not created."""
    return _from_env(CACHE_ENV) or Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    """The folder for durable user data (read marks, stars); not created."""
    return _from_env(DATA_ENV) or Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_path() -> Path:
    """The settings file (TOML); neither it nor its folder is created."""
    override = _from_env(CONFIG_ENV)
    if override is not None:
        return override
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / CONFIG_FILE_NAME


def ensure_dir(path: Path) -> Path:
    """Create ``path`` (and its parents) if missing and return it; call only when writing."""
    path.mkdir(parents=True, exist_ok=True)
    return path
