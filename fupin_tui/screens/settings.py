"""设置: the township's own data, villages, operators and every policy parameter."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Static, TabbedContent, TabPane

from fupin_tui import keymap as km

from fupin_tui.dialogs.kit import FormDialog
from fupin_tui.domain.errors import DomainError, InputError
from fupin_tui.widgets.forms import CheckField, CodeSelect, Field, TextInput
from fupin_tui.widgets.holidays_panel import HolidaysPanel
from fupin_tui.widgets.update_panel import UpdatePanel
from fupin_tui.widgets.footer import SteadyFooter


class ParamDialog(FormDialog):
    """Edit one policy parameter; the value is checked before it is stored."""

    def __init__(self, row) -> None:
        r = self.row = row
        super().__init__(f"{r.label}（{r.unit}）" if r.unit else r.label,
                         notes=[f"规则 {r.rules}，制度条款 {r.section or '无'}；默认值：{r.default}"])

    def compose_fields(self) -> ComposeResult:
        yield Field("取值", TextInput(self.row.value, id="value"), label_width=6)

    def submit(self, confirmed: bool = False) -> bool:
        from fupin_tui.services.policy_settings import set_param

        set_param(self.app.ctx, self.row.name, self.query_one("#value", TextInput).value,
                  loaded_version=self.row.version)
        return True


class SettingsScreen(Screen):
    DEFAULT_CSS = """
    SettingsScreen TabPane { padding: 0 1; }
    SettingsScreen .form { height: auto; margin-top: 1; }
    SettingsScreen #villages, SettingsScreen #operators { height: 1fr; }
    SettingsScreen #params { height: 1fr; }
    SettingsScreen .hint { color: $text-muted; height: auto; }
    SettingsScreen .error-line { color: $error; text-style: bold; height: auto; }
    """
    BINDINGS = [
        km.bind("save", "save", "保存"),
        km.bind("new", "new", "新增"),
        km.bind("void", "void_here", "停用/恢复默认", tooltip="经办人页：停用所选经办人；政策参数页：恢复默认值"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(id="tabs"):
            with TabPane("乡镇", id="tab-township"):
                yield Static("本乡镇的基本信息。修改后按 Ctrl+S 保存。", classes="hint")
                with Vertical(classes="form"):
                    yield Field("县（区）", TextInput(required=True, id="county"))
                    yield Field("乡镇名称", TextInput(required=True, id="town-name"))
                    yield Field("乡镇代码", TextInput(required=True, id="town-code", max_length=9))
            with TabPane("村", id="tab-villages"):
                yield DataTable(id="villages", cursor_type="row", zebra_stripes=True)
                yield Static("回车：修改所选村；Ctrl+N：新增村；填好后 Ctrl+S 保存。", classes="hint")
                with Vertical(classes="form"):
                    yield Field("村代码", TextInput(required=True, id="village-code", max_length=12))
                    yield Field("村名", TextInput(required=True, id="village-name"))
                    yield Field("贫困村", CheckField(id="village-poor"))
            with TabPane("经办人", id="tab-operators"):
                yield DataTable(id="operators", cursor_type="row")
                yield Static(f"输入姓名后回车新增经办人；在列表中按 {km.shown('void')} 停用（历史记录保留）。", classes="hint")
                yield Field("新经办人", TextInput(id="operator-name"))
            with TabPane("显示", id="tab-display"):
                yield Static("边框样式：旧版 Windows 控制台（中文代码页）会把线框字符画成两格宽，"
                             "选「ASCII」可避免错位；「自动」在 Windows Terminal 以外自动使用 ASCII。", classes="hint")
                yield Field("边框样式", CodeSelect([("自动", "auto"), ("ASCII 边框", "ascii"), ("线框字符", "unicode")],
                                                  id="border-style"))
            with TabPane("政策参数", id="tab-params"):
                yield Static(f"县里按制度填写的参数。回车修改，{km.shown('void')} 恢复默认值；标 * 的是已修改的。", classes="hint")
                yield DataTable(id="params", cursor_type="row", zebra_stripes=True)
            with TabPane("节假日", id="tab-holidays"):
                yield HolidaysPanel(id="holidays")
            with TabPane("配置", id="tab-config"):
                yield Static("", id="config-report")
                yield Field("导入配置文件", TextInput(id="config-file",
                                                placeholder="holidays.toml 或 codes.toml 的路径，回车导入"))
                yield Static("", id="config-error", classes="error-line")
                yield Static("", id="config-done", classes="hint")
            with TabPane("更新包", id="tab-update"):
                yield UpdatePanel(id="update")
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.editing_village: int | None = None
        self.reload()
        self.query_one("#config-report", Static).update(config_report(self.app))

    def reload(self) -> None:
        from fupin_tui.services import policy_settings, township

        ctx = self.app.ctx
        town = ctx.township()
        # versions of what is shown: a save over another window's newer one is refused (no lost update)
        self.township_version = town.row_version if town else None
        self.village_versions = {v.id: v.version for v in township.villages(ctx)}
        self.operator_versions = township.operator_versions(ctx)
        if town:
            self.query_one("#county", TextInput).set_value(town.county)
            self.query_one("#town-name", TextInput).set_value(town.name)
            self.query_one("#town-code", TextInput).set_value(town.code)
        self.query_one("#border-style", CodeSelect).set_value(township.get_setting(ctx, "border_style", "auto"))
        villages = self.query_one("#villages", DataTable)
        villages.clear(columns=True)
        villages.add_columns("村代码", "村名", "贫困村")
        for v in township.villages(ctx):
            villages.add_row(v.code, v.name, "是" if v.is_poor_village else "", key=str(v.id))
        operators = self.query_one("#operators", DataTable)
        operators.clear(columns=True)
        operators.add_columns("经办人")
        for name in township.operators(ctx):
            operators.add_row(name, key=name)
        params = self.query_one("#params", DataTable)
        keep_row = params.cursor_row
        params.clear(columns=True)
        params.add_columns("参数", "当前值", "默认值", "规则", "条款")
        self.param_rows = {r.name: r for r in policy_settings.param_rows(ctx)}
        for r in self.param_rows.values():
            label = ("*" if r.changed else " ") + r.label + (f"（{r.unit}）" if r.unit else "")
            params.add_row(label, r.value, r.default, r.rules, r.section, key=r.name)
        params.move_cursor(row=keep_row)  # stay on the parameter just changed

    def _active(self) -> str:
        return self.query_one("#tabs", TabbedContent).active

    def action_save(self) -> None:
        from fupin_tui.services import township

        ctx = self.app.ctx
        try:
            if self._active() == "tab-township":
                township.save_township(ctx, *[self.query_one(f"#{i}", TextInput).get_value()
                                              for i in ("county", "town-name", "town-code")],
                                       loaded_version=self.township_version)
            elif self._active() == "tab-villages":
                fields = {f.widget.id: f for f in self.query_one("#tab-villages").query(Field)}
                values = {k: f.validate() for k, f in fields.items()}
                township.save_village(ctx, values["village-code"], values["village-name"], values["village-poor"],
                                      self.editing_village,
                                      loaded_version=self.village_versions.get(self.editing_village))
                self.action_new()
            else:
                return
        except InputError as exc:
            self._show_error(exc)
            return
        except DomainError as exc:  # changed meanwhile in another window, disk full, read-only …
            self.notify(str(exc), title="未保存", severity="error", timeout=10, markup=False)
            return
        self.notify("已保存")
        self.reload()

    def _show_error(self, exc: InputError) -> None:
        for f in self.query(Field):
            if f.label == exc.field:
                f.show_error(exc.problem)
        self.notify(str(exc), title="未保存", severity="error")

    def action_new(self) -> None:
        if self._active() != "tab-villages":
            return
        self.editing_village = None
        for i in ("village-code", "village-name"):
            self.query_one(f"#{i}", TextInput).set_value("")
        self.query_one("#village-poor", CheckField).set_value(False)
        self.query_one("#village-code").focus()

    @on(DataTable.RowSelected, "#villages")
    def _edit_village(self, event: DataTable.RowSelected) -> None:
        table = event.data_table
        code, name, poor = table.get_row(event.row_key)
        self.editing_village = int(event.row_key.value)
        self.query_one("#village-code", TextInput).set_value(code)
        self.query_one("#village-name", TextInput).set_value(name)
        self.query_one("#village-poor", CheckField).set_value(poor == "是")
        self.query_one("#village-name").focus()

    @on(Input.Submitted, "#operator-name")
    def _add_operator(self, event: Input.Submitted) -> None:
        from fupin_tui.services import township

        event.stop()
        try:
            township.add_operator(self.app.ctx, event.value)
        except InputError as exc:
            self._show_error(exc)
            return
        event.input.value = ""
        self.notify(f"已新增经办人 {event.value.strip()}")
        self.reload()

    def action_void_here(self) -> None:
        """Ctrl+X: stop the chosen operator, or put the chosen parameter back to its default."""
        tab = self._active()
        if tab == "tab-operators":
            self.action_deactivate()
        elif tab == "tab-params":
            self.action_reset_param()
        else:
            self.notify("本页没有可停用或恢复的项目。", severity="warning")

    def action_deactivate(self) -> None:
        from fupin_tui.services import township

        table = self.query_one("#operators", DataTable)
        if self._active() != "tab-operators" or not table.row_count:
            return
        name = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if name == self.app.ctx.operator:
            self.notify("不能停用当前经办人。", severity="warning")
            return
        try:
            township.deactivate_operator(self.app.ctx, name, loaded_version=self.operator_versions.get(name))
        except DomainError as exc:
            self.notify(str(exc), title="未停用", severity="error", timeout=10, markup=False)
            return
        self.notify(f"已停用经办人 {name}")
        self.reload()

    @on(DataTable.RowSelected, "#params")
    def _edit_param(self, event: DataTable.RowSelected) -> None:
        row = self.param_rows[event.row_key.value]

        def done(changed: bool | None) -> None:
            if changed:
                self.notify(f"已修改：{row.label}")
                self.reload()

        self.app.push_screen(ParamDialog(row), done)

    def action_reset_param(self) -> None:
        from fupin_tui.services.policy_settings import reset_param

        table = self.query_one("#params", DataTable)
        if self._active() != "tab-params" or not table.row_count:
            return
        name = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        try:
            reset_param(self.app.ctx, name, loaded_version=self.param_rows[name].version)
        except DomainError as exc:
            self.notify(str(exc), severity="error")
            return
        self.notify(f"已恢复默认：{self.param_rows[name].label}")
        self.reload()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        tab = self._active() if self.is_mounted else ""
        if action == "reset_param":
            return tab == "tab-params"
        if action == "deactivate":
            return tab == "tab-operators"
        if action == "new":
            return tab == "tab-villages"
        return True

    @on(CodeSelect.Changed, "#border-style")
    def _border_style(self, event: CodeSelect.Changed) -> None:
        from fupin_tui.services import township

        if event.value in ("auto", "ascii", "unicode") and self.app.ctx:
            if township.get_setting(self.app.ctx, "border_style", "auto") != event.value:
                township.set_setting(self.app.ctx, "border_style", event.value)
            self.app.apply_border_style()

    @on(Input.Submitted, "#config-file")
    def _import_config(self, event: Input.Submitted) -> None:
        """设置 → 配置: a county file kept in the database; calendar and code lists apply at once."""
        from fupin_tui import configuration

        event.stop()
        error, done = self.query_one("#config-error", Static), self.query_one("#config-done", Static)
        error.update("")
        done.update("")
        try:
            message = configuration.import_file(self.app.ctx.db, event.value, self.app.ctx.operator)
        except InputError as exc:
            error.update(f"未导入：{exc}")  # what was typed stays in the box
            return
        self.app.reload_configuration()
        done.update(message)
        event.input.value = ""
        self.query_one("#config-report", Static).update(config_report(self.app))

    @on(TabbedContent.TabActivated)
    def _tab_changed(self) -> None:
        self.refresh_bindings()


def config_report(app) -> str:
    """配置 tab: which database this is, where the config folder is, what was loaded from it."""
    from rich.markup import escape

    from fupin_tui import configuration
    from fupin_tui.config import config_dir

    ident = app.ctx.identity()
    loaded = getattr(app, "configuration", None)
    folder = loaded.config_dir if loaded else config_dir()
    lines = [f"本数据库：{ident.label}（标识 {ident.short_id}）"
             + (f"，{ident.township_name}（{ident.township_code}）" if ident.township_code else ""),
             f"数据库文件：{app.db_path}",
             f"配置文件夹：{folder}",
             f"  把县里下发的 {configuration.HOLIDAYS}（节假日安排）或 {configuration.CODES}（代码表）放在这里，"
             "下次启动时自动导入并保存到数据库中（程序和命令行使用同一份）。", ""]
    files = loaded.files if loaded else []
    if not files:
        lines.append("已导入的配置：无（使用软件自带的节假日安排和代码表）")
    for f in files:
        status = f"，{f.status}" if f.status else ""
        lines.append(f"{f.what}（{f.file}）：{f.detail}{status}；依据 {f.source}")
        lines.append(f"  来自 {f.origin}，{f.imported_at} 导入")
    for notice in (loaded.notices if loaded else []):
        lines.append(f"提示：{notice}")
    remaps = getattr(app, "keymap", {}) or {}
    problems = getattr(app, "keymap_problems", []) or []
    keymap_file = folder / configuration.KEYMAP
    if keymap_file.is_file():
        lines.append(f"按键设置（{configuration.KEYMAP}，本机）：{keymap_file}，改了 {len(remaps)} 个按键"
                     + (f"，{len(problems)} 处未采用（见启动时的提示）" if problems else ""))
    else:
        lines.append(f"按键设置（{configuration.KEYMAP}，本机）：未放置，使用默认按键（F1 查看）")
    return escape("\n".join(lines))
