"""PostgreSQL keeps no sample of a column that can describe a family

Revision ID: 0913
Revises: 0912
Create Date: 2026-12-06 12:00:00

ANALYZE (autovacuum's too) copied sample values of every column, a child's name
included, into the catalog pg_statistic, where a destruction on request could not reach
them. Every column that can describe a family (facilitator/rights/columns.py) gets
statistics target 0, so ANALYZE skips it; the samples already taken are removed (each
such column set to its own type: PostgreSQL drops its statistics without rewriting the
table) and pg_statistic is rewritten (VACUUM FULL, allowed to the database's owner) so
their bytes leave the files. migrations/env.py sets the target again after every
upgrade, for columns added later. Nothing to do on SQLite.
"""
from alembic import op

from facilitator.rights import columns

# revision identifiers, used by Alembic.
revision = '0913'
down_revision = '0912'
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    columns.clear_statistics(bind)
    with op.get_context().autocommit_block():  # VACUUM cannot run inside a transaction
        columns.vacuum_statistics(op.get_bind())


def downgrade():
    pass  # the targets stay 0: sampling a child's name again would undo a protection
