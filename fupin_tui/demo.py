"""A realistic demo database: villages, households with members and valid ID
numbers, projects spread over every state with budget lines, beneficiaries,
notices, progress, tranches, vouchers, acceptance, handover and archive items.

Bulk work uses SQLAlchemy Core inserts (ORM objects are ~17x slower); the
audit log gets one summary row.  Deterministic for a given seed.  A few
records deliberately break rules (late steps, missing notice fields, a bad
phone number) so that 体检 has something to find.
"""

from __future__ import annotations

import json
import random
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import insert, text

from fupin_tui.clock import today as clock_today
from fupin_tui import demo_duties as duties
from fupin_tui import identity, identity_change
from fupin_tui.db import write_audit
from fupin_tui.opening import open_database
from fupin_tui.domain.idcard import check_digit
from fupin_tui.domain.policy import Policy, format_file_number
from fupin_tui.models import (
    Acceptance, Adjustment, ArchiveItem, Asset, Beneficiary, BudgetLine, CashLedgerLine, Dividend, Entity, EntityMember,
    Household, HouseholdEvent, LibraryEntry, Member, Notice, Operator, ProcedureStep, ProgressReport, Project,
    ProjectEvent, Rectification, Share, Township, Tranche, Village, Voucher, VoucherLine,
)
from fupin_tui.models import Delegation, EnterpriseCondition, Procurement, Visit
from fupin_tui.models.projects import STATES
from fupin_tui.services.registry import search_text

OPERATORS = ("张会计", "李文书", "王站长")
COUNTY, TOWNSHIP, TOWNSHIP_CODE = "示例县", "新安镇", "520123101"
VILLAGES = ("新寨村", "坪上村", "大坝村", "岩脚村", "水井村", "松林村", "高坡村", "河边村",
            "龙场村", "石门村", "中寨村", "平寨村", "田坝村", "新民村")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗龙石潘韦蒙陆罗杨吴王李龙"
GIVEN = ("德", "明", "华", "国", "建", "文", "光", "志", "永", "金", "正", "学", "成", "世", "昌", "富", "贵",
         "秀", "英", "芳", "兰", "梅", "玉", "琴", "春", "云", "海", "林", "军", "平", "兴", "发", "忠", "仁",
         "美", "丽", "红", "花", "珍", "翠", "安", "福", "顺", "祥", "勇", "强", "刚", "波", "涛", "伟")
CAUSES = ("因病", "因残", "因学", "因灾", "缺土地", "缺水", "缺技术", "缺劳力", "缺资金", "交通条件落后",
          "自身发展动力不足")
ETHNIC = ("汉族", "苗族", "布依族", "侗族", "土家族", "彝族", "仡佬族", "水族")
ID_STEPS = ("申请", "入户调查", "民主评议", "村委会审核公示", "乡镇审批公示", "县复核公告")
EXIT_STEPS = ("村委会审核公示", "乡镇审批公示", "县复核公告")
PUBLICITY = {"村委会审核公示", "乡镇审批公示"}
CATEGORIES = (("产业发展", 0.35), ("基础设施", 0.3), ("生活条件改善", 0.1), ("就业", 0.05), ("教育", 0.03),
              ("危房改造", 0.07), ("培训", 0.05), ("金融扶贫与贷款贴息", 0.03), ("其他", 0.02))
PROJECT_NAMES = {
    "产业发展": ("{v}精品水果种植基地", "{v}生态养牛场", "{v}食用菌大棚", "{v}茶园提质增效", "{v}中药材种植"),
    "基础设施": ("{v}通组路硬化", "{v}人饮工程", "{v}产业路建设", "{v}小型水利灌溉渠", "{v}便民桥"),
    "生活条件改善": ("{v}人居环境整治", "{v}安全饮水巩固提升", "{v}庭院改造"),
    "就业": ("{v}扶贫车间", "{v}公益性岗位补助"),
    "教育": ("{v}雨露计划助学补助",),
    "危房改造": ("{v}农村危房改造",),
    "培训": ("{v}农业实用技术培训", "{v}劳动力转移就业培训"),
    "金融扶贫与贷款贴息": ("{v}扶贫小额信贷贴息",),
    "其他": ("{v}村级光伏电站运维",),
}
NOTICE_FIELDS = {
    "立项公告": ("资金规模", "资金来源", "资金用途", "使用单位", "分配原则", "分配结果", "监督电话"),
    "现场公示": ("项目名称", "实施地点", "建设内容", "实施期限", "实施单位及责任人", "资金来源", "资金构成及规模",
                 "政府采购及招投标情况", "预期目标", "受益农户", "监督投诉方式"),
}


def _money(x: float | Decimal) -> Decimal:
    return Decimal(str(x)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _keys(name: str) -> str:
    from fupin_tui.domain.pinyin import search_keys

    return search_keys(name)


class _Hh(NamedTuple):
    """What the projects need to know of a household (kept small: 100,000 of them)."""

    id: int
    village_id: int
    status: str
    head_name: str


class _Ids:
    """Valid, unique 18-digit ID numbers for the county's area code."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[int] = set()  # ints: 400,000 of them at 100,000 households

    def make(self, birth: date, male: bool) -> str:
        while True:
            seq = self.rng.randrange(0, 100) * 10 + self.rng.randrange(0, 5) * 2 + (1 if male else 0)
            first17 = f"520123{birth:%Y%m%d}{seq:03d}"
            if int(first17) not in self.used:
                self.used.add(int(first17))
                return first17 + check_digit(first17)


def generate(path: Path, households: int = 20000, seed: int = 1, today: date | None = None,
             progress=None) -> str:
    """``progress(text)`` is told each stage (the command line prints it)."""
    say = progress or (lambda _text: None)
    rng = random.Random(seed)
    today = today or clock_today()
    db = open_database(path, kind=identity.DEMO)
    now = datetime.now().replace(microsecond=0)
    base = dict(created_at=now, created_by="演示数据", updated_at=None, updated_by=None, voided=False,
                void_reason=None)
    with db.engine.begin() as conn:
        conn.execute(insert(Township), [dict(base, county=COUNTY, name=TOWNSHIP, code=TOWNSHIP_CODE)])
        conn.execute(insert(Operator), [dict(base, name=n, active=True) for n in OPERATORS])
        n_villages = max(3, min(len(VILLAGES), households // 1500 + 3))
        villages = [dict(base, id=i + 1, code=f"{TOWNSHIP_CODE}{201 + i:03d}", name=VILLAGES[i],
                         is_poor_village=i % 3 != 2) for i in range(n_villages)]
        conn.execute(insert(Village), villages)
        say(f"正在生成 {households} 户及其成员、帮扶和动态记录……")
        hh_rows, head_ids, people = _registry(conn, rng, base, villages, households, today)
        say(f"已生成 {households} 户、{people} 人；正在生成项目、进度和报账……")
        project_count = _projects(conn, rng, base, villages, hh_rows, head_ids, today)
    with db.session(identity.DEMO_OPERATOR) as s:
        identity_change.mark_in(s, kind=identity.DEMO, township_code=TOWNSHIP_CODE, township_name=TOWNSHIP)
        write_audit(s, "household", "*", "导入", note=f"生成演示数据：{households} 户，{people} 人，{project_count} 个项目")
    db.close()
    return f"{households} 户，{people} 人，{project_count} 个项目"


# ---------------------------------------------------------------------------
def _registry(conn, rng, base, villages, households, today):
    """Households and everything under them, inserted in chunks to keep memory flat.

    Returns slim summaries for the projects: households (id, village, status, head name)
    and head ID numbers by household id.
    """
    ids = _Ids(rng)
    hh_rows, member_rows, steps, events, ledger, visit_rows = [], [], [], [], [], []
    supported, identified_ids, intake = [], [], []  # for the part-B breaks and the H13 scale
    summary: list[_Hh] = []
    head_ids: dict[int, str] = {}
    people = 0
    statuses = (("在册", 0.5), ("已脱贫", 0.38), ("识别中", 0.04), ("返贫", 0.03), ("清退", 0.05))
    per_village: dict[int, int] = {}
    for hid in range(1, households + 1):
        village = villages[rng.randrange(len(villages))]
        seq = per_village[village["id"]] = per_village.get(village["id"], 0) + 1
        status = rng.choices([s for s, _ in statuses], [w for _, w in statuses])[0]
        size = rng.choices((1, 2, 3, 4, 5, 6, 7), (6, 12, 18, 26, 20, 12, 6))[0]
        surname = rng.choice(SURNAMES)
        head_age = rng.randint(30, 76)
        head_male = rng.random() < 0.82
        members = []

        def person(relation: str, age: int, male: bool, same_surname: bool = True) -> None:
            name = (surname if same_surname else rng.choice(SURNAMES)) + "".join(
                rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
            birth = today - timedelta(days=age * 365 + rng.randint(1, 360))
            members.append((name, relation, age, male, birth, ids.make(birth, male)))

        person("户主", head_age, head_male)
        if size >= 2:
            person("配偶", max(20, head_age + rng.randint(-5, 3)), not head_male, same_surname=False)
        for _ in range(size - len(members)):
            if head_age > 55 and rng.random() < 0.4:
                male = rng.random() < 0.5
                person("之孙子" if male else "之孙女", rng.randint(1, 17), male)
            elif head_age < 45 and rng.random() < 0.2:
                male = rng.random() < 0.4
                person("之父" if male else "之母", head_age + rng.randint(22, 30), male)
            else:
                male = rng.random() < 0.5
                person("之子" if male else "之女", max(0, head_age - rng.randint(20, 32)), male)
        size = len(members)
        poor = status in ("在册", "识别中", "返贫")
        per_capita = _money(rng.randint(1800, 3900) if poor else rng.randint(4300, 12000))
        net = per_capita * size
        wage = _money(net * Decimal(rng.choice(("0.5", "0.6", "0.7"))))
        transfer = _money(net * Decimal("0.15"))
        expense = _money(rng.randint(300, 2000))
        business = net - wage - transfer + expense
        identified = rng.randint(2014, 2019)
        cause = rng.choice(CAUSES)
        phone = f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"
        if rng.random() < 0.004:
            phone = phone[:-1]  # a 10-digit phone for H08 to find
        names = [m[0] for m in members]
        hh_rows.append(dict(
            base, id=hid, household_no=f"{village['code']}{seq:04d}", village_id=village["id"],
            head_name=members[0][0], status=status, identified_year=identified,
            status_since=date(identified, rng.randint(9, 12), rng.randint(1, 28)),
            identification_standard="国家标准", attribute=rng.choices(
                ("一般贫困户", "低保贫困户", "特困供养贫困户"), (70, 25, 5))[0],
            main_cause=cause, other_causes=rng.choice(("", "", rng.choice(CAUSES))),
            address=f"{COUNTY}{TOWNSHIP}{village['name']}{rng.randint(1, 12)}组",
            phone=phone, bank_account=f"6217{rng.randrange(10**15):015d}", bank_name="农村信用社",
            housing_structure=rng.choice(("砖混材料", "砖瓦砖木", "钢筋混凝土", "竹草土坯/土窑洞")),
            house_area=Decimal(rng.randint(40, 160)), dangerous_house=rng.random() < 0.05, dangerous_grade="",
            drinking_water=rng.choice(("经过净化处理的自来水", "受保护的井水和泉水")), safe_drinking_water=True,
            water_difficulty=False, production_power=True, living_power=True, radio_tv=True,
            road_type=rng.choice(("水泥路", "砂石路", "泥土路")), road_distance_km=Decimal(rng.randint(0, 30)) / 10,
            sanitary_toilet=rng.random() < 0.6, fuel_types="柴草、电", relocated=rng.random() < 0.05,
            cultivated_land_mu=Decimal(rng.randint(5, 60)) / 10, irrigated_land_mu=None, forest_land_mu=None,
            income_year=today.year - 1, wage_income=wage, business_income=business, property_income=Decimal("0"),
            transfer_income=transfer, business_expense=expense, net_income=net, size=size, per_capita_income=per_capita,
            look_house="土木结构，年久失修" if poor else "砖混结构，住房安全",
            look_grain="口粮基本够吃", look_labour=f"劳动力{sum(1 for m in members if 16 <= m[2] <= 60)}人",
            look_study=f"在校生{sum(1 for m in members if 6 <= m[2] <= 18)}人",
            helper_name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN), helper_unit="县农业农村局",
            helper_phone=f"139{rng.randrange(10**8):08d}", remarks="", entered_by=rng.choice(OPERATORS[:2]),
            checked_by="王站长",
            search_keys=search_text(f"{village['code']}{seq:04d}", names, [m[5] for m in members]),
        ))
        for name, relation, age, male, birth, idn in members:
            student = 6 <= age <= 18
            health = rng.choices(("健康", "长期慢性病", "患有大病", "残疾"), (80, 12, 3, 5))[0]
            skill = ("无劳动力" if age < 16 or age > 70 else "丧失劳动力" if health == "患有大病" else
                     rng.choices(("普通劳动力", "技能劳动力", "弱劳动力或半劳动力"), (75, 10, 15))[0])
            member_rows.append(dict(
                base, household_id=hid, name=name, id_number=idn, gender="男" if male else "女", birth_date=birth,
                relation=relation, ethnicity=rng.choice(ETHNIC), political_status="群众",
                education="" if student else rng.choice(("文盲或半文盲", "小学", "初中", "高中(含职业高中、技校)")),
                school_status=("小学" if age <= 12 else "九年级") if student else "",
                health=health,
                disability_kind="", labour_skill=skill,
                work_place=rng.choice(("", "省外", "县内")) if 18 <= age <= 55 else "",
                work_months=None, work_company="", medical_insurance="城乡居民基本医疗保险",
                serious_illness_insurance=True, pension_insurance=age >= 16, dibao=False, tekun=False,
                speaks_mandarin=age < 65, phone="", remarks="",
            ))
            if member_rows[-1]["work_place"]:
                member_rows[-1]["work_months"] = rng.randint(3, 11)
        # procedure steps: identification for all but the newest; exit for those who left poverty
        done = len(ID_STEPS) if status != "识别中" else rng.randint(1, 4)
        start = date(identified, 9, 1) if status != "识别中" else today - timedelta(days=40)
        day = start
        for i, step in enumerate(ID_STEPS[:done]):
            day = day + timedelta(days=rng.randint(3, 8))
            pub = (day, day + timedelta(days=7)) if step in PUBLICITY else (None, None)
            steps.append(dict(base, household_id=hid, procedure="识别", step=step, seq=i + 1, done_on=day,
                              responsible=rng.choice(OPERATORS), publicity_from=pub[0], publicity_to=pub[1],
                              document_no="", note="", basic_needs_met=False))
            if pub[1]:
                day = pub[1]
        if status != "识别中":
            events.append(dict(base, household_id=hid, happened_on=day, from_status="识别中", to_status="在册",
                               reason="县复核公告", document_no=""))
            identified_ids.append(hid)
            if identified == duties.QUOTA_YEAR:
                intake.append((day, hid))
        row = hh_rows[-1]
        row.update(duties.household_fields(rng, status=status, steps_done=done, start=start,
                                           registered_on=day if status != "识别中" else None, today=today))
        if status in ("在册", "返贫"):
            supported.append(hid)
            visit_rows.extend(duties.visits(rng, base, hid, row["helper_name"], row["helper_unit"], today))
        if status in ("已脱贫", "返贫"):
            day = date(rng.randint(max(identified + 1, 2016), 2020), 10, 10)
            for i, step in enumerate(EXIT_STEPS):
                day = day + timedelta(days=rng.randint(2, 6))
                pub = (day, day + timedelta(days=7)) if step in PUBLICITY else (None, None)
                steps.append(dict(base, household_id=hid, procedure="退出", step=step, seq=i + 1, done_on=day,
                                  responsible=rng.choice(OPERATORS), publicity_from=pub[0], publicity_to=pub[1],
                                  document_no="", note="人均纯收入超过当年标准，两不愁三保障已实现" if i == 0 else "",
                                  basic_needs_met=i == 0))
                if pub[1]:
                    day = pub[1]
            events.append(dict(base, household_id=hid, happened_on=day, from_status="在册", to_status="已脱贫",
                               reason="两公示一公告", document_no=""))
        if status == "返贫":
            events.append(dict(base, household_id=hid, happened_on=date(2025, rng.randint(1, 12), 15),
                               from_status="已脱贫", to_status="返贫", reason=rng.choice(("因病返贫", "因灾返贫")),
                               document_no=""))
        if status == "清退":
            events.append(dict(base, household_id=hid, happened_on=date(rng.randint(2016, 2019), 6, 1),
                               from_status="在册", to_status="清退", reason="家庭有财政供养人员，不符合识别标准",
                               document_no=""))
        if status != "清退" and rng.random() < 0.97:  # 现金收支台账 of last year (H07); a few are missing
            year = today.year - 1
            for category, amount in (("工资性收入", wage + business + transfer), ("生产经营性支出", expense)):
                ledger.append(dict(base, household_id=hid, year=year,
                                   direction="支出" if category.endswith("支出") else "收入", category=category,
                                   item=category, amount=amount, occurred_on=date(year, 12, 31), note=""))
        summary.append(_Hh(hid, village["id"], status, members[0][0]))
        head_ids[hid] = members[0][5]
        if hid % 2000 == 0 or hid == households:
            people += len(member_rows)
            for model, chunk in ((Household, hh_rows), (Member, member_rows), (ProcedureStep, steps),
                                 (HouseholdEvent, events), (CashLedgerLine, ledger), (Visit, visit_rows)):
                if chunk:
                    conn.execute(insert(model), chunk)
                    chunk.clear()
    duties.quota(conn, rng, intake, base["created_at"])
    duties.break_households(conn, rng, supported, identified_ids, today)
    return summary, head_ids, people


# ---------------------------------------------------------------------------
# Project timeline: (date field, calendar days after the previous one, state reached)
TIMELINE = (
    ("applied_on", 0, "申报"),
    ("application_reviewed_on", 10, None),
    ("fund_plan_issued_on", 8, None),
    ("approved_on", 20, "立项"),
    ("plan_submitted_on", 12, "方案已报"),
    ("plan_approved_on", 12, "方案批复"),
    ("filed_on", 5, None),
    ("discipline_filed_on", 1, None),
    ("started_on", 18, "实施中"),
    ("completed_on", 200, "完工初检"),
    ("initial_inspection_on", 4, None),
    ("acceptance_requested_on", 10, "申请验收"),
    ("audit_opinion_on", 10, None),
    ("accepted_on", 15, "已验收"),
    ("acceptance_entered_on", 5, None),
    ("final_reimbursed_on", 20, "已报账"),
    ("handed_over_on", 10, "已移交"),
    ("archived_on", 30, "已归档"),
)


def _pick_category(rng) -> str:
    return rng.choices([c for c, _ in CATEGORIES], [w for _, w in CATEGORIES])[0]


def _projects(conn, rng, base, villages, hh_rows, head_ids, today) -> int:
    n_projects = max(20, len(hh_rows) // 60)
    by_village: dict[int, list[_Hh]] = {}
    for h in hh_rows:
        if h.status == "在册":  # beneficiaries must be registered poor households (P20)
            by_village.setdefault(h.village_id, []).append(h)
    rows = {k: [] for k in ("lib", "proj", "event", "budget", "benef", "notice", "progress", "tranche", "voucher",
                            "vline", "accept", "rect", "asset", "archive", "entity", "emember", "share", "dividend",
                            "procurement", "delegation", "adjustment", "condition")}
    limit = Decimal(Policy.defaults().procurement_threshold_wan) * 10000
    # states weighted towards the middle of the life cycle, every state present
    reachable = [s for s in STATES if s != "整改"]
    invoice_seq = 10_000_000
    voucher_seq = 0
    file_seq: dict[int, int] = {}
    for pid in range(1, n_projects + 1):
        village = villages[rng.randrange(len(villages))]
        category = _pick_category(rng)
        name = rng.choice(PROJECT_NAMES[category]).format(v=village["name"])
        target = reachable[pid % len(reachable)] if pid <= len(reachable) * 2 else rng.choice(reachable)
        subsidy = _money(rng.choice((8, 12, 20, 30, 45, 60, 80, 120)) * 10000 + rng.randint(0, 99) * 100)
        lib_status = "在库" if target == "入库" else "已申报"
        household_project = category in ("产业发展", "危房改造", "教育", "就业")
        rows["lib"].append(dict(
            base, id=pid, village_id=village["id"], year=today.year if target in STATES[:6] else today.year - 1,
            name=name, category=category, construction_type=rng.choice(("新建", "新建", "续建", "改扩建")),
            fund_type=rng.choice(("发展资金", "发展资金", "以工代赈", "少数民族发展资金")), location=village["name"],
            content=f"{name}，详见实施方案", subsidy_standard="按实施方案标准补助", amount_total=subsidy * Decimal("1.2"),
            amount_fiscal=subsidy, amount_integrated=Decimal("0"), amount_self=_money(subsidy * Decimal("0.2")),
            amount_other=Decimal("0"), planned_start=None, planned_end=None, responsible_unit=f"{TOWNSHIP}人民政府",
            responsible_person=rng.choice(OPERATORS), beneficiary_households=rng.randint(10, 80),
            beneficiary_people=rng.randint(40, 300), poor_households=rng.randint(5, 40), poor_people=rng.randint(20, 150),
            performance_goals="带动贫困户增收，户均年增收 1000 元以上", benefit_mechanism="务工、分红、产业带动",
            participation="群众参与项目选择和监督", priority=rng.randint(1, 5), status=lib_status,
            search_keys=_keys(name),
        ))
        if target == "入库":
            continue
        target_index = STATES.index(target)
        # timeline backwards from a last date shortly before today
        dates: dict[str, date] = {}
        span = 0
        gaps = []
        for field, gap, state in TIMELINE:
            if state and STATES.index(state) > target_index:
                break
            late = rng.random() < 0.03
            gap = int(gap * (2.2 if late else rng.uniform(0.6, 1.0)))
            gaps.append((field, gap))
            span += gap
        day = today - timedelta(days=span + rng.randint(3, 60))
        for field, gap in gaps:
            day = day + timedelta(days=gap)
            dates[field] = day
        needs_audit = subsidy >= Decimal("500000")
        if not needs_audit:
            dates.pop("audit_opinion_on", None)
        year = dates["applied_on"].year
        file_number = None
        if "approved_on" in dates:
            file_seq[year] = file_seq.get(year, 0) + 1
            file_number = format_file_number(Policy.defaults().file_number_pattern, year, TOWNSHIP, file_seq[year])
        deposit_applies = category in ("产业发展", "基础设施")
        deposit_rate = Decimal("0.05") if deposit_applies else None
        deposit = _money(subsidy * deposit_rate) if deposit_rate else Decimal("0")
        state = target
        grade = ""
        if "accepted_on" in dates:
            grade = rng.choices(("优良", "合格", "不合格"), (40, 55, 5))[0] if target == "已验收" else "合格"
            if grade == "不合格":
                state = "整改"
        side = ""
        if target in ("实施中", "方案批复") and rng.random() < 0.05:
            side = rng.choice(("调整中", "已终止"))
        planned_start = dates.get("plan_approved_on", dates["applied_on"]) + timedelta(days=20)
        rows["proj"].append(dict(
            base, id=pid, library_entry_id=pid, village_id=village["id"], year=year, name=name, category=category,
            construction_type="新建", fund_type="发展资金", location=village["name"], content=f"{name}，详见实施方案",
            state=state, side_state=side, subsidy=subsidy, total_investment=_money(subsidy * Decimal("1.2")),
            disbursement_mode="先建后补" if category == "危房改造" else "532", household_project=household_project,
            public_infrastructure=category == "基础设施", implementing_unit=f"{TOWNSHIP}人民政府",
            responsible_person=rng.choice(OPERATORS), supervision_phone="0851-12317", file_number=file_number,
            deposit_rate=deposit_rate, deposit_amount=deposit,
            deposit_state="已收取" if deposit_applies and "started_on" in dates else "",
            deposit_changed_on=dates.get("started_on") if deposit_applies else None,
            planned_start=planned_start, planned_end=planned_start + timedelta(days=300),
            plan_review_kind=("专家评审" if subsidy >= Decimal("500000") else "县扶贫办审核")
            if "plan_approved_on" in dates else "",
            approval_doc_no=f"示扶发〔{year}〕{pid}号" if "approved_on" in dates else "",
            plan_approval_doc_no=f"示扶复〔{year}〕{pid}号" if "plan_approved_on" in dates else "",
            audit_opinion_doc_no="示审〔{}〕{}号".format(year, pid) if "audit_opinion_on" in dates else "",
            acceptance_grade=grade, force_majeure="", search_keys=_keys(name),
            supervision_entered_on=duties.supervision_entry(rng, dates, today),
            **{field: dates.get(field) for field, _gap, _s in TIMELINE},
        ))
        previous = "入库"
        for field, _gap, reached in TIMELINE:
            if reached and field in dates:
                rows["event"].append(dict(base, project_id=pid, action=reached, from_state=previous, to_state=reached,
                                          happened_on=dates[field], document_no="", approver="", note=""))
                previous = reached
        # budget lines
        kinds = ["工程建设", "材料设备", "其他费用"]
        if household_project:
            kinds = ["直接补助到户", "材料设备"]
        if category == "培训":
            kinds = ["培训务工补助", "其他费用"]
        shares = [Decimal("0.7"), Decimal("0.3")] if len(kinds) == 2 else [Decimal("0.6"), Decimal("0.3"), Decimal("0.1")]
        budget_ids = []
        remaining = subsidy
        for i, (kind, share) in enumerate(zip(kinds, shares)):
            amount = remaining if i == len(kinds) - 1 else _money(subsidy * share)
            remaining -= amount
            bid = len(rows["budget"]) + 1
            budget_ids.append((bid, kind, amount))
            rows["budget"].append(dict(base, id=bid, project_id=pid, item={"工程建设": "主体工程", "材料设备": "材料及设备采购",
                                       "其他费用": "设计监理等费用", "直接补助到户": "到户补助", "培训务工补助": "培训补助"}[kind],
                                       unit="项", quantity=Decimal("1"), unit_price=amount, amount=amount,
                                       spending_kind=kind, adjusted_amount=None))
        # beneficiaries from the registry
        pool = by_village.get(village["id"], [])
        benef = rng.sample(pool, min(len(pool), rng.randint(8, 30))) if pool and "approved_on" in dates else []
        for h in benef:
            rows["benef"].append(dict(base, project_id=pid, household_id=h.id, benefit=rng.choice(
                ("到户补助", "务工增收", "入股分红")) if household_project else "公共设施受益",
                amount=Decimal("0"), applied=True))
        # notices (a few with a missing field for P09/P10 to find)
        for kind, field in (("立项公告", "approved_on"), ("现场公示", "started_on")):
            if field in dates:
                content = {k: "详见公示" for k in NOTICE_FIELDS[kind]}
                if rng.random() < 0.05:
                    content.pop(rng.choice(NOTICE_FIELDS[kind]))
                rows["notice"].append(dict(base, project_id=pid, kind=kind, published_on=dates[field] + timedelta(
                    days=rng.randint(1, 6)), place="县政府门户网站" if kind == "立项公告" else f"{village['name']}村委会公示栏",
                    fields_json=json.dumps(content, ensure_ascii=False), photo_paths=""))
        rows["procurement"].extend(duties.procurement(rng, base, pid, name, category, dates, subsidy, limit, household_project))
        if "started_on" in dates and not side and (rng.random() < 0.06 or len(rows["adjustment"]) < 2):
            adjusted = duties.adjustment(rng, base, pid, dates, today)
            if adjusted:
                rows["adjustment"].append(adjusted)
        # money: tranches, progress, vouchers
        first_tranche, first_voucher = len(rows["tranche"]), len(rows["voucher"])
        if "plan_approved_on" in dates and side != "已终止":
            plan = [(Decimal("0.5"), Decimal("0"), "plan_approved_on"), (Decimal("0.3"), Decimal("0.5"), "midway"),
                    (Decimal("0.2"), Decimal("1"), "completed_on")]
            if "completed_on" not in dates:
                plan = plan[:2] if "started_on" in dates and rng.random() < 0.5 else plan[:1]
            if category == "危房改造":
                plan = [(Decimal("1"), Decimal("1"), "completed_on")] if "completed_on" in dates else []
            started = dates.get("started_on", dates["plan_approved_on"])
            end = dates.get("completed_on", today - timedelta(days=5))
            midway = started + (end - started) / 2
            last_reimbursed: date | None = None
            work = Decimal("0")

            def report(on: date, share_done: Decimal, spent: Decimal) -> None:
                nonlocal work
                work = max(work, share_done)  # progress never goes backwards
                if on < today:
                    rows["progress"].append(dict(
                        base, project_id=pid, reported_on=on, work_share=work,
                        description="按计划推进" if work < 1 else "已全面完工", spent=spent,
                        households_reached=len(benef), photos_before="", photos_during="", photos_after="",
                        platform_entered_on=on, regress_reason=""))

            def info_after(event_day: date, spent: Decimal) -> None:
                # P13: information entered within a few working days; now and then late or missing
                roll = rng.random()
                if roll < 0.03:
                    return
                lag = rng.randint(8, 15) if roll < 0.06 else rng.randint(1, 4)
                report(event_day + timedelta(days=lag), work, spent)

            for seq, (share, threshold, when) in enumerate(plan, start=1):
                on = ({"midway": midway}.get(when) or dates[when]) + timedelta(days=3)
                if last_reimbursed:
                    on = max(on, last_reimbursed + timedelta(days=7))
                if on >= today:
                    break
                if threshold > 0:  # the progress that allows this tranche (F02), reported before it
                    report(on - timedelta(days=2), threshold, _money(subsidy * (1 - share) * Decimal("0.9")))
                withheld = deposit if share != Decimal("0.5") and threshold == 1 else Decimal("0")
                amount = _money(subsidy * share) - withheld
                tid = len(rows["tranche"]) + 1
                rows["tranche"].append(dict(base, id=tid, project_id=pid, seq=seq, disbursed_on=on, amount=amount,
                                            deposit_withheld=withheld, document_no=f"拨{year}-{pid}-{seq}", note=""))
                if threshold == 0:
                    work = Decimal(rng.randint(5, 40)) / 100
                info_after(on, _money(amount * Decimal("0.9")))
                # a voucher reimbursing most of the tranche
                voucher_seq += 1
                vid = voucher_seq
                made_on = on + timedelta(days=rng.randint(10, 40))
                if made_on >= today:
                    continue
                final = seq == len(plan) and "final_reimbursed_on" in dates
                lines = []
                for bid, kind, budget_amount in budget_ids:
                    line_amount = _money(budget_amount * share * Decimal("0.9"))
                    if kind in ("直接补助到户", "培训务工补助") and benef:
                        payees = benef[: max(1, min(len(benef), 10))]
                        each = _money(line_amount / len(payees))
                        for h in payees:
                            lines.append(dict(base, voucher_id=vid, budget_line_id=bid, kind="名册", amount=each,
                                              invoice_code="", invoice_no="", invoice_date=None, seller="",
                                              attachments=0, household_id=h.id, payee_name=h.head_name,
                                              id_number=head_ids[h.id], signed_on=made_on, note=""))
                    else:
                        invoice_seq += 1
                        lines.append(dict(base, voucher_id=vid, budget_line_id=bid, kind="发票", amount=line_amount,
                                          invoice_code="052002300111", invoice_no=f"{invoice_seq:08d}",
                                          invoice_date=made_on - timedelta(days=2), seller="示例县建筑工程有限公司",
                                          attachments=rng.randint(1, 4), household_id=None, payee_name="",
                                          id_number="", signed_on=None, note=""))
                total = sum((line["amount"] for line in lines), Decimal("0"))
                rows["voucher"].append(dict(base, id=vid, project_id=pid, voucher_no=f"BZ{year}{vid:05d}",
                                            made_on=made_on, reimbursed_on=made_on + timedelta(days=2),
                                            tranche_id=tid, total=total, is_final=final, note=""))
                rows["vline"].extend(lines)
                last_reimbursed = made_on + timedelta(days=2)
                info_after(last_reimbursed, total)
        posted = duties.fund_notice(rng, base, pid, village, dates, subsidy, rows["tranche"][first_tranche:],
                                    rows["voucher"][first_voucher:], today)
        if posted:
            rows["notice"].append(posted)
        # acceptance, rectification, handover
        if "initial_inspection_on" in dates:
            rows["accept"].append(dict(base, project_id=pid, kind="初检", done_on=dates["initial_inspection_on"],
                                       grade="合格", organiser=f"{TOWNSHIP}人民政府", report_no="", note=""))
        if "accepted_on" in dates:
            aid = len(rows["accept"]) + 1
            rows["accept"].append(dict(base, project_id=pid, kind="县级验收", done_on=dates["accepted_on"],
                                       grade=grade, organiser="县扶贫开发领导小组", report_no=f"验{year}-{pid}", note=""))
            if grade == "不合格":
                rows["rect"].append(dict(base, project_id=pid, acceptance_id=aid, item="路面局部开裂需返工",
                                         deadline=dates["accepted_on"] + timedelta(days=30), done_on=None, note=""))
        if "handed_over_on" in dates:
            rows["asset"].append(dict(base, project_id=pid, name=name.replace(village["name"], ""), quantity=Decimal("1"),
                                      unit="项", value=subsidy, owner_kind="受益农户" if household_project else "村集体",
                                      owner_name="受益农户" if household_project else f"{village['name']}村民委员会",
                                      maintainer=f"{village['name']}村民委员会", maintenance_duty="日常管护、定期检修",
                                      handed_over_on=dates["handed_over_on"]))
        # archive checklist: complete for archived projects, partial before
        if "approved_on" in dates:
            have = range(1, 19) if "archived_on" in dates else range(1, 1 + min(18, 3 + target_index))
            for doc_no in have:
                if doc_no == 15 and not needs_audit:
                    continue
                rows["archive"].append(dict(base, project_id=pid, doc_no=doc_no,
                                            received_on=dates.get("archived_on", dates["approved_on"]),
                                            copies=1, pages=rng.randint(1, 20), storage_place="乡镇档案室 A 柜",
                                            scan_path="", note=""))
        # benefit linkage for industry projects
        if category == "产业发展" and benef and "started_on" in dates:
            eid = len(rows["entity"]) + 1
            rows["entity"].append(dict(base, id=eid, kind="合作社", name=f"{village['name']}农民专业合作社{eid}",
                                       village_id=village["id"], project_id=pid, funded_amount=subsidy,
                                       registered_on=dates["started_on"]))
            for h in benef:
                rows["emember"].append(dict(base, entity_id=eid, household_id=h.id, name=h.head_name, is_poor=True))
            for k in range(len(benef)):
                rows["emember"].append(dict(base, entity_id=eid, household_id=None, name=f"社员{eid}-{k}", is_poor=False))
            for h in benef:
                sid = len(rows["share"]) + 1
                amount = _money(subsidy / len(benef) * Decimal("0.5"))
                rows["share"].append(dict(base, id=sid, entity_id=eid, household_id=h.id, amount=amount,
                                          dividend_mode="保底分红"))
                for i, y in enumerate(range(dates["started_on"].year, today.year)):
                    rate = Decimal("0.05") + Decimal("0.005") * i
                    rows["dividend"].append(dict(base, share_id=sid, year=y, amount=_money(amount * rate),
                                                 proceeds=_money(amount * rate * Decimal("1.4")),
                                                 paid_on=date(y, 12, 20)))
            rows["delegation"].append(duties.delegation(rng, base, pid, rows["entity"][-1]["name"], dates, len(benef)))
            if not any(e["kind"] == "企业" for e in rows["entity"]) or rng.random() < 0.25:
                row, conditions = duties.enterprise(base, len(rows["entity"]) + 1, village, pid, subsidy,
                                                    dates["started_on"])
                rows["entity"].append(row)
                rows["condition"].extend(conditions)
    duties.break_projects(rng, rows, Policy.defaults().allowed_uses)
    tables = (("lib", LibraryEntry), ("proj", Project), ("event", ProjectEvent), ("budget", BudgetLine),
              ("benef", Beneficiary), ("notice", Notice), ("tranche", Tranche), ("progress", ProgressReport),
              ("voucher", Voucher), ("vline", VoucherLine), ("accept", Acceptance), ("rect", Rectification),
              ("asset", Asset), ("archive", ArchiveItem), ("entity", Entity), ("emember", EntityMember),
              ("share", Share), ("dividend", Dividend), ("procurement", Procurement), ("delegation", Delegation),
              ("adjustment", Adjustment), ("condition", EnterpriseCondition))
    for key, model in tables:
        if rows[key]:
            conn.execute(insert(model), _uniform(rows[key]))
    conn.execute(text("ANALYZE"))
    return len(rows["proj"])


def _uniform(rows: list[dict]) -> list[dict]:
    """executemany needs the same keys in every row."""
    keys = set().union(*(r.keys() for r in rows))
    return [{k: r.get(k) for k in keys} for r in rows]
