"""Scores from evidence: the model's claims kept beside what the answer shows, the scoring
version of every figure, re-scoring revisions, and the cost of paid calls that were unusable.

Rows written before this revision were scored by version 1 of the rules (the model's positions
and citation domains trusted); `POST /…/rescore` brings them to the current version.

Revision ID: 0004_scoring_evidence
Revises: 0003_alerts_summaries
Create Date: 2026-11-29 19:30:00.000000
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0004_scoring_evidence'
down_revision: str | None = '0003_alerts_summaries'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('model_flags', JSON, nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('scoring_version', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('web_searches', sa.Integer(), nullable=False, server_default='0'))

    with op.batch_alter_table('citations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_domain', sa.String(length=255), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('origin', sa.String(length=10), nullable=False, server_default='answer'))

    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('wasted_cost_usd', sa.Float(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('web_searches', sa.Integer(), nullable=False, server_default='0'))

    with op.batch_alter_table('scores', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scoring_version', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('rescored_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('audits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scoring_version', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('rescored_at', sa.DateTime(timezone=True), nullable=True))
        # A pause may carry the operator's own reason, not only "requested" or "budget".
        batch_op.alter_column('pause_reason', existing_type=sa.String(length=40), type_=sa.String(length=200), existing_nullable=True)

    op.create_table(
        'revisions',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('audit_id', sa.Uuid(), nullable=False),
        sa.Column('run_id', sa.Uuid(), nullable=True),
        sa.Column('scoring_version', sa.Integer(), nullable=False),
        sa.Column('figures', JSON, nullable=False),
        sa.Column('replaced_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['audit_id'], ['audits.id'], name=op.f('fk_revisions_audit_id_audits'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_revisions_run_id_runs'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_revisions')),
    )
    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_revisions_audit_id'), ['audit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_revisions_run_id'), ['run_id'], unique=False)

    op.create_table(
        'unusable_calls',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('run_id', sa.Uuid(), nullable=False),
        sa.Column('query_id', sa.Uuid(), nullable=False),
        sa.Column('sample', sa.Integer(), nullable=False),
        sa.Column('phase', sa.String(length=10), nullable=False),
        sa.Column('attempt', sa.Integer(), nullable=False),
        sa.Column('input_tokens', sa.Integer(), nullable=False),
        sa.Column('output_tokens', sa.Integer(), nullable=False),
        sa.Column('web_searches', sa.Integer(), nullable=False),
        sa.Column('cost_usd', sa.Float(), nullable=False),
        sa.Column('reason', sa.String(length=500), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_unusable_calls_run_id_runs'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_unusable_calls')),
        sa.UniqueConstraint('run_id', 'query_id', 'sample', 'phase', 'attempt', name=op.f('uq_unusable_calls_run_id_query_id_sample_phase_attempt')),
    )
    with op.batch_alter_table('unusable_calls', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unusable_calls_run_id'), ['run_id'], unique=False)


def downgrade() -> None:
    op.drop_table('unusable_calls')
    op.drop_table('revisions')
    for table, columns in (
        ('audits', ('rescored_at', 'scoring_version')),  # pause_reason stays 200 wide
        ('scores', ('rescored_at', 'scoring_version')),
        ('runs', ('web_searches', 'wasted_cost_usd')),
        ('citations', ('origin', 'claimed_domain')),
        ('answers', ('web_searches', 'scoring_version', 'model_flags')),
    ):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.drop_column(column)
