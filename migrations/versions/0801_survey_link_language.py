"""survey link language

Revision ID: 0801
Revises: 0701
Create Date: 2026-12-02 01:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0801'
down_revision = '0701'
branch_labels = None
depends_on = None


def upgrade():
    # The language the survey page opens in; links made before this open in English.
    with op.batch_alter_table('adr_survey_invitations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), server_default='en',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('adr_survey_invitations', schema=None) as batch_op:
        batch_op.drop_column('language')
