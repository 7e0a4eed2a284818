"""The dossier title drops the village, then the year, then cuts the name, to stay on one line."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from rich.cells import cell_len

from fupin_tui.screens.dossier import dossier_title


def _d(name, number=None):
    return SimpleNamespace(name=name, village="新寨村", year=2026, state="已归档", side_state=None,
                           subsidy=Decimal("300000"), file_number=number)


@pytest.mark.parametrize("name, number, width, village, year, cut", [
    ("产业路", None, 118, True, True, False),               # 120 columns: everything
    ("产业路", None, 78, True, True, False),                # short name: everything at 80 too
    ("新寨村组组通公路", None, 78, False, True, False),   # the village goes first
    ("新寨村组组通公路硬化", "2026-新安镇-022", 78, False, False, False),  # then the year
    ("新寨村组组通公路硬化工程二期", "2026-新安镇-022", 78, False, False, True),  # then the name is cut
])
def test_what_stays_on_the_line(name, number, width, village, year, cut):
    text = dossier_title(_d(name, number), width)
    assert cell_len(text) <= width
    assert ("新寨村　" in text) == village and ("2026年" in text) == year and ("…" in text) == cut
    assert "状态：已归档" in text and "补助：300,000.00元" in text and f"档号：{number or '未编号'}" in text
    assert text.startswith(name if not cut else name[:6])
