"""Reading an .xlsx sheet row by row in one lazy pass (issue 12 item 7, issue 19).

calamine holds a whole sheet once asked for it: a 199,999-row roster peaked at ~400 MB. Here the
sheet's XML is parsed as it is unzipped and each row is dropped once it has been yielded, so
memory holds one row, the shared strings and the styles, whatever the number of rows.

Values are what ``python-calamine`` gives, so callers see no difference: text as ``str``, numbers
as ``float``, booleans as ``bool``, a number with a date format as ``date`` / ``datetime`` /
``time``, an empty cell as ``""``. Rows start at row 1 and column A, gaps included; each row is
padded to the widest row seen so far (the header row sets the width of the data below it).

Nothing in the file is trusted: every XML part must declare no DTD before its root element (so
no entity can be defined, none can expand), and a row numbered past the caller's limit is refused
as soon as it is reached, whatever the sheet's ``<dimension>`` tag claims.
"""

from __future__ import annotations

import gc
import posixpath
import re
import sys
import zipfile
import zlib
from array import array
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from typing import IO, Any
from xml.etree.ElementTree import ParseError, fromstring, iterparse

MAIN_NAMESPACES = ("http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                   "http://purl.oclc.org/ooxml/spreadsheetml/main")  # transitional (Excel, WPS) and strict
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
REL_STRICT = "{http://purl.oclc.org/ooxml/officeDocument/relationships}id"
PROLOGUE_LIMIT = 64 * 1024  # bytes before the root element: a declaration and comments, never more
_EPOCH = datetime(1899, 12, 30)  # day 0 of Excel's 1900 date system (its 1900-02-29 bug included)
_EPOCH_1904 = datetime(1904, 1, 1)
# Built-in number formats that are dates or times (ECMA-376 18.8.30, and the CJK ones Chinese Excel uses)
_DATE_FORMATS = {14, 15, 16, 17, 22, 27, 28, 29, 30, 31, 34, 35, 36, 50, 51, 52, 53, 54, 57, 58}
_TIME_FORMATS = {18, 19, 20, 21, 32, 33, 45, 46, 47, 55, 56}


class XlsxProblem(ValueError):
    """The part cannot be read; ``readers`` words it for the clerk."""


class RowLimit(XlsxProblem):
    def __init__(self, rows: int) -> None:
        super().__init__(rows)
        self.rows = rows


class _Guarded:
    """A part's byte stream that refuses a DTD before the root element (billion laughs, external entities)."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self._checked = False

    def read(self, size: int = -1) -> bytes:
        if self._checked:
            return self._raw.read(size)
        head = b""
        while True:
            chunk = self._raw.read(4096)
            head += chunk
            root = re.search(rb"<[A-Za-z_]", head)
            if root or not chunk or len(head) > PROLOGUE_LIMIT:
                break
        prologue = head[:root.start()] if root else head
        if b"<!DOCTYPE" in prologue.upper() or b"<!ENTITY" in prologue.upper() or root is None:
            raise XlsxProblem("unsafe prologue")
        self._checked = True
        return head


def _events(zf: zipfile.ZipFile, part: str, events=("end",)):
    try:
        fh = zf.open(part)
    except KeyError:
        raise XlsxProblem(f"missing {part}") from None
    with fh:
        try:
            yield from iterparse(_Guarded(fh), events=events)
        except (ParseError, zipfile.BadZipFile, EOFError, OSError) as exc:
            raise XlsxProblem(str(exc)) from None


_SHEET_DATA = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?)sheetData\b[^>]*?(/?)>")
_ROOT = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?)worksheet\b([^>]*)>")
_BATCH = 1 << 18  # bytes of XML parsed at a time: a few thousand rows, a few MB as a tree


def _parse(xml: bytes):
    """One batch of rows as elements, the cycle collector paused while it is built: the parser makes
    tens of thousands of tracked elements, and every collection they trigger walks the whole heap
    (a county merge holds hundreds of MB) though none of them forms a cycle. Paused for the parse
    only, not while the rows are read, so nothing stays uncollected."""
    paused = gc.isenabled()
    gc.disable()
    try:
        return fromstring(xml)
    finally:
        if paused:
            gc.enable()


def _row_batches(zf: zipfile.ZipFile, part: str) -> Iterator[Any]:
    """The ``<row>`` elements of a sheet part, parsed a batch of rows at a time.

    The unzipped bytes are cut after a ``</row>`` and each batch is parsed whole by the C parser
    inside a copy of the root tag (its namespace declarations): an event loop in Python over every
    element was 7 × slower than calamine. A ``</row>`` inside a cell's text is always escaped."""
    try:
        fh = zf.open(part)
    except KeyError:
        raise XlsxProblem(f"missing {part}") from None
    with fh:
        stream = _Guarded(fh)
        try:
            buf = b""
            while not (start := _SHEET_DATA.search(buf)):
                chunk = stream.read(1 << 16)
                if not chunk or len(buf) > 16 * _BATCH:
                    return  # no rows at all
                buf += chunk
            root = _ROOT.search(buf, 0, start.start())
            if root is None:
                raise XlsxProblem("no worksheet element")
            if start.group(2):
                return  # <sheetData/>
            prefix = start.group(1)
            opening = b"<" + prefix + b"sheetData" + root.group(2).rstrip(b"/") + b">"
            closing = b"</" + prefix + b"sheetData>"
            row_end = b"</" + prefix + b"row>"
            buf = buf[start.end():]
            while True:
                end = buf.find(closing)
                if end >= 0:
                    batch, buf = buf[:end], None
                else:
                    cut = buf.rfind(row_end)
                    batch, buf = (buf[:cut + len(row_end)], buf[cut + len(row_end):]) if cut >= 0 else (b"", buf)
                if batch.strip():
                    yield from _parse(opening + batch + closing)
                if buf is None:
                    return
                chunk = stream.read(_BATCH)
                if not chunk:
                    raise XlsxProblem("sheet cut short")
                buf += chunk
        except (ParseError, zipfile.BadZipFile, EOFError, OSError, zlib.error) as exc:
            raise XlsxProblem(str(exc)) from None


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


_COLUMNS: dict[str, int] = {}  # column letters -> index, filled as they are met


def _column(ref: str) -> int:
    """0-based column of a cell reference (``AB12`` -> 27)."""
    letters = ref.rstrip("0123456789")
    index = _COLUMNS.get(letters)
    if index is None:
        index = 0
        for ch in letters:
            index = index * 26 + (ord(ch.upper()) - 64)
        index -= 1
        if not 0 <= index < 16384 or not letters.isalpha():
            raise XlsxProblem(f"bad cell reference {ref!r}")
        _COLUMNS[letters] = index
    return index


def _cell_ref(ref: str) -> tuple[int, int]:
    """(row, column), 0-based, of ``B7``."""
    digits = ref[len(ref.rstrip("0123456789")):]
    if not digits:
        raise XlsxProblem(f"bad cell reference {ref!r}")
    return int(digits) - 1, _column(ref)


def _text_of(element) -> str:
    """A string item (``<si>``/``<is>``): its text, or its runs' text; phonetic guides (``<rPh>``) left out."""
    out = []
    for child in element:
        name = _local(child.tag)
        if name == "t":
            out.append(child.text or "")
        elif name == "r":
            out.extend(t.text or "" for t in child if _local(t.tag) == "t")
    return "".join(out)


def _format_kind(code: str) -> str:
    """'date', 'time', 'datetime' or '' for a number format code."""
    code = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.', "", code.split(";")[0]).lower()
    has_date = any(ch in code for ch in "yd") or ("m" in code and "h" not in code and "s" not in code)
    has_time = any(ch in code for ch in "hs") or "am/pm" in code
    if "general" in code or "@" in code:
        return ""
    return "datetime" if has_date and has_time else "date" if has_date else "time" if has_time else ""


class XlsxBook:
    """An .xlsx opened for reading: sheet names, shared strings and date styles now; rows lazily."""

    def __init__(self, source, known: tuple | None = None) -> None:
        """``known``: the ``parsed`` parts of this same file, opened before (each pass of a roster
        import parsed its shared strings again: a second of three for 80,000 rows)."""
        try:
            self._zf = zipfile.ZipFile(source)
        except (zipfile.BadZipFile, OSError) as exc:
            raise XlsxProblem(str(exc)) from None
        workbook = self._office_document()
        rels = self._relations(workbook)
        self._date1904 = False
        self._sheets: dict[str, str] = {}
        for _, el in _events(self._zf, workbook):
            name = _local(el.tag)
            if name == "sheet":
                target = rels.get(el.get(REL) or el.get(REL_STRICT) or "")
                if target and el.get("name") is not None:
                    self._sheets[el.get("name")] = target
            elif name == "workbookPr":
                self._date1904 = el.get("date1904", "0").lower() in ("1", "true")
        if known is not None:
            self._strings, self._style_kinds = known
            return
        kinds = {t: p for p, t in self._typed_relations(workbook).items()}
        self._strings = self._shared_strings(kinds.get("sharedStrings"))
        self._style_kinds = self._styles(kinds.get("styles"))

    @property
    def parsed(self) -> tuple:
        """The file's shared strings and date styles, for opening it again (``known``)."""
        return self._strings, self._style_kinds

    # -- package structure ---------------------------------------------------------------
    def _office_document(self) -> str:
        if "_rels/.rels" in self._zf.namelist():
            for _, el in _events(self._zf, "_rels/.rels"):
                if _local(el.tag) == "Relationship" and el.get("Type", "").endswith("/officeDocument"):
                    return el.get("Target", "").lstrip("/")
        return "xl/workbook.xml"

    def _rels_part(self, part: str) -> str:
        folder, name = posixpath.split(part)
        return posixpath.join(folder, "_rels", name + ".rels")

    def _target(self, part: str, target: str) -> str:
        if target.startswith("/"):
            return target.lstrip("/")
        return posixpath.normpath(posixpath.join(posixpath.dirname(part), target))

    def _relations(self, part: str) -> dict[str, str]:
        return {rid: target for rid, (target, _) in self._relation_rows(part).items()}

    def _typed_relations(self, part: str) -> dict[str, str]:
        """part path -> its kind (the Type's last word: sharedStrings, styles, worksheet …)."""
        return {target: kind.rpartition("/")[2] for target, kind in self._relation_rows(part).values()}

    def _relation_rows(self, part: str) -> dict[str, tuple[str, str]]:
        rels = self._rels_part(part)
        if rels not in self._zf.namelist():
            return {}
        out = {}
        for _, el in _events(self._zf, rels):
            if _local(el.tag) == "Relationship" and el.get("TargetMode") != "External":
                out[el.get("Id", "")] = (self._target(part, el.get("Target", "")), el.get("Type", ""))
        return out

    def _shared_strings(self, part: str | None) -> SharedStrings:
        strings = SharedStrings()
        if not part or part not in self._zf.namelist():
            return strings
        parent = None
        for event, el in _events(self._zf, part, ("start", "end")):
            if event == "start":
                if parent is None:
                    parent = el
                continue
            if _local(el.tag) == "si":
                strings.append(_text_of(el))
                parent.remove(el)
        return strings

    def _styles(self, part: str | None) -> list[str]:
        """For each cell style (``s=``), the kind of date it shows or ''."""
        if not part or part not in self._zf.namelist():
            return []
        custom: dict[int, str] = {}
        kinds: list[str] = []
        in_xfs = False
        for event, el in _events(self._zf, part, ("start", "end")):
            name = _local(el.tag)
            if name == "cellXfs":
                in_xfs = event == "start"
            elif event == "end" and name == "numFmt":
                custom[int(el.get("numFmtId", "0"))] = _format_kind(el.get("formatCode", ""))
            elif event == "end" and name == "xf" and in_xfs:
                fmt = int(el.get("numFmtId", "0"))
                kinds.append(custom[fmt] if fmt in custom else "date" if fmt in _DATE_FORMATS
                             else "time" if fmt in _TIME_FORMATS else "")
        return kinds

    # -- sheets ----------------------------------------------------------------------------
    @property
    def sheet_names(self) -> list[str]:
        return list(self._sheets)

    def _part(self, sheet: str) -> str:
        part = self._sheets.get(sheet)
        if part is None or part not in self._zf.namelist():
            raise XlsxProblem(f"no sheet {sheet!r}")
        return part

    def dimension_rows(self, sheet: str) -> int | None:
        """The row count the sheet's ``<dimension>`` claims (it may lie), read from its first bytes."""
        with self._zf.open(self._part(sheet)) as fh:
            head = fh.read(8192)
        m = re.search(rb'<(?:\w+:)?dimension\s+ref="[A-Za-z]*(\d*)(?::[A-Za-z]*(\d+))?"', head)
        if not m:
            return None
        last = m.group(2) or m.group(1)
        return int(last) if last else None

    def merged(self, sheet: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
        """Merged areas ((first row, first col), (last row, last col)), 0-based, as calamine gives them.

        ``<mergeCells>`` comes after the rows in the XML: a quick scan of the unzipped bytes finds
        them before the rows are read, so merged cells can be filled as the rows pass."""
        pattern = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*?ref="([A-Za-z]+\d+)(?::([A-Za-z]+\d+))?"')
        out, tail = [], b""
        with self._zf.open(self._part(sheet)) as fh:
            while chunk := fh.read(1 << 20):
                data = tail + chunk
                end = data.rfind(b"<")  # a tag cut by the chunk's end is looked at with the next chunk
                scan, tail = (data[:end], data[end:]) if end > 0 else (data, b"")
                for m in pattern.finditer(scan):
                    first = _cell_ref(m.group(1).decode())
                    out.append((first, _cell_ref(m.group(2).decode()) if m.group(2) else first))
            for m in pattern.finditer(tail):
                first = _cell_ref(m.group(1).decode())
                out.append((first, _cell_ref(m.group(2).decode()) if m.group(2) else first))
        return out

    def rows(self, sheet: str, max_rows: int | None = None) -> Iterator[list[Any]]:
        """The sheet's rows, from row 1 and column A; ``RowLimit`` when a row lies past ``max_rows``."""
        strings, kinds = self._strings, self._style_kinds
        epoch = _EPOCH_1904 if self._date1904 else _EPOCH
        width = 0
        expected = 0  # 0-based number of the next row
        tags = None
        for row_el in _row_batches(self._zf, self._part(sheet)):
            if tags is None:
                tag = row_el.tag
                ns = tag[:tag.index("}") + 1] if tag.startswith("{") else ""
                tags = ns + "v", ns + "is", ns + "t"
                v_tag, is_tag, t_tag = tags
            if row_el.tag[-3:] != "row":
                continue
            r = row_el.get("r")
            number = int(r) - 1 if r and r.isdigit() else expected
            if number < expected:
                raise XlsxProblem("rows out of order")
            if max_rows is not None and number >= max_rows:
                raise RowLimit(number + 1)
            row: list[Any] = []
            for c in row_el:
                ref = c.get("r")
                if ref:
                    at = _COLUMNS.get(ref.rstrip("0123456789"))
                    if at is None:
                        at = _column(ref)
                    if at != len(row):
                        if at < len(row):
                            raise XlsxProblem("cells out of order")
                        row.extend([""] * (at - len(row)))
                t = c.get("t")
                if t == "s":
                    v = c.findtext(v_tag)
                    try:
                        row.append(strings[int(v)] if v else "")
                    except (ValueError, IndexError):
                        raise XlsxProblem(f"bad shared string {v!r}") from None
                elif t is None or t == "n":
                    v = c.findtext(v_tag)
                    if not v:
                        row.append("")
                        continue
                    try:
                        number_value = float(v)
                    except ValueError:
                        raise XlsxProblem(f"bad number {v!r}") from None
                    style = c.get("s")
                    kind = kinds[int(style)] if style and style.isdigit() and int(style) < len(kinds) else ""
                    row.append(_as_date(number_value, kind, epoch) if kind else number_value)
                elif t == "inlineStr":
                    item = c.find(is_tag)
                    if item is None:
                        row.append("")
                    elif len(item) == 1 and item[0].tag == t_tag:
                        row.append(item[0].text or "")
                    else:
                        row.append(_text_of(item))
                else:
                    row.append(_other(c.findtext(v_tag), t))
            width = max(width, len(row))
            if len(row) < width:
                row.extend([""] * (width - len(row)))
            while expected < number:  # rows the file leaves out are empty rows
                yield [""] * width
                expected += 1
            yield row
            expected += 1

    def close(self) -> None:
        self._zf.close()


class SharedStrings:
    """A book's shared strings held compactly: one UTF-8 blob and where each string ends.

    A 199,999-row roster has ~700,000 of them (every name, ID number and phone); as str objects
    (and interned) they took ~80 MB, here ~14 MB (the text itself, and 4 bytes a string). A cell's
    text is decoded when its row is read. The first ``SHARED`` short ones (村名, 性别, 关系: the
    texts repeated down a column come first) are one object each, kept decoded; the rest are not,
    so a roster of 200,000 different two- and three-character names holds no object per name.
    """

    SHORT = 9  # bytes: three Chinese characters
    SHARED = 1 << 14  # short texts kept decoded (a bound: ~2 MB whatever the file)
    LIMIT = 0xFFFFFFFF  # bytes of text the 4-byte ends can point into

    __slots__ = ("_blob", "_ends", "_short")

    def __init__(self) -> None:
        self._blob = bytearray()
        self._ends = array("I")
        self._short: dict[int, str] = {}

    def append(self, text: str) -> None:
        data = text.encode("utf-8", "surrogatepass")
        if len(data) <= self.SHORT and len(self._short) < self.SHARED:
            self._short[len(self._ends)] = sys.intern(text)
        self._blob += data
        if len(self._blob) > self.LIMIT:
            raise XlsxProblem("shared strings over 4 GB")
        self._ends.append(len(self._blob))

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, i: int) -> str:
        text = self._short.get(i)
        if text is not None:
            return text
        if i < 0:
            raise IndexError(i)
        end = self._ends[i]
        return self._blob[self._ends[i - 1] if i else 0:end].decode("utf-8", "surrogatepass")


def _other(v: str | None, t: str) -> Any:
    """A cell of a rarer type: a formula's text, an error (#N/A, shown as Excel shows it), a boolean, an ISO date."""
    if v is None or v == "":
        return ""
    if t == "b":
        return v.strip() in ("1", "true")
    if t == "d":
        return _iso(v)
    return v


def _as_date(serial: float, kind: str, epoch: datetime) -> Any:
    try:
        moment = epoch + timedelta(days=serial)
    except (OverflowError, ValueError):
        return serial  # not a date Python can hold: the number as stored
    moment = moment.replace(microsecond=0) + timedelta(seconds=round(moment.microsecond / 1e6))
    if kind == "date":
        return moment.date()
    if kind == "time" and serial < 1:
        return moment.time()
    return moment


def _iso(text: str) -> Any:
    try:
        moment = datetime.fromisoformat(text.rstrip("Z"))
    except ValueError:
        return text
    return moment.date() if "T" not in text else moment


def fill_merged(rows: Iterator[list[Any]], merged, below: Callable[[int], bool]) -> Iterator[list[Any]]:
    """The rows with each merged area's value copied into all its cells, as the rows pass.

    Only areas for which ``below(first row)`` is true are filled (a roster fills those under its
    header). Memory holds the areas and one value per open area, never the rows."""
    pending = sorted((a for a in merged if below(a[0][0])), key=lambda a: a[0][0])
    open_areas: list[tuple[int, int, int, Any]] = []  # (last row, first col, last col, value)
    k = 0
    for index, row in enumerate(rows):
        while k < len(pending) and pending[k][0][0] == index:
            (r0, c0), (r1, c1) = pending[k]
            open_areas.append((r1, c0, c1, row[c0] if c0 < len(row) else ""))
            k += 1
        while k < len(pending) and pending[k][0][0] < index:
            k += 1  # an area starting on a row the file left out (empty anyway)
        if open_areas:
            for r1, c0, c1, value in open_areas:
                if len(row) <= c1:
                    row.extend([""] * (c1 + 1 - len(row)))
                for c in range(c0, c1 + 1):
                    row[c] = value
            open_areas = [a for a in open_areas if a[0] > index]
        yield row
