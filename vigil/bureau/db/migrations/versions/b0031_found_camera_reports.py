"""reports of a camera found in a forbidden place, received from units (N8.2)

Revision ID: b0031
Revises: b0021

Each row is a unit's signed report as received over the link (`privacy.found_camera`),
kept once per (unit, report id).
"""

import sqlalchemy as sa
from alembic import op

revision = "b0031"
down_revision = "b0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "found_camera_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("place", sa.Text(), nullable=False),
        sa.Column("found_at", sa.String(length=40), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.Column("message_id", sa.String(length=64), nullable=False),
        sa.Column("received_us", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("unit_id", "report_id", name="uq_found_camera_reports_unit_report"),
    )
    op.create_index("ix_found_camera_reports_unit_id", "found_camera_reports", ["unit_id"])
    op.create_index("ix_found_camera_reports_received_us", "found_camera_reports", ["received_us"])


def downgrade() -> None:
    op.drop_index("ix_found_camera_reports_received_us", table_name="found_camera_reports")
    op.drop_index("ix_found_camera_reports_unit_id", table_name="found_camera_reports")
    op.drop_table("found_camera_reports")
