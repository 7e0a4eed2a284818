"""The one configuration loader, for the app and every command (check, export, import-roster, import-package).

County-set data lives in the database, so a township database and a county
database each carry their own: policy values (``PolicyOverride``), and here the
holiday schedule and the code lists (``appsetting`` rows ``config.holidays`` and
``config.codes``: the file's text, name, checksum and when it was imported;
audited). Files are only how it arrives: a ``holidays.toml`` or ``codes.toml``
in the config folder that differs from what the database holds is imported at
start, with a notice. Then the calendar and the code lists are configured from
the database, the config folder's files on top (the newest arrival on this PC).

    loaded = configuration.load(db_path)      # or load(db_path, db=open Database)
    loaded.notices      # Chinese lines: what was imported now, files that could not be used
    loaded.files        # LoadedFile rows for 设置: file, what, years/version, source, status
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

HOLIDAYS, CODES = "holidays.toml", "codes.toml"
KEYS = {HOLIDAYS: "config.holidays", CODES: "config.codes"}
WHAT = {HOLIDAYS: "节假日安排", CODES: "代码表"}
STATUS = {"official": "正式", "provisional": "暂定"}


@dataclass(frozen=True)
class LoadedFile:
    file: str  # holidays.toml / codes.toml
    what: str  # 节假日安排 / 代码表
    detail: str  # 2027—2028年 / 版本 2026.1
    source: str  # the notice named in the file, or the code-list version
    status: str  # 正式 / 暂定 / ""
    origin: str  # where it came from (path at import time)
    imported_at: str


@dataclass
class LoadedConfig:
    config_dir: Path
    files: list[LoadedFile] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _stored(db_path: Path) -> dict[str, dict]:
    out: dict[str, dict] = {}
    try:
        con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=10)
    except sqlite3.DatabaseError:
        return out
    try:
        for name, key in KEYS.items():
            try:
                row = con.execute("SELECT value FROM appsetting WHERE key = ?", (key,)).fetchone()
            except sqlite3.DatabaseError:
                return out
            if row:
                try:
                    out[name] = json.loads(row[0])
                except ValueError:
                    pass
    finally:
        con.close()
    return out


def _parse(name: str, text: str, origin: str):
    from fupin_tui.domain import codes, workdays

    if name == HOLIDAYS:
        return workdays.parse_holiday_toml(text, origin)
    return codes.parse_codes_toml(text, origin)


def _describe(name: str, parsed, entry: dict) -> LoadedFile:
    if name == HOLIDAYS:
        years = sorted(y.year for y in parsed)
        span = f"{years[0]}年" if len(years) == 1 else f"{years[0]}—{years[-1]}年"
        statuses = {STATUS.get(y.status, y.status) for y in parsed}
        sources = "；".join(dict.fromkeys(y.source for y in parsed))
        return LoadedFile(name, WHAT[name], span, sources, "、".join(sorted(statuses)), entry.get("origin", ""),
                          entry.get("imported_at", ""))
    return LoadedFile(name, WHAT[name], f"版本 {parsed.version or '未注明'}，{len(parsed.lists)} 个代码表",
                      "、".join(list(parsed.lists)[:4]), "", entry.get("origin", ""), entry.get("imported_at", ""))


def _store(db, name: str, entry: dict, before: dict | None, operator: str) -> None:
    from fupin_tui.db import write_audit

    with db.session(operator or "配置导入") as s:
        s.connection().exec_driver_sql("INSERT OR REPLACE INTO appsetting (key, value) VALUES (?, ?)",
                                       (KEYS[name], json.dumps(entry, ensure_ascii=False)))
        write_audit(s, "appsetting", KEYS[name], "导入", note=f"{WHAT[name]}：从 {entry['origin']} 导入",
                    before=None if before is None else {"sha256": before.get("sha256"), "origin": before.get("origin")},
                    after={"sha256": entry["sha256"], "origin": entry["origin"]})


def import_text(db, name: str, text: str, origin: str, operator: str = "") -> bool:
    """Keep ``text`` (a holidays.toml / codes.toml) in the database; False when it was there already.

    Raises the domain's HolidayFileError / CodesFileError when the text cannot be used.
    """
    _parse(name, text, origin)
    before = _stored(Path(db.path)).get(name)
    digest = _sha(text)
    if before and before.get("sha256") == digest:
        return False
    entry = {"text": text, "sha256": digest, "origin": origin,
             "imported_at": datetime.now().replace(microsecond=0).isoformat(sep=" ")}
    _store(db, name, entry, before, operator)
    return True


def kind_of(path: Path, text: str) -> str:
    """HOLIDAYS or CODES: by the file's name, else by its content (a code list has ``[lists]``)."""
    import tomllib

    name = path.name.lower()
    for known in (HOLIDAYS, CODES):
        if name.endswith(known):
            return known
    try:
        return CODES if "lists" in tomllib.loads(text) else HOLIDAYS
    except tomllib.TOMLDecodeError:
        return HOLIDAYS  # its parser names the format error


def import_file(db, path: Path | str, operator: str = "") -> str:
    """设置 → 配置 → 导入: a holidays.toml or codes.toml the clerk names, kept in the database.

    Returns the Chinese line to show; raises ``InputError`` (field 文件) naming the problem, with
    nothing stored. The caller reconfigures (``load``) so the calendar or code lists apply at once."""
    from fupin_tui.domain.errors import DomainError, InputError

    path = Path(str(path).strip().strip('"')).expanduser()
    if not str(path).strip() or str(path) == ".":
        raise InputError("文件", "请输入节假日安排（holidays.toml）或代码表（codes.toml）文件的路径")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError("文件", f"找不到 {path}") from None
    except IsADirectoryError:
        raise InputError("文件", f"{path} 是文件夹，请输入文件的路径") from None
    except UnicodeDecodeError:
        raise InputError("文件", f"{path} 不是 UTF-8 文本（请用记事本另存为 UTF-8）") from None
    except OSError as exc:
        raise InputError("文件", f"无法读取 {path}（{exc.strerror or exc}）") from None
    name = kind_of(path, text)
    try:
        changed = import_text(db, name, text, str(path), operator)
    except DomainError as exc:
        raise InputError("文件", str(exc)) from None
    if not changed:
        return f"{path} 与数据库中已有的{WHAT[name]}相同，未作改动。"
    return f"已导入{WHAT[name]}：{path}（保存在数据库中，程序和命令行都使用这一份）。"


def load(db_path: Path | str, db=None, config_dir: Path | None = None, operator: str = "") -> LoadedConfig:
    """Import changed files from the config folder into the database, then configure calendar and codes."""
    from fupin_tui.config import config_dir as default_config_dir
    from fupin_tui.domain import codes, workdays
    from fupin_tui.domain.errors import DomainError

    db_path = Path(db_path)
    folder = Path(config_dir) if config_dir is not None else default_config_dir()
    loaded = LoadedConfig(folder)
    stored = _stored(db_path) if db_path.exists() else {}
    for name in (HOLIDAYS, CODES):
        path = folder / name
        if not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8-sig")
            _parse(name, text, path.name)
        except (OSError, UnicodeDecodeError, DomainError) as exc:
            loaded.notices.append(f"配置文件夹中的 {path} 无法使用，未导入：{exc}")
            continue
        entry = stored.get(name, {})
        # the file as it was imported before (file_sha256: the database's copy came later, from a county update)
        if _sha(text) in (entry.get("sha256"), entry.get("file_sha256")) or not db_path.exists():
            continue
        own = db is None
        try:
            from fupin_tui.opening import open_database

            target = open_database(db_path, create=False) if own else db
            try:
                import_text(target, name, text, str(path), operator)
            finally:
                if own:
                    target.close()
            loaded.notices.append(f"已从配置文件夹导入{WHAT[name]}：{path}（保存在数据库中）。")
        except DomainError as exc:
            loaded.notices.append(f"{path} 未能保存到数据库（{exc}），本次照常使用。")
    stored = _stored(db_path) if db_path.exists() else {}
    years, code_file = [], None
    for name, entry in stored.items():
        try:
            parsed = _parse(name, entry["text"], entry.get("origin") or name)
        except (DomainError, KeyError) as exc:
            loaded.notices.append(f"数据库中保存的{WHAT[name]}无法使用（{exc}），已改用软件自带的。")
            continue
        loaded.files.append(_describe(name, parsed, entry))
        if name == HOLIDAYS:
            years = parsed
        else:
            code_file = parsed
    workdays.use_stored(years)
    codes.use_stored(code_file, "数据库（导入自 " + stored.get(CODES, {}).get("origin", "") + "）")
    workdays.configure(user_dirs=[folder])
    codes.configure(user_dirs=[folder])
    return loaded


KEYMAP = "keymap.toml"


def load_keymap(config_dir: Path | None = None) -> tuple[dict[str, str], list[str]]:
    """keymap.toml of the config folder: (remaps to apply, Chinese problems to show at start).

    Per computer, not per database (a clerk's keys), and needed before the app builds its
    bindings, so read before the database is opened; checked by ``keymap.read_keymap``
    (unknown ids, bad key names, clashes: refused and named, the default key stays)."""
    from fupin_tui import keymap
    from fupin_tui.config import config_dir as default_dir

    return keymap.read_keymap((config_dir or default_dir()) / KEYMAP)
