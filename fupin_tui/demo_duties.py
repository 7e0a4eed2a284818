"""The demo's RULES-2 part-B records (P22-P27, L05, H10-H14), for ``fupin_tui.demo``.

Most records keep the rules, as a township that does its work would record them; after
generation ``break_households`` / ``break_projects`` spoil a handful on purpose, chosen
among the records a rule looks at, so every part-B rule shows something in the 体检 at
any size (300 households as well as 20,000).
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import bindparam, delete, func, select, update

from fupin_tui.domain import policy as pol
from fupin_tui.domain.rules.duties_linkage import CONDITIONS
from fupin_tui.domain.rules.duties_projects import FUND_NOTICE, SUNSHINE
from fupin_tui.domain.rules.duties_registry import FILE_ITEMS
from fupin_tui.models import Household, PolicyOverride, Visit

# 谁调查: village cadres and the 驻村工作队 (never the township reviewer)
INVESTIGATORS = ("杨光明", "吴德华", "龙正学", "石永贵", "潘建国", "韦春兰", "蒙秀英", "陆志强")
HELPER_UNITS = ("县农业农村局", "县教育局", "县卫生健康局", "县水务局", "县交通运输局", "新安镇人民政府")
TOWNSHIP_CADRES = (("罗世昌", "新安镇人民政府"), ("赵文华", "新安镇人民政府"), ("何永平", "新安镇扶贫工作站"))
ALL_FILE_ITEMS = "、".join(FILE_ITEMS)
QUOTA_YEAR = 2019  # the demo county set a scale for its last identification year (H13)
EVIDENCE = {
    "企业运转正常": "上年度财务报表及纳税证明",
    "带动贫困户效果好": "带贫协议及贫困户增收台账",
    "覆盖贫困户面广": "带动贫困户名单",
    "积极参与三变改革": "资源变资产、资金变股金、农民变股东入股协议",
    "有社会扶贫责任": "社会扶贫捐赠及吸纳贫困劳动力用工记录",
}
SUNSHINE_NOTE = "村民代表大会公开比选承建单位，比选结果在村务公开栏公示7天无异议"
WINNER = "示例县建筑工程有限公司"
CONTRACTS = {"培训": ("培训服务合同", "示例县职业技术培训学校"), "金融扶贫与贷款贴息": ("资金代理发放协议", "示例县农村信用合作联社")}


def _before(day: date, today: date) -> date | None:
    return day if day < today else None


# ---------------------------------------------------------------- households


def household_fields(rng, *, status: str, steps_done: int, start: date, registered_on: date | None,
                     today: date) -> dict:
    """The identification's three names' first (the investigator), the 责任状 and the 一户一档."""
    identified = registered_on is not None
    return dict(
        investigator=rng.choice(INVESTIGATORS) if steps_done >= 2 else "",
        responsibility_letter_on=_before(start + timedelta(days=1), today) if identified else None,
        file_filed_on=_before(registered_on + timedelta(days=rng.randint(5, 30)), today) if identified else None,
        file_items=ALL_FILE_ITEMS if identified else "",
        county_approval_no="", county_approved_on=None,
        helper_unit=rng.choice(HELPER_UNITS),
    )


def visits(rng, base: dict, hid: int, helper: str, unit: str, today: date) -> list[dict]:
    """遍访: last year's and this year's visits of a supported household, by its 帮扶责任人 or a township cadre."""
    out = []
    this_year = date(today.year, 1, 1)
    for first, days, count in ((date(today.year - 1, 1, 1), 365, rng.choice((1, 2, 2, 3))),
                               (this_year, (today - this_year).days, rng.choice((1, 1, 2)))):
        for _ in range(count if days > 0 else 0):
            who, where = (helper, unit) if rng.random() < 0.7 else rng.choice(TOWNSHIP_CADRES)
            out.append(dict(base, household_id=hid, visited_on=first + timedelta(days=rng.randrange(days)),
                            visitor=who, visitor_unit=where, note="了解收入和帮扶措施落实情况"))
    return out


def quota(conn, rng, intake: list[tuple[date, int]], now) -> None:
    """H13: the county's scale for QUOTA_YEAR a few below the intake; the excess approved, but for two."""
    if len(intake) < 8:
        return
    intake.sort()
    limit = len(intake) - max(4, len(intake) // 400)
    conn.execute(PolicyOverride.__table__.insert(), [dict(
        name="identification_quota", value=pol.to_storage("identification_quota", {QUOTA_YEAR: limit}),
        updated_at=now, updated_by="演示数据")])
    excess = [hid for _day, hid in intake[limit:]]
    approved = excess[2:]  # the first two beyond the scale have no county approval: H13 finds them
    if approved:
        conn.execute(update(Household).where(Household.id == bindparam("hid")).values(
            county_approval_no=bindparam("no"), county_approved_on=bindparam("on")),
            [dict(hid=hid, no=f"示扶批〔{QUOTA_YEAR}〕{i + 1}号", on=date(QUOTA_YEAR, 12, 20))
             for i, hid in enumerate(approved)])


def break_households(conn, rng, supported: list[int], identified: list[int], today: date) -> None:
    """A handful of households miss a part-B record, each of the kind a rule finds."""
    if len(supported) < 12 or len(identified) < 4:
        return
    s = rng.sample(supported, 12)
    i = [h for h in rng.sample(identified, 4 + 12) if h not in s][:4]

    def set_(ids, **values):
        conn.execute(update(Household).where(Household.id.in_(ids)).values(**values))

    set_(s[0:2], file_filed_on=None)  # H10: not filed
    set_(s[2:3], file_items="、".join(FILE_ITEMS[:-1]))  # H10: 收支台账 missing
    conn.execute(delete(Visit).where(Visit.household_id.in_(s[3:5]), Visit.visited_on < date(today.year, 1, 1)))
    first = select(func.min(Visit.id)).where(Visit.household_id == s[5]).scalar_subquery()
    conn.execute(update(Visit).where(Visit.id == first).values(visitor=""))  # H11: one visitor not named
    set_(s[6:7], helper_unit="")  # H12
    set_(s[7:8], helper_phone="")  # H12
    set_(i[0:1], investigator="王站长")  # H14: the reviewer investigated
    set_(i[1:2], responsibility_letter_on=None)  # H14: no 责任状
    set_(i[2:3], investigator="")  # H14: no investigator


# ---------------------------------------------------------------- projects


def supervision_entry(rng, dates: dict, today: date) -> date | None:
    """P22: entered in 贵州省涉农资金监管系统 within a few days of the plan approval."""
    approved = dates.get("plan_approved_on")
    return _before(approved + timedelta(days=rng.randint(1, 4)), today) if approved else None


def procurement(rng, base: dict, pid: int, name: str, category: str, dates: dict, subsidy: Decimal, limit: Decimal,
                household_project: bool) -> list[dict]:
    """P25: the works contract of a started public project, tendered at or above the threshold."""
    started = dates.get("started_on")
    if started is None or household_project:
        return []
    amount = (subsidy * Decimal("0.9")).quantize(Decimal("0.01"))
    on = max(dates["plan_approved_on"] + timedelta(days=1), started - timedelta(days=rng.randint(3, 8)))
    contract, winner = CONTRACTS.get(category, ("施工合同", WINNER))
    row = dict(base, project_id=pid, contract_name=f"{name}{contract}", contract_amount=amount, note="")
    if amount >= limit:
        row.update(method="公开招标", procured_on=on, winner=winner,
                   awarded_amount=(amount * Decimal("0.97")).quantize(Decimal("0.01")), sunshine_note="")
    else:
        row.update(method=SUNSHINE, procured_on=on, winner=winner, awarded_amount=amount, sunshine_note=SUNSHINE_NOTE)
    return [row]


def delegation(rng, base: dict, pid: int, coop: str, dates: dict, households: int) -> dict:
    """P23: an industry project run by its 合作社, the beneficiaries asked first."""
    agreed = households - 1 if rng.random() < 0.1 and households > 1 else households
    return dict(base, project_id=pid, delegate_kind="农民专业合作社", delegate_name=coop,
                agreement_on=dates["started_on"] - timedelta(days=2), agreement_no=f"委托{pid}号",
                consent_on=dates["plan_approved_on"] + timedelta(days=2), consent_method="户主大会表决并逐户签字",
                consent_households=households, consent_agreed=agreed)


def adjustment(rng, base: dict, pid: int, dates: dict, today: date) -> dict | None:
    """P24 (and P12): an adjustment filed within the window, approved, then filed with the county."""
    filed = dates["plan_approved_on"] + timedelta(days=rng.randint(20, 60))
    approved = filed + timedelta(days=rng.randint(5, 15))
    county = approved + timedelta(days=rng.randint(1, 4))
    if county >= today:
        return None
    return dict(base, project_id=pid, filed_on=filed, approved_on=approved, document_no=f"示扶调〔{filed.year}〕{pid}号",
                content="调整建设地点和部分建设内容", county_filed_on=county)


def enterprise(base: dict, eid: int, village: dict, pid: int, subsidy: Decimal, on: date) -> tuple[dict, list[dict]]:
    """L05: a supported 扶贫龙头企业 with its five entry conditions and their evidence."""
    row = dict(base, id=eid, kind="企业", name=f"{village['name']}绿源农业发展有限公司{eid}", village_id=village["id"],
               project_id=pid, funded_amount=subsidy, registered_on=on)
    return row, [dict(base, entity_id=eid, condition=c, evidence=EVIDENCE[c], recorded_on=on) for c in CONDITIONS]


def fund_notice(rng, base: dict, pid: int, village: dict, dates: dict, subsidy: Decimal, tranches: list[dict],
                vouchers: list[dict], today: date) -> dict | None:
    """P27: at completion the funds received, disbursed and reimbursed, posted as the ledger has them."""
    done = dates.get("completed_on")
    if done is None:
        return None
    on = _before(done + timedelta(days=rng.randint(1, 4)), today)
    if on is None:
        return None
    paid = sum((t["amount"] for t in tranches if t["disbursed_on"] <= on), Decimal("0.00"))
    reimbursed = sum((v["total"] for v in vouchers if v["reimbursed_on"] and v["reimbursed_on"] <= on),
                     Decimal("0.00"))
    fields = {"到位资金": f"{subsidy:.2f}", "已拨付资金": f"{paid:.2f}", "已报账资金": f"{reimbursed:.2f}"}
    return dict(base, project_id=pid, kind=FUND_NOTICE, published_on=on, place=f"{village['name']}村务公开栏",
                fields_json=json.dumps(fields, ensure_ascii=False), photo_paths="")


def break_projects(rng, rows: dict, allowed_uses) -> None:
    """A handful of projects miss a part-B record (the rows are still to be inserted)."""
    if all(p["category"] in allowed_uses for p in rows["proj"]) and rows["proj"]:
        rng.choice(rows["proj"])["category"] = "其他"  # P26: a category the regulation does not name
    entered = [p for p in rows["proj"] if p.get("supervision_entered_on")]
    for p in rng.sample(entered, min(2, len(entered))):
        p["supervision_entered_on"] = None  # P22: not entered (overdue, or due soon if just approved)
    if rows["delegation"]:
        d = rng.choice(rows["delegation"])
        d["consent_on"] = d["agreement_on"] + timedelta(days=3)  # P23: asked after signing
    if rows["adjustment"]:
        rng.choice(rows["adjustment"])["county_filed_on"] = None  # P24: not filed with the county
    sunshine = [c for c in rows["procurement"] if c["method"] == SUNSHINE]
    if sunshine:
        rng.choice(sunshine)["sunshine_note"] = ""  # P25: how the contractor was chosen is not recorded
    tendered = [c for c in rows["procurement"] if c["method"] != SUNSHINE]
    if tendered:
        rng.choice(tendered)["winner"] = ""  # P25: the winner is missing
    funds = [n for n in rows["notice"] if n["kind"] == FUND_NOTICE]
    if len(funds) >= 2:
        a, b = rng.sample(funds, 2)
        rows["notice"].remove(a)  # P27: no fund-use notice
        fields = json.loads(b["fields_json"])
        fields.pop("已报账资金")
        b["fields_json"] = json.dumps(fields, ensure_ascii=False)  # P27: a figure missing
    if rows["condition"]:
        eid = rng.choice(sorted({c["entity_id"] for c in rows["condition"]}))
        gone = next(c for c in rows["condition"] if c["entity_id"] == eid and c["condition"] == "积极参与三变改革")
        rows["condition"].remove(gone)  # L05: one condition without evidence
