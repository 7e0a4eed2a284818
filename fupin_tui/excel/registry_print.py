"""Printed registry tables: one household's 贫困户基本情况统计表 and a village's 公示名单.

Both print-ready through ``excel.styles.write_table``. The publicity list is
posted on a notice board, so it never shows a full ID number, phone, bank
account or anything about health (H09): IDs are masked with ``mask_id``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import select

from fupin_tui.context import AppContext
from fupin_tui.domain.idcard import mask_id
from fupin_tui.excel.styles import Column, write_table
from fupin_tui.models.registry import Household, Member
from fupin_tui.models.settings import Village
from fupin_tui.services import registry as reg
from fupin_tui.filenames import safe_name, save_workbook

# The statistics table is signed by everyone in the chain (H02, 谁调查谁负责 H06).
SEVEN_SIGNATURES = ("户主（申请人）", "调查人", "村民小组长", "驻村工作队长", "村委会主任", "乡镇审核人", "县级复核人")


def _out_dir(ctx: AppContext, out_dir: Path | None) -> Path:
    folder = Path(out_dir) if out_dir else Path(ctx.db.path).parent / "导出"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _yes(flag: bool) -> str:
    return "是" if flag else "否"


def household_table(ctx: AppContext, household_id: int) -> Workbook:
    d = reg.load_household(ctx, household_id)
    v = d.values
    township = ctx.township()
    place = f"{township.county} {township.name} {d.village_name}" if township else d.village_name
    subtitle = f"{place}　户编号：{d.household_no}　填表日期：{ctx.today().isoformat()}"
    wb = Workbook()
    ws = wb.active
    ws.title = "基本情况"
    pairs = [
        ("户主姓名", d.head_name), ("户编号", d.household_no),
        ("家庭人口", f"{d.size} 人"), ("户状态", d.status),
        ("贫困户属性", v["attribute"]), ("识别标准", v["identification_standard"]),
        ("主要致贫原因", v["main_cause"]), ("其他致贫原因", v["other_causes"]),
        ("家庭住址", v["address"]), ("联系电话", v["phone"]),
        ("开户银行", v["bank_name"]), ("一卡通账号", v["bank_account"]),
        ("房屋结构", v["housing_structure"]), ("危房户", _yes(v["dangerous_house"])),
        ("饮水情况", v["drinking_water"]), ("安全饮水", _yes(v["safe_drinking_water"])),
        ("通生活用电", _yes(v["living_power"])), ("通生产用电", _yes(v["production_power"])),
        ("收入年度", str(v["income_year"] or "")), ("工资性收入（元）", v["wage_income"]),
        ("生产经营性收入（元）", v["business_income"]), ("财产性收入（元）", v["property_income"]),
        ("转移性收入（元）", v["transfer_income"]), ("生产经营性支出（元）", v["business_expense"]),
        ("家庭纯收入（元）", d.net_income), ("人均纯收入（元）", d.per_capita_income),
        ("一看房", v["look_house"]), ("二看粮", v["look_grain"]),
        ("三看劳动力", v["look_labour"]), ("四看读书郎", v["look_study"]),
        ("帮扶责任人", v["helper_name"]), ("帮扶单位", v["helper_unit"]),
        ("帮扶人电话", v["helper_phone"]), ("备注", v["remarks"]),
        ("登记人", v["entered_by"]), ("审核人", v["checked_by"]),
    ]
    rows = [(a[0], str(a[1]), b[0], str(b[1])) for a, b in zip(pairs[::2], pairs[1::2])]
    whose = (f"household:{household_id}", f"户编号 {d.household_no}")  # what a cell stripped of control characters names
    write_table(ws, title="贫困户基本情况统计表", subtitle=subtitle,
                columns=[Column("项目", 18), Column("内容", 30), Column("项目", 18), Column("内容", 30)],
                rows=rows, signatures=(), landscape=True, record=whose, field_of=_paired_field)

    members = wb.create_sheet("家庭成员及识别程序")
    member_rows = [(i, m.name, m.gender, m.id_number, m.relation, m.ethnicity, m.education, m.school_status,
                    m.health, m.labour_skill, m.work_place, m.medical_insurance)
                   for i, m in enumerate(d.members, start=1)]
    view = reg.procedure_view(ctx, household_id)
    steps = [row for row in view.identification + view.exit]
    member_rows += [("", f"{s.procedure}：{s.step}", "", s.done_on, s.responsible,
                     f"公示 {s.publicity_from}至{s.publicity_to}" if s.publicity_from else "", s.document_no,
                     "", "", "", "", "") for s in steps]
    write_table(members, title="贫困户基本情况统计表（家庭成员）", subtitle=f"户主：{d.head_name}　{subtitle}",
                columns=[Column("序号", 5, "int"), Column("姓名", 10), Column("性别", 5), Column("身份证号", 21, "id"),
                         Column("与户主关系", 10), Column("民族", 7), Column("文化程度", 12), Column("在校生状况", 12),
                         Column("健康状况", 10), Column("劳动技能", 12), Column("务工所在地", 10),
                         Column("医疗保险", 14)],
                rows=member_rows, signatures=SEVEN_SIGNATURES, landscape=True, record=whose)
    return wb


def _paired_field(values, i: int) -> str:
    """The field a cell of the label/value table holds: the label left of a value, e.g. 家庭住址."""
    return values[i - 1] if i % 2 else values[i]


def write_household_table(ctx: AppContext, household_id: int, out_dir: Path | None = None) -> Path:
    wb = household_table(ctx, household_id)
    d = reg.load_household(ctx, household_id)
    path = _out_dir(ctx, out_dir) / safe_name("贫困户基本情况统计表", d.household_no, d.head_name, ext=".xlsx", sep="_")
    save_workbook(wb, path)
    return path


@dataclass(frozen=True)
class PublicityRow:
    seq: int
    head_name: str
    size: int
    masked_id: str
    member_names: str
    household_id: int = 0  # not printed: the record a cell stripped of control characters names
    household_no: str = ""


def publicity_rows(ctx: AppContext, village_id: int, statuses: tuple[str, ...] = ("识别中",)) -> list[PublicityRow]:
    """Households of a village in the given statuses, with only what may be posted (H09)."""
    H, M = Household.__table__.c, Member.__table__.c
    with ctx.read() as s:
        households = s.execute(select(H.id, H.head_name, H.size, H.household_no).where(H.village_id == village_id,
                                                                        H.status.in_(statuses))
                               .order_by(H.household_no)).all()
        ids = [h[0] for h in households]
        members: dict[int, list[tuple[str, str, str]]] = {}
        if ids:
            for hid, name, relation, number in s.execute(select(M.household_id, M.name, M.relation, M.id_number)
                                                         .where(M.household_id.in_(ids), M.voided == False)  # noqa: E712
                                                         .order_by(M.id)):
                members.setdefault(hid, []).append((name, relation, number))
    rows = []
    for seq, (hid, head, size, number) in enumerate(households, start=1):
        people = members.get(hid, [])
        head_id = next((n for _name, rel, n in people if rel == "户主"), "")
        others = "、".join(name for name, rel, _n in people if rel != "户主")
        rows.append(PublicityRow(seq, head, size, mask_id(head_id) if head_id else "", others, hid, number))
    return rows


def publicity_workbook(ctx: AppContext, village_id: int, statuses: tuple[str, ...] = ("识别中",)) -> Workbook:
    with ctx.read() as s:
        village = s.get(Village, village_id)
    township = ctx.township()
    rows = publicity_rows(ctx, village_id, statuses)
    what = "识别" if statuses == ("识别中",) else "、".join(statuses)
    wb = Workbook()
    ws = wb.active
    ws.title = "公示名单"
    place = f"{township.name} {village.name}" if township else village.name
    write_table(ws, title=f"{place} 贫困户{what}公示名单",
                subtitle=f"公示日期：{ctx.today().isoformat()}　共 {len(rows)} 户 {sum(r.size for r in rows)} 人"
                         "　如有异议，请在公示期内向村委会或乡镇反映",
                columns=[Column("序号", 6, "int"), Column("户主姓名", 12), Column("家庭人口", 9, "int"),
                         Column("户主身份证号", 22), Column("其他家庭成员", 40)],
                # the row itself rides after the printed columns (write_table reads as many as it has columns)
                rows=[(r.seq, r.head_name, r.size, r.masked_id, r.member_names, r) for r in rows],
                signatures=("村委会（盖章）", "公示人", "日期"), landscape=False,
                record_of=lambda v: (f"household:{v[5].household_id}", f"户编号 {v[5].household_no}"))
    return wb


def write_publicity_list(ctx: AppContext, village_id: int, statuses: tuple[str, ...] = ("识别中",),
                         out_dir: Path | None = None) -> Path:
    wb = publicity_workbook(ctx, village_id, statuses)
    with ctx.read() as s:
        village = s.get(Village, village_id)
    path = _out_dir(ctx, out_dir) / safe_name("公示名单", village.name, ctx.today().isoformat(), ext=".xlsx", sep="_")
    save_workbook(wb, path)
    return path
