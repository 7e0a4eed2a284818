"""The submission package's sheets: one declaration read by the export, the merge and the docs.

Each sheet lists its columns as (header, model attribute, kind). Every sheet
starts with 记录号 (the row's id in the township database); a column with a
``ref`` holds the 记录号 of a row in another sheet, which is how the county
merge links rows again after giving them new ids. Columns with a dotted
attribute (``household.household_no``) or a computed one (``=notice_lines``)
are shown for reading only and are not read back.

Format 2: every column of every table travels. The declarations below give
the order and the Chinese headers of the columns people read; ``_complete``
then appends every other column of the model (its header from ``LABELS``),
so a column added to a model is carried and merged without touching this
file beyond its label. Left out are only ids, ``created_*``/``updated_*``,
``row_version`` and search keys (``NOT_CARRIED``); ``voided``/``void_reason``
are the two 作废 columns every sheet ends with. The county merge reads
columns by header, so a version-1 package (fewer columns) still merges.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import sqlalchemy as sa

from fupin_tui.models import (
    Acceptance, Adjustment, ArchiveItem, Asset, Beneficiary, BudgetLine, CashLedgerLine, CollectiveIncome, Dividend,
    Entity, EntityMember, Household, HouseholdEvent, LibraryEntry, Member, Notice, ProcedureStep, ProgressReport,
    Project, ProjectEvent, Rectification, Share, Tranche, Village, Voucher, VoucherLine,
)
from fupin_tui.models.audit import FindingAck
from fupin_tui.models.duties import Delegation, EnterpriseCondition, Procurement, Visit

FORMAT_VERSION = 2
# Columns that never travel: the row's own id and bookkeeping the county fills itself.
NOT_CARRIED = frozenset({"id", "created_at", "created_by", "updated_at", "updated_by", "row_version", "search_keys",
                         "voided", "void_reason"})


@dataclass(frozen=True)
class F:
    header: str
    attr: str  # model attribute; "table.column" = shown only, from the referenced row
    kind: str = "text"  # text/money/date/int/id/ratio, plus bool (是/否), qty (3 places) and time (date and time)
    ref: str | None = None  # table whose 记录号 this column holds
    printed: bool = True  # False: kept in the workbook for the merge, hidden from the printout
    wrap: bool = False  # long text: wrapped in its cell on paper

    @property
    def shown_only(self) -> bool:
        return "." in self.attr or self.attr.startswith("=")


@dataclass(frozen=True)
class Sheet:
    workbook: str  # file name in the zip
    name: str  # sheet name
    title: str  # printed title
    model: type
    fields: tuple[F, ...]
    where: tuple[tuple[str, str], ...] = ()  # (attr, value) filters, e.g. kind = 发票
    signatures: tuple[str, ...] = ("制表人", "审核人", "日期")
    keys: int = 2  # leading columns repeated on every printed section of a wide sheet

    @property
    def table(self) -> str:
        return self.model.__tablename__

    @property
    def headers(self) -> list[str]:
        return [f.header for f in self.fields]


ID = F("记录号", "id", "int")


def _hh() -> F:
    return F("户记录号", "household_id", "int", ref="household")


def _proj(name: str = "项目记录号") -> F:
    return F(name, "project_id", "int", ref="project")


ROSTER = "01-建档立卡户花名册.xlsx"
LIBRARY = "02-项目库.xlsx"
PROJECTS = "03-项目及期限.xlsx"
PROGRESS = "04-项目进度.xlsx"
FUNDS = "05-拨款与报账.xlsx"
LINKAGE = "06-利益联结与分红.xlsx"
ARCHIVE = "07-项目档案目录.xlsx"
NOTICES = "08-公示公告.xlsx"
CHECKS = "09-体检问题.xlsx"
ACKS = "10-体检确认.xlsx"
# Workbooks a package of an earlier release of format 2 does not have: merged without them, with a note.
OPTIONAL_WORKBOOKS = frozenset({ACKS})

_DECLARED: tuple[Sheet, ...] = (
    Sheet(ROSTER, "村表", "行政村名单", Village, (
        ID, F("村代码", "code", "id"), F("村名", "name"), F("贫困村", "is_poor_village", "bool"),
    )),
    Sheet(ROSTER, "户表", "建档立卡贫困户花名册（户表）", Household, (
        ID, F("户编号", "household_no", "id"), F("户主姓名", "head_name"),
        F("村记录号", "village_id", "int", ref="village"), F("村名", "village.name"), F("户状态", "status"),
        F("状态日期", "status_since", "date"), F("识别年度", "identified_year", "int"),
        F("识别标准", "identification_standard"), F("贫困户属性", "attribute"),
        F("主要致贫原因", "main_cause"), F("其他致贫原因", "other_causes"), F("家庭人口", "size", "int"),
        F("住址", "address"), F("联系电话", "phone", "id"), F("一卡通账号", "bank_account", "id"),
        F("开户银行", "bank_name"), F("住房结构", "housing_structure"), F("危房户", "dangerous_house", "bool"),
        F("安全饮水", "safe_drinking_water", "bool"), F("收入年度", "income_year", "int"),
        F("工资性收入", "wage_income", "money"), F("生产经营性收入", "business_income", "money"),
        F("财产性收入", "property_income", "money"), F("转移性收入", "transfer_income", "money"),
        F("生产经营性支出", "business_expense", "money"), F("家庭纯收入", "net_income", "money"),
        F("人均纯收入", "per_capita_income", "money"), F("帮扶责任人", "helper_name"),
        F("帮扶单位", "helper_unit"), F("帮扶人电话", "helper_phone", "id"),
        F("登记人", "entered_by"), F("审核人", "checked_by"), F("备注", "remarks"),
        F("一看房", "look_house"), F("二看粮", "look_grain"), F("三看劳动力", "look_labour"),
        F("四看读书郎", "look_study"),
    ), keys=3),
    Sheet(ROSTER, "成员表", "建档立卡贫困户花名册（成员表）", Member, (
        ID, F("户编号", "household.household_no", "id"), F("姓名", "name"),
        F("户记录号", "household_id", "int", ref="household"), F("身份证号", "id_number", "id"), F("性别", "gender"),
        F("出生日期", "birth_date", "date"), F("与户主关系", "relation"), F("民族", "ethnicity"),
        F("政治面貌", "political_status"), F("文化程度", "education"), F("在校生状况", "school_status"),
        F("健康状况", "health"), F("残疾类别", "disability_kind"), F("劳动技能", "labour_skill"),
        F("务工所在地", "work_place"), F("务工时间（月）", "work_months", "int"),
        F("医疗保险", "medical_insurance"), F("大病保险", "serious_illness_insurance", "bool"),
        F("养老保险", "pension_insurance", "bool"), F("享受低保", "dibao", "bool"),
        F("特困供养", "tekun", "bool"), F("联系电话", "phone", "id"), F("备注", "remarks"),
    ), keys=3),
    # The history the county's 体检 checks (H02/H03 procedures, H04 changes, H07 ledger).
    Sheet(ROSTER, "识别退出程序", "贫困户识别与退出程序", ProcedureStep, (
        ID, _hh(), F("户编号", "household.household_no", "id"), F("程序", "procedure"), F("轮次", "round_no", "int"),
        F("序号", "seq", "int"), F("步骤", "step"), F("完成日期", "done_on", "date"), F("责任人", "responsible"),
        F("公示开始", "publicity_from", "date"), F("公示结束", "publicity_to", "date"),
        F("文号", "document_no"), F("说明", "note"), F("两不愁三保障", "basic_needs_met", "bool"),
    )),
    Sheet(ROSTER, "户状态变动", "贫困户动态调整记录", HouseholdEvent, (
        ID, _hh(), F("户编号", "household.household_no", "id"), F("变动日期", "happened_on", "date"),
        F("原状态", "from_status"), F("新状态", "to_status"), F("原因", "reason"), F("文号", "document_no"),
    )),
    Sheet(ROSTER, "收支台账", "贫困户现金收支台账", CashLedgerLine, (
        ID, _hh(), F("户编号", "household.household_no", "id"), F("年度", "year", "int"), F("收支", "direction"),
        F("类别", "category"), F("项目", "item"), F("金额", "amount", "money"), F("发生日期", "occurred_on", "date"),
        F("备注", "note"),
    )),
    Sheet(LIBRARY, "项目库", "扶贫项目库", LibraryEntry, (
        ID, F("项目名称", "name"), F("村记录号", "village_id", "int", ref="village"), F("年度", "year", "int"),
        F("项目类别", "category"), F("建设性质", "construction_type"),
        F("资金类型", "fund_type"), F("建设地点", "location"), F("建设内容", "content"),
        F("补助标准", "subsidy_standard"), F("总投资", "amount_total", "money"),
        F("财政专项", "amount_fiscal", "money"), F("整合资金", "amount_integrated", "money"),
        F("自筹", "amount_self", "money"), F("其他资金", "amount_other", "money"),
        F("计划开工", "planned_start", "date"), F("计划完工", "planned_end", "date"),
        F("责任单位", "responsible_unit"), F("责任人", "responsible_person"),
        F("受益户数", "beneficiary_households", "int"), F("受益人数", "beneficiary_people", "int"),
        F("贫困户数", "poor_households", "int"), F("贫困人数", "poor_people", "int"),
        F("绩效目标", "performance_goals"), F("带贫减贫机制", "benefit_mechanism"),
        F("群众参与", "participation"), F("优先级", "priority", "int"), F("入库状态", "status"),
    )),
    Sheet(PROJECTS, "项目", "扶贫项目及状态", Project, (
        ID, F("项目名称", "name"), F("项目库记录号", "library_entry_id", "int", ref="libraryentry"),
        F("村记录号", "village_id", "int", ref="village"), F("年度", "year", "int"),
        F("项目类别", "category"), F("建设性质", "construction_type"), F("资金类型", "fund_type"),
        F("建设地点", "location"), F("建设内容", "content"), F("项目状态", "state"),
        F("附加状态", "side_state"), F("财政补助", "subsidy", "money"), F("总投资", "total_investment", "money"),
        F("拨付方式", "disbursement_mode"), F("到户项目", "household_project", "bool"),
        F("公益性基础设施", "public_infrastructure", "bool"), F("实施单位", "implementing_unit"),
        F("项目负责人", "responsible_person"), F("监督电话", "supervision_phone", "id"),
        F("档号", "file_number", "id"), F("质保金比例", "deposit_rate", "ratio"),
        F("质保金", "deposit_amount", "money"), F("质保金状态", "deposit_state"),
        F("质保金变动日期", "deposit_changed_on", "date"), F("申报日期", "applied_on", "date"),
        F("立项评估日期", "application_reviewed_on", "date"), F("资金计划下达日期", "fund_plan_issued_on", "date"),
        F("立项批复日期", "approved_on", "date"), F("立项批复文号", "approval_doc_no"),
        F("方案上报日期", "plan_submitted_on", "date"), F("方案评审方式", "plan_review_kind"),
        F("方案批复日期", "plan_approved_on", "date"), F("方案批复文号", "plan_approval_doc_no"),
        F("备案日期", "filed_on", "date"), F("纪检监察备案日期", "discipline_filed_on", "date"),
        F("计划开工", "planned_start", "date"), F("计划完工", "planned_end", "date"),
        F("开工日期", "started_on", "date"), F("完工日期", "completed_on", "date"),
        F("初检日期", "initial_inspection_on", "date"), F("申请验收日期", "acceptance_requested_on", "date"),
        F("审计意见日期", "audit_opinion_on", "date"), F("审计意见文号", "audit_opinion_doc_no"),
        F("验收日期", "accepted_on", "date"), F("验收等级", "acceptance_grade"),
        F("验收录入日期", "acceptance_entered_on", "date"), F("最终报账日期", "final_reimbursed_on", "date"),
        F("移交日期", "handed_over_on", "date"), F("归档日期", "archived_on", "date"),
        F("不可抗力", "force_majeure"),
    )),
    Sheet(PROJECTS, "资金概算", "项目资金概算", BudgetLine, (
        ID, _proj(), F("项目名称", "project.name"), F("概算项目", "item"), F("单位", "unit"),
        F("数量", "quantity", "qty"), F("单价", "unit_price", "money"), F("金额", "amount", "money"),
        F("支出类别", "spending_kind"), F("调整后金额", "adjusted_amount", "money"),
    )),
    Sheet(PROJECTS, "办理记录", "项目办理记录（流程）", ProjectEvent, (
        ID, _proj(), F("项目名称", "project.name"), F("办理事项", "action"), F("原阶段", "from_state"),
        F("新阶段", "to_state"), F("办理日期", "happened_on", "date"), F("文号", "document_no"),
        F("批准人", "approver"), F("说明", "note"),
    )),
    Sheet(PROJECTS, "项目调整", "项目调整备案", Adjustment, (
        ID, _proj(), F("项目名称", "project.name"), F("申请日期", "filed_on", "date"),
        F("批准日期", "approved_on", "date"), F("文号", "document_no"), F("调整内容", "content"),
    )),
    Sheet(PROJECTS, "验收", "项目初检与验收", Acceptance, (
        ID, _proj(), F("项目名称", "project.name"), F("类别", "kind"), F("日期", "done_on", "date"),
        F("等次", "grade"), F("组织单位", "organiser"), F("报告编号", "report_no"), F("说明", "note"),
    )),
    Sheet(PROJECTS, "整改", "验收整改事项", Rectification, (
        ID, _proj(), F("项目名称", "project.name"), F("验收记录号", "acceptance_id", "int", ref="acceptance"),
        F("整改事项", "item"), F("整改期限", "deadline", "date"), F("完成日期", "done_on", "date"), F("说明", "note"),
    )),
    Sheet(PROJECTS, "移交资产", "项目资产移交清单", Asset, (
        ID, _proj(), F("项目名称", "project.name"), F("资产名称", "name"), F("数量", "quantity", "qty"),
        F("单位", "unit"), F("价值", "value", "money"), F("产权归属", "owner_kind"), F("所有人", "owner_name"),
        F("管护人", "maintainer"), F("管护责任", "maintenance_duty"), F("移交日期", "handed_over_on", "date"),
    )),
    Sheet(PROGRESS, "进度", "项目进度报告", ProgressReport, (
        ID, _proj(), F("项目名称", "project.name"), F("报告日期", "reported_on", "date"),
        F("工程量完成比例", "work_share", "ratio"), F("进度说明", "description"), F("已用资金", "spent", "money"),
        F("覆盖户数", "households_reached", "int"), F("录入平台日期", "platform_entered_on", "date"),
        F("进度回退原因", "regress_reason"),
    )),
    Sheet(FUNDS, "拨款", "项目资金拨付", Tranche, (
        ID, _proj(), F("项目名称", "project.name"), F("期次", "seq", "int"), F("拨付日期", "disbursed_on", "date"),
        F("拨付金额", "amount", "money"), F("扣留质保金", "deposit_withheld", "money"),
        F("拨款文号", "document_no"), F("备注", "note"),
    )),
    Sheet(FUNDS, "报账凭证", "项目报账凭证", Voucher, (
        ID, _proj(), F("项目名称", "project.name"), F("凭证号", "voucher_no", "id"), F("制单日期", "made_on", "date"),
        F("报账日期", "reimbursed_on", "date"), F("拨款记录号", "tranche_id", "int", ref="tranche"),
        F("凭证金额", "total", "money"), F("最终报账", "is_final", "bool"), F("备注", "note"),
    )),
    Sheet(FUNDS, "发票明细", "报账凭证发票明细", VoucherLine, (
        ID, F("凭证记录号", "voucher_id", "int", ref="voucher"), F("凭证号", "voucher.voucher_no", "id"),
        F("概算记录号", "budget_line_id", "int", ref="budgetline"), F("类型", "kind"),
        F("金额", "amount", "money"), F("发票代码", "invoice_code", "id"), F("发票号码", "invoice_no", "id"),
        F("开票日期", "invoice_date", "date"), F("销售方", "seller"), F("附件张数", "attachments", "int"),
        F("备注", "note"),
    ), where=(("kind", "发票"),)),
    Sheet(FUNDS, "名册明细", "报账凭证领款名册", VoucherLine, (
        ID, F("凭证记录号", "voucher_id", "int", ref="voucher"), F("凭证号", "voucher.voucher_no", "id"),
        F("概算记录号", "budget_line_id", "int", ref="budgetline"), F("类型", "kind"),
        F("金额", "amount", "money"), F("户记录号", "household_id", "int", ref="household"),
        F("领款人", "payee_name"), F("身份证号", "id_number", "id"), F("签领日期", "signed_on", "date"),
        F("备注", "note"),
    ), where=(("kind", "名册"),), signatures=("制表人", "审核人", "领款人确认", "日期")),
    Sheet(LINKAGE, "受益户", "项目受益户", Beneficiary, (
        ID, _proj(), F("项目名称", "project.name"), F("户记录号", "household_id", "int", ref="household"),
        F("户编号", "household.household_no", "id"), F("户主姓名", "household.head_name"),
        F("受益方式", "benefit"), F("受益金额", "amount", "money"), F("本户申请", "applied", "bool"),
    )),
    Sheet(LINKAGE, "经营主体", "带贫经营主体", Entity, (
        ID, F("主体类型", "kind"), F("名称", "name"), F("村记录号", "village_id", "int", ref="village"),
        F("项目记录号", "project_id", "int", ref="project"), F("扶持资金", "funded_amount", "money"),
        F("登记日期", "registered_on", "date"),
    )),
    Sheet(LINKAGE, "主体成员", "经营主体成员", EntityMember, (
        ID, F("主体记录号", "entity_id", "int", ref="entity"), F("户记录号", "household_id", "int", ref="household"),
        F("姓名", "name"), F("贫困户", "is_poor", "bool"),
    )),
    Sheet(LINKAGE, "量化入股", "贫困户量化入股", Share, (
        ID, F("主体记录号", "entity_id", "int", ref="entity"), F("户记录号", "household_id", "int", ref="household"),
        F("户主姓名", "household.head_name"), F("入股金额", "amount", "money"), F("分红方式", "dividend_mode"),
    )),
    Sheet(LINKAGE, "分红", "入股分红发放", Dividend, (
        ID, F("入股记录号", "share_id", "int", ref="share"), F("年度", "year", "int"),
        F("分红金额", "amount", "money"), F("当年收益", "proceeds", "money"), F("发放日期", "paid_on", "date"),
    ), signatures=("制表人", "审核人", "领取人确认", "日期")),
    Sheet(LINKAGE, "村集体收益", "村集体经济收益分配", CollectiveIncome, (
        ID, F("主体记录号", "entity_id", "int", ref="entity"), F("年度", "year", "int"),
        F("纯收入", "net_income", "money"), F("增收", "increase", "money"),
        F("用于贫困户", "poor_support", "money"), F("用于贫困户比例", "share_to_poor", "ratio"),
    )),
    Sheet(ARCHIVE, "档案目录", "项目档案目录", ArchiveItem, (
        ID, _proj(), F("项目名称", "project.name"), F("档号", "project.file_number", "id"),
        F("文件序号", "doc_no", "int"), F("文件名称", "=doc_name"), F("收到日期", "received_on", "date"), F("份数", "copies", "int"),
        F("页数", "pages", "int"), F("存放位置", "storage_place"), F("扫描件", "scan_path"), F("备注", "note"),
    )),
    Sheet(NOTICES, "公示", "项目公示公告", Notice, (
        ID, _proj(), F("项目名称", "project.name"), F("公示类型", "kind"), F("公示日期", "published_on", "date"),
        F("公示地点", "place"), F("公示事项", "=notice_lines", wrap=True), F("照片", "photo_paths", wrap=True),
        F("公示内容", "fields_json", printed=False),
    ), keys=3),
    # RULES-2 part B (P23, P25, H11, L05)
    Sheet(ROSTER, "走访记录", "贫困户遍访记录", Visit, (
        ID, _hh(), F("户编号", "household.household_no", "id"), F("户主姓名", "household.head_name"),
        F("走访日期", "visited_on", "date"), F("走访人", "visitor"), F("走访人单位", "visitor_unit"), F("说明", "note"),
    )),
    Sheet(PROJECTS, "采购", "项目合同与采购（招投标、阳光操作）", Procurement, (
        ID, _proj(), F("项目名称", "project.name"), F("合同名称", "contract_name"),
        F("合同金额", "contract_amount", "money"), F("选定方式", "method"), F("采购日期", "procured_on", "date"),
        F("中标（成交）单位", "winner"), F("中标（成交）金额", "awarded_amount", "money"),
        F("阳光操作记录", "sunshine_note", wrap=True), F("说明", "note"),
    )),
    Sheet(PROJECTS, "委托实施", "项目委托实施及受益农户同意", Delegation, (
        ID, _proj(), F("项目名称", "project.name"), F("受托方类型", "delegate_kind"), F("受托方名称", "delegate_name"),
        F("协议日期", "agreement_on", "date"), F("协议编号", "agreement_no"), F("农户同意日期", "consent_on", "date"),
        F("征求方式", "consent_method"), F("征求意见户数", "consent_households", "int"),
        F("同意户数", "consent_agreed", "int"),
    )),
    Sheet(LINKAGE, "企业准入条件", "扶贫龙头企业准入条件", EnterpriseCondition, (
        ID, F("主体记录号", "entity_id", "int", ref="entity"), F("准入条件", "condition"),
        F("证明材料", "evidence", wrap=True), F("登记日期", "recorded_on", "date"),
    )),
    # A clerk's acknowledgement of a 体检 finding travels, so the county does not list it as open again.
    # 对象 is "project:12" / "household:3" in the township's 记录号: the merge maps it like a reference,
    # so this sheet is read last (its workbook is the last one).
    Sheet(ACKS, "体检确认", "体检问题确认记录", FindingAck, (
        ID, F("规则", "rule"), F("对象", "record", "id"), F("确认原因", "reason", wrap=True),
        F("确认人", "acknowledged_by"), F("确认时间", "acknowledged_at", "time"),
    )),
)

# Chinese headers of the columns the declarations above leave to ``_complete``.
# A column added to a model travels by itself; give it its header here.
LABELS: dict[tuple[str, str], str] = {
    ("household", "investigator"): "调查人",
    ("household", "responsibility_letter_on"): "责任状签订日期",
    ("household", "file_filed_on"): "一户一档归档日期",
    ("household", "file_items"): "已归档材料",
    ("household", "county_approval_no"): "超规模县级批准文号",
    ("household", "county_approved_on"): "超规模县级批准日期",
    ("project", "supervision_entered_on"): "录入涉农资金监管系统日期",
    ("adjustment", "county_filed_on"): "报县备案日期",
    ("household", "house_area"): "住房面积（平方米）",
    ("household", "dangerous_grade"): "危房等级",
    ("household", "drinking_water"): "饮水情况",
    ("household", "water_difficulty"): "饮水困难",
    ("household", "production_power"): "通生产用电",
    ("household", "living_power"): "通生活用电",
    ("household", "radio_tv"): "通广播电视",
    ("household", "road_type"): "入户路类型",
    ("household", "road_distance_km"): "与村主干路距离（公里）",
    ("household", "sanitary_toilet"): "卫生厕所",
    ("household", "fuel_types"): "主要燃料类型",
    ("household", "relocated"): "易地扶贫搬迁户",
    ("household", "cultivated_land_mu"): "耕地面积（亩）",
    ("household", "irrigated_land_mu"): "有效灌溉面积（亩）",
    ("household", "forest_land_mu"): "林地面积（亩）",
    ("member", "work_company"): "务工企业",
    ("member", "speaks_mandarin"): "是否会讲普通话",
    ("progressreport", "photos_before"): "实施前照片",
    ("progressreport", "photos_during"): "实施中照片",
    ("progressreport", "photos_after"): "实施后照片",
    ("voucherline", "voucher_id"): "凭证记录号",
    ("voucherline", "budget_line_id"): "概算记录号",
    ("voucherline", "kind"): "类型",
    ("voucherline", "amount"): "金额",
    ("voucherline", "invoice_code"): "发票代码",
    ("voucherline", "invoice_no"): "发票号码",
    ("voucherline", "invoice_date"): "开票日期",
    ("voucherline", "seller"): "销售方",
    ("voucherline", "attachments"): "附件张数",
    ("voucherline", "household_id"): "户记录号",
    ("voucherline", "payee_name"): "领款人",
    ("voucherline", "id_number"): "身份证号",
    ("voucherline", "signed_on"): "签领日期",
    ("voucherline", "note"): "备注",
}


def _kind_of(column: sa.Column) -> str:
    from fupin_tui.models.types import Money, Quantity, Ratio

    t = column.type
    for cls, kind in ((Money, "money"), (Ratio, "ratio"), (Quantity, "qty"), (sa.Boolean, "bool"),
                      (sa.DateTime, "time"), (sa.Date, "date"), (sa.Integer, "int")):
        if isinstance(t, cls):
            return kind
    return "text"


def carried_columns(model: type) -> list[sa.Column]:
    """The model's columns a package carries (every one but ids and bookkeeping)."""
    return [c for c in model.__table__.columns if c.name not in NOT_CARRIED]


def _complete(sheet: Sheet) -> Sheet:
    """The sheet with every carried column of its model the declaration left out, appended."""
    have = {f.attr for f in sheet.fields}
    extra = []
    for column in carried_columns(sheet.model):
        if column.name in have:
            continue
        ref = next((fk.column.table.name for fk in column.foreign_keys), None)
        header = LABELS.get((sheet.table, column.name)) or column.name
        extra.append(F(header, column.name, "int" if ref else _kind_of(column), ref=ref))
    keys = sheet.keys
    if keys == 2 and len(sheet.fields) > 2 and sheet.fields[2].header == "项目名称":
        keys = 3
    return replace(sheet, fields=sheet.fields + tuple(extra), keys=keys)


SHEETS: tuple[Sheet, ...] = tuple(_complete(s) for s in _DECLARED)

# Parents in the order rows must be inserted (a row's references come first).
INSERT_ORDER = (
    "village", "household", "member", "procedurestep", "householdevent", "cashledgerline", "libraryentry",
    "project", "budgetline", "projectevent", "adjustment", "acceptance", "rectification", "asset",
    "progressreport", "tranche",
    "voucher", "voucherline", "beneficiary", "entity", "entitymember", "share", "dividend",
    "collectiveincome", "archiveitem", "notice", "visit", "procurement", "delegation", "enterprisecondition",
    "findingack",
)

# Top-level tables: everything else hangs from one of them.
ROOTS = ("village", "household", "libraryentry", "project", "entity", "findingack")

# Columns holding "table:记录号" of another sheet's row (FindingAck.record): mapped to the new ids by the merge.
RECORD_REFS = {("findingack", "record")}

# How to reach the township-scoped parent of each table: (fk attribute, parent table).
PARENT = {
    "household": ("village_id", "village"),
    "member": ("household_id", "household"),
    "procedurestep": ("household_id", "household"),
    "householdevent": ("household_id", "household"),
    "cashledgerline": ("household_id", "household"),
    "projectevent": ("project_id", "project"),
    "adjustment": ("project_id", "project"),
    "acceptance": ("project_id", "project"),
    "rectification": ("project_id", "project"),
    "asset": ("project_id", "project"),
    "budgetline": ("project_id", "project"),
    "progressreport": ("project_id", "project"),
    "tranche": ("project_id", "project"),
    "voucher": ("project_id", "project"),
    "voucherline": ("voucher_id", "voucher"),
    "beneficiary": ("project_id", "project"),
    "entitymember": ("entity_id", "entity"),
    "share": ("entity_id", "entity"),
    "dividend": ("share_id", "share"),
    "collectiveincome": ("entity_id", "entity"),
    "archiveitem": ("project_id", "project"),
    "notice": ("project_id", "project"),
    "visit": ("household_id", "household"),
    "procurement": ("project_id", "project"),
    "delegation": ("project_id", "project"),
    "enterprisecondition": ("entity_id", "entity"),
}

MODELS = {s.table: s.model for s in SHEETS}


_COLUMN_LABELS: dict[tuple[str, str], str] = {}


def column_label(table: str, attr: str) -> str | None:
    """The Chinese header of a table's column, as the package and the printouts name it (None if unknown)."""
    if not _COLUMN_LABELS:
        for sheet in SHEETS:
            for f in sheet.fields:
                if not f.shown_only:
                    _COLUMN_LABELS.setdefault((sheet.model.__tablename__, f.attr), f.header)
    return _COLUMN_LABELS.get((table, attr))


def sheets_of(workbook: str) -> list[Sheet]:
    return [s for s in SHEETS if s.workbook == workbook]


def workbooks() -> list[str]:
    seen: list[str] = []
    for s in SHEETS:
        if s.workbook not in seen:
            seen.append(s.workbook)
    return seen


# The 18 documents of an archive (R02), for the printed archive index.
ARCHIVE_DOCS = {
    1: "资金下达通知", 2: "项目申报建议书", 3: "县立项批复", 4: "项目实施方案", 5: "实施方案批复",
    6: "到村公示图片", 7: "实施单位确定资料", 8: "中期检查资料", 9: "资金总账和支出明细账",
    10: "项目实施责任书", 11: "涉及农户花名册", 12: "实施前中后图片", 13: "结算报告、工作总结",
    14: "初级验收资料", 15: "审计意见", 16: "申请验收的请示", 17: "县级验收意见表", 18: "移交清单",
}


@dataclass
class Extra:
    """A sheet that is shown only (not read back by the merge)."""

    workbook: str
    name: str
    title: str
    headers: list[str] = field(default_factory=list)
