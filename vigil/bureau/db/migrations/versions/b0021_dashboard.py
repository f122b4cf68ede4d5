"""the dashboard's figures: categories, cameras per location type, deadline facts, self-checks

Revision ID: b0021
Revises: b0011

Narrow tables copied from each filing version as it is registered, so the dashboard counts
them with GROUP BY (vigil.bureau.dashboard_models); each unit's newest seal received and
latest check-site, kept as they arrive; the units' self-check reports fetched over the link.
Filings, seals and checks already held are copied in here.
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "b0021"
down_revision = "b0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bureau_unit_categories",
        sa.Column("unit_id", sa.Integer(), sa.ForeignKey("units.id"), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("unit_id", "category"),
    )
    op.create_table(
        "bureau_unit_cameras",
        sa.Column("unit_id", sa.Integer(), sa.ForeignKey("units.id"), nullable=False),
        sa.Column("location_type", sa.String(length=64), nullable=False),
        sa.Column("cameras", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("unit_id", "location_type"),
    )
    op.create_table(
        "bureau_unit_facts",
        sa.Column("unit_id", sa.Integer(), sa.ForeignKey("units.id"), nullable=False),
        sa.Column("builder", sa.String(length=16), nullable=False),
        sa.Column("jurisdiction", sa.String(length=32), nullable=False),
        sa.Column("delivered_on", sa.String(length=10), nullable=True),
        sa.Column("commissioned_on", sa.String(length=10), nullable=True),
        sa.Column("national_class", sa.String(length=32), nullable=True),
        sa.Column("cameras", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("unit_id"),
    )
    op.create_table(
        "bureau_selfchecks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), sa.ForeignKey("units.id"), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=False),
        sa.Column("requested_by", sa.String(length=64), nullable=False),
        sa.Column("requested_us", sa.BigInteger(), nullable=False),
        sa.Column("received_us", sa.BigInteger(), nullable=True),
        sa.Column("report", sa.Text(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("request_id"),
    )
    op.create_index("ix_bureau_selfchecks_unit_id", "bureau_selfchecks", ["unit_id"])
    op.create_table(
        "bureau_unit_status",
        sa.Column("unit_id", sa.Integer(), sa.ForeignKey("units.id"), nullable=False),
        sa.Column("newest_seal_us", sa.BigInteger(), nullable=True),
        sa.Column("last_check_us", sa.BigInteger(), nullable=True),
        sa.Column("last_check_ok", sa.Boolean(), nullable=True),
        sa.PrimaryKeyConstraint("unit_id"),
    )
    op.create_index("ix_held_seals_unit_received", "held_seals", ["unit_id", "received_us"])
    op.create_index("ix_site_checks_unit_checked", "site_checks", ["unit_id", "checked_us"])
    _copy_existing()


def _copy_existing() -> None:
    from vigil.bureau.dashboard_models import copy_figures, rebuild_status

    conn = op.get_bind()
    newest: dict[int, str] = {}
    for unit_id, document in conn.execute(
        sa.text("SELECT unit_id, document FROM bureau_filings ORDER BY received_us, id")
    ):
        newest[int(unit_id)] = document
    for unit_id, document in newest.items():
        copy_figures(conn, unit_id, json.loads(document))
    rebuild_status(conn)


def downgrade() -> None:
    op.drop_index("ix_site_checks_unit_checked", "site_checks")
    op.drop_index("ix_held_seals_unit_received", "held_seals")
    op.drop_index("ix_bureau_selfchecks_unit_id", "bureau_selfchecks")
    for table in ("bureau_unit_status", "bureau_selfchecks", "bureau_unit_facts",
                  "bureau_unit_cameras", "bureau_unit_categories"):  # fmt: skip
        op.drop_table(table)
