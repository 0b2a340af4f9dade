"""SQLModel tables and pydantic input/output models; importing this package registers every table."""

from models.audit import AuditEvent
from models.municipality import Gemeinde, Municipality, MunicipalityStatus
from models.user import (
    RegistrationDecision,
    Role,
    User,
    UserStatus,
    WebSession,
)

__all__ = [
    "AuditEvent",
    "Gemeinde",
    "Municipality",
    "MunicipalityStatus",
    "RegistrationDecision",
    "Role",
    "User",
    "UserStatus",
    "WebSession",
]
