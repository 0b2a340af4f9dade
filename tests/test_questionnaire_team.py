"""The coordinator asks colleagues to fill steps; invitees work only within their own municipality."""

from __future__ import annotations

import pytest
from sqlmodel import select

from accounts.actor import Actor
from accounts.team import accept_invitation
from core.errors import DomainError, FieldErrors, NotFound, PermissionDenied
from models import AuditEvent, OutboxMail, QuestionnaireAssignment, User, UserStatus
from questionnaire.copying import copy_answers, copy_targets
from questionnaire.drafts import list_questionnaires, open_questionnaire, read_questionnaire, save_step
from questionnaire.submission import list_submissions, submit
from questionnaire.team import invite_to_questionnaires, my_assignments
from tests.questionnaire_world import fill_completely, mails, make_world, opened

PASSWORD = "Elbsandstein-Wanderweg-88"
MB, MA = "meldebescheinigung", "melderegisterauskunft"


@pytest.fixture
def world(session):
    return make_world(session)


@pytest.fixture
def drafts(session, world):
    return {p: opened(session, world.coordinator, world.ordered[p]) for p in (MB, MA)}


def invite(session, actor, questionnaire_ids, email="tom.technik@riesa.example", **changes):
    data = dict(full_name="Tom Technik", position="IT-Verantwortliche:r", steps=["daten", "amt24"],
                note="Bitte bis Freitag.\nDanke!")
    data.update(changes)
    invited = invite_to_questionnaires(session, actor=actor, questionnaire_ids=questionnaire_ids, email=email,
                                       **data)
    session.commit()
    return invited


def nothing_created(session, before_users: int) -> None:
    session.rollback()
    assert len(session.exec(select(User)).all()) == before_users
    assert session.exec(select(QuestionnaireAssignment)).all() == []
    assert mails(session, "questionnaire.assigned") == []


def test_a_new_colleague_gets_an_account_an_assignment_and_one_mail_with_both_links(session, world, drafts):
    invited = invite(session, world.coordinator, [drafts[MB], drafts[MA]])
    assert invited.new_account and invited.invitation_token
    user = session.get(User, invited.user_id)
    assert (user.status, user.municipality_id, user.full_name, user.email) == (
        UserStatus.INVITED, world.town.id, "Tom Technik", "tom.technik@riesa.example")
    assignments = session.exec(select(QuestionnaireAssignment).where(QuestionnaireAssignment.user_id == user.id)).all()
    assert {a.questionnaire_id for a in assignments} == {drafts[MB], drafts[MA]}
    assert all(a.invited_by_id == world.coordinator.user_id and a.note == "Bitte bis Freitag.\nDanke!"
               for a in assignments)

    [mail] = mails(session, "questionnaire.assigned")
    assert mail.to_address == "tom.technik@riesa.example" and mail.municipality_id == world.town.id
    body = mail.text_body
    assert f"einladung?token={invited.invitation_token}" in body
    for product in (MB, MA):
        assert f"fragebogen?nr={world.ordered[product].id}&schritt=daten" in body
    assert "Clara Koordinatorin" in body and "Riesa" in body and "Bitte bis Freitag." in body
    assert "Bereitstellung der Antragsdaten, Amt24-Leistungsseite" in body
    assert f"einladung?token={invited.invitation_token}" in (mail.html_body or "").replace("&amp;", "&")
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "questionnaire.assigned")).one()
    assert event.actor_id == world.coordinator.user_id and event.entity_id == str(user.id)


def test_an_existing_colleague_gets_no_new_account_and_a_mail_without_invitation_link(session, world, drafts):
    users_before = len(session.exec(select(User)).all())
    invited = invite(session, world.coordinator, [drafts[MB]], email="  " + world.colleague.email.upper(),
                     full_name="", position="", steps=["kontakte"])
    assert (invited.user_id, invited.new_account, invited.invitation_token) == (world.colleague.user_id, False, None)
    assert len(session.exec(select(User)).all()) == users_before
    [mail] = mails(session, "questionnaire.assigned")
    assert mail.to_address == world.colleague.email
    assert "einladung" not in mail.text_body and "Melden Sie sich mit Ihrem Konto an" in mail.text_body
    assert f"fragebogen?nr={world.ordered[MB].id}&schritt=kontakte" in mail.text_body


@pytest.mark.parametrize("who", ["other", "kisa", "admin"])
def test_an_address_outside_the_municipality_is_refused_and_nothing_is_created(session, world, drafts, who):
    users_before = len(session.exec(select(User)).all())
    with pytest.raises(FieldErrors) as caught:
        invite(session, world.coordinator, [drafts[MB]], email=getattr(world, who).email)
    assert "außerhalb Ihrer Kommune" in caught.value.errors["email"]
    nothing_created(session, users_before)


@pytest.mark.parametrize(("changes", "field"), [
    ({"email": "kaputt"}, "email"),
    ({"steps": []}, "steps"),
    ({"steps": ["kontakte", "gibt_es_nicht"]}, "steps"),
    ({"note": "x" * 1001}, "note"),
    ({"full_name": "T"}, "full_name"),
    ({"position": "König"}, "position"),
])
def test_invalid_invitations_are_refused_with_field_errors(session, world, drafts, changes, field):
    users_before = len(session.exec(select(User)).all())
    with pytest.raises(FieldErrors) as caught:
        invite(session, world.coordinator, [drafts[MB]], **changes)
    assert field in caught.value.errors
    nothing_created(session, users_before)


def test_an_invitation_needs_a_questionnaire(session, world):
    with pytest.raises(FieldErrors) as caught:
        invite(session, world.coordinator, [])
    assert "questionnaires" in caught.value.errors


def test_only_a_team_manager_may_invite(session, world, drafts):
    users_before = len(session.exec(select(User)).all())
    with pytest.raises(PermissionDenied):
        invite(session, world.colleague, [drafts[MB]])
    with pytest.raises(PermissionDenied):
        invite(session, world.kisa, [drafts[MB]])
    nothing_created(session, users_before)


def test_the_coordinator_cannot_invite_to_another_municipalitys_questionnaire(session, world, drafts):
    foreign = opened(session, world.other, world.other_ordered)
    users_before = len(session.exec(select(User)).all())
    with pytest.raises(NotFound):
        invite(session, world.coordinator, [drafts[MB], foreign])
    nothing_created(session, users_before)


def accepted(session, invited) -> Actor:
    """The invitee sets a password (as the invitation page does) and logs in."""
    user = accept_invitation(session, token=invited.invitation_token, password=PASSWORD, password_repeat=PASSWORD)
    session.commit()
    return Actor.of(user)


def test_the_invitee_sees_their_assignments_and_can_fill_the_steps(session, world, drafts):
    invited = invite(session, world.coordinator, [drafts[MB], drafts[MA]])
    tom_before = Actor.of(session.get(User, invited.user_id))
    with pytest.raises(PermissionDenied):  # no password yet: cannot work
        save_step(session, actor=tom_before, questionnaire_id=drafts[MB], step_key="amt24",
                  raw={"amt24.organisationseinheit": "Meldeamt"}, base_version=1)
    session.rollback()
    tom = accepted(session, invited)
    found = my_assignments(session, actor=tom)
    assert sorted((a.ordered_product_id, a.product_name) for a in found) == sorted(
        [(world.ordered[MB].id, "Meldebescheinigung"), (world.ordered[MA].id, "Melderegisterauskunft")])
    assert all(a.steps == ("daten", "amt24") and a.step_titles == ("Bereitstellung der Antragsdaten",
                                                                   "Amt24-Leistungsseite")
               and a.invited_by == "Clara Koordinatorin" and a.state_open for a in found)
    assert my_assignments(session, actor=world.colleague) == []
    save_step(session, actor=tom, questionnaire_id=drafts[MB], step_key="amt24",
              raw={"amt24.organisationseinheit": "Meldeamt"}, base_version=1)
    session.commit()
    assert read_questionnaire(session, actor=world.coordinator, questionnaire_id=drafts[MB]).updated_by == "Tom Technik"


def test_an_invitee_never_reaches_another_municipalitys_questionnaires(session, world, drafts):
    foreign = opened(session, world.other, world.other_ordered)
    fill_completely(session, world.other, foreign)
    tom = accepted(session, invite(session, world.coordinator, [drafts[MB]]))
    foreign_ordered = world.other_ordered.id

    with pytest.raises(NotFound):
        read_questionnaire(session, actor=tom, questionnaire_id=foreign)
    with pytest.raises(NotFound):
        save_step(session, actor=tom, questionnaire_id=foreign, step_key="amt24",
                  raw={"amt24.organisationseinheit": "Übernommen"}, base_version=1)
    session.rollback()
    with pytest.raises(NotFound):
        open_questionnaire(session, actor=tom, ordered_product_id=foreign_ordered)
    with pytest.raises(NotFound):
        copy_answers(session, actor=tom, questionnaire_id=foreign, step_keys=["kontakte"],
                     target_ordered_ids=[world.ordered[MA].id])
    session.rollback()
    with pytest.raises(NotFound):
        copy_answers(session, actor=tom, questionnaire_id=drafts[MB], step_keys=["kontakte"],
                     target_ordered_ids=[foreign_ordered])
    session.rollback()
    with pytest.raises(NotFound):
        copy_targets(session, actor=tom, questionnaire_id=foreign)
    with pytest.raises(NotFound):
        submit(session, actor=tom, questionnaire_id=foreign, base_version=1)
    session.rollback()
    with pytest.raises(NotFound):
        list_submissions(session, actor=tom, questionnaire_id=foreign)
    with pytest.raises(NotFound):
        invite_to_questionnaires(session, actor=world.coordinator, questionnaire_ids=[foreign],
                                 email=tom.email, steps=["kontakte"])
    session.rollback()

    rows = list_questionnaires(session, actor=tom)
    assert {r.municipality_name for r in rows} == {"Riesa"}
    assert {r.ordered_product_id for r in rows} == {o.id for o in world.ordered.values()}
    assert foreign_ordered not in {t.ordered_product_id for t in copy_targets(session, actor=tom,
                                                                               questionnaire_id=drafts[MB])}
    # Meißen's questionnaire is unchanged and Meißen sees only its own.
    view = read_questionnaire(session, actor=world.other, questionnaire_id=foreign)
    assert "amt24.organisationseinheit" in view.answers and view.answers["amt24.organisationseinheit"] != "Übernommen"
    assert {r.municipality_name for r in list_questionnaires(session, actor=world.other)} == {"Meißen"}
    assert {r.municipality_name for r in list_questionnaires(session, actor=world.kisa)} == {"Riesa", "Meißen"}


def test_an_assignment_is_closed_once_the_questionnaire_is_submitted(session, world, drafts):
    tom = accepted(session, invite(session, world.coordinator, [drafts[MB]]))
    version = fill_completely(session, world.coordinator, drafts[MB])
    submit(session, actor=world.coordinator, questionnaire_id=drafts[MB], base_version=version)
    session.commit()
    [assignment] = my_assignments(session, actor=tom)
    assert not assignment.state_open
    with pytest.raises(DomainError, match="eingereicht"):
        save_step(session, actor=tom, questionnaire_id=drafts[MB], step_key="amt24",
                  raw={"amt24.organisationseinheit": "Meldeamt"}, base_version=version)


def test_staff_have_no_assignments(session, world):
    with pytest.raises(PermissionDenied):
        my_assignments(session, actor=world.kisa)


def test_a_new_colleague_gets_one_mail_and_no_separate_team_invitation(session, world, drafts):
    invite(session, world.coordinator, [drafts[MB]])
    assert [m.event for m in session.exec(select(OutboxMail)).all()] == ["questionnaire.assigned"]


def test_asking_a_colleague_again_before_they_set_a_password_sends_a_fresh_invitation_link(session, world, drafts):
    first = invite(session, world.coordinator, [drafts[MB]])
    again = invite(session, world.coordinator, [drafts[MA]], full_name="", position="", steps=["kontakte"])
    assert again.user_id == first.user_id and not again.new_account
    assert again.invitation_token and again.invitation_token != first.invitation_token
    second_mail = mails(session, "questionnaire.assigned")[-1]
    assert f"einladung?token={again.invitation_token}" in second_mail.text_body
    with pytest.raises(NotFound):  # only the newest link works
        accept_invitation(session, token=first.invitation_token, password=PASSWORD, password_repeat=PASSWORD)
    tom = accepted(session, again)
    assert tom.is_active and len(my_assignments(session, actor=tom)) == 2
