"""scale indexes: ordered products by state and state_since (KISA's queue and dashboard), mails by status (Postausgang)

At 100,000 ordered products and 200,000 mails the queue, the dashboard's overdue count and the Postausgang's counts
per status scanned whole tables (the mails with their bodies) on every rerun.

Revision ID: 4b1e0c7d9a10
Revises: 5c1e0a7d2b10
Create Date: 2026-11-29 16:05:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = '4b1e0c7d9a10'
down_revision: str | None = '5c1e0a7d2b10'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_orderedproduct_state_state_since', 'orderedproduct', ['state', 'state_since'], unique=False)
    op.create_index('ix_outboxmail_status', 'outboxmail', ['status'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_outboxmail_status', table_name='outboxmail')
    op.drop_index('ix_orderedproduct_state_state_since', table_name='orderedproduct')
