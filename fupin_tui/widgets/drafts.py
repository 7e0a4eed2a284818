"""Draft keeping for forms and dialogs (``FormScreen``, ``FormDialog``): like Excel's autosave.

A keystroke only raises a flag (``note_change``: nothing else, so typing is never slowed); every
``EVERY`` seconds and when a field is left, what is on screen is collected and written as this
operator's draft (``services.drafts``) in a worker thread if it differs from what was saved; when
the form is left (Esc, another household) it is written at once. Opening the same
form again offers it back (恢复草稿 / 丢弃草稿). Saving removes it. A form takes part by giving a
``draft_key`` (None: no drafts) and a ``draft_title``.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import Checkbox, Input, Select, TextArea

EVERY = 2.0  # seconds between draft writes while typing


def set_raw(widget, value: Any) -> None:
    """Put a value from ``raw_values()`` back into its widget."""
    if isinstance(widget, TextArea):
        widget.load_text("" if value is None else str(value))
    elif isinstance(widget, Select):
        widget.value = Select.NULL if value in (None, "") else value
    elif isinstance(widget, Checkbox):
        widget.value = bool(value)
    elif isinstance(widget, Input):
        widget.value = "" if value is None else str(value)


class DraftKeeping:
    """Mixed into FormScreen and FormDialog (both Textual screens with ``raw_values``)."""

    draft_key: str | None = None
    draft_title: str = ""
    _draft_pending = False
    _draft_written: Any = None
    _draft_timer = None
    _draft_offered: str | None = None  # the key last offered: once per opening, however often mounted

    # -- the form says ---------------------------------------------------------
    def draft_values(self) -> dict[str, Any]:
        return self.raw_values()  # type: ignore[attr-defined]

    def restore_draft(self, values: dict[str, Any]) -> None:
        """Widgets by id; a form with more than fields (household members) extends this."""
        for widget in self._draft_widgets():
            if widget.id in values:
                set_raw(widget, values[widget.id])

    def _draft_widgets(self) -> list:
        return [f.widget for f in self.draft_fields()]

    _draft_field_cache: list | None = None

    def draft_fields(self) -> list:
        """The form's Fields, looked up once: walking a 250-widget form costs ~10 ms on a busy PC."""
        if self._draft_field_cache is None:
            # by type name, not class: forms.py mixes this in, so importing Field here would be a circle
            self._draft_field_cache = list(self.query("Field"))  # type: ignore[attr-defined]
        return self._draft_field_cache

    _draft_baseline: Any = None  # draft_values() as loaded or last saved (set by the form's mark_clean)

    # -- keeping ---------------------------------------------------------------
    def start_drafts(self) -> None:
        """Call once the form shows its loaded values: start the timer, offer a kept draft."""
        if not self.draft_key or self._ctx() is None:
            return
        if self._draft_timer is None:
            self._draft_timer = self.set_interval(EVERY, self.flush_draft)  # type: ignore[attr-defined]
        if self._draft_offered != self.draft_key:
            self._draft_offered = self.draft_key
            self.offer_draft()

    def note_change(self) -> None:
        """Per keystroke: a flag only (the write happens on the timer, on blur and on leaving)."""
        self._draft_pending = True

    def flush_draft(self, force: bool = False) -> None:
        if not (self._draft_pending or force) or not self.draft_key:
            return
        self._draft_pending = False
        ctx = self._ctx()
        if ctx is None:
            return
        values = self.draft_values()  # collected once: the form's dirty check would collect it again
        if values == self._draft_baseline or values == self._draft_written:
            return
        from fupin_tui.services import drafts

        key, title = self.draft_key, self.draft_title or self.draft_key
        self._draft_written = values
        if force:  # leaving the form: written before it goes
            drafts.save(ctx, key, title, values)
            return
        # while typing: the write (an fsync, ~10 ms) runs off the UI thread, never in a keystroke's way
        self.run_worker(lambda: drafts.save(ctx, key, title, values), thread=True,  # type: ignore[attr-defined]
                        group="form-draft", description="保存草稿", exit_on_error=False)

    def discard_draft(self, key: str | None = None) -> None:
        ctx = self._ctx()
        key = key or self.draft_key
        if ctx is None or not key:
            return
        from fupin_tui.services import drafts

        drafts.discard(ctx, key)
        self._draft_pending, self._draft_written = False, None

    def offer_draft(self) -> None:
        ctx = self._ctx()
        if ctx is None or not self.draft_key:
            return
        from fupin_tui.services import drafts

        draft = drafts.load(ctx, self.draft_key)
        if draft is None or draft.values == self.draft_values():
            return
        from fupin_tui.widgets.confirm import DraftOfferDialog

        key = self.draft_key

        def answered(choice: str | None) -> None:
            if choice == "restore":
                self.restore_draft(draft.values)
                self._draft_written = draft.values
                self.notify(f"已恢复 {draft.when} 的草稿，核对后按 Ctrl+S 保存。", title="草稿")  # type: ignore[attr-defined]
            elif choice == "discard":
                self.discard_draft(key)
                self.notify("草稿已丢弃。", title="草稿")  # type: ignore[attr-defined]

        self.app.push_screen(DraftOfferDialog(draft.when, draft.title), answered)  # type: ignore[attr-defined]

    def _ctx(self):
        try:
            return self.app.ctx  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001 - no app context yet (first start) or app gone
            return None

