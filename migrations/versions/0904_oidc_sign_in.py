"""oidc sign in

Revision ID: 0904
Revises: 0850
Create Date: 2026-12-06 05:47:38.367191

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0904'
down_revision = '0850'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('oidc_providers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('display_name', sa.String(length=80), nullable=False),
    sa.Column('issuer', sa.String(length=300), nullable=False),
    sa.Column('client_id', sa.String(length=300), nullable=False),
    sa.Column('secret_encrypted', sa.Text(), nullable=False),
    sa.Column('domains', sa.String(length=1000), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_oidc_providers_organization_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_oidc_providers')),
    sa.UniqueConstraint('organization_id', name=op.f('uq_oidc_providers_organization_id'))
    )
    op.create_table('oidc_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('state_hash', sa.String(length=64), nullable=False),
    sa.Column('nonce', sa.String(length=100), nullable=False),
    sa.Column('code_verifier', sa.String(length=128), nullable=False),
    sa.Column('purpose', sa.String(length=10), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('next_path', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['provider_id'], ['oidc_providers.id'], name=op.f('fk_oidc_attempts_provider_id_oidc_providers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_oidc_attempts')),
    sa.UniqueConstraint('state_hash', name=op.f('uq_oidc_attempts_state_hash'))
    )
    with op.batch_alter_table('oidc_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_oidc_attempts_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_oidc_attempts_provider_id'), ['provider_id'], unique=False)

    op.create_table('oidc_identities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('issuer', sa.String(length=300), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_oidc_identities_organization_id_organizations')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_oidc_identities_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_oidc_identities')),
    sa.UniqueConstraint('issuer', 'subject', name=op.f('uq_oidc_identities_issuer')),
    sa.UniqueConstraint('user_id', name=op.f('uq_oidc_identities_user_id'))
    )
    with op.batch_alter_table('oidc_identities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_oidc_identities_organization_id'), ['organization_id'], unique=False)



def downgrade():
    with op.batch_alter_table('oidc_identities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_oidc_identities_organization_id'))

    op.drop_table('oidc_identities')
    with op.batch_alter_table('oidc_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_oidc_attempts_provider_id'))
        batch_op.drop_index(batch_op.f('ix_oidc_attempts_created_at'))

    op.drop_table('oidc_attempts')
    op.drop_table('oidc_providers')
