"""Coming back from a confirmation at the identity provider: the page and the typed values are kept on the server,
returned once, only to the same person's live session, cleaned, and not after half an hour."""

from __future__ import annotations

from accounts import sso_return, web_sessions
from accounts.sso_return import MAX_FIELDS, MAX_TEXT, ReturnTicket, leave, take
from core import clock
from models import WebSession
from tests.builders import actor_of, make_user

NOTES = "Neue Gebührensätze\nab 01.01. – „Satzung“"


def _session_of(session, user):
    started = web_sessions.start(session, actor=actor_of(user))
    session.flush()
    return started.web_session_id


def test_the_page_its_parameters_and_the_typed_text_come_back_once(session):
    user = make_user(session)
    sid = _session_of(session, user)
    ticket = ReturnTicket(page="pages/releases.py", params={"nr": "12"},
                          fields={"rel_notes": NOTES, "rel_review": True})
    assert leave(session, web_session_id=sid, ticket=ticket) is True
    assert take(session, web_session_id=sid, user_id=user.id) == ticket
    assert take(session, web_session_id=sid, user_id=user.id) is None  # once
    assert session.get(WebSession, sid).return_ticket is None


def test_another_person_gets_nothing_and_the_ticket_stays_for_its_owner(session):
    anna, berta = make_user(session), make_user(session, email="berta@musterstadt.example")
    sid = _session_of(session, anna)
    leave(session, web_session_id=sid, ticket=ReturnTicket(page="pages/cart.py", fields={"cart_authorised": True}))
    assert take(session, web_session_id=sid, user_id=berta.id) is None
    assert take(session, web_session_id=sid, user_id=anna.id) == ReturnTicket(
        page="pages/cart.py", fields={"cart_authorised": True})


def test_after_half_an_hour_nothing_comes_back(session):
    user = make_user(session)
    sid = _session_of(session, user)
    leave(session, web_session_id=sid, ticket=ReturnTicket(page="pages/cart.py", fields={"cart_authorised": True}))
    clock.advance((sso_return.TICKET_MINUTES + 1) * 60)
    assert take(session, web_session_id=sid, user_id=user.id) is None


def test_logging_out_and_an_ended_session_keep_nothing(session):
    user = make_user(session)
    sid = _session_of(session, user)
    leave(session, web_session_id=sid, ticket=ReturnTicket(page="pages/cart.py", fields={"x": "Entwurf"}))
    web_sessions.end(session, web_session_id=sid)
    assert session.get(WebSession, sid).return_ticket is None
    assert leave(session, web_session_id=sid, ticket=ReturnTicket(page="pages/cart.py")) is False
    assert session.get(WebSession, sid).return_ticket is None


def test_only_a_page_of_ours_short_parameters_and_text_or_ticks_are_kept(session):
    user = make_user(session)
    sid = _session_of(session, user)
    assert leave(session, web_session_id=sid, ticket=ReturnTicket(page="https://evil.example/x")) is False
    assert leave(session, web_session_id=sid, ticket=ReturnTicket(page="../app.py")) is False
    fields = {f"k{i}": "x" for i in range(MAX_FIELDS + 5)}
    fields.update({"k0": "a\x00b\u202e" + "y" * (MAX_TEXT + 50), "bad key": "z", "k1": 3})  # type: ignore[dict-item]
    leave(session, web_session_id=sid, ticket=ReturnTicket(page="pages/acceptance.py",
                                                            params={"nr": "7" * 500, "a b": "c"}, fields=fields))
    kept = take(session, web_session_id=sid, user_id=user.id)
    assert kept is not None and kept.page == "pages/acceptance.py"
    assert kept.params == {"nr": "7" * sso_return.MAX_PARAM}
    assert kept.fields["k0"] == "ab" + "y" * (MAX_TEXT - 2)  # control and direction characters dropped, capped
    assert "bad key" not in kept.fields and "k1" not in kept.fields  # odd keys and non-text values dropped
    assert len(kept.fields) <= MAX_FIELDS
