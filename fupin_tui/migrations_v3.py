"""Schema version 3 (RULES-2 part B): frozen SQL, as the release wrote it.

Plain sqlite3 only: a migration never imports the models, which go on changing.
"""

from __future__ import annotations

import sqlite3

_TRACKED = """
	created_at DATETIME NOT NULL,
	created_by VARCHAR NOT NULL,
	updated_at DATETIME,
	updated_by VARCHAR,
	voided BOOLEAN NOT NULL,
	row_version INTEGER NOT NULL,
	void_reason VARCHAR,
	id INTEGER NOT NULL,"""

STATEMENTS = (
    "ALTER TABLE project ADD COLUMN supervision_entered_on DATE",
    "ALTER TABLE adjustment ADD COLUMN county_filed_on DATE",
    "ALTER TABLE household ADD COLUMN investigator VARCHAR NOT NULL DEFAULT ''",
    "ALTER TABLE household ADD COLUMN responsibility_letter_on DATE",
    "ALTER TABLE household ADD COLUMN file_filed_on DATE",
    "ALTER TABLE household ADD COLUMN file_items VARCHAR NOT NULL DEFAULT ''",
    "ALTER TABLE household ADD COLUMN county_approval_no VARCHAR NOT NULL DEFAULT ''",
    "ALTER TABLE household ADD COLUMN county_approved_on DATE",
    f"""CREATE TABLE procurement ({_TRACKED}
	project_id INTEGER NOT NULL,
	contract_name VARCHAR NOT NULL,
	contract_amount INTEGER NOT NULL,
	method VARCHAR NOT NULL,
	procured_on DATE,
	winner VARCHAR NOT NULL,
	awarded_amount INTEGER NOT NULL,
	sunshine_note VARCHAR NOT NULL,
	note VARCHAR NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(project_id) REFERENCES project (id))""",
    "CREATE INDEX ix_procurement_voided ON procurement (voided)",
    "CREATE INDEX ix_procurement_project_id ON procurement (project_id)",
    f"""CREATE TABLE delegation ({_TRACKED}
	project_id INTEGER NOT NULL,
	delegate_kind VARCHAR NOT NULL,
	delegate_name VARCHAR NOT NULL,
	agreement_on DATE NOT NULL,
	agreement_no VARCHAR NOT NULL,
	consent_on DATE,
	consent_method VARCHAR NOT NULL,
	consent_households INTEGER NOT NULL,
	consent_agreed INTEGER NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(project_id) REFERENCES project (id))""",
    "CREATE INDEX ix_delegation_voided ON delegation (voided)",
    "CREATE INDEX ix_delegation_project_id ON delegation (project_id)",
    f"""CREATE TABLE visit ({_TRACKED}
	household_id INTEGER NOT NULL,
	visited_on DATE NOT NULL,
	visitor VARCHAR NOT NULL,
	visitor_unit VARCHAR NOT NULL,
	note VARCHAR NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(household_id) REFERENCES household (id))""",
    "CREATE INDEX ix_visit_household_id ON visit (household_id)",
    "CREATE INDEX ix_visit_visited_on ON visit (visited_on)",
    "CREATE INDEX ix_visit_voided ON visit (voided)",
    f"""CREATE TABLE enterprisecondition ({_TRACKED}
	entity_id INTEGER NOT NULL,
	condition VARCHAR NOT NULL,
	evidence VARCHAR NOT NULL,
	recorded_on DATE,
	PRIMARY KEY (id),
	FOREIGN KEY(entity_id) REFERENCES entity (id))""",
    "CREATE INDEX ix_enterprisecondition_voided ON enterprisecondition (voided)",
    "CREATE INDEX ix_enterprisecondition_entity_id ON enterprisecondition (entity_id)",
)


def upgrade(con: sqlite3.Connection) -> None:
    for sql in STATEMENTS:
        con.execute(sql)
