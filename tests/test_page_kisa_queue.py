"""AppTest: KISA's Arbeitsvorrat — submitted products with age, due date and overdue marking, filters, assignment."""

from __future__ import annotations

import re

import pytest

from core import clock
from models import OrderedProduct, OrderedProductState
from tests.apptest_helpers import all_text, app_like_server, load, open_page, run, shown
from tests.kisa_pages import DAY, submit_product, users
from tests.questionnaire_world import make_world

__all__ = ["app_like_server"]  # autouse fixture


def _products(at) -> list[str]:
    """Return the product names listed, in order (bold at the start of each card)."""
    return [found[1] for m in at.markdown if (found := re.match(r"\*\*(.+?)\*\*  \n[^\n]+:gray\[\(AGS ", m.value))]


def test_queue_lists_a_submitted_product_with_state_waiting_party_and_a_link_to_the_case(engine, session):
    world = make_world(session)
    submit_product(session, world)
    kisa, _ = users(session, world)
    at = open_page(engine, "kisa_queue", user=kisa)
    text = all_text(at)
    assert "**1 Vorgang**, keiner überfällig" in text
    assert _products(at) == ["Meldebescheinigung"]
    assert "Riesa" in text and "Konfiguration eingereicht" in text and "wartet auf KISA" in text
    assert "0 Tage" in text and "überfällig]" not in text
    [link] = [p for p in at.get("page_link") if p.proto.label == "Öffnen"]
    assert link.proto.page.endswith("vorgang") and f"nr={world.ordered['meldebescheinigung'].id}" in link.proto.query_string


def test_a_phase_older_than_two_weeks_is_marked_overdue_in_words_and_can_be_filtered(engine, session):
    world = make_world(session)
    submit_product(session, world, "meldebescheinigung")
    clock.advance(15 * DAY)
    submit_product(session, world, "melderegisterauskunft")
    kisa, _ = users(session, world)
    at = open_page(engine, "kisa_queue", user=kisa)
    text = all_text(at)
    assert "**2 Vorgänge**, :red[**1 überfällig**]" in text
    assert ":red-badge[:material/alarm: überfällig]" in text and "15 Tage" in text
    assert _products(at) == ["Meldebescheinigung", "Melderegisterauskunft"]  # oldest first
    run(at, at.toggle(key="kq_overdue").set_value(True))
    assert _products(at) == ["Meldebescheinigung"]


def test_filters_by_state_municipality_and_search(engine, session):
    world = make_world(session)
    submit_product(session, world)
    kisa, _ = users(session, world)
    at = open_page(engine, "kisa_queue", user=kisa)
    assert at.multiselect(key="kq_states").value == [OrderedProductState.SUBMITTED, OrderedProductState.SETUP]
    run(at, at.multiselect(key="kq_states").set_value([OrderedProductState.ORDERED]))
    # Riesa's two other products and Meißen's one are still just ordered (waiting for the municipality).
    assert sorted(_products(at)) == ["Anzeige eines Feuerwerkes", "Meldebescheinigung", "Melderegisterauskunft"]
    assert "wartet auf Kommune" in all_text(at)
    run(at, at.selectbox(key="kq_town").set_value(world.other_town.id))
    assert _products(at) == ["Meldebescheinigung"] and "Meißen" in all_text(at)
    run(at, at.selectbox(key="kq_town").set_value(None))
    run(at, at.text_input(key="kq_search").input("feuerwerk"))
    assert _products(at) == ["Anzeige eines Feuerwerkes"]
    run(at, at.text_input(key="kq_search").input("gibt es nicht"))
    assert "Keine Vorgänge zu diesen Filtern." in all_text(at)
    run(at, at.multiselect(key="kq_states").set_value([]))  # nothing chosen: every state
    run(at, at.text_input(key="kq_search").input(""))
    assert len(_products(at)) == 4


def test_assigning_a_product_and_showing_only_mine(engine, session):
    world = make_world(session)
    submit_product(session, world)
    kisa, _ = users(session, world)
    ordered_id = world.ordered["meldebescheinigung"].id
    at = open_page(engine, "kisa_queue", user=kisa)
    run(at, at.toggle(key="kq_mine").set_value(True))
    assert "Keine Vorgänge zu diesen Filtern." in all_text(at)
    run(at, at.toggle(key="kq_mine").set_value(False))
    choice = at.selectbox(key=f"kq_assign_{ordered_id}")
    assert shown(choice.label) == "Meldebescheinigung (Riesa) zugewiesen an"  # hidden label, read out per row
    run(at, choice.set_value(kisa.id))
    assert "Meldebescheinigung (Riesa) ist jetzt Kira KISA zugewiesen." in all_text(at)
    [stored] = load(engine, OrderedProduct, OrderedProduct.id == ordered_id)
    assert stored.assigned_to_id == kisa.id
    assert at.selectbox(key=f"kq_assign_{ordered_id}").value == kisa.id
    assert not at.warning  # no Streamlit warning about a widget's value set twice
    run(at, at.toggle(key="kq_mine").set_value(True))
    assert _products(at) == ["Meldebescheinigung"]


def test_municipal_users_have_no_work_queue(engine, session):
    world = make_world(session)
    _, coordinator = users(session, world)
    at = open_page(engine, user=coordinator)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/kisa_queue.py")


def test_ten_entries_a_page_unless_kisa_chooses_more(engine, session):
    from tests.builders import make_municipality

    world = make_world(session)
    kisa, _ = users(session, world)
    for _n in range(12):  # twelve municipalities have submitted the Meldebescheinigung
        town = make_municipality(session)
        session.add(OrderedProduct(municipality_id=town.id, product_id=world.ordered["meldebescheinigung"].product_id,
                                   state=OrderedProductState.SUBMITTED))
    session.commit()
    at = open_page(engine, "kisa_queue", user=kisa)

    def opened(at) -> int:
        return sum(1 for p in at.get("page_link") if p.proto.label == "Öffnen")

    assert "**12 Vorgänge**" in all_text(at) and opened(at) == 10
    assert "Seite 1 von 2 (Einträge 1–10 von 12)" in all_text(at)
    run(at, at.button(key="kq_page_next").click())
    assert opened(at) == 2
    run(at, at.selectbox(key="kq_size").set_value(25))  # back to the first page, all twelve on it
    assert opened(at) == 12 and "Seite 1 von" not in all_text(at)
