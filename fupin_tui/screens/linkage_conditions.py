"""利益联结, a 扶贫龙头企业's five entry conditions with their evidence (RULES-2 L05, 七(三)(四)).

``screens.linkage`` shows ``conditions_text`` under a selected 企业 and opens ``ConditionsDialog``
with its 集体收入 key (an enterprise has no collective income); a L05 finding opens the project
at ``TAB``, the 利益联结 screen.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult

from fupin_tui.dialogs.kit import FormDialog
from fupin_tui.domain.rules.duties_linkage import CONDITIONS, ENTERPRISE, missing_conditions
from fupin_tui.services import duties
from fupin_tui.widgets.forms import Field, TextInput

TAB = "利益联结"  # the finding's tab: screens.projects.open_record shows the linkage screen over the dossier


def is_enterprise(kind: str) -> bool:
    return kind == ENTERPRISE


def conditions_text(ctx, entity_id: int, key: str) -> str:
    evidence = duties.conditions(ctx, entity_id)
    missing = missing_conditions(evidence)
    lines = [f"[L05 七(三)] 扶贫龙头企业准入条件（{key} 登记证明材料）："]
    have = [c for c in CONDITIONS if c not in missing]
    if have:
        lines.append(f"  已有证明：{'、'.join(have)}")
    lines.append(f"  缺少证明：{'、'.join(missing)}。达不到准入条件的不予支持（七(四)）。" if missing else "  五项条件均有证明材料。")
    return "\n".join(lines)


class ConditionsDialog(FormDialog):
    """The five conditions, each with its evidence (name, number or where it is kept); blank = not yet."""

    def __init__(self, entity_id: int, name: str, evidence: dict[str, str]) -> None:
        super().__init__(f"准入条件：{name}", notes=["每项写明证明材料（名称、文号或存放位置）；暂无的留空。"])
        self.entity_id, self.evidence = entity_id, evidence

    def compose_fields(self) -> ComposeResult:
        for i, condition in enumerate(CONDITIONS):
            yield Field(condition, TextInput(self.evidence.get(condition, ""), id=f"condition-{i}"))

    def submit(self, confirmed: bool = False) -> Any:
        v = self.parsed_values()
        typed = {c: v[f"condition-{i}"] for i, c in enumerate(CONDITIONS)}
        duties.record_conditions(self.app.ctx, self.entity_id, typed)
        return True
