"""The acceptance (Abnahme) of a test round by the municipality's coordinator, and its record (Abnahmeprotokoll)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from acceptance.checklist import TestPlan, plan_for
from acceptance.results import current_round, locked_ordered, results_of
from accounts.access import may_see_tenant, require_current, require_role
from accounts.actor import Actor
from core.clock import utcnow
from core.errors import DomainError, FieldErrors, NotFound, PermissionDenied
from documents.acceptance import AcceptanceData, AcceptanceItem, AcceptanceTester, render_acceptance
from lifecycle.machine import transition
from lifecycle.notify import case_facts, tell_kisa, tell_municipality
from models import (
    OUTCOME_NAMES,
    STATE_NAMES,
    Acceptance,
    Municipality,
    OrderedProduct,
    OrderedProductState,
    ProblemReport,
    ProblemStatus,
    Questionnaire,
    QuestionnaireSubmission,
    Role,
    StateChange,
    TestOutcome,
    TestResult,
)
from notifications.outbox import app_link
from questionnaire.checks import clean_free_text
from web.text import BERLIN

MAX_REMARKS = 4000
LISTED = 5  # names listed in a refusal before "und n weitere"
NOT_COORDINATOR = ("Die Abnahme erteilt die Koordinatorin oder der Koordinator Ihrer Kommune (wer das Team im "
                   "OAA-Shop verwaltet). Bitte geben Sie ihr oder ihm Bescheid.")


def open_problems(session: Session, ordered_product_id: int) -> list[ProblemReport]:
    """Return the problems reported for the ordered product that KISA has not solved yet, oldest first."""
    return list(session.exec(select(ProblemReport).where(
        ProblemReport.ordered_product_id == ordered_product_id, ProblemReport.status == ProblemStatus.OPEN,
    ).order_by(col(ProblemReport.created_at), col(ProblemReport.id))).all())


def _listed(names: Sequence[str]) -> str:
    shown = ", ".join(f"„{name}“" for name in names[:LISTED])
    return shown + (f" und {len(names) - LISTED} weitere" if len(names) > LISTED else "")


def acceptance_gaps(plan: TestPlan, results: Mapping[str, TestResult], problems: Sequence[ProblemReport]) -> list[str]:
    """Return what still stands in the way of the acceptance, as German sentences (empty: it may be given)."""
    untested = [i.label for i in plan.items if i.key not in results]
    failed = [i.label for i in plan.items if i.key in results and results[i.key].outcome == TestOutcome.FAILED]
    gaps = []
    if untested:
        what = "1 Prüfpunkt hat" if len(untested) == 1 else f"{len(untested)} Prüfpunkte haben"
        gaps.append(f"{what} noch kein Ergebnis: {_listed(untested)}.")
    if failed:
        what = "1 Prüfpunkt ist" if len(failed) == 1 else f"{len(failed)} Prüfpunkte sind"
        gaps.append(f"{what} mit „Fehler“ erfasst: {_listed(failed)}. Bitte testen Sie nach der Korrektur durch KISA "
                    "erneut.")
    if problems:
        what = "1 Meldung an KISA ist" if len(problems) == 1 else f"{len(problems)} Meldungen an KISA sind"
        gaps.append(f"{what} noch offen: {_listed([p.title for p in problems])}.")
    return gaps


def testing_since(session: Session, ordered: OrderedProduct) -> datetime | None:
    """Return when the current test round began (the last Go-Live in maintenance mode), if recorded."""
    return session.exec(select(StateChange.at).where(
        StateChange.ordered_product_id == ordered.id, StateChange.to_state == OrderedProductState.TESTING,
    ).order_by(col(StateChange.at).desc(), col(StateChange.id).desc())).first()


def _release(session: Session, ordered: OrderedProduct, plan: TestPlan) -> str:
    release = session.exec(
        select(QuestionnaireSubmission.product_release)
        .join(Questionnaire, col(Questionnaire.id) == QuestionnaireSubmission.questionnaire_id)
        .where(Questionnaire.ordered_product_id == ordered.id).order_by(col(QuestionnaireSubmission.number).desc())
    ).first()
    if release:
        return release
    return plan.product.releases[-1].version if plan.product.releases else ""


def _snapshot(session: Session, *, actor: Actor, ordered: OrderedProduct, plan: TestPlan, round_number: int,
              results: Mapping[str, TestResult], remarks: str, now: datetime) -> AcceptanceData:
    municipality = session.get(Municipality, ordered.municipality_id)
    assert municipality is not None
    items = [
        AcceptanceItem(key=item.key, label=item.label, hint=item.hint, group=item.group,
                       outcome=results[item.key].outcome.value, outcome_name=OUTCOME_NAMES[results[item.key].outcome],
                       tester=results[item.key].tester_name, note=results[item.key].note,
                       recorded_at=results[item.key].recorded_at, recorded_by=results[item.key].recorded_by_name)
        for item in plan.items
    ]
    return AcceptanceData.model_validate({
        "ordered_product_id": ordered.id, "product_id": plan.product.id, "product_name": plan.product.name,
        "manufacturer": plan.product.manufacturer.value, "release_version": _release(session, ordered, plan),
        "municipality_name": municipality.name, "municipality_ags": municipality.ags, "round": round_number,
        "testing_since": testing_since(session, ordered), "accepted_at": now, "accepted_by": actor.full_name,
        "accepted_by_email": actor.email, "remarks": remarks,
        "testers": [AcceptanceTester(name=t["name"], email=t["email"]) for t in plan.testers],
        "items": items, "sample_data": municipality.is_demo,
    })


def accept(session: Session, *, actor: Actor, ordered_product_id: int, remarks: str = "") -> Acceptance:
    """Give the acceptance of the current test round: every item tested, none failed, no problem open.

    Only the municipality's coordinator may; the record keeps a snapshot of the results for the PDF. The product
    moves to "abgenommen" and both sides are told the next step (switch maintenance mode off on Amt24).
    """
    require_role(actor, Role.KOMMUNE)
    user = require_current(session, actor, Role.KOMMUNE)
    ordered = locked_ordered(session, actor, ordered_product_id)
    if not user.can_manage_team:
        raise PermissionDenied(NOT_COORDINATOR)
    if ordered.state != OrderedProductState.TESTING:
        raise DomainError("Die Abnahme ist nur während des Tests im Wartungsmodus möglich "
                          f"(Stand: „{STATE_NAMES[ordered.state]}“).")
    text = clean_free_text(remarks or "", multiline=True)
    if len(text) > MAX_REMARKS:
        raise FieldErrors({"remarks": f"Bitte kürzen Sie die Bemerkungen auf höchstens {MAX_REMARKS} Zeichen "
                                      f"(jetzt {len(text)})."})
    plan = plan_for(session, ordered)
    round_number = current_round(session, ordered_product_id)
    results = results_of(session, ordered_product_id, round_number)
    gaps = acceptance_gaps(plan, results, open_problems(session, ordered_product_id))
    if gaps:
        raise DomainError("Die Abnahme ist noch nicht möglich. " + " ".join(gaps))
    if session.exec(select(Acceptance.id).where(Acceptance.ordered_product_id == ordered_product_id,
                                                Acceptance.round == round_number)).first() is not None:
        raise DomainError(f"Für die Testrunde {round_number} ist die Abnahme bereits erteilt.")
    now = utcnow()
    data = _snapshot(session, actor=actor, ordered=ordered, plan=plan, round_number=round_number, results=results,
                     remarks=text, now=now)
    row = Acceptance(ordered_product_id=ordered_product_id, round=round_number, accepted_at=now,
                     accepted_by_id=actor.user_id, accepted_by_name=actor.full_name, remarks=text,
                     snapshot=data.model_dump_json())
    session.add(row)
    transition(session, actor=actor, ordered=ordered, target=OrderedProductState.ACCEPTED,
               details=f"Abnahme erteilt (Testrunde {round_number}, {len(plan.items)} Prüfpunkte).")
    context = {
        **case_facts(session, ordered), "accepted_by": actor.full_name, "round": round_number,
        "accepted_at": f"{now.astimezone(BERLIN):%d.%m.%Y um %H:%M Uhr}", "remarks": text,
        "acceptance_url": app_link("abnahme", nr=ordered_product_id),
    }
    tell_municipality(session, ordered, "lifecycle.accepted", context, also=(actor.email,))
    tell_kisa(session, ordered, "lifecycle.accepted", context)
    session.flush()
    return row


def _acceptance_row(session: Session, *, actor: Actor, ordered_product_id: int, round_number: int | None) -> Acceptance:
    ordered = session.get(OrderedProduct, ordered_product_id)
    if ordered is None or not may_see_tenant(actor, ordered.municipality_id) or not actor.is_active:
        raise NotFound("Dieses bestellte Produkt wurde nicht gefunden.")
    query = select(Acceptance).where(Acceptance.ordered_product_id == ordered_product_id)
    if round_number is not None:
        query = query.where(Acceptance.round == round_number)
    row = session.exec(query.order_by(col(Acceptance.round).desc())).first()
    if row is None:
        raise NotFound("Für dieses Produkt ist noch keine Abnahme erteilt." if round_number is None
                       else f"Für die Testrunde {round_number} gibt es keine Abnahme.")
    return row


def acceptance_document(session: Session, *, actor: Actor, ordered_product_id: int,
                        round_number: int | None = None) -> AcceptanceData:
    """Return what the acceptance record prints (the latest acceptance, or that of ``round_number``)."""
    row = _acceptance_row(session, actor=actor, ordered_product_id=ordered_product_id, round_number=round_number)
    return AcceptanceData.model_validate_json(row.snapshot)


def acceptance_pdf(session: Session, *, actor: Actor, ordered_product_id: int, round_number: int | None = None) -> bytes:
    """Return the acceptance record as PDF (municipal users: their own products; KISA: all)."""
    return render_acceptance(acceptance_document(session, actor=actor, ordered_product_id=ordered_product_id,
                                                 round_number=round_number))
