"""Column types shared by the tables."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import Enum as SAEnum


def enum_type(enum_cls: type[StrEnum]) -> Any:
    """Store a StrEnum by its value in a VARCHAR (no native DB enum: migrations stay simple)."""
    return SAEnum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=16,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
