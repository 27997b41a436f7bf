"""The middle pane: a virtual list of posts that stays instant at 100,000 rows.

Stock list widgets build an object (and often a widget) per row, which costs seconds at
this size. ``ArticleList`` keeps only a reference to the caller's sequence of posts and uses
Textual's Line API instead (``ScrollView`` + ``render_line``, the way toolong shows huge
logs): the virtual size says how many rows there are, and only the rows on screen are ever
turned into text. Rendered rows are kept in an LRU cache, and a cursor move repaints just
the two rows that changed. How one row looks is :mod:`newsreader.widgets.article_rows`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import tzinfo
from typing import TYPE_CHECKING, ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from newsreader.archive.dates import zone_name
from newsreader.widgets import article_rows
from newsreader.widgets.article_rows import format_date, printable
from newsreader.widgets.rows import fit_rows, refresh_row, scroll_to_row

if TYPE_CHECKING:
    # Annotations only: the widget never builds posts, so it need not load the archive package.
    from newsreader.archive.post import Post

__all__ = ["DEFAULT_EMPTY_MESSAGE", "ArticleList", "format_date"]
# format_date lives in article_rows; its callers import it from here, with the list.

DEFAULT_EMPTY_MESSAGE = "No posts to show."

_UNREAD = 1
_STARRED = 2


class ArticleList(ScrollView, can_focus=True, inherit_bindings=False):
    """The posts of the current view, one row each: date, title and category label."""

    # The scrolling bindings of ScrollView are not inherited: these keys move the cursor,
    # and the view follows it.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Next post", show=False),
        Binding("k,up", "cursor_up", "Previous post", show=False),
        Binding("g,home", "first", "First post", show=False),
        # Terminals with the kitty keyboard protocol report shift+g rather than G.
        Binding("G,shift+g,end", "last", "Last post", show=False),
        Binding("pagedown,ctrl+d", "page_down", "Page down", show=False),
        Binding("pageup,ctrl+u", "page_up", "Page up", show=False),
        Binding("enter,l", "open", "Open"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-list--cursor",
        "article-list--opened",
        "article-list--date",
        "article-list--label",
        "article-list--match",
        "article-list--empty",
        "article-list--unread",
        "article-list--star",
    }
    """
    | Class | What it styles |
    | :- | :- |
    | `article-list--cursor` | The row under the cursor (dimmer rules apply when unfocused). |
    | `article-list--opened` | The row of the post shown in the reading pane. |
    | `article-list--date` | The date column. |
    | `article-list--label` | The category label column. |
    | `article-list--match` | Search terms found in a title. |
    | `article-list--empty` | The message shown when there are no posts. |
    | `article-list--unread` | The title and ● mark of a post not read yet. |
    | `article-list--star` | The ★ mark of a starred post. |
    """

    # Only structure and last-resort fallbacks live here; the look is in
    # styles/article_list.tcss, whose rules win over these. The fallbacks use text styles
    # only, so a cursor stays visible even in an app that forgot to load that file.
    DEFAULT_CSS = """
    ArticleList {
        overflow-x: hidden;
        overflow-y: auto;
        & > .article-list--cursor { text-style: reverse; }
        & > .article-list--opened { text-style: bold; }
    }
    """

    cursor: reactive[int] = reactive(0, repaint=False, init=False)
    """Row index of the cursor; clamped to the rows there are (0 when there are none)."""
    opened_id: reactive[str | None] = reactive(None, repaint=False, init=False)
    """Id of the post shown in the reading pane, marked in the list; the app may set it."""
    highlight_terms: reactive[tuple[str, ...]] = reactive((), repaint=False, init=False)
    """Words to mark in titles, matched case-insensitively."""
    empty_message: reactive[str] = reactive(DEFAULT_EMPTY_MESSAGE, repaint=False, init=False)
    """What the pane says when there are no posts to list."""
    zone: reactive[tzinfo | None] = reactive(None, repaint=False, init=False)
    """The one zone every date is shown in, named in the border (None: each post's own)."""
    one_category: reactive[bool] = reactive(False, repaint=False, init=False)
    """Whether the list is narrowed to one category: its label is not repeated on each row."""

    @dataclass
    class Highlighted(Message):
        """The cursor moved to another post (``post`` is None when the list is empty)."""

        post: Post | None
        article_list: ArticleList | None = None

        @property
        def control(self) -> ArticleList | None:
            """The list the cursor moved in, so ``@on(..., "#selector")`` works."""
            return self.article_list

    @dataclass
    class Opened(Message):
        """The user asked to read a post (enter, ``l`` or a click)."""

        post: Post
        article_list: ArticleList | None = None

        @property
        def control(self) -> ArticleList | None:
            """The list the post was opened from."""
            return self.article_list

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.border_title = "Articles"
        self._posts: Sequence[Post] = ()
        self._labels: dict[str, str] = {}
        self._strips: LRUCache[tuple[str, int, bool, bool, int], tuple[Post, Strip]] = LRUCache(
            1024
        )
        self.moved_by_user = False
        """Whether the user has moved the cursor (while loading, an untouched list follows
        the newest post instead of keeping whatever was first at the top)."""
        self.date_format: str | None = None
        """strftime format of the date column where it is wide (None: YYYY-MM-DD HH:MM)."""
        self._read_ids: AbstractSet[str] | None = None
        self._starred_ids: AbstractSet[str] = frozenset()
        """Rendered rows keyed by (post id, width, cursor?, opened?), with the post drawn.

        Keyed by id so rows stay cached across set_posts; the post is kept beside its
        strip because a reload brings a new Post under the same id, which must be redrawn.
        """
        self._announced_id: str | None = None
        self._has_announced = False
        """Whether Highlighted was ever posted: an empty list is announced once too."""

    # ----------------------------------------------------------------- public API

    @property
    def posts(self) -> Sequence[Post]:
        """The rows, as last given to `set_posts`."""
        return self._posts

    @property
    def highlighted_post(self) -> Post | None:
        """The post under the cursor, or None when the list is empty."""
        return self._posts[self.cursor] if self._posts else None

    def set_posts(
        self,
        posts: Sequence[Post],
        labels: Mapping[str, str],
        keep_cursor: bool = True,
        *,
        new_view: bool = False,
    ) -> None:
        """Show ``posts`` (kept by reference, not copied) with ``labels`` (category slug -> label).

        With ``keep_cursor`` the cursor stays on the same post if it is still listed, at
        the same height on screen; otherwise it stays at the same row, clamped (a post
        removed under it: its neighbour takes its place), or, with ``new_view`` (another
        filter: a row number means nothing in another list), goes to the first row. Nothing
        is rendered here: only the rows on screen are, at the next repaint.
        """
        previous = self.highlighted_post
        old_row = self.cursor
        old_top = self.scroll_offset.y
        old_screen_y = old_row - old_top
        # Scrolled away from the cursor (the wheel moves the view, not the cursor): then the
        # rows in view stay in view, and the cursor is not pulled back onto the screen.
        height = self.scrollable_content_region.height
        in_view = height == 0 or 0 <= old_screen_y < height
        top_post = self._posts[old_top] if 0 <= old_top < len(self._posts) else None
        labels_changed = labels != self._labels

        self._posts = posts
        if labels_changed:
            self._labels = dict(labels)
            self._strips.clear()

        new_row = 0
        if keep_cursor:
            new_row = old_row
            if previous is not None:
                found = self._find_row(previous.id, hint=old_row)
                if found is not None:
                    new_row = found
                elif new_view:
                    new_row, keep_cursor = 0, False
        new_row = self._clamp(new_row)

        self._update_virtual_size()
        if keep_cursor and not in_view and top_post is not None:
            top = self._find_row(top_post.id, hint=old_top)
            self.scroll_to(y=old_top if top is None else top, animate=False)
            self.set_reactive(ArticleList.cursor, new_row)
            self.refresh()
            self._announce()
            return
        if keep_cursor:
            # Keep the cursor where the eye is: the same line of the pane as before.
            self.scroll_to(y=max(0, new_row - old_screen_y), animate=False)
        else:
            self.scroll_to(y=0, animate=False)
        self.cursor = new_row
        self.refresh()
        self._scroll_cursor_into_view()
        self._announce()

    def start_over(self) -> None:
        """Forget where the user was: the next posts shown are another archive's."""
        self.opened_id = None
        self.moved_by_user = False

    def move_to(self, post_id: str) -> bool:
        """Put the cursor on the post with this id; False if it is not listed."""
        self.moved_by_user = True
        row = self._find_row(post_id, hint=self.cursor)
        if row is None:
            return False
        self.cursor = row
        return True

    def select_next(self) -> Post | None:
        """Move the cursor one row down; the post now under it, or None at the end."""
        self.moved_by_user = True
        if self.cursor + 1 >= len(self._posts):
            return None
        self.cursor += 1
        return self.highlighted_post

    def select_previous(self) -> Post | None:
        """Move the cursor one row up; the post now under it, or None at the start."""
        self.moved_by_user = True
        if self.cursor <= 0 or not self._posts:
            return None
        self.cursor -= 1
        return self.highlighted_post

    # ------------------------------------------------------------ row lookups

    def _clamp(self, row: int) -> int:
        return max(0, min(row, len(self._posts) - 1))

    def _find_row(self, post_id: str, hint: int = 0) -> int | None:
        """The row of a post id, trying row ``hint`` first.

        A scan that stops at the post (about 5 ms at 100,000 rows, worst case) is cheaper
        than building an id -> row dict (about 20 ms), and set_posts may run a hundred
        times while an archive loads, each time with a new list; so no dict is kept.
        """
        posts = self._posts
        if 0 <= hint < len(posts) and posts[hint].id == post_id:
            return hint
        index_of = getattr(posts, "index_of", None)
        if index_of is not None:  # an archive's PostList finds a row without making Posts
            found: int | None = index_of(post_id)
            return found
        for row, post in enumerate(posts):
            if post.id == post_id:
                return row
        return None

    # ------------------------------------------------------------- reactives

    def validate_cursor(self, cursor: int) -> int:
        """Keep the cursor on a row that exists."""
        return self._clamp(cursor)

    def watch_cursor(self, old: int, new: int) -> None:
        """Repaint only the two rows whose look changed, and keep the cursor in view."""
        self._refresh_row(old)
        self._refresh_row(new)
        # Scrolling, if needed, repaints the whole pane by itself.
        self._scroll_cursor_into_view()
        self._announce()

    def watch_opened_id(self) -> None:
        """Repaint the visible rows; the cache re-renders only the two that changed."""
        self.refresh()

    def watch_highlight_terms(self) -> None:
        """Every cached row may now highlight differently."""
        self._strips.clear()
        self.refresh()

    def watch_zone(self, zone: tzinfo | None) -> None:
        """Every date may read differently now; the border says which zone they are in."""
        self.border_subtitle = None if zone is None else f"times in {zone_name(zone)}"
        self._strips.clear()
        self.refresh()

    def watch_one_category(self) -> None:
        """The title takes the label's room, or gives it back."""
        self._strips.clear()
        self.refresh()

    def watch_empty_message(self) -> None:
        """The message is only on screen when there are no posts."""
        if not self._posts:
            self.refresh()

    # --------------------------------------------------------------- events

    def notify_style_update(self) -> None:
        """A theme or CSS change makes every cached row stale."""
        self._strips.clear()
        super().notify_style_update()

    def on_resize(self) -> None:
        """Fit the virtual width to the new size and keep the cursor on screen."""
        self._update_virtual_size()
        self._scroll_cursor_into_view()

    def on_focus(self) -> None:
        """The cursor row looks brighter when focused."""
        self._refresh_row(self.cursor)

    def on_blur(self) -> None:
        """The cursor row dims when the focus leaves."""
        self._refresh_row(self.cursor)

    def on_click(self, event: events.Click) -> None:
        """A click selects the row under the pointer and opens it."""
        self.moved_by_user = True
        offset = event.get_content_offset(self)
        if offset is None:
            return
        row = offset.y + self.scroll_offset.y
        if 0 <= row < len(self._posts):
            event.stop()
            self.cursor = row
            self.action_open()

    # --------------------------------------------------------------- actions

    def action_cursor_down(self) -> None:
        """Move to the next post."""
        self.moved_by_user = True
        self.cursor += 1

    def action_cursor_up(self) -> None:
        """Move to the previous post."""
        self.moved_by_user = True
        self.cursor -= 1

    def action_first(self) -> None:
        """Move to the first post."""
        self.moved_by_user = True
        self.cursor = 0

    def action_last(self) -> None:
        """Move to the last post."""
        self.moved_by_user = True
        self.cursor = len(self._posts) - 1

    def action_page_down(self) -> None:
        """Move a page down, scrolling the page with the cursor."""
        self.moved_by_user = True
        self._move_page(+1)

    def action_page_up(self) -> None:
        """Move a page up, scrolling the page with the cursor."""
        self.moved_by_user = True
        self._move_page(-1)

    def action_open(self) -> None:
        """Open the post under the cursor."""
        post = self.highlighted_post
        if post is None:
            return
        self.opened_id = post.id
        self.post_message(self.Opened(post, self))

    def _move_page(self, direction: int) -> None:
        page = max(1, self.scrollable_content_region.height)
        self.scroll_to(y=self.scroll_offset.y + direction * page, animate=False)
        self.cursor += direction * page

    # ------------------------------------------------------------- plumbing

    def _announce(self) -> None:
        """Post Highlighted when the post under the cursor is not the one last announced.

        Compared by id: the same post in a rebuilt list (set_posts) is no news to the app.
        """
        post = self.highlighted_post
        post_id = None if post is None else post.id
        if self._has_announced and post_id == self._announced_id:
            return
        self._announced_id = post_id
        self._has_announced = True
        self.post_message(self.Highlighted(post, self))

    def _refresh_row(self, row: int) -> None:
        refresh_row(self, row)

    def _update_virtual_size(self) -> None:
        fit_rows(self, len(self._posts))

    def _scroll_cursor_into_view(self) -> None:
        if self._posts:
            scroll_to_row(self, self.cursor)

    # ------------------------------------------------------------- rendering

    def render_line(self, y: int) -> Strip:
        """Render line ``y`` of the pane: the row at ``y`` plus the scroll offset."""
        width = self.scrollable_content_region.width
        posts = self._posts
        if not posts:
            return self._render_empty(y, width)
        row = self.scroll_offset.y + y
        if row >= len(posts) or width <= 0:
            return Strip.blank(width, self.get_visual_style().rich_style)
        post = posts[row]
        is_cursor = row == self.cursor
        is_opened = post.id == self.opened_id
        # Focus is not in the key: gaining or losing it changes the widget's styles, and
        # notify_style_update empties the cache.
        marks = self._marks_of(post.id)
        key = (post.id, width, is_cursor, is_opened, marks)
        cached = self._strips.get(key)
        if cached is not None and cached[0] is post:
            return cached[1]
        strip = self._render_row(post, width, is_cursor, is_opened)
        self._strips[key] = (post, strip)
        return strip

    def _render_empty(self, y: int, width: int) -> Strip:
        style = self.get_visual_style().rich_style
        message_style = self.get_visual_style("article-list--empty").rich_style
        # Wrapped, not cut: at 80 columns an empty folder's message takes three lines.
        message = Text(printable(self.empty_message), style=message_style, end="")
        lines = list(message.wrap(self.app.console, width - 1)) if width > 1 else []
        if y >= len(lines):
            return Strip.blank(width, style)
        line = Text(" ", style=message_style, end="") + lines[y]
        line.truncate(width, overflow="ellipsis", pad=True)
        return Strip(line.render(self.app.console), width)

    def set_marks(self, read_ids: AbstractSet[str] | None, starred_ids: AbstractSet[str]) -> None:
        """Which posts are read (None: no reading state, nothing shows as unread) and starred.

        The sets are kept by reference; call again (or :meth:`refresh_marks`) after changing
        them so the visible rows are redrawn.
        """
        self._read_ids = read_ids
        self._starred_ids = starred_ids
        self.refresh_marks()

    def refresh_marks(self) -> None:
        """Redraw the visible rows after read or starred marks changed."""
        self.refresh()

    def _marks_of(self, post_id: str) -> int:
        marks = _STARRED if post_id in self._starred_ids else 0
        if self._read_ids is not None and post_id not in self._read_ids:
            marks |= _UNREAD
        return marks

    def row_text(
        self,
        post: Post,
        width: int,
        *,
        cursor: bool = False,
        opened: bool = False,
        unread: bool = False,
        starred: bool = False,
    ) -> Text:
        """The row for ``post``, exactly ``width`` cells wide, in this list's styles.

        How a row looks is :func:`newsreader.widgets.article_rows.row_text`; this gives it the
        list's labels, search terms, date format and zone.
        """
        return article_rows.row_text(
            post,
            width,
            self._component_style,
            labels=self._labels,
            highlight_terms=self.highlight_terms,
            date_format=self.date_format,
            zone=self.zone,
            cursor=cursor,
            opened=opened,
            unread=unread,
            starred=starred,
            show_label=not self.one_category,
        )

    def _component_style(self, *component_classes: str) -> Style:
        return self.get_visual_style(*component_classes).rich_style

    def _render_row(self, post: Post, width: int, is_cursor: bool, is_opened: bool) -> Strip:
        marks = self._marks_of(post.id)
        text = self.row_text(
            post,
            width,
            cursor=is_cursor,
            opened=is_opened,
            unread=bool(marks & _UNREAD),
            starred=bool(marks & _STARRED),
        )
        return Strip(text.render(self.app.console), width)
