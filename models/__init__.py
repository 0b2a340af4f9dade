"""SQLModel tables and pydantic input/output models; importing this package registers every table."""

from models.audit import AuditEvent
from models.catalog import STATE_NAMES, CatalogProduct, OrderedProduct, OrderedProductState
from models.municipality import Gemeinde, Municipality, MunicipalityStatus
from models.user import (
    RegistrationDecision,
    Role,
    User,
    UserStatus,
    WebSession,
)

__all__ = [
    "STATE_NAMES",
    "AuditEvent",
    "CatalogProduct",
    "Gemeinde",
    "Municipality",
    "MunicipalityStatus",
    "OrderedProduct",
    "OrderedProductState",
    "RegistrationDecision",
    "Role",
    "User",
    "UserStatus",
    "WebSession",
]
