"""Making untrusted text safe to show: no control characters, no escape sequences, and
nothing whose width terminals disagree on (so columns line up on every terminal)."""

from __future__ import annotations

import re

import regex

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

PLACEHOLDER = "\ufffd"
"""Shown instead of a character no terminal can show consistently."""
# Terminals (and Rich, which lays Textual's screen out) disagree on these: grapheme-aware ones
# join them into one glyph, others give every code point its own width, so whatever follows on
# the line lands a cell or two off. Each is made into what all of them measure alike.
_WIDTH_HAZARD = regex.compile(
    r"""
    (?P<flag>[\U0001F1E6-\U0001F1FF]{2})      # a flag: two regional indicators, kept
    | (?P<joiner>\u200d|\ufe0f                 # zero width joiner, emoji presentation:
      | (?<=\S)[\U0001F3FB-\U0001F3FF])        # and a skin tone on something: dropped
    | (?:\A|(?<=\s))\p{M}+                     # combining marks with nothing to combine with
    | [\p{Cn}\p{Co}\p{Cs}]                       # unassigned, private-use, lone surrogates
    | [\U0001F1E6-\U0001F1FF\U0001F3FB-\U0001F3FF]  # a lone regional indicator or skin tone
    """,
    regex.VERBOSE,
)
# Latin to U+02FF, CJK punctuation but its tone marks, CJK ideographs, fullwidth forms: all
# assigned, none a mark, so a long Chinese body skips the (slower) hazard search but for the
# runs of other characters, each taken with the one character before it.
_PLAIN = "\x00-\u02ff\u3000-\u3029\u3030-\u303f\u4e00-\u9fff\uff01-\uffbe"
_OTHER_RUN = re.compile(f"[^{_PLAIN}]+")


def _even_width(match: regex.Match[str]) -> str:
    if match.group("flag"):
        return match.group()
    return "" if match.group("joiner") else PLACEHOLDER


def even_widths(text: str) -> str:
    """``text`` with what terminals measure differently evened out (see `clean_text`)."""
    if text.isascii():
        return text
    pieces: list[str] = []
    done = 0
    for run in _OTHER_RUN.finditer(text):
        # The character before says whether a mark has something to combine with; plain, it
        # comes back unchanged.
        start = max(run.start() - 1, 0)
        pieces += text[done:start], _WIDTH_HAZARD.sub(_even_width, text[start : run.end()])
        done = run.end()
    return "".join(pieces) + text[done:] if pieces else text


def clean_text(text: str) -> str:
    """Remove escape sequences, control characters and bidi controls; keep newlines and tabs.

    What terminals measure differently is evened out: emoji joiners, presentation selectors
    and skin tones on a character are dropped (a family shows as its members), and unassigned
    or private-use code points, lone regional indicators, skin tones and combining marks with
    nothing before them become `PLACEHOLDER`.
    """
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ESCAPE_SEQUENCE.sub("", text)
    text = _CONTROL.sub("", text)
    text = _BIDI.sub("", text)
    return even_widths(text)


def clean_line(text: str) -> str:
    """Clean text for a one-line field (title, category, tag): whitespace runs become one space."""
    return _WHITESPACE_RUN.sub(" ", clean_text(text)).strip()
