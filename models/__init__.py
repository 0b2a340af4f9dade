"""SQLModel tables and pydantic input/output models; importing this package registers every table."""

from models.acceptance import OUTCOME_NAMES, Acceptance, LaunchTask, TestOutcome, TestResult
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
from models.releases import ReleaseNotice
from models.support import ProblemMessage, ProblemReport, ProblemStatus
from models.user import (
    RegistrationDecision,
    Role,
    User,
    UserStatus,
    WebSession,
)

__all__ = [
    "OUTCOME_NAMES",
    "STATE_NAMES",
    "Acceptance",
    "AuditEvent",
    "Cart",
    "CartItem",
    "CatalogProduct",
    "FundingProgramme",
    "Gemeinde",
    "LaunchTask",
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
    "ProblemMessage",
    "ProblemReport",
    "ProblemStatus",
    "Questionnaire",
    "QuestionnaireAssignment",
    "QuestionnaireEdit",
    "QuestionnaireSubmission",
    "RegistrationDecision",
    "ReleaseNotice",
    "ReviewComment",
    "Role",
    "SetupTask",
    "StateChange",
    "TestOutcome",
    "TestResult",
    "User",
    "UserStatus",
    "WebSession",
]
