"""SQLModel tables and pydantic input/output models; importing this package registers every table."""

from models.audit import AuditEvent
from models.backoffice import ReviewComment, SetupTask, StateChange
from models.catalog import STATE_NAMES, CatalogProduct, OrderedProduct, OrderedProductState
from models.municipality import Gemeinde, Municipality, MunicipalityStatus
from models.orders import Cart, CartItem, FundingProgramme, ModelContract, Order, OrderLine
from models.outbox import MailStatus, OutboxMail
from models.questionnaire import (
    MasterData,
    Questionnaire,
    QuestionnaireAssignment,
    QuestionnaireEdit,
    QuestionnaireSubmission,
)
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
    "Cart",
    "CartItem",
    "CatalogProduct",
    "FundingProgramme",
    "Gemeinde",
    "MailStatus",
    "MasterData",
    "ModelContract",
    "Municipality",
    "MunicipalityStatus",
    "Order",
    "OrderLine",
    "OrderedProduct",
    "OrderedProductState",
    "OutboxMail",
    "Questionnaire",
    "QuestionnaireAssignment",
    "QuestionnaireEdit",
    "QuestionnaireSubmission",
    "RegistrationDecision",
    "ReviewComment",
    "Role",
    "SetupTask",
    "StateChange",
    "User",
    "UserStatus",
    "WebSession",
]
