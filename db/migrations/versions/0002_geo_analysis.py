"""Cost, sentiment, natural-mode analysis, visibility interval and audit budgets.

Existing rows get zero cost and no sentiment.

Revision ID: 0002_geo_analysis
Revises: 0001_initial
Create Date: 2026-11-27 21:51:32.267555
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0002_geo_analysis'
down_revision: str | None = '0001_initial'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('analysis', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True))
        batch_op.add_column(sa.Column('sentiment', sa.String(length=20), nullable=False, server_default='not_mentioned'))
        batch_op.add_column(sa.Column('sentiment_phrase', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('cost_usd', sa.Float(), nullable=False, server_default='0'))

    with op.batch_alter_table('audits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('max_cost_usd', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('pause_reason', sa.String(length=40), nullable=True))

    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cost_usd', sa.Float(), nullable=False, server_default='0'))

    with op.batch_alter_table('scores', schema=None) as batch_op:
        batch_op.add_column(sa.Column('visibility_ci_low', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('visibility_ci_high', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('sentiment', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False, server_default='{}'))



def downgrade() -> None:
    with op.batch_alter_table('scores', schema=None) as batch_op:
        batch_op.drop_column('sentiment')
        batch_op.drop_column('visibility_ci_high')
        batch_op.drop_column('visibility_ci_low')

    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.drop_column('cost_usd')

    with op.batch_alter_table('audits', schema=None) as batch_op:
        batch_op.drop_column('pause_reason')
        batch_op.drop_column('max_cost_usd')

    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.drop_column('cost_usd')
        batch_op.drop_column('sentiment_phrase')
        batch_op.drop_column('sentiment')
        batch_op.drop_column('analysis')

