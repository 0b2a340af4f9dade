"""Registration → approval → login, rejection, bad input: the first step of the journey."""

import pytest
from sqlmodel import select

from accounts import approval
from accounts.authentication import LOGIN_FAILED, authenticate
from accounts.registration import RegistrationInput, check_registration, register
from core.errors import FieldErrors, NotFound, PermissionDenied
from models import AuditEvent, Municipality, MunicipalityStatus, RegistrationDecision, Role, User, UserStatus
from tests.builders import actor_of, make_user

GOOD = dict(
    full_name="Erika Mustermann",
    email="Erika.Mustermann@Grossenhain.example",
    phone="03522 123456",
    ags="14627060",
    position="OZG-Koordinator:in",
    authorised=True,
    ars="146270060060",
    leitweg_id="",
    street="Hauptmarkt 1",
    postal_code="01558",
    city="Großenhain",
    password="Elbflorenz-Brücke-1745",
    password_repeat="Elbflorenz-Brücke-1745",
)


def form(**changes):
    return RegistrationInput(**{**GOOD, **changes})


def test_registration_creates_pending_user_and_municipality(session):
    user = register(session, form())
    session.commit()
    assert user.status == UserStatus.PENDING and user.role == Role.KOMMUNE
    assert user.email == "erika.mustermann@grossenhain.example"
    assert user.phone == "+493522123456"
    assert user.can_manage_team and user.authorised_confirmed_at is not None
    municipality = session.get(Municipality, user.municipality_id)
    assert municipality.name.startswith("Großenhain") and municipality.status == MunicipalityStatus.PENDING
    assert municipality.ars == "146270060060"
    actions = session.exec(select(AuditEvent.action)).all()
    assert "registration.submitted" in actions


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"email": "erika@"}, "email", "gültige E-Mail"),
        ({"email": ""}, "email", "E-Mail-Adresse an"),
        ({"ags": "99999999"}, "ags", "Liste der sächsischen Gemeinden"),
        ({"ags": ""}, "ags", "Liste der sächsischen Gemeinden"),
        ({"password": "kurz", "password_repeat": "kurz"}, "password", "mindestens 12"),
        ({"password_repeat": "etwas-anderes-123"}, "password_repeat", "stimmen nicht überein"),
        ({"authorised": False}, "authorised", "bestätigen"),
        ({"full_name": "  "}, "full_name", "Vor- und Nachnamen"),
        ({"phone": "12"}, "phone", "gültige Telefonnummer"),
        ({"position": "Hausmeister"}, "position", "Funktion"),
        ({"ars": "146270000"}, "ars", "12 Ziffern"),
        ({"leitweg_id": "14627060-99"}, "leitweg_id", "Prüfziffer"),
        ({"postal_code": "1558"}, "postal_code", "fünf Ziffern"),
        ({"street": ""}, "street", "Straße"),
        ({"city": " "}, "city", "Ort"),
    ],
)
def test_bad_input_gets_a_german_message_at_the_field_and_stores_nothing(session, changes, field, words):
    with pytest.raises(FieldErrors) as caught:
        register(session, form(**changes))
    session.rollback()
    assert words in caught.value.errors[field]
    assert session.exec(select(User)).all() == []
    assert session.exec(select(Municipality)).all() == []


def test_second_registration_for_the_same_municipality_is_refused(session):
    register(session, form())
    session.commit()
    errors = check_registration(session, form(email="kollege@grossenhain.example"))
    assert "bereits registriert" in errors["ags"]
    assert "bereits ein Konto" in check_registration(session, form())["email"]


def test_registration_after_a_rejection_is_possible_again(session):
    staff = make_user(session, role=Role.KISA)
    first = register(session, form())
    session.commit()
    approval.reject(session, actor=actor_of(staff), user_id=first.id, reason="Keine Berechtigung nachgewiesen.")
    session.commit()
    assert check_registration(session, form(email="amtsleitung@grossenhain.example")) == {}


def test_register_approve_login(session):
    staff = make_user(session, role=Role.KISA)
    user = register(session, form())
    session.commit()
    pending = approval.pending_page(session, actor=actor_of(staff), number=1, size=10).items
    assert [p.email for p in pending] == ["erika.mustermann@grossenhain.example"]

    outcome = authenticate(session, email=GOOD["email"], password=GOOD["password"])
    assert outcome.actor is not None and outcome.actor.status == UserStatus.PENDING  # may only see that it waits

    approval.approve(session, actor=actor_of(staff), user_id=user.id)
    session.commit()
    outcome = authenticate(session, email=GOOD["email"], password=GOOD["password"])
    assert outcome.actor.is_active and outcome.actor.municipality_id == user.municipality_id
    assert session.get(Municipality, user.municipality_id).status == MunicipalityStatus.ACTIVE
    decision = session.exec(select(RegistrationDecision)).one()
    assert decision.approved and decision.decided_by_id == staff.id
    assert approval.pending_page(session, actor=actor_of(staff), number=1, size=10).total == 0
    assert {"registration.approved", "login.success"} <= set(session.exec(select(AuditEvent.action)).all())


def test_rejection_needs_a_reason_and_is_recorded(session):
    staff = make_user(session, role=Role.KISA)
    user = register(session, form())
    session.commit()
    with pytest.raises(FieldErrors) as caught:
        approval.reject(session, actor=actor_of(staff), user_id=user.id, reason="nein")
    assert "begründen" in caught.value.errors["reason"]
    approval.reject(session, actor=actor_of(staff), user_id=user.id, reason="Kommune bereits über Verwaltungsverband angebunden.")
    session.commit()
    assert session.get(User, user.id).status == UserStatus.REJECTED
    last = approval.latest_decision(session, user_id=user.id)
    assert not last.approved and "Verwaltungsverband" in last.reason
    with pytest.raises(NotFound):
        approval.approve(session, actor=actor_of(staff), user_id=user.id)


def test_only_active_staff_may_decide(session):
    user = register(session, form())
    session.commit()
    coordinator = make_user(session, role=Role.KOMMUNE)
    pending_staff = make_user(session, role=Role.KISA, status=UserStatus.PENDING)
    for actor in (actor_of(coordinator), actor_of(pending_staff)):
        with pytest.raises(PermissionDenied):
            approval.approve(session, actor=actor, user_id=user.id)
        with pytest.raises(PermissionDenied):
            approval.pending_page(session, actor=actor, number=1, size=10)


def test_wrong_password_gives_the_same_message_as_an_unknown_address(session):
    register(session, form())
    session.commit()
    wrong = authenticate(session, email=GOOD["email"], password="Falsches-Passwort-123")
    unknown = authenticate(session, email="niemand@nirgendwo.example", password="Falsches-Passwort-123")
    assert wrong.actor is None and unknown.actor is None
    assert wrong.message == unknown.message == LOGIN_FAILED


def test_decisions_are_mailed_to_the_applicant(session):
    from models import OutboxMail

    staff = make_user(session, role=Role.KISA)
    approved = register(session, form())
    other = register(session, form(email="b@meissen.example", ags="14627170", ars="146270170170"))
    session.commit()
    approval.approve(session, actor=actor_of(staff), user_id=approved.id)
    approval.reject(session, actor=actor_of(staff), user_id=other.id, reason="Zuständigkeit liegt beim Landkreis.")
    session.commit()
    mails = {m.event: m for m in session.exec(select(OutboxMail)).all()}
    assert mails["registration.approved"].to_address == approved.email
    assert "Zuständigkeit liegt beim Landkreis." in mails["registration.rejected"].text_body


def test_pending_registrations_come_a_page_at_a_time_oldest_first(session):
    staff = actor_of(make_user(session, role=Role.KISA))
    waiting = [make_user(session, status=UserStatus.PENDING) for _ in range(5)]
    make_user(session)  # active: not waiting
    page = approval.pending_page(session, actor=staff, number=2, size=2)
    assert (page.total, page.number, page.pages) == (5, 2, 3)
    assert [p.user_id for p in page.items] == [waiting[2].id, waiting[3].id]
    last = approval.pending_page(session, actor=staff, number=9, size=2)  # a page that no longer exists: the last
    assert last.number == 3 and [p.user_id for p in last.items] == [waiting[4].id]
    assert last.items[0].municipality_name and last.items[0].ags and last.items[0].position == "OZG-Koordinator:in"
