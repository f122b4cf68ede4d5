"""data-subject viewing (N21), regular checks of the N8 places (N8.2), secret-unit consent (N10)

Revision ID: 0010
Revises: 0009

N21: `subject_requests` holds a request to view footage by the person filmed, a close
relative or a guardian, the unit's consent or refusal, and its one viewing-only session.
N8.2: `privacy_check_policy` (the N8 places the unit manages, how often it checks them),
`privacy_checks` (each check) and `privacy_reports` (a found camera's signed report,
waiting for the bureau link). N10: `site_profile.near_secret_unit` and `secret_consents`.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "subject_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("requester_name", sa.String(length=64), nullable=False),
        sa.Column("id_doc_type", sa.String(length=32), nullable=False),
        sa.Column("id_doc_number", sa.String(length=64), nullable=False),
        sa.Column("relation", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("cameras", sa.Text(), nullable=False),
        sa.Column("from_us", sa.BigInteger(), nullable=False),
        sa.Column("to_us", sa.BigInteger(), nullable=False),
        sa.Column("received_by", sa.String(length=64), nullable=False),
        sa.Column("received_us", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_us", sa.BigInteger(), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=False),
        sa.Column("consent_until_us", sa.BigInteger(), nullable=True),
        sa.Column("viewer_user_id", sa.Integer(), nullable=True),
        sa.Column("viewing_opened_us", sa.BigInteger(), nullable=True),
        sa.Column("viewing_closed_us", sa.BigInteger(), nullable=True),
        sa.Column("closed_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["viewer_user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_subject_requests_state", "subject_requests", ["state"])
    op.create_table(
        "privacy_check_policy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("places", sa.Text(), nullable=False),
        sa.Column("interval_days", sa.Integer(), nullable=True),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("updated_us", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "privacy_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("checked_on", sa.String(length=10), nullable=False),
        sa.Column("checked_by", sa.String(length=128), nullable=False),
        sa.Column("places", sa.Text(), nullable=False),
        sa.Column("result", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_us", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_privacy_checks_on", "privacy_checks", ["checked_on"])
    op.create_table(
        "privacy_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("check_id", sa.Integer(), nullable=False),
        sa.Column("place", sa.Text(), nullable=False),
        sa.Column("found_us", sa.BigInteger(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("photo_id", sa.Integer(), nullable=True),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("created_us", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["check_id"], ["privacy_checks.id"]),
        sa.ForeignKeyConstraint(["photo_id"], ["attachments.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_privacy_reports_status", "privacy_reports", ["status"])
    op.create_table(
        "secret_consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_name", sa.String(length=200), nullable=False),
        sa.Column("consented_on", sa.String(length=10), nullable=False),
        sa.Column("document_ref", sa.String(length=200), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("attachment_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_us", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["attachment_id"], ["attachments.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("site_profile", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("near_secret_unit", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("site_profile", schema=None) as batch_op:
        batch_op.drop_column("near_secret_unit")
    op.drop_table("secret_consents")
    op.drop_index("ix_privacy_reports_status", table_name="privacy_reports")
    op.drop_table("privacy_reports")
    op.drop_index("ix_privacy_checks_on", table_name="privacy_checks")
    op.drop_table("privacy_checks")
    op.drop_table("privacy_check_policy")
    op.drop_index("ix_subject_requests_state", table_name="subject_requests")
    op.drop_table("subject_requests")
