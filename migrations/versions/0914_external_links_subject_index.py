"""The links of one record are found by an index

Revision ID: 0914
Revises: 0913
Create Date: 2026-12-06 12:20:00

The live page counts a meeting's open pairing codes on every load, and withdrawing a
record's links looks them up by (subject_kind, subject_id, purpose): without an index
both read the whole table (measured: 10-15 ms per live page load at 100,000 links on
PostgreSQL).
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = "0914"
down_revision = "0913"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_external_links_subject", "external_links",
                    ["subject_kind", "subject_id", "purpose"])


def downgrade():
    op.drop_index("ix_external_links_subject", table_name="external_links")
