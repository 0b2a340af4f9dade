"""AppTest: what a person sees when a colleague acted meanwhile, or when the database stayed locked too long."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from backoffice.review import ask_back, take_over
from core.config import get_settings
from core.db import reset_engine_cache
from models import OrderedProduct, OrderedProductState, SetupTask
from tests.apptest_helpers import all_text, app_like_server, click, load, open_page, run, texts
from tests.backoffice_world import resubmit
from tests.kisa_pages import submit_product, users
from tests.questionnaire_world import make_world

__all__ = ["app_like_server"]  # autouse fixture

MB = "meldebescheinigung"
BUSY = ("Die Datenbank ist gerade mit einer anderen Änderung beschäftigt. Es wurde nichts gespeichert. "
        "Bitte versuchen Sie es in einem Moment erneut.")
TASK = "Produktspezifische Konfiguration vorgenommen"


def _state(engine, ordered_id: int) -> OrderedProductState:
    [row] = load(engine, OrderedProduct, OrderedProduct.id == ordered_id)
    return row.state


def test_a_configuration_resubmitted_while_the_page_showed_the_first_one_is_not_taken_over(engine, session):
    world = make_world(session)
    questionnaire_id = submit_product(session, world)
    kisa, _coordinator = users(session, world)
    ordered_id = world.ordered[MB].id
    at = open_page(engine, "kisa_case", user=kisa, query={"nr": str(ordered_id)})
    assert "Fassung 1, eingereicht am" in all_text(at)

    ask_back(session, actor=world.admin, questionnaire_id=questionnaire_id, message="Bitte die Gebühr prüfen.")
    session.commit()
    resubmit(session, world.coordinator, questionnaire_id)  # Ada asked back, Riesa answered: Fassung 2
    click(at, "Ja, Konfiguration übernehmen")  # Kira confirms what her page still shows: Fassung 1
    assert any(e.startswith("Inzwischen liegt Fassung 2 vor (eingereicht am ") and "Clara Koordinatorin" in e
               for e in texts(at, "error")), texts(at, "error")
    assert _state(engine, ordered_id) == OrderedProductState.SUBMITTED
    assert "Fassung 2, eingereicht am" in all_text(at)  # the page shows the new one now …
    click(at, "Ja, Konfiguration übernehmen")  # … and Kira takes it over after reading it
    assert _state(engine, ordered_id) == OrderedProductState.SETUP


@pytest.mark.only_backend("sqlite")  # PostgreSQL has no busy timeout: a writer waits for the row lock
def test_a_click_while_another_change_holds_the_database_too_long_gets_a_german_message(
        engine, session, backend, monkeypatch):
    world = make_world(session)
    questionnaire_id = submit_product(session, world)
    take_over(session, actor=world.kisa, questionnaire_id=questionnaire_id)
    session.commit()
    kisa, _coordinator = users(session, world)
    ordered_id = world.ordered[MB].id
    at = open_page(engine, "kisa_case", user=kisa, query={"nr": str(ordered_id)})
    monkeypatch.setenv("OAA_SQLITE_BUSY_TIMEOUT_MS", "300")  # the app waits 0.3 s instead of 15 s
    get_settings.cache_clear()
    reset_engine_cache()

    with Session(engine) as other:  # a long write transaction elsewhere (another process, the CLI …)
        other.get(OrderedProduct, ordered_id, with_for_update=True)
        at.checkbox(key=f"kc_task_{ordered_id}_konfiguration").check().run()
        assert not at.exception
        assert [w.value for w in at.warning] == [BUSY]  # the page could not even be read: the same words
        assert not any("Vorgangsnummer" in e for e in texts(at, "error"))
        other.rollback()

    run(at)  # the lock is gone: the page is back and says the tick was not saved
    assert BUSY in texts(at, "error")
    assert not next(c for c in at.checkbox if c.label == TASK).value
    assert [t.done_at for t in load(engine, SetupTask, SetupTask.task == "konfiguration")] == [None]
    run(at, next(c for c in at.checkbox if c.label == TASK).check())
    assert load(engine, SetupTask, SetupTask.task == "konfiguration")[0].done_by_name == "Kira KISA"
