"""sign-in lock-outs per (account, address); rate-limited refusals counted per minute

Revision ID: 0006
Revises: 0005

A lock-out per account let anyone lock any account (the only administrator included) by
guessing its password from anywhere: it now belongs to one (account, client address)
pair (`login_locks`), so the owner still signs in from their own address. Refusals of a
rate-limited address are counted per minute (`login_refusals`) instead of each writing an
audit entry, so an anonymous client cannot flood the register. The per-account counter
and lock of `users` go: nothing reads them any longer.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_locks",
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("client_addr", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_us", sa.BigInteger(), nullable=False),
        sa.Column("locked_until_us", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("user_id", "client_addr"),
    )
    op.create_table(
        "login_refusals",
        sa.Column("client_addr", sa.String(length=64), nullable=False),
        sa.Column("minute_us", sa.BigInteger(), nullable=False),
        sa.Column("suppressed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("client_addr"),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("failed_logins")
        batch_op.drop_column("locked_until_us")


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locked_until_us", sa.BigInteger(), nullable=True))
        batch_op.add_column(
            sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0")
        )
    op.drop_table("login_refusals")
    op.drop_table("login_locks")
