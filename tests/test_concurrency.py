"""Concurrent writers lose nothing and create nothing twice, on SQLite and PostgreSQL."""

from concurrent.futures import ThreadPoolExecutor

from sqlmodel import select

from accounts.authentication import authenticate
from accounts.registration import RegistrationInput, register
from core.db import session_scope
from core.errors import FieldErrors
from models import Municipality, User
from tests.builders import make_user

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
