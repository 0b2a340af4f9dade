"""The catalogue in the database (KISA edits it there) and the products municipalities have ordered."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, Text
from sqlmodel import Field, SQLModel

from core.clock import utcnow
from models.columns import enum_type


class CatalogProduct(SQLModel, table=True):
    """One OAA; ``data`` holds the validated product as JSON, the other columns serve filters and joins."""

    id: str = Field(primary_key=True, max_length=80)  # stable slug, never reused
    name: str = Field(max_length=300, index=True)
    group: str = Field(max_length=2, index=True)  # Aktenplan main group code "0"…"9"
    manufacturer: str = Field(max_length=40)
    status: str = Field(max_length=16, index=True)  # verfügbar / geplant / eingestellt
    data: str = Field(sa_type=Text)  # catalog.schema.Product as JSON
    version: int = Field(default=1)  # optimistic locking counter, +1 on every edit
    updated_at: datetime = Field(default_factory=utcnow, index=True)  # catalogue version for caches
    updated_by: str = Field(default="system", max_length=254)


class OrderedProductState(StrEnum):
    """Where a municipality's ordered product stands in the onboarding journey."""

    ORDERED = "ordered"  # order placed, questionnaire not started
    QUESTIONNAIRE = "questionnaire"  # municipality fills the configuration questionnaire
    SUBMITTED = "submitted"  # configuration submitted to KISA
    QUERY = "query"  # KISA asked back, municipality answers
    SETUP = "setup"  # KISA sets the OAA up
    TESTING = "testing"  # Go-Live in maintenance mode, municipality tests
    ACCEPTED = "accepted"  # acceptance given, maintenance mode still on
    LIVE = "live"  # live on Amt24
    CHANGE_REQUESTED = "change_requested"  # configuration change after go-live
    CANCELLED = "cancelled"  # cancelled before set-up
    TERMINATED = "terminated"  # contract ended


STATE_NAMES: dict[OrderedProductState, str] = {
    OrderedProductState.ORDERED: "bestellt",
    OrderedProductState.QUESTIONNAIRE: "Fragebogen in Bearbeitung",
    OrderedProductState.SUBMITTED: "Konfiguration eingereicht",
    OrderedProductState.QUERY: "Rückfrage von KISA",
    OrderedProductState.SETUP: "Einrichtung durch KISA",
    OrderedProductState.TESTING: "Test im Wartungsmodus",
    OrderedProductState.ACCEPTED: "abgenommen",
    OrderedProductState.LIVE: "live",
    OrderedProductState.CHANGE_REQUESTED: "Änderung beantragt",
    OrderedProductState.CANCELLED: "storniert",
    OrderedProductState.TERMINATED: "beendet",
}


class OrderedProduct(SQLModel, table=True):
    """A product a municipality has ordered, and its state; orders (next issue) create these rows."""

    # KISA's queue and the dashboard filter by state and sort or compare by state_since (100,000 rows at scale).
    __table_args__ = (Index("ix_orderedproduct_state_state_since", "state", "state_since"),)

    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = Field(foreign_key="municipality.id", index=True)
    product_id: str = Field(foreign_key="catalogproduct.id", index=True, max_length=80)
    state: OrderedProductState = Field(default=OrderedProductState.ORDERED, sa_type=enum_type(OrderedProductState))
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    state_since: datetime = Field(default_factory=utcnow, index=True)  # when it entered its state (age, due dates)
    assigned_to_id: int | None = Field(default=None, foreign_key="user.id", index=True)  # KISA staff member
