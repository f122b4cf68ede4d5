"""site profile: jurisdiction and national site class

Revision ID: 0008
Revises: 0006

The law a site owes depends on its jurisdiction profile (which rule sets apply from which
day: `vigil.regulation.rulesets`) and, under the national regulation of 2025, on its class
(an N7 place or an other public place, N9, for which five duties are not mandatory). An
existing profile gets the province's default profile and no class yet. `filed_snapshot`
keeps what N14's filing said (unit, address, cameras, storage period) when it was made, so
a change since is seen and its change filing asked for.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("site_profile", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "jurisdiction", sa.String(length=32), nullable=False, server_default="province"
            )
        )
        batch_op.add_column(sa.Column("national_class", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("filed_snapshot", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("site_profile", schema=None) as batch_op:
        batch_op.drop_column("filed_snapshot")
        batch_op.drop_column("national_class")
        batch_op.drop_column("jurisdiction")
