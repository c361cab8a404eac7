"""Questions per persona and language, the asker's location per audit, property tags and
region, and the format a property's alerts are sent in.

Revision ID: 0006_renters_places_rivals
Revises: 0005_organisations
Create Date: 2026-11-30 02:00:00.000000
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0006_renters_places_rivals'
down_revision: str | None = '0005_organisations'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    with op.batch_alter_table('queries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('persona', sa.String(length=40), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('language', sa.String(length=8), nullable=False, server_default='en'))
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('query_persona', sa.String(length=40), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('query_language', sa.String(length=8), nullable=False, server_default='en'))
    with op.batch_alter_table('audits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('asker_location', JSON, nullable=True))
    with op.batch_alter_table('properties', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tags', JSON, nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('region', sa.String(length=120), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('alert_format', sa.String(length=10), nullable=False, server_default='json'))
        batch_op.create_index(batch_op.f('ix_properties_region'), ['region'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('properties', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_properties_region'))
        batch_op.drop_column('alert_format')
        batch_op.drop_column('region')
        batch_op.drop_column('tags')
    with op.batch_alter_table('audits', schema=None) as batch_op:
        batch_op.drop_column('asker_location')
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.drop_column('query_language')
        batch_op.drop_column('query_persona')
    with op.batch_alter_table('queries', schema=None) as batch_op:
        batch_op.drop_column('language')
        batch_op.drop_column('persona')
