"""Reading spreadsheets a clerk brings: .xlsx (streamed, ``xlsx_stream``), .xls, .ods (python-calamine) and .csv.

A file is looked at before any parser touches it: it must really be a
spreadsheet (by its first bytes, not its name), not password-protected, not
huge, and an .xlsx/.ods must not be a zip or XML bomb. Every refusal is one
Chinese sentence naming the file.
"""

from __future__ import annotations

import csv
import io
import itertools
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import python_calamine as calamine

from fupin_tui.domain.errors import DomainError
from fupin_tui.excel import xlsx_stream

MAX_FILE_BYTES = 100 * 1024 * 1024  # a township roster is a few MB; 100 MB is not a roster
MAX_UNZIPPED_BYTES = 1024 * 1024 * 1024  # total of an .xlsx's parts once unpacked
MAX_RATIO = 200  # unpacked/packed size of one part; real sheets stay far below
MAX_ROWS = 1_048_576  # Excel's own limit

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and encrypted .xlsx


class SpreadsheetProblem(DomainError):
    """The file cannot be read as a spreadsheet; the message says why."""


@dataclass
class SheetRead:
    name: str
    rows: list[list[Any]]  # cell values: str, float, int, bool, date, datetime; "" when empty
    # merged areas ((first row, first col), (last row, last col)), 0-based: only the first cell holds the value
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)


def _head(path: Path, n: int = 8) -> bytes:
    with path.open("rb") as fh:
        return fh.read(n)


def _kind(path: Path) -> str:
    """'zip' (xlsx/ods), 'ole' (xls or encrypted xlsx) or 'csv', or a refusal."""
    if not path.exists():
        raise SpreadsheetProblem(f"文件 {path} 不存在。")
    if not path.is_file():
        raise SpreadsheetProblem(f"{path} 不是文件。")
    size = path.stat().st_size
    if size == 0:
        raise SpreadsheetProblem(f"文件 {path.name} 是空的。")
    if size > MAX_FILE_BYTES:
        raise SpreadsheetProblem(f"文件 {path.name} 太大（{size // (1024 * 1024)} MB），超过 {MAX_FILE_BYTES // (1024 * 1024)} MB，不像花名册，已拒绝。")
    head = _head(path)
    if head.startswith(ZIP_MAGIC):
        return "zip"
    if head.startswith(OLE_MAGIC):
        return "ole"
    if path.suffix.lower() in (".csv", ".txt"):
        return "csv"
    raise SpreadsheetProblem(f"文件 {path.name} 不是电子表格（应为 .xlsx、.xls、.et、.ods 或 .csv）。")


def check_zip(path_or_file, name: str) -> None:
    """Refuse zip and XML bombs before a parser unpacks anything."""
    try:
        zf = zipfile.ZipFile(path_or_file)
    except zipfile.BadZipFile:
        raise SpreadsheetProblem(f"文件 {name} 已损坏（不是完整的 xlsx/ods 文件）。") from None
    with zf:
        total = 0
        names = set()
        for info in zf.infolist():
            names.add(info.filename)
            total += info.file_size
            if info.flag_bits & 0x1:
                raise SpreadsheetProblem(f"文件 {name} 有密码保护，请在 Excel/WPS 中取消密码后再导入。")
            if info.file_size > 10 * 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise SpreadsheetProblem(f"文件 {name} 的内容压缩比异常（疑似压缩炸弹），已拒绝。")
        if total > MAX_UNZIPPED_BYTES:
            raise SpreadsheetProblem(f"文件 {name} 解压后超过 {MAX_UNZIPPED_BYTES // (1024 * 1024)} MB，已拒绝。")
        if not ({"[Content_Types].xml", "mimetype"} & names):
            raise SpreadsheetProblem(f"文件 {name} 是压缩包，不是电子表格。")
        for info in zf.infolist():
            if info.filename.endswith((".xml", ".rels")):
                with zf.open(info) as fh:
                    start = fh.read(4096)
                if b"<!DOCTYPE" in start or b"<!ENTITY" in start:
                    raise SpreadsheetProblem(f"文件 {name} 含有不安全的 XML 声明（疑似 XML 炸弹），已拒绝。")


def _ole_is_encrypted_xlsx(path: Path) -> bool:
    # An encrypted .xlsx is an OLE container holding "EncryptedPackage" (UTF-16 name).
    needle = "EncryptedPackage".encode("utf-16-le")
    with path.open("rb") as fh:
        return needle in fh.read(512 * 1024)


def _unreadable(name: str) -> SpreadsheetProblem:
    return SpreadsheetProblem(f"文件 {name} 内容损坏，无法读取。")


class Book:
    """A workbook opened for reading one sheet at a time, row by row.

    An .xlsx is streamed (``xlsx_stream``): its rows are parsed as they are unzipped and dropped
    once yielded, so memory does not grow with the rows (a county merge, a 199,999-row roster).
    .xls and .ods go through calamine, which holds one sheet at a time (.xls stops at 65,536 rows).
    """

    def __init__(self, source, name: str, max_rows: int = MAX_ROWS, what: str = "", known: tuple | None = None) -> None:
        self.name = name
        self.max_rows, self.what = max_rows, what
        self._xlsx: xlsx_stream.XlsxBook | None = None
        self._wb = None
        if _is_xlsx(source):
            try:
                self._xlsx = xlsx_stream.XlsxBook(source, known)
            except xlsx_stream.XlsxProblem:
                raise _unreadable_file(name) from None
            return
        try:
            self._wb = calamine.CalamineWorkbook.from_filelike(source) if not isinstance(source, (str, Path)) \
                else calamine.CalamineWorkbook.from_path(str(source))
        except calamine.PasswordError:
            raise SpreadsheetProblem(f"文件 {name} 有密码保护，请在 Excel/WPS 中取消密码后再导入。") from None
        except Exception as exc:  # noqa: BLE001 - calamine raises many kinds; all mean "cannot read"
            text = str(exc).lower()
            if "password" in text or "encrypt" in text:
                raise SpreadsheetProblem(f"文件 {name} 有密码保护，请在 Excel/WPS 中取消密码后再导入。") from None
            raise _unreadable_file(name) from None

    @property
    def sheet_names(self) -> list[str]:
        return self._xlsx.sheet_names if self._xlsx else list(self._wb.sheet_names)

    @property
    def known(self) -> tuple | None:
        """What opening the same file again may skip (an .xlsx's shared strings and styles), or None."""
        return self._xlsx.parsed if self._xlsx else None

    def _sheet(self, sheet_name: str):
        try:
            sheet = self._wb.get_sheet_by_name(sheet_name)
        except Exception:  # noqa: BLE001
            raise _unreadable(self.name) from None
        if sheet.total_height > self.max_rows:
            raise SpreadsheetProblem(_too_many(self.name, sheet_name, sheet.total_height, self.max_rows, self.what))
        return sheet

    def sheet(self, sheet_name: str) -> SheetRead:
        """The whole sheet as lists, from cell A1, with its merged areas (for small sheets and tests)."""
        return SheetRead(sheet_name, [_shared(row) for row in self.rows(sheet_name)], self.merged(sheet_name))

    def merged(self, sheet_name: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
        """The sheet's merged areas, known before its rows are read (WPS and Excel merge 村名 down a village)."""
        try:
            if self._xlsx:
                return self._xlsx.merged(sheet_name)
            return _merged(self._sheet(sheet_name))
        except SpreadsheetProblem:
            raise
        except Exception:  # noqa: BLE001
            raise _unreadable(self.name) from None

    def rows(self, sheet_name: str) -> Iterator[list[Any]]:
        """The sheet's rows one by one, from cell A1; a sheet over ``max_rows`` is refused before its
        first row (by its dimension) or, when the dimension lies, as soon as a row passes the limit."""
        try:
            if self._xlsx:
                claimed = self._xlsx.dimension_rows(sheet_name)
                if claimed is not None and claimed > self.max_rows:
                    raise SpreadsheetProblem(_too_many(self.name, sheet_name, claimed, self.max_rows, self.what))
                yield from self._xlsx.rows(sheet_name, self.max_rows)
            else:
                yield from _from_a1(self._sheet(sheet_name))
        except xlsx_stream.RowLimit:
            raise SpreadsheetProblem(_too_many(self.name, sheet_name, 0, self.max_rows, self.what)) from None
        except SpreadsheetProblem:
            raise
        except Exception:  # noqa: BLE001
            raise _unreadable(self.name) from None


def _is_xlsx(source) -> bool:
    """An OOXML package (not .ods, which also is a zip): it has [Content_Types].xml."""
    try:
        with zipfile.ZipFile(source) as zf:
            return "[Content_Types].xml" in zf.namelist()
    except (zipfile.BadZipFile, OSError):
        return False
    finally:
        if hasattr(source, "seek"):
            source.seek(0)


def _unreadable_file(name: str) -> SpreadsheetProblem:
    return SpreadsheetProblem(f"文件 {name} 无法读取（已损坏或不是电子表格）。")


def _from_a1(sheet) -> Iterator[list[Any]]:
    # iter_rows starts at row 1 but at the first used column: pad the columns on the left
    pad = [""] * (sheet.start[1] if sheet.start else 0)
    for row in sheet.iter_rows():
        yield pad + row if pad else row


def _shared(row: list[Any]) -> list[Any]:
    """A row with its short texts shared: a roster repeats 村, 性别, 民族, 关系 … in every row, and
    one object per distinct value instead of per cell keeps a 200,000-row sheet ~30 % smaller."""
    return [sys.intern(v) if type(v) is str and len(v) <= 16 else v for v in row]


def _too_many(name: str, sheet: str, rows: int, limit: int, what: str) -> str:
    """``rows`` 0: the count is not known (the reading stopped at the limit)."""
    where = f"的工作表「{sheet}」" if sheet else ""
    count = f"有 {rows} 行，" if rows else ""
    return (f"文件 {name}{where}{count}超过{what or '表格'}的上限 {limit} 行，已拒绝（没有读入任何内容）。"
            + ("请按村分成几个文件再导入。" if what else ""))


def _merged(sheet) -> list:
    try:
        return list(sheet.merged_cell_ranges or [])
    except Exception:  # noqa: BLE001 - a format calamine keeps no merges for (csv-like): none
        return []


def _calamine_sheets(source, name: str, max_rows: int = MAX_ROWS, what: str = "") -> list[SheetRead]:
    book = Book(source, name, max_rows, what)
    try:
        return [book.sheet(sheet_name) for sheet_name in book.sheet_names]
    except SpreadsheetProblem:
        raise
    except Exception:  # noqa: BLE001
        raise _unreadable(name) from None


def _csv_sheets(path: Path, max_rows: int = MAX_ROWS, what: str = "") -> list[SheetRead]:
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise SpreadsheetProblem(f"文件 {path.name} 不是文本格式的 CSV。")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes nearly anything
        raise SpreadsheetProblem(f"文件 {path.name} 的编码无法识别（应为 UTF-8 或 GBK）。")
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    rows = list(itertools.islice(csv.reader(io.StringIO(text), dialect), max_rows + 1))
    if len(rows) > max_rows:
        raise SpreadsheetProblem(_too_many(path.name, "", text.count("\n") + 1, max_rows, what))
    return [SheetRead(path.stem, rows)]


def read_sheets(path: Path | str, *, max_rows: int = MAX_ROWS, what: str = "") -> list[SheetRead]:
    """Every sheet of the file as rows of cell values, after the safety checks.

    A sheet taller than ``max_rows`` is refused before its rows become Python lists; ``what``
    ("花名册") names the kind of file in that message."""
    path = Path(path)
    kind = _kind(path)
    if kind == "csv":
        return _csv_sheets(path, max_rows, what)
    if kind == "zip":
        check_zip(path, path.name)
    elif _ole_is_encrypted_xlsx(path):
        raise SpreadsheetProblem(f"文件 {path.name} 有密码保护，请在 Excel/WPS 中取消密码后再导入。")
    return _calamine_sheets(path, path.name, max_rows, what)


class _CsvBook:
    """A .csv as a one-sheet book (a CSV is decoded whole: its encoding is guessed from all of it)."""

    def __init__(self, path: Path, max_rows: int, what: str) -> None:
        self._sheet = _csv_sheets(path, max_rows, what)[0]
        self.name = path.name

    @property
    def sheet_names(self) -> list[str]:
        return [self._sheet.name]

    known = None  # a CSV is decoded again each time

    def rows(self, sheet_name: str) -> Iterator[list[Any]]:
        yield from self._sheet.rows

    def merged(self, sheet_name: str) -> list:
        return []


def open_book(path: Path | str, *, max_rows: int = MAX_ROWS, what: str = "", known: tuple | None = None
              ) -> Book | _CsvBook:
    """The file opened for reading sheet by sheet, row by row, after the same checks as ``read_sheets``.
    ``known``: ``Book.known`` of this file unchanged since (a roster is read once per pass)."""
    path = Path(path)
    kind = _kind(path)
    if kind == "csv":
        return _CsvBook(path, max_rows, what)
    if kind == "zip":
        check_zip(path, path.name)
    elif _ole_is_encrypted_xlsx(path):
        raise SpreadsheetProblem(f"文件 {path.name} 有密码保护，请在 Excel/WPS 中取消密码后再导入。")
    return Book(path, path.name, max_rows, what, known)


def read_xlsx_bytes(data: bytes, name: str) -> list[SheetRead]:
    """A workbook held in memory (a member of a submission package)."""
    check_zip(io.BytesIO(data), name)
    return _calamine_sheets(io.BytesIO(data), name)


def open_xlsx_bytes(data: bytes, name: str) -> Book:
    """A workbook held in memory, to be read sheet by sheet (a member of a submission package)."""
    check_zip(io.BytesIO(data), name)
    return Book(io.BytesIO(data), name)
