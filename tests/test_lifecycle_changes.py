"""Change requests after go-live, the end of a contract and cancellations: state, history, mails."""

from __future__ import annotations

import pytest

from core.errors import DomainError, FieldErrors, NotFound, PermissionDenied
from lifecycle.changes import request_change, terminate
from models import OrderedProductState
from questionnaire.drafts import read_questionnaire
from tests.backoffice_world import MB, history, put_in_state, submitted
from tests.questionnaire_world import mails, make_world, state_of

S = OrderedProductState


@pytest.fixture
def world(session):
    from tests.questionnaire_builders import questionnaire_catalog

    questionnaire_catalog(session)
    return make_world(session)


def test_a_change_request_reopens_the_questionnaire_of_a_live_product_and_tells_both_sides(session, world):
    questionnaire_id = submitted(session, world)
    live = put_in_state(session, world.ordered[MB], S.LIVE)
    request_change(session, actor=world.colleague, ordered_product_id=live.id, reason="Neue Gebührensatzung 2027")
    session.commit()
    assert state_of(session, live) == S.CHANGE_REQUESTED
    assert read_questionnaire(session, actor=world.colleague, questionnaire_id=questionnaire_id).editable
    assert history(session, live)[-1] == ("live", "change_requested", "Karl Kollege")
    sent = {m.to_address for m in mails(session, "lifecycle.change_requested")}
    assert world.colleague.email in sent and world.coordinator.email in sent
    assert "antragsmanagement@kisa.example" in sent
    assert all("Neue Gebührensatzung 2027" in m.text_body for m in mails(session, "lifecycle.change_requested"))


def test_a_change_request_needs_a_reason_and_a_live_product_and_the_own_municipality(session, world):
    live = put_in_state(session, world.ordered[MB], S.LIVE)
    with pytest.raises(FieldErrors) as problem:
        request_change(session, actor=world.coordinator, ordered_product_id=live.id, reason="  \n ")
    assert "Grund" in problem.value.errors["reason"]
    session.rollback()
    with pytest.raises(NotFound, match="nicht gefunden"):  # another municipality's product does not exist for it
        request_change(session, actor=world.other, ordered_product_id=live.id, reason="fremd")
    session.rollback()
    with pytest.raises(PermissionDenied):
        request_change(session, actor=world.kisa, ordered_product_id=live.id, reason="KISA darf das nicht")
    session.rollback()
    testing = put_in_state(session, world.ordered["melderegisterauskunft"], S.TESTING)
    with pytest.raises(DomainError, match="nicht möglich"):
        request_change(session, actor=world.coordinator, ordered_product_id=testing.id, reason="zu früh")
    session.rollback()
    assert state_of(session, live) == S.LIVE and mails(session, "lifecycle.change_requested") == []


def test_kisa_ends_a_contract_with_a_reason_and_the_municipality_is_told(session, world):
    live = put_in_state(session, world.ordered[MB], S.LIVE)
    with pytest.raises(PermissionDenied):
        terminate(session, actor=world.coordinator, ordered_product_id=live.id, reason="Kündigung")
    session.rollback()
    with pytest.raises(FieldErrors):
        terminate(session, actor=world.kisa, ordered_product_id=live.id, reason="")
    session.rollback()
    terminate(session, actor=world.kisa, ordered_product_id=live.id, reason="Kündigung zum 31.12.")
    session.commit()
    assert state_of(session, live) == S.TERMINATED
    sent = mails(session, "lifecycle.terminated")
    assert [m.to_address for m in sent] == [world.coordinator.email]
    assert "Kündigung zum 31.12." in sent[0].text_body
