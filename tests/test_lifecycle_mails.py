"""Each lifecycle step, taken through the real domain function, sends exactly the mails the state machine lists.

One product walks the whole journey (query round, set-up, test, acceptance, live, a change round, the end of the
contract); the contract's end is also taken from every state it is allowed in. Cancellations are walked with real
orders in tests/test_orders.py; this module checks that together they cover every step of the table.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import pytest
from sqlmodel import col, select

from acceptance.launch import confirm_live
from acceptance.record import accept
from backoffice.review import add_comment, ask_back, take_over
from backoffice.setup import checklist, go_live, tick
from lifecycle.changes import request_change, terminate
from lifecycle.machine import TRANSITIONS, allowed
from models import OrderedProductState, OutboxMail
from questionnaire.drafts import read_questionnaire, save_step
from tests.acceptance_world import record_all
from tests.backoffice_world import MB, fresh, put_in_state, resubmit
from tests.questionnaire_builders import questionnaire_catalog
from tests.questionnaire_world import World, fill_completely, make_world, opened

S = OrderedProductState
WALKED_ELSEWHERE = {(s, S.CANCELLED) for s in (S.ORDERED, S.QUESTIONNAIRE, S.SUBMITTED, S.QUERY)}  # test_orders.py


@pytest.fixture
def world(session):
    questionnaire_catalog(session)
    return make_world(session)


def _mails_since(session, last_id: int) -> Counter[str]:
    rows = session.exec(select(OutboxMail.event).where(col(OutboxMail.id) > last_id)).all()
    return Counter(rows)


def _last_mail_id(session) -> int:
    return max(session.exec(select(OutboxMail.id)).all(), default=0) or 0


def _step(session, world: World, action: Callable[[], object], source: S, target: S) -> None:
    """Take one step; check the state moved as the table says and the mails sent are those of the table."""
    ordered = world.ordered[MB]
    assert fresh(session, ordered).state == source
    session.commit()
    before = _last_mail_id(session)
    action()
    session.commit()
    assert fresh(session, ordered).state == target
    transition = allowed(source, target)
    assert transition is not None
    sent = set(_mails_since(session, before))
    assert sent == set(transition.mails), f"{source.value} -> {target.value}: {sorted(sent)}"
    session.commit()
    WALKED.append((source, target))


WALKED: list[tuple[S, S]] = []
# The walk below, in order (checked at its end, so this list cannot claim more than was walked).
JOURNEY = [(S.ORDERED, S.QUESTIONNAIRE), (S.QUESTIONNAIRE, S.SUBMITTED), (S.SUBMITTED, S.QUERY),
           (S.QUERY, S.SUBMITTED), (S.SUBMITTED, S.SETUP), (S.SETUP, S.TESTING), (S.TESTING, S.ACCEPTED),
           (S.ACCEPTED, S.LIVE), (S.LIVE, S.CHANGE_REQUESTED), (S.CHANGE_REQUESTED, S.SUBMITTED),
           (S.SUBMITTED, S.SETUP), (S.SETUP, S.TERMINATED)]
ENDINGS = [S.TESTING, S.ACCEPTED, S.LIVE, S.CHANGE_REQUESTED]


def test_the_whole_journey_sends_the_mails_of_each_step(session, world):
    WALKED.clear()
    ordered_id = world.ordered[MB].id
    coordinator, kisa = world.coordinator, world.kisa
    questionnaire_id = 0

    def begin() -> None:
        nonlocal questionnaire_id
        questionnaire_id = opened(session, coordinator, world.ordered[MB])
        version = read_questionnaire(session, actor=coordinator, questionnaire_id=questionnaire_id).version
        save_step(session, actor=coordinator, questionnaire_id=questionnaire_id, step_key="kontakte",
                  raw={"kontakte.abteilung": "Bürgerbüro"}, base_version=version)

    def submit_all() -> None:
        fill_completely(session, coordinator, questionnaire_id)
        resubmit(session, coordinator, questionnaire_id)

    def query() -> None:
        add_comment(session, actor=kisa, questionnaire_id=questionnaire_id, question_key="kontakte.abteilung",
                    text="Bitte mit Zimmernummer.")
        ask_back(session, actor=kisa, questionnaire_id=questionnaire_id, message="")

    def set_up_and_go_live() -> None:
        for task in checklist(session, actor=kisa, ordered_product_id=ordered_id):
            tick(session, actor=kisa, ordered_product_id=ordered_id, task=task.task, done=True)
        go_live(session, actor=kisa, ordered_product_id=ordered_id)

    def test_and_accept() -> None:
        record_all(session, world.colleague, world.ordered[MB])
        accept(session, actor=coordinator, ordered_product_id=ordered_id)

    _step(session, world, begin, S.ORDERED, S.QUESTIONNAIRE)
    _step(session, world, submit_all, S.QUESTIONNAIRE, S.SUBMITTED)
    _step(session, world, query, S.SUBMITTED, S.QUERY)
    _step(session, world, lambda: resubmit(session, coordinator, questionnaire_id), S.QUERY, S.SUBMITTED)
    _step(session, world, lambda: take_over(session, actor=kisa, questionnaire_id=questionnaire_id),
          S.SUBMITTED, S.SETUP)
    _step(session, world, set_up_and_go_live, S.SETUP, S.TESTING)
    _step(session, world, test_and_accept, S.TESTING, S.ACCEPTED)
    _step(session, world, lambda: confirm_live(session, actor=coordinator, ordered_product_id=ordered_id,
                                               maintenance_off=True), S.ACCEPTED, S.LIVE)
    _step(session, world, lambda: request_change(session, actor=coordinator, ordered_product_id=ordered_id,
                                                 reason="Neue Gebührensatzung"), S.LIVE, S.CHANGE_REQUESTED)
    _step(session, world, lambda: resubmit(session, coordinator, questionnaire_id), S.CHANGE_REQUESTED, S.SUBMITTED)
    _step(session, world, lambda: take_over(session, actor=kisa, questionnaire_id=questionnaire_id),
          S.SUBMITTED, S.SETUP)
    _step(session, world, lambda: terminate(session, actor=kisa, ordered_product_id=ordered_id,
                                            reason="Kündigung"), S.SETUP, S.TERMINATED)
    assert WALKED == JOURNEY


@pytest.mark.parametrize("source", ENDINGS)
def test_ending_the_contract_from_each_later_state_sends_its_mail(session, world, source):
    put_in_state(session, world.ordered[MB], source)
    _step(session, world, lambda: terminate(session, actor=world.kisa, ordered_product_id=world.ordered[MB].id,
                                            reason="Kündigung"), source, S.TERMINATED)


def test_every_step_of_the_table_is_walked_here_or_in_the_order_tests():
    table = {(t.source, t.target) for t in TRANSITIONS}
    walked = set(JOURNEY) | {(source, S.TERMINATED) for source in ENDINGS} | WALKED_ELSEWHERE
    assert table == walked, sorted((s.value, t.value) for s, t in table ^ walked)
