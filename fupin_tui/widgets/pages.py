"""Turning a TabbedContent's pages by keyboard (Ctrl+PgDn / Ctrl+PgUp), shared by the household
form and the dossier: their pages are all inputs, where digits and arrows are typed, so they need
a key of their own to go to the next page."""

from __future__ import annotations

from textual.widgets import ContentSwitcher, TabbedContent


def turn_page(tabs: TabbedContent, step: int) -> str:
    """Show the page ``step`` places on from the one shown, round at either end; its id returned."""
    order = [pane.id for pane in tabs.get_child_by_type(ContentSwitcher).children if pane.id]
    tabs.active = order[(order.index(tabs.active) + step) % len(order)]
    return tabs.active
