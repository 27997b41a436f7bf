"""Liquid and kramdown in a body cost time linear in the body (issue 16): twice the body, about
twice the time, however many tags it leaves open."""

from __future__ import annotations

import gc
import time

import pytest

from newsreader.render import body_to_markdown
from newsreader.render.liquid import REMOVED_NOTE

# Each body repeats a piece `n` times; `n` is small enough that a quadratic stage still fails
# within seconds, large enough that a linear one is timed above the noise.
HOSTILE_BODIES = {
    "unclosed tags": ("{% ", 40_000),
    "unclosed outputs": ("{{ ", 40_000),
    "unclosed includes": ("{% include ", 10_000),
    "highlights never ended": ("{% highlight x %}", 10_000),
    "unclosed post_url": ("{%- post_url ", 10_000),
    "raw never ended": ("{% raw %}a", 10_000),
    "tags in code fences": ("```\n{% x\n```\n", 10_000),
    "kramdown comments never closed": ("{::comment}a\n", 10_000),
}


def _seconds(body: str) -> float:
    gc.collect()
    gc.disable()  # a collection in one timing and not the other is noise
    try:
        start = time.perf_counter()
        body_to_markdown(body)
        return time.perf_counter() - start
    finally:
        gc.enable()


def _doubling_ratio(piece: str, n: int) -> float:
    """The time of `2n` pieces over that of `n`, each the best of up to three tries."""
    singles, doubles = [], []
    for _ in range(3):
        singles.append(_seconds(piece * n))
        doubles.append(_seconds(piece * 2 * n))
        ratio = min(doubles) / min(singles)
        if ratio <= 2.5 or ratio > 5:
            break
    return ratio


@pytest.mark.parametrize("name", HOSTILE_BODIES)
def test_hostile_body_costs_linear_time(name: str) -> None:
    piece, n = HOSTILE_BODIES[name]
    assert _doubling_ratio(piece, n) <= 2.5


def test_a_megabyte_of_braces_is_shown_quickly_with_a_note() -> None:
    start = time.perf_counter()
    markdown = body_to_markdown("{" * 1_000_000).markdown
    assert time.perf_counter() - start < 5
    assert REMOVED_NOTE in markdown


def test_a_body_too_costly_for_the_engine_keeps_its_text_and_closed_tags_go() -> None:
    body = "Keep this. {{ page.title }} " + "{% raw %}" * 2_000 + " And this."
    markdown = body_to_markdown(body).markdown
    assert "Keep this." in markdown and "And this." in markdown
    assert "page.title" not in markdown and REMOVED_NOTE in markdown
