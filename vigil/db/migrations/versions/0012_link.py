"""the link with the bureau: outbox, inbox and the pinned bureau

Revision ID: 0012
Revises: 0008

`link_outbox` queues what the site sends its bureau in the transaction of the act that sends
it; `link_inbox` keeps every message received, its id unique, so a message is applied once;
`link_bureau` pins the bureau enrolled with (`vigil link join`). See vigil.link.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "link_outbox",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("msg_id", sa.String(36), nullable=False, unique=True),
        sa.Column("receiver", sa.String(64), nullable=False),
        sa.Column("msg_type", sa.String(64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_us", sa.BigInteger(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_us", sa.BigInteger(), nullable=False),
        sa.Column("delivered_us", sa.BigInteger(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
    )
    op.create_index("ix_link_outbox_delivered_us", "link_outbox", ["delivered_us"])
    op.create_table(
        "link_inbox",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("msg_id", sa.String(36), nullable=False, unique=True),
        sa.Column("sender", sa.String(64), nullable=False),
        sa.Column("msg_type", sa.String(64), nullable=False),
        sa.Column("sent_us", sa.BigInteger(), nullable=False),
        sa.Column("received_us", sa.BigInteger(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
    )
    op.create_table(
        "link_bureau",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("peer_id", sa.String(64), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("division_code", sa.String(6), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("public_key_pem", sa.Text(), nullable=False),
        sa.Column("key_id", sa.String(64), nullable=False),
        sa.Column("unit_name", sa.String(200), nullable=False),
        sa.Column("site_url", sa.Text(), nullable=False),
        sa.Column("joined_us", sa.BigInteger(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("link_bureau")
    op.drop_table("link_inbox")
    op.drop_index("ix_link_outbox_delivered_us", "link_outbox")
    op.drop_table("link_outbox")
