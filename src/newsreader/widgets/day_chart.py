"""A small chart of posts per day for the current selection."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, Sparkline

MAX_DAYS = 3 * 366
"""Spans longer than this show their most recent days only."""


class DayChart(Vertical):
    """Posts per day over the span of the selection, as a sparkline with its range below."""

    def compose(self) -> ComposeResult:
        yield Sparkline([], id="day-chart-bars")
        yield Label("", id="day-chart-range")

    def set_days(self, days: Counter[str]) -> None:
        """Plot these posts-per-day counts, filling the days without posts with zero."""
        label = self.query_one("#day-chart-range", Label)
        bars = self.query_one(Sparkline)
        if not days:
            bars.data = []
            label.update("no posts")
            return
        first = date.fromisoformat(min(days))
        last = date.fromisoformat(max(days))
        if (last - first).days > MAX_DAYS:
            first = last - timedelta(days=MAX_DAYS)
        span = (last - first).days + 1
        series = [float(days.get((first + timedelta(days=n)).isoformat(), 0)) for n in range(span)]
        bars.data = series
        peak = int(max(series))
        label.update(f"{first}…{last} peak {peak:,}")
