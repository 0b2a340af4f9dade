"""sso return ticket: the page and the typed values of a confirmation that went to the identity provider

Revision ID: 5c1e0a7d2b10
Revises: 227f20aa3b25
Create Date: 2026-11-29 15:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5c1e0a7d2b10"
down_revision: str | None = "227f20aa3b25"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("websession", schema=None) as batch_op:
        batch_op.add_column(sa.Column("return_ticket", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("websession", schema=None) as batch_op:
        batch_op.drop_column("return_ticket")
