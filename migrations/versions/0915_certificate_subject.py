"""A destruction certificate can be about a request to a state program

Revision ID: 0915
Revises: 0914
Create Date: 2026-12-06 13:00:00

A state program destroys a request (and what hangs from it) on a parent's request: such
a certificate names no family (family_id becomes nullable) and says what it was about
in ``subject`` (e.g. "Program request REQ-7KQ2M9").
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0915"
down_revision = "0914"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("destruction_certificates") as batch:
        batch.alter_column("family_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("subject", sa.String(length=120), nullable=False,
                                   server_default=""))


def downgrade():
    with op.batch_alter_table("destruction_certificates") as batch:
        batch.drop_column("subject")
        batch.alter_column("family_id", existing_type=sa.Integer(), nullable=False)
