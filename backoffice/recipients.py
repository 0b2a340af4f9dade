"""Who hears about an ordered product on the municipality's side."""

from __future__ import annotations

from sqlmodel import Session, col, select

from models import OrderedProduct, Questionnaire, QuestionnaireSubmission, User, UserStatus


def municipal_recipients(session: Session, ordered: OrderedProduct) -> list[str]:
    """Return the coordinators of the municipality and whoever submitted the configuration last, without repeats."""
    coordinators = session.exec(
        select(User.email).where(User.municipality_id == ordered.municipality_id, col(User.can_manage_team).is_(True),
                                 User.status == UserStatus.ACTIVE).order_by(col(User.id))
    ).all()
    submitter = session.exec(
        select(User.email)
        .join(QuestionnaireSubmission, col(QuestionnaireSubmission.submitted_by_id) == User.id)
        .join(Questionnaire, col(Questionnaire.id) == QuestionnaireSubmission.questionnaire_id)
        .where(Questionnaire.ordered_product_id == ordered.id, User.status == UserStatus.ACTIVE)
        .order_by(col(QuestionnaireSubmission.number).desc())
    ).first()
    return list(dict.fromkeys([*coordinators, *([submitter] if submitter else [])]))
