"""record of access, staff positions, destruction certificates

Revision ID: 0601
Revises: 0502
Create Date: 2026-12-02 01:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0601'
down_revision = '0502'
branch_labels = None
depends_on = None


def upgrade():
    from facilitator.audit.models import guard_statements

    op.create_table('audit_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('record_kind', sa.String(length=30), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=True),
    sa.Column('family_id', sa.Integer(), nullable=True),
    sa.Column('recipient', sa.String(length=300), nullable=True),
    sa.Column('purpose', sa.String(length=500), nullable=True),
    sa.Column('reference', sa.String(length=64), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_audit_entries_organization_id_organizations')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_audit_entries_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entries')),
    sa.UniqueConstraint('organization_id', 'seq', name=op.f('uq_audit_entries_organization_id'))
    )
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entries_family_id'), ['family_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entries_organization_id'), ['organization_id'], unique=False)
    # Append-only: UPDATE and DELETE (and TRUNCATE on PostgreSQL) are refused.
    for statement in guard_statements(op.get_bind().dialect.name):
        op.execute(statement)

    op.create_table('destruction_certificates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=False),
    sa.Column('family_id', sa.Integer(), nullable=False),
    sa.Column('destroyed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('destroyed_by_id', sa.Integer(), nullable=True),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.Column('files_removed', sa.Integer(), nullable=False),
    sa.Column('cases_anonymized', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['destroyed_by_id'], ['users.id'], name=op.f('fk_destruction_certificates_destroyed_by_id_users')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_destruction_certificates_organization_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_destruction_certificates')),
    sa.UniqueConstraint('reference', name=op.f('uq_destruction_certificates_reference'))
    )
    with op.batch_alter_table('destruction_certificates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_destruction_certificates_organization_id'), ['organization_id'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('position', sa.String(length=120), nullable=False,
                                      server_default=''))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('position')
    op.drop_table('destruction_certificates')
    op.drop_table('audit_entries')
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP FUNCTION IF EXISTS audit_entries_refuse()')
