"""The sidebar's date timeline: years, months and days with their post counts."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

ALL_DATES = ""
"""The node data of the root: no date filter."""


class Timeline(Tree[str]):
    """Year > month > day with counts; moving to a node filters by that period.

    As in the category list, the period applies as the cursor moves onto it, and enter goes
    on to the article list. ``l`` (and ``space``) open a year or a month: ``l`` on one
    already open goes down to its first child.
    """

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("l", "expand_cursor", "Expand", show=False),
    ]

    @dataclass
    class Chosen(Message):
        """The user chose a period (``spec`` in the date grammar, "" for all dates)."""

        spec: str
        confirmed: bool = True
        """True on enter: the user wants to go on to the list; False on a move."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("All dates", data=ALL_DATES, id=id)
        self.show_root = True
        self.auto_expand = False
        self._shown: Counter[str] | None = None

    def set_days(self, days: Counter[str]) -> None:
        """Show these posts-per-day counts (keys ``YYYY-MM-DD``), newest year first.

        Days are added to a month only when it is expanded: three years are a thousand
        days, and building their nodes on every filter change would cost a tenth of a second.
        """
        if days == self._shown:
            return
        self._shown = days
        years: dict[str, Counter[str]] = defaultdict(Counter)
        for day, count in days.items():
            years[day[:4]][day] += count
        expanded = {node.data for node in _walk(self.root) if node.is_expanded}
        # Rebuilding moves the cursor: that is no choice of the user's.
        with self.prevent(Tree.NodeHighlighted):
            self._rebuild(years, expanded)

    def _rebuild(self, years: dict[str, Counter[str]], expanded: set[str | None]) -> None:
        days = self._shown or Counter()
        self.clear()
        self.root.set_label(_label("All dates", days.total()))
        for year in sorted(years, reverse=True):
            in_year = years[year]
            year_node = self.root.add(_label(year, in_year.total()), data=year)
            months: Counter[str] = Counter()
            for day, count in in_year.items():
                months[day[:7]] += count
            for month in sorted(months, reverse=True):
                month_node = year_node.add(_label(month, months[month]), data=month)
                if month in expanded:
                    self._add_days(month_node)
                    month_node.expand()
            if year in expanded or len(years) == 1:
                year_node.expand()
        self.root.expand()

    def _add_days(self, month_node: TreeNode[str]) -> None:
        month = month_node.data or ""
        if month_node.children or self._shown is None:
            return
        for day in sorted((day for day in self._shown if day.startswith(month)), reverse=True):
            month_node.add_leaf(_label(day, self._shown[day]), data=day)

    @on(Tree.NodeExpanded)
    def _expanded(self, event: Tree.NodeExpanded[str]) -> None:
        node = event.node
        if node.data and len(node.data) == 7:  # a month: its days come now
            self._add_days(node)

    def action_expand_cursor(self) -> None:
        """Open the year or month under the cursor; on one open already, go to its first child."""
        node = self.cursor_node
        if node is None or not node.allow_expand:
            return
        if not node.is_expanded:
            node.expand()
        elif node.children:
            self.move_cursor(node.children[0])

    @on(Tree.NodeHighlighted)
    def _moved(self, event: Tree.NodeHighlighted[str]) -> None:
        event.stop()
        if self.has_focus:  # a move of the user's, not the cursor following a rebuild
            self.post_message(self.Chosen(event.node.data or ALL_DATES, confirmed=False))

    @on(Tree.NodeSelected)
    def _chosen(self, event: Tree.NodeSelected[str]) -> None:
        event.stop()
        self.post_message(self.Chosen(event.node.data or ALL_DATES))


def _walk(node: TreeNode[str]) -> list[TreeNode[str]]:
    nodes = [node]
    for child in node.children:
        nodes.extend(_walk(child))
    return nodes


def _label(name: str, count: int) -> Text:
    return Text.assemble(name, (f" {count:,}", "dim"))
