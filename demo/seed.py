"""Create and reset the demo story; touches only records marked as demo data."""

from __future__ import annotations

from sqlmodel import Session, col, delete, select, update

from accounts.passwords import hash_password
from accounts.validation import normalise_phone
from audit.log import record
from core.clock import utcnow
from demo.journeys import seed_journeys
from demo.personas import DEMO_PASSWORD, MUNICIPALITIES, PERSONAS
from demo.questionnaires import delete_questionnaires, seed_master_data
from demo.story import remove_demo_releases, seed_story
from models import (
    Acceptance,
    AuditEvent,
    Cart,
    CartItem,
    LaunchTask,
    Municipality,
    MunicipalityStatus,
    Order,
    OrderedProduct,
    OrderLine,
    OutboxMail,
    ProblemMessage,
    ProblemReport,
    RegistrationDecision,
    ReleaseNotice,
    ReviewComment,
    SetupTask,
    StateChange,
    TestResult,
    User,
    UserStatus,
    WebSession,
)
from models.user import Role
from municipalities.keys import derive_ars


def has_demo_data(session: Session) -> bool:
    """Tell whether demo records exist."""
    return session.exec(select(User.id).where(col(User.is_demo).is_(True))).first() is not None


def seed_demo(session: Session) -> int:
    """Create the sample municipalities and demo personas; return the number of personas."""
    by_ags: dict[str, Municipality] = {}
    for m in MUNICIPALITIES:
        municipality = Municipality(
            ags=m.ags, name=m.name, kreis=m.kreis, ars=derive_ars(m.ags), is_demo=True,
            street=m.street, postal_code=m.postal_code, city=m.city,
            status=MunicipalityStatus.ACTIVE if m.active else MunicipalityStatus.PENDING,
        )
        session.add(municipality)
        by_ags[m.ags] = municipality
    session.flush()
    password_hash = hash_password(DEMO_PASSWORD)
    for p in PERSONAS:
        phone, _ = normalise_phone(p.phone)
        session.add(User(
            email=p.email, full_name=p.full_name, phone=phone or "", role=p.role, position=p.position,
            municipality_id=by_ags[p.municipality_ags].id if p.municipality_ags else None,
            can_manage_team=p.can_manage_team,
            status=UserStatus.PENDING if p.pending else UserStatus.ACTIVE,
            password_hash=password_hash, is_demo=True,
            authorised_confirmed_at=utcnow() if p.role == Role.KOMMUNE else None,
        ))
    session.flush()
    seed_master_data(session)
    seed_journeys(session, by_ags)
    seed_story(session)
    record(session, action="demo.seeded", entity_type="demo", details="Demodaten (Beispieldaten) angelegt.")
    return len(PERSONAS)


def reset_demo(session: Session) -> int:
    """Remove every demo record and seed the initial story again; real records stay untouched."""
    remove_demo_releases(session)
    demo_users = select(User.id).where(col(User.is_demo).is_(True))
    demo_munis = select(Municipality.id).where(col(Municipality.is_demo).is_(True))
    # Colleagues invited inside a demo municipality are demo data too.
    session.exec(delete(WebSession).where(col(WebSession.user_id).in_(
        select(User.id).where(col(User.municipality_id).in_(demo_munis) | col(User.is_demo).is_(True)))))
    session.exec(delete(RegistrationDecision).where(
        col(RegistrationDecision.user_id).in_(
            select(User.id).where(col(User.municipality_id).in_(demo_munis) | col(User.is_demo).is_(True)))
        | col(RegistrationDecision.decided_by_id).in_(demo_users)))
    session.exec(delete(AuditEvent).where(
        col(AuditEvent.municipality_id).in_(demo_munis) | col(AuditEvent.actor_id).in_(demo_users)))
    delete_questionnaires(session, demo_munis)
    demo_products = select(OrderedProduct.id).where(col(OrderedProduct.municipality_id).in_(demo_munis))
    session.exec(delete(StateChange).where(col(StateChange.ordered_product_id).in_(demo_products)))
    session.exec(delete(SetupTask).where(col(SetupTask.ordered_product_id).in_(demo_products)))
    for table in (TestResult, Acceptance, LaunchTask, ReleaseNotice):  # step 5 and after go-live
        session.exec(delete(table).where(col(table.ordered_product_id).in_(demo_products)))
    demo_reports = select(ProblemReport.id).where(col(ProblemReport.ordered_product_id).in_(demo_products))
    session.exec(delete(ProblemMessage).where(col(ProblemMessage.report_id).in_(demo_reports)))
    session.exec(delete(ProblemReport).where(col(ProblemReport.ordered_product_id).in_(demo_products)))
    # Real records keep their history; only the link to a demo person goes (the name stays in the text).
    session.exec(update(StateChange).where(col(StateChange.actor_id).in_(demo_users)).values(actor_id=None))
    session.exec(update(SetupTask).where(col(SetupTask.done_by_id).in_(demo_users)).values(done_by_id=None))
    for model, column in ((ProblemMessage, "author_id"), (ProblemReport, "created_by_id"),
                          (TestResult, "recorded_by_id"), (Acceptance, "accepted_by_id"), (LaunchTask, "done_by_id"),
                          (ReleaseNotice, "reviewed_by_id")):
        session.exec(update(model).where(col(getattr(model, column)).in_(demo_users)).values({column: None}))
    session.exec(update(OrderedProduct).where(col(OrderedProduct.assigned_to_id).in_(demo_users))
                 .values(assigned_to_id=None))
    session.exec(delete(ReviewComment).where(col(ReviewComment.author_id).in_(demo_users)))
    demo_orders = select(Order.id).where(col(Order.municipality_id).in_(demo_munis))
    session.exec(delete(OrderLine).where(col(OrderLine.order_id).in_(demo_orders)))
    session.exec(delete(Order).where(col(Order.municipality_id).in_(demo_munis)))
    demo_carts = select(Cart.id).where(col(Cart.user_id).in_(
        select(User.id).where(col(User.municipality_id).in_(demo_munis) | col(User.is_demo).is_(True))))
    session.exec(delete(CartItem).where(col(CartItem.cart_id).in_(demo_carts)))
    session.exec(delete(Cart).where(col(Cart.id).in_(demo_carts)))
    session.exec(delete(OutboxMail).where(col(OutboxMail.municipality_id).in_(demo_munis)))
    session.exec(delete(OrderedProduct).where(col(OrderedProduct.municipality_id).in_(demo_munis)))
    session.exec(delete(User).where(col(User.municipality_id).in_(demo_munis)))
    session.exec(delete(User).where(col(User.is_demo).is_(True)))
    session.exec(delete(Municipality).where(col(Municipality.is_demo).is_(True)))
    session.flush()
    return seed_demo(session)
