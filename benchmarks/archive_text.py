"""Made-up words with a natural spread, so generated text is as varied as real news.

Real Chinese news uses a few thousand characters (a few hundred of them most of the time)
in tens of thousands of words, so a large archive holds millions of distinct 3-character
runs (trigrams). Text built only from ``generate_archive``'s small hand-written vocabulary
repeats the same few tens of thousands, which makes every full-text index look cheaper than
on a real archive (issue 15: 21 s against 224 s for a cold build of 100,000 posts).

A :class:`Lexicon` draws its characters from the CJK block (or its English-like words from
syllables) and ranks both characters and words by a Zipf law, as natural language does. The
text means nothing and comes from no real article; it depends only on the random generator.
"""

from __future__ import annotations

import itertools
import random
from typing import Final

__all__ = ["Lexicon"]

_CJK_FIRST: Final = 0x4E00
_CJK_LAST: Final = 0x9FA5
ZH_CHARACTERS: Final = 4000
"""Distinct characters in use; the commonest few hundred make most of the text."""
_ZH_WORD_LENGTHS: Final = (1, 2, 2, 2, 2, 2, 3, 3, 4)
_ZH_PUNCTUATION: Final = "，，，、；"
_EN_ONSETS: Final = (
    "b",
    "c",
    "d",
    "f",
    "g",
    "h",
    "j",
    "k",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
    "v",
    "w",
    "y",
    "z",
    "br",
    "cr",
    "dr",
    "fr",
    "gr",
    "pr",
    "tr",
    "st",
    "sp",
    "ch",
    "sh",
    "th",
)
_EN_NUCLEI: Final = ("a", "e", "i", "o", "u", "a", "e", "i", "o", "ea", "ai", "ou", "io")
_EN_CODAS: Final = ("", "", "n", "r", "s", "t", "l", "m", "nd", "st", "ng", "rk", "ct")


def _zipf(count: int, exponent: float) -> list[float]:
    """Cumulative weights of ranks 1..count under a Zipf law."""
    return list(itertools.accumulate(1.0 / rank**exponent for rank in range(1, count + 1)))


class Lexicon:
    """``size`` made-up words of one language, and sentences drawn from them."""

    def __init__(self, rng: random.Random, *, english: bool, size: int = 40_000) -> None:
        self.english = english
        if english:
            words = {self._en_word(rng) for _ in range(size * 2)}
        else:
            characters = [
                chr(code) for code in rng.sample(range(_CJK_FIRST, _CJK_LAST + 1), ZH_CHARACTERS)
            ]
            weights = _zipf(len(characters), 1.0)
            words = {
                "".join(
                    rng.choices(characters, cum_weights=weights, k=rng.choice(_ZH_WORD_LENGTHS))
                )
                for _ in range(size * 2)
            }
        ordered = sorted(words)
        rng.shuffle(ordered)
        self.words = ordered[:size]
        self._weights = _zipf(len(self.words), 1.0)

    @staticmethod
    def _en_word(rng: random.Random) -> str:
        syllables = rng.choice((1, 1, 2, 2, 2, 3, 3, 4))
        return "".join(
            rng.choice(_EN_ONSETS) + rng.choice(_EN_NUCLEI) + rng.choice(_EN_CODAS)
            for _ in range(syllables)
        )

    def sentence(self, rng: random.Random) -> str:
        """One sentence of 6-24 words, punctuated the way the language is."""
        words = rng.choices(self.words, cum_weights=self._weights, k=rng.randint(6, 24))
        if self.english:
            return " ".join(words).capitalize() + "."
        pieces: list[str] = []
        for number, word in enumerate(words, 1):
            pieces.append(word)
            if number < len(words) and rng.random() < 0.12:
                pieces.append(rng.choice(_ZH_PUNCTUATION))
        return "".join(pieces) + "。"
