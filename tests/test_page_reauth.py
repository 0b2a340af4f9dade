"""AppTest: sensitive actions ask for the password again when the login is older than ten minutes — the order in the
cart, the acceptance, confirming live, publishing a release and ending a contract. A wrong password is refused at the
field and counted; what was typed otherwise stays."""

from __future__ import annotations

import pytest

from accounts.reauth import WRONG_PASSWORD
from core import clock
from models import Acceptance, Order, OrderedProduct, OrderedProductState, ReleaseNotice, User
from orders.cart import add_to_cart
from tests.acceptance_world import accepted, all_passed
from tests.apptest_helpers import all_text, app_like_server, click, count, field_message, load, open_page, run
from tests.backoffice_world import MB, put_in_state, submitted
from tests.builders import PASSWORD, actor_of, make_user
from tests.kisa_pages import users
from tests.orders_builders import ready_to_order
from tests.questionnaire_world import make_world, user_row

__all__ = ["app_like_server"]  # autouse fixture

S = OrderedProductState
ELEVEN_MINUTES = 11 * 60
NEEDED = ("Ihre letzte Anmeldung liegt mehr als 10 Minuten zurück. Bitte bestätigen Sie diese Aktion mit Ihrem "
          "Passwort.")
WRONG = "Falsches-Passwort-123"


@pytest.fixture
def world(session):
    from tests.questionnaire_builders import questionnaire_catalog

    questionnaire_catalog(session)
    return make_world(session)


def _keys(at) -> set[str]:
    return {t.key for t in at.text_input}


def _state(engine, ordered_id: int) -> OrderedProductState:
    [row] = load(engine, OrderedProduct, OrderedProduct.id == ordered_id)
    return row.state


def _failed_logins(engine, user_id: int) -> int:
    [row] = load(engine, User, User.id == user_id)
    return row.failed_logins


def test_an_order_is_placed_only_after_the_password_once_the_login_is_older_than_ten_minutes(engine, session):
    ready_to_order(session)
    anna = make_user(session, can_manage_team=True)
    add_to_cart(session, actor=actor_of(anna), product_id="wahlschein")
    session.commit()
    at = open_page(engine, "cart", user=anna)
    assert "cart_password" not in _keys(at)  # just logged in: no question
    clock.advance(ELEVEN_MINUTES)
    run(at, at.checkbox(key="cart_authorised").check())
    assert "cart_password" in _keys(at)
    assert "Zu Ihrer Sicherheit: Ihre letzte Anmeldung liegt mehr als 10 Minuten zurück." in all_text(at)

    run(at, at.button(key="cart_order").click())  # without the password
    assert field_message(at, "cart_password") == NEEDED
    assert count(engine, Order) == 0
    assert at.checkbox(key="cart_authorised").value  # the confirmation stays ticked

    at.text_input(key="cart_password").input(WRONG)
    run(at, at.button(key="cart_order").click())
    assert field_message(at, "cart_password") == WRONG_PASSWORD
    assert count(engine, Order) == 0 and _failed_logins(engine, anna.id) == 1
    assert at.text_input(key="cart_password").value == ""  # a password is never kept
    assert at.checkbox(key="cart_authorised").value

    at.text_input(key="cart_password").input(PASSWORD)
    run(at, at.button(key="cart_order").click())
    assert "ist eingegangen" in all_text(at)
    assert count(engine, Order) == 1 and _failed_logins(engine, anna.id) == 0
    assert "cart_password" not in _keys(at)  # confirmed: the next minutes need no password


def test_the_acceptance_is_given_only_after_the_password_and_the_remarks_stay(engine, session, world):
    ordered = all_passed(session, world)
    coordinator = user_row(session, world.coordinator)
    session.commit()
    at = open_page(engine, "acceptance", user=coordinator, query={"nr": str(ordered.id)})
    password = f"ac_accept_password_{ordered.id}"
    assert password not in _keys(at)
    clock.advance(ELEVEN_MINUTES)
    at.text_area(key=f"ac_remarks_{ordered.id}").input("Danke an KISA.")
    run(at, at.button(key=f"ac_accept_{ordered.id}").click())
    assert field_message(at, password) == NEEDED
    assert _state(engine, ordered.id) == S.TESTING and count(engine, Acceptance) == 0
    assert at.text_area(key=f"ac_remarks_{ordered.id}").value == "Danke an KISA."

    at.text_input(key=password).input(WRONG)
    run(at, at.button(key=f"ac_accept_{ordered.id}").click())
    assert field_message(at, password) == WRONG_PASSWORD
    assert _state(engine, ordered.id) == S.TESTING and _failed_logins(engine, coordinator.id) == 1
    assert at.text_area(key=f"ac_remarks_{ordered.id}").value == "Danke an KISA."

    at.text_input(key=password).input(PASSWORD)
    run(at, at.button(key=f"ac_accept_{ordered.id}").click())
    assert _state(engine, ordered.id) == S.ACCEPTED
    [row] = load(engine, Acceptance)
    assert row.remarks == "Danke an KISA."
    assert "Abnahme erteilt. KISA und Ihre Kommune wurden per E-Mail informiert" in all_text(at)


def test_confirming_live_asks_for_the_password_too(engine, session, world):
    ordered = accepted(session, world)
    coordinator = user_row(session, world.coordinator)
    session.commit()
    at = open_page(engine, "acceptance", user=coordinator, query={"nr": str(ordered.id)})
    clock.advance(ELEVEN_MINUTES)
    at.checkbox(key=f"ac_maintenance_{ordered.id}").check()
    run(at, at.button(key=f"ac_live_{ordered.id}").click())
    assert field_message(at, f"ac_live_password_{ordered.id}") == NEEDED
    assert _state(engine, ordered.id) == S.ACCEPTED
    at.text_input(key=f"ac_live_password_{ordered.id}").input(PASSWORD)
    run(at, at.button(key=f"ac_live_{ordered.id}").click())
    assert _state(engine, ordered.id) == S.LIVE


def test_kisa_ends_a_contract_and_publishes_a_release_only_after_the_password(engine, session, world):
    submitted(session, world)
    put_in_state(session, world.ordered[MB], S.LIVE)
    kisa, _coordinator = users(session, world)
    ordered_id = world.ordered[MB].id
    session.commit()

    at = open_page(engine, "releases", user=kisa)
    clock.advance(ELEVEN_MINUTES)
    run(at, at.selectbox(key="rel_product").select(MB))
    at.text_input(key="rel_version").input("1.3")
    at.text_area(key="rel_notes").input("Neue Gebührensätze.")
    click(at, "Ja, Version veröffentlichen")
    assert field_message(at, "rel_password") == NEEDED
    assert count(engine, ReleaseNotice) == 0 and at.text_input(key="rel_version").value == "1.3"
    at.text_input(key="rel_password").input(PASSWORD)
    click(at, "Ja, Version veröffentlichen")
    assert count(engine, ReleaseNotice) == 2

    at = open_page(engine, "kisa_case", user=kisa, query={"nr": str(ordered_id)})
    clock.advance(ELEVEN_MINUTES)
    run(at)
    at.text_area(key=f"kc_terminate_{ordered_id}").input("Kündigung der Kommune zum 31.12.")
    click(at, "Ja, Vertrag beenden")
    assert field_message(at, f"kc_terminate_password_{ordered_id}") == NEEDED
    assert _state(engine, ordered_id) == S.LIVE
    assert at.text_area(key=f"kc_terminate_{ordered_id}").value == "Kündigung der Kommune zum 31.12."
    at.text_input(key=f"kc_terminate_password_{ordered_id}").input(PASSWORD)
    click(at, "Ja, Vertrag beenden")
    assert _state(engine, ordered_id) == S.TERMINATED


def test_five_wrong_passwords_lock_the_account_and_end_the_login(engine, session):
    ready_to_order(session)
    anna = make_user(session, can_manage_team=True)
    add_to_cart(session, actor=actor_of(anna), product_id="wahlschein")
    session.commit()
    at = open_page(engine, "cart", user=anna)
    clock.advance(ELEVEN_MINUTES)
    run(at, at.checkbox(key="cart_authorised").check())
    for _ in range(5):
        at.text_input(key="cart_password").input(WRONG)
        run(at, at.button(key="cart_order").click())
    assert "auth_actor" not in at.session_state  # logged out
    assert any(t.value.startswith("Das Passwort war mehrmals nicht richtig. Zu Ihrer Sicherheit wurden Sie "
                                  "abgemeldet") for t in at.toast)
    assert count(engine, Order) == 0
    [row] = load(engine, User, User.id == anna.id)
    assert row.locked_until is not None
