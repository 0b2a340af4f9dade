"""municipality postal address

Revision ID: c4d4c8448fa7
Revises: 15ff534a1f12
Create Date: 2026-11-29 05:24:37.634796
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = 'c4d4c8448fa7'
down_revision: str | None = '15ff534a1f12'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('municipality', schema=None) as batch_op:
        batch_op.add_column(sa.Column('street', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False, server_default=""))
        batch_op.add_column(sa.Column('postal_code', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False, server_default=""))
        batch_op.add_column(sa.Column('city', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False, server_default=""))



def downgrade() -> None:
    with op.batch_alter_table('municipality', schema=None) as batch_op:
        batch_op.drop_column('city')
        batch_op.drop_column('postal_code')
        batch_op.drop_column('street')

