"""A Footer that is rebuilt only when what it shows changes.

Textual's Footer recomposes (ten new FooterKey widgets, each styled) whenever the
screen's bindings may have changed, which is every time the focus moves: opening
the household form moved the focus two or three times and rebuilt the footer each
time, 20-50 ms apiece on the 2-core machine, while the keys shown stayed the same.
"""

from __future__ import annotations

from textual.widgets import Footer


class SteadyFooter(Footer):
    _shown: tuple | None = None

    def _signature(self) -> tuple:
        app = self.app
        keys = tuple((b.key, app.get_key_display(b), b.description, b.action, enabled, tooltip, b.group)
                     for (_node, b, enabled, tooltip) in self.screen.active_bindings.values() if b.show)
        return keys, self.show_command_palette, self.compact

    def bindings_changed(self, screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        if not self.is_attached:
            return
        shown = self._signature()
        if shown != self._shown:
            self._shown = shown
            await self.recompose()
