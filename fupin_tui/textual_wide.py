"""Double-width characters drawn over another widget's edge stay whole (Textual 8.2.8, issue #6357).

Textual's compositor cuts each screen line at every widget's edge and lets the front-most widget
win each piece. An overlay (a dropdown's list, a toast, a dialog) is cut at the edges of the
widgets beneath it too, and a Chinese character that straddles such an edge is split into two
spaces: a dropdown showed 材料及设备采购（发票  余9,084.00） for （发票，余…）. A cut between two
pieces the same widget wins is no boundary for it, so it is not divided there; the pieces it
merged are held by an empty strip, so a widget further back cannot draw into them.
"""

from __future__ import annotations

from textual._compositor import Compositor
from textual.geometry import Region
from textual.strip import Strip

_EMPTY = Strip([])
_stock = Compositor._render_chops


def _render_chops(self, crop, is_rendered_line):
    cuts = self.cuts
    chops = [dict.fromkeys(cut_set[:-1]) for cut_set in cuts]
    intersection = Region.intersection
    for region, clip, strips in self._get_renders(crop):  # front to back: the first to a piece wins it
        render_region = intersection(region, clip)
        render_x = render_region.x
        first_cut, last_cut = render_region.column_span
        for y, strip in zip(render_region.line_range, strips):
            if not is_rendered_line(y):
                continue
            line = chops[y]
            final_cuts = [cut for cut in cuts[y] if last_cut >= cut >= first_cut]
            if len(final_cuts) < 2:
                continue
            starts, end = final_cuts[:-1], final_cuts[-1]  # the pieces start at each cut but the last
            kept, free_before = [], False
            for cut in starts:
                free = line.get(cut) is None
                if not (free and free_before):  # won by a widget in front, or the first of a free run
                    kept.append(cut)
                free_before = free
            drawn_to = first_cut
            for cut, piece in zip(kept, strip.divide([cut - render_x for cut in kept[1:]] + [end - render_x])):
                if line.get(cut) is None:
                    line[cut] = piece
                    drawn_to = cut + piece.cell_length
            for cut in starts:  # pieces merged into one before them, and drawn there: this widget's
                if cut < drawn_to and line.get(cut) is None:
                    line[cut] = _EMPTY
    return chops


def install() -> None:
    """Once per process, before the first screen is drawn (the app's constructor calls it)."""
    Compositor._render_chops = _render_chops


def uninstall() -> None:
    """Textual's own cutting back (for a test that shows the difference)."""
    Compositor._render_chops = _stock
