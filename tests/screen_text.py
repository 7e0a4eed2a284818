"""What a clerk sees: the current screen as plain text (for Pilot assertions)."""

import io

from rich.console import Console


def screen_text(app) -> str:
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text()


def ansi16_line(app, y: int) -> list[tuple[str, int | None, int | None]]:
    """Line ``y`` as (text, foreground, background) with colours reduced to the 16 ANSI ones."""
    from rich.color import ColorSystem

    app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    out = []
    for seg in app.screen._compositor.render_strips()[y]:
        if not seg.text.strip() or seg.style is None:
            continue
        fg = seg.style.color.downgrade(ColorSystem.STANDARD).number if seg.style.color else None
        bg = seg.style.bgcolor.downgrade(ColorSystem.STANDARD).number if seg.style.bgcolor else None
        out.append((seg.text.strip(), fg, bg))
    return out
