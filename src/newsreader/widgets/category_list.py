"""The sidebar's category list: "All posts" and every category, narrowed by typing."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.events import Key
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Input
from textual.widgets.option_list import Option, OptionDoesNotExist

from newsreader.archive import Category
from newsreader.widgets.rows import fit_rows, refresh_row, scroll_to_row

ALL_POSTS = ""
"""The option id of "All posts": no category filter."""
UNREAD = "v:unread"
"""The option id of "Unread": every post not read yet."""
STARRED = "v:starred"
DRAFTS = "v:drafts"
"""The option id of "Drafts", listed only when the archive has some."""
UNPUBLISHED = "v:unpublished"
"""The option id of "Unpublished", listed only when the archive has some."""
VIEW_ENTRIES = (UNREAD, STARRED, DRAFTS, UNPUBLISHED)
"""The option id of "Starred"."""


class CategoryOptions(ScrollView, can_focus=True, inherit_bindings=False):
    """The sidebar's entries, drawn a line at a time; vi keys move, enter or ``l`` chooses.

    Only the rows on screen are ever rendered. A stock ``OptionList`` measures every option
    again whenever one changes: about 0.3 s of CPU for 2,000 categories, paid on every read
    mark (the unread counts change) and every arrival. The entries are ``Option`` objects,
    so code and tests read them as an option list's. Setting :attr:`highlighted` from code
    is silent; only the user's moves post :class:`Highlighted`. Moving stops at either end,
    as in the article list and the timeline (Textual's OptionList wrapped round: ``j`` on the
    last category jumped to "All posts", which clears the filter unasked).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Down", show=False),
        Binding("k,up", "cursor_up", "Up", show=False),
        Binding("g,home", "first", "First", show=False),
        # Terminals with the kitty keyboard protocol report shift+g rather than G.
        Binding("G,shift+g,end", "last", "Last", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("enter,l", "select", "Open", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {"category-options--highlighted"}
    """
    | Class | What it styles |
    | :- | :- |
    | `category-options--highlighted` | The current entry (brighter while focused). |
    """

    # The colours of Textual's own OptionList, so the sidebar looks as it always did.
    DEFAULT_CSS = """
    CategoryOptions {
        overflow-x: hidden;
        overflow-y: auto;
        color: $foreground;
        background: $surface;
        & > .category-options--highlighted {
            color: $foreground;
            background: $block-cursor-blurred-background;
        }
        &:focus {
            background-tint: $foreground 5%;
            & > .category-options--highlighted {
                color: $block-cursor-foreground;
                background: $block-cursor-background;
                text-style: $block-cursor-text-style;
            }
        }
    }
    """

    highlighted: reactive[int | None] = reactive(None, repaint=False, init=False)
    """Index of the current entry; None when there are none."""

    @dataclass
    class Highlighted(Message):
        """The user moved to an entry."""

        option: Option

    @dataclass
    class Selected(Message):
        """The user chose an entry (enter, ``l`` or a click)."""

        option: Option

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._options: list[Option] = []
        self._index_of: dict[str, int] = {}

    # ---------------------------------------------------------------- entries

    @property
    def option_count(self) -> int:
        """How many entries there are."""
        return len(self._options)

    def get_option_at_index(self, index: int) -> Option:
        """The entry at ``index``; raises OptionDoesNotExist past the end."""
        if not 0 <= index < len(self._options):
            raise OptionDoesNotExist(f"no entry at index {index}")
        return self._options[index]

    def get_option_index(self, option_id: str) -> int:
        """The index of the entry with this id; raises OptionDoesNotExist."""
        try:
            return self._index_of[option_id]
        except KeyError:
            raise OptionDoesNotExist(f"no entry with id {option_id!r}") from None

    @property
    def highlighted_option(self) -> Option | None:
        """The current entry, if any."""
        index = self.highlighted
        return None if index is None else self._options[index]

    def set_options(self, options: list[Option], current: str | None) -> None:
        """Show these entries, the one with id ``current`` (else the first) as the current
        one; nothing is announced."""
        self._options = options
        self._index_of = {
            option.id: index for index, option in enumerate(options) if option.id is not None
        }
        self._update_virtual_size()
        index = self._index_of.get(current, 0) if current is not None else 0
        self.set_reactive(CategoryOptions.highlighted, self.validate_highlighted(index))
        self._scroll_highlight_into_view()
        self.refresh()

    # --------------------------------------------------------------- reactives

    def validate_highlighted(self, index: int | None) -> int | None:
        """Keep the current entry on one that exists."""
        if not self._options:
            return None
        if index is None:
            return 0
        return max(0, min(index, len(self._options) - 1))

    def watch_highlighted(self, old: int | None, new: int | None) -> None:
        """Repaint the two rows whose look changed, and keep the current one in view."""
        for row in (old, new):
            if row is not None:
                self._refresh_row(row)
        self._scroll_highlight_into_view()

    # ------------------------------------------------------------------ events

    def on_resize(self) -> None:
        """Fit the virtual width to the new size and keep the current entry on screen."""
        self._update_virtual_size()
        self._scroll_highlight_into_view()

    def on_focus(self) -> None:
        """The current entry looks brighter when focused."""
        self.refresh()

    def on_blur(self) -> None:
        """It dims when the focus leaves."""
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        """A click chooses the entry under the pointer."""
        offset = event.get_content_offset(self)
        if offset is None:
            return
        row = offset.y + self.scroll_offset.y
        if 0 <= row < len(self._options):
            event.stop()
            self._move(row)
            self.action_select()

    # ----------------------------------------------------------------- actions

    def action_cursor_down(self) -> None:
        """The next entry."""
        self._move(0 if self.highlighted is None else self.highlighted + 1)

    def action_cursor_up(self) -> None:
        """The previous entry."""
        self._move(0 if self.highlighted is None else self.highlighted - 1)

    def action_first(self) -> None:
        """The first entry."""
        self._move(0)

    def action_last(self) -> None:
        """The last entry."""
        self._move(len(self._options) - 1)

    def action_page_down(self) -> None:
        """A page further down."""
        self._move((self.highlighted or 0) + max(1, self.scrollable_content_region.height))

    def action_page_up(self) -> None:
        """A page further up."""
        self._move((self.highlighted or 0) - max(1, self.scrollable_content_region.height))

    def action_select(self) -> None:
        """Choose the current entry."""
        option = self.highlighted_option
        if option is not None:
            self.post_message(self.Selected(option))

    def _move(self, index: int) -> None:
        if not self._options:
            return
        before = self.highlighted
        self.highlighted = index
        option = self.highlighted_option
        if option is not None and self.highlighted != before:
            self.post_message(self.Highlighted(option))

    # ---------------------------------------------------------------- plumbing

    def _refresh_row(self, row: int) -> None:
        refresh_row(self, row)

    def _update_virtual_size(self) -> None:
        fit_rows(self, len(self._options))

    def _scroll_highlight_into_view(self) -> None:
        if self.highlighted is not None:
            scroll_to_row(self, self.highlighted)

    def render_line(self, y: int) -> Strip:
        """Line ``y`` of the pane: the entry at ``y`` plus the scroll offset, cut to fit."""
        width = self.scrollable_content_region.width
        row = self.scroll_offset.y + y
        base = self.get_visual_style().rich_style
        if not 0 <= row < len(self._options) or width <= 0:
            return Strip.blank(width, base)
        if row == self.highlighted:
            base = self.get_visual_style("category-options--highlighted").rich_style
        line = Text(style=base, no_wrap=True, end="")
        prompt = self._options[row].prompt
        line.append_text(prompt if isinstance(prompt, Text) else Text(str(prompt)))
        line.truncate(width, overflow="ellipsis", pad=True)
        return Strip(line.render(self.app.console), width)


class CategoryList(Vertical):
    """Categories with labels and counts; highlighting one asks for it as the filter.

    Typing in the focused list narrows it: lower-case letters, digits and any other script
    (Chinese) start the narrowing text, so 2,000 categories are a few letters away; ``n`` and
    ``t``, keys elsewhere, type too, since names are made of them. Kept as keys: the list's
    own ``j k g l h`` (move, choose, back), the filter keys ``c`` (to the narrowing field,
    typing nothing), ``d`` (dates) and ``x`` (clear, the narrowing text too), ``q`` (quit),
    every capital (``S`` sorts, ``U`` unread only, ``G`` last...) and every punctuation key
    (``/ ? !``...). In the narrowing field itself every key types; escape or down go back.
    """

    BINDINGS = [
        Binding("S", "toggle_sort", "Sort by name/count"),
    ]

    sort_by: reactive[str] = reactive("count")
    """"count" or "name"."""

    @dataclass
    class Chosen(Message):
        """The user moved to an entry: a category, all posts, unread or starred."""

        slug: str
        """The category's slug; "" for all posts and for the views."""
        confirmed: bool
        """True on enter: the user wants to go on to the list."""
        view: str | None = None
        """UNREAD or STARRED for those entries, else None."""

    @dataclass
    class SortChanged(Message):
        """The user switched between sorting by count and by name."""

        sort_by: str

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._categories: Sequence[Category] = ()
        self._total = 0
        self._unread: Mapping[str, int] | None = None
        self._unread_total = 0
        self._starred_total = 0
        self._hidden = (0, 0)
        self._selected = ALL_POSTS
        """The option id of the current entry."""
        self._shown_key: tuple[object, ...] = ()
        self._made: dict[tuple[object, ...], Option] = {}
        """The rows of the last rebuild, by what they show."""

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
        hidden: tuple[int, int] = (0, 0),
    ) -> None:
        """Show these categories (already counted) and the archive's total.

        ``unread`` maps slugs to unread counts (None: no reading state, so no "Unread" and
        "Starred" entries); ``unread_total`` and ``starred`` count posts (a post may be in
        several categories, so the total is not the sum); ``hidden`` counts drafts and
        unpublished posts, each entry shown only when there are some.
        """
        self._categories = categories
        self._total = total
        self._unread = unread
        self._unread_total = unread_total
        self._starred_total = starred
        self._hidden = hidden
        self._rebuild()

    def clear_narrowing(self) -> None:
        """Drop the narrowing text: every category is listed again."""
        self.narrowing.value = ""

    def select(self, slug: str, view: str | None = None) -> None:
        """Mark a category (or a view) as the current entry without announcing it."""
        self._selected = view or _option_id(slug)
        options = self.options
        try:
            options.highlighted = options.get_option_index(self._selected)
        except OptionDoesNotExist:
            return

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
            self._hidden,
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
        made = self._made
        kept: dict[tuple[object, ...], Option] = {}

        def entry(
            option_id: str, name: str, label: str | None, count: int, unread: int | None
        ) -> Option:
            # Rows are kept between rebuilds: a read mark changes one category's count, and
            # making 2,000 rows anew was most of the CPU of opening an article.
            key = (option_id, name, label, count, unread)
            option = made.get(key)
            if option is None:
                option = Option(_row(name, label, count, unread), id=option_id)
            kept[key] = option
            return option

        entries: list[Option] = []
        if not needle:
            entries.append(entry(ALL_POSTS, "All posts", None, self._total, None))
            if unread is not None:
                entries.append(entry(UNREAD, "Unread", None, self._unread_total, None))
                entries.append(entry(STARRED, "Starred", None, self._starred_total, None))
            for name, count, option_id in zip(
                ("Drafts", "Unpublished"), self._hidden, (DRAFTS, UNPUBLISHED), strict=True
            ):
                if count:
                    entries.append(entry(option_id, name, None, count, None))
        entries.extend(
            entry(
                _option_id(category.slug),
                category.slug,
                category.label,
                category.count,
                unread.get(category.slug, 0) if unread is not None else None,
            )
            for category in shown
        )
        self._made = kept
        self.options.set_options(entries, self._selected)
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
            and event.character is not None
            and _narrows(event.character)
        ):
            # Typing in the list narrows it, so 2,000 categories are a few letters away.
            self.narrowing.focus()
            self.narrowing.insert_text_at_cursor(event.character)
            event.stop()

    @on(CategoryOptions.Highlighted)
    def _highlighted(self, event: CategoryOptions.Highlighted) -> None:
        event.stop()
        if event.option.id is not None:
            self._choose(event.option.id, confirmed=False)

    @on(CategoryOptions.Selected)
    def _selected_option(self, event: CategoryOptions.Selected) -> None:
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
        if option_id in VIEW_ENTRIES:
            self.post_message(self.Chosen(ALL_POSTS, confirmed, view=option_id))
        else:
            self.post_message(self.Chosen(option_id.removeprefix("c:"), confirmed))


_COMMAND_LETTERS = frozenset("jkglhcdxq")
"""Lower-case letters that stay keys in the list rather than narrowing it (see CategoryList)."""


def _narrows(character: str) -> bool:
    """Whether typing ``character`` in the focused list starts narrowing it."""
    return (
        len(character) == 1
        and character.isalnum()
        and not character.isupper()
        and character not in _COMMAND_LETTERS
    )


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


count_row = _row
"""An entry's line, as the categories show theirs (the saved searches use it too)."""
