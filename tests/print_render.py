"""Render workbooks as a county office prints them (LibreOffice headless, A4) and measure the paper.

``render(paths, out_dir)`` converts every workbook in ONE soffice run (a start
of LibreOffice costs seconds); ``pages(pdf)`` reads ``pdftotext -bbox``: for
every page its size and words with their boxes. Printed text height is a
word box's height (yMax - yMin), as the issue measured it.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


@dataclass
class Word:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass
class Page:
    number: int
    width: float
    height: float
    words: list[Word]

    @property
    def smallest_text(self) -> float | None:
        return min((w.height for w in self.words), default=None)


def available() -> bool:
    return bool(SOFFICE and PDFTOTEXT)


def render(workbooks: list[Path], out_dir: Path, timeout: int = 900) -> dict[Path, Path]:
    """Workbook -> its PDF, all converted by one LibreOffice process."""
    out_dir.mkdir(parents=True, exist_ok=True)
    profile = out_dir / "lo-profile"
    cmd = [SOFFICE, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless", "--norestore",
           "--convert-to", "pdf", "--outdir", str(out_dir)] + [str(p) for p in workbooks]
    subprocess.run(cmd, check=True, capture_output=True, timeout=timeout, env={**os.environ, "HOME": str(out_dir)})
    result = {}
    for book in workbooks:
        pdf = out_dir / (book.stem + ".pdf")
        if not pdf.is_file():
            raise AssertionError(f"LibreOffice wrote no PDF for {book.name}")
        result[book] = pdf
    return result


def pages(pdf: Path) -> list[Page]:
    out = subprocess.run([PDFTOTEXT, "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    found = []
    for n, m in enumerate(_PAGE.finditer(out), 1):
        words = [Word(float(a), float(b), float(c), float(d), html.unescape(t)) for a, b, c, d, t in _WORD.findall(m.group(3))]
        found.append(Page(n, float(m.group(1)), float(m.group(2)), words))
    return found


def plain_text(pdf: Path) -> str:
    return subprocess.run([PDFTOTEXT, "-raw", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
