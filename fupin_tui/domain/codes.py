"""Code lists (致贫原因, 与户主关系, 项目类别 …) as versioned data, never constants.

The lists change between years of the national system, so they ship in
``data/codes.toml`` and a county can replace any list with a ``codes.toml``
in its settings folder (see ``configure``). Lookups compare NFKC-normalised,
stripped text so a full-width bracket or a stray space in an imported
workbook still matches; values not in a list are the caller's to flag,
never to drop (CODES.md).
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

from fupin_tui.config import shipped_file
from fupin_tui.domain.errors import DomainError

__all__ = [
    "CodeItem",
    "Codes",
    "CodesFileError",
    "clear_cache",
    "configure",
    "load_codes",
    "load_codes_file",
    "parse_codes_toml",
]

SHIPPED_FILE = shipped_file("codes.toml")
USER_FILE = "codes.toml"

_user_dirs: tuple[Path, ...] = ()


class CodesFileError(DomainError):
    """A code-list file cannot be used; the message names the file and the list."""


@dataclass(frozen=True)
class CodeItem:
    label: str
    code: str | None = None
    flags: Mapping[str, bool] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class CodeFile:
    version: str | None
    lists: Mapping[str, tuple[CodeItem, ...]]


def _key(text: object) -> str:
    return unicodedata.normalize("NFKC", str(text)).strip()


# ---------------------------------------------------------------- files


def _parse_item(raw: object, where: str) -> CodeItem:
    if isinstance(raw, str):
        raw = {"label": raw}
    if not isinstance(raw, dict):
        raise CodesFileError(f"{where}：每一项应为文字或 {{label = ..., code = ...}}")
    label = raw.get("label")
    if not isinstance(label, str) or not label.strip():
        raise CodesFileError(f"{where}：缺少名称（label）")
    code = raw.get("code")
    if code is not None and not isinstance(code, str):
        raise CodesFileError(f"{where}“{label}”：编码请加引号，如 code = \"01\"，以免丢失前导0")
    flags = {k: v for k, v in raw.items() if k not in ("label", "code")}
    for k, v in flags.items():
        if not isinstance(v, bool):
            raise CodesFileError(f"{where}“{label}”：{k} 只能是 true 或 false")
    return CodeItem(label.strip(), code.strip() if code else None, MappingProxyType(flags))


def _parse_list(name: str, table: object, origin: str) -> tuple[CodeItem, ...]:
    where = f"{origin}［{name}］"
    if not isinstance(table, dict) or not isinstance(table.get("items"), list):
        raise CodesFileError(f"{where}：缺少 items 列表")
    if set(table) - {"items", "note"}:
        raise CodesFileError(f"{where}：无法识别的项目 {'、'.join(sorted(set(table) - {'items', 'note'}))}")
    items = tuple(_parse_item(raw, where) for raw in table["items"])
    if not items:
        raise CodesFileError(f"{where}：列表不能为空")
    labels = [_key(i.label) for i in items]
    codes = [i.code for i in items if i.code is not None]
    for seen, what in ((labels, "名称"), (codes, "编码")):
        dup = next((x for x in seen if seen.count(x) > 1), None)
        if dup is not None:
            raise CodesFileError(f"{where}：{what}“{dup}”重复")
    return items


def parse_codes_toml(text: str, origin: str = "代码表文件") -> CodeFile:
    """Validate the text of a code-list file; raises CodesFileError in Chinese."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CodesFileError(f"{origin}：格式错误（{exc}）") from None
    unknown = set(doc) - {"version", "lists"}
    if unknown:
        raise CodesFileError(f"{origin}：无法识别的项目 {'、'.join(sorted(unknown))}")
    version = doc.get("version")
    if version is not None and not isinstance(version, str):
        raise CodesFileError(f"{origin}：version 应加引号，如 version = \"2019\"")
    lists = doc.get("lists", {})
    if not isinstance(lists, dict) or not lists:
        raise CodesFileError(f'{origin}：没有任何代码表（[lists."名称"]）')
    parsed = {name: _parse_list(name, table, origin) for name, table in lists.items()}
    return CodeFile(version, MappingProxyType(parsed))


def load_codes_file(path: Path) -> CodeFile:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise CodesFileError(f"{path.name}：无法读取（{exc.strerror or exc}）") from None
    except UnicodeDecodeError:
        raise CodesFileError(f"{path.name}：不是UTF-8编码的文本文件") from None
    return parse_codes_toml(text, path.name)


# ---------------------------------------------------------------- the lists


class Codes:
    """All code lists of one configuration; read-only."""

    def __init__(self, version: str, lists: Mapping[str, tuple[CodeItem, ...]],
                 sources: Mapping[str, str]):  # fmt: skip
        self.version = version
        self._lists = dict(lists)
        self._sources = dict(sources)
        self._by_key = {n: {_key(i.label): i for i in items} for n, items in self._lists.items()}

    def _list(self, list_name: str) -> tuple[CodeItem, ...]:
        try:
            return self._lists[list_name]
        except KeyError:
            raise DomainError(f"没有名为“{list_name}”的代码表") from None

    def names(self) -> list[str]:
        return list(self._lists)

    def items(self, list_name: str) -> list[str]:
        """Labels in display order."""
        return [i.label for i in self._list(list_name)]

    def entries(self, list_name: str) -> list[CodeItem]:
        return list(self._list(list_name))

    def canonical(self, list_name: str, value: object) -> str | None:
        """The list's own spelling of ``value`` (full-width brackets, spaces tolerated)."""
        self._list(list_name)
        item = self._by_key[list_name].get(_key(value)) if value is not None else None
        return item.label if item else None

    def is_valid(self, list_name: str, value: object) -> bool:
        return self.canonical(list_name, value) is not None

    def code_of(self, list_name: str, label: object) -> str | None:
        """National code of a label, or None when the label or the code is unknown."""
        self._list(list_name)
        item = self._by_key[list_name].get(_key(label))
        return item.code if item else None

    def label_of(self, list_name: str, code: object) -> str | None:
        """Label for a code, e.g. when a workbook from the national system holds codes."""
        wanted = _key(code)
        return next((i.label for i in self._list(list_name) if i.code == wanted), None)

    def flag(self, list_name: str, label: object, flag: str) -> bool:
        """A boolean attribute of an item, e.g. ``roster`` of a 支出类别."""
        self._list(list_name)
        item = self._by_key[list_name].get(_key(label))
        return bool(item and item.flags.get(flag, False))

    def source_of(self, list_name: str) -> str:
        """Which file the list came from, for the settings screen."""
        self._list(list_name)
        return self._sources[list_name]


def configure(user_dirs: Iterable[Path] = ()) -> None:
    """Set the folders searched for a county ``codes.toml`` (first wins)."""
    global _user_dirs
    _user_dirs = tuple(Path(p) for p in user_dirs)
    clear_cache()


_stored: tuple[CodeFile, str] | None = None  # the database's code lists (fupin_tui.configuration) and their name


def use_stored(code_file: CodeFile | None, origin: str = "数据库") -> None:
    """Code lists kept in the database: over the shipped ones, under a ``codes.toml`` in a folder."""
    global _stored
    _stored = None if code_file is None else (code_file, origin)
    clear_cache()


def clear_cache() -> None:
    _load.cache_clear()


@functools.lru_cache(maxsize=8)
def _load(dirs: tuple[Path, ...]) -> Codes:
    shipped = load_codes_file(SHIPPED_FILE)
    lists = dict(shipped.lists)
    sources = dict.fromkeys(lists, "软件自带")
    version = shipped.version or "?"
    if _stored is not None:
        stored, origin = _stored
        lists.update(stored.lists)
        sources.update(dict.fromkeys(stored.lists, origin))
        version = stored.version or version
    for folder in reversed(dirs):  # earlier folders win, so apply them last
        path = folder / USER_FILE
        if path.is_file():
            override = load_codes_file(path)
            lists.update(override.lists)
            sources.update(dict.fromkeys(override.lists, str(path)))
            version = override.version or version
    return Codes(version, lists, sources)


def load_codes(extra_dirs: Iterable[Path] = ()) -> Codes:
    """The code lists: ``extra_dirs`` first, then configured folders, then shipped."""
    return _load(tuple(Path(p) for p in extra_dirs) + _user_dirs)
