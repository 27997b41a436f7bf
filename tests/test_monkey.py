"""A short run of the random-key monkey (tests/monkey.py) over the hostile archive.

The long runs are by hand: ``python -m tests.monkey --seed N --keys 1500`` (see README).
"""

from __future__ import annotations

import monkey
import pytest


def test_the_same_seed_draws_the_same_moves():
    assert monkey.moves(11, 300) == monkey.moves(11, 300)
    assert monkey.moves(11, 300) != monkey.moves(12, 300)
    kinds = {move.kind for move in monkey.moves(11, 300)}
    assert kinds == {"key", "search", "resize"}
    assert not {move.value for move in monkey.moves(11, 300)} & monkey.QUITTING_KEYS


def test_the_monkey_presses_every_key_of_the_reader():
    pool = set(monkey.key_pool())
    for binding in monkey.binding_keys(monkey.READER_BINDINGS):
        assert binding in pool or binding in monkey.QUITTING_KEYS, binding


@pytest.mark.parametrize("seed", [20261204])
def test_random_keys_never_crash_the_reader_nor_show_unsafe_text(seed: int):
    outcome = monkey.run_monkey(seed, 150)
    assert outcome.failure is None, outcome.report()
    assert outcome.played == 150
