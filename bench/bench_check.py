"""``fupin-tui check`` against its bare baseline, a raw sqlite3 read of every household,
member and step row (``bare_read.py``), each run as a whole process, alternating.

    fupin-tui demo --households 20000 --db /tmp/bench/d20k.db
    python bench/bench_check.py /tmp/bench/d20k.db [/tmp/bench/d100k.db ...] [--runs 5]

Per database: one first run (it stores the facts), then ``--runs`` pairs bare / check.
Prints wall and CPU medians, the ratios (read the CPU ratio on a shared machine: wall time
moves with the other processes), peak memory and the load average before and after.
No assertions.  ``FUPIN_TUI_TODAY`` and ``FUPIN_TUI_HOME`` pass through to the children.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import as_installed  # noqa: E402

PY = sys.executable


def run_once(cmd: list[str]) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak MB) of one child process."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err)
        _pid, status, usage = os.wait4(proc.pid, 0)  # this child's CPU and peak RSS (at least this small script's: own_peak.py)
        wall = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):  # `check` exits 1 when it finds problems: that is a result
            err.seek(0)
            raise RuntimeError(f"{' '.join(cmd)} failed ({code}): {err.read().decode()[-400:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3]) if Path("/proc/loadavg").exists() else "?"


def bench(db: Path, runs: int) -> None:
    check = [PY, "-m", "fupin_tui", "--db", str(db), "check", "--json"]
    bare_cmd = [PY, str(HERE / "bare_read.py"), str(db)]
    before = load()
    first = run_once(check)
    bare, ours = [], []
    for _ in range(runs):
        bare.append(run_once(bare_cmd))
        ours.append(run_once(check))
    after = load()

    def med(rows, i):
        return statistics.median(r[i] for r in rows)

    bw, bc, cw, cc = med(bare, 0), med(bare, 1), med(ours, 0), med(ours, 1)
    print(f"{db}  ({runs} pairs, load {before} -> {after})")
    print(f"  bare read        wall {bw:6.2f} s  CPU {bc:6.2f} s  peak {max(r[2] for r in bare):5.0f} MB")
    print(f"  check, first run wall {first[0]:6.2f} s  CPU {first[1]:6.2f} s  peak {first[2]:5.0f} MB")
    print(f"  check            wall {cw:6.2f} s  CPU {cc:6.2f} s  peak {max(r[2] for r in ours):5.0f} MB")
    print(f"  ratio            wall {cw / bw:6.2f} x  CPU {cc / bc:6.2f} x  (target 1.5)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("db", nargs="+", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    as_installed.compile_app()
    for db in args.db:
        bench(db, args.runs)
        sys.stdout.flush()


if __name__ == "__main__":
    main()
