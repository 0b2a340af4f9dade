"""Field checks shared by registration, invitations and staff accounts (German messages)."""

from __future__ import annotations

import phonenumbers
from email_validator import EmailNotValidError, validate_email


def normalise_email(raw: str) -> tuple[str | None, str | None]:
    """Return ``(normalised address, None)`` or ``(None, German message)``."""
    raw = raw.strip()
    if not raw:
        return None, "Bitte geben Sie Ihre E-Mail-Adresse an."
    try:
        info = validate_email(raw, check_deliverability=False)
    except EmailNotValidError:
        return None, "Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. vorname.nachname@stadt.de."
    return info.normalized.lower(), None


def normalise_phone(raw: str, *, required: bool = True) -> tuple[str | None, str | None]:
    """Return ``(E.164 number, None)`` or ``(None, German message)``; German numbers by default."""
    raw = raw.strip()
    if not raw:
        return (None, "Bitte geben Sie eine Telefonnummer an.") if required else ("", None)
    try:
        number = phonenumbers.parse(raw, "DE")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        return None, "Bitte geben Sie eine gültige Telefonnummer an, z. B. 0351 1234567 oder +49 351 1234567."
    if number.extension:  # E.164 has no extension: it would be dropped without a word
        return None, "Bitte geben Sie die Durchwahl als Teil der Nummer an, z. B. 0351 555-07 statt „555-0 App. 7“."
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), None


def format_phone(e164: str) -> str:
    """Format a stored E.164 number for display, e.g. ``+49 351 1234567``."""
    if not e164:
        return ""
    try:
        return phonenumbers.format_number(
            phonenumbers.parse(e164, "DE"), phonenumbers.PhoneNumberFormat.INTERNATIONAL
        )
    except phonenumbers.NumberParseException:
        return e164


def clean_text(raw: str, *, max_length: int) -> str:
    """Strip whitespace and control characters; cut to ``max_length`` (check :func:`too_long` first)."""
    cleaned = "".join(ch for ch in raw if ch.isprintable() or ch == " ").strip()
    return cleaned[:max_length]


def too_long(raw: str, *, max_length: int) -> str | None:
    """Return a German message if ``raw``, cleaned, is longer than ``max_length`` characters (else ``None``)."""
    length = len(clean_text(raw, max_length=len(raw)))
    if length > max_length:
        return f"Bitte kürzen Sie auf höchstens {max_length} Zeichen (jetzt {length})."
    return None
