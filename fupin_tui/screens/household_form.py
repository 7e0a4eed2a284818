"""One household: its information, members, procedures, cash ledger and history, in tabs.

Members are edited inline: the table shows everyone, the fields under it edit
the highlighted person; Ctrl+N adds a row. Ctrl+S saves the household and all
members in one transaction; nothing is written before that.

Opening a household must be quick, so only the 户信息 tab is built up front:
the member editor (a table and twelve fields, ten of them dropdowns) is
mounted the first time it is needed, and the 程序/台账/历史 tabs are filled
from the database when first shown. ``self.members`` is the truth; the
editor only shows it.
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict, fields
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.widgets import Button, Checkbox, DataTable, Header, Input, Label, Select, Static, TabbedContent, TabPane, Tabs

from fupin_tui import keymap as km

from fupin_tui.dialogs.reason import ReasonDialog
from fupin_tui.dialogs.kit import FormDialog
from fupin_tui.domain import procedures as proc
from fupin_tui.domain.errors import DomainError, InputError
from fupin_tui.domain.idcard import parse_id
from fupin_tui.domain.money import format_money
from fupin_tui.screens import household_visits as hv
from fupin_tui.services import registry as reg
from fupin_tui.widgets.footer import SteadyFooter
from fupin_tui.widgets.lazy_table import fit
from fupin_tui.widgets.pages import turn_page
from fupin_tui.widgets.forms import (
    CheckField, CodeSelect, DateInput, Field, FormScreen, IntInput, MoneyInput, TextInput,
)

TABS = {"户信息": "tab-household", "成员": "tab-members", "程序": "tab-procedures", "台账": "tab-ledger",
        "走访": hv.VISITS_TAB, "历史": "tab-history"}
STEP_COLUMNS = (("", 3), ("步骤", 14), ("办理日期", 10), ("责任人", 10), ("公示期", 22), ("文号", 10))  # 76 cells
MEMBER_COLUMNS = ("姓名", "身份证号", "关系", "性别", "出生日期", "文化程度", "在校生状况", "健康", "劳动技能")
# Exactly one of the two basic medical insurances (CODES.md); a county list "医疗保险" replaces it.
MEDICAL_INSURANCE = ["城乡居民基本医疗保险", "城镇职工基本医疗保险"]
MONEY_FIELDS = ("wage_income", "business_income", "property_income", "transfer_income", "business_expense")
MEMBER_ERROR_FIELDS = ("身份证号", "姓名", "与户主关系")  # service errors shown in the member editor


def _codes(ctx, name: str) -> list[str]:
    try:
        return list(ctx.codes.items(name))
    except Exception:  # a county code file without the list: type the value
        return []


class HouseholdFormScreen(FormScreen):
    DEFAULT_CSS = """
    HouseholdFormScreen TabbedContent { height: 1fr; }
    HouseholdFormScreen TabPane { padding: 0 1; }
    HouseholdFormScreen .form-grid { grid-size: 2; grid-gutter: 0 2; height: auto; grid-rows: auto; }
    HouseholdFormScreen .section { color: $accent; text-style: bold; height: 1; margin-top: 1; }
    HouseholdFormScreen #income-line, HouseholdFormScreen #id-info { height: 1; color: $text-muted; }
    HouseholdFormScreen #problems { color: $warning; height: auto; }
    HouseholdFormScreen #members { height: auto; max-height: 8; }
    HouseholdFormScreen .checklist { height: auto; }
    HouseholdFormScreen .actions { height: auto; margin-top: 1; }
    HouseholdFormScreen .actions Button { margin-right: 2; min-width: 12; }
    """
    BINDINGS = [
        *FormScreen.BINDINGS,
        km.bind("new", "new_here", "添加成员", tooltip="成员页：在成员表中加一行；台账页：记一笔台账"),
        km.bind("void", "void_member", "作废成员", show=False, tooltip="把选中的成员移出本户（须说明原因）"),
        km.bind("act", "next_step", "办理程序", tooltip="登记识别或退出程序的下一步"),
        km.bind("history", "show_history", "历史", tooltip="状态变更与修改记录"),
        km.bind("print", "print_table", "打印", tooltip="导出贫困户基本情况统计表（Excel）"),
        km.bind("next-tab", "turn_page(1)", "下一页", show=False, priority=True),
        km.bind("prev-tab", "turn_page(-1)", "上一页", show=False, priority=True),
    ]

    def __init__(self, household_id: int | None = None, *, tab: str | None = None) -> None:
        super().__init__()
        self.household_id = household_id
        self.start_tab = tab
        self.members: list[reg.MemberInput] = []
        self.current = -1  # index in self.members of the person being edited
        self._loading = False
        self.ledger_year = 0
        self._members_snapshot: list[dict] = []
        self._members_ready: asyncio.Event | None = None  # set once the member editor is mounted
        self._drawn: set[str] = set()  # side tabs filled since the last load
        # The form's Fields and scroll areas, found once: a query matches ~300 widgets, and a
        # refill asked for them three times (a fifth of reopening). Forgotten when the member editor mounts.
        self._fields: list[Field] | None = None
        self._scrolls: list[VerticalScroll] | None = None

    # -- layout ---------------------------------------------------------------
    def compose(self) -> ComposeResult:
        ctx = self.app.ctx
        from fupin_tui.services.township import villages

        yield Header()
        with TabbedContent(initial=TABS.get(self.start_tab or "", "tab-household")):
            with TabPane("户信息", id="tab-household"), VerticalScroll():
                yield Static("", markup=False, id="problems")
                with Grid(classes="form-grid"):
                    yield Field("村", CodeSelect([(v.name, v.id) for v in villages(ctx)], id="village_id",
                                                 required=True))
                    yield Field("户编号", TextInput(id="household_no", placeholder="留空自动编号"))
                    yield Field("地址", TextInput(id="address"))
                    yield Field("联系电话", TextInput(id="phone", max_length=20))
                    yield Field("贫困户属性", CodeSelect(_codes(ctx, "贫困户属性简表"), id="attribute", required=True))
                    yield Field("识别标准", CodeSelect(_codes(ctx, "识别标准"), id="identification_standard"))
                    yield Field("主要致贫原因", CodeSelect(_codes(ctx, "致贫原因"), id="main_cause", required=True))
                    yield Field("其他致贫原因", TextInput(id="other_causes", placeholder="最多两项，用、分隔"))
                    yield Field("一卡通账号", TextInput(id="bank_account", max_length=30))
                    yield Field("开户银行", TextInput(id="bank_name"))
                yield Label("住房与饮水", classes="section")
                with Grid(classes="form-grid"):
                    yield Field("房屋结构", CodeSelect(_codes(ctx, "房屋主要结构"), id="housing_structure"))
                    yield Field("饮水情况", CodeSelect(_codes(ctx, "饮水情况"), id="drinking_water"))
                    yield Field("安全饮水", CheckField(True, label="是", id="safe_drinking_water"))
                    yield Field("危房户", CheckField(False, label="是", id="dangerous_house"))
                    yield Field("通生活用电", CheckField(True, label="是", id="living_power"))
                    yield Field("通生产用电", CheckField(True, label="是", id="production_power"))
                yield Label("收入（元/年）", classes="section")
                with Grid(classes="form-grid"):
                    yield Field("收入年度", IntInput(id="income_year"))
                    yield Field("工资性收入", MoneyInput(id="wage_income"))
                    yield Field("生产经营性收入", MoneyInput(id="business_income"))
                    yield Field("财产性收入", MoneyInput(id="property_income"))
                    yield Field("转移性收入", MoneyInput(id="transfer_income"))
                    yield Field("生产经营性支出", MoneyInput(id="business_expense"))
                yield Static("", markup=False, id="income-line")
                yield Label("四看", classes="section")
                with Grid(classes="form-grid"):
                    yield Field("一看房", TextInput(id="look_house"))
                    yield Field("二看粮", TextInput(id="look_grain"))
                    yield Field("三看劳动力", TextInput(id="look_labour"))
                    yield Field("四看读书郎", TextInput(id="look_study"))
                yield Label("帮扶与责任", classes="section")
                with Grid(classes="form-grid"):
                    yield Field("帮扶责任人", TextInput(id="helper_name"))
                    yield Field("帮扶单位", TextInput(id="helper_unit"))
                    yield Field("帮扶人电话", TextInput(id="helper_phone", max_length=20))
                    yield Field("备注", TextInput(id="remarks"))
                    yield Field("登记人", TextInput(id="entered_by"))
                    yield Field("审核人", TextInput(id="checked_by"))
                yield from hv.duty_fields()  # 调查人、责任状、一户一档、县级批准 (RULES-2 part B)
            yield TabPane("成员", id="tab-members")  # filled by _ensure_members
            with TabPane("程序", id="tab-procedures"), VerticalScroll():
                yield Static("", markup=False, id="status-line")
                yield Static("", markup=False, id="identification", classes="checklist")
                yield Static("", markup=False, id="exit", classes="checklist")
                with Horizontal(classes="actions"):
                    yield Button("办理下一步", id="btn-next-step", variant="primary")
                    yield Button("作废最后一步", id="btn-void-step")
                    yield Button("登记返贫", id="btn-return")
                    yield Button("清退", id="btn-remove", variant="error")
            with TabPane("台账", id="tab-ledger"), VerticalScroll():
                yield Static("", markup=False, id="ledger")
                with Horizontal(classes="actions"):
                    yield Button("记一笔", id="btn-ledger-add", variant="primary")
                    yield Button("计入收入", id="btn-ledger-apply")
                    yield Button("上一年", id="btn-ledger-prev")
                    yield Button("下一年", id="btn-ledger-next")
            with TabPane("走访", id=hv.VISITS_TAB), VerticalScroll():
                yield Static("", markup=False, id="visits")
                with Horizontal(classes="actions"):
                    yield Button("登记走访", id="btn-visit-add", variant="primary")
            with TabPane("历史", id="tab-history"), VerticalScroll():
                yield Static("", markup=False, id="history")
        yield SteadyFooter()

    def _member_editor(self) -> VerticalScroll:
        ctx = self.app.ctx
        return VerticalScroll(
            DataTable(id="members", cursor_type="row", zebra_stripes=True),
            Static("", markup=False, id="id-info"),
            Grid(
                Field("姓名", TextInput(id="m_name")),
                Field("身份证号", TextInput(id="m_id_number", max_length=20)),
                Field("与户主关系", CodeSelect(_codes(ctx, "与户主关系"), id="m_relation")),
                Field("民族", CodeSelect(_codes(ctx, "民族"), id="m_ethnicity")),
                Field("文化程度", CodeSelect(_codes(ctx, "文化程度"), id="m_education")),
                Field("在校生状况", CodeSelect(_codes(ctx, "在校生状况"), id="m_school_status")),
                Field("健康状况", CodeSelect(_codes(ctx, "健康状况"), id="m_health")),
                Field("劳动技能", CodeSelect(_codes(ctx, "劳动技能"), id="m_labour_skill")),
                Field("务工所在地", CodeSelect(_codes(ctx, "务工所在地"), id="m_work_place")),
                Field("医疗保险", CodeSelect(_codes(ctx, "医疗保险") or MEDICAL_INSURANCE, id="m_medical_insurance")),
                Field("养老保险", CheckField(False, label="参加", id="m_pension_insurance")),
                Field("本人电话", TextInput(id="m_phone", max_length=20)),
                classes="form-grid", id="member-editor"),
        )

    @property
    def _members_built(self) -> bool:
        return self._members_ready is not None and self._members_ready.is_set()

    async def _ensure_members(self) -> None:
        """Mount the member editor once (it is a third of the form) and show ``self.members`` in it."""
        if self._members_ready is None:
            self._members_ready = asyncio.Event()
            await self.query_one("#tab-members", TabPane).mount(self._member_editor())
            self._fields = self._scrolls = None  # the editor's fields and scroll area join the form
            self.query_one("#members", DataTable).add_columns(*MEMBER_COLUMNS)
            self._members_ready.set()
            self._redraw_members()
            self._show_member(self.current)
        await self._members_ready.wait()

    def action_turn_page(self, step: int) -> None:
        """户信息 → 成员 → 程序 …: the pages by keyboard, the cursor on the first field of the page shown."""
        turn_page(self.query_one(TabbedContent), step)
        self._focus_start()

    @on(TabbedContent.TabActivated)
    async def _tab_shown(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id == "tab-members":
            await self._ensure_members()
        else:
            self._draw_tab(event.pane.id or "")

    async def on_mount(self) -> None:
        ctx = self.app.ctx
        self.ledger_year = ctx.today().year
        if self.household_id:
            self.load(self.household_id)
        else:
            self.title = "新增贫困户"
            self.query_one("#entered_by", TextInput).value = ctx.operator
            self.query_one("#attribute", CodeSelect).set_value("一般贫困户")
            self.query_one("#identification_standard", CodeSelect).set_value("国家标准")
            self.query_one("#income_year", IntInput).value = str(ctx.today().year - 1)
            self._add_member_row(relation="户主")
            self.refresh_side_tabs()
        if not self.household_id or self.query_one(TabbedContent).active == "tab-members":
            await self._ensure_members()  # a new household starts by filling in its head
        super().on_mount()
        self._focus_start()

    def _focus_start(self) -> None:
        """The first field of the tab shown. Focusing 户信息's 村 while another tab was asked for
        (a 体检 finding's 台账) made TabbedContent switch back to 户信息."""
        tabs = self.query_one(TabbedContent)
        if tabs.active == "tab-household":
            self.query_one("#village_id", CodeSelect).focus()
            return

        def first_of_pane() -> None:
            pane = tabs.get_pane(tabs.active)
            target = next((w for w in pane.query("*") if w.focusable and not isinstance(w, VerticalScroll)), None)
            (target or tabs.query_one(Tabs)).focus()

        self.call_after_refresh(first_of_pane)  # side tabs are drawn when shown

    # -- loading ----------------------------------------------------------------
    def reopen(self, household_id: int, tab: str | None = None) -> None:
        """Show another household in this built form: a refill, not a build (see ``open_household``)."""
        from fupin_tui.services.township import villages

        ctx = self.app.ctx
        self.flush_draft(force=True)  # the household shown until now: its unsaved typing is kept
        self._draft_offered = None  # the next household's draft is offered once it is shown
        village_options = [(v.name, v.id) for v in villages(ctx)]
        if village_options != getattr(self, "_village_options", None):
            self.query_one("#village_id", CodeSelect).set_options(village_options)
            self._village_options = village_options
        for f in self.fields():
            f.clear_error()
        self.query_one("#problems", Static).update("")
        self.start_tab = tab
        self.ledger_year = ctx.today().year
        self.load(household_id)
        self.query_one(TabbedContent).active = TABS.get(tab or "", "tab-household")
        if self._scrolls is None:
            self._scrolls = list(self.query(VerticalScroll))
        for scroll in self._scrolls:
            scroll.scroll_home(animate=False)
        self.mark_clean()
        self.call_after_refresh(self._clean_and_offer)
        self._focus_start()
        self._refilled = True

    def _on_screen_resume(self, event) -> None:
        """A refill shows the same widgets under the same app classes and theme: Textual's own
        handler (``Screen._on_screen_resume``, called after this one) need not match the CSS of
        all 250 widgets again, the larger part of reopening.  Anything else restyles as usual."""
        look = (frozenset(self.app.classes), self.app.theme)
        if getattr(self, "_refilled", False) and look == getattr(self, "_look", None):
            event.refresh_styles = False
        self._refilled, self._look = False, look

    def fields(self) -> list[Field]:
        if self._fields is None:
            self._fields = super().fields()
        return self._fields

    def load(self, household_id: int) -> None:
        detail = reg.load_household(self.app.ctx, household_id)
        self.household_id = detail.id
        self.loaded_version = detail.version
        self.title = f"户主 {detail.head_name}　户编号 {detail.household_no}　{detail.status}"
        self._loading = True
        for f in self.fields():
            key = f.widget.id or ""
            if key in detail.values and not key.startswith("m_"):
                value = detail.values[key]
                f.widget.set_value(value)
        self._loading = False
        self.members = [reg.MemberInput(m.name, m.id_number, m.relation, m.ethnicity, m.education, m.school_status,
                                        m.health, m.labour_skill, m.work_place, m.medical_insurance,
                                        m.pension_insurance, m.phone, id=m.id) for m in detail.members]
        self.current = 0 if self.members else -1
        self._redraw_members()
        self._show_member(self.current)
        self._update_income_line()
        self.refresh_side_tabs()

    def refresh_side_tabs(self) -> None:
        saved = bool(self.household_id)
        for button_id in ("btn-next-step", "btn-return", "btn-remove", "btn-ledger-add", "btn-ledger-apply",
                          "btn-visit-add"):
            self.query_one(f"#{button_id}", Button).disabled = not saved
        if not saved:
            note = "先按 Ctrl+S 保存本户，再办理程序、记台账、登记走访。"
            for target in ("#status-line", "#ledger", "#visits", "#history"):
                self.query_one(target, Static).update(note)
            return
        self._drawn.clear()  # the others are drawn when next shown
        self._draw_tab(self.query_one(TabbedContent).active)

    def data_changed(self, changes) -> None:
        """Steps, ledger and history are read again; the fields being edited are left alone."""
        if self.household_id and changes.touches("household", self.household_id):
            self._drawn.clear()
            self._draw_tab(self.query_one(TabbedContent).active)

    def _draw_tab(self, pane_id: str) -> None:
        """Fill a side tab from the database, once per load."""
        draw = {"tab-procedures": self._draw_procedures, "tab-ledger": self._draw_ledger,
                "tab-history": self._draw_history, hv.VISITS_TAB: self._draw_visits}.get(pane_id)
        if draw is not None and self.household_id and pane_id not in self._drawn:
            if pane_id == "tab-ledger":
                self._ledger_year_to_fill()
            draw()
            self._drawn.add(pane_id)

    # -- drafts (widgets.drafts): one per household, "new" for one not saved yet --
    @property
    def draft_key(self) -> str:
        return f"household:{self.household_id or 'new'}"

    @property
    def draft_title(self) -> str:
        return "新增贫困户" if not self.household_id else (self.title or f"户 {self.household_id}")

    def draft_values(self) -> dict[str, Any]:
        values = {k: v for k, v in super().draft_values().items() if not k.startswith("m_")}
        values["__members__"] = [asdict(m) for m in self.members]
        return values

    def restore_draft(self, values: dict[str, Any]) -> None:
        super().restore_draft({k: v for k, v in values.items() if not k.startswith("m_")})
        names = {f.name for f in fields(reg.MemberInput)}
        self.members = [reg.MemberInput(**{k: v for k, v in m.items() if k in names})
                        for m in values.get("__members__", [])]
        self.current = 0 if self.members else -1
        self._redraw_members()
        self._show_member(self.current)
        self._update_income_line()

    # -- dirty tracking: household fields plus the members list -----------------
    def raw_values(self) -> dict[str, Any]:
        values = {k: v for k, v in super().raw_values().items() if not k.startswith("m_")}
        values["__members__"] = [asdict(m) for m in self.members]
        return values

    def values(self) -> dict[str, Any]:
        return {k: v for k, v in super().values().items() if not k.startswith("m_")}

    # -- members ------------------------------------------------------------------
    def _member_cells(self, m: reg.MemberInput) -> tuple[str, ...]:
        gender, born = "", ""
        try:
            info = parse_id(m.id_number, today=self.app.ctx.today())
            gender, born = info.gender, info.birth_date.isoformat()
        except InputError:
            pass
        return (m.name or "（未填）", m.id_number, m.relation, gender, born, m.education, m.school_status, m.health,
                m.labour_skill)

    def _live_indexes(self) -> list[int]:
        return [i for i, m in enumerate(self.members) if not m.void_reason]

    def _redraw_members(self) -> None:
        if not self._members_built:
            return  # _ensure_members draws them
        table = self.query_one("#members", DataTable)
        table.clear()
        for i in self._live_indexes():
            table.add_row(*self._member_cells(self.members[i]), key=str(i))
        live = self._live_indexes()
        if self.current in live:
            table.move_cursor(row=live.index(self.current))

    def _show_member(self, index: int) -> None:
        self.current = index
        if not self._members_built:
            return  # _ensure_members shows the current one
        self._loading = True
        editor = self.query_one("#member-editor")
        m = self.members[index] if 0 <= index < len(self.members) else None
        for f in editor.query(Field):
            name = (f.widget.id or "")[2:]
            f.widget.set_value(getattr(m, name) if m else None)
            f.clear_error()
        self._loading = False
        self._update_id_info()

    def _update_id_info(self) -> None:
        m = self.members[self.current] if 0 <= self.current < len(self.members) else None
        text = ""
        if m and m.id_number:
            try:
                info = parse_id(m.id_number, today=self.app.ctx.today())
                text = f"由身份证号：出生 {info.birth_date.isoformat()}，性别 {info.gender}"
            except InputError as exc:
                text = f"身份证号有误：{exc.problem}"
        self.query_one("#id-info", Static).update(text)

    @on(DataTable.RowHighlighted, "#members")
    def _member_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key is not None and event.row_key.value is not None:
            index = int(event.row_key.value)
            if index != self.current:
                self._show_member(index)

    def _editor_changed(self, widget) -> None:
        wid = widget.id or ""
        if self._loading or not wid.startswith("m_") or not 0 <= self.current < len(self.members):
            return
        value = widget.get_raw()
        if value is Select.NULL:
            value = ""
        setattr(self.members[self.current], wid[2:], value.strip() if isinstance(value, str) else value)
        table = self.query_one("#members", DataTable)
        if self.current in self._live_indexes():
            # Only the cells this field shows: a keystroke must stay cheap.
            shown = {"m_name": (0,), "m_id_number": (1, 3, 4), "m_relation": (2,), "m_education": (5,),
                     "m_school_status": (6,), "m_health": (7,), "m_labour_skill": (8,)}.get(wid, ())
            cells = self._member_cells(self.members[self.current])
            columns = list(table.columns)
            for i in shown:
                table.update_cell(str(self.current), columns[i], cells[i], update_width=i == 0)
        if wid == "m_id_number":
            self._update_id_info()
        if wid in ("m_name", "m_id_number"):
            self._update_income_line()

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        self._editor_changed(event.input)
        if (event.input.id or "") in MONEY_FIELDS:
            self._update_income_line()

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        self._editor_changed(event.select)
        if event.select.id == "village_id" and not self.household_id and not self._loading \
                and event.value is not Select.NULL:
            self.query_one("#household_no", TextInput).placeholder = \
                f"留空自动编号（{reg.next_household_no(self.app.ctx, event.value)}）"

    @on(Checkbox.Changed)
    def _check_changed(self, event: Checkbox.Changed) -> None:
        self._editor_changed(event.checkbox)

    def _add_member_row(self, relation: str = "") -> None:
        self.members.append(reg.MemberInput("", "", relation))
        self.current = len(self.members) - 1
        self._redraw_members()
        self._show_member(self.current)
        self._update_income_line()

    async def action_new_here(self) -> None:
        """Ctrl+N: a ledger line on the 台账 page, a visit on 走访, otherwise a member."""
        if self.query_one(TabbedContent).active == "tab-ledger":
            self.action_add_ledger_line()
        elif self.query_one(TabbedContent).active == hv.VISITS_TAB:
            self.action_add_visit()
        else:
            await self.action_add_member()

    async def action_add_member(self) -> None:
        self.query_one(TabbedContent).active = "tab-members"
        await self._ensure_members()
        # a row not yet filled in (a new household's 户主 row) is the one to fill, not a second empty one
        blank = next((i for i, m in enumerate(self.members)
                      if getattr(m, "id", None) is None and not m.void_reason and not m.name and not m.id_number), None)
        if blank is not None:
            self.current = blank
            self._show_member(blank)
        else:
            has_head = any(m.relation == "户主" for m in self.members if not m.void_reason)
            self._add_member_row("" if has_head else "户主")
        self.query_one("#m_name", TextInput).focus()

    def action_void_member(self) -> None:
        if not 0 <= self.current < len(self.members):
            return
        m = self.members[self.current]
        if m.id is None:  # never saved: just take the row out
            self.members.pop(self.current)
            self.current = min(self.current, len(self.members) - 1)
            self._redraw_members()
            self._show_member(self.current)
            return
        from fupin_tui.dialogs.reason import ReasonDialog

        def done(reason: str | None) -> None:
            if reason:
                m.void_reason = reason
                live = self._live_indexes()
                self.current = live[0] if live else -1
                self._redraw_members()
                self._show_member(self.current)
                self.notify(f"{m.name} 将在保存时移出本户（{reason}）")

        self.app.push_screen(ReasonDialog(f"把 {m.name} 移出本户", "原因（如 死亡、迁出、嫁出）"), done)

    # -- saving -------------------------------------------------------------------
    def save(self, values: dict[str, Any]) -> None:
        names = {f.name for f in fields(reg.HouseholdInput)}
        data = reg.HouseholdInput(**{k: v for k, v in values.items() if k in names})
        members = [m for m in self.members if m.id or m.name or m.id_number or not m.void_reason]
        members = [m for m in members if m.id or m.name or m.id_number]  # blank new rows are ignored
        try:
            saved = reg.save_household(self.app.ctx, data, members, self.household_id,
                                       getattr(self, "loaded_version", None))
        except reg.MemberError as exc:
            self._focus_member_error(members[exc.row], exc)
            raise
        self.household_id = saved.id
        self.load(saved.id)
        self._show_problems(saved.problems)

    def _focus_member_error(self, member: reg.MemberInput, exc: InputError) -> None:
        self.query_one(TabbedContent).active = "tab-members"
        index = next(i for i, m in enumerate(self.members) if m is member)
        self._show_member(index)
        self._redraw_members()

    def show_field_error(self, error: InputError) -> bool:
        if error.field in MEMBER_ERROR_FIELDS:
            self.query_one(TabbedContent).active = "tab-members"
            if not self._members_built:  # mount the editor first, then show the error in it
                self.call_later(self._show_member_error, error)
                return True
        elif error.field != "家庭成员":
            self.query_one(TabbedContent).active = "tab-household"
        return super().show_field_error(error)

    async def _show_member_error(self, error: InputError) -> None:
        await self._ensure_members()
        FormScreen.show_field_error(self, error)

    def _show_problems(self, problems) -> None:
        text = "\n".join(f"[{p.rule}] {p.member_name + '：' if p.member_name else ''}{p.message}" for p in problems)
        self.query_one("#problems", Static).update(f"数据质量提示（已保存，请复核）：\n{text}" if problems else "")
        if problems:
            self.notify(f"已保存。发现 {len(problems)} 个数据质量问题，请在「户信息」页顶部复核。", severity="warning",
                        timeout=8)

    def after_save(self) -> None:
        if not str(self.query_one("#problems", Static).content):
            self.notify("已保存")

    def _update_income_line(self) -> None:
        from fupin_tui.domain.money import parse_amount

        total = 0
        try:
            parts = [parse_amount(self.query_one(f"#{name}", Input).value or "0", name) for name in MONEY_FIELDS]
        except InputError:
            self.query_one("#income-line", Static).update("")
            return
        total = sum(parts[:4]) - parts[4]
        size = len([m for m in self.members if not m.void_reason and (m.name or m.id_number)])
        text = f"家庭纯收入 {format_money(total)} 元"
        if size:
            text += f"，{size} 人，人均纯收入 {format_money(reg.per_capita(total, size))} 元"
        self.query_one("#income-line", Static).update(text)

    # -- procedures -----------------------------------------------------------------
    def _draw_procedures(self) -> None:
        view = reg.procedure_view(self.app.ctx, self.household_id)
        self.query_one("#status-line", Static).update(f"当前状态：{view.status}　公示期不少于 {view.publicity_days} 天")
        for procedure, target, title in ((proc.IDENTIFICATION, "#identification", "识别程序"),
                                         (proc.EXIT, "#exit", "退出程序（两公示一公告）")):
            # labelled columns, so a date typed as 责任人 (or a name as 文号) is seen at once
            lines = [title, "  " + " ".join(fit(label, width) for label, width in STEP_COLUMNS)]
            for step, row in view.checklist(procedure):
                if row is None:
                    cells = ("[ ]", step, "", "", "", "")
                else:
                    publicity = f"{row.publicity_from}至{row.publicity_to}" if row.publicity_from else ""
                    cells = ("[x]", step, str(row.done_on), row.responsible, publicity, row.document_no or "")
                lines.append(("  " + " ".join(fit(c, width) for c, (_label, width) in zip(cells, STEP_COLUMNS))).rstrip())
            self.query_one(target, Static).update("\n".join(lines).rstrip())
        nxt = view.next_identification or view.next_exit
        button = self.query_one("#btn-next-step", Button)
        button.label = f"办理：{nxt}" if nxt else "无待办程序"
        button.disabled = nxt is None
        self.query_one("#btn-void-step", Button).disabled = not (view.identification or view.exit)
        self.query_one("#btn-return", Button).disabled = view.status != proc.EXITED
        self.query_one("#btn-remove", Button).disabled = view.status in (proc.REMOVED, proc.VOID)

    def action_next_step(self) -> None:
        if not self._require_saved():
            return
        view = reg.procedure_view(self.app.ctx, self.household_id)
        self.query_one(TabbedContent).active = "tab-procedures"
        if view.next_identification:
            procedure, step = proc.IDENTIFICATION, view.next_identification
        elif view.next_exit:
            procedure, step = proc.EXIT, view.next_exit
        else:
            self.notify(f"当前状态「{view.status}」没有待办的程序。", severity="warning")
            return
        self.query_one(TabbedContent).active = "tab-procedures"
        first_exit = procedure == proc.EXIT and not view.exit
        done = view.identification if procedure == proc.IDENTIFICATION else view.exit
        self.app.push_screen(StepDialog(self.household_id, procedure, step, view.publicity_days, first_exit,
                                        getattr(self, "loaded_version", None),
                                        responsible=done[-1].responsible if done else ""),
                             lambda done: done and self.load(self.household_id))  # load: the new version

    @on(Button.Pressed, "#btn-next-step")
    def _next_step_pressed(self) -> None:
        self.action_next_step()

    @on(Button.Pressed, "#btn-void-step")
    def _void_step_pressed(self) -> None:
        """A step recorded wrongly is voided with a reason (kept in 历史), then recorded again."""
        def void(reason: str) -> None:
            what = reg.void_last_step(self.app.ctx, self.household_id, reason, getattr(self, "loaded_version", None))
            self.notify(f"已作废：{what}。原因：{reason}", markup=False)

        self._act_with_reason("作废最后一步程序", "作废原因", void, placeholder="如：日期录错，重新登记")

    @on(Button.Pressed, "#btn-return")
    def _return_pressed(self) -> None:
        self._status_with_reason("登记返贫", "返贫原因", reg.record_return)

    @on(Button.Pressed, "#btn-remove")
    def _remove_pressed(self) -> None:
        self._status_with_reason("清退本户", "清退原因（如 识别不准、家有财政供养人员）", reg.remove_household)

    def _status_with_reason(self, title: str, prompt: str, action) -> None:
        def change(reason: str) -> None:
            action(self.app.ctx, self.household_id, self.app.ctx.today(), reason, getattr(self, "loaded_version", None))
            self.notify(f"已{title}：{reason}", markup=False)

        self._act_with_reason(title, prompt, change)

    def _act_with_reason(self, title: str, prompt: str, act, placeholder: str = "") -> None:
        """Ask the reason and act in the dialog: a refusal (another operator changed the household
        meanwhile, a rule) is shown there with the reason still typed; done, the form reloads
        (and so takes the household's new version for the next step)."""
        self.app.push_screen(ActWithReasonDialog(title, prompt, act, placeholder=placeholder),
                             lambda done: done and self.load(self.household_id))

    # -- ledger -----------------------------------------------------------------------
    def _ledger_year_to_fill(self) -> None:
        """Open at last year when it has no ledger yet: the year H07 asks for (十(三)2(8))."""
        last = self.app.ctx.today().year - 1
        if self.ledger_year == last + 1 and not reg.ledger(self.app.ctx, self.household_id, last).lines:
            self.ledger_year = last

    def _draw_ledger(self) -> None:
        book = reg.ledger(self.app.ctx, self.household_id, self.ledger_year)
        lines = [f"{self.ledger_year}年 现金收支台账（{km.shown('new')} 记一笔）", ""]
        for x in book.lines:
            when = x.occurred_on.isoformat() if x.occurred_on else "          "
            lines.append(f"  {when}  {x.direction}  {x.category:<8}  {format_money(x.amount):>12}  {x.item}")
        if not book.lines:
            lines.append("  （本年尚无台账）")
        lines += ["", f"  收入合计 {format_money(book.income)} 元　支出合计 {format_money(book.expense)} 元　"
                      f"家庭纯收入 {format_money(book.net_income)} 元"]
        self.query_one("#ledger", Static).update("\n".join(lines))

    def action_add_ledger_line(self) -> None:
        if not self._require_saved():
            return
        self.query_one(TabbedContent).active = "tab-ledger"
        self.app.push_screen(LedgerDialog(self.household_id, self.ledger_year),
                             lambda done: done and self._draw_ledger())

    # -- visits (遍访, H11) --------------------------------------------------------------
    def _draw_visits(self) -> None:
        self.query_one("#visits", Static).update(hv.visits_text(self.app.ctx, self.household_id))

    def action_add_visit(self) -> None:
        if not self._require_saved():
            return
        self.query_one(TabbedContent).active = hv.VISITS_TAB
        helper = self.query_one("#helper_name", TextInput).value.strip()
        unit = self.query_one("#helper_unit", TextInput).value.strip()
        self.app.push_screen(hv.VisitDialog(self.household_id, helper, unit), lambda done: done and self._draw_visits())

    @on(Button.Pressed, "#btn-visit-add")
    def _visit_add_pressed(self) -> None:
        self.action_add_visit()

    @on(Button.Pressed, "#btn-ledger-add")
    def _ledger_add_pressed(self) -> None:
        self.action_add_ledger_line()

    @on(Button.Pressed, "#btn-ledger-apply")
    def _ledger_apply(self) -> None:
        """计入收入 replaces the household's income with the ledger's totals: asked first, old → new shown."""
        from fupin_tui.widgets.confirm import ConfirmDialog

        year, book = self.ledger_year, reg.ledger(self.app.ctx, self.household_id, self.ledger_year)
        changes = []
        for category, name in {**reg.INCOME_FIELDS, **reg.EXPENSE_FIELDS}.items():
            old = self.query_one(f"#{name}", MoneyInput).value or "0.00"
            changes.append(f"{category}：{old} → {format_money(book.by_category.get(category, 0))}")
        message = (f"用{year}年台账替换该户的收入（收入年度改为{year}），原数据被替换：\n" + "\n".join(changes))

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            value = reg.apply_ledger_to_income(self.app.ctx, self.household_id, year)
            self.load(self.household_id)
            self.mark_clean()
            self.notify(f"已按{year}年台账计入收入，人均纯收入 {format_money(value)} 元")

        self.app.push_screen(ConfirmDialog(message, title="计入收入", yes="替换收入", no="取消"), answered)

    @on(Button.Pressed, "#btn-ledger-prev")
    def _ledger_prev(self) -> None:
        self.ledger_year -= 1
        if self.household_id:
            self._draw_ledger()

    @on(Button.Pressed, "#btn-ledger-next")
    def _ledger_next(self) -> None:
        self.ledger_year += 1
        if self.household_id:
            self._draw_ledger()

    # -- history and print ------------------------------------------------------------
    def _draw_history(self) -> None:
        rows = reg.history(self.app.ctx, self.household_id)
        # Two kinds of time, told apart: the date a step was done (办理) and when an edit was saved (录入).
        lines = [f"{'办理' if r.what == '状态' else '录入'} {r.at:%Y-%m-%d} "
                 f"{'     ' if r.what == '状态' else f'{r.at:%H:%M}'}  {r.operator or '-'}  {r.text}" for r in rows]
        head = "办理＝状态变动的办理日期　录入＝修改保存的时间（到分）" if rows else ""
        self.query_one("#history", Static).update("\n".join([head, *lines]) if rows else "（无记录）")

    def action_show_history(self) -> None:
        if self._require_saved():
            self._draw_history()
            self.query_one(TabbedContent).active = "tab-history"

    def action_print_table(self) -> None:
        if not self._require_saved():
            return
        from fupin_tui.dialogs.stripped import printed
        from fupin_tui.excel.registry_print import write_household_table
        from fupin_tui.excel.styles import collect_stripped

        try:
            with collect_stripped() as stripped:
                path = write_household_table(self.app.ctx, self.household_id)
        except OSError as exc:
            self.notify(f"导出失败：{exc}", severity="error")
            return
        printed(self, stripped, f"统计表已导出：{path}", here=f"household:{self.household_id}")

    def _require_saved(self) -> bool:
        if not self.household_id:
            self.notify("请先按 Ctrl+S 保存本户。", severity="warning")
            return False
        return True

    def leave(self) -> None:
        self.dismiss(self.household_id)


class StepDialog(FormDialog):
    """Record the next step of a procedure, fields in the order the paper is filled:
    办理日期, (公示期), 责任人, 文号, 备注."""

    def __init__(self, household_id: int, procedure: str, step: str, publicity_days: int, first_exit: bool,
                 loaded_version: int | None = None, *, responsible: str = "") -> None:
        super().__init__(f"{procedure}程序：{step}")
        self.responsible = responsible  # the previous step's: one person usually carries the whole procedure
        self.household_id, self.procedure, self.step = household_id, procedure, step
        self.publicity_days, self.first_exit = publicity_days, first_exit
        self.loaded_version = loaded_version  # the household as the form showed it: no lost update

    def compose_fields(self) -> ComposeResult:
        today = self.app.ctx.today()
        yield Field("办理日期", DateInput(today.isoformat(), id="done_on", required=True))
        if proc.is_publicity(self.step):
            end = proc.earliest_publicity_end(today, self.publicity_days)
            yield Field("公示开始", DateInput(today.isoformat(), id="publicity_from", required=True))
            yield Field("公示结束", DateInput(end.isoformat(), id="publicity_to", required=True))
        yield Field("责任人", TextInput(self.responsible, id="responsible", required=True))
        yield Field("文号", TextInput(id="document_no"))
        yield Field("备注", TextInput(id="note"))
        if self.first_exit:
            yield Field("两不愁三保障", CheckField(False, label="已达到", id="basic_needs_met"))

    def submit(self, confirmed: bool = False) -> Any:
        values = self.parsed_values()
        status = reg.record_step(self.app.ctx, self.household_id, self.procedure, self.step, values["done_on"],
                                 values["responsible"], values.get("publicity_from"), values.get("publicity_to"),
                                 values.get("document_no", ""), values.get("note", ""),
                                 bool(values.get("basic_needs_met")), self.loaded_version)
        self.app.notify(f"已登记「{self.step}」，当前状态：{status}")
        return True


class ActWithReasonDialog(ReasonDialog):
    """A reason dialog that acts on 确定 (``act(reason)``): a refusal stays in the dialog."""

    def __init__(self, title: str, prompt: str, act, *, placeholder: str = "") -> None:
        super().__init__(title, prompt, placeholder=placeholder)
        self.act = act

    def submit(self, confirmed: bool = False) -> bool:
        self.act(super().submit(confirmed))
        return True


class LedgerDialog(FormDialog):
    """One line of the cash ledger (现金收支台账)."""

    def __init__(self, household_id: int, year: int) -> None:
        super().__init__(f"{year}年 现金收支台账：记一笔")
        self.household_id, self.year = household_id, year

    def compose_fields(self) -> ComposeResult:
        categories = [c for d in reg.LEDGER_CATEGORIES.values() for c in d]
        yield Field("收支", CodeSelect(list(reg.LEDGER_CATEGORIES), id="direction", required=True))
        yield Field("类别", CodeSelect(categories, id="category", required=True))
        yield Field("项目", TextInput(id="item"))
        yield Field("金额", MoneyInput(id="amount", required=True))
        yield Field("日期", DateInput(id="occurred_on"))

    def submit(self, confirmed: bool = False) -> Any:
        values = self.parsed_values()
        reg.add_ledger_line(self.app.ctx, self.household_id, self.year, values["direction"], values["category"],
                            values["amount"], values["item"], values["occurred_on"])
        return True


FORM_NAME = "household-form"


def open_household(app, household_id: int | None, tab: str | None = None, back_to: str | None = None) -> None:
    """Open a household's form. The form is built once per app (a third of a second of Textual
    work at 33 fields) and refilled for each household after that; a new household, or a
    form already on a screen stack (opened from a finding over an open form), gets its own.
    ``back_to``: the mode closing the form returns to (``FupinApp.pop_screen``)."""
    if household_id is None:
        app.push_screen(HouseholdFormScreen(None, tab=tab))
        return
    if app.is_screen_installed(FORM_NAME):
        screen = app.get_screen(FORM_NAME)
        if not any(screen in stack for stack in app._screen_stacks.values()):
            screen.reopen(household_id, tab)
            screen.back_to_mode = back_to
            app.push_screen(FORM_NAME)
            return
        screen = HouseholdFormScreen(household_id, tab=tab)
        screen.back_to_mode = back_to
        app.push_screen(screen)
        return
    screen = HouseholdFormScreen(household_id, tab=tab)
    screen._village_options = None
    screen.back_to_mode = back_to
    app.install_screen(screen, FORM_NAME)
    app.push_screen(FORM_NAME)
