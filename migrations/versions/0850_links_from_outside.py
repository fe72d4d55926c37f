"""links from outside: single-purpose, expiring, revocable tokens

Revision ID: 0850
Revises: 0801
Create Date: 2026-12-06 06:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0850'
down_revision = '0801'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'external_links',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organization_id', sa.Integer(), nullable=False),
        sa.Column('purpose', sa.String(length=40), nullable=False),
        sa.Column('subject_kind', sa.String(length=40), nullable=False),
        sa.Column('subject_id', sa.Integer(), nullable=False),
        sa.Column('family_id', sa.Integer(), nullable=True),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('single_use', sa.Boolean(), nullable=False),
        sa.Column('used_up_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('uses', sa.Integer(), nullable=False),
        sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_external_links_created_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['family_id'], ['families.id'],
                                name=op.f('fk_external_links_family_id_families'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'],
                                name=op.f('fk_external_links_organization_id_organizations')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_external_links')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_external_links_token_hash')),
    )
    with op.batch_alter_table('external_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_external_links_family_id'), ['family_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_external_links_organization_id'),
                              ['organization_id'], unique=False)


def downgrade():
    with op.batch_alter_table('external_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_external_links_organization_id'))
        batch_op.drop_index(batch_op.f('ix_external_links_family_id'))
    op.drop_table('external_links')
