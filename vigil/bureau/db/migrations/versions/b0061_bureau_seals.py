"""the bureau's own seals over its audit log (A27)

Revision ID: b0061
Revises: b0051

`bureau_seals`: the bureau key's signature over its chain heads, each chained to the
previous seal; the bureau row keeps the chain's tip (last_seal_id, last_seal_sha256).
"""

import sqlalchemy as sa
from alembic import op

revision = "b0061"
down_revision = "b0051"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bureau_seals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sealed_us", sa.BigInteger(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("signature_hex", sa.String(length=128), nullable=False),
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_bureau_seals_sealed_us", "bureau_seals", ["sealed_us"])
    with op.batch_alter_table("bureau") as batch:
        batch.add_column(sa.Column("last_seal_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("last_seal_sha256", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("bureau") as batch:
        batch.drop_column("last_seal_sha256")
        batch.drop_column("last_seal_id")
    op.drop_index("ix_bureau_seals_sealed_us", table_name="bureau_seals")
    op.drop_table("bureau_seals")
