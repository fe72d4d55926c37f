"""program survey neutrals

Revision ID: 0910
Revises: 0908
Create Date: 2026-12-06 06:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0910'
down_revision = '0908'
branch_labels = None
depends_on = None


def upgrade():
    # Which neutral served the case a survey answer came from (answers stay anonymous).
    op.create_table('program_survey_neutrals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('neutral_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['neutral_id'], ['program_neutrals.id'], name=op.f('fk_program_survey_neutrals_neutral_id_program_neutrals')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_program_survey_neutrals_organization_id_organizations')),
    sa.ForeignKeyConstraint(['response_id'], ['adr_survey_responses.id'], name=op.f('fk_program_survey_neutrals_response_id_adr_survey_responses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_program_survey_neutrals')),
    sa.UniqueConstraint('response_id', name=op.f('uq_program_survey_neutrals_response_id'))
    )
    with op.batch_alter_table('program_survey_neutrals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_program_survey_neutrals_neutral_id'), ['neutral_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_program_survey_neutrals_organization_id'), ['organization_id'], unique=False)


def downgrade():
    with op.batch_alter_table('program_survey_neutrals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_program_survey_neutrals_organization_id'))
        batch_op.drop_index(batch_op.f('ix_program_survey_neutrals_neutral_id'))
    op.drop_table('program_survey_neutrals')
