"""AppTest: deep links with another municipality's id (as from a forwarded e-mail or a guessed number).

Meißen's coordinator has a product in test and a problem thread; Riesa's coordinator opens every page with Meißen's
ids in the address. The page says, in German, that the record was not found, and nothing of Meißen (the product,
the town, the thread, its people) appears anywhere on it. KISA opening the same links sees Meißen's data: the check
would notice it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from google.protobuf import text_format
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from backoffice.review import take_over
from backoffice.setup import checklist, go_live, tick
from catalog.store import to_row
from models import OrderedProductState
from support.threads import report_problem
from tests.apptest_helpers import ROOT, _siblings, all_text, app_like_server, log_in_as, new_app, open_page, run
from tests.backoffice_world import put_in_state, resubmit
from tests.catalog_builders import make_product
from tests.questionnaire_builders import order_product, questionnaire_catalog
from tests.questionnaire_world import World, fill_completely, make_world, opened, user_row

__all__ = ["app_like_server"]  # autouse fixture

FOREIGN_PRODUCT = "Geburtsurkunde"  # only Meißen ordered it
FOREIGN_TOWN = "Meißen"
FOREIGN_THREAD = "Absturz beim Absenden des Antrags"
FOREIGN_PERSON = "Otto Anderswo"
FOREIGN = (FOREIGN_PRODUCT, FOREIGN_TOWN, FOREIGN_THREAD, FOREIGN_PERSON)


@dataclass
class Foreign:
    """Meißen's records, and the people who open the links."""

    world: World
    ordered_id: int
    report_id: int


@pytest.fixture
def foreign(session: Session) -> Foreign:
    questionnaire_catalog(session)
    session.add(to_row(make_product(FOREIGN_PRODUCT), updated_by="test"))
    session.commit()
    world = make_world(session)
    ordered = order_product(session, world.other_town, "geburtsurkunde")
    questionnaire_id = opened(session, world.other, ordered)
    fill_completely(session, world.other, questionnaire_id)
    resubmit(session, world.other, questionnaire_id)
    take_over(session, actor=world.kisa, questionnaire_id=questionnaire_id)
    session.commit()
    for task in checklist(session, actor=world.kisa, ordered_product_id=ordered.id or 0):
        tick(session, actor=world.kisa, ordered_product_id=ordered.id or 0, task=task.task, done=True)
    go_live(session, actor=world.kisa, ordered_product_id=ordered.id or 0)
    session.commit()
    report_id = report_problem(session, actor=world.other, ordered_product_id=ordered.id, title=FOREIGN_THREAD,
                               text="Nach dem Absenden erscheint eine leere Seite.")
    session.commit()
    return Foreign(world, ordered.id or 0, report_id)


def page_text(at: AppTest) -> str:
    """Everything on the page and in the sidebar: texts, labels, options, link targets, table cells."""
    parts = [all_text(at)]
    for root in (at.main, at.sidebar):
        for _block, nodes in _siblings(root):
            parts.extend(text_format.MessageToString(node.proto, as_utf8=True) for node in nodes
                         if getattr(node, "proto", None) is not None)
    parts.extend(frame.value.to_csv() for frame in at.dataframe)
    return "\n".join(parts)


def _open(engine, session, actor, page: str, query: dict[str, str]) -> str:
    user = user_row(session, actor)
    session.commit()  # SQLite: no read lock held while the app runs
    return page_text(open_page(engine, page, user=user, query=query))


# page, query parameter, which of Meißen's ids, the German message
LINKS = [
    ("questionnaire_form", "nr", "ordered", "Dieses bestellte Produkt wurde nicht gefunden."),
    ("acceptance", "nr", "ordered", "Dieses bestellte Produkt wurde nicht gefunden."),
    ("journey", "nr", "ordered", "Dieses bestellte Produkt wurde nicht gefunden."),
    ("problems", "meldung", "report", "Diese Meldung wurde nicht gefunden."),
]


def _query(foreign: Foreign, parameter: str, which: str) -> dict[str, str]:
    return {parameter: str(foreign.ordered_id if which == "ordered" else foreign.report_id)}


@pytest.mark.parametrize(("page", "parameter", "which", "message"), LINKS, ids=[f"{p}?{q}=" for p, q, _w, _m in LINKS])
def test_another_municipalitys_id_in_the_address_is_not_found_and_shows_nothing_of_it(
        engine, session, foreign, page, parameter, which, message):
    text = _open(engine, session, foreign.world.coordinator, page, _query(foreign, parameter, which))
    assert message in text and "nicht gefunden" in text
    assert [name for name in FOREIGN if name in text] == []


@pytest.mark.parametrize(("page", "parameter", "which", "message"), LINKS, ids=[f"{p}?{q}=" for p, q, _w, _m in LINKS])
def test_kisa_opening_the_same_link_sees_the_record(engine, session, foreign, page, parameter, which, message):
    text = _open(engine, session, foreign.world.kisa, page, _query(foreign, parameter, which))
    assert message not in text
    assert FOREIGN_PRODUCT in text and FOREIGN_TOWN in text


def test_a_link_to_report_a_problem_for_another_municipalitys_product_prefills_nothing_of_it(engine, session, foreign):
    put_in_state(session, foreign.world.ordered["meldebescheinigung"], OrderedProductState.TESTING)  # Riesa may report
    text = _open(engine, session, foreign.world.coordinator, "problems",
                 {"nr": str(foreign.ordered_id), "titel": "Frage"})
    assert "Für das Produkt aus dem Link lässt sich derzeit kein Problem melden" in text
    assert [name for name in FOREIGN if name in text] == []


def test_the_case_page_is_not_among_a_municipal_users_pages_and_refuses_if_opened_anyway(engine, session, foreign):
    coordinator = user_row(session, foreign.world.coordinator)
    session.commit()
    at = new_app()
    log_in_as(at, engine, coordinator)
    at.query_params.update({"nr": str(foreign.ordered_id)})
    run(at)  # the browser asks for /vorgang?nr=…: Streamlit knows no such page for this person and runs the start page
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/kisa_case.py")
    assert [name for name in FOREIGN if name in page_text(at)] == []
    page = AppTest.from_file(str(ROOT / "pages" / "kisa_case.py"), default_timeout=30)  # should a route lead there
    log_in_as(page, engine, coordinator)
    page.query_params.update({"nr": str(foreign.ordered_id)})
    run(page)
    text = page_text(page)
    assert "Diese Seite ist für Ihre Rolle nicht freigegeben." in text
    assert [name for name in FOREIGN if name in text] == []
    kisa = user_row(session, foreign.world.kisa)
    session.commit()
    assert FOREIGN_PRODUCT in page_text(open_page(engine, "kisa_case", user=kisa, query={"nr": str(foreign.ordered_id)}))


def test_the_product_page_is_public_but_names_no_other_municipality(engine, session, foreign):
    text = _open(engine, session, foreign.world.coordinator, "product", {"id": "geburtsurkunde"})
    assert FOREIGN_PRODUCT in text  # the catalogue is public
    assert FOREIGN_TOWN not in text and FOREIGN_PERSON not in text and "bereits bestellt" not in text
    assert FOREIGN_TOWN in _open(engine, session, foreign.world.kisa, "product", {"id": "geburtsurkunde"})
