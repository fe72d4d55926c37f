"""erasure: outbox messages know their family; record-of-access details kept apart; exports

Revision ID: 0902
Revises: 0906
Create Date: 2026-12-06 06:00:00

Outbox messages get ``family_id`` (filled from their meeting or case), so that
destroying a family destroys every message about it. The record of access keeps
what may name a person (recipient, purpose) in ``audit_entry_details``, which
destruction can erase; entries written before this stay version 1 (their hash
covered the details, and they verify exactly as before while the details exist).
Family exports are built by the worker and tracked in ``family_exports``.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0902'
down_revision = '0906'
branch_labels = None
depends_on = None


def upgrade():
    from facilitator.audit.models import drop_statements, guard_statements

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('family_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_messages_family_id'), ['family_id'],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_outbox_messages_family_id_families'),
                                    'families', ['family_id'], ['id'], ondelete='CASCADE')
    op.execute("UPDATE outbox_messages SET family_id = (SELECT meetings.family_id FROM meetings "
               "WHERE meetings.id = outbox_messages.meeting_id) WHERE meeting_id IS NOT NULL")
    op.execute("UPDATE outbox_messages SET family_id = (SELECT adr_cases.family_id FROM adr_cases "
               "WHERE adr_cases.id = outbox_messages.case_id) "
               "WHERE family_id IS NULL AND case_id IS NOT NULL")

    bind = op.get_bind()
    dialect = bind.dialect.name
    details = list(bind.execute(sa.text(
        "SELECT id, organization_id, recipient, purpose FROM audit_entries "
        "WHERE recipient IS NOT NULL OR purpose IS NOT NULL")).mappings())
    # The append-only guards would refuse the table's rebuild (SQLite) and are put back below.
    for statement in drop_statements(dialect):
        op.execute(statement)
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('details_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('v', sa.Integer(), server_default='1', nullable=False))
        batch_op.drop_column('recipient')
        batch_op.drop_column('purpose')
    if dialect == 'postgresql':
        # DROP COLUMN leaves the values in the rows' bytes, and these rows are never
        # rewritten (append-only): rewrite the table now, so that an erasure of the details
        # leaves no copy behind. (SQLite's batch mode copied the table already.)
        op.execute('CLUSTER audit_entries USING pk_audit_entries')
    for statement in guard_statements(dialect):
        op.execute(statement)

    table = op.create_table('audit_entry_details',
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('recipient', sa.String(length=300), nullable=True),
    sa.Column('purpose', sa.String(length=500), nullable=True),
    sa.Column('salt', sa.String(length=32), nullable=True),
    sa.Column('erased_under', sa.String(length=20), nullable=True),
    sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['entry_id'], ['audit_entries.id'], name=op.f('fk_audit_entry_details_entry_id_audit_entries')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_audit_entry_details_organization_id_organizations')),
    sa.PrimaryKeyConstraint('entry_id', name=op.f('pk_audit_entry_details'))
    )
    with op.batch_alter_table('audit_entry_details', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entry_details_erased_under'), ['erased_under'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_details_organization_id'), ['organization_id'], unique=False)
    op.create_table('family_exports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('family_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('progress_done', sa.Integer(), nullable=False),
    sa.Column('progress_total', sa.Integer(), nullable=False),
    sa.Column('progress_message', sa.String(length=300), nullable=False),
    sa.Column('storage_key', sa.String(length=200), nullable=True),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['family_id'], ['families.id'], name=op.f('fk_family_exports_family_id_families'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_family_exports_organization_id_organizations')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_family_exports_requested_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_family_exports'))
    )
    with op.batch_alter_table('family_exports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_family_exports_family_id'), ['family_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_family_exports_organization_id'), ['organization_id'], unique=False)

    # Version-1 entries hashed the details themselves: no salt, no digest.
    if details:
        op.bulk_insert(table, [{"entry_id": d["id"], "organization_id": d["organization_id"],
                                "recipient": d["recipient"], "purpose": d["purpose"]}
                               for d in details])


def downgrade():
    from facilitator.audit.models import drop_statements, guard_statements

    bind = op.get_bind()
    dialect = bind.dialect.name
    if bind.execute(sa.text("SELECT count(*) FROM audit_entries WHERE v <> 1")).scalar():
        raise RuntimeError("Entries of version 2 exist: their chain cannot go back to version 1.")
    op.drop_table('family_exports')
    details = list(bind.execute(sa.text(
        "SELECT entry_id, recipient, purpose FROM audit_entry_details")).mappings())
    op.drop_table('audit_entry_details')
    for statement in drop_statements(dialect):
        op.execute(statement)
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purpose', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('recipient', sa.String(length=300), nullable=True))
        batch_op.drop_column('v')
        batch_op.drop_column('details_hash')
    for d in details:
        bind.execute(sa.text("UPDATE audit_entries SET recipient = :r, purpose = :p "
                             "WHERE id = :i"), {"r": d["recipient"], "p": d["purpose"],
                                                "i": d["entry_id"]})
    for statement in guard_statements(dialect):
        op.execute(statement)
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outbox_messages_family_id_families'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_outbox_messages_family_id'))
        batch_op.drop_column('family_id')
