"""Cart and checkout: the cart lives in the database, an order is placed once, snapshots never change."""

from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from sqlmodel import select

from catalog.store import get_product, retire_product, save_product
from core import clock
from core.db import session_scope
from core.errors import DomainError, FieldErrors, NotFound, PermissionDenied
from models import AuditEvent, FundingProgramme, Order, OrderedProduct, OrderedProductState, OrderLine, OutboxMail, Role
from orders.cart import add_to_cart, cart_size, remove_from_cart, view_cart
from orders.checkout import OrderRefused, place_order
from orders.contracts import publish_contract
from orders.funding import apply, programme_on
from orders.history import cancel_line, get_order, list_orders, order_page
from tests.builders import actor_of, make_user
from tests.catalog_builders import product_data
from tests.orders_builders import ready_to_order


@pytest.fixture
def contract(session):
    return ready_to_order(session)


@pytest.fixture
def anna(session):
    return actor_of(make_user(session, can_manage_team=True))


def fill(session, actor, *ids):
    for product_id in ids:
        add_to_cart(session, actor=actor, product_id=product_id)
    session.commit()


def order(session, actor, contract, **kw):
    cart = view_cart(session, actor=actor)
    placed, created = place_order(session, actor=actor, cart_revision=kw.get("revision", cart.revision),
                                  contract_id=contract.id, authorised=True)
    session.commit()
    return placed, created


def test_cart_belongs_to_the_user_and_shows_prices(session, contract, anna):
    fill(session, anna, "meldebescheinigung", "wahlschein", "wahlschein")
    cart = view_cart(session, actor=anna)
    assert [line.product.id for line in cart.lines] == ["meldebescheinigung", "wahlschein"]
    assert cart.total.setup_cents == 200050 and cart.orderable
    assert cart_size(session, actor=anna) == 2
    remove_from_cart(session, actor=anna, product_id="wahlschein")
    assert cart_size(session, actor=anna) == 1


def test_planned_retired_and_unknown_products_are_refused_with_a_reason(session, contract, anna):
    with pytest.raises(DomainError, match="geplant"):
        add_to_cart(session, actor=anna, product_id="anmeldung-eheschliessung")
    with pytest.raises(NotFound):
        add_to_cart(session, actor=anna, product_id="gibt-es-nicht")
    kisa = actor_of(make_user(session, role=Role.KISA))
    retire_product(session, actor=kisa, product_id="wahlschein", expected_version=1)
    session.commit()
    with pytest.raises(DomainError, match="eingestellt"):
        add_to_cart(session, actor=anna, product_id="wahlschein")


def test_only_active_municipal_users_have_a_cart(session, contract):
    with pytest.raises(PermissionDenied):
        add_to_cart(session, actor=actor_of(make_user(session, role=Role.KISA)), product_id="wahlschein")
    from models import UserStatus

    with pytest.raises(PermissionDenied):
        add_to_cart(session, actor=actor_of(make_user(session, status=UserStatus.PENDING)), product_id="wahlschein")


def test_placing_an_order_snapshots_prices_contract_and_signer(session, contract, anna):
    fill(session, anna, "meldebescheinigung", "wahlschein")
    placed, created = order(session, anna, contract)
    assert created and placed.number.startswith("B-") and placed.contract_version == contract.version
    assert placed.signer_email == anna.email
    lines = session.exec(select(OrderLine).where(OrderLine.order_id == placed.id)).all()
    assert {(line.product_name, line.setup_cents) for line in lines} == {("Meldebescheinigung", 120000), ("Wahlschein", 80050)}
    assert view_cart(session, actor=anna).lines == []
    states = session.exec(select(OrderedProduct.state).where(OrderedProduct.municipality_id == anna.municipality_id)).all()
    assert states == [OrderedProductState.ORDERED] * 2
    # later catalogue edits never change the placed order
    kisa = actor_of(make_user(session, role=Role.KISA))
    changed = product_data("Wahlschein", prices={"setup_cents": 1, "yearly_licence_cents": 1})
    changed["name"] = "Wahlschein NEU"
    save_product(session, actor=kisa, data=changed, expected_version=get_product(session, "wahlschein")[1])
    session.commit()
    lines = session.exec(select(OrderLine).where(OrderLine.order_id == placed.id)).all()
    assert {line.product_name for line in lines} == {"Meldebescheinigung", "Wahlschein"}
    assert "order.placed" in session.exec(select(AuditEvent.action)).all()


def test_a_second_placement_of_the_same_cart_returns_the_same_order(session, contract, anna):
    fill(session, anna, "wahlschein")
    first, created = order(session, anna, contract)
    again, created_again = place_order(session, actor=anna, cart_revision=first.cart_revision,
                                       contract_id=contract.id, authorised=True)
    assert created and not created_again and again.id == first.id
    assert len(session.exec(select(Order)).all()) == 1


def test_concurrent_placements_create_exactly_one_order(engine, session, contract, anna):
    fill(session, anna, "meldebescheinigung", "wahlschein")
    revision = view_cart(session, actor=anna).revision
    session.commit()

    def place(_: int) -> int:
        with session_scope(engine) as s:
            placed, _created = place_order(s, actor=anna, cart_revision=revision, contract_id=contract.id, authorised=True)
            return placed.id

    with ThreadPoolExecutor(6) as pool:
        ids = set(pool.map(place, range(6)))
    session.expire_all()
    assert len(ids) == 1
    assert len(session.exec(select(Order)).all()) == 1
    assert len(session.exec(select(OrderLine)).all()) == 2


def test_ordered_product_cannot_be_ordered_twice(session, contract, anna):
    fill(session, anna, "wahlschein")
    order(session, anna, contract)
    with pytest.raises(DomainError, match="bereits bestellt"):
        add_to_cart(session, actor=anna, product_id="wahlschein")
    other_town = actor_of(make_user(session))
    add_to_cart(session, actor=other_town, product_id="wahlschein")  # another municipality may


def test_bad_checkouts_are_refused_and_store_nothing(session, contract, anna):
    with pytest.raises(OrderRefused, match="leer"):
        order(session, anna, contract)
    fill(session, anna, "wahlschein")
    with pytest.raises(FieldErrors):
        place_order(session, actor=anna, cart_revision=1, contract_id=contract.id, authorised=False)
    kisa = actor_of(make_user(session, role=Role.KISA))
    publish_contract(session, actor=kisa, version="2026-1", title="Neuer Mustervertrag",
                     body="Neue Fassung des Mustervertrags. " * 5, valid_from=date(2026, 1, 1))
    session.commit()
    with pytest.raises(OrderRefused, match="Mustervertrag wurde inzwischen geändert"):
        order(session, anna, contract)
    session.rollback()
    assert session.exec(select(Order)).all() == []


def test_funding_programme_applies_by_order_date(session, contract):
    on = programme_on(session, date(2023, 5, 1))
    assert on is not None and on.setup_percent == 100
    assert programme_on(session, date(2025, 1, 1)) is None
    assert apply(120000, 48000, on).due_setup_cents == 0
    session.add(FundingProgramme(name="Halbe Förderung (Beispiel)", setup_percent=50, licence_percent=0,
                                 valid_from=date(2025, 1, 1)))
    session.commit()
    half = programme_on(session, date(2026, 6, 1))
    funded = apply(80050, 12000, half)
    assert (funded.due_setup_cents, funded.due_yearly_cents) == (40025, 12000)


def test_cancel_per_product_until_kisa_starts_the_setup(session, contract, anna):
    fill(session, anna, "meldebescheinigung", "wahlschein")
    placed, _ = order(session, anna, contract)
    view = get_order(session, actor=anna, order_id=placed.id)
    first, second = view.lines
    cancel_line(session, actor=anna, order_id=placed.id, line_id=first.line.id)
    session.commit()
    ordered = session.get(OrderedProduct, second.line.ordered_product_id)
    ordered.state = OrderedProductState.SETUP
    session.add(ordered)
    session.commit()
    with pytest.raises(DomainError, match="Einrichtung begonnen"):
        cancel_line(session, actor=anna, order_id=placed.id, line_id=second.line.id)
    states = [lv.state for lv in get_order(session, actor=anna, order_id=placed.id).lines]
    assert states == [OrderedProductState.CANCELLED, OrderedProductState.SETUP]
    add_to_cart(session, actor=anna, product_id=first.line.product_id)  # cancelled: may be ordered again
    assert "order.line_cancelled" in session.exec(select(AuditEvent.action)).all()
    cancelled = session.exec(select(OutboxMail).where(OutboxMail.event == "lifecycle.cancelled")).all()
    assert [m.to_address for m in cancelled] == [anna.email]  # not submitted yet: KISA is not bothered
    assert view.order.number in cancelled[0].text_body


@pytest.mark.parametrize(("state", "kisa_told"), [(OrderedProductState.QUESTIONNAIRE, False),
                                                  (OrderedProductState.SUBMITTED, True), (OrderedProductState.QUERY, True)])
def test_cancelling_tells_kisa_too_once_it_had_the_configuration(session, contract, anna, state, kisa_told):
    fill(session, anna, "wahlschein")
    placed, _ = order(session, anna, contract)
    line = get_order(session, actor=anna, order_id=placed.id).lines[0].line
    ordered = session.get(OrderedProduct, line.ordered_product_id)
    ordered.state = state
    session.add(ordered)
    session.commit()
    cancel_line(session, actor=anna, order_id=placed.id, line_id=line.id)
    session.commit()
    assert session.get(OrderedProduct, line.ordered_product_id).state == OrderedProductState.CANCELLED
    cancelled = session.exec(select(OutboxMail).where(OutboxMail.event == "lifecycle.cancelled")).all()
    expected = [anna.email, "antragsmanagement@kisa.example"] if kisa_told else [anna.email]
    assert sorted(m.to_address for m in cancelled) == sorted(expected)


def test_orders_of_other_municipalities_do_not_exist(session, contract, anna):
    fill(session, anna, "wahlschein")
    placed, _ = order(session, anna, contract)
    other = actor_of(make_user(session))
    assert list_orders(session, actor=other) == []
    with pytest.raises(NotFound):
        get_order(session, actor=other, order_id=placed.id)
    kisa = actor_of(make_user(session, role=Role.KISA))
    assert [v.order.id for v in list_orders(session, actor=kisa)] == [placed.id]


def test_order_numbers_carry_the_year(session, contract, anna):
    clock.reset()
    fill(session, anna, "wahlschein")
    placed, _ = order(session, anna, contract)
    assert placed.number == f"B-{placed.placed_at:%Y}-{placed.id:05d}"


def test_funding_programme_is_validated_and_audit_logged(session):
    kisa = actor_of(make_user(session, role=Role.KISA))
    from orders.funding import add_programme

    with pytest.raises(FieldErrors) as caught:
        add_programme(session, actor=kisa, name="X", setup_percent=120, licence_percent=-1,
                      valid_from=date(2027, 1, 1), valid_to=date(2026, 1, 1))
    assert set(caught.value.errors) == {"name", "setup_percent", "licence_percent", "valid_to"}
    add_programme(session, actor=kisa, name="Förderung 2027 (Beispiel)", setup_percent=50, licence_percent=0,
                  valid_from=date(2027, 1, 1), valid_to=None)
    session.commit()
    assert programme_on(session, date(2030, 1, 1)).name == "Förderung 2027 (Beispiel)"
    assert "funding.added" in session.exec(select(AuditEvent.action)).all()
    with pytest.raises(PermissionDenied):
        add_programme(session, actor=actor_of(make_user(session)), name="Eigene Förderung", setup_percent=100,
                      licence_percent=100, valid_from=date(2027, 1, 1), valid_to=None)


def test_order_confirmation_mail_is_written_with_the_order(session, contract, anna):
    from models import OutboxMail

    fill(session, anna, "meldebescheinigung", "wahlschein")
    placed, _ = order(session, anna, contract)
    mails = session.exec(select(OutboxMail).where(OutboxMail.event == "order.confirmed")).all()
    assert len(mails) == 1 and mails[0].to_address == anna.email
    assert placed.number in mails[0].subject + mails[0].text_body
    assert "Meldebescheinigung" in mails[0].text_body and "Wahlschein" in mails[0].html_body
    assert "1.200,00" in mails[0].text_body and "fragebogen?nr=" in mails[0].text_body
    place_order(session, actor=anna, cart_revision=placed.cart_revision, contract_id=contract.id, authorised=True)
    session.commit()
    assert len(session.exec(select(OutboxMail)).all()) == 1  # the repeated placement sends nothing


def test_contract_pdf_of_an_order_prints_its_snapshot_and_is_reproducible(session, contract, anna):
    import io

    from pypdf import PdfReader

    from documents.contract import render_contract
    from orders.contract_document import contract_data

    fill(session, anna, "meldebescheinigung", "wahlschein")
    placed, _ = order(session, anna, contract)
    data = contract_data(session, actor=anna, order_id=placed.id)
    pdf = render_contract(data)
    assert pdf == render_contract(contract_data(session, actor=anna, order_id=placed.id))
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert placed.number in text and "Meldebescheinigung" in text and "Wahlschein" in text
    assert "1.200,00 €" in text and contract.version in text
    with pytest.raises(NotFound):
        contract_data(session, actor=actor_of(make_user(session)), order_id=placed.id)


def test_colleagues_ordering_the_same_product_at_once_order_it_once(engine, session, contract):
    from models import Municipality

    town = session.get(Municipality, make_user(session).municipality_id)
    colleagues = [actor_of(make_user(session, municipality=town)) for _ in range(5)]
    for colleague in colleagues:
        fill(session, colleague, "meldebescheinigung")

    def place(actor) -> str:
        try:
            with session_scope(engine) as s:
                revision = view_cart(s, actor=actor).revision
                place_order(s, actor=actor, cart_revision=revision, contract_id=contract.id, authorised=True)
        except DomainError as exc:
            return str(exc)
        return "ok"

    with ThreadPoolExecutor(5) as pool:
        results = list(pool.map(place, colleagues))
    assert results.count("ok") == 1, results
    assert all("bereits bestellt" in r for r in results if r != "ok")
    session.expire_all()
    assert len(session.exec(select(OrderedProduct).where(OrderedProduct.municipality_id == town.id)).all()) == 1


def test_a_cart_changed_after_it_was_shown_is_not_ordered(session, contract, anna):
    fill(session, anna, "meldebescheinigung")
    shown = view_cart(session, actor=anna).revision
    fill(session, anna, "wahlschein")  # e.g. in a second tab
    with pytest.raises(OrderRefused, match="Warenkorb hat sich inzwischen geändert"):
        place_order(session, actor=anna, cart_revision=shown, contract_id=contract.id, authorised=True)


def test_a_user_disabled_after_the_page_was_shown_cannot_order(session, contract, anna):
    from models import User, UserStatus

    fill(session, anna, "wahlschein")
    revision = view_cart(session, actor=anna).revision
    user = session.get(User, anna.user_id)
    user.status = UserStatus.DISABLED
    session.add(user)
    session.commit()
    with pytest.raises(PermissionDenied):
        place_order(session, actor=anna, cart_revision=revision, contract_id=contract.id, authorised=True)
    session.rollback()
    assert session.exec(select(Order)).all() == []


def test_cancelling_twice_says_it_is_already_cancelled(session, contract, anna):
    fill(session, anna, "wahlschein")
    placed, _ = order(session, anna, contract)
    line = get_order(session, actor=anna, order_id=placed.id).lines[0].line
    cancel_line(session, actor=anna, order_id=placed.id, line_id=line.id)
    session.commit()
    with pytest.raises(DomainError, match="bereits storniert"):
        cancel_line(session, actor=anna, order_id=placed.id, line_id=line.id)


def test_funding_and_contract_use_the_german_date(session, contract, anna):
    from datetime import UTC, datetime

    from core.clock import today_local

    clock.reset()
    now = datetime.now(UTC)
    until_midnight_berlin = (datetime(now.year + 1, 1, 1, tzinfo=UTC) - now).total_seconds() - 30 * 60  # 23:30 UTC 31.12.
    clock.advance(until_midnight_berlin)
    assert today_local() == date(now.year + 1, 1, 1)  # 00:30 in Germany is already the new year


def test_two_tabs_opening_the_cart_for_the_first_time_share_one_cart(engine, session, contract, anna):
    from models import Cart

    def open_cart(_: int) -> int:
        with session_scope(engine) as s:
            return view_cart(s, actor=anna).cart_id

    with ThreadPoolExecutor(4) as pool:
        ids = set(pool.map(open_cart, range(4)))
    session.expire_all()
    assert len(ids) == 1 and len(session.exec(select(Cart)).all()) == 1


def test_orders_come_in_pages_newest_first_and_can_be_searched(session, contract, anna):
    numbers = []
    for product_id in ("meldebescheinigung", "wahlschein", "meldebescheinigung"):
        fill(session, anna, product_id)
        placed, _ = order(session, anna, contract)
        numbers.append(placed.number)
        if product_id == "meldebescheinigung":  # cancelled, so it may be ordered again
            cancel_line(session, actor=anna, order_id=placed.id, line_id=get_order(
                session, actor=anna, order_id=placed.id).lines[0].line.id)
            session.commit()
        clock.advance(60)
    first = order_page(session, actor=anna, number=1, size=2)
    second = order_page(session, actor=anna, number=2, size=2)
    assert [v.order.number for v in first.items] == numbers[:0:-1]  # the two newest
    assert [v.order.number for v in second.items] == numbers[:1]  # page 2: the next (oldest) one
    assert (first.total, first.pages, second.label) == (3, 2, "Seite 2 von 2 (Einträge 3–3 von 3)")
    assert [line.line.product_name for line in second.items[0].lines] == ["Meldebescheinigung"]
    assert order_page(session, actor=anna, number=9, size=2).number == 2  # past the end: the last page
    found = order_page(session, actor=anna, search="wahl")
    assert [v.order.number for v in found.items] == [numbers[1]] and found.total == 1
    assert order_page(session, actor=anna, search=numbers[0].lower()).total == 1
    assert order_page(session, actor=anna, search="%").total == 0  # wildcards are searched literally
    assert order_page(session, actor=actor_of(make_user(session)), number=1).total == 0  # another municipality
