"""Time the app as a clerk runs it: installed, its modules' bytecode already compiled.

pip compiles every module when it installs the wheel, and a checkout compiles each one on its
first import and keeps the result, unless ``PYTHONDONTWRITEBYTECODE`` is set (it is on the
development machine). Then every start compiles the app's modules from source again, while
the bare baselines' Textual was compiled by pip: on 2026-12-06 ``fupin-tui check`` at 2,000
households took 0.52–0.62 s CPU from source against 0.42–0.45 s compiled (first paint moved
within its noise). So the benchmarks that start the app as a process compile it first, the
way pip does.
"""

from __future__ import annotations

import subprocess
import sys


def compile_app(python: str = sys.executable) -> None:
    """Compile the ``fupin_tui`` that ``python`` imports (``PYTHONPATH`` included); say which."""
    where = subprocess.run([python, "-c", "import fupin_tui; print(fupin_tui.__path__[0])"],
                           capture_output=True, text=True, check=True).stdout.strip()
    subprocess.run([python, "-m", "compileall", "-q", where], check=True, stdout=subprocess.DEVNULL)
    print(f"bytecode: {where} compiled as pip compiles it at install", flush=True)
