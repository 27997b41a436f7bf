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
        article did it six times, each a dozen new widgets styled and laid out (half the
        CPU of the open). Only a change of what it would show rebuilds it.
        """
        shown = self._shown_entries()
        if shown == self._shown:
            return
        self._shown = shown
        await super().recompose()
        self.fit()

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
        keys = list(self.query_children(FooterKey))
        palette = [key for key in keys if key.has_class("-command-palette")]
        entries = [key for key in keys if not key.has_class("-command-palette")]
        room = self.size.width - sum(_width(key) for key in palette)
        kept = [key for key in entries if key.action in KEPT_ACTIONS]
        room -= sum(_width(key) for key in kept)
        for key in entries:
            if key in kept:
                continue
            width = _width(key)
            key.display = width <= room
            if key.display:
                room -= width
            else:
                room = 0  # none after a dropped one: the order stays the footer's


def _width(key: FooterKey) -> int:
    """Cells the entry takes, shown or not."""
    return key.render().cell_len + key.styles.gutter.width + key.styles.margin.width
