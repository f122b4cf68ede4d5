"""retention holds (N17) and camera types (N14)

Revision ID: 0009
Revises: 0008

N17: material is kept at least 30 days and, after that, only while it serves a purpose.
`retention_holds` records each purpose (evidence hold, open case, another law): who set it,
when, until when, who lifted it; the retention run never expires material a live hold
covers. N14 files the number and types of cameras: `cameras.camera_type` (None: not
recorded yet).
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "retention_holds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("camera_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("reference", sa.Text(), nullable=False),
        sa.Column("from_us", sa.BigInteger(), nullable=True),
        sa.Column("to_us", sa.BigInteger(), nullable=True),
        sa.Column("until_on", sa.String(length=10), nullable=True),
        sa.Column("until_us", sa.BigInteger(), nullable=True),
        sa.Column("set_by", sa.String(length=64), nullable=False),
        sa.Column("set_us", sa.BigInteger(), nullable=False),
        sa.Column("lifted_by", sa.String(length=64), nullable=True),
        sa.Column("lifted_us", sa.BigInteger(), nullable=True),
        sa.Column("lift_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["camera_id"], ["cameras.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_retention_holds_camera", "retention_holds", ["camera_id", "lifted_us"], unique=False
    )
    with op.batch_alter_table("cameras", schema=None) as batch_op:
        batch_op.add_column(sa.Column("camera_type", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cameras", schema=None) as batch_op:
        batch_op.drop_column("camera_type")
    op.drop_index("ix_retention_holds_camera", table_name="retention_holds")
    op.drop_table("retention_holds")
