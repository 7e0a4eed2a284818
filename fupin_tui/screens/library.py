"""项目库: the list of library entries and the entry form; 申报 starts here (P01)."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Static

from fupin_tui import keymap as km

from fupin_tui.domain.money import format_money
from fupin_tui.widgets.forms import CodeSelect, DateInput, Field, FormScreen, IntInput, MoneyInput, TextInput
from fupin_tui.widgets.footer import SteadyFooter


class LibraryScreen(Screen):
    DEFAULT_CSS = """
    LibraryScreen #library-filter { height: 1; border: none; padding: 0 1; background: $boost; }
    LibraryScreen #library-count { height: 1; padding: 0 1; color: $text-muted; }
    """
    BINDINGS = [
        km.bind("new", "new", "入库", tooltip="新增项目库条目"),
        km.bind("edit", "edit", "修改", tooltip="修改所选条目（仅在库时）"),
        km.bind("act", "apply", "申报", tooltip="把所选条目申报为项目（P01、P02）"),
        km.bind("void", "void", "作废", tooltip="作废所选条目（须说明原因）"),
        km.bind("print", "print", "打印", tooltip="生成项目库表（Excel）"),
        km.bind("find", "filter", "筛选", show=False),
        km.bind("back", "back", "返回"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows = []
        self.ready = False  # ScreenResume arrives before the first mount

    @property
    def ctx(self):
        return self.app.ctx

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="筛选：项目名称、拼音首字母、建设内容或地点", id="library-filter")
        yield Static("", id="library-count")
        yield DataTable(id="library", cursor_type="row", zebra_stripes=True)
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.sub_title = "项目库"
        self.query_one(DataTable).add_columns("年度", "村", "项目名称", "状态", "类别", "总投资（元）", "贫困户",
                                              "优先", "性质")
        self.ready = True
        self.load()
        self.query_one(DataTable).focus()

    def on_screen_resume(self) -> None:
        if self.ready:
            self.load()

    @on(Input.Changed, "#library-filter")
    def load(self) -> None:
        from fupin_tui.services import library

        text = self.query_one("#library-filter", Input).value
        self.rows = library.list_entries(self.ctx, text=text)
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear()
        for r in self.rows:
            table.add_row(str(r.year), r.village, r.name, r.status, r.category, format_money(r.amount_total),
                          str(r.poor_households), str(r.priority), r.construction_type)
        if self.rows:
            table.move_cursor(row=min(keep, len(self.rows) - 1))
        waiting = sum(1 for r in self.rows if r.status == "在库")
        self.query_one("#library-count", Static).update(f"共{len(self.rows)}条，在库待申报{waiting}条。")

    @on(Input.Submitted, "#library-filter")
    def _filter_done(self) -> None:
        self.query_one(DataTable).focus()

    def selected(self):
        index = self.query_one(DataTable).cursor_row
        return self.rows[index] if 0 <= index < len(self.rows) else None

    def action_filter(self) -> None:
        self.query_one("#library-filter", Input).focus()

    def action_back(self) -> None:
        self.dismiss(None)

    def action_new(self) -> None:
        self.app.push_screen(LibraryEntryForm(None), self._show_entry)

    def _show_entry(self, entry_id: int | None) -> None:
        """The cursor on the entry just admitted: the next Ctrl+B 申报s it, not the row the cursor was on."""
        if not entry_id:
            return
        self.load()
        index = next((i for i, r in enumerate(self.rows) if r.id == entry_id), None)
        if index is not None:
            self.query_one(DataTable).move_cursor(row=index)

    @on(DataTable.RowSelected, "#library")
    def action_edit(self) -> None:
        row = self.selected()
        if row is None:
            return
        if row.status != "在库":
            self.notify(f"条目已{row.status}，内容以项目档案为准。", severity="warning")
            return
        self.app.push_screen(LibraryEntryForm(row.id))

    def action_apply(self) -> None:
        from fupin_tui.dialogs.lifecycle_dialog import LifecycleDialog
        from fupin_tui.domain.lifecycle import FieldSpec
        from fupin_tui.services import projects

        row = self.selected()
        if row is None:
            return
        fields = [FieldSpec("date", "申报日期", "date"), FieldSpec("document_no", "申报文号", required=False),
                  FieldSpec("note", "备注", required=False)]

        def submit(raw: dict, confirmed: bool):
            return projects.apply_from_library(self.ctx, row.id, raw, confirmed_similar=confirmed)

        def done(project_id: int | None) -> None:
            if project_id is None:
                return
            self.notify(f"已申报：{row.name}")
            self.load()
            self.dismiss(None)
            self.app.open_record(f"project:{project_id}")  # the app's one way to a record: no import up to the list

        notes = ["P01：只有项目库中的项目可以申报", "P02：同村同内容的项目会列出请您确认"]
        self.app.push_screen(LifecycleDialog(row.name, "申报", fields, notes, submit,
                                             {"date": self.ctx.today().isoformat()}), done)

    def action_void(self) -> None:
        from fupin_tui.dialogs.reason import ReasonDialog
        from fupin_tui.domain.errors import DomainError
        from fupin_tui.services import library

        row = self.selected()
        if row is None:
            return

        def answered(reason: str | None) -> None:
            if not reason:
                return
            try:
                library.void_entry(self.ctx, row.id, reason, loaded_version=row.version)
            except DomainError as exc:
                self.notify(str(exc), severity="error", timeout=8)
                return
            self.notify(f"已作废：{row.name}")
            self.load()

        self.app.push_screen(ReasonDialog(f"作废项目库条目：{row.name}", "作废原因"), answered)

    def action_print(self) -> None:
        from fupin_tui.excel.project_print import print_dir, write_library

        year = self.ctx.today().year
        path = print_dir(self.ctx) / f"项目库_{year}.xlsx"
        from fupin_tui.dialogs.stripped import printed
        from fupin_tui.excel.styles import collect_stripped

        try:
            with collect_stripped() as stripped:
                n = write_library(self.ctx, path, year=year)
        except OSError as exc:
            self.notify(f"无法写入 {path}：{exc}", severity="error")
            return
        printed(self, stripped, f"项目库表（{n}条）已生成：{path}")


class LibraryEntryForm(FormScreen):
    """The columns of a library entry; an entry without performance goals is not admitted."""

    DEFAULT_CSS = """
    LibraryEntryForm VerticalScroll { padding: 0 1; }
    LibraryEntryForm .form-title { text-style: bold; height: 1; }
    """

    def __init__(self, entry_id: int | None) -> None:
        super().__init__()
        self.entry_id = entry_id

    @property
    def draft_key(self) -> str:  # widgets.drafts: what is typed survives Esc and a crash
        return f"library:{self.entry_id or 'new'}"

    @property
    def draft_title(self) -> str:
        return "修改项目库条目" if self.entry_id else "新增项目库条目"

    @property
    def ctx(self):
        return self.app.ctx

    def compose(self) -> ComposeResult:
        from fupin_tui.services import library, township

        values: dict[str, Any] = (library.get_entry(self.ctx, self.entry_id) if self.entry_id
                                  else library.default_entry(self.ctx))
        self.loaded_version = values.get("row_version")  # saving over another window's newer save is refused
        labels = library.LABELS
        codes = self.ctx.codes

        def text(key: str, required: bool = False, placeholder: str = ""):
            return Field(labels[key], TextInput(str(values.get(key) or ""), required=required, id=key,
                                                placeholder=placeholder))

        def money(key: str):
            v = values.get(key)
            return Field(labels[key], MoneyInput(f"{v:.2f}" if v else "", id=key))

        def number(key: str, required: bool = False):
            v = values.get(key)
            return Field(labels[key], IntInput("" if v in (None, "") else str(v), required=required, id=key))

        def choice(key: str, items, required: bool = False):
            return Field(labels[key], CodeSelect(items, value=values.get(key) or None, required=required, id=key))

        def day(key: str):
            v = values.get(key)
            return Field(labels[key], DateInput(v.isoformat() if v else "", id=key))

        yield Header()
        with VerticalScroll():
            yield Static("修改项目库条目" if self.entry_id else "新增项目库条目（带 * 的必填）", classes="form-title")
            villages = [(v.name, v.id) for v in township.villages(self.ctx)]
            yield choice("village_id", villages)
            yield number("year", required=True)
            yield text("name", required=True)
            yield choice("category", codes.items("项目类别"), required=True)
            yield choice("construction_type", codes.items("建设性质"))
            yield choice("fund_type", codes.items("资金类型"))
            yield text("location")
            yield text("content", required=True)
            yield text("subsidy_standard")
            for key in ("amount_fiscal", "amount_integrated", "amount_self", "amount_other", "amount_total"):
                yield money(key)
            yield day("planned_start")
            yield day("planned_end")
            yield text("responsible_unit")
            yield text("responsible_person")
            for key in ("beneficiary_households", "beneficiary_people", "poor_households", "poor_people"):
                yield number(key)
            # checked by the service, whose message says why (not admitted without goals)
            yield text("performance_goals", placeholder="必填：没有绩效目标的项目不予入库")
            yield text("benefit_mechanism")
            yield text("participation")
            yield number("priority")
        yield SteadyFooter()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#village_id").focus()

    def save(self, values: dict[str, Any]) -> None:
        from fupin_tui.services import library

        self.entry_id = library.save_entry(self.ctx, values, self.entry_id,
                                           loaded_version=getattr(self, "loaded_version", None))
        self.loaded_version = library.get_entry(self.ctx, self.entry_id)["row_version"]

    def after_save(self) -> None:
        self.notify("项目库条目已保存")
        self.dismiss(self.entry_id)
