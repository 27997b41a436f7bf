"""The sidebar's category list: "All posts" and every category, narrowed by typing."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.events import Key
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from newsreader.archive import Category

ALL_POSTS = ""
"""The option id of "All posts": no category filter."""
UNREAD = "v:unread"
"""The option id of "Unread": every post not read yet."""
STARRED = "v:starred"
"""The option id of "Starred"."""


class CategoryOptions(OptionList):
    """The options themselves; vi keys move, printable characters narrow the list."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("g", "first", "First", show=False),
        Binding("G", "last", "Last", show=False),
        Binding("l", "select", "Open", show=False),
    ]


class CategoryList(Vertical):
    """Categories with labels and counts; highlighting one asks for it as the filter."""

    BINDINGS = [
        Binding("S", "toggle_sort", "Sort by name/count"),
    ]

    sort_by: reactive[str] = reactive("count")
    """"count" or "name"."""

    class Chosen(Message):
        """The user moved to an entry: a category, all posts, unread or starred."""

        def __init__(self, slug: str, confirmed: bool, view: str | None = None) -> None:
            super().__init__()
            self.slug = slug
            """The category's slug; "" for all posts and for the views."""
            self.confirmed = confirmed
            """True on enter: the user wants to go on to the list."""
            self.view = view
            """UNREAD or STARRED for those entries, else None."""

    class SortChanged(Message):
        """The user switched between sorting by count and by name."""

        def __init__(self, sort_by: str) -> None:
            super().__init__()
            self.sort_by = sort_by

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._categories: Sequence[Category] = ()
        self._total = 0
        self._unread: Mapping[str, int] | None = None
        self._unread_total = 0
        self._starred_total = 0
        self._selected = ALL_POSTS
        """The option id of the current entry."""
        self._shown_key: tuple[object, ...] = ()

    def compose(self) -> ComposeResult:
        yield Input(placeholder="Filter categories…", id="category-filter", select_on_focus=False)
        yield CategoryOptions(id="category-options")

    @property
    def options(self) -> CategoryOptions:
        """The option list."""
        return self.query_one(CategoryOptions)

    @property
    def narrowing(self) -> Input:
        """The input that narrows the list."""
        return self.query_one("#category-filter", Input)

    def set_categories(
        self,
        categories: Sequence[Category],
        total: int,
        unread: Mapping[str, int] | None = None,
        unread_total: int = 0,
        starred: int = 0,
    ) -> None:
        """Show these categories (already counted) and the archive's total.

        ``unread`` maps slugs to unread counts (None: no reading state, so no "Unread" and
        "Starred" entries); ``unread_total`` and ``starred`` count posts (a post may be in
        several categories, so the total is not the sum).
        """
        self._categories = categories
        self._total = total
        self._unread = unread
        self._unread_total = unread_total
        self._starred_total = starred
        self._rebuild()

    def select(self, slug: str, view: str | None = None) -> None:
        """Mark a category (or a view) as the current entry without announcing it."""
        self._selected = view or _option_id(slug)
        options = self.options
        try:
            index: int | None = options.get_option_index(self._selected)
        except OptionDoesNotExist:
            return
        with options.prevent(OptionList.OptionHighlighted):
            options.highlighted = index

    def _rebuild(self, force: bool = False) -> None:
        needle = self.narrowing.value.strip().casefold()
        # Compared by content: the sidebar is refreshed often with equal, new lists, and
        # rebuilding 2,000 options costs far more than comparing them.
        key = (
            tuple(self._categories),
            self._total,
            tuple(sorted(self._unread.items())) if self._unread is not None else None,
            self._unread_total,
            self._starred_total,
            needle,
            self.sort_by,
        )
        if key == self._shown_key and not force:
            return
        self._shown_key = key
        ordered = sorted(self._categories, key=_sort_key(self.sort_by))
        shown = [
            category
            for category in ordered
            if not needle
            or needle in category.slug.casefold()
            or needle in (category.label or "").casefold()
        ]
        unread = self._unread
        entries: list[Option] = []
        if not needle:
            entries.append(Option(_row("All posts", None, self._total, None), id=ALL_POSTS))
            if unread is not None:
                entries.append(Option(_row("Unread", None, self._unread_total, None), id=UNREAD))
                entries.append(Option(_row("Starred", None, self._starred_total, None), id=STARRED))
        entries.extend(
            Option(
                _row(
                    category.slug,
                    category.label,
                    category.count,
                    unread.get(category.slug, 0) if unread is not None else None,
                ),
                id=_option_id(category.slug),
            )
            for category in shown
        )
        options = self.options
        options.clear_options()
        options.add_options(entries)
        try:
            index: int | None = options.get_option_index(self._selected)
        except OptionDoesNotExist:
            index = 0 if entries else None
        with options.prevent(OptionList.OptionHighlighted):
            options.highlighted = index
        self.border_subtitle = f"{len(shown):,} of {len(self._categories):,}"

    def watch_sort_by(self) -> None:
        self._rebuild()

    def action_toggle_sort(self) -> None:
        """Sort by count or by name."""
        self.sort_by = "name" if self.sort_by == "count" else "count"
        self.post_message(self.SortChanged(self.sort_by))
        self.notify(f"Categories sorted by {self.sort_by}", timeout=2)

    @on(Input.Changed, "#category-filter")
    def _narrow(self) -> None:
        self._rebuild()

    @on(Input.Submitted, "#category-filter")
    def _submit_narrowing(self) -> None:
        self.options.focus()
        option = self._highlighted_id()
        if option is not None:
            self._choose(option, confirmed=True)

    def on_key(self, event: Key) -> None:
        if self.narrowing.has_focus and event.key in ("down", "escape"):
            if event.key == "escape":
                self.narrowing.value = ""
            self.options.focus()
            event.stop()
        elif (
            self.options.has_focus
            and event.is_printable
            and event.character
            and event.character not in _LIST_KEYS
        ):
            # Typing in the list narrows it, so 2,000 categories are a few letters away.
            self.narrowing.focus()
            self.narrowing.insert_text_at_cursor(event.character)
            event.stop()

    @on(OptionList.OptionHighlighted, "#category-options")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option.id is not None:
            self._choose(event.option.id, confirmed=False)

    @on(OptionList.OptionSelected, "#category-options")
    def _selected_option(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self._choose(event.option.id, confirmed=True)

    def _highlighted_id(self) -> str | None:
        options = self.options
        if options.highlighted is None:
            return None
        return options.get_option_at_index(options.highlighted).id

    def _choose(self, option_id: str, confirmed: bool) -> None:
        self._selected = option_id
        if option_id in (UNREAD, STARRED):
            self.post_message(self.Chosen(ALL_POSTS, confirmed, view=option_id))
        else:
            self.post_message(self.Chosen(option_id.removeprefix("c:"), confirmed))


_LIST_KEYS = frozenset("jkgGlhS?/ ")
"""Keys the list keeps for itself; every other letter typed in it narrows it."""

COUNT_WIDTH = 9
"""Cells of the counts column ("1,234/16,903" is wider and pushes the name along)."""


def _option_id(slug: str) -> str:
    return ALL_POSTS if slug == ALL_POSTS else f"c:{slug}"


def _sort_key(by: str) -> Callable[[Category], tuple[int, str]]:
    if by == "name":
        return lambda category: (0, category.slug.casefold())
    return lambda category: (-category.count, category.slug.casefold())


def _row(name: str, label: str | None, count: int, unread: int | None) -> Text:
    # The counts come first, right-aligned, so they line up however long the names are:
    # "unread/total" where some posts are unread, else the total.
    text = Text()
    if unread:
        counts = f"{unread:,}/{count:,}"
        text.append(" " * max(0, COUNT_WIDTH - len(counts)))
        text.append(f"{unread:,}", style="bold")
        text.append(f"/{count:,} ", style="dim")
    else:
        text.append(f"{count:>{COUNT_WIDTH},} ", style="dim")
    text.append(name)
    if label:
        text.append(f" {label}", style="italic")
    return text
