"""segments by camera and state

Revision ID: 0004
Revises: 0003

The status of each camera (segments held, oldest, newest, recent bitrate) is read every
few seconds by the live wall and the recorder's display. Without this index each read
walked every row the camera ever had, expired ones included (about 0.9 s for 32
cameras at 30 days on SQLite); with it, each figure is an index range. end_us and bytes
ride along so that the bitrate and last-segment figures are read from the index alone,
never from the wide rows (their fragment tables).
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("segments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_segments_camera_state_start",
            ["camera_id", "state", "start_us", "end_us", "bytes"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("segments", schema=None) as batch_op:
        batch_op.drop_index("ix_segments_camera_state_start")
