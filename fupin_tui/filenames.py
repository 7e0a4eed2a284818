"""Safe, short file names for every file the app writes, and private (0600) files.

A household number may contain ``/``, a name may be 40 characters of Chinese:
``safe_name("贫困户基本情况表", household_no, head_name, ext=".xlsx")`` builds a name
from sanitised, shortened parts that every file system takes (no separators, no
control or reserved characters, no Windows device names, at most ``MAX_BYTES``
bytes of UTF-8 — Linux allows 255, and Chinese is 3 bytes a character).

``private_file(path)`` creates or narrows a file to owner-only access: everything
with personal data (ID numbers, phones, bank accounts) is 0600.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

MAX_BYTES = 150  # the whole name; leaves room for a ``.part`` or ``-wal`` suffix and a counter
PART_BYTES = 60  # one part (a name, a household number)
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
_BAD = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')


def _cut(text: str, limit: int) -> str:
    out = []
    used = 0
    for ch in text:
        size = len(ch.encode("utf-8"))
        if used + size > limit:
            break
        out.append(ch)
        used += size
    return "".join(out)


def safe_part(text: object, limit: int = PART_BYTES) -> str:
    """One part of a file name: separators and control/invisible characters replaced, cut short."""
    text = unicodedata.normalize("NFC", str(text or ""))
    cleaned = []
    for ch in text:
        if _BAD.match(ch) or unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp"):
            cleaned.append("_")
        elif ch.isspace():
            cleaned.append(" ")
        else:
            cleaned.append(ch)
    part = re.sub(r"_+", "_", re.sub(r"\s+", " ", "".join(cleaned))).strip(" ._")
    part = _cut(part, limit).rstrip(" .")
    if part.split(".")[0].upper() in _RESERVED:
        part = f"_{part}"
    return part


def safe_name(*parts: object, ext: str = "", sep: str = "-") -> str:
    """A file name from ``parts`` (empty ones dropped) and ``ext`` (".xlsx"), within ``MAX_BYTES``."""
    ext = safe_part(ext.lstrip("."), 16)
    ext = f".{ext}" if ext else ""
    pieces = [p for p in (safe_part(part) for part in parts) if p]
    name = sep.join(pieces) or "文件"
    name = _cut(name, MAX_BYTES - len(ext.encode("utf-8"))).rstrip(" .-_")
    return name + ext


def private_file(path: Path | str) -> Path:
    """Make sure ``path`` exists readable and writable by its owner only (0600)."""
    path = Path(path)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)
    return path


def make_private(path: Path | str) -> Path:
    """Narrow an existing file (written by a library that knows no modes) to 0600."""
    path = Path(path)
    if path.exists():
        os.chmod(path, 0o600)
    return path


def open_private(path: Path | str, mode: str = "wb"):
    """A file opened for writing owner-only (0600), also when it existed before with wider rights.

    ``os.open``'s mode applies only to a file it creates: a left-over ``.part`` of 0644 would keep
    0644, so the mode is set on the open descriptor too. Every package, workbook and report writer
    goes through here or ``save_workbook`` (issue 12 item 8)."""
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
    except (AttributeError, OSError):  # Windows has no fchmod: its ACLs are per user already
        pass
    return os.fdopen(fd, mode) if "b" in mode else os.fdopen(fd, mode, encoding="utf-8")


def write_private_text(path: Path | str, text: str) -> Path:
    """Write a text file owner-only and whole (via ``.part``, renamed over the old one)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    try:
        with open_private(tmp, "w") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def save_workbook(wb, path: Path | str) -> Path:
    """Save an openpyxl workbook owner-only (0600) from the first byte, via ``.part``: no half file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    try:
        with open_private(tmp) as fh:
            wb.save(fh)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    os.chmod(path, 0o600)
    return path
