"""AppTest: KISA publishes a model contract version and adds a funding programme."""

from datetime import date

import pytest
from sqlmodel import select

from models import FundingProgramme, ModelContract, Role
from orders.defaults import ensure_defaults
from tests.apptest_helpers import all_text, app_like_server, click, open_page  # noqa: F401  (autouse fixture)
from tests.builders import make_user


def test_kisa_publishes_a_new_contract_version(engine, session):
    ensure_defaults(session)
    session.commit()
    at = open_page(engine, "contracts_admin", user=make_user(session, role=Role.KISA))
    assert "Fassung 2022-1" in all_text(at)
    at.text_input(key="con_version").input("2027-1")
    at.text_input(key="con_title").input("Mustervertrag 2027")
    at.text_area(key="con_body").input("Neue Fassung des Mustervertrags mit genug Text für die Prüfung. " * 2)
    at.checkbox(key="con_confirm").check()
    click(at, "Veröffentlichen")
    assert "Fassung 2027-1 ist veröffentlicht." in all_text(at)
    assert {c.version for c in session.exec(select(ModelContract)).all()} == {"2022-1", "2027-1"}


def test_contract_with_a_taken_version_is_refused_at_the_field(engine, session):
    ensure_defaults(session)
    session.commit()
    at = open_page(engine, "contracts_admin", user=make_user(session, role=Role.KISA))
    at.text_input(key="con_version").input("2022-1")
    at.text_input(key="con_title").input("Doppelte Fassung")
    at.text_area(key="con_body").input("x" * 80)
    at.checkbox(key="con_confirm").check()
    click(at, "Veröffentlichen")
    assert "gibt es schon" in all_text(at)
    assert len(session.exec(select(ModelContract)).all()) == 1


def test_funding_programme_with_end_before_start_is_refused(engine, session):
    at = open_page(engine, "contracts_admin", user=make_user(session, role=Role.KISA))
    at.text_input(key="fun_name").input("Förderung 2027 (Beispiel)")
    at.date_input(key="fun_from").set_value(date(2027, 1, 1))
    at.date_input(key="fun_to").set_value(date(2026, 1, 1))
    click(at, "Anlegen")
    assert "nicht vor dem Beginn" in all_text(at)
    assert session.exec(select(FundingProgramme)).all() == []
    session.commit()  # end the read: on SQLite every transaction holds the write lock
    at.date_input(key="fun_to").set_value(date(2027, 12, 31))
    click(at, "Anlegen")
    programmes = session.exec(select(FundingProgramme)).all()
    assert [(p.name, p.valid_to) for p in programmes] == [("Förderung 2027 (Beispiel)", date(2027, 12, 31))]


def test_municipal_users_do_not_get_the_page(engine, session):
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        open_page(engine, "contracts_admin", user=make_user(session))
