"""Real small and read-only disks for the storage tests (a tmpfs mount; skipped where mounting is not allowed)."""

from __future__ import annotations

import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest


def _mount(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


@contextmanager
def small_disk(where: Path, size: str = "4m"):
    """A folder on its own tmpfs of ``size``; ``remount_ro(folder)`` makes it a read-only stick."""
    where.mkdir(parents=True, exist_ok=True)
    if not _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)):
        pytest.skip("cannot mount a small disk here (needs root)")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


def remount(where: Path, read_only: bool) -> None:
    assert _mount("-o", f"remount,{'ro' if read_only else 'rw'}", str(where))


def fill(where: Path, leave: int = 0) -> Path:
    """Fill the disk at ``where`` leaving about ``leave`` bytes."""
    import shutil

    filler = where / "filler.bin"
    free = shutil.disk_usage(where).free - leave
    with filler.open("ab") as fh:
        chunk = b"\0" * (1 << 16)
        while free > 0:
            try:
                fh.write(chunk[: min(len(chunk), free)])
                fh.flush()
            except OSError:
                break
            free -= len(chunk)
    return filler
