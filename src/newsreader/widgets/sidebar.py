"""The sidebar: saved searches and categories with their counts, the date timeline and the
posts-per-day chart.

It follows the reader's model a moment after the list does, so moving through categories
stays instant: a change asks for a refresh 80 ms later, and changes meanwhile share it.
While an archive loads it refreshes at most every :data:`LOADING_PAUSE` seconds. The timeline
and the chart do not depend on read marks, so a mark (every article opened) redraws only the
category counts, not the day counts of 100,000 posts.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.timer import Timer

from newsreader.reader.model import ReaderModel
from newsreader.reader.saved_searches import SearchCount
from newsreader.widgets.category_list import CategoryList
from newsreader.widgets.day_chart import DayChart
from newsreader.widgets.saved_search_list import SavedSearchList
from newsreader.widgets.timeline import Timeline

DELAY = 0.08
"""Seconds between a change and the sidebar's refresh."""
LOADING_PAUSE = 2.0
"""Seconds between sidebar refreshes while an archive loads."""


class Sidebar(Vertical):
    """The three sidebar panes, kept in step with a :class:`ReaderModel`."""

    def __init__(self, model: ReaderModel, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.model = model
        self._timer: Timer | None = None
        self._stale = True
        """Posts or filters changed since the timeline and chart last showed them."""
        self._refreshed = 0.0
        self.saved_counts: Callable[[], list[SearchCount]] = list
        """The saved searches' counts now (the screen knows the searches)."""

    def compose(self) -> ComposeResult:
        yield SavedSearchList(id="saved-searches")
        yield CategoryList(id="categories")
        yield Timeline(id="timeline")
        yield DayChart(id="day-chart")

    def on_mount(self) -> None:
        self.query_one("#categories").border_title = "Categories"
        self.query_one("#timeline").border_title = "Dates"
        self.query_one("#day-chart").border_title = "Posts per day"

    @property
    def categories(self) -> CategoryList:
        """The category list."""
        return self.query_one(CategoryList)

    @property
    def saved_searches(self) -> SavedSearchList:
        """The saved searches' pane."""
        return self.query_one(SavedSearchList)

    @property
    def pending(self) -> bool:
        """Whether a refresh is scheduled and not yet shown."""
        return self._timer is not None

    def follow(self, *, counts_only: bool = False) -> None:
        """Refresh a moment later; ``counts_only`` when only marks changed."""
        # A request for counts only never clears "stale": posts that arrived meanwhile
        # must still reach the timeline.
        if not counts_only:
            self._stale = True
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DELAY, self.refresh_now)

    def follow_batch(self, *, changed: bool, whole: bool) -> None:
        """Follow a batch of posts: ``whole`` when it is the entire archive at last."""
        now = time.monotonic()
        self._stale = self._stale or changed
        if whole:
            # A third of a second at 100,000 posts: a moment later, so a key pressed
            # meanwhile is answered first.
            self._refreshed = now
            self.follow()
        elif (
            self._stale
            and self._timer is None  # a scheduled refresh will show this batch too
            and (not self.model.loading or now - self._refreshed > LOADING_PAUSE)
        ):
            self._refreshed = now
            self.refresh_now()

    def refresh_now(self) -> None:
        """The category counts now, and the timeline and chart if anything but marks changed."""
        full, self._stale = self._stale, False
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        model = self.model
        archive = model.archive
        counts = model.sidebar_counts()
        self.categories.set_categories(
            archive.categories(),
            counts.total,
            unread=counts.unread,
            unread_total=counts.unread_total,
            starred=counts.starred,
            hidden=(counts.drafts, counts.unpublished),
        )
        self.saved_searches.show(self.saved_counts())
        if full:
            timeline_days, chart_days = model.day_counts()
            self.query_one(Timeline).set_days(timeline_days)
            self.query_one(DayChart).set_days(chart_days)
