"""Policy parameters of the county regulation (the right-hand column of RULES.md).

Defaults live in ``data/policy.toml`` so a county can see and change them
without a new release; overrides are validated here and the result is an
immutable ``Policy`` the rule engine reads by attribute (``policy.filing_wd``).
Rates are Decimal in Python and strings in storage: never floats.
"""

from __future__ import annotations

import functools
import json
import string
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

from fupin_tui.config import shipped_file
from fupin_tui.domain.errors import DomainError, InputError
from fupin_tui.domain.money import parse_amount, parse_decimal, parse_ratio

__all__ = [
    "ParamSpec",
    "Policy",
    "format_file_number",
    "from_storage",
    "load_defaults",
    "to_storage",
    "validate_value",
]

POLICY_FILE = shipped_file("policy.toml")
UNKNOWN_FIELD = "政策参数"
PATTERN_FIELDS = ("year", "township", "seq")
_INT_KINDS = {"workdays", "days", "months", "years", "times"}
_KINDS = _INT_KINDS | {"switch", "rate", "wan", "yuan", "rate_list", "ratio_table", "pattern", "year_table",
                       "text_list", "count_table"}
_PLACES = {"wan": 4, "yuan": 2}  # 万元 to the yuan, 元 to the fen


@dataclass(frozen=True)
class ParamSpec:
    name: str
    default: object
    kind: str
    label: str
    unit: str
    section: str
    min: object = None
    max: object = None


# ---------------------------------------------------------------- single values


def _pct(x: Decimal) -> str:
    return f"{(x * 100).normalize():f}%"


def _integer(spec: ParamSpec, raw: object) -> int:
    if isinstance(raw, bool):
        raise InputError(spec.label, "必须是整数")
    value = parse_decimal(str(raw), spec.label, places=0, allow_negative=True)
    if value < 0:
        raise InputError(spec.label, "不能为负数")
    if spec.min is not None and value < spec.min:
        raise InputError(spec.label, f"不能小于{spec.min}")
    if spec.max is not None and value > spec.max:
        raise InputError(spec.label, f"不能大于{spec.max}")
    return int(value)


_ON = {"true", "1", "是", "开", "开启", "on", "yes"}
_OFF = {"false", "0", "否", "关", "关闭", "off", "no"}


def _switch(label: str, raw: object) -> bool:
    """A county switch: true/false in the file, 是/否 (开/关) typed in settings."""
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in _ON:
        return True
    if text in _OFF:
        return False
    raise InputError(label, "应为“是”或“否”")


def _rate(label: str, raw: object) -> Decimal:
    if isinstance(raw, bool):
        raise InputError(label, "不是有效比例")
    return parse_ratio(str(raw), label)  # "5%", "0.05", Decimal and float alike


def _amount(spec: ParamSpec, raw: object) -> Decimal:
    value = parse_amount(str(raw), spec.label, places=_PLACES[spec.kind])
    if spec.min is not None and value < Decimal(spec.min):
        raise InputError(spec.label, f"不能小于{spec.min}{spec.unit}")
    if spec.max is not None and value > Decimal(spec.max):
        raise InputError(spec.label, f"不能大于{spec.max}{spec.unit}")
    if spec.kind == "wan" and value == value.to_integral_value():
        return value.quantize(Decimal(1))  # 50 万元, not 50.0000
    return value.normalize() if spec.kind == "wan" else value


def _items(label: str, raw: object) -> list[object]:
    if isinstance(raw, str):  # typed in the settings screen: "50%, 30%, 20%"
        raw = [p for p in raw.replace("，", ",").replace("、", ",").split(",") if p.strip()]
    if not isinstance(raw, (list, tuple)) or not raw:
        raise InputError(label, "应为非空列表，如 0.5, 0.3, 0.2")
    return list(raw)


def _rate_list(spec: ParamSpec, raw: object) -> tuple[Decimal, ...]:
    values = tuple(_rate(spec.label, v) for v in _items(spec.label, raw))
    if spec.name == "tranche_shares":
        for i, v in enumerate(values, start=1):
            if v == 0:
                raise InputError(spec.label, f"第{i}期比例必须大于0")
        if sum(values) != 1:
            raise InputError(spec.label, f"各期比例之和应为100%，现为{_pct(sum(values))}")
    if spec.name == "tranche_progress":
        for i in range(1, len(values)):
            if values[i] < values[i - 1]:
                raise InputError(spec.label, f"应逐期不减：第{i + 1}期小于第{i}期")
    return values


def _ratio_table(spec: ParamSpec, raw: object) -> Mapping[str, Decimal]:
    if not isinstance(raw, Mapping) or not raw:
        raise InputError(spec.label, "应为“用途 = 比例”的非空表")
    table: dict[str, Decimal] = {}
    for use, share in raw.items():
        use = str(use).strip()
        if not use:
            raise InputError(spec.label, "用途名称不能为空")
        table[use] = _rate(spec.label, share)
    total = sum(table.values())
    if total != 1:
        raise InputError(spec.label, f"各用途比例之和应为100%，现为{_pct(total)}")
    return MappingProxyType(table)


def _year_table(spec: ParamSpec, raw: object) -> Mapping[int, Decimal]:
    if not isinstance(raw, Mapping) or not raw:
        raise InputError(spec.label, "至少需要一个年份的标准")
    table: dict[int, Decimal] = {}
    for year, amount in raw.items():
        if not str(year).strip().isdigit() or not 1978 <= int(year) <= 2100:
            raise InputError(spec.label, f"年份无效: {year}")
        value = parse_amount(str(amount), spec.label)
        if value <= 0:
            raise InputError(spec.label, f"{int(year)}年的标准必须大于零")
        table[int(year)] = value
    return MappingProxyType(dict(sorted(table.items())))


def _text_list(spec: ParamSpec, raw: object) -> tuple[str, ...]:
    """A list of names (P26's allowed uses): typed with 、 or , between them; none empty, none twice."""
    if isinstance(raw, str):
        raw = [p for p in raw.replace("，", ",").replace("、", ",").replace("\n", ",").split(",")]
    if not isinstance(raw, (list, tuple)):
        raise InputError(spec.label, "应为用、分隔的名称列表")
    names = [str(v).strip() for v in raw if str(v).strip()]
    if not names:
        raise InputError(spec.label, "至少需要一项")
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise InputError(spec.label, f"「{'、'.join(twice)}」重复")
    return tuple(names)


def _count_table(spec: ParamSpec, raw: object) -> Mapping[int, int]:
    """Year -> a count of households (H13's quota); an empty table means no check."""
    if isinstance(raw, str) and not raw.strip():
        raw = {}
    if not isinstance(raw, Mapping):
        raise InputError(spec.label, "应写成 年份=户数，如 2026=30；留空表示不检查")
    table: dict[int, int] = {}
    for year, count in raw.items():
        if not str(year).strip().isdigit() or not 1978 <= int(year) <= 2100:
            raise InputError(spec.label, f"年份无效: {year}")
        if isinstance(count, bool) or not str(count).strip().isdigit():
            raise InputError(spec.label, f"{int(year)}年的户数应为不小于0的整数")
        table[int(year)] = int(str(count).strip())
    return MappingProxyType(dict(sorted(table.items())))


def _check_pattern(label: str, pattern: object) -> str:
    if not isinstance(pattern, str) or not pattern.strip():
        raise InputError(label, "不能为空")
    try:
        names = [f for _, f, _, _ in string.Formatter().parse(pattern) if f is not None]
    except ValueError:
        raise InputError(label, "花括号不成对") from None
    unknown = [n for n in names if n not in PATTERN_FIELDS]
    if unknown:
        shown = "、".join("{" + n + "}" for n in unknown)
        raise InputError(label, f"含未知的占位符{shown}（可用：{{year}} {{township}} {{seq}}）")
    if "seq" not in names:
        raise InputError(label, "必须包含序号占位符{seq}")
    try:
        pattern.format(year=2026, township="示例镇", seq=1)
    except (ValueError, TypeError, KeyError, IndexError):
        raise InputError(label, "格式说明不正确，如 {seq:03d}") from None
    return pattern


def _coerce(spec: ParamSpec, raw: object) -> object:
    if raw is None:
        raise InputError(spec.label, "不能为空")
    kind = spec.kind
    if kind in _INT_KINDS:
        return _integer(spec, raw)
    if kind == "rate":
        return _rate(spec.label, raw)
    if kind == "switch":
        return _switch(spec.label, raw)
    if kind in _PLACES:
        return _amount(spec, raw)
    if kind == "rate_list":
        return _rate_list(spec, raw)
    if kind == "ratio_table":
        return _ratio_table(spec, raw)
    if kind == "year_table":
        return _year_table(spec, raw)
    if kind == "text_list":
        return _text_list(spec, raw)
    if kind == "count_table":
        return _count_table(spec, raw)
    return _check_pattern(spec.label, raw)


def _cross_check(values: Mapping[str, object]) -> None:
    """Checks that need two parameters at once."""
    specs = load_defaults()
    low, high = values["deposit_rate_min"], values["deposit_rate_max"]
    if low > high:  # type: ignore[operator]
        raise InputError(
            specs["deposit_rate_min"].label,
            f"不能大于{specs['deposit_rate_max'].label}（{_pct(low)} > {_pct(high)}）",  # type: ignore[arg-type]
        )
    shares, progress = values["tranche_shares"], values["tranche_progress"]
    if len(progress) != len(shares):  # type: ignore[arg-type]
        raise InputError(
            specs["tranche_progress"].label,
            f"期数（{len(progress)}）应与分期拨付比例的期数（{len(shares)}）相同",  # type: ignore[arg-type]
        )


# ---------------------------------------------------------------- defaults


@functools.lru_cache(maxsize=1)
def _spec_tuple() -> tuple[ParamSpec, ...]:
    with POLICY_FILE.open("rb") as fh:
        doc = tomllib.load(fh)
    specs = []
    for name, t in doc["params"].items():
        if t["kind"] not in _KINDS:
            raise DomainError(f"policy.toml：参数 {name} 的类型 {t['kind']} 无法识别")
        bounds = {k: (Decimal(str(t[k])) if k in t else None) for k in ("min", "max")}
        spec = ParamSpec(
            name, None, t["kind"], t["label"], t.get("unit", ""),
            t.get("section", ""), bounds["min"], bounds["max"],
        )  # fmt: skip
        specs.append(replace(spec, default=_coerce(spec, t["default"])))
    return tuple(specs)


def load_defaults() -> dict[str, ParamSpec]:
    """Every parameter with its default, label, unit and section.

    Which rules read a parameter is declared in the rule code only
    (``domain.rules.param_rules()``), never here.
    """
    return {s.name: s for s in _spec_tuple()}


def _spec(name: str) -> ParamSpec:
    try:
        return load_defaults()[name]
    except KeyError:
        raise InputError(UNKNOWN_FIELD, f"未知的参数: {name}") from None


def validate_value(name: str, raw: object, current: Mapping[str, object] | None = None) -> object:
    """Turn a typed or stored value into the Python value, or raise InputError(label, reason).

    ``current`` holds the other parameters for the checks that involve two
    (deposit min ≤ max, as many progress thresholds as tranches); defaults
    when not given.
    """
    value = _coerce(_spec(name), raw)
    merged = {n: s.default for n, s in load_defaults().items()}
    merged.update(current or {})
    merged[name] = value
    _cross_check(merged)
    return value


# ---------------------------------------------------------------- storage


def _jsonable(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def to_storage(name: str, value: object) -> str:
    """JSON text for the settings table; Decimals become strings."""
    return json.dumps(_jsonable(_coerce(_spec(name), value)), ensure_ascii=False)


def from_storage(name: str, text: str) -> object:
    """Inverse of ``to_storage``; the value is validated again."""
    spec = _spec(name)
    try:
        raw = json.loads(text)
    except (json.JSONDecodeError, TypeError):
        raise InputError(spec.label, "保存的值无法读取") from None
    return _coerce(spec, raw)


def format_file_number(pattern: str, year: int, township: str, seq: int) -> str:
    """One project, one file number (R01): ``2026-某镇-007``."""
    _check_pattern(load_defaults()["file_number_pattern"].label, pattern)
    return pattern.format(year=year, township=township, seq=seq)


# ---------------------------------------------------------------- the policy


class Policy:
    """Immutable set of parameter values; read them as attributes."""

    __slots__ = ("_values", "_overrides")

    def __init__(self, values: Mapping[str, object], overrides: Mapping[str, object]):
        object.__setattr__(self, "_values", MappingProxyType(dict(values)))
        object.__setattr__(self, "_overrides", MappingProxyType(dict(overrides)))

    @classmethod
    def defaults(cls) -> Policy:
        return cls.from_overrides({})

    @classmethod
    def from_overrides(cls, overrides: Mapping[str, object]) -> Policy:
        """Validate each override, then the pairs that depend on each other."""
        values = {n: s.default for n, s in load_defaults().items()}
        checked = {name: _coerce(_spec(name), raw) for name, raw in overrides.items()}
        values.update(checked)
        _cross_check(values)
        return cls(values, checked)

    def __getattr__(self, name: str) -> object:
        if name.startswith("_"):  # slots not set yet (copy/pickle): avoid recursion
            raise AttributeError(name)
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Policy is immutable; build a new one with from_overrides")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Policy) and dict(self._values) == dict(other._values)

    __hash__ = None  # type: ignore[assignment]

    def __copy__(self) -> Policy:
        return self  # immutable

    def __deepcopy__(self, memo: dict) -> Policy:
        return self

    def value(self, name: str) -> object:
        _spec(name)
        return self._values[name]

    def as_dict(self) -> dict[str, object]:
        return dict(self._values)

    @property
    def overrides(self) -> dict[str, object]:
        """The values the county set explicitly (shown as 已修改 in settings)."""
        return dict(self._overrides)

    def with_override(self, name: str, raw: object) -> Policy:
        return Policy.from_overrides({**self._overrides, name: raw})

    def poverty_line_for(self, year: int) -> Decimal:
        """The line of the latest year not after ``year`` (H01)."""
        table: Mapping[int, Decimal] = self._values["poverty_line"]  # type: ignore[assignment]
        known = [y for y in table if y <= year]
        if not known:
            raise DomainError(
                f"没有{year}年或更早年份的贫困线标准，请在设置中补充", rule="H01", section="十二(二)"
            )
        return table[max(known)]

    to_storage = staticmethod(to_storage)
    from_storage = staticmethod(from_storage)
