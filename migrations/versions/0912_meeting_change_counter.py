"""every meeting has its change counter; the counter is a 64-bit time-ordered value

Revision ID: 0912
Revises: 0911
Create Date: 2026-12-06 09:05:00

The counter (meeting_room_displays.version) becomes BIGINT and takes values that only go
up, across restores too: each change sets it to max(version + 1, microseconds since
1970), so a value once issued never names two different states (the live page keeps
rendered parts under it). Meetings without a display row get one now; new meetings get
theirs when they are saved (room/counter.py).
"""
import time

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0912'
down_revision = '0911'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meeting_room_displays', schema=None) as batch_op:
        batch_op.alter_column('version', existing_type=sa.Integer(), type_=sa.BigInteger(),
                              existing_nullable=False)
    now = int(time.time() * 1_000_000)
    op.execute(sa.text(
        "UPDATE meeting_room_displays SET version = :now + version").bindparams(now=now))
    op.execute(sa.text(
        "INSERT INTO meeting_room_displays (organization_id, meeting_id, version, "
        "timer_elapsed, language, preset, snapshot, readback_active, readback_step) "
        "SELECT m.organization_id, m.id, :now, 0, '', 'large_room', '', false, 0 "
        "FROM meetings m WHERE NOT EXISTS (SELECT 1 FROM meeting_room_displays d "
        "WHERE d.meeting_id = m.id)").bindparams(now=now))


def downgrade():
    op.execute(sa.text("UPDATE meeting_room_displays SET version = 1"))
    with op.batch_alter_table('meeting_room_displays', schema=None) as batch_op:
        batch_op.alter_column('version', existing_type=sa.BigInteger(), type_=sa.Integer(),
                              existing_nullable=False)
