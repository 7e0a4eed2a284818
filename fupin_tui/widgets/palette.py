"""Ctrl+P: a palette that finds what a clerk wants, in Chinese and by pinyin.

As posting's ``PostingProvider`` builds its list from the screen it was opened
on, ``FupinCommands`` offers, best first:

- the current screen's actions (its bindings, labels and keys as F1 shows them);
- the jobs (工作台 ... 设置) and a few app commands (帮助, 立即备份, 退出);
- rule ids: ``P13`` opens 体检 filtered to P13;
- households by head's or member's name, pinyin initials or full pinyin, ID
  number or household number; projects by name, pinyin or file number.

Command names match by Chinese text, pinyin initials (``tj`` -> 体检) and full
pinyin (``tijian``). Records are looked up in a thread (indexed-free scans of
the stored search keys, the same as the list filters).
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from functools import partial
from typing import Callable

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.widgets.option_list import Option

from fupin_tui import keymap as km
from fupin_tui.domain.text_check import fold_search
from fupin_tui.jobs import JOBS

PLACEHOLDER = "查找：命令（可用拼音或首字母）、户主姓名、身份证号、户编号、项目、档号、规则号"
NO_MATCHES = "没有找到"
RECORD_LIMIT = 8  # households and projects shown per query


def normalise(text: str) -> str:
    return fold_search(text)


def pinyin_keys(text: str) -> str:
    """``体检`` -> ``tj tijian`` (initials and full pinyin), for matching commands."""
    from fupin_tui.domain.pinyin import search_keys

    return search_keys(text)


def match_score(query: str, name: str, keys: str) -> float:
    """How well ``query`` names a command: 1.0 exact, less for a prefix or a part; 0 no match."""
    q = normalise(query).replace(" ", "")
    if not q:
        return 0.0
    plain = normalise(name).replace(" ", "")
    if q == plain:
        return 1.0
    if q in plain:
        return 0.9 if plain.startswith(q) else 0.75
    if not q.isascii():
        return 0.0
    words = keys.split()
    if q in words:
        return 0.95
    if any(w.startswith(q) for w in words):
        return 0.85
    if len(q) >= 2 and any(q in w for w in words):
        return 0.6
    return 0.0


@dataclass
class Command:
    name: str
    help: str
    run: Callable[[], object]
    weight: float = 1.0  # the current screen's actions first
    keys: str = field(default="")


def screen_commands(app, screen) -> list[Command]:
    """The actions bound on the screen the palette was opened on (focused widget up to the screen)."""
    out: dict[str, Command] = {}
    for key, active in screen.active_bindings.items():
        b = active.binding
        d = km.BY_ID.get(b.id or "")
        if d is None or d.group == km.GLOBAL or b.id in out or b.id == "palette":
            continue
        help_text = f"{km.key_text(key)}  {b.tooltip or d.meaning}"
        label = b.description or d.meaning
        out[b.id] = Command(label, help_text, partial(app.run_action, b.action, active.node), 1.0,
                            f"{pinyin_keys(label)} {pinyin_keys(d.meaning)}")
    return list(out.values())


def app_commands(app) -> list[Command]:
    cmds = [Command(title, f"{km.key_text(km.keys_of(f'go-{mode}', app.keymap))}  切换到「{title}」", partial(app.action_go, mode), 0.97)
            for mode, (_m, _c, title) in JOBS.items()]
    cmds += [
        Command("帮助", f"{km.key_text(km.keys_of('help', app.keymap))}  本页按键一览", app.action_toggle_help, 0.95),
        Command("立即备份", "复制一份数据库并检查完整性", app.action_backup_now, 0.95),
        Command("导出数据库副本", "把完整的数据库复制到“数据库副本”文件夹，可再拷到 U 盘", app.action_export_copy, 0.95),
        Command("退出", f"{km.key_text(km.keys_of('quit', app.keymap))}  退出程序", app.action_quit, 0.9),
    ]
    for c in cmds:
        c.keys = pinyin_keys(c.name)
    return cmds


_RULE = re.compile(r"^([a-z])(\d{0,3})$")


def rule_hits(query: str) -> list[tuple[float, str, str, str]]:
    """(score, rule id, title, section) for ``p13`` (exact) or ``p1`` (P10..P19 and P01)."""
    from fupin_tui.domain.rules import normalise_rule_id, rule_specs

    q = normalise(query)
    m = _RULE.match(q)
    specs = rule_specs()
    out = []
    exact = normalise_rule_id(q) if m and m.group(2) else None
    for s in specs:
        if s.id == exact:
            out.append((1.0, s.id, s.title, s.section))
        elif m and s.id.lower().startswith(q) and len(q) >= 1:
            out.append((0.7, s.id, s.title, s.section))
        elif not q.isascii() and len(q) >= 2 and q in normalise(s.title):
            out.append((0.55, s.id, s.title, s.section))
    return out[:12]


def find_households(ctx, query: str) -> list:
    """Households matching ``query`` (name, pinyin, ID number, household number): at most RECORD_LIMIT."""
    from fupin_tui.services import registry_query as rq

    q = normalise(query)
    if not q or (q.isascii() and len(q) < 2):
        return []
    return rq.page_households(ctx, rq.HouseholdFilter(text=q), limit=RECORD_LIMIT)


def find_projects(ctx, query: str) -> list:
    from fupin_tui.services import progress

    q = normalise(query)
    if not q or (q.isascii() and len(q) < 2):
        return []
    return progress.find_projects(ctx, q, active_only=False, limit=RECORD_LIMIT)


class FupinCommands(Provider):
    """The palette's one provider: screen actions, jobs, rules, households, projects."""

    async def startup(self) -> None:
        app = self.app
        self.commands = screen_commands(app, self.screen) + app_commands(app)

    async def discover(self) -> Hits:
        for c in self.commands:
            yield DiscoveryHit(c.name, c.run, help=c.help)

    async def search(self, query: str) -> Hits:
        app = self.app
        for c in self.commands:
            score = match_score(query, c.name, c.keys)
            if score:
                yield Hit(score * c.weight, self._shown(c.name, ""), c.run, text=c.name, help=c.help)
        for score, rid, title, section in rule_hits(query):
            yield Hit(score, self._shown(f"规则 {rid}", title), partial(app.show_rule, rid), text=f"规则 {rid}",
                      help=f"打开体检，只看 {rid}（{section}）")
        ctx = app.ctx
        if ctx is None:
            return
        households, projects = await asyncio.gather(asyncio.to_thread(find_households, ctx, query),
                                                    asyncio.to_thread(find_projects, ctx, query))
        for i, h in enumerate(households):
            yield Hit(0.5 - i * 0.01, self._shown(f"户 {h.head_name}", f"{h.household_no} {h.village} {h.status}"),
                      partial(app.open_record, f"household:{h.id}"), text=f"户 {h.head_name}", help="打开该户")
        for i, p in enumerate(projects):
            yield Hit(0.45 - i * 0.01, self._shown(f"项目 {p.name}", f"{p.year} {p.village} {p.state}"),
                      partial(app.open_record, f"project:{p.id}"), text=f"项目 {p.name}", help="打开项目档案")

    @staticmethod
    def _shown(name: str, detail: str) -> Text:
        text = Text(name)
        if detail:
            text.append(f"  {detail}", style="dim")
        return text


class FupinPalette(CommandPalette):
    """Textual's palette with a Chinese placeholder and a Chinese "nothing found"."""

    def __init__(self) -> None:
        super().__init__(placeholder=PLACEHOLDER, id="--command-palette")

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # Textual 8.2.8's own writes "No matches found"; same timing, Chinese text
        self._stop_no_matches_countdown()

        def _show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(Align.center(Text(NO_MATCHES, style="not bold")), disabled=True, id=self._NO_MATCHES))
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, _show_no_matches)
