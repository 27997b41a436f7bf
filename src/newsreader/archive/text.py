"""Making untrusted text safe to show: no control characters, no escape sequences."""

from __future__ import annotations

import re

# CSI / OSC / other escape sequences as a whole, so their parameters do not leak as text.
_ESCAPE_SEQUENCE = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]?            # CSI ... final byte
    | \x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?  # OSC ... BEL or ST
    | \x1b[PX^_][^\x1b]*(?:\x1b\\)?       # DCS, SOS, PM, APC ... ST
    | \x1b[@-Z\\-_]                       # other two-byte escapes
    | \x9b[0-?]*[ -/]*[@-~]?              # 8-bit CSI
    | \x9d[^\x07\x9c]*[\x07\x9c]?         # 8-bit OSC
    """,
    re.VERBOSE,
)
# C0 (except tab and newline), DEL, C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Bidirectional overrides, embeddings and isolates, which could reorder what is shown.
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
_WHITESPACE_RUN = re.compile(r"\s+")


def clean_text(text: str) -> str:
    """Remove escape sequences, control characters and bidi controls; keep newlines and tabs."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ESCAPE_SEQUENCE.sub("", text)
    text = _CONTROL.sub("", text)
    return _BIDI.sub("", text)


def clean_line(text: str) -> str:
    """Clean text for a one-line field (title, category, tag): whitespace runs become one space."""
    return _WHITESPACE_RUN.sub(" ", clean_text(text)).strip()
