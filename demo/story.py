"""The rest of the demo story after the journeys (sample data): a test under way, problem threads, a product release
with notices, a filled cart. All through the real service functions as the demo personas, backdated like the journeys.

The release is the one part that touches the catalogue: KISA publishes it on a product only the sample municipalities
use, its notes end with the sample mark, and :func:`remove_demo_releases` takes it out again on a reset.
"""

from __future__ import annotations

import json
from datetime import timedelta

from sqlmodel import Session, col, select

from acceptance.checklist import plan_for
from acceptance.results import record_result
from accounts.actor import Actor
from catalog.store import from_row, get_product, save_product
from core.clock import utcnow
from demo.journeys import KISA_PERSONA, SAMPLE, clock_at
from models import CatalogProduct, Municipality, OrderedProduct, OrderedProductState, TestOutcome, User
from orders.cart import add_to_cart
from releases.publish import latest_release, publish_release, version_key
from support.threads import mark_solved, reply, report_problem

S = OrderedProductState
MUSTERSTADT, VERWALTUNGSGEMEINSCHAFT = "14999001", "14999004"
RELEASE_PRODUCT = "meldebescheinigung"
RELEASE_NOTES = ("Neue Pflichtangabe „Zweck der Meldebescheinigung“; bitte prüfen Sie Gebühr und Hinweistexte in "
                 "Ihrer Konfiguration." + SAMPLE)


def _actor(session: Session, email: str) -> Actor:
    return Actor.of(session.exec(select(User).where(User.email == email)).one())


def _product(session: Session, ags: str, product_id: str) -> OrderedProduct | None:
    return session.exec(select(OrderedProduct).join(Municipality).where(
        Municipality.ags == ags, OrderedProduct.product_id == product_id, col(Municipality.is_demo).is_(True))).first()


def _days_ago(days: float, hour: int = 10) -> timedelta:
    moment = (utcnow() - timedelta(days=days)).replace(hour=hour, minute=15, second=0, microsecond=0)
    return moment - utcnow()


def _test_under_way(session: Session, anna: Actor, kisa: Actor) -> None:
    """Musterstadt's Geburtsurkunde in its test: most points passed, one failed and reported to KISA, who answered."""
    ordered = _product(session, MUSTERSTADT, "geburtsurkunde")
    if ordered is None or ordered.state != S.TESTING:
        return
    plan = plan_for(session, ordered)
    if not plan.tester_names or len(plan.items) < 3:
        return
    failed = plan.items[1]
    with clock_at(utcnow() + _days_ago(4)):
        for item in plan.items[:-2]:
            outcome = TestOutcome.FAILED if item.key == failed.key else TestOutcome.PASSED
            record_result(session, actor=anna, ordered_product_id=ordered.id or 0, item=item.key, outcome=outcome,
                          tester=plan.tester_names[-1], note="Nach dem Absenden kam keine Eingangsbestätigung an."
                          + SAMPLE if outcome == TestOutcome.FAILED else "")
        report_id = report_problem(
            session, actor=anna, ordered_product_id=ordered.id, test_item=failed.key,
            title="Keine Eingangsbestätigung nach dem Testantrag" + SAMPLE,
            text="Wir haben im Wartungsmodus einen Testantrag abgeschickt. Die Eingangsbestätigung an die "
                 "Antragstellerin kam nicht an." + SAMPLE)
    with clock_at(utcnow() + _days_ago(3, hour=14)):
        reply(session, actor=kisa, report_id=report_id,
              text="Danke für die Meldung. Die Benachrichtigungsadresse war noch nicht hinterlegt; bitte testen Sie "
                   "morgen erneut." + SAMPLE)


def _threads(session: Session, anna: Actor, vera: Actor, kisa: Actor) -> None:
    """A solved question about a live product (Musterstadt) and a new, unanswered one (the Verwaltungsgemeinschaft;
    Talheim's product in test stays free of open reports, so a presenter can show the acceptance with it)."""
    live = _product(session, MUSTERSTADT, "wohnungsgeberbestaetigung")
    if live is not None and live.state == S.LIVE:
        with clock_at(utcnow() + _days_ago(30)):
            report_id = report_problem(
                session, actor=anna, ordered_product_id=live.id, title="Anhang wird nicht übertragen" + SAMPLE,
                text="Ein Antrag kam ohne den hochgeladenen Mietvertrag im Transferverzeichnis an." + SAMPLE)
        with clock_at(utcnow() + _days_ago(29)):
            reply(session, actor=kisa, report_id=report_id,
                  text="Der Anhang war größer als 10 MB und wurde abgewiesen; der Hinweistext nennt die Grenze jetzt."
                       + SAMPLE)
            mark_solved(session, actor=kisa, report_id=report_id)
    testing = _product(session, VERWALTUNGSGEMEINSCHAFT, "gewerbeanmeldung")
    if testing is not None and testing.state == S.TESTING:
        with clock_at(utcnow() + _days_ago(1, hour=9)):
            report_problem(session, actor=vera, ordered_product_id=testing.id,
                           title="Gebühr wird doppelt angezeigt" + SAMPLE,
                           text="Auf der Zusammenfassungsseite steht die Gebühr zweimal." + SAMPLE)


def _release(session: Session, kisa: Actor) -> None:
    """KISA publishes a release of the Meldebescheinigung that asks for a configuration check; Musterstadt's live
    product is flagged (open), Talheim's product in test hears of it too. Only if no real municipality uses it."""
    row = session.get(CatalogProduct, RELEASE_PRODUCT)
    users = session.exec(select(Municipality.is_demo).join(OrderedProduct).where(
        OrderedProduct.product_id == RELEASE_PRODUCT)).all()
    if row is None or not users or not all(users):
        return
    latest = latest_release(from_row(row).releases)
    major, minor, _ = version_key(latest.version) if latest else (1, 0, 0)
    with clock_at(utcnow() + _days_ago(12)):
        publish_release(session, actor=kisa, product_id=RELEASE_PRODUCT, version=f"{major}.{minor + 1}",
                        notes=RELEASE_NOTES, requires_config_review=True, expected_version=row.version)


def seed_story(session: Session) -> None:
    """Add the test under way, the problem threads, the release and Tom's cart to the seeded journeys."""
    kisa = _actor(session, KISA_PERSONA)
    anna = _actor(session, "anna.beispiel@musterstadt.example")
    vera = _actor(session, "vera.verbund@beispielsee.example")
    _test_under_way(session, anna, kisa)
    _threads(session, anna, vera, kisa)
    _release(session, kisa)
    if session.get(CatalogProduct, "bewohnerparkausweis") is not None:  # the IT contact is collecting wishes
        add_to_cart(session, actor=_actor(session, "tom.technik@musterstadt.example"), product_id="bewohnerparkausweis")
    session.flush()


def remove_demo_releases(session: Session) -> None:
    """Take the demo's releases (notes with the sample mark) out of the catalogue again, as KISA would edit it."""
    kisa = session.exec(select(User).where(User.email == KISA_PERSONA, col(User.is_demo).is_(True))).first()
    if kisa is None:
        return
    for row in session.exec(select(CatalogProduct).where(col(CatalogProduct.id) == RELEASE_PRODUCT)).all():
        product, version = get_product(session, row.id)
        kept = [r for r in product.releases if not r.notes.endswith(SAMPLE)]
        if len(kept) == len(product.releases):
            continue
        data = json.loads(product.model_dump_json())
        data["releases"] = [json.loads(r.model_dump_json()) for r in kept]
        save_product(session, actor=Actor.of(kisa), data=data, expected_version=version)
