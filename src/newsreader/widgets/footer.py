"""The reader's footer: Textual's, but an entry that does not fit is dropped whole, never cut.

Textual's footer lays its keys in a row and lets the last ones run under the command-palette
key at the right edge: at 80 columns ``t Sideb▏``. Here the entries are taken in the footer's
order (the focused pane's keys first, then the screen's), the ones named in
:data:`KEPT_ACTIONS` always, and those that no longer fit are hidden, the last first.
"""

from __future__ import annotations

from textual.widgets import Footer
from textual.widgets._footer import FooterKey

KEPT_ACTIONS = frozenset({"app.quit", "help"})
"""Entries kept whatever the width: Quit and Keys (``?`` lists the dropped ones)."""


class FittingFooter(Footer):
    """A footer that shows only the entries that fit, each whole."""

    _shown: tuple[object, ...] | None = None

    async def recompose(self) -> None:
        """New entries (the focus or the bindings changed): fit them to the width.

        Textual recomposes the footer whenever any binding may have changed: opening an
        article did it six times, each a dozen new widgets styled and laid out. Only a
        change of what it would show changes it, and then the entries already mounted take
        the new keys and texts in place (the focus moving between panes changes most of
        them): new widgets are mounted only for entries beyond those, which halved the CPU
        of opening an article again.
        """
        shown = self._shown_entries()
        if shown == self._shown:
            return
        first = self._shown is None
        self._shown = shown
        if first or not await self._update_in_place():
            await super().recompose()
        self.fit()

    async def _update_in_place(self) -> bool:
        """Give the mounted entries the entries :meth:`compose` would make; False if the
        footer holds anything else than entries (then it is composed anew)."""
        made = list(self.compose())
        wanted = [widget for widget in made if isinstance(widget, FooterKey)]
        if len(wanted) != len(made):
            return False
        mounted = [widget for widget in self.children if isinstance(widget, FooterKey)]
        if len(mounted) != len(self.children):
            return False
        keys = [widget for widget in wanted if not widget.has_class("-command-palette")]
        places = [widget for widget in mounted if not widget.has_class("-command-palette")]
        with self.app.batch_update():
            for place, key in zip(places, keys, strict=False):
                _take(place, key)
            for spare in places[len(keys) :]:
                spare.add_class(_SPARE)
                spare.display = False
            if len(keys) > len(places):
                before = next((w for w in mounted if w.has_class("-command-palette")), None)
                extra = keys[len(places) :]
                if before is None:
                    await self.mount_all(extra)
                else:
                    await self.mount_all(extra, before=before)
        return True

    def _shown_entries(self) -> tuple[object, ...] | None:
        """What :meth:`compose` would show, to compare (None before bindings are ready)."""
        if not self._bindings_ready:
            return None
        entries = tuple(
            (binding.key, binding.action, binding.description, binding.group, enabled, tooltip)
            for _, binding, enabled, tooltip in self.screen.active_bindings.values()
            if binding.show
        )
        return (*entries, self.show_command_palette, self.compact)

    def on_resize(self) -> None:
        """Another width: another set of entries fits."""
        self.fit()

    def fit(self) -> None:
        """Show the entries that fit the width, Quit and Keys first, hiding the rest whole."""
        keys = [key for key in self.query_children(FooterKey) if not key.has_class(_SPARE)]
        palette = [key for key in keys if key.has_class("-command-palette")]
        entries = [key for key in keys if not key.has_class("-command-palette")]
        room = self.size.width - sum(_width(key) for key in palette)
        kept = [key for key in entries if key.action in KEPT_ACTIONS]
        room -= sum(_width(key) for key in kept)
        for key in kept:
            key.display = True  # a reused entry may have been hidden as another
        for key in entries:
            if key in kept:
                continue
            width = _width(key)
            key.display = width <= room
            if key.display:
                room -= width
            else:
                room = 0  # none after a dropped one: the order stays the footer's


_SPARE = "-spare"
"""An entry mounted for an earlier set of keys and not needed now (hidden; fit skips it)."""


def _take(place: FooterKey, key: FooterKey) -> None:
    """Make the mounted entry ``place`` show what the new entry ``key`` would."""
    place.remove_class(_SPARE)
    if (place.key, place.key_display, place.description, place.action, place._disabled) != (
        key.key,
        key.key_display,
        key.description,
        key.action,
        key._disabled,
    ):
        place.key, place.key_display, place.description = key.key, key.key_display, key.description
        place.action, place._disabled = key.action, key._disabled
        place.set_class(key._disabled, "-disabled")
        place.clear_cached_dimensions()  # its width is measured from its text again
        place.refresh(layout=True)
    place.tooltip = key.tooltip


def _width(key: FooterKey) -> int:
    """Cells the entry takes, shown or not."""
    return key.render().cell_len + key.styles.gutter.width + key.styles.margin.width
