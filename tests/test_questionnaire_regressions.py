"""Regressions found in the review of the questionnaire (#5): each test failed before its fix."""

from __future__ import annotations

import contextlib

import pytest
from sqlmodel import Session, select

from core.errors import FieldErrors
from lifecycle.machine import transition as real_transition
from models import OrderedProduct, OrderedProductState, Questionnaire, Role
from questionnaire.drafts import open_questionnaire, read_questionnaire, save_step
from questionnaire.master import apply_master, read_master, save_master
from questionnaire.store import load_answers
from questionnaire.submission import submit
from tests.apptest_helpers import all_text, app_like_server, click, open_page, run  # noqa: F401
from tests.builders import actor_of, make_municipality, make_user
from tests.questionnaire_builders import order_product
from tests.questionnaire_world import fill_completely, make_world, opened, state_of
from web.text import md


def _setup(session):
    town = make_municipality(session, name="Stadt Musterau")
    anna = make_user(session, municipality=town, can_manage_team=True)
    tom = make_user(session, municipality=town)
    ordered = order_product(session, town, "meldebescheinigung")
    return town, anna, tom, ordered


def _answers(session, questionnaire_id: int) -> dict:
    session.expire_all()
    text = session.exec(select(Questionnaire.answers).where(Questionnaire.id == questionnaire_id)).one()
    session.commit()  # end the read: on SQLite it holds the write lock
    return load_answers(text)


def _version(session, actor, questionnaire_id: int) -> int:
    session.expire_all()
    version = read_questionnaire(session, actor=actor, questionnaire_id=questionnaire_id).version
    session.commit()
    return version


# --- 1. wizard: base version advanced after an own save although the other fields still show old values ----------


def test_wizard_shows_a_colleagues_change_after_the_next_rerun_and_an_unseen_one_conflicts(engine, session):
    _town, anna, tom, ordered = _setup(session)
    at = open_page(engine, "questionnaire_form", user=anna, query={"nr": str(ordered.id)})
    qid = open_questionnaire(session, actor=actor_of(anna), ordered_product_id=ordered.id)
    session.commit()
    # Tom saves the department while Anna's page is open (Anna's field still shows it empty).
    save_step(session, actor=actor_of(tom), questionnaire_id=qid, step_key="kontakte",
              raw={"kontakte.abteilung": "Ordnungsamt"}, base_version=_version(session, actor_of(tom), qid))
    session.commit()
    # Anna fills another field: saved, and her page now shows Tom's department.
    run(at, at.text_input(key=f"q_fb{qid}_kontakte.fachlich_name").input("Anna Fach"))
    assert at.text_input(key=f"q_fb{qid}_kontakte.abteilung").value == "Ordnungsamt"
    # Tom changes it again; Anna, not having seen that, types her own: a conflict, Tom's value stays.
    save_step(session, actor=actor_of(tom), questionnaire_id=qid, step_key="kontakte",
              raw={"kontakte.abteilung": "Rathaus"}, base_version=_version(session, actor_of(tom), qid))
    session.commit()
    run(at, at.text_input(key=f"q_fb{qid}_kontakte.abteilung").input("Bürgerbüro"))
    assert "inzwischen geändert" in all_text(at), "Tom's unseen change was overwritten silently"
    assert _answers(session, qid)["kontakte.abteilung"] == "Rathaus"
    assert at.text_input(key=f"q_fb{qid}_kontakte.abteilung").value == "Bürgerbüro"  # her input is kept


# --- 2. review page: after any colleague's save, submitting is refused for the rest of the browser session -------


def test_submit_works_after_the_review_page_shows_a_colleagues_change(engine, session):
    _town, anna, tom, ordered = _setup(session)
    qid = opened(session, actor_of(anna), ordered)
    fill_completely(session, actor_of(anna), qid)
    at = open_page(engine, "questionnaire_form", user=anna, query={"nr": str(ordered.id), "schritt": "pruefen"})
    save_step(session, actor=actor_of(tom), questionnaire_id=qid, step_key="kontakte",
              raw={"kontakte.abteilung": "Ordnungsamt"}, base_version=_version(session, actor_of(tom), qid))
    session.commit()
    run(at)  # Anna's review page now shows the current answers, Tom's included
    assert "Ordnungsamt" in all_text(at)
    click(at, "Ja, verbindlich einreichen")
    assert "Eingereicht (Fassung 1)" in all_text(at)
    assert state_of(session, ordered) == OrderedProductState.SUBMITTED
    session.commit()


# --- 3. wizard: an invalid value the user typed is lost when switching steps ---------------------------------------


def test_a_wrong_value_survives_switching_steps(engine, session):
    _town, anna, _tom, ordered = _setup(session)
    at = open_page(engine, "questionnaire_form", user=anna, query={"nr": str(ordered.id)})
    qid = open_questionnaire(session, actor=actor_of(anna), ordered_product_id=ordered.id)
    session.commit()
    key = f"q_fb{qid}_kontakte.fachlich_email"
    run(at, at.text_input(key=key).input("erika@@stadt"))
    click(at, "Weiter")
    click(at, "Zurück")
    assert at.text_input(key=key).value == "erika@@stadt", "typed input lost; the error now points at an empty field"


# --- 4./5. master data page: 'save again' after a stale warning reverts a colleague's change; raw Markdown shown ----


def _master_raw(**changes):
    raw = {"kontakte.abteilung": "Bürgerbüro", "kontakte.abteilung_email": "buergerbuero@musterau.example",
           "benachrichtigung.email": "antraege@musterau.example"}
    return raw | changes


def test_saving_master_data_again_after_a_stale_warning_keeps_the_colleagues_change(engine, session):
    _town, anna, tom, _ordered = _setup(session)
    save_master(session, actor=actor_of(anna), raw=_master_raw(), base_version=0)
    session.commit()
    at = open_page(engine, "master_data", user=anna)
    # Tom changes the notification address meanwhile.
    save_master(session, actor=actor_of(tom), raw=_master_raw(**{"benachrichtigung.email": "neu@musterau.example"}),
                base_version=1)
    session.commit()
    # Anna changes only the department and saves: stale warning, then "Speichern Sie erneut" as told.
    run(at, at.text_input(key="q_md_kontakte.abteilung").input("Einwohnermeldeamt"))
    click(at, "Stammdaten speichern")
    assert "inzwischen geändert" in all_text(at)
    click(at, "Stammdaten speichern")
    master = read_master(session, actor=actor_of(anna))
    session.commit()
    assert master.answers["kontakte.abteilung"] == "Einwohnermeldeamt"
    assert master.answers["benachrichtigung.email"] == "neu@musterau.example", "Tom's change was reverted"


def test_stale_master_data_notice_renders_the_colleagues_text_inert(engine, session):
    _town, anna, tom, _ordered = _setup(session)
    save_master(session, actor=actor_of(anna), raw=_master_raw(), base_version=0)
    session.commit()
    at = open_page(engine, "master_data", user=anna)
    evil = "**Bitte** [hier klicken](https://phish.example) :red[dringend]"
    save_master(session, actor=actor_of(tom), raw=_master_raw(**{"kontakte.abteilung": evil}), base_version=1)
    session.commit()
    run(at, at.text_input(key="q_md_kontakte.abteilung").input("Einwohnermeldeamt"))  # the same answer as Tom
    click(at, "Stammdaten speichern")
    captions = [str(c.value) for c in at.caption if "phish" in str(c.value)]
    assert captions, "the notice shows the colleague's value"
    assert all(md(evil) in c for c in captions), f"user text rendered as Markdown: {captions}"
    assert at.text_input(key="q_md_kontakte.abteilung").value == "Einwohnermeldeamt"  # her input is kept


# --- 6. apply master data: answers the prompt never listed are cleared in the drafts -------------------------------


def test_applying_master_data_changes_only_what_the_prompt_listed(session):
    world = make_world(session)
    actor = world.coordinator
    base = {"kontakte.abteilung": "Bürgerbüro", "kontakte.abteilung_telefon": "0351 1234567"}
    save_master(session, actor=actor, raw=base, base_version=0)
    session.commit()
    qid = opened(session, actor, world.ordered["meldebescheinigung"])  # pre-filled with both
    assert _answers(session, qid)["kontakte.abteilung_telefon"] == "+493511234567"
    # The master data's phone is cleared and the department changed; the prompt lists the drafts that differ.
    saved = save_master(session, actor=actor, raw={"kontakte.abteilung": "Ordnungsamt",
                                                   "kontakte.abteilung_telefon": ""}, base_version=1)
    session.commit()
    listed = {key for draft in saved.drafts for key in draft.keys}
    assert listed == {"kontakte.abteilung"}  # what the page shows next to the checkbox
    apply_master(session, actor=actor, questionnaire_ids=[d.questionnaire_id for d in saved.drafts],
                 keys=saved.changed_keys)  # what pages/master_data.py passes (md_changed)
    session.commit()
    answers = _answers(session, qid)
    assert answers["kontakte.abteilung"] == "Ordnungsamt"
    assert answers.get("kontakte.abteilung_telefon") == "+493511234567", "an answer not listed was cleared"


# --- 7. a cancellation committed while a submission runs is overwritten (ordered product not locked) -------------


def test_a_cancellation_committed_while_a_submission_waits_is_not_overwritten(engine, session):
    import threading
    import time

    from core.db import session_scope

    world = make_world(session)
    ordered = world.ordered["meldebescheinigung"]
    qid = opened(session, world.coordinator, ordered)
    version = fill_completely(session, world.coordinator, qid)
    locked = threading.Event()
    outcome: list[str] = []

    def colleague_cancels() -> None:
        with Session(engine) as other:
            row = other.exec(select(OrderedProduct).where(OrderedProduct.id == ordered.id).with_for_update()).one()
            real_transition(other, actor=world.colleague, ordered=row, target=OrderedProductState.CANCELLED)
            other.flush()
            locked.set()
            time.sleep(0.5)  # the municipality submits now and has to wait for this transaction
            other.commit()

    def municipality_submits() -> None:
        locked.wait(10)
        try:
            with session_scope() as s:
                submit(s, actor=world.coordinator, questionnaire_id=qid, base_version=version)
            outcome.append("submitted")
        except Exception as exc:
            outcome.append(type(exc).__name__)

    threads = [threading.Thread(target=colleague_cancels), threading.Thread(target=municipality_submits)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert outcome == ["DomainError"], outcome
    assert state_of(session, ordered) == OrderedProductState.CANCELLED, "the cancellation was silently lost"
    session.commit()


# --- 8. amounts have no upper bound: a long fee is stored and then breaks reading the questionnaire -----------------


def test_an_absurd_fee_is_refused_at_the_field(session):
    world = make_world(session)
    qid = opened(session, world.coordinator, world.ordered["meldebescheinigung"])
    try:  # 400 digits: the fee field has no upper bound (only the browser's max_chars=200 limits it)
        save_step(session, actor=world.coordinator, questionnaire_id=qid, step_key="produkt",
                  raw={"produkt.gebuehr": "9" * 400}, base_version=_version(session, world.coordinator, qid))
        session.commit()
        refused = False
    except FieldErrors:
        session.rollback()
        refused = True
    session.expire_all()
    read_questionnaire(session, actor=world.coordinator, questionnaire_id=qid)  # OverflowError: page unusable
    session.commit()
    assert refused, "an amount of 400 digits was stored"


def test_kisa_role_is_read_only(session):
    """Sanity: staff never get an editable view (no finding; kept to show the area was checked)."""
    world = make_world(session)
    qid = opened(session, world.coordinator, world.ordered["meldebescheinigung"])
    assert not read_questionnaire(session, actor=world.kisa, questionnaire_id=qid).editable
    assert world.kisa.role == Role.KISA
    session.commit()


# --- demo reset with questionnaire data (no finding expected; checks that real records stay) -----------------------


def test_demo_reset_removes_demo_questionnaires_and_keeps_real_ones(session):
    from catalog.loader import read_directory
    from catalog.store import import_catalog
    from demo.seed import reset_demo, seed_demo
    from models import MasterData, Municipality, QuestionnaireEdit, QuestionnaireSubmission

    import_catalog(session, products=read_directory())
    session.commit()
    town = make_municipality(session, name="Echtstadt")
    coordinator = actor_of(make_user(session, municipality=town, can_manage_team=True))
    real = OrderedProduct(municipality_id=town.id, product_id="meldebescheinigung")
    session.add(real)
    session.commit()
    qid = opened(session, coordinator, real)
    fill_completely(session, coordinator, qid)
    save_master(session, actor=coordinator, raw={"kontakte.abteilung": "Echt"}, base_version=0)
    session.commit()
    seed_demo(session)
    session.commit()
    demo_ids = set(session.exec(select(Municipality.id).where(Municipality.is_demo)).all())
    assert session.exec(select(QuestionnaireSubmission)).all()  # Talheim's demo submission exists
    seeded = len(session.exec(select(Questionnaire).where(Questionnaire.municipality_id.in_(demo_ids))).all())
    reset_demo(session)
    reset_demo(session)
    session.commit()
    demo_ids |= set(session.exec(select(Municipality.id).where(Municipality.is_demo)).all())
    real_q = session.exec(select(Questionnaire).where(Questionnaire.municipality_id == town.id)).all()
    assert [q.id for q in real_q] == [qid]
    assert session.exec(select(QuestionnaireEdit).where(QuestionnaireEdit.questionnaire_id == qid)).all()
    assert session.exec(select(MasterData).where(MasterData.municipality_id == town.id)).one()
    demo_q = session.exec(select(Questionnaire).where(Questionnaire.municipality_id.in_(demo_ids))).all()
    assert len(demo_q) == seeded  # a fresh story, nothing left over from before the reset
    session.commit()


# --- 9. an open conflict disappears when another field is saved; the unsaved input stays in the field as if saved --


def test_an_open_conflict_is_not_dropped_when_another_field_is_saved(engine, session):
    _town, anna, tom, ordered = _setup(session)
    first = open_page(engine, "questionnaire_form", user=anna, query={"nr": str(ordered.id)})
    second = open_page(engine, "questionnaire_form", user=tom, query={"nr": str(ordered.id)})
    qid = open_questionnaire(session, actor=actor_of(anna), ordered_product_id=ordered.id)
    session.commit()
    department = f"q_fb{qid}_kontakte.abteilung"
    run(first, first.text_input(key=department).input("Bürgerbüro"))
    run(second, second.text_input(key=department).input("Einwohnermeldeamt"))
    assert "hat dieselben Angaben inzwischen geändert" in all_text(second)
    # Tom goes on with the next field instead of deciding.
    run(second, second.text_input(key=f"q_fb{qid}_kontakte.technisch_name").input("Tom Technik"))
    shown_value = second.text_input(key=department).value
    stored = _answers(session, qid)["kontakte.abteilung"]
    still_told = "hat dieselben Angaben inzwischen geändert" in all_text(second)
    assert still_told or shown_value == stored, (
        f"field shows {shown_value!r} as if saved, database holds {stored!r}, and the conflict notice is gone")


# --- 10. two colleagues copying into overlapping products in a different order deadlock on PostgreSQL -------------


def test_concurrent_copies_into_the_same_products_in_another_order_both_finish(engine, session, monkeypatch):
    import threading
    from concurrent.futures import ThreadPoolExecutor

    import questionnaire.copying as copying
    from core.db import session_scope
    from questionnaire.copying import copy_answers

    world = make_world(session)  # on SQLite, BEGIN IMMEDIATE serialises the two copies anyway
    extra = order_product(session, world.town, "meldebescheinigung")
    sources = [opened(session, world.coordinator, world.ordered["meldebescheinigung"]), opened(session, world.colleague, extra)]
    b, c = world.ordered["melderegisterauskunft"].id, world.ordered["anzeige-eines-feuerwerkes"].id
    for ordered_id in (b, c):
        open_questionnaire(session, actor=world.coordinator, ordered_product_id=ordered_id)
    session.commit()
    barrier = threading.Barrier(2, timeout=2)
    real_lock = copying.editable_for_update
    calls = threading.local()

    def lock_then_wait(session_, **kw):
        found = real_lock(session_, **kw)
        if not getattr(calls, "done", False):
            calls.done = True
            # Without one lock order both would hold their first target now; a broken barrier means the other
            # copy waits for our lock, the fixed behaviour.
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait()
        return found

    monkeypatch.setattr(copying, "editable_for_update", lock_then_wait)

    def copy(actor, source, targets):
        with session_scope() as s:
            copy_answers(s, actor=actor, questionnaire_id=source, target_ordered_ids=targets, step_keys=["kontakte"])
        return "ok"

    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(copy, world.coordinator, sources[0], [b, c])
        second = pool.submit(copy, world.colleague, sources[1], [c, b])
        outcomes = []
        for future in (first, second):
            try:
                outcomes.append(future.result(timeout=30))
            except Exception as exc:
                outcomes.append(type(exc).__name__ + ": " + str(exc).splitlines()[0])
    assert outcomes == ["ok", "ok"], outcomes


def test_a_product_set_up_before_the_questionnaire_existed_gets_no_empty_questionnaire(engine, session):
    from core.errors import NotFound

    town, anna, _tom, _ordered = _setup(session)
    live_id = order_product(session, town, "melderegisterauskunft", state=OrderedProductState.SETUP).id
    at = open_page(engine, "questionnaire_form", user=anna, query={"nr": str(live_id)})
    assert "keinen Fragebogen" in all_text(at) and "Eingereicht am" not in all_text(at)
    with pytest.raises(NotFound):
        open_questionnaire(session, actor=actor_of(anna), ordered_product_id=live_id)
    session.rollback()
