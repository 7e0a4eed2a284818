"""利益联结: the entities a project funds, their members, quantified shares and dividends (L01-L04).

Reached from the funds screen with the linkage key (Ctrl+L).  What breaks a rule is listed under
the tables with the rule id; records are kept even then, for the 体检.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from fupin_tui import keymap as km

from fupin_tui.domain import linkage as rules
from fupin_tui.domain.money import format_money as M
from fupin_tui.services import linkage as service
from fupin_tui.services import progress as progress_service
from fupin_tui.widgets.forms import CodeSelect, DateInput, Field, IntInput, MoneyInput, TextInput
from fupin_tui.dialogs.kit import FieldListDialog
from fupin_tui.screens import linkage_conditions as lc
from fupin_tui.widgets.footer import SteadyFooter


class LinkageScreen(Screen):
    DEFAULT_CSS = """
    LinkageScreen #linkage-title { height: 1; color: $accent; text-style: bold; padding: 0 1; }
    LinkageScreen #entities { height: 1fr; min-height: 4; }
    LinkageScreen #shares { height: 1fr; min-height: 4; }
    LinkageScreen #linkage-problems { height: auto; max-height: 6; color: $error; padding: 0 1; }
    """
    BINDINGS = [
        km.bind("back", "app.pop_screen", "返回"),
        km.bind("new", "new_here", "新增", tooltip="主体表：登记合作社、村集体或企业；股份表：贫困户量化入股"),
        km.bind("member", "add_member", "社员", tooltip="为选中的主体添加成员"),
        km.bind("act", "add_dividend", "分红", tooltip="登记选中股份的年度分红"),
        km.bind("edit", "add_income", "集体收入", tooltip="村集体年纯收入（L02）；企业：五项准入条件（L05）", show=False),
    ]

    def __init__(self, project_id: int) -> None:
        super().__init__()
        self.project_id = project_id
        self.rows: list[service.EntityRow] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="linkage-title")
        yield DataTable(id="entities", cursor_type="row", zebra_stripes=True)
        yield DataTable(id="shares", cursor_type="row", zebra_stripes=True)
        yield Static("", id="linkage-problems")
        yield SteadyFooter()

    def on_mount(self) -> None:
        choice = progress_service.project_choice(self.app.ctx, self.project_id)
        self.query_one("#linkage-title", Static).update(f"利益联结：{choice.name}")
        self.query_one("#entities", DataTable).add_columns("类型", "名称", "扶持资金", "成员", "其中贫困户", "问题")
        self.query_one("#shares", DataTable).add_columns("户编号", "户主", "入股金额", "分红方式", "历年分红")
        self.refresh_data()
        self.query_one("#entities").focus()

    def data_changed(self, changes) -> None:
        if changes.touches("project", self.project_id) or changes.kinds() & {"entity", "entitymember", "share",
                                                                            "dividend", "collectiveincome", "*"}:
            self.refresh_data()

    def refresh_data(self) -> None:
        self.rows = service.entities(self.app.ctx, self.project_id)
        table = self.query_one("#entities", DataTable)
        keep = table.cursor_row
        table.clear()
        for e in self.rows:
            table.add_row(e.kind, e.name, M(e.funded_amount), str(e.members), str(e.poor_members),
                          str(len(e.problems)) if e.problems else "", key=str(e.id))
        if self.rows:
            table.move_cursor(row=min(max(keep, 0), len(self.rows) - 1))
        self._show_entity()

    def entity(self) -> service.EntityRow | None:
        if not self.rows:
            return None
        return self.rows[min(max(self.query_one("#entities", DataTable).cursor_row, 0), len(self.rows) - 1)]

    @on(DataTable.RowHighlighted, "#entities")
    def _highlighted(self, _event) -> None:
        self._show_entity()

    def _show_entity(self) -> None:
        e = self.entity()
        shares = self.query_one("#shares", DataTable)
        shares.clear()
        for sh in e.shares if e else ():
            history = "；".join(f"{y}年{M(a)}" for y, a, _p in sh.dividends)
            shares.add_row(sh.household_no, sh.head_name, M(sh.amount), sh.mode, history, key=str(sh.id))
        problems = "\n".join(f"[{p.rule} {p.section}] {p.message}" for p in e.problems) if e else ""
        if e and not e.problems:
            problems = "未发现问题（L01-L04）"
        if e and lc.is_enterprise(e.kind):
            problems = (problems + "\n" if e.problems else "") + lc.conditions_text(self.app.ctx, e.id, km.shown("edit"))
        self.query_one("#linkage-problems", Static).update(problems)

    def _dialog(self, title: str, fields, act, info: str = "") -> None:
        def done(ok):
            if ok:
                self.refresh_data()
                self.notify("已保存")

        self.app.push_screen(FieldListDialog(title, fields, act, info=info), done)

    def action_new_here(self) -> None:
        """Ctrl+N: a new entity, or a share when the shares table has the focus."""
        if self.focused is self.query_one("#shares", DataTable):
            self.action_add_share()
        else:
            self.action_new_entity()

    def action_new_entity(self) -> None:
        ctx = self.app.ctx
        fields = [Field("主体类型", CodeSelect(service.ENTITY_KINDS, id="kind", required=True)),
                  Field("名称", TextInput(id="name", required=True)),
                  Field("扶持资金", MoneyInput(id="funded_amount")),
                  Field("成立日期", DateInput(id="registered_on"))]
        self._dialog("登记经营主体", fields, lambda v: service.add_entity(ctx, self.project_id, **v))

    def _need_entity(self) -> service.EntityRow | None:
        e = self.entity()
        if e is None:
            self.notify("请先登记并选中一个经营主体（Ctrl+N）", severity="warning")
        return e

    def action_add_member(self) -> None:
        ctx, e = self.app.ctx, self._need_entity()
        if e is None:
            return
        fields = [Field("户编号", TextInput(id="household_no", placeholder="建档立卡户填户编号")),
                  Field("姓名", TextInput(id="name", placeholder="非建档立卡户填姓名"))]

        def act(v):
            hid = service.household_id_by_no(ctx, v["household_no"]) if v["household_no"] else None
            return service.add_member(ctx, e.id, name=v["name"], household_id=hid)

        self._dialog(f"添加成员：{e.name}", fields, act)

    def action_add_share(self) -> None:
        ctx, e = self.app.ctx, self._need_entity()
        if e is None:
            return
        fields = [Field("户编号", TextInput(id="household_no", required=True)),
                  Field("量化入股金额", MoneyInput(id="amount", required=True)),
                  Field("分红方式", CodeSelect(rules.DIVIDEND_MODES, value=rules.GUARANTEED, id="mode", required=True))]

        def act(v):
            return service.add_share(ctx, e.id, service.household_id_by_no(ctx, v["household_no"]), v["amount"],
                                     v["mode"])

        self._dialog(f"量化入股：{e.name}", fields, act)

    def action_add_dividend(self) -> None:
        ctx, e = self.app.ctx, self._need_entity()
        if e is None or not e.shares:
            self.notify("请先选中一个有量化入股的主体", severity="warning")
            return
        sh = e.shares[min(max(self.query_one("#shares", DataTable).cursor_row, 0), len(e.shares) - 1)]
        fields = [Field("年度", IntInput(str(ctx.today().year), id="year", required=True)),
                  Field("分红金额", MoneyInput(id="amount", required=True)),
                  Field("股份收益", MoneyInput(id="proceeds")),
                  Field("发放日期", DateInput(id="paid_on"))]

        def act(v):
            return service.record_dividend(ctx, sh.id, v["year"], v["amount"], proceeds=v["proceeds"],
                                           paid_on=v["paid_on"])

        floor = M(rules.minimum_dividend(sh.amount, ctx.policy))
        self._dialog(f"登记分红：{sh.head_name}户", fields, act,
                     info=f"入股{M(sh.amount)}元，{sh.mode}，每年不低于{floor}元")

    def action_add_income(self) -> None:
        ctx, e = self.app.ctx, self._need_entity()
        if e is None:
            return
        if lc.is_enterprise(e.kind):
            from fupin_tui.services import duties

            self.app.push_screen(lc.ConditionsDialog(e.id, e.name, duties.conditions(ctx, e.id)),
                                 lambda ok: ok and self.refresh_data())
            return
        fields = [Field("年度", IntInput(str(ctx.today().year), id="year", required=True)),
                  Field("年纯收入", MoneyInput(id="net_income", required=True)),
                  Field("年增收", MoneyInput(id="increase", required=True)),
                  Field("用于贫困户", MoneyInput(id="poor_support", required=True))]

        def act(v):
            return service.record_collective_income(ctx, e.id, v.pop("year"), **v)

        self._dialog(f"村集体收入：{e.name}", fields, act)
