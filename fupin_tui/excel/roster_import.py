"""Roster import (导入花名册): the registry workbooks townships really keep.

Steps, each usable on its own by the screen and the command line:

1. ``load(path)`` reads the file (any sheet) and finds the header row;
2. ``guess_mapping`` maps columns by header name (户主姓名/姓名, 身份证号/公民身份号码 …);
   the clerk may correct the mapping;
3. ``preview(ctx, loaded, mapping)`` groups member rows into households, checks
   every row and lists each problem by row and column;
4. ``import_roster(ctx, plan)`` reads and checks the file again and writes all valid households
   in one transaction (the plan keeps tallies and the first problems, never the rows).

Importing the same file twice adds nobody twice: households are matched by
household number, members by ID number.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from array import array
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterator

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from sqlalchemy import func, insert, select

from fupin_tui.context import AppContext
from fupin_tui.db import write_audit
from fupin_tui.domain import text_check
from fupin_tui.domain.errors import DomainError, InputError
from fupin_tui.domain.idcard import InvalidIdNumber, looks_like_excel_mangled, parse_id
from fupin_tui.domain.money import parse_date
from fupin_tui.excel.readers import open_book
from fupin_tui.excel.xlsx_stream import fill_merged
from fupin_tui.excel.styles import Column, collect_stripped, write_table
from fupin_tui.models import Household, Member, Village
from fupin_tui.filenames import safe_name, save_workbook

# Target field -> (label shown to the clerk, header names seen in township rosters)
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "village": ("村", ("村", "村名", "行政村", "所在村", "村委会", "村别", "村代码")),
    "household_no": ("户编号", ("户编号", "户号", "家庭编号", "户主编号")),
    "head_name": ("户主姓名", ("户主姓名", "户主")),
    "name": ("姓名", ("姓名", "成员姓名", "家庭成员姓名", "人员姓名")),
    "id_number": ("身份证号", ("身份证号", "身份证号码", "公民身份号码", "证件号码", "身份证", "证件号")),
    "relation": ("与户主关系", ("与户主关系", "与户主的关系", "家庭关系", "关系")),
    "size": ("家庭人口", ("家庭人口", "家庭人口数", "人口数", "户人口", "家庭人数")),
    "gender": ("性别", ("性别",)),
    "birth_date": ("出生日期", ("出生日期", "出生年月", "出生年月日")),
    "ethnicity": ("民族", ("民族",)),
    "phone": ("联系电话", ("联系电话", "电话", "手机号码", "手机", "联系方式")),
    "attribute": ("贫困户属性", ("贫困户属性", "贫困户类型")),
    "main_cause": ("主要致贫原因", ("主要致贫原因", "致贫原因")),
    "education": ("文化程度", ("文化程度",)),
    "health": ("健康状况", ("健康状况",)),
    "labour_skill": ("劳动技能", ("劳动技能",)),
    "bank_account": ("一卡通账号", ("一卡通账号", "银行账号", "一卡通", "银行卡号")),
    "identified_year": ("识别年度", ("识别年度", "贫困户识别年度", "建档年度")),
}
HOUSEHOLD_LEVEL = ("village", "household_no", "head_name", "size", "attribute", "main_cause", "phone",
                   "bank_account", "identified_year")
# Fields checked against the code lists: value kept, and flagged when not in the list.
CODE_LISTS = {"relation": "与户主关系", "ethnicity": "民族", "attribute": "贫困户属性", "main_cause": "致贫原因",
              "education": "文化程度", "health": "健康状况", "labour_skill": "劳动技能", "gender": "性别"}
HEADER_SCAN_ROWS = 25
# Limits of a roster (issue 12 item 7): far above a township's 20,000 households, far below what
# would take minutes and gigabytes to read. Refused with the limit named, never cut.
MAX_FILE_MB = 50
MAX_ROWS = 200_000  # rows of one sheet (members and blank lines)
CELL_LIMIT = text_check.SHORT  # characters of one cell (an address is the longest field)
REPORT_ROWS = 20_000  # problems listed in the report; a last line counts the rest
HELD_BACK_SHOWN = 10  # households held back whole, named in the summary
BATCH = 2000  # households checked against the registry at a time (memory holds one batch)
ERROR, NOTE = "错误", "提示"


def _norm(value: Any) -> str:
    """Full-width digits and spaces folded, all whitespace gone."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    if not text.isascii():  # ASCII is its own NFKC form (a third of a roster's cells: IDs, numbers)
        text = unicodedata.normalize("NFKC", text)
    return "".join(text.split())  # str.split's whitespace is re's \s: the same characters, 0.2 µs a cell, not 2.2


def _header_key(value: Any) -> str:
    return re.sub(r"[*＊:：()（）]", "", _norm(value))


@dataclass(slots=True)  # up to one per cell of a bad file
class Problem:
    row: int  # row number as Excel shows it
    column: str  # "C 身份证号"
    field: str
    message: str
    value: str = ""
    level: str = ERROR

    def __str__(self) -> str:
        return f"第{self.row}行 {self.column}：{self.message}"


@dataclass
class Loaded:
    """The sheet found and its header; the rows themselves are read again, lazily, by ``data_rows``."""

    path: Path
    sheet: str
    header_row: int  # 0-based index of the header row
    headers: list[str]
    head: list[list[Any]]  # the rows down to the header (title lines name the village)
    sheets: list[str] = field(default_factory=list)
    merged_columns: set[int] = field(default_factory=set)  # columns with cells merged down (村名 of a village)
    merged: list = field(default_factory=list)  # the merged areas below the header, filled as rows pass
    # the file's parsed parts (shared strings) and its size and time when they were read: a later
    # pass over the unchanged file skips parsing them again
    known: tuple | None = field(default=None, repr=False, compare=False)
    stamp: tuple = field(default=(), repr=False, compare=False)

    def data_rows(self) -> Iterator[tuple[int, list[Any]]]:
        """(row number as Excel shows it, cells) of every row under the header, in one lazy pass.

        Memory holds one row at a time (the reader streams an .xlsx); a sheet that turns out to
        be longer than ``MAX_ROWS`` (its dimension lied) is refused when the pass reaches the limit."""
        try:
            known = self.known if _stamp(self.path) == self.stamp else None
        except OSError:  # gone: open_book says so in Chinese
            known = None
        book = open_book(self.path, max_rows=MAX_ROWS, what="花名册", known=known)
        rows = fill_merged(book.rows(self.sheet), self.merged, lambda first_row: first_row > self.header_row)
        for index, row in enumerate(rows):
            if index > self.header_row:
                yield index + 1, row


@dataclass(slots=True)  # one per member row: no per-instance __dict__
class PlannedMember:
    row: int
    name: str
    id_number: str
    relation: str
    gender: str
    birth_date: date | None
    extra: dict[str, str]


@dataclass(slots=True)
class PlannedHousehold:
    first_row: int
    household_no: str
    village_id: int | None
    village_label: str
    head_name: str
    values: dict[str, Any]
    members: list[PlannedMember]
    existing_id: int | None = None  # already in the registry
    valid: bool = True
    rows_read: int = 0  # member rows in the file (``members`` drops those already registered)


@dataclass
class Plan:
    """What 检查 found, held in memory whatever the file's length (issue 12 item 7): the tallies,
    the first ``REPORT_ROWS`` problems and the first households held back. The households
    themselves are not kept: ``import_roster`` reads and checks the file again as it writes
    (``walk``), refusing a file changed since."""

    ctx: AppContext = field(repr=False, compare=False)
    loaded: Loaded
    mapping: dict[str, int]
    village_code: str | None
    stamp: tuple[int, int]  # (size, mtime) of the file when it was checked
    problems: list[Problem]  # the first REPORT_ROWS, in row order
    tally: dict[str, int]
    problem_count: int = 0
    error_count: int = 0
    held_back_lines: list[str] = field(default_factory=list)  # the first HELD_BACK_SHOWN
    held_back_count: int = 0

    @property
    def member_rows(self) -> int:
        return self.tally["数据行"]

    def walk(self) -> Iterator[tuple[PlannedHousehold | None, list[Problem]]]:
        """Every household of the file, checked again, with its problems (one batch in memory; ``_Walk``)."""
        if _stamp(self.loaded.path) != self.stamp:
            raise DomainError(f"花名册 {self.loaded.path.name} 在检查之后被改动过，请重新读取并检查后再导入。")
        return iter(_Walk(self.ctx, self.loaded, self.mapping, self.village_code))

    @property
    def households(self) -> list[PlannedHousehold]:
        """All households (for a look at a small file; import and counts never build this list)."""
        return [h for h, _ in self.walk() if h is not None]

    @property
    def to_add(self) -> list[PlannedHousehold]:
        return [h for h in self.households if h.valid and h.existing_id is None]

    @property
    def errors(self) -> list[Problem]:
        """The errors among the problems listed."""
        return [p for p in self.problems if p.level == ERROR]

    def held_back(self) -> list[str]:
        return self.held_back_lines

    def counts(self) -> dict[str, int]:
        return {**self.tally, "错误": self.error_count, "提示": self.problem_count - self.error_count}


def _held_back(h: PlannedHousehold, problems: list[Problem]) -> str:
    """"孙九户（第12–14行）因第13行有错误整户未导入" when some of a household's rows were fine, else ""."""
    if h.valid:
        return ""
    bad = sorted({p.row for p in problems if p.level == ERROR})
    rows = sorted({m.row for m in h.members} | set(bad))
    if not bad or len(rows) < 2:
        return ""  # a one-row household, or one kept out by a file-level problem
    who = h.head_name or (h.members[0].name if h.members else "")
    return f"{who}户（第{rows[0]}–{rows[-1]}行）因第{'、'.join(map(str, bad))}行有错误整户未导入"


@dataclass
class ImportSummary:
    households: int
    members: int
    members_added_to_existing: int
    skipped_households: int
    held_back: list[str] = field(default_factory=list)  # households kept out whole because of one bad row
    held_back_count: int = 0  # all of them (``held_back`` lists the first few)

    def text(self) -> str:
        text = (f"已导入 {self.households} 户、{self.members} 人"
                + (f"，另为已有户补充 {self.members_added_to_existing} 人" if self.members_added_to_existing else "")
                + (f"；{self.skipped_households} 户有错误未导入" if self.skipped_households else "") + "。")
        if self.held_back:
            count = max(self.held_back_count, len(self.held_back))
            shown = "；".join(self.held_back[:HELD_BACK_SHOWN]) + (f" 等共{count}户" if count > HELD_BACK_SHOWN else "")
            text += f"\n整户暂缓（改正有错的行后重新导入即可，同一户不会重复登记）：{shown}。"
        return text


# --------------------------------------------------------------------------- reading and header


def _score(row: list[Any]) -> int:
    keys = {_header_key(v) for v in row if _norm(v)}
    return sum(1 for _, (_, names) in FIELDS.items() if any(n in keys for n in names))


def find_header(rows: list[list[Any]]) -> int | None:
    best, best_score = None, 1
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        score = _score(row)
        if score > best_score:
            best, best_score = i, score
    return best


def load(path: Path | str, sheet: str | None = None) -> Loaded:
    """Find the sheet and row that hold the roster's header, reading only the first rows of each sheet.

    Refused early, before the rows are read: a file over ``MAX_FILE_MB`` or a sheet whose size
    says it is over ``MAX_ROWS`` rows (a township's roster is far smaller), with the limit named.
    """
    path = Path(path)
    if path.is_file() and path.stat().st_size > MAX_FILE_MB * 1024 * 1024:
        raise DomainError(f"花名册文件 {path.name} 有 {path.stat().st_size // (1024 * 1024)} MB，超过 {MAX_FILE_MB} MB "
                          "的上限，已拒绝（一个乡镇的花名册通常不到 10 MB）。请按村分成几个文件再导入。")
    book = open_book(path, max_rows=MAX_ROWS, what="花名册")
    stamp = _stamp(path)
    names = book.sheet_names
    candidates = [n for n in names if sheet is None or n == sheet]
    if not candidates:
        raise InputError("工作表", f"文件中没有工作表「{sheet}」（有：{'、'.join(names)}）")
    for name in candidates:
        rows = book.rows(name)
        first = list(itertools.islice(rows, HEADER_SCAN_ROWS))
        rows.close()
        header = find_header(first)
        if header is not None:
            merged = [a for a in book.merged(name) if a[0][0] > header]
            columns = {c for (r0, c0), (r1, c1) in merged if r1 > r0 for c in range(c0, c1 + 1)}
            return Loaded(path, name, header, [_norm(v) for v in first[header]], first[:header + 1], names,
                          columns, merged, book.known, stamp)
    raise DomainError(f"文件 {path.name} 中找不到花名册的表头（应有“姓名”“身份证号”等列）。")


def guess_mapping(loaded: Loaded) -> dict[str, int]:
    """Field -> column index, by header name; the first matching column wins."""
    mapping: dict[str, int] = {}
    keys = [_header_key(h) for h in loaded.headers]
    for fld, (_, names) in FIELDS.items():
        for name in names:  # aliases in order of preference
            if name in keys and keys.index(name) not in mapping.values():
                mapping[fld] = keys.index(name)
                break
    return mapping


def mapping_problems(mapping: dict[str, int]) -> list[str]:
    missing = [FIELDS[f][0] for f in ("name", "id_number") if f not in mapping]
    if "name" not in mapping and "head_name" in mapping:
        missing = [m for m in missing if m != "姓名"]
    return [f"缺少“{m}”列" for m in missing]


def column_label(loaded: Loaded, index: int) -> str:
    header = loaded.headers[index] if index < len(loaded.headers) else ""
    return f"{get_column_letter(index + 1)} {header}".strip()


# --------------------------------------------------------------------------- checking


def _village_index(ctx: AppContext) -> dict[str, tuple[int, str]]:
    with ctx.read() as s:
        rows = s.execute(select(Village.id, Village.code, Village.name).where(Village.voided == False)).all()  # noqa: E712
    index = {}
    for vid, code, name in rows:
        index[code] = (vid, code)
        index[_norm(name)] = (vid, code)
    return index


def _pattern(ctx: AppContext) -> str:
    try:
        return str(ctx.policy.household_no_pattern)
    except AttributeError:
        return "{village_code}{seq:04d}"


def preview(ctx: AppContext, loaded: Loaded, mapping: dict[str, int] | None = None,
            village_code: str | None = None) -> Plan:
    """Group rows into households and check every one; nothing is written.

    One pass over the file, one batch of households in memory: the plan keeps tallies, the first
    ``REPORT_ROWS`` problems and the first households held back, however long the file is."""
    mapping = dict(guess_mapping(loaded) if mapping is None else mapping)
    stamp = _stamp(loaded.path)
    walk = _Walk(ctx, loaded, mapping, village_code)
    listed: list[Problem] = []
    tally = dict.fromkeys(("数据行", "户数", "可导入新户", "可导入成员", "已在册跳过", "有错误的户"), 0)
    count = errors = held = 0
    held_lines: list[str] = []
    for h, problems in walk:
        count += len(problems)
        errors += sum(1 for p in problems if p.level == ERROR)
        listed.extend(problems[:max(0, REPORT_ROWS - len(listed))])
        if h is None:
            continue
        tally["户数"] += 1
        tally["数据行"] += h.rows_read
        if not h.valid:
            tally["有错误的户"] += 1
            line = _held_back(h, problems)
            if line:
                held += 1
                if len(held_lines) < HELD_BACK_SHOWN:
                    held_lines.append(line)
        elif h.existing_id is None:
            tally["可导入新户"] += 1
            tally["可导入成员"] += len(h.members)
        else:
            tally["可导入成员"] += len(h.members)
            tally["已在册跳过"] += not h.members
    front = walk.file_problems  # said once for the whole file: listed first
    count += len(front)
    errors += sum(1 for p in front if p.level == ERROR)
    listed = (front + listed)[:REPORT_ROWS]
    return Plan(ctx, loaded, mapping, village_code, stamp, listed, tally, count, errors, held_lines, held)


def _stamp(path: Path) -> tuple[int, int]:
    st = Path(path).stat()
    return st.st_size, st.st_mtime_ns


class SeenIds:
    """The ID numbers met so far in a file and the row each was first met on (duplicates within a file).

    This is the one thing a check of a roster keeps per row (issue 12 item 7). A dict of int
    objects took ~125 bytes an ID (25 MB at 200,000 rows); here one open-addressing table in two
    arrays takes 12 bytes a slot, at most 18 an ID (a table a third to two thirds full).
    A key is a whole number above 0 below 2**64 (an ID number as ``int(first 17) * 11 + check``).
    """

    __slots__ = ("_keys", "_rows", "_bits", "_used")

    _GOLDEN = 0x9E3779B97F4A7C15  # Fibonacci hashing: IDs differ in a few digits, spread them over the table

    def __init__(self, bits: int = 12) -> None:
        self._bits, self._used = bits, 0
        self._keys = array("Q", bytes(8 << bits))
        self._rows = array("I", bytes(4 << bits))

    def __len__(self) -> int:
        return self._used

    def first_row(self, key: int, row: int) -> int:
        """The row ``key`` was first met on; 0 when it is new (then it is remembered at ``row``)."""
        keys, bits = self._keys, self._bits
        mask = (1 << bits) - 1
        i = (key * self._GOLDEN & 0xFFFFFFFFFFFFFFFF) >> (64 - bits)
        k = keys[i]
        while k:  # linear probing, inline: this runs once a member row
            if k == key:
                return self._rows[i]
            i = (i + 1) & mask
            k = keys[i]
        keys[i] = key
        self._rows[i] = row
        self._used += 1
        if 3 * self._used > 2 << bits:  # two thirds full: twice the slots
            self._grow()
        return 0

    def _grow(self) -> None:
        keys, rows = self._keys, self._rows
        self._bits += 1
        self._keys = array("Q", bytes(8 << self._bits))
        self._rows = array("I", bytes(4 << self._bits))
        self._used = 0
        for key, row in zip(keys, rows):
            if key:
                self.first_row(key, row)


class _Walk:
    """The file's households in row order, each checked (rows, code lists, registry) with its problems.

    Iterating yields (household, its problems) — or (None, problems of rows before any
    household); households are checked against the registry ``BATCH`` at a time, so memory holds
    one batch, not the file. ``file_problems`` (said once for the whole file) is complete when
    the iteration ends. Raises ``InputError`` at once for a mapping or village that cannot work.
    """

    def __init__(self, ctx: AppContext, loaded: Loaded, mapping: dict[str, int], village_code: str | None) -> None:
        problems_text = mapping_problems(mapping)
        if problems_text:
            raise InputError("列对应", "；".join(problems_text))
        self.ctx, self.loaded, self.mapping = ctx, loaded, mapping
        self.villages = _village_index(ctx)
        self.default_village = None
        if village_code:
            self.default_village = self.villages.get(_norm(village_code))
            if self.default_village is None:
                raise InputError("村代码", f"没有代码或名称为 {village_code} 的村")
        self.file_problems: list[Problem] = []
        self.titled = None  # (title, village) when the village comes from the title
        self.header_row = loaded.header_row + 1
        if self.default_village is None:
            self.titled = _village_in_title(ctx, loaded)
            if self.titled is not None:
                self.default_village = self.villages.get(_norm(self.titled[1]))
            elif "village" not in mapping:
                self.file_problems.append(Problem(
                    self.header_row, "村", "村", "没有村列，标题中也没有写明是哪个村：全部户未导入。"
                    "请用“村”选项指定导入到哪个村（或在表中加上村名列）"))

    def col(self, fld: str) -> str:
        return column_label(self.loaded, self.mapping[fld]) if fld in self.mapping else FIELDS[fld][0]

    def __iter__(self) -> Iterator[tuple[PlannedHousehold | None, list[Problem]]]:
        ctx, loaded, mapping, villages, col = self.ctx, self.loaded, self.mapping, self.villages, self.col
        today = ctx.today()
        codes = ctx.codes
        default_village, titled = self.default_village, self.titled
        from_title = 0  # households that took the title's village
        pending: list[Problem] = []  # of the rows since the current household started
        batch: list[tuple[PlannedHousehold, list[Problem]]] = []
        carry: dict[str, str] = {}  # household-level values carried down merged cells
        current: PlannedHousehold | None = None
        seen_ids = SeenIds()  # ID number -> its first row: 12-18 bytes an ID, the one thing kept per row

        def problem(row: int, fld: str, message: str, value: Any = "", level: str = ERROR) -> None:
            pending.append(Problem(row, col(fld), FIELDS[fld][0], message, _norm(value), level))

        for excel_row, raw in loaded.data_rows():  # one lazy pass: one row in memory
            cell = {fld: (raw[i] if i < len(raw) else "") for fld, i in mapping.items()}
            text = {fld: _norm(v) for fld, v in cell.items()}
            if not any(text.values()):
                continue  # blank line
            total = _total_label(raw)
            if total:
                pending.append(Problem(excel_row, "", "", f"“{total}”行，不是户，已跳过", total, NOTE))
                continue
            if not text.get("name") and not text.get("id_number") and not text.get("head_name"):
                continue  # a note line
            # a new household starts where a household number changes or a 户主 row appears
            starts = current is None
            if text.get("household_no") and text["household_no"] != carry.get("household_no"):
                starts = True
            elif not text.get("household_no") and text.get("relation") == "户主":
                starts = True
            elif text.get("head_name") and text["head_name"] != carry.get("head_name") and not text.get("household_no"):
                starts = True
            if starts:
                carry = {}
                if current is None:
                    if pending:
                        yield None, pending
                else:
                    batch.append((current, pending))
                    if len(batch) >= BATCH:
                        yield from self._checked(batch)
                        batch = []
                pending = []
            for fld in HOUSEHOLD_LEVEL:
                if text.get(fld):
                    carry[fld] = text[fld]
                elif fld in carry:
                    text[fld] = carry[fld]
            if starts:
                village_label = text.get("village", "")
                village = villages.get(village_label) if village_label else default_village
                if not village_label and titled is not None:
                    from_title += 1
                if village is None and village_label:
                    problem(excel_row, "village", f"找不到村「{village_label}」，请先在设置中登记该村", village_label)
                elif village is None and "village" in mapping:
                    problem(excel_row, "village", "村名为空，请填写村名或用“村”选项指定导入到哪个村")
                current = PlannedHousehold(
                    first_row=excel_row, household_no=text.get("household_no", ""),
                    village_id=village[0] if village else None,
                    village_label=village_label or (village[1] if village else ""),
                    head_name=text.get("head_name", ""), values={}, members=[])
                for fld in ("attribute", "main_cause", "phone", "bank_account"):
                    if text.get(fld):
                        current.values[fld] = text[fld]
                if text.get("size"):
                    try:
                        current.values["size"] = int(float(text["size"]))
                    except ValueError:
                        problem(excel_row, "size", f"家庭人口应为数字，实际为“{text['size']}”", text["size"], NOTE)
                if text.get("identified_year"):
                    try:
                        current.values["identified_year"] = int(float(text["identified_year"]))
                    except ValueError:
                        problem(excel_row, "identified_year", "识别年度应为四位年份", text["identified_year"], NOTE)
                if current.village_id is None:
                    current.valid = False

            name = text.get("name") or (text.get("head_name") if "name" not in mapping else "")
            if not name:
                problem(excel_row, "name", "姓名为空")
                current.valid = False
                continue
            refused = _cell_problems(text)
            if refused:  # refused, never cut: the row is listed in the report with the field and why
                for fld, message, value in refused:
                    problem(excel_row, fld, message, value)
                current.valid = False
                continue
            raw_id = cell.get("id_number")
            number = ""
            birth = None
            gender = text.get("gender", "")
            if isinstance(raw_id, (int, float)) and not isinstance(raw_id, bool) or looks_like_excel_mangled(raw_id):
                problem(excel_row, "id_number", "身份证号被Excel按数字保存，最后几位已丢失，请把该列设为文本后从原始资料重新录入",
                        raw_id)
                current.valid = False
            else:
                try:
                    info = parse_id(raw_id, today=today)
                    number, birth, gender = info.number, info.birth_date, gender or info.gender
                    if gender and gender != info.gender:
                        problem(excel_row, "gender", f"性别“{gender}”与身份证号（{info.gender}）不符", gender, NOTE)
                except InvalidIdNumber as exc:
                    problem(excel_row, "id_number", exc.problem, raw_id)
                    current.valid = False
            if number:
                key = int(number[:17]) * 11 + ("0123456789X".index(number[17]) if len(number) == 18 else 0)
                first = seen_ids.first_row(key, excel_row)
                if first:
                    problem(excel_row, "id_number", f"与第{first}行的身份证号重复", number)
                    current.valid = False
            if text.get("birth_date") and birth is None:
                try:
                    birth = parse_date(cell["birth_date"], "出生日期")
                except InputError as exc:
                    problem(excel_row, "birth_date", exc.problem, cell["birth_date"], NOTE)
            relation = text.get("relation", "") or ("户主" if not current.members else "")
            for fld, list_name in CODE_LISTS.items():
                value = relation if fld == "relation" else text.get(fld, "")
                if value and not codes.is_valid(list_name, value):
                    problem(excel_row, fld, f"“{value}”不在{list_name}代码表中（已保留，请核对）", value, NOTE)
            extra = {f: text[f] for f in ("ethnicity", "education", "health", "labour_skill", "phone") if text.get(f)}
            current.members.append(PlannedMember(excel_row, name, number, relation, gender, birth, extra))
            if relation == "户主" and not current.head_name:
                current.head_name = name

        if current is not None:
            batch.append((current, pending))
        elif pending:
            yield None, pending
        yield from self._checked(batch)
        if from_title:
            self.file_problems.append(Problem(self.header_row, "标题", "村", f"{from_title} 户没有填村名，按标题"
                                              f"「{titled[0]}」记入{titled[1]}", titled[0], NOTE))

    def _checked(self, batch: list[tuple[PlannedHousehold, list[Problem]]]):
        """A batch of households read: matched against the registry, sizes compared, problems in row order."""
        for h, _ in batch:
            h.rows_read = len(h.members)
        _check_against_registry(self.ctx, batch, self.col)
        for h, problems in batch:
            if not h.head_name and h.members:
                h.head_name = h.members[0].name
            size = h.values.get("size")
            if size and size != len(h.members) and h.existing_id is None:
                problems.append(Problem(h.first_row, self.col("size"), "家庭人口",
                                        f"家庭人口填写为{size}，但名册中有{len(h.members)}人（按实际人数登记）",
                                        str(size), NOTE))
            problems.sort(key=lambda p: (p.row, p.level != ERROR))
            yield h, problems


TOTAL_LABELS = ("合计", "小计", "总计", "共计")


def _total_label(raw: list[Any]) -> str:
    """“合计” when the row is a total line (its first few cells say so), else ""."""
    for value in raw[:6]:
        if not isinstance(value, str) or "计" not in value:  # every label ends in 计 (NFKC keeps it)
            continue
        text = _norm(value)
        if text and text.rstrip(":：") in TOTAL_LABELS or any(text.startswith(t + "：") or text.startswith(t + ":")
                                                                 for t in TOTAL_LABELS):
            return text[:10]
    return ""


def _village_in_title(ctx: AppContext, loaded: Loaded) -> tuple[str, str] | None:
    """(title, village name) when the lines above the header name exactly one registered village."""
    with ctx.read() as s:
        names = [_norm(n) for n in s.execute(select(Village.name).where(Village.voided == False)).scalars()]  # noqa: E712
    for row in loaded.head[:loaded.header_row]:
        for value in row:
            title = _norm(value)
            if not title:
                continue
            found = {n for n in names if n and n in title}
            found = {n for n in found if not any(n != m and n in m for m in found)}  # 寨村 inside 新寨村
            # 新寨村 inside 新寨村委会 is the same village; two different names say nothing
            if len(found) == 1:
                return title, found.pop()
            if len(found) > 1:
                return None
    return None


def _check_against_registry(ctx: AppContext, batch: list[tuple[PlannedHousehold, list[Problem]]], col) -> None:
    """Match households already registered; an ID living in another household is an error (in its problems)."""
    numbers = [m.id_number for h, _ in batch for m in h.members if m.id_number]
    nos = [h.household_no for h, _ in batch if h.household_no]
    known: dict[str, tuple[int, str, str]] = {}
    by_no: dict[str, int] = {}
    with ctx.read() as s:
        for chunk in range(0, len(numbers), 900):
            for number, hid, no, head in s.execute(
                    select(Member.id_number, Household.id, Household.household_no, Household.head_name)
                    .join(Household, Member.household_id == Household.id)
                    .where(Member.voided == False, Member.id_number.in_(numbers[chunk:chunk + 900]))):  # noqa: E712
                known[number] = (hid, no, head)
        for chunk in range(0, len(nos), 900):
            by_no.update(dict(s.execute(select(Household.household_no, Household.id)
                                        .where(Household.household_no.in_(nos[chunk:chunk + 900]))).all()))
    for h, problems in batch:
        existing = by_no.get(h.household_no) if h.household_no else None
        if existing is None:  # no household number: the head's ID finds the household
            head_hits = {known[m.id_number][0] for m in h.members if m.id_number in known}
            if len(head_hits) == 1 and not h.household_no:
                existing = head_hits.pop()
        h.existing_id = existing
        fresh = []
        for m in h.members:
            hit = known.get(m.id_number)
            if hit is None:
                fresh.append(m)
            elif hit[0] != existing:
                problems.append(Problem(m.row, col("id_number"), "身份证号",
                                        f"{m.name}（{m.id_number}）已登记在户编号 {hit[1]}（户主 {hit[2]}）中，一人只能在一户",
                                        m.id_number))
                h.valid = False
        if existing is not None:
            h.members = fresh  # only people not yet registered are added


# --------------------------------------------------------------------------- writing


# Rows per INSERT: building every row of 20,000 households as dicts first (and
# SQLAlchemy's bound copy of them) took ~200 MB; a chunk at a time stays flat.
_CHUNK = 2000


def import_roster(ctx: AppContext, plan: Plan) -> ImportSummary:
    """Write every valid household in one transaction; rows with errors are left out."""
    from fupin_tui.services.registry import search_text

    pattern = _pattern(ctx)
    source = plan.loaded.path.name
    with ctx.transaction() as s:
        conn = s.connection()
        # household numbers in use: looked up only when the file leaves some out and the app numbers
        # them (a set of the whole registry and file was the import's other per-row growth)
        taken: set[str] | None = None
        seq_by_village: dict[int, int] = defaultdict(int)
        codes = dict(conn.execute(select(Village.id, Village.code)).all())
        next_id = conn.execute(select(func.coalesce(func.max(Household.id), 0))).scalar_one() + 1
        h_rows, m_rows = [], []
        households = members = added_to_existing = 0

        def flush() -> None:
            # households first: the members of this chunk refer to them
            if h_rows:
                conn.execute(insert(Household), h_rows)
                h_rows.clear()
            if m_rows:
                conn.execute(insert(Member), m_rows)
                m_rows.clear()

        skipped = held = 0
        held_lines: list[str] = []
        for h, problems in plan.walk():  # the file read and checked again, a batch at a time
            if h is None:
                continue
            if not h.valid:
                skipped += 1
                line = _held_back(h, problems)
                if line:
                    held += 1
                    held_lines += [line][:HELD_BACK_SHOWN - len(held_lines)]
                continue
            if h.existing_id is not None:
                for m in h.members:
                    m_rows.append(_member_row(h.existing_id, m, ctx.operator))
                    members += 1
                    added_to_existing += 1
            else:
                number = h.household_no
                if not number:
                    if taken is None:  # the registry as written so far: earlier households of the file included
                        flush()
                        taken = set(conn.execute(select(Household.household_no)).scalars())
                    while True:
                        seq_by_village[h.village_id] += 1
                        number = pattern.format(village_code=codes[h.village_id], seq=seq_by_village[h.village_id],
                                                year=ctx.today().year)
                        if number not in taken:
                            break
                if taken is not None:
                    taken.add(number)
                names = [m.name for m in h.members]
                h_rows.append(dict(
                    id=next_id, household_no=number, village_id=h.village_id, head_name=h.head_name, status="在册",
                    status_since=ctx.today(), size=len(h.members), identified_year=h.values.get("identified_year"),
                    attribute=h.values.get("attribute", "一般贫困户"), main_cause=h.values.get("main_cause", ""),
                    phone=h.values.get("phone", ""), bank_account=h.values.get("bank_account", ""),
                    entered_by=ctx.operator, created_by=ctx.operator, remarks=f"由花名册 {source} 导入",
                    search_keys=search_text(number, names, [m.id_number for m in h.members])))
                households += 1
                for m in h.members:
                    m_rows.append(_member_row(next_id, m, ctx.operator))
                    members += 1
                next_id += 1
            if len(m_rows) >= _CHUNK:
                flush()
        flush()
        summary = ImportSummary(households, members - added_to_existing, added_to_existing, skipped, held_lines, held)
        write_audit(s, "household", "", "导入", note=f"花名册 {source}：{summary.text()}",
                    after={"households": households, "members": members})
    return summary


def _member_row(household_id: int, m: PlannedMember, operator: str) -> dict:
    return dict(household_id=household_id, name=m.name, id_number=m.id_number, gender=m.gender,
                birth_date=m.birth_date, relation=m.relation, ethnicity=m.extra.get("ethnicity", "汉族"),
                education=m.extra.get("education", ""), health=m.extra.get("health", "健康"),
                labour_skill=m.extra.get("labour_skill", ""), phone=m.extra.get("phone", ""),
                created_by=operator)


def _cell_problems(text: dict[str, str]) -> list[tuple[str, str, str]]:
    """(field, problem, value shown) for each cell too long or with hidden characters."""
    out = []
    for fld, value in text.items():
        if len(value) > CELL_LIMIT:
            out.append((fld, f"内容有 {len(value)} 个字，超过 {CELL_LIMIT} 个字的上限（未截断，整行未导入）",
                        _shown(value)))
            continue
        bad = text_check.bad_character(value, multiline=False)
        if bad:
            out.append((fld, f"含有不能保存的字符（{bad}），整行未导入，请在表格中删除后重新导入", _shown(value)))
    return out


def _shown(value: str, limit: int = 60) -> str:
    """A value as the report shows it: long ones shortened, saying how long they are."""
    return value if len(value) <= limit else f"{value[:limit]}……（共 {len(value)} 个字）"


def write_problems(plan: Plan, path: Path | str) -> Path:
    """The problems as a print-ready workbook the clerk can work through.

    Any number of problems fits: the first ``REPORT_ROWS`` are listed, a last line says how many
    more there are (a sheet holds 1,048,576 rows; a report nobody can read through helps nobody).
    """
    path = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = "问题清单"
    problems, total = plan.problems[:REPORT_ROWS], plan.problem_count
    rows = ([p.row, p.column, p.field, p.level, p.message, _shown(p.value, 200)] for p in problems)
    if total > len(problems):
        more = total - len(problems)
        rows = itertools.chain(rows, [[None, "", "", "", f"另有 {more} 个问题未列出（共 {total} 个）；"
                                                          "请先改正以上问题后重新预览", ""]])
    # a 原值 holding a control character loses it in the sheet; its own line already says so
    # (含有不能保存的字符 …, ``_cell_problems``), so what the writer reports is taken here, not left behind
    with collect_stripped():
        write_table(ws, title="花名册导入问题清单", subtitle=f"文件 {plan.loaded.path.name}  工作表 {plan.loaded.sheet}",
                    columns=[Column("行号", kind="int"), Column("列"), Column("字段"), Column("级别"),
                             Column("问题", width=60), Column("原值", kind="id")],
                    rows=rows, signatures=("核对人", "日期"))
    save_workbook(wb, path)  # ID numbers and names: owner-only (0600)
    return path


def report_path(ctx: AppContext, source: Path) -> Path:
    """In the export folder (打印 beside the database), never beside the source file (the county's stick)."""
    from fupin_tui.excel.project_print import print_dir

    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return print_dir(ctx) / safe_name(Path(source).stem, "导入问题", stamp, ext=".xlsx")
