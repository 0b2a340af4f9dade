"""Municipalities: the reference list (Gemeinde) and the registered tenants (Municipality)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

from core.clock import utcnow
from models.columns import enum_type


class Gemeinde(SQLModel, table=True):
    """One row of the official municipality list (reference data, replaced by import)."""

    ags: str = Field(primary_key=True, max_length=8)  # Amtlicher Gemeindeschlüssel
    name: str = Field(max_length=200, index=True)
    kreis_schluessel: str = Field(max_length=5, index=True)
    kreis: str = Field(max_length=200)
    land_code: str = Field(default="SN", max_length=2)


class MunicipalityStatus(StrEnum):
    PENDING = "pending"  # registered by its first user, waiting for KISA's Freischaltung
    ACTIVE = "active"  # approved: its users may order
    REJECTED = "rejected"  # registration refused; a new registration may follow


class Municipality(SQLModel, table=True):
    """A municipality that registered in the shop: the tenant every municipal record belongs to."""

    __table_args__ = (
        # At most one pending or active tenant per AGS, even when two people register at once.
        Index(
            "uq_municipality_live_ags",
            "ags",
            unique=True,
            sqlite_where=text("status != 'rejected'"),
            postgresql_where=text("status != 'rejected'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    ags: str = Field(max_length=8)  # Amtlicher Gemeindeschlüssel
    name: str = Field(max_length=200)
    kreis: str = Field(default="", max_length=200)
    ars: str = Field(max_length=12)  # Amtlicher Regionalschlüssel
    leitweg_id: str | None = Field(default=None, max_length=46)  # e-invoicing address, optional
    street: str = Field(default="", max_length=200)  # postal address of the administration
    postal_code: str = Field(default="", max_length=5)
    city: str = Field(default="", max_length=120)
    status: MunicipalityStatus = Field(default=MunicipalityStatus.PENDING, sa_type=enum_type(MunicipalityStatus))
    is_demo: bool = Field(default=False)  # sample data, never a real municipality's record
    created_at: datetime = Field(default_factory=utcnow)
