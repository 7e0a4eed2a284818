"""The app's jobs (modes): which screen each one opens and the title shown for it.

Kept apart from app.py so that the palette and the app both read it without importing each other.
"""

from __future__ import annotations

# mode name -> (module, class, title shown in navigation)
JOBS: dict[str, tuple[str, str, str]] = {
    "dashboard": ("fupin_tui.screens.dashboard", "DashboardScreen", "工作台"),
    "registry": ("fupin_tui.screens.registry", "HouseholdListScreen", "建档立卡"),
    "projects": ("fupin_tui.screens.projects", "ProjectListScreen", "项目档案"),
    "progress": ("fupin_tui.screens.progress", "ProgressEntryScreen", "进度录入"),
    "funds": ("fupin_tui.screens.funds", "ReimbursementScreen", "报账"),
    "export": ("fupin_tui.screens.export", "ExportScreen", "导出"),
    "check": ("fupin_tui.screens.check", "CheckScreen", "体检"),
    "settings": ("fupin_tui.screens.settings", "SettingsScreen", "设置"),
}
