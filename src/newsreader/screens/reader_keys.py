"""The reader's keys: every binding of the main screen, each with the id by which the
settings' ``[keys]`` table rebinds it (``?`` in the reader lists them all)."""

from __future__ import annotations

from textual.binding import Binding, BindingType

QUIT_ID = "quit"
"""The id of the binding that quits: the settings may not leave it without a key."""

READER_BINDINGS: list[BindingType] = [
    Binding("q", "app.quit", "Quit", id=QUIT_ID),
    Binding("question_mark", "help", "Keys", id="help"),
    Binding("slash", "search", "Search", id="search"),
    Binding("d", "date_filter", "Date", id="date_filter"),
    Binding("x", "clear_filters", "Clear", id="clear_filters"),
    # While a search is on, n and N walk its matches (check_action hides them otherwise);
    # the first binding of a key that is enabled wins, so n is next_article again then.
    Binding(
        "n",
        "next_match",
        "Next match",
        id="next_match",
        tooltip="While searching; after the last, the next result",
    ),
    Binding(
        "N",
        "previous_match",
        "Prev match",
        id="previous_match",
        tooltip="While searching; before the first, the previous result",
    ),
    Binding("n", "next_article", "Next", id="next_article"),
    Binding("p", "previous_article", "Prev", id="previous_article"),
    # Tab stays pane cycling, as in every Textual app (neomutt's tab is next unread): J is
    # next unread beside n and p, shown in the footer so it is found (README, "Keys").
    Binding(
        "J,shift+j",
        "next_unread",
        "Next unread",
        id="next_unread",
        tooltip="From the list or the article; wraps to the top once, saying so",
    ),
    Binding(
        "o",
        "open_source",
        "Open source",
        show=False,
        id="open_source",
        tooltip="Or link 3 of the article after a number: 3o",
    ),
    Binding(
        "y",
        "copy_source",
        "Copy address",
        show=False,
        id="copy_source",
        tooltip="Or link 3's after a number: 3y",
    ),
    Binding("L", "list_links", "Links", show=False, id="list_links"),
    Binding("c", "panes('find_category')", "Find category", show=False, id="find_category"),
    Binding("t", "panes('toggle_sidebar')", "Sidebar", id="toggle_sidebar"),
    Binding(
        "z",
        "panes('toggle_reading_mode')",
        "Reading mode",
        show=False,
        id="toggle_reading_mode",
        tooltip="With no article open, the post under the cursor",
    ),
    Binding("r", "reload", "Reload", show=False, id="reload"),
    Binding("exclamation_mark", "problems", "Problems", show=False, id="problems"),
    Binding("tab", "cycle_pane(1)", "Next pane", show=False, id="cycle_pane_next"),
    Binding("shift+tab", "cycle_pane(-1)", "Previous pane", show=False, id="cycle_pane_previous"),
    Binding("h,escape", "back", "Back", show=False, id="back"),
    Binding("m", "toggle_mark('read')", "Read/unread", show=False, id="toggle_read"),
    Binding("s", "toggle_mark('star')", "Star", id="toggle_star"),
    Binding("M", "mark_all_read", "Mark all read", show=False, id="mark_all_read"),
    Binding("u", "undo", "Undo mark all", show=False, id="undo"),
    Binding("U", "toggle_unread_only", "Unread only", show=False, id="toggle_unread_only"),
    Binding(
        "O",
        "cycle_sort",
        "Sort",
        show=False,
        id="cycle_sort",
        tooltip="Newest first, oldest first, by title, by category",
    ),
    Binding("w", "saved_search('save')", "Save search", show=False, id="save_search"),
    Binding(
        "R",
        "saved_search('rename')",
        "Rename saved search",
        show=False,
        id="rename_saved_search",
        tooltip="The one under the cursor in the sidebar",
    ),
    Binding(
        "D",
        "saved_search('delete')",
        "Delete saved search",
        show=False,
        id="delete_saved_search",
        tooltip="The one under the cursor in the sidebar",
    ),
]

READER_KEY_GROUPS: dict[str, tuple[str, ...]] = {
    "Moving": (
        "next_article",
        "previous_article",
        "next_unread",
        "back",
        "cycle_pane_next",
        "cycle_pane_previous",
        "toggle_sidebar",
        "toggle_reading_mode",
    ),
    "Finding": (
        "search",
        "next_match",
        "previous_match",
        "date_filter",
        "find_category",
        "toggle_unread_only",
        "clear_filters",
    ),
    "Sorting and saved searches": (
        "cycle_sort",
        "save_search",
        "rename_saved_search",
        "delete_saved_search",
    ),
    "Marking": ("toggle_read", "toggle_star", "mark_all_read", "undo"),
    "The article's links": ("open_source", "copy_source", "list_links"),
    "The reader": ("help", "problems", "reload", QUIT_ID),
}
"""The reader's binding ids by what they are for, in the order ``?`` lists them."""
