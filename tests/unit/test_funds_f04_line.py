"""报账's F04 line counts the time left in working days, like every deadline the clerk is warned of.

六(二): 最终报账 within 30 days of acceptance — calendar days in the text, shown with the working
days they make, and the days left are working days (a clerk plans by office days, not weekends).
"""

from datetime import date
from types import SimpleNamespace

import pytest

from fupin_tui.domain import deadlines
from fupin_tui.excel.styles import display_width
from fupin_tui.screens.funds_panel import status_lines

ACCEPTED = date(2026, 11, 20)  # a Friday; 30 days later is Sunday 2026-12-20


def _lines(today: date) -> tuple[str, str]:
    """The F04 line and the basis under it."""
    deadline = deadlines._day_deadline("F04", "最终报账", ACCEPTED, 30, None, today, "验收")
    view = SimpleNamespace(available=SimpleNamespace(tranche=None, reason="各期资金已全部拨付"),
                           reimburse_block=None, final_deadline=deadline)
    texts = [text for text, _ in status_lines(view, today)]
    at = next(i for i, text in enumerate(texts) if text.startswith("[F04]"))
    return texts[at], texts[at + 1]


@pytest.mark.parametrize("today, said", [
    (date(2026, 12, 3), "还剩11个工作日"),   # 17 calendar days, 11 of them office days after today
    (date(2026, 12, 17), "还剩1个工作日"),
    (date(2026, 12, 18), "今天到期"),        # the due date is a Sunday: Friday is the last office day
    (date(2026, 12, 21), "已逾期1个工作日"),
    (date(2026, 12, 22), "已逾期2个工作日"),
])
def test_days_left_are_working_days(today, said):
    line, basis = _lines(today)
    assert "验收（2026-11-20）后30天，合20个工作日" in basis  # the regulation's own count stays in the basis
    assert line.endswith("，" + said)
    assert max(map(display_width, (line, basis))) <= 78, "each fits the 80-column panel unwrapped"
