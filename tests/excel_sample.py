"""Sample township data for the Excel tests and benchmarks, written with bulk Core inserts."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import insert, select

from fupin_tui.domain.idcard import check_digit
from fupin_tui.models import (
    ArchiveItem, Beneficiary, BudgetLine, Dividend, Entity, Household, LibraryEntry, Member, Notice,
    ProgressReport, Project, Share, Tranche, Village, Voucher, VoucherLine,
)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "明华强芳军敏静丽勇艳杰娟涛超秀英平刚桂兰"
RELATIONS = ["配偶", "之子", "之女", "之父", "之母"]


def make_id(rng: random.Random, area: str = "520123", serial: int | None = None) -> str:
    born = date(1940, 1, 1) + timedelta(days=rng.randrange(0, 80 * 365))
    seq = serial if serial is not None else rng.randrange(0, 1000)
    first17 = f"{area}{born:%Y%m%d}{seq % 1000:03d}"
    return first17 + check_digit(first17)


def unique_ids(rng: random.Random, n: int, area: str = "520123") -> list[str]:
    seen: set[str] = set()
    out = []
    while len(out) < n:
        number = make_id(rng, area)
        if number not in seen:
            seen.add(number)
            out.append(number)
    return out


def fill(ctx, households: int = 12, projects: int = 4, seed: int = 1, area: str = "520123") -> dict:
    """Insert households (about four members each), projects and their money; return counts."""
    rng = random.Random(seed)
    town = ctx.township().name
    with ctx.transaction() as s:
        conn = s.connection()
        villages = conn.execute(select(Village.id, Village.code)).all()
        members_per = [rng.randint(1, 7) for _ in range(households)]
        ids = iter(unique_ids(rng, sum(members_per), area))
        h_rows, m_rows = [], []
        first_h = (conn.execute(select(Household.id).order_by(Household.id.desc())).first() or (0,))[0] + 1
        for i in range(households):
            vid, vcode = villages[i % len(villages)]
            head = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
            h_id = first_h + i
            h_rows.append(dict(
                id=h_id, household_no=f"{vcode}{h_id:04d}", village_id=vid, head_name=head, status="在册",
                identified_year=2016, attribute=rng.choice(["一般贫困户", "低保贫困户"]), main_cause="因病",
                phone=f"139{rng.randrange(10**8):08d}", bank_account=f"62170{rng.randrange(10**14):014d}",
                wage_income=Decimal(rng.randrange(0, 2000000)) / 100, net_income=Decimal("5000.50"),
                size=members_per[i], per_capita_income=Decimal("1250.13"), search_keys=head,
                created_by="张会计", remarks="=备注" if i == 0 else ""))
            for j in range(members_per[i]):
                m_rows.append(dict(household_id=h_id, name=head if j == 0 else rng.choice(SURNAMES) + rng.choice(GIVEN),
                                   id_number=next(ids), relation="户主" if j == 0 else rng.choice(RELATIONS),
                                   gender=rng.choice("男女"), birth_date=date(1980, 1, 1), created_by="张会计",
                                   dibao=j == 1))
        conn.execute(insert(Household), h_rows)
        conn.execute(insert(Member), m_rows)

        voucher_no = 0
        for p in range(projects):
            vid = villages[p % len(villages)][0]
            entry = conn.execute(insert(LibraryEntry).values(
                village_id=vid, year=2026, name=f"样例项目{p + 1}", category="产业发展", amount_total=Decimal("500000"),
                amount_fiscal=Decimal("400000"), performance_goals="带动增收", created_by="张会计")).inserted_primary_key[0]
            subsidy = Decimal(rng.randrange(10000000, 50000000)) / 100
            project = conn.execute(insert(Project).values(
                library_entry_id=entry, village_id=vid, year=2026, name=f"样例项目{p + 1}", category="产业发展",
                state="实施中", subsidy=subsidy, total_investment=subsidy + 1000, approved_on=date(2026, 3, 2),
                plan_approved_on=date(2026, 4, 1), started_on=date(2026, 5, 6), file_number=f"2026-{town}-{first_h + p:03d}",
                deposit_rate=Decimal("0.05"), created_by="张会计")).inserted_primary_key[0]
            budget = conn.execute(insert(BudgetLine).values(
                project_id=project, item="材料费", quantity=Decimal("12.5"), unit_price=Decimal("100.10"),
                amount=subsidy, spending_kind="工程建设", created_by="张会计")).inserted_primary_key[0]
            tranche = conn.execute(insert(Tranche).values(
                project_id=project, seq=1, disbursed_on=date(2026, 4, 10), amount=(subsidy * Decimal("0.5")).quantize(Decimal("0.01")),
                document_no="新财〔2026〕1号", created_by="张会计")).inserted_primary_key[0]
            voucher_no += 1
            voucher = conn.execute(insert(Voucher).values(
                project_id=project, voucher_no=f"BZ-{voucher_no:03d}", made_on=date(2026, 6, 1),
                reimbursed_on=date(2026, 6, 3), tranche_id=tranche, total=Decimal("3000.30"),
                created_by="张会计")).inserted_primary_key[0]
            conn.execute(insert(VoucherLine).values(voucher_id=voucher, budget_line_id=budget, kind="发票", amount=Decimal("2000.20"),
                     invoice_code="052001900111", invoice_no=f"{seed % 10000:04d}{first_h + p:04d}", invoice_date=date(2026, 5, 30),
                     seller="某建材公司", created_by="张会计"))
            conn.execute(insert(VoucherLine).values(voucher_id=voucher, budget_line_id=budget, kind="名册", amount=Decimal("1000.10"),
                     household_id=first_h, payee_name="王明", id_number=m_rows[0]["id_number"],
                     signed_on=date(2026, 6, 2), created_by="张会计"))
            conn.execute(insert(ProgressReport).values(
                project_id=project, reported_on=date(2026, 6, 5), work_share=Decimal("0.35"), spent=Decimal("3000.30"),
                households_reached=3, created_by="张会计"))
            conn.execute(insert(Beneficiary).values(project_id=project, household_id=first_h + p % households,
                                                    benefit="到户补助", amount=Decimal("800"), created_by="张会计"))
            conn.execute(insert(ArchiveItem).values(project_id=project, doc_no=1, received_on=date(2026, 3, 5),
                                                    pages=3, created_by="张会计"))
            conn.execute(insert(Notice).values(project_id=project, kind="立项公告", published_on=date(2026, 3, 6),
                                               place="村公示栏", fields_json='{"资金规模": "40万元"}', created_by="张会计"))
            entity = conn.execute(insert(Entity).values(kind="合作社", name=f"样例合作社{p + 1}", village_id=vid,
                                                        project_id=project, funded_amount=Decimal("100000"),
                                                        created_by="张会计")).inserted_primary_key[0]
            share = conn.execute(insert(Share).values(entity_id=entity, household_id=first_h + p % households,
                                                      amount=Decimal("5000"), created_by="张会计")).inserted_primary_key[0]
            conn.execute(insert(Dividend).values(share_id=share, year=2026, amount=Decimal("300"),
                                                 proceeds=Decimal("600"), created_by="张会计"))
    return {"households": households, "members": len(m_rows), "projects": projects}
