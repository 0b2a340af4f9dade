"""Administrators manage accounts; nobody else may."""

import pytest
from sqlmodel import select

from accounts import administration, web_sessions
from accounts.authentication import authenticate
from core.errors import DomainError, FieldErrors, PermissionDenied
from models import AuditEvent, Role, UserStatus
from tests.builders import PASSWORD, actor_of, make_user


def test_admin_creates_a_kisa_account_that_can_log_in(session):
    admin = actor_of(make_user(session, role=Role.ADMIN))
    administration.create_staff_account(session, actor=admin, email="neu@kisa.example", full_name="Neue Kollegin",
                                        password="Leipziger-Allerlei-2026", role=Role.KISA)
    session.commit()
    assert authenticate(session, email="neu@kisa.example", password="Leipziger-Allerlei-2026").actor.role == Role.KISA
    with pytest.raises(FieldErrors):
        administration.create_staff_account(session, actor=admin, email="neu@kisa.example", full_name="Doppelt Da",
                                            password="Leipziger-Allerlei-2026", role=Role.KISA)


def test_kisa_and_municipal_users_may_not_administer(session):
    for role in (Role.KISA, Role.KOMMUNE):
        actor = actor_of(make_user(session, role=role))
        with pytest.raises(PermissionDenied):
            administration.list_accounts(session, actor=actor)
        with pytest.raises(PermissionDenied):
            administration.set_disabled(session, actor=actor, user_id=actor.user_id, disabled=True)


def test_disabling_ends_sessions_and_blocks_login_until_enabled(session):
    admin = actor_of(make_user(session, role=Role.ADMIN))
    user = make_user(session)
    started = web_sessions.start(session, actor=actor_of(user))
    token, _ = web_sessions.bind_cookie(session, code=started.bind_code)
    session.commit()
    administration.set_disabled(session, actor=admin, user_id=user.id, disabled=True)
    session.commit()
    assert web_sessions.resume(session, token=token) is None
    assert "deaktiviert" in authenticate(session, email=user.email, password=PASSWORD).message
    administration.set_disabled(session, actor=admin, user_id=user.id, disabled=False)
    session.commit()
    assert authenticate(session, email=user.email, password=PASSWORD).actor is not None
    actions = session.exec(select(AuditEvent.action).where(AuditEvent.entity_id == str(user.id))).all()
    assert {"user.disabled", "user.enabled"} <= set(actions)


def test_admin_cannot_lock_themselves_out(session):
    admin = actor_of(make_user(session, role=Role.ADMIN))
    with pytest.raises(DomainError):
        administration.set_disabled(session, actor=admin, user_id=admin.user_id, disabled=True)


def test_account_list_finds_by_name_or_address(session):
    admin = actor_of(make_user(session, role=Role.ADMIN))
    make_user(session, email="gesucht@stadt.example")
    rows = administration.list_accounts(session, actor=admin, text="GESUCHT")
    assert [r.email for r in rows] == ["gesucht@stadt.example"]
    assert rows[0].status == UserStatus.ACTIVE and rows[0].municipality.startswith("Testgemeinde")


def test_accounts_come_in_pages_with_the_search_applied_to_all(session):
    admin = actor_of(make_user(session, role=Role.ADMIN))
    for n in range(5):
        make_user(session, email=f"seite{n}@stadt.example")
    whole = administration.list_accounts(session, actor=admin, text="seite")
    first = administration.account_page(session, actor=admin, text="seite", number=1, size=2)
    third = administration.account_page(session, actor=admin, text="seite", number=3, size=2)
    assert [r.email for r in first.items + administration.account_page(
        session, actor=admin, text="seite", number=2, size=2).items + third.items] == [r.email for r in whole]
    assert (first.total, first.pages, third.label) == (5, 3, "Seite 3 von 3 (Einträge 5–5 von 5)")
    assert administration.account_page(session, actor=admin, text="seite", number=8, size=2).number == 3
