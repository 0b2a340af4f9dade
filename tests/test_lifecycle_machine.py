"""The lifecycle table decides every move of an ordered product: allowed pairs, roles, audit events."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from core.errors import DomainError, NotFound, PermissionDenied
from lifecycle.machine import EDITABLE, TRANSITIONS, allowed, transition
from models import AuditEvent, OrderedProduct, OrderedProductState, Role, UserStatus
from tests.builders import actor_of, make_municipality, make_user
from tests.questionnaire_builders import questionnaire_catalog

STATES = list(OrderedProductState)


@pytest.fixture
def people(session):
    questionnaire_catalog(session)
    town = make_municipality(session, name="Riesa")
    return {
        "town": town,
        Role.KOMMUNE: actor_of(make_user(session, municipality=town)),
        Role.KISA: actor_of(make_user(session, role=Role.KISA)),
        Role.ADMIN: actor_of(make_user(session, role=Role.ADMIN)),
    }


def fresh(session, town, state: OrderedProductState) -> OrderedProduct:
    ordered = OrderedProduct(municipality_id=town.id, product_id="meldebescheinigung", state=state)
    session.add(ordered)
    session.flush()
    return ordered


def audit_actions(session, ordered: OrderedProduct) -> list[str]:
    return list(session.exec(
        select(AuditEvent.action).where(AuditEvent.entity_type == "ordered_product",
                                        AuditEvent.entity_id == str(ordered.id)).order_by(col(AuditEvent.id))
    ).all())


def test_the_table_has_each_pair_once_and_no_move_to_the_same_state():
    pairs = [(t.source, t.target) for t in TRANSITIONS]
    assert len(pairs) == len(set(pairs))
    assert all(source != target for source, target in pairs)
    assert all(t.action.startswith("lifecycle.") and t.label and t.roles for t in TRANSITIONS)


def test_the_municipality_may_edit_only_before_submission_and_after_a_query_or_change_request():
    editable = {OrderedProductState.ORDERED, OrderedProductState.QUESTIONNAIRE, OrderedProductState.QUERY,
                OrderedProductState.CHANGE_REQUESTED}
    assert set(EDITABLE) == editable


@pytest.mark.parametrize("source", STATES, ids=[s.value for s in STATES])
def test_every_move_from_a_state_is_allowed_refused_or_needs_the_right_role(session, people, source):
    for target in STATES:
        step = allowed(source, target)
        roles = [Role.KOMMUNE, Role.KISA, Role.ADMIN]
        if step is None:
            for role in roles:  # a forbidden pair is refused for everyone, with the German state names
                ordered = fresh(session, people["town"], source)
                with pytest.raises(DomainError) as caught:
                    transition(session, actor=people[role], ordered=ordered, target=target)
                assert not isinstance(caught.value, PermissionDenied)
                assert "nicht möglich" in str(caught.value)
                assert ordered.state == source and audit_actions(session, ordered) == []
                session.rollback()
            continue
        for role in roles:
            ordered = fresh(session, people["town"], source)
            if role not in step.roles:
                with pytest.raises(PermissionDenied):
                    transition(session, actor=people[role], ordered=ordered, target=target)
                assert ordered.state == source and audit_actions(session, ordered) == []
            else:
                assert transition(session, actor=people[role], ordered=ordered, target=target,
                                  details="Testgrund") == step
                session.flush()
                assert ordered.state == target
                assert audit_actions(session, ordered) == [step.action]
            session.rollback()


def test_a_successful_move_is_saved_with_its_audit_event_and_details(session, people):
    ordered = fresh(session, people["town"], OrderedProductState.SUBMITTED)
    transition(session, actor=people[Role.KISA], ordered=ordered, target=OrderedProductState.QUERY,
               details="Bitte Transferverzeichnis prüfen.")
    session.commit()
    event = session.exec(select(AuditEvent).where(AuditEvent.entity_id == str(ordered.id))).one()
    assert (event.action, event.actor_id, event.municipality_id, event.details) == (
        "lifecycle.query", people[Role.KISA].user_id, people["town"].id, "Bitte Transferverzeichnis prüfen.")
    session.expire_all()
    assert session.get(OrderedProduct, ordered.id).state == OrderedProductState.QUERY


def test_without_details_the_audit_event_carries_the_label(session, people):
    ordered = fresh(session, people["town"], OrderedProductState.ORDERED)
    transition(session, actor=people[Role.KOMMUNE], ordered=ordered, target=OrderedProductState.QUESTIONNAIRE)
    session.flush()
    event = session.exec(select(AuditEvent).where(AuditEvent.entity_id == str(ordered.id))).one()
    assert event.details == "Fragebogen begonnen"


def test_an_inactive_account_may_not_move_anything(session, people):
    disabled = actor_of(make_user(session, role=Role.KISA, status=UserStatus.DISABLED))
    ordered = fresh(session, people["town"], OrderedProductState.SUBMITTED)
    with pytest.raises(PermissionDenied):
        transition(session, actor=disabled, ordered=ordered, target=OrderedProductState.QUERY)


def test_a_municipal_user_may_not_move_another_municipalitys_product_nor_learn_its_state(session, people):
    stranger = actor_of(make_user(session))  # a user of another municipality
    ordered = fresh(session, people["town"], OrderedProductState.ORDERED)
    with pytest.raises(NotFound, match="nicht gefunden"):
        transition(session, actor=stranger, ordered=ordered, target=OrderedProductState.QUESTIONNAIRE)
    with pytest.raises(NotFound, match="nicht gefunden"):  # not "im Stand „bestellt“ nicht möglich"
        transition(session, actor=stranger, ordered=ordered, target=OrderedProductState.LIVE)
    assert ordered.state == OrderedProductState.ORDERED and audit_actions(session, ordered) == []


def test_the_lifecycle_document_lists_every_step_and_every_mail():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "docs" / "lifecycle.md").read_text(encoding="utf-8")
    for step in TRANSITIONS:
        assert f"`{step.action}`" in text, step.action
        for mail in step.mails:
            assert f"`{mail}`" in text, mail



def test_every_mail_a_step_sends_has_templates():
    from notifications.render import EVENTS

    assert {mail for step in TRANSITIONS for mail in step.mails} <= set(EVENTS)
