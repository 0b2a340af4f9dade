import pytest

from accounts.passwords import hash_password, needs_rehash, password_problem, reset_hasher, verify_password


def test_argon2_hash_verifies_only_the_right_password():
    h = hash_password("Ein-gutes-Passwort-2026")
    assert h.startswith("$argon2id$")
    assert verify_password(h, "Ein-gutes-Passwort-2026")
    assert not verify_password(h, "Ein-gutes-Passwort-2025")
    assert not verify_password("kein-hash", "egal")


def test_hash_made_with_weaker_parameters_needs_rehash(monkeypatch):
    weak = hash_password("Ein-gutes-Passwort-2026")
    monkeypatch.setenv("OAA_ARGON2_MEMORY_KIB", "2048")
    from core.config import get_settings

    get_settings.cache_clear()
    reset_hasher()
    assert needs_rehash(weak)
    assert not needs_rehash(hash_password("Ein-gutes-Passwort-2026"))


@pytest.mark.parametrize(
    ("password", "words"),
    [
        ("kurz", "mindestens 12"),
        ("passwort1234", "leicht zu erraten"),
        ("Sommer2026!!", "leicht zu erraten"),
        ("aaaaaaaaaaaaaa", "leicht zu erraten"),
        ("Mustermann-Rathaus-9", "Namen"),
        ("x" * 300, "höchstens"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(password, words):
    assert words in password_problem(password, email="erika@stadt.de", full_name="Erika Mustermann")


def test_long_unusual_password_is_accepted():
    assert password_problem("Elbflorenz-Brücke-1745", email="erika@stadt.de", full_name="Erika Mustermann") is None
