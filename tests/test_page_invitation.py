"""AppTest of accepting an invitation: the colleague sets a password and the account is active at once."""

from __future__ import annotations

import pytest

from accounts.authentication import authenticate
from accounts.team import invite_colleague
from core.db import session_scope
from models import User, UserStatus
from tests.apptest_helpers import all_text, app_like_server, click, field_message, load, open_page, run, texts
from tests.builders import actor_of, make_municipality, make_user

__all__ = ["app_like_server"]  # autouse fixture

NEW_PASSWORD = "Kreuzkirche-Glocken-77"


def invite(session, *, municipality_name="Musterstadt"):
    municipality = make_municipality(session, name=municipality_name)
    coordinator = make_user(session, municipality=municipality, can_manage_team=True)
    invitation = invite_colleague(session, actor=actor_of(coordinator), full_name="Tom Technik",
                                  email="tom.technik@stadt.example", position="IT-Verantwortliche:r")
    session.commit()
    return invitation


def set_password(at, password, repeat=None):
    at.text_input(key="inv_password").input(password)
    at.text_input(key="inv_password_repeat").input(password if repeat is None else repeat)
    return click(at, "Konto aktivieren")


def test_link_from_the_invitation_activates_the_account(engine, session):
    invitation = invite(session)
    at = open_page(engine, "invitation", query={"token": invitation.token})
    assert ("Sie wurden als **Tom Technik** (tom.technik@stadt.example) für **Musterstadt** eingeladen. "
            "Legen Sie Ihr Passwort fest.") in texts(at, "markdown")
    set_password(at, NEW_PASSWORD)
    assert texts(at, "success") == [
        "Ihr Konto ist aktiv. Sie können sich jetzt mit Ihrer E-Mail-Adresse und Ihrem Passwort anmelden."
    ]
    assert [p.proto.page for p in at.page_link] == ["anmelden", "frageboegen"]
    [user] = load(engine, User, User.id == invitation.user_id)
    assert user.status == UserStatus.ACTIVE and user.invitation_token_hash is None
    with session_scope() as s:
        assert authenticate(s, email="tom.technik@stadt.example", password=NEW_PASSWORD).actor is not None


def test_weak_or_different_passwords_are_refused_at_the_field(engine, session):
    invitation = invite(session)
    at = open_page(engine, "invitation", query={"token": invitation.token})
    set_password(at, "kurz")
    assert field_message(at, "inv_password") == "Das Passwort muss mindestens 12 Zeichen lang sein."
    set_password(at, "Tom-Technik-Passwort-1")
    assert field_message(at, "inv_password") == "Das Passwort darf weder Ihren Namen noch Ihre E-Mail-Adresse enthalten."
    set_password(at, NEW_PASSWORD, "Kreuzkirche-Glocken-78")
    assert field_message(at, "inv_password") is None
    assert field_message(at, "inv_password_repeat") == "Die beiden Passwörter stimmen nicht überein."
    assert not texts(at, "success")
    [user] = load(engine, User, User.id == invitation.user_id)
    assert user.status == UserStatus.INVITED


def test_unknown_or_used_link_is_explained(engine, session):
    invitation = invite(session)
    at = open_page(engine, "invitation", query={"token": "gibt-es-nicht"})
    assert texts(at, "error") == ["Dieser Einladungslink ist ungültig oder abgelaufen."]
    assert not at.text_input  # no password form for a bad link
    at = open_page(engine, "invitation", query={"token": invitation.token})
    set_password(at, NEW_PASSWORD)
    again = open_page(engine, "invitation", query={"token": invitation.token})
    assert texts(again, "error") == ["Dieser Einladungslink ist ungültig oder abgelaufen."]


@pytest.mark.parametrize("as_link", [False, True], ids=["code", "whole-link"])
def test_without_link_the_code_can_be_pasted(engine, session, as_link):
    invitation = invite(session)
    at = open_page(engine, "invitation")
    assert texts(at, "info") == ["Öffnen Sie den Link aus Ihrer Einladung oder fügen Sie den Code ein."]
    pasted = f" https://oaa.example/einladung?token={invitation.token} " if as_link else invitation.token
    run(at, at.text_input(key="inv_token").input(pasted))
    assert "Tom Technik" in all_text(at)
    set_password(at, NEW_PASSWORD)
    assert "Ihr Konto ist aktiv" in " ".join(texts(at, "success"))
    [user] = load(engine, User, User.id == invitation.user_id)
    assert user.status == UserStatus.ACTIVE
