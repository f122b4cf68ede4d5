"""the register of planned systems (A6, N6)

Revision ID: b0051
Revises: b0031

Systems a city or county government plans (A6), with their places, planned cameras, dates
and status from planned to built (linked to the unit that files) or cancelled; checked
against each other for duplicate building (N6).
"""

import sqlalchemy as sa
from alembic import op

revision = "b0051"
down_revision = "b0031"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "planned_systems",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("planner", sa.String(length=200), nullable=False),
        sa.Column("division_code", sa.String(length=6), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=True),
        sa.Column("national_class", sa.String(length=40), nullable=True),
        sa.Column("places", sa.Text(), nullable=False),
        sa.Column("cameras", sa.Text(), nullable=False),
        sa.Column("build_on", sa.String(length=10), nullable=True),
        sa.Column("use_on", sa.String(length=10), nullable=True),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_us", sa.BigInteger(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("updated_us", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_planned_systems_division_code", "planned_systems", ["division_code"])


def downgrade() -> None:
    op.drop_index("ix_planned_systems_division_code", table_name="planned_systems")
    op.drop_table("planned_systems")
