"""related_process kept by the database; ix_adr_cases_report for the trends and the 618 table

Revision ID: 0911
Revises: 0910
Create Date: 2026-12-06 09:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0911'
down_revision = '0910'
branch_labels = None
depends_on = None

REPORT = ['organization_id', 'school_year', 'process', 'status', 'agreement', 'settlement',
          'timeline', 'findings', 'pending_hearing', 'placement_changed',
          'resolution_meeting_on']
SQLITE_DROP = ['DROP TRIGGER IF EXISTS adr_cases_related_insert',
               'DROP TRIGGER IF EXISTS adr_cases_related_update',
               'DROP TRIGGER IF EXISTS adr_cases_related_follow',
               'DROP TRIGGER IF EXISTS adr_cases_related_delete']
POSTGRES_DROP = ['DROP TRIGGER IF EXISTS adr_cases_related_process ON adr_cases',
                 'DROP TRIGGER IF EXISTS adr_cases_related_follow ON adr_cases',
                 'DROP FUNCTION IF EXISTS adr_cases_related_process()',
                 'DROP FUNCTION IF EXISTS adr_cases_related_follow()']


def upgrade():
    from facilitator.adr.models import related_statements

    # The process of each case's related case, then the triggers that keep it.
    with op.batch_alter_table('adr_cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('related_process', sa.String(length=30), nullable=True))
    op.execute("UPDATE adr_cases SET related_process = (SELECT r.process FROM adr_cases AS r "
               "WHERE r.id = adr_cases.related_id) WHERE related_id IS NOT NULL")
    for statement in related_statements(op.get_bind().dialect.name):
        op.execute(statement)
    # The trends (every school, per year) group over this index in its order, so it also
    # holds what the escalation rate counts; the 618 table reads related_process from it.
    op.drop_index('ix_adr_cases_report', table_name='adr_cases')
    op.create_index('ix_adr_cases_report', 'adr_cases',
                    REPORT + ['related_process', 'escalated', 'student_ref'], unique=False)


def downgrade():
    op.drop_index('ix_adr_cases_report', table_name='adr_cases')
    op.create_index('ix_adr_cases_report', 'adr_cases', REPORT + ['related_id'], unique=False)
    dialect = op.get_bind().dialect.name
    for statement in POSTGRES_DROP if dialect == 'postgresql' else SQLITE_DROP:
        op.execute(statement)
    # Plain ALTER TABLE on both engines (a batch copy of adr_cases would fire the
    # foreign keys of the tables that refer to it).
    op.execute('ALTER TABLE adr_cases DROP COLUMN related_process')
