"""AppTest of the administrators' account page."""

from pathlib import Path

from sqlmodel import select
from streamlit.testing.v1 import AppTest

from models import Role, User, UserStatus
from tests.apptest_helpers import texts
from tests.builders import actor_of, make_user

PAGE = Path(__file__).resolve().parents[1] / "pages" / "accounts_admin.py"


def run_as(user):
    at = AppTest.from_file(str(PAGE), default_timeout=30)
    at.session_state["auth_actor"] = actor_of(user)
    return at.run()


def test_admin_sees_accounts_and_creates_a_kisa_account(session):
    admin = make_user(session, role=Role.ADMIN)
    make_user(session, email="kommune@stadt.example")
    at = run_as(admin)
    assert not at.exception
    table = at.dataframe[0].value
    assert "kommune@stadt.example" in set(table["E-Mail"])
    at.text_input(key="adm_name").input("Karla Kisa")
    at.text_input(key="adm_email").input("karla@kisa.example")
    at.text_input(key="adm_password").input("Leipziger-Allerlei-2026")
    at.button[-1].click().run()  # "Konto anlegen" is the form's submit button
    assert any("Konto für Karla Kisa angelegt" in s.value for s in at.success)
    created = session.exec(select(User).where(User.email == "karla@kisa.example")).one()
    assert created.role == Role.KISA and created.status == UserStatus.ACTIVE


def test_bad_new_account_shows_german_messages_at_the_fields(session):
    at = run_as(make_user(session, role=Role.ADMIN))
    at.text_input(key="adm_email").input("kaputt")
    at.text_input(key="adm_password").input("kurz")
    at.button[-1].click().run()
    messages = texts(at, "error")
    assert any("gültige E-Mail-Adresse" in m for m in messages)
    assert any("mindestens 12" in m for m in messages)
    assert session.exec(select(User).where(User.email == "kaputt")).first() is None


def test_disabling_needs_a_confirmation(session):
    admin = make_user(session, role=Role.ADMIN)
    target = make_user(session, email="ziel@stadt.example")
    at = run_as(admin)
    at.selectbox(key="adm_pick").select(target.id).run()
    toggle = at.button(key="adm_toggle")
    assert toggle.disabled
    at.checkbox(key="adm_confirm").check().run()
    at.button(key="adm_toggle").click().run()
    session.expire_all()
    assert session.get(User, target.id).status == UserStatus.DISABLED
    assert any("ist deaktiviert" in s.value for s in at.success)
