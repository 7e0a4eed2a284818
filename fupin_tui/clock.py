"""Today's date, overridable so tests and demos can stand on a fixed day."""

from __future__ import annotations

import os
from datetime import date

TODAY_ENV = "FUPIN_TUI_TODAY"


def today() -> date:
    fixed = os.environ.get(TODAY_ENV)
    return date.fromisoformat(fixed) if fixed else date.today()
