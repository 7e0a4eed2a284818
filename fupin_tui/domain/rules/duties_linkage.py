"""RULES-2 part B, benefit linkage: L05, the entry conditions of a supported 扶贫龙头企业 (七(三)(四))."""

from __future__ import annotations

from fupin_tui.domain.rules.base import BREACH, Env, finding, rule
from fupin_tui.domain.rules.facts import CheckData

ENTERPRISE = "企业"  # the entity kind of a 扶贫龙头企业 (services.linkage.ENTITY_KINDS)
# 七(三): 企业运转正常、带动贫困户效果好、覆盖贫困户面广、积极参与“三变”改革、有社会扶贫责任.
CONDITIONS = ("企业运转正常", "带动贫困户效果好", "覆盖贫困户面广", "积极参与三变改革", "有社会扶贫责任")
TAB_ENTITY = "利益联结"  # the project opens with its linkage screen over the dossier (screens.projects)


def _enterprises(d: CheckData):
    return [e for e in d.entities if e.kind == ENTERPRISE]


def missing_conditions(evidence: dict[str, str] | None) -> list[str]:
    """The conditions of 七(三) without evidence recorded, in the regulation's order."""
    evidence = evidence or {}
    return [c for c in CONDITIONS if not str(evidence.get(c, "")).strip()]


@rule("L05", "七(三)(四)", "扶贫龙头企业五项准入条件有据可查", population="受扶持企业",
      has_data=lambda d: bool(_enterprises(d)))
def l05(env: Env):
    for e in _enterprises(env.data):
        missing = missing_conditions(env.data.duties.conditions.get(e.id))
        if missing:
            yield finding("L05", BREACH, e.record, f"{e.kind} {e.name}",
                          f"准入条件缺少证明材料：{'、'.join(missing)}。达不到准入条件的不予支持（七(四)），"
                          "请在利益联结中选中该企业登记每项条件的证明，否则停止扶持。", tab=TAB_ENTITY)
