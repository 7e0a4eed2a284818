"""SQLModel tables, one module per aggregate. Importing this registers them all."""

from fupin_tui.models import audit, county, duties, funds, projects, registry, settings, updates  # noqa: F401
from fupin_tui.models.audit import AuditLog, FindingAck  # noqa: F401
from fupin_tui.models.county import CountyMerge, CountyMergeRow, CountyOwned, CountyPackage  # noqa: F401
from fupin_tui.models.duties import Delegation, EnterpriseCondition, Procurement, Visit  # noqa: F401
from fupin_tui.models.funds import (  # noqa: F401
    CollectiveIncome, Dividend, Entity, EntityMember, ProgressReport, Share, Tranche, Voucher, VoucherLine,
)
from fupin_tui.models.projects import (  # noqa: F401
    Acceptance, Adjustment, ArchiveItem, Asset, Beneficiary, BudgetLine, LibraryEntry, Notice, Project,
    ProjectEvent, Rectification,
)
from fupin_tui.models.registry import CashLedgerLine, Household, HouseholdEvent, Member, ProcedureStep  # noqa: F401
from fupin_tui.models.settings import AppSetting, Operator, PolicyOverride, Township, Village  # noqa: F401
from fupin_tui.models.updates import CountyDecision, UpdateApplied, UpdateIssued  # noqa: F401
