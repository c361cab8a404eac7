"""Alert webhooks and thresholds per property; the batch summary and alert record per audit.

Revision ID: 0003_alerts_summaries
Revises: 0002_geo_analysis
Create Date: 2026-11-27 22:28:15.766000
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0003_alerts_summaries'
down_revision: str | None = '0002_geo_analysis'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('audits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('summary', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True))
        batch_op.add_column(sa.Column('alert_sent_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('properties', schema=None) as batch_op:
        batch_op.add_column(sa.Column('alert_webhook_url', sa.String(length=500), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('alert_score_drop', sa.Float(), nullable=False, server_default='10'))
        batch_op.add_column(sa.Column('alert_visibility_drop', sa.Float(), nullable=False, server_default='15'))



def downgrade() -> None:
    with op.batch_alter_table('properties', schema=None) as batch_op:
        batch_op.drop_column('alert_visibility_drop')
        batch_op.drop_column('alert_score_drop')
        batch_op.drop_column('alert_webhook_url')

    with op.batch_alter_table('audits', schema=None) as batch_op:
        batch_op.drop_column('alert_sent_at')
        batch_op.drop_column('summary')

