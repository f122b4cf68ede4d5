"""the seal chain's tip and the sealer's heartbeat on the site row

Revision ID: 0005
Revises: 0004

Seals form a chain of their own: each signs the previous seal's id and SHA-256. The site
row keeps the tip (the newest seal's id and hash), so a newest seal deleted, or all of
them, is found, and the next seal still signs the missing one as its predecessor. The
recording service beats on the same row (its run's start, latest beat, seal interval):
`vigil verify` fails when that service ran for two seal intervals without a new seal.
Seals made before this revision carry no predecessor; the first seal after it signs the
newest of them (see docs/integrity.md).
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("site", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_seal_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("last_seal_sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("sealer_started_us", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("sealer_beat_us", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("sealer_interval_s", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("site", schema=None) as batch_op:
        for name in (
            "sealer_interval_s", "sealer_beat_us", "sealer_started_us",
            "last_seal_sha256", "last_seal_id",
        ):  # fmt: skip
            batch_op.drop_column(name)
