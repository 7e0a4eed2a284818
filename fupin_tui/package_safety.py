"""Incoming packages (a township's 上报包 at the county, the county's 更新包 at a township): trust nothing.

Every zip that arrives on a USB stick is checked here before a byte of it is
used, by the county merge (``excel.merge``) and the township's update import
(``services.update_import``) alike:

- the zip itself: readable, not too big, a limited number of members, no
  member with an absolute path, ``..``, a drive letter, a symlink, a size or
  compression ratio of a zip bomb (also inside a nested workbook, which is a
  zip too), no duplicate names, nothing the manifest does not list;
- the manifest: ours, of a format version this release knows, its fields of
  the right types, each listed file present with its size and SHA-256;
- the township code: 9 digits, the one of the receiving database when there is one;
- the period: a real month or date, not in the future, not before 建档立卡
  began, its start not after its end.

Every refusal is a ``PackageRefused`` naming the file and the problem in Chinese.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import stat
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path, PurePosixPath

from fupin_tui.domain.errors import DomainError

MAX_PACKAGE_BYTES = 500 * 1024 * 1024
MAX_MEMBERS = 64  # a package holds a handful of workbooks and one manifest
MAX_MEMBER_BYTES = 400 * 1024 * 1024  # uncompressed, per member
MAX_TOTAL_BYTES = 1024 * 1024 * 1024  # uncompressed, all members
MAX_RATIO = 200  # uncompressed / compressed: workbooks reach ~20, a bomb thousands
MAX_NESTED_MEMBERS = 5000  # parts inside one workbook
EARLIEST = date(2014, 1, 1)  # 建档立卡 began in 2014: no township's package can be older
CODE = re.compile(r"\d{9}")


class PackageRefused(DomainError):
    """A package that cannot be used; the message names the package and the failing part."""


def refuse(name: str, problem: str, what: str = "上报包") -> PackageRefused:
    return PackageRefused(f"{what} {name} 被拒绝：{problem}")


# --------------------------------------------------------------------------- the zip


def _unsafe_name(name: str) -> str | None:
    """Why a member name is unsafe to use, or None."""
    if not name or "\x00" in name:
        return "文件名为空或含控制字符"
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        return "使用绝对路径"
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if ".." in parts:
        return "路径含“..”（指向包外）"
    return None


def check_members(zf: zipfile.ZipFile, name: str, what: str = "上报包", *, max_members: int = MAX_MEMBERS,
                  nested: str = "") -> list[zipfile.ZipInfo]:
    """Refuse unsafe members; return the members (``nested``: the workbook they sit in, for the message)."""
    where = f"{nested} 中的" if nested else ""
    infos = zf.infolist()
    if len(infos) > max_members:
        raise refuse(name, f"{where}文件数 {len(infos)} 超过上限 {max_members}（可能是压缩炸弹）", what)
    seen: set[str] = set()
    total = 0
    for info in infos:
        problem = _unsafe_name(info.filename)
        if problem:
            raise refuse(name, f"{where}成员“{info.filename}”{problem}，不安全", what)
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise refuse(name, f"{where}成员“{info.filename}”是符号链接，不安全", what)
        if info.filename in seen:
            raise refuse(name, f"{where}成员“{info.filename}”重复出现", what)
        seen.add(info.filename)
        if info.file_size > MAX_MEMBER_BYTES:
            raise refuse(name, f"{where}成员“{info.filename}”解压后过大（{info.file_size} 字节）", what)
        if info.compress_size and info.file_size / info.compress_size > MAX_RATIO and info.file_size > 1 << 20:
            raise refuse(name, f"{where}成员“{info.filename}”压缩比异常（可能是压缩炸弹）", what)
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise refuse(name, f"{where}解压后总大小超过上限（可能是压缩炸弹）", what)
    return infos


def open_zip(path: Path | str, what: str = "上报包") -> zipfile.ZipFile:
    """The package opened as a zip whose members were all checked; the caller closes it."""
    path = Path(path)
    if not path.is_file():
        raise refuse(path.name, "文件不存在", what)
    if path.stat().st_size > MAX_PACKAGE_BYTES:
        raise refuse(path.name, "文件过大", what)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise refuse(path.name, "不是完整的 zip 文件（可能复制不完整）", what) from None
    try:
        check_members(zf, path.name, what)
    except BaseException:
        zf.close()
        raise
    return zf


def check_nested(data: bytes, file: str, name: str, what: str = "上报包") -> None:
    """A workbook inside the package is a zip too: the same checks, so a nested bomb is refused."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as inner:
            check_members(inner, name, what, max_members=MAX_NESTED_MEMBERS, nested=file)
    except zipfile.BadZipFile:
        raise refuse(name, f"文件 {file} 不是有效的工作簿", what) from None


# --------------------------------------------------------------------------- the manifest


def read_manifest(zf: zipfile.ZipFile, name: str, manifest: str, fmt: str, max_version: int,
                  what: str = "上报包") -> tuple[dict, str]:
    """(manifest, its SHA-256) once it is ours and of a version this release reads."""
    try:
        raw = zf.read(manifest)
    except KeyError:
        raise refuse(name, f"缺少 {manifest}", what) from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise refuse(name, f"{manifest} 已损坏", what) from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise refuse(name, f"{manifest} 不是有效的清单", what) from None
    if not isinstance(data, dict) or data.get("format") != fmt:
        raise refuse(name, f"不是本软件生成的{what}", what)
    version = data.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise refuse(name, f"格式版本“{version}”无法识别", what)
    if version > max_version:
        raise refuse(name, f"格式版本 {version} 比本软件新（本软件支持到 {max_version}），请升级软件", what)
    return data, hashlib.sha256(raw).hexdigest()


def require(data: dict, key: str, kind: type, name: str, what: str = "上报包", where: str = "清单"):
    """A manifest field of the right type, or a refusal naming it (never a KeyError: 程序出错)."""
    value = data.get(key) if isinstance(data, dict) else None
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool or value in ("", None):
        raise refuse(name, f"{where}缺少“{key}”或其值无效", what)
    return value


def township_of(data: dict, name: str, what: str = "上报包") -> tuple[str, str, str]:
    """(code, name, county) from the manifest, each checked."""
    town = require(data, "township", dict, name, what)
    code = str(require(town, "code", str, name, what, "清单的乡镇"))
    if not CODE.fullmatch(code):
        raise refuse(name, f"乡镇代码“{code}”应为 9 位数字", what)
    town_name = str(require(town, "name", str, name, what, "清单的乡镇")).strip()
    return code, town_name, str(town.get("county") or "")


def check_township(code: str, own_code: str, name: str, what: str = "更新包") -> None:
    if own_code and code != own_code:
        raise refuse(name, f"是乡镇 {code} 的，本数据库是乡镇 {own_code}", what)


def verify_files(zf: zipfile.ZipFile, entries: list, name: str, what: str = "上报包",
                 manifest: str = "manifest.json", nested_zip: bool = True) -> dict[str, bytes]:
    """Every file the manifest lists, with its size and SHA-256 checked; nothing unlisted in the zip."""
    if not isinstance(entries, list):
        raise refuse(name, "清单的文件列表无效", what)
    listed = {}
    for entry in entries:
        file = require(entry, "file", str, name, what, "清单的文件项")
        if _unsafe_name(file):
            raise refuse(name, f"清单中的文件名“{file}”不安全", what)
        sha = require(entry, "sha256", str, name, what, f"清单中 {file} 的")
        size = entry.get("bytes")
        if not isinstance(size, int) or size < 0:
            raise refuse(name, f"清单中 {file} 的大小无效", what)
        listed[file] = (sha, size)
    extra = sorted(set(zf.namelist()) - set(listed) - {manifest})
    if extra:
        raise refuse(name, f"包中有清单未列出的文件：{'、'.join(extra[:5])}", what)
    out = {}
    for file, (sha, size) in listed.items():
        try:
            data = zf.read(file)
        except KeyError:
            raise refuse(name, f"缺少文件 {file}", what) from None
        except (zipfile.BadZipFile, OSError, EOFError, ValueError):
            raise refuse(name, f"文件 {file} 已损坏（校验失败）", what) from None
        if len(data) != size or hashlib.sha256(data).hexdigest() != sha:
            raise refuse(name, f"文件 {file} 与清单的 SHA-256 不符（被修改或不完整）", what)
        if nested_zip and file.endswith(".xlsx"):
            check_nested(data, file, name, what)
        out[file] = data
    return out


# --------------------------------------------------------------------------- periods


def _month(text: str) -> date | None:
    m = re.fullmatch(r"(\d{4})-(\d{2})", text or "")
    if not m or not 1 <= int(m.group(2)) <= 12:
        return None
    return date(int(m.group(1)), int(m.group(2)), 1)


def moment(value, name: str, field: str, what: str = "上报包") -> datetime:
    """An ISO time of the manifest (exported_at, created_at)."""
    try:
        return datetime.fromisoformat(str(value))
    except (TypeError, ValueError):
        raise refuse(name, f"清单的“{field}”不是有效的时间：{value}", what) from None


def check_month(period, name: str, today: date, *, exported: datetime | None = None,
                since: date | None = None, what: str = "上报包") -> str:
    """A 报送期 that can be true: a real YYYY-MM, not after today nor the export, not before ``since``."""
    first = _month(period if isinstance(period, str) else "")
    if first is None:
        raise refuse(name, f"报送期“{period}”不是有效的年月（应如 2026-11）", what)
    if first > today.replace(day=1):
        raise refuse(name, f"报送期 {period} 在今天（{today.isoformat()}）之后，不可能", what)
    if exported is not None and first > exported.date().replace(day=1):
        raise refuse(name, f"报送期 {period} 晚于导出时间 {exported.isoformat(sep=' ')}，不可能", what)
    floor = max(EARLIEST, since or EARLIEST)
    if first < floor.replace(day=1):
        raise refuse(name, f"报送期 {period} 早于{_floor_words(floor, since)}，不可能", what)
    return period


def check_span(start, end, name: str, today: date, *, since: date | None = None, what: str = "更新包") -> tuple[date, date]:
    """A period of two dates: real, start not after end, end not after today, start not before ``since``."""
    try:
        first, last = date.fromisoformat(str(start)), date.fromisoformat(str(end))
    except ValueError:
        raise refuse(name, f"期间“{start}至{end}”不是有效的日期", what) from None
    if first > last:
        raise refuse(name, f"期间开始 {first} 晚于结束 {last}", what)
    if last > today:
        raise refuse(name, f"期间结束 {last} 在今天（{today.isoformat()}）之后，不可能", what)
    floor = max(EARLIEST, since or EARLIEST)
    if first < floor:
        raise refuse(name, f"期间开始 {first} 早于{_floor_words(floor, since)}，不可能", what)
    return first, last


def check_created(created: datetime, name: str, today: date, what: str = "上报包") -> None:
    """A package made tomorrow or later: a wrong clock or a forgery (one day's grace for time zones)."""
    if created.date() > today + timedelta(days=1):
        raise refuse(name, f"生成时间 {created.isoformat(sep=' ')} 在今天（{today.isoformat()}）之后，不可能", what)


def _floor_words(floor: date, since: date | None) -> str:
    if since is not None and floor == since:
        return f"该乡镇开始使用本软件（{since.isoformat()}）"
    return f"建档立卡开始（{EARLIEST.year}年）"
