"""Concurrent writers lose nothing and create nothing twice, on SQLite and PostgreSQL."""

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, create_engine, select

from accounts.authentication import authenticate
from accounts.registration import RegistrationInput, register
from accounts.team import accept_invitation, create_invited_colleague
from backoffice.review import add_comment, ask_back, delete_comment, take_over
from backoffice.setup import tick
from catalog.store import StaleEdit, get_product, retire_product, save_product
from core.db import is_busy, make_engine, session_scope
from core.errors import DatabaseBusy, DomainError, FieldErrors, NotFound
from models import (
    AuditEvent,
    CatalogProduct,
    Municipality,
    OrderedProduct,
    OrderedProductState,
    ReviewComment,
    Role,
    SetupTask,
    StateChange,
    User,
)
from tests.backoffice_world import MB, resubmit, submitted
from tests.builders import actor_of, make_user
from tests.catalog_builders import product_data
from tests.orders_builders import ready_to_order
from tests.questionnaire_builders import questionnaire_catalog
from tests.questionnaire_world import make_world, state_of

THREADS = 8


def test_concurrent_read_modify_write_loses_no_update(engine, session):
    """8 threads × 25 increments of a counter read through the ORM: all 200 must arrive.

    On SQLite, pysqlite's deferred BEGIN lost most of them; BEGIN IMMEDIATE (core.db) serialises the
    writers. On PostgreSQL the row lock taken by ``with_for_update`` does the same.
    """
    user = make_user(session)

    def bump(_: int) -> None:
        for _ in range(25):
            with session_scope(engine) as s:
                row = s.get(User, user.id, with_for_update=True)
                row.version = row.version + 1
                s.add(row)

    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(bump, range(THREADS)))
    session.expire_all()
    assert session.get(User, user.id).version == 1 + THREADS * 25


def test_concurrent_registrations_of_one_municipality_create_one_tenant(engine, session):
    def attempt(n: int) -> str:
        data = RegistrationInput(
            full_name=f"Person Nummer{n}", email=f"person{n}@meissen.example", phone="03521 12345",
            ags="14627170", position="OZG-Koordinator:in", authorised=True, ars="146270170170",
            street="Markt 1", postal_code="01662", city="Meißen",
            password="Elbflorenz-Brücke-1745", password_repeat="Elbflorenz-Brücke-1745",
        )
        try:
            with session_scope(engine) as s:
                register(s, data)
        except FieldErrors as exc:
            return exc.errors.get("ags", "")
        return "ok"

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(attempt, range(THREADS)))
    assert results.count("ok") == 1
    assert all("bereits registriert" in r for r in results if r != "ok")
    assert len(session.exec(select(Municipality).where(Municipality.ags == "14627170")).all()) == 1
    assert len(session.exec(select(User)).all()) == 1


def test_concurrent_wrong_passwords_are_all_counted(engine, session):
    user = make_user(session)

    def wrong(_: int) -> None:
        with session_scope(engine) as s:
            authenticate(s, email=user.email, password="Falsch-Falsch-123")

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(wrong, range(4)))
    session.expire_all()
    assert session.get(User, user.id).failed_logins == 4


# --- a second writer arriving while the first one's transaction is still open ---------------------------------------
# On SQLite, BEGIN IMMEDIATE (core.db) serialises whole transactions: the second writer waits before its first read.
# On PostgreSQL only the rows a transaction locks are serialised: whatever it read before taking the lock may be old.


def _waiting_for_a_lock(engine: Engine) -> int:
    """Return how many other PostgreSQL backends of this database wait for a lock."""
    with engine.connect() as conn:
        return int(conn.execute(text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )).scalar_one())


def _while_open(engine: Engine, backend: str, first: Callable[[Session], object],
                second: Callable[[Session], object]) -> str:
    """Run ``first`` and keep its transaction open until ``second`` (in its own) waits for it or is done.

    Return ``second``'s outcome: "ok" or the German message it was refused with.
    """
    flushed, done = threading.Event(), threading.Event()
    outcome: list[str] = []

    def hold() -> None:
        with session_scope(engine) as s:
            first(s)
            s.flush()
            flushed.set()
            if backend == "postgresql":  # commit once the second writer waits for our lock (or never needed it)
                for _ in range(500):
                    if done.is_set() or _waiting_for_a_lock(engine):
                        break
                    time.sleep(0.02)
            else:  # SQLite: the second writer waits in BEGIN IMMEDIATE, which no query shows
                time.sleep(0.3)

    def attempt() -> None:
        flushed.wait(10)
        try:
            with session_scope(engine) as s:
                second(s)
            outcome.append("ok")
        except DomainError as exc:
            outcome.append(str(exc))
        finally:
            done.set()

    threads = [threading.Thread(target=hold), threading.Thread(target=attempt)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(outcome) == 1, outcome
    return outcome[0]


@pytest.fixture
def world(session):
    questionnaire_catalog(session)
    return make_world(session)


def test_a_remark_deleted_while_the_query_sends_it_stays(engine, session, backend, world):
    questionnaire_id = submitted(session, world, MB)
    remark = add_comment(session, actor=world.kisa, questionnaire_id=questionnaire_id, question_key="produkt.gebuehr",
                         text="Die Gebühr laut Satzung beträgt 10 Euro.")
    session.commit()
    outcome = _while_open(
        engine, backend,
        lambda s: ask_back(s, actor=world.kisa, questionnaire_id=questionnaire_id, message=""),
        lambda s: delete_comment(s, actor=world.admin, comment_id=remark),
    )
    assert outcome == "Eine gesendete Anmerkung bleibt stehen; sie gehört zur Rückfrage."
    session.expire_all()
    kept = session.get(ReviewComment, remark)
    assert kept is not None and kept.sent_at is not None, "the remark the municipality was sent has gone"
    assert state_of(session, world.ordered[MB]) == OrderedProductState.QUERY


def test_a_remark_written_while_a_colleague_takes_the_configuration_over_is_refused(engine, session, backend, world):
    questionnaire_id = submitted(session, world, MB)
    outcome = _while_open(
        engine, backend,
        lambda s: take_over(s, actor=world.kisa, questionnaire_id=questionnaire_id),
        lambda s: add_comment(s, actor=world.admin, questionnaire_id=questionnaire_id,
                              question_key="produkt.gebuehr", text="Bitte die Gebühr prüfen."),
    )
    assert outcome.startswith("Anmerkungen sind nur bei einer eingereichten Konfiguration möglich")
    session.expire_all()
    assert session.exec(select(ReviewComment)).all() == [], "a remark nobody will ever send"


def test_a_configuration_asked_back_and_resubmitted_since_the_page_showed_it_is_not_taken_over_unseen(session, world):
    questionnaire_id = submitted(session, world, MB)  # Kira reads submission 1 …
    ask_back(session, actor=world.admin, questionnaire_id=questionnaire_id, message="Bitte die Gebühr prüfen.")
    session.commit()
    resubmit(session, world.coordinator, questionnaire_id)  # … while Ada asks back and Riesa submits again
    unseen = r"^Inzwischen liegt Fassung 2 vor \(eingereicht am .+ von Clara Koordinatorin\)\. Bitte prüfen Sie zuerst"
    with pytest.raises(DomainError, match=unseen):
        take_over(session, actor=world.kisa, questionnaire_id=questionnaire_id, submission_number=1)
    session.rollback()
    with pytest.raises(DomainError, match=unseen):
        ask_back(session, actor=world.kisa, questionnaire_id=questionnaire_id, message="Noch etwas.", submission_number=1)
    session.rollback()
    assert state_of(session, world.ordered[MB]) == OrderedProductState.SUBMITTED
    assert len(session.exec(select(StateChange).where(StateChange.to_state == OrderedProductState.QUERY)).all()) == 1
    take_over(session, actor=world.kisa, questionnaire_id=questionnaire_id, submission_number=2)
    session.commit()
    assert state_of(session, world.ordered[MB]) == OrderedProductState.SETUP


@pytest.mark.only_backend("postgresql")  # SQLite serialises whole transactions: nobody can save in between
def test_retiring_a_product_a_colleague_has_just_saved_is_refused(engine, session, backend, monkeypatch):
    import catalog.store as store

    ready_to_order(session)
    clerks = [actor_of(make_user(session, role=Role.KISA)) for _ in range(2)]
    _product, version = get_product(session, "wahlschein")
    session.commit()
    changed = product_data("Wahlschein", short_description="Online-Antrag auf einen Wahlschein, jetzt mit Briefwahl.",
                           prices={"setup_cents": 80050, "yearly_licence_cents": 12000})
    real_get = store.get_product
    read: list[CatalogProduct | None] = []

    def read_then_colleague_saves(s: Session, product_id: str) -> object:
        found = real_get(s, product_id)  # the retiring clerk's read, before the row is locked …
        read.append(s.get(CatalogProduct, product_id))  # … still held by the session (no garbage collection luck)
        with session_scope(engine) as other:
            save_product(other, actor=clerks[1], data=changed, expected_version=version)
        return found

    monkeypatch.setattr(store, "get_product", read_then_colleague_saves)
    with pytest.raises(StaleEdit), session_scope(engine) as s:
        retire_product(s, actor=clerks[0], product_id="wahlschein", expected_version=version)
    monkeypatch.undo()
    session.expire_all()
    product, now = get_product(session, "wahlschein")
    assert product.short_description == changed["short_description"], "the colleague's edit was overwritten"
    assert product.status.value == "verfügbar" and now == version + 1


def test_an_invitation_accepted_in_several_tabs_at_once_is_accepted_once(engine, session, world):
    _user, token = create_invited_colleague(session, actor=world.coordinator, full_name="Nina Neu",
                                            email="nina.neu@riesa.example", position="Sachbearbeitung")
    session.commit()
    barrier = threading.Barrier(THREADS)

    def accept(n: int) -> str:
        password = f"Elbwiesen-Sommer-{n}-Riesa"
        barrier.wait()
        try:
            with session_scope(engine) as s:
                accept_invitation(s, token=token, password=password, password_repeat=password)
        except NotFound as exc:
            return str(exc)
        return password

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(accept, range(THREADS)))
    winners = [r for r in results if r.startswith("Elbwiesen")]
    assert len(winners) == 1, results
    assert all(r == "Dieser Einladungslink ist ungültig oder abgelaufen." for r in results if r not in winners)
    session.expire_all()
    assert len(session.exec(select(AuditEvent).where(AuditEvent.action == "team.joined")).all()) == 1
    login = authenticate(session, email="nina.neu@riesa.example", password=winners[0])
    assert login.actor is not None, "the password that was confirmed does not log in"


# --- a writer that waits longer than the database allows gets a German message ---------------------------------------


def _impatient_engine(url: str, backend: str) -> Engine:
    """An engine that gives up waiting for a lock after 0.2 s (SQLite busy timeout, PostgreSQL lock_timeout)."""
    if backend == "sqlite":
        return make_engine(url, busy_timeout_ms=200)
    return create_engine(url, connect_args={"options": "-c lock_timeout=200"})


def test_a_writer_waiting_longer_than_the_lock_allows_gets_a_german_message_and_changes_nothing(
        engine, session, backend, database_url, world):
    questionnaire_id = submitted(session, world, MB)
    take_over(session, actor=world.kisa, questionnaire_id=questionnaire_id)
    session.commit()
    ordered_id = world.ordered[MB].id
    impatient = _impatient_engine(database_url, backend)
    try:
        with Session(engine) as holder:  # a long transaction holding the case (SQLite: the whole database)
            holder.get(OrderedProduct, ordered_id, with_for_update=True)
            with pytest.raises(DatabaseBusy) as busy, session_scope(impatient) as s:
                tick(s, actor=world.admin, ordered_product_id=ordered_id, task="mandant", done=True)
            holder.rollback()
    finally:
        impatient.dispose()
    assert str(busy.value) == ("Die Datenbank ist gerade mit einer anderen Änderung beschäftigt. Es wurde nichts "
                               "gespeichert. Bitte versuchen Sie es in einem Moment erneut.")
    assert is_busy(busy.value.__cause__)
    session.expire_all()
    assert session.exec(select(SetupTask).where(SetupTask.task == "mandant")).one().done_at is None
    session.commit()  # end the read (SQLite)
    with session_scope(engine) as s:  # once the lock is gone the same action works
        tick(s, actor=world.admin, ordered_product_id=ordered_id, task="mandant", done=True)


def test_other_database_errors_are_not_reported_as_busy(engine):
    with pytest.raises(DBAPIError) as caught, session_scope(engine) as s:
        s.execute(text("SELECT * FROM no_such_table"))
    assert not isinstance(caught.value, DatabaseBusy) and not is_busy(caught.value)
