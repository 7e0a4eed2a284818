"""An error log without personal data: where a bug happened, never the values involved.

Exception messages can carry ID numbers or names (SQL parameters, validation
text), so only the exception type and the stack frames are written.
"""

from __future__ import annotations

import os
import traceback
from datetime import datetime
from pathlib import Path


def log_path() -> Path:
    from fupin_tui.config import data_dir

    return data_dir() / "error.log"


def log_exception(exc: BaseException) -> Path | None:
    frames = traceback.extract_tb(exc.__traceback__)
    lines = [f"{datetime.now():%Y-%m-%d %H:%M:%S} {type(exc).__module__}.{type(exc).__name__}"]
    lines += [f"  {f.filename}:{f.lineno} in {f.name}" for f in frames]
    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_CREAT | os.O_APPEND | os.O_WRONLY, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n")
    except OSError:
        return None
    return path
