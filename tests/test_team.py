"""Colleagues are added by the registering person, without a new approval."""

import pytest

from accounts import team
from accounts.authentication import authenticate
from core import clock
from core.errors import FieldErrors, NotFound, PermissionDenied
from models import User, UserStatus
from tests.builders import actor_of, make_user

NEW_PASSWORD = "Elbsandstein-Wanderweg-88"


def invite(session, coordinator, **changes):
    data = dict(full_name="Tom Technik", email="tom.technik@stadt.example", phone="0351 7654321",
                position="IT-Verantwortliche:r")
    data.update(changes)
    invitation = team.invite_colleague(session, actor=actor_of(coordinator), **data)
    session.commit()
    return invitation


def test_invited_colleague_sets_a_password_and_can_work_at_once(session):
    coordinator = make_user(session, can_manage_team=True)
    invitation = invite(session, coordinator)
    colleague = session.get(User, invitation.user_id)
    assert colleague.status == UserStatus.INVITED and colleague.municipality_id == coordinator.municipality_id
    peek = team.peek_invitation(session, token=invitation.token)
    assert peek.email == "tom.technik@stadt.example"
    team.accept_invitation(session, token=invitation.token, password=NEW_PASSWORD, password_repeat=NEW_PASSWORD)
    session.commit()
    outcome = authenticate(session, email="tom.technik@stadt.example", password=NEW_PASSWORD)
    assert outcome.actor.is_active and outcome.actor.municipality_id == coordinator.municipality_id
    with pytest.raises(NotFound):  # the link works once
        team.peek_invitation(session, token=invitation.token)


def test_only_the_registering_person_may_invite(session):
    colleague = make_user(session, can_manage_team=False)
    with pytest.raises(PermissionDenied):
        invite(session, colleague)


def test_invitation_with_bad_input_stores_nothing(session):
    coordinator = make_user(session, can_manage_team=True)
    with pytest.raises(FieldErrors) as caught:
        invite(session, coordinator, email="kaputt", position="König")
    session.rollback()
    assert set(caught.value.errors) == {"email", "position"}
    assert len(team.list_team(session, actor=actor_of(coordinator))) == 1
    with pytest.raises(FieldErrors) as caught:
        invite(session, coordinator, email=coordinator.email)
    assert "bereits ein Konto" in caught.value.errors["email"]


def test_invitation_expires(session):
    coordinator = make_user(session, can_manage_team=True)
    invitation = invite(session, coordinator)
    clock.advance(8 * 24 * 3600)
    with pytest.raises(NotFound):
        team.accept_invitation(session, token=invitation.token, password=NEW_PASSWORD, password_repeat=NEW_PASSWORD)


def test_weak_password_on_acceptance_is_refused(session):
    coordinator = make_user(session, can_manage_team=True)
    invitation = invite(session, coordinator)
    with pytest.raises(FieldErrors) as caught:
        team.accept_invitation(session, token=invitation.token, password="passwort1234", password_repeat="passwort1234")
    assert "leicht zu erraten" in caught.value.errors["password"]
    session.rollback()
    assert session.get(User, invitation.user_id).status == UserStatus.INVITED


def test_invitation_mail_carries_the_link(session):
    from sqlmodel import select

    from models import OutboxMail

    coordinator = make_user(session, can_manage_team=True)
    invitation = invite(session, coordinator)
    mail = session.exec(select(OutboxMail).where(OutboxMail.event == "team.invited")).one()
    assert mail.to_address == "tom.technik@stadt.example"
    assert f"einladung?token={invitation.token}" in mail.text_body
