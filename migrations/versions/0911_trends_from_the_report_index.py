"""trends from the report index: ix_adr_cases_report also carries escalated and student_ref

Revision ID: 0911
Revises: 0910
Create Date: 2026-12-06 09:40:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0911'
down_revision = '0910'
branch_labels = None
depends_on = None

REPORT = ['organization_id', 'school_year', 'process', 'status', 'agreement', 'settlement',
          'timeline', 'findings', 'pending_hearing', 'placement_changed',
          'resolution_meeting_on', 'related_id']


def upgrade():
    # The dashboard's trends (per year, every school) group over this index in its order,
    # so it must also hold what the escalation rate counts.
    op.drop_index('ix_adr_cases_report', table_name='adr_cases')
    op.create_index('ix_adr_cases_report', 'adr_cases',
                    REPORT + ['escalated', 'student_ref'], unique=False)


def downgrade():
    op.drop_index('ix_adr_cases_report', table_name='adr_cases')
    op.create_index('ix_adr_cases_report', 'adr_cases', REPORT, unique=False)
