"""A DataTable drawn between new rows and their measuring shows them at their columns' real widths
(Textual 8.2.8; the same family as Textual issue #4470).

DataTable measures new rows on its next idle (``_update_dimensions``) and widens the columns, but its
line caches are keyed by an update count that only ``add_row`` moves. A frame drawn after the rows
came and before that idle caches every line at the header's widths; the widths then grow under the
same key, and the narrow lines stay until the cursor moves. Under load the 县级汇总 opened showing
``5201`` for 520123101 新安镇 and ``959,086.`` for 959,086.83, and stayed so with no key pressed.
When the measuring changes a width, the cached lines go and the table is drawn again.
"""

from __future__ import annotations

from textual.widgets import DataTable

_stock = DataTable._update_dimensions


def _update_dimensions(self, new_rows) -> None:
    before = [column.get_render_width(self) for column in self.ordered_columns]
    _stock(self, new_rows)
    if [column.get_render_width(self) for column in self.ordered_columns] != before:
        self._update_count += 1  # a new key for every cached line, cell and row
        self._clear_caches()
        self.refresh()


def install() -> None:
    """Once per process, before the first table is filled (the app's constructor calls it)."""
    DataTable._update_dimensions = _update_dimensions


def uninstall() -> None:
    """Textual's own DataTable back (for a test that shows the difference)."""
    DataTable._update_dimensions = _stock
