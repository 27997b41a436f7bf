"""The sidebar's category list: "All posts" and every category, narrowed by typing."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.events import Key
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from newsreader.archive import Category

ALL_POSTS = ""
"""The option id of "All posts": no category filter."""


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
        """The user moved to a category (``slug`` is "" for all posts)."""

        def __init__(self, slug: str, confirmed: bool) -> None:
            super().__init__()
            self.slug = slug
            self.confirmed = confirmed
            """True on enter: the user wants to go on to the list."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._categories: Sequence[Category] = ()
        self._total = 0
        self._selected = ALL_POSTS
        self._shown_key: tuple[object, ...] = ()

    def compose(self) -> ComposeResult:
        yield Input(placeholder="Filter categories…", id="category-filter")
        yield CategoryOptions(id="category-options")

    @property
    def options(self) -> CategoryOptions:
        """The option list."""
        return self.query_one(CategoryOptions)

    @property
    def narrowing(self) -> Input:
        """The input that narrows the list."""
        return self.query_one("#category-filter", Input)

    def set_categories(self, categories: Sequence[Category], total: int) -> None:
        """Show these categories (already counted) and the archive's total."""
        self._categories = categories
        self._total = total
        self._rebuild()

    def select(self, slug: str) -> None:
        """Mark ``slug`` as the current category without announcing it."""
        self._selected = slug
        self._rebuild(force=True)

    def _rebuild(self, force: bool = False) -> None:
        needle = self.narrowing.value.strip().casefold()
        key = (id(self._categories), self._total, needle, self.sort_by, self._selected)
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
        options = self.options
        highlighted_id = self._selected
        options.clear_options()
        entries: list[Option] = []
        if not needle:
            entries.append(Option(_row("All posts", None, self._total), id=ALL_POSTS))
        entries.extend(
            Option(_row(category.slug, category.label, category.count), id=f"c:{category.slug}")
            for category in shown
        )
        options.add_options(entries)
        index = options.get_option_index(_option_id(highlighted_id)) if entries else None
        if index is None and entries:
            index = 0
        with options.prevent(OptionList.OptionHighlighted):
            options.highlighted = index
        self.border_subtitle = f"{len(shown):,} of {len(self._categories):,}"

    def watch_sort_by(self) -> None:
        self._rebuild()

    def action_toggle_sort(self) -> None:
        """Sort by count or by name."""
        self.sort_by = "name" if self.sort_by == "count" else "count"
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
            and event.key not in self.app.active_bindings
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
        slug = option_id.removeprefix("c:")
        self._selected = slug
        self.post_message(self.Chosen(slug, confirmed))


def _option_id(slug: str) -> str:
    return ALL_POSTS if slug == ALL_POSTS else f"c:{slug}"


def _sort_key(by: str) -> Callable[[Category], tuple[int, str]]:
    if by == "name":
        return lambda category: (0, category.slug.casefold())
    return lambda category: (-category.count, category.slug.casefold())


def _row(name: str, label: str | None, count: int) -> Text:
    # The count comes first, right-aligned, so counts line up however long the names are.
    text = Text.assemble((f"{count:>6,} ", "dim"), name)
    if label:
        text.append(f" {label}", style="italic")
    return text
