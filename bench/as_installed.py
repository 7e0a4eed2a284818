"""Time the app as a clerk runs it: installed, its modules' bytecode already compiled.

pip compiles every module when it installs the wheel, and a checkout compiles each one on its
first import and keeps the result, unless ``PYTHONDONTWRITEBYTECODE`` is set (it is on the
development machine). Then every start compiles the app's modules from source again: on
2026-12-06 that was 60 ms more CPU for ``fupin-tui check`` at 2,000 households and most of
the first paint's gap to a bare Textual app, whose modules pip had compiled. So the benchmarks
that start the app as a process compile it first, the way pip does.
"""

from __future__ import annotations

import os
import subprocess
import sys


def compile_app(python: str = sys.executable) -> str:
    """Compile the ``fupin_tui`` that ``python`` imports (``PYTHONPATH`` included); say which."""
    where = subprocess.run([python, "-c", "import fupin_tui; print(fupin_tui.__path__[0])"],
                           capture_output=True, text=True, check=True, env=os.environ).stdout.strip()
    subprocess.run([python, "-m", "compileall", "-q", where], check=True, stdout=subprocess.DEVNULL)
    line = f"bytecode: {where} compiled as pip compiles it at install"
    print(line, flush=True)
    return line
