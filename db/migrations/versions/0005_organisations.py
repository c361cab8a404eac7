"""Organisations and their hashed API keys; every property belongs to one (or to the admin).

Revision ID: 0005_organisations
Revises: 0004_scoring_evidence
Create Date: 2026-11-29 21:00:00.000000
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005_organisations'
down_revision: str | None = '0004_scoring_evidence'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'organisations',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations')),
    )
    op.create_table(
        'api_keys',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('org_id', sa.Uuid(), nullable=False),
        sa.Column('prefix', sa.String(length=16), nullable=False),
        sa.Column('key_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_api_keys_org_id_organisations'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_api_keys')),
        sa.UniqueConstraint('prefix', name=op.f('uq_api_keys_prefix')),
    )
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_keys_org_id'), ['org_id'], unique=False)
    with op.batch_alter_table('properties', schema=None) as batch_op:
        batch_op.add_column(sa.Column('org_id', sa.Uuid(), nullable=True))
        batch_op.create_index(batch_op.f('ix_properties_org_id'), ['org_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_properties_org_id_organisations'), 'organisations', ['org_id'], ['id'], ondelete='RESTRICT')


def downgrade() -> None:
    with op.batch_alter_table('properties', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_properties_org_id_organisations'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_properties_org_id'))
        batch_op.drop_column('org_id')
    op.drop_table('api_keys')
    op.drop_table('organisations')
