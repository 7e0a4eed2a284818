"""A process's own peak memory, for the benchmarks.

``ru_maxrss`` (getrusage, or the rusage that wait4 returns) is not a process's own on Linux: a
child starts with its parent's peak, carried over fork and exec, so a small job started by a big
script reported the script's peak (bench_roster_read's jobs all showed the 379 MB of the code that
wrote the roster). VmHWM is the peak of the process's own memory, new at exec.
"""

from __future__ import annotations

import resource
from pathlib import Path


def peak_mb(pid: int | str = "self") -> float:
    """VmHWM of ``pid`` in MB; NaN for a process gone; ru_maxrss for this process where /proc is missing."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 if pid == "self" else float("nan")
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")
