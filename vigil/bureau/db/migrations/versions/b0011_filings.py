"""the register of filings: versions received, their files, decisions and on-site checks

Revision ID: b0011
Revises: b0001

Each version of a unit's filing as received (signed document, checked against the unit's
pinned key and the files it references), the officer's decision (returned with reasons, or
accepted with the receipt number), and the on-site check due within 30 days (A13.2).
"""

import sqlalchemy as sa
from alembic import op

revision = "b0011"
down_revision = "b0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bureau_filings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("filing_uuid", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("jurisdiction", sa.String(length=32), nullable=False),
        sa.Column("received_us", sa.BigInteger(), nullable=False),
        sa.Column("received_on", sa.String(length=10), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_us", sa.BigInteger(), nullable=True),
        sa.Column("reasons", sa.Text(), nullable=True),
        sa.Column("receipt_number", sa.String(length=64), nullable=True),
        sa.Column("receipt_on", sa.String(length=10), nullable=True),
        sa.Column("check_due_on", sa.String(length=10), nullable=True),
        sa.Column("check_planned_on", sa.String(length=10), nullable=True),
        sa.Column("checked_on", sa.String(length=10), nullable=True),
        sa.Column("check_by", sa.String(length=64), nullable=True),
        sa.Column("check_result", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("filing_uuid", "version", name="uq_bureau_filings_version"),
        sa.UniqueConstraint("receipt_number", name="uq_bureau_filings_receipt"),
    )
    op.create_index("ix_bureau_filings_unit_id", "bureau_filings", ["unit_id"])
    op.create_table(
        "bureau_filing_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("part", sa.Integer(), nullable=False),
        sa.Column("parts", sa.Integer(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("received_us", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("unit_id", "sha256", "part", name="uq_bureau_filing_files_part"),
    )


def downgrade() -> None:
    op.drop_table("bureau_filing_files")
    op.drop_index("ix_bureau_filings_unit_id", table_name="bureau_filings")
    op.drop_table("bureau_filings")
