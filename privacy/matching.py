"""Find a person's name, e-mail address and phone number in stored texts, and replace them by placeholders.

Used by the export (which rows mention the person) and the erasure (replace them). Matching ignores case and
the amount of white space between the words of a name, and respects word boundaries, so that erasing
``karl@riesa.example`` leaves ``ekarl@riesa.example`` alone. HTML-escaped forms (mail bodies) are found too.
JSON documents are walked value by value; a person entry (``{"name", "email", "telefon"}``) or a group of answers
(``…_name``, ``…_email``, ``…_telefon``) that is exactly the person's loses the phone number as well.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from typing import Any

from markupsafe import escape

from models import User

ERASED_DOMAIN = "geloescht.invalid"  # RFC 2606: .invalid never routes


def placeholder_name(user_id: int) -> str:
    """Return the name an erased person gets, e.g. ``gelöschte Person #12``."""
    return f"gelöschte Person #{user_id}"


def placeholder_email(user_id: int) -> str:
    """Return the unique, non-routable address an erased person gets."""
    return f"person-{user_id}@{ERASED_DOMAIN}"


def is_erased(user: User) -> bool:
    """Tell whether the account's personal data has been erased already."""
    return user.email.endswith(f"@{ERASED_DOMAIN}")


@dataclass(frozen=True)
class Person:
    """What identifies a person in stored texts."""

    user_id: int
    name: str
    email: str
    phone: str = ""

    @classmethod
    def of(cls, user: User) -> Person:
        """Return the person of an account."""
        assert user.id is not None
        return cls(user_id=user.id, name=user.full_name, email=user.email, phone=user.phone)


def _words(value: str) -> list[str]:
    return value.split()


class Matcher:
    """Finds one person in texts and replaces what it finds."""

    MIN_NAME = 3  # a shorter "name" would match inside ordinary words

    def __init__(self, person: Person) -> None:
        self.person = person
        self.name = " ".join(_words(person.name))
        self.email = person.email.strip().lower()
        self.phone = person.phone.strip()
        self.to_name = placeholder_name(person.user_id)
        self.to_email = placeholder_email(person.user_id)
        names = {self.name, html.escape(self.name), str(escape(self.name))} if len(self.name) >= self.MIN_NAME else set()
        self._name_patterns = [
            re.compile(r"(?<!\w)" + r"\s+".join(re.escape(w) for w in _words(n)) + r"(?!\w)", re.IGNORECASE)
            for n in sorted(names)
        ]
        self._email_pattern = (
            re.compile(r"(?<![\w.+-])" + re.escape(self.email) + r"(?![\w-]|\.\w)", re.IGNORECASE) if self.email else None
        )
        phones = {self.phone}
        if self.phone.startswith("+49"):
            phones.add("0" + self.phone[3:])  # the national form of a German number
        self._phone_patterns = [re.compile(r"(?<![\d+])" + re.escape(p) + r"(?!\d)") for p in sorted(phones) if len(p) >= 6]
        self.needles = sorted({n.lower() for n in names} | ({self.email} if self.email else set())
                              | {p for p in phones if len(p) >= 6})

    # --- finding ---------------------------------------------------------------------------------------------------

    def is_name(self, value: object) -> bool:
        """Tell whether ``value`` is exactly the person's name (case and spacing aside)."""
        return isinstance(value, str) and bool(self.name) and " ".join(_words(value)).lower() == self.name.lower()

    def is_email(self, value: object) -> bool:
        """Tell whether ``value`` is exactly the person's e-mail address (case aside)."""
        return isinstance(value, str) and bool(self.email) and value.strip().lower() == self.email

    def mentions(self, text: str) -> bool:
        """Tell whether ``text`` names the person, gives their address or phone number."""
        patterns = [*self._name_patterns, *self._phone_patterns]
        if self._email_pattern is not None:
            patterns.append(self._email_pattern)
        return any(p.search(text) for p in patterns)

    def mentions_json(self, text: str) -> bool:
        """Tell whether a JSON document (or, if it is none, the text) mentions the person."""
        try:
            document = json.loads(text)
        except ValueError:
            return self.mentions(text)
        return any(self.mentions(s) for s in _strings(document))

    # --- replacing -------------------------------------------------------------------------------------------------

    def replace(self, text: str) -> str:
        """Return ``text`` with the person's address, name and phone number replaced by placeholders."""
        if self._email_pattern is not None:
            text = self._email_pattern.sub(self.to_email, text)
        for pattern in self._name_patterns:
            text = pattern.sub(self.to_name, text)
        for pattern in self._phone_patterns:
            text = pattern.sub("[Telefonnummer gelöscht]", text)
        return text

    def replace_json_text(self, text: str) -> str:
        """Return a JSON document with the person replaced in every value; unchanged documents keep their text."""
        try:
            document = json.loads(text)
        except ValueError:
            return self.replace(text)
        replaced = self.replace_value(document)
        return text if replaced == document else json.dumps(replaced, ensure_ascii=False)

    def replace_value(self, value: Any) -> Any:
        """Return a JSON value with the person replaced (person entries and answer groups lose the phone too)."""
        if isinstance(value, str):
            return self.replace(value)
        if isinstance(value, list):
            return [self.replace_value(v) for v in value]
        if isinstance(value, dict):
            theirs = {_stem(k) for k, v in value.items()
                      if (_suffix(k) == "name" and self.is_name(v)) or (_suffix(k) == "email" and self.is_email(v))}
            result: dict[str, Any] = {}
            for key, item in value.items():
                if _suffix(key) == "telefon" and _stem(key) in theirs and isinstance(item, str):
                    result[key] = ""
                else:
                    result[key] = self.replace_value(item)
            return result
        return value


def _suffix(key: str) -> str:
    """Return ``name`` for ``name`` and ``kontakte.fachlich_name``; likewise ``email`` and ``telefon``."""
    return key.rsplit("_", 1)[-1] if "_" in key else key


def _stem(key: str) -> str:
    return key.rsplit("_", 1)[0] if "_" in key else ""


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    return []
