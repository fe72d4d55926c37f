"""related_process and dash_class, kept by the database; the report and school indexes

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
SCHOOL = ['organization_id', 'school_year', 'school', 'process', 'status']
SCHOOL_BEFORE = ['agreement', 'settlement', 'resolution_meeting_on', 'escalated',
                 'student_ref']


def upgrade():
    from facilitator.adr import derived

    # The related case's process and the dashboard's class of each case, then the
    # triggers that keep them (facilitator/adr/derived.py).
    with op.batch_alter_table('adr_cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('related_process', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('dash_class', sa.Integer(), nullable=True))
        for i in (1, 2, 3):
            batch_op.add_column(sa.Column(f'dash_pack{i}', sa.BigInteger(), nullable=True))
    op.execute("UPDATE adr_cases SET related_process = (SELECT r.process FROM adr_cases AS r "
               "WHERE r.id = adr_cases.related_id) WHERE related_id IS NOT NULL")
    op.execute("UPDATE adr_cases SET dash_class = " + derived.dash_class_sql())  # noqa: S608
    op.execute("UPDATE adr_cases SET " + ", ".join(  # noqa: S608
        f"dash_pack{i + 1} = {derived.pack_sql(i, 'dash_class', 'process')}" for i in range(3)))
    for statement in derived.statements(op.get_bind().dialect.name):
        op.execute(statement)
    op.drop_index('ix_adr_cases_report', table_name='adr_cases')
    op.create_index('ix_adr_cases_report', 'adr_cases',
                    REPORT[:5] + ['dash_class'] + REPORT[5:] + ['related_process'], unique=False)
    op.drop_index('ix_adr_cases_school', table_name='adr_cases')
    op.create_index('ix_adr_cases_school', 'adr_cases',
                    SCHOOL + ['dash_class', 'dash_pack1', 'dash_pack2', 'dash_pack3'],
                    unique=False)


def downgrade():
    from facilitator.adr import derived

    op.drop_index('ix_adr_cases_school', table_name='adr_cases')
    op.create_index('ix_adr_cases_school', 'adr_cases', SCHOOL + SCHOOL_BEFORE, unique=False)
    op.drop_index('ix_adr_cases_report', table_name='adr_cases')
    op.create_index('ix_adr_cases_report', 'adr_cases', REPORT + ['related_id'], unique=False)
    for statement in derived.drop_statements(op.get_bind().dialect.name):
        op.execute(statement)
    # Plain ALTER TABLE on both engines (a batch copy of adr_cases would fire the
    # foreign keys of the tables that refer to it).
    for column in ('dash_pack3', 'dash_pack2', 'dash_pack1', 'dash_class'):
        op.execute(f'ALTER TABLE adr_cases DROP COLUMN {column}')
    op.execute('ALTER TABLE adr_cases DROP COLUMN related_process')
