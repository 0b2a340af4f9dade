"""AppTest of KISA's Freischaltungen: pending registrations are approved or rejected with a reason."""

from __future__ import annotations

from models import AuditEvent, Municipality, MunicipalityStatus, RegistrationDecision, Role, User, UserStatus
from tests.apptest_helpers import all_text, app_like_server, count, load, open_page, run, texts
from tests.builders import make_municipality, make_user

__all__ = ["app_like_server"]  # autouse fixture

REASON = "Die Person ist nicht bei der Gemeinde beschäftigt."


def pending(session, name):
    municipality = make_municipality(session, name=name, status=MunicipalityStatus.PENDING)
    return make_user(session, municipality=municipality, status=UserStatus.PENDING), municipality


def kisa_on_page(engine, session):
    return open_page(engine, "approvals", user=make_user(session, role=Role.KISA))


def test_kisa_sees_the_pending_registrations_oldest_first(engine, session):
    first, municipality = pending(session, "Altstadt")
    pending(session, "Neustadt")
    make_user(session)  # active: not listed
    at = kisa_on_page(engine, session)
    assert texts(at, "title") == ["Freischaltungen"]
    assert texts(at, "header") == ["Altstadt", "Neustadt"]
    text = all_text(at)
    assert f"**{first.full_name}** (OZG-Koordinator:in)" in text
    assert f":material/mail: {first.email} · :material/call: +49 351 1234567" in text
    assert f"AGS {municipality.ags} · ARS {municipality.ars} · Landkreis Testkreis" in text
    assert any(c.startswith("Eingang: ") and c.endswith(" Uhr") for c in texts(at, "caption"))


def test_nothing_pending_is_said_so(engine, session):
    at = kisa_on_page(engine, session)
    assert texts(at, "info") == ["Keine offenen Registrierungen. Neue Registrierungen erscheinen hier."]


def test_approve_activates_person_and_municipality(engine, session):
    user, municipality = pending(session, "Altstadt")
    at = kisa_on_page(engine, session)
    run(at, at.button(key=f"appr_ok_{user.id}").click())
    assert texts(at, "success") == ["Altstadt ist freigeschaltet."]
    assert texts(at, "info") == ["Keine offenen Registrierungen. Neue Registrierungen erscheinen hier."]
    assert load(engine, User, User.id == user.id)[0].status == UserStatus.ACTIVE
    assert load(engine, Municipality, Municipality.id == municipality.id)[0].status == MunicipalityStatus.ACTIVE
    [decision] = load(engine, RegistrationDecision)
    assert decision.approved and decision.user_id == user.id
    assert count(engine, AuditEvent, AuditEvent.action == "registration.approved") == 1


def test_reject_needs_a_reason_of_ten_characters(engine, session):
    user, _ = pending(session, "Altstadt")
    at = kisa_on_page(engine, session)
    for reason in ("", "zu kurz"):
        at.text_area(key=f"appr_reason_{user.id}").input(reason)
        run(at, at.button(key=f"appr_no_{user.id}").click())
        assert texts(at, "error") == ["Bitte begründen Sie die Ablehnung (mindestens 10 Zeichen)."]
        assert not texts(at, "success")
    assert load(engine, User, User.id == user.id)[0].status == UserStatus.PENDING
    assert count(engine, RegistrationDecision) == 0
    assert texts(at, "header") == ["Altstadt"]


def test_reject_with_a_reason_stores_it_for_the_applicant(engine, session):
    user, municipality = pending(session, "Altstadt")
    other, _ = pending(session, "Neustadt")
    at = kisa_on_page(engine, session)
    at.text_area(key=f"appr_reason_{user.id}").input(REASON)
    run(at, at.button(key=f"appr_no_{user.id}").click())
    assert texts(at, "success") == ["Registrierung von Altstadt abgelehnt."]
    assert texts(at, "header") == ["Neustadt"]
    assert load(engine, User, User.id == user.id)[0].status == UserStatus.REJECTED
    assert load(engine, Municipality, Municipality.id == municipality.id)[0].status == MunicipalityStatus.REJECTED
    [decision] = load(engine, RegistrationDecision)
    assert (decision.approved, decision.reason, decision.user_id) == (False, REASON, user.id)
    assert load(engine, User, User.id == other.id)[0].status == UserStatus.PENDING


def test_registration_decided_meanwhile_by_a_colleague_is_not_decided_twice(engine, session):
    user, _ = pending(session, "Altstadt")
    at = kisa_on_page(engine, session)
    user.status = UserStatus.ACTIVE  # another KISA colleague was quicker
    session.add(user)
    session.commit()
    run(at, at.button(key=f"appr_ok_{user.id}").click())
    assert texts(at, "info") == ["Keine offenen Registrierungen. Neue Registrierungen erscheinen hier."]
    assert not texts(at, "success")
    assert count(engine, RegistrationDecision) == 0


def test_many_registrations_come_ten_a_page_with_a_choice_of_more(engine, session):
    for n in range(12):
        pending(session, f"Gemeinde {n:02d}")
    at = kisa_on_page(engine, session)
    assert "**12 Registrierungen warten**" in all_text(at)
    assert texts(at, "header") == [f"Gemeinde {n:02d}" for n in range(10)]
    assert "Seite 1 von 2 (Einträge 1–10 von 12)" in all_text(at)
    run(at, at.button(key="appr_page_next").click())
    assert texts(at, "header") == ["Gemeinde 10", "Gemeinde 11"]
    run(at, at.selectbox(key="appr_size").select(25))
    assert len(texts(at, "header")) == 12 and "Seite 1 von" not in all_text(at)
