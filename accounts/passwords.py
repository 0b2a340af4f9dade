"""Argon2 password hashing and the password policy."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from core.config import get_settings

MIN_LENGTH = 12
MAX_LENGTH = 256
_COMMON_FILE = Path(__file__).resolve().parent / "data" / "common-passwords.txt"


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    s = get_settings()
    return PasswordHasher(
        time_cost=s.argon2_time_cost, memory_cost=s.argon2_memory_kib, parallelism=s.argon2_parallelism
    )


def reset_hasher() -> None:
    """Forget the hasher so changed Argon2 settings take effect (tests, operators)."""
    _hasher.cache_clear()


def hash_password(password: str) -> str:
    """Return an Argon2id hash of ``password``."""
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Tell whether ``password`` matches ``password_hash``; a malformed hash never matches."""
    try:
        return _hasher().verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Tell whether the hash was made with other parameters than the configured ones."""
    return _hasher().check_needs_rehash(password_hash)


# A hash of a random string: verified against when an account does not exist, so that a login
# for an unknown address takes as long as one for a known address.
@lru_cache(maxsize=1)
def dummy_hash() -> str:
    """Return a hash no password matches in practice, made with the current parameters."""
    return hash_password("kein-konto-" + "x" * 24)


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    lines = _COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def password_problem(password: str, *, email: str = "", full_name: str = "") -> str | None:
    """Return a German message saying why ``password`` is not acceptable, or ``None``."""
    if len(password) < MIN_LENGTH:
        return f"Das Passwort muss mindestens {MIN_LENGTH} Zeichen lang sein."
    if len(password) > MAX_LENGTH:
        return f"Das Passwort darf höchstens {MAX_LENGTH} Zeichen lang sein."
    lowered = password.lower()
    core = lowered.rstrip("0123456789!?.,;:-_#*+ ")
    if lowered in _common_passwords() or core in _common_passwords() or len(set(lowered)) <= 3:
        return "Dieses Passwort ist zu leicht zu erraten. Bitte wählen Sie ein anderes."
    personal = [email.split("@")[0].lower()] + [part.lower() for part in full_name.split()]
    if any(len(p) >= 4 and p in lowered for p in personal):
        return "Das Passwort darf weder Ihren Namen noch Ihre E-Mail-Adresse enthalten."
    return None
