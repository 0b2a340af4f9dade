"""Check answers: each value's format when a step is saved, completeness before submission (German messages)."""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from accounts.validation import normalise_email, normalise_phone
from core.text import clean_free_text  # imported from here by the domain packages
from questionnaire.definition import Question, Step

Value = str | int | float | bool | list[str] | list[dict[str, str]] | None
MAX_PERSONS = 10
MAX_PERSON_NAME = 200

_UNC = re.compile(r"^\\\\[A-Za-z0-9][A-Za-z0-9.\-]*(\\[^\\/:*?\"<>|]+)+\\?$")
_POSIX = re.compile(r"^(/[^/\\:*?\"<>|]+)+/?$")
_AGS = re.compile(r"^\d{8}$")
_MONEY = re.compile(r"^(\d{1,3}(\.\d{3})+|\d+)(,\d{1,2})?$")
MAX_AMOUNT_CENTS = 100_000_000  # 1.000.000,00 €: far above any fee; keeps sums and exports sane
MAX_NUMBER = 1_000_000_000
_NUMBER = re.compile(r"^(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$")


class ValueProblem(ValueError):
    """A value is not acceptable; the message is German and shown at the field."""


def _text(question: Question, raw: object) -> str | None:
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise ValueProblem("Bitte geben Sie einen Text ein.")
    text = clean_free_text(raw, multiline=question.kind == "langtext")
    if len(text) > question.max_length:
        raise ValueProblem(f"Bitte kürzen Sie auf höchstens {question.max_length} Zeichen (jetzt {len(text)}).")
    return text or None


def _email(raw: str) -> str:
    address, problem = normalise_email(raw)
    if problem or address is None:
        raise ValueProblem("Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. buergerbuero@stadt.de.")
    return address


def _phone(raw: str) -> str:
    number, problem = normalise_phone(raw, required=False)
    if problem or number is None:
        raise ValueProblem(problem or "Bitte geben Sie eine gültige Telefonnummer an.")
    if not number.startswith("+49"):
        raise ValueProblem("Bitte geben Sie eine deutsche Telefonnummer an, z. B. 0351 1234567 oder +49 351 1234567.")
    return number


def _url(raw: str) -> str:
    parts = urlsplit(raw)
    if parts.scheme != "https" or not parts.hostname or "." not in parts.hostname or " " in raw:
        raise ValueProblem("Bitte geben Sie eine vollständige Adresse an, die mit https:// beginnt.")
    return raw


def _path(raw: str) -> str:
    if ".." in raw.replace("\\", "/").split("/") or not (_UNC.match(raw) or _POSIX.match(raw)):
        raise ValueProblem(
            r"Bitte geben Sie den Pfad als Netzwerkpfad (\\server\freigabe\ordner) oder absoluten Pfad "
            "(/kdn/transfer/ordner) an, ohne „..“ und ohne Sonderzeichen wie * ? \" < > |."
        )
    return raw


def _number(raw: object) -> int | float:
    if isinstance(raw, bool):
        raise ValueProblem("Bitte geben Sie eine Zahl ein.")
    if isinstance(raw, int | float):
        value: int | float = raw
    else:
        text = str(raw).strip()
        if text.startswith("-") and _NUMBER.match(text[1:].strip()):
            raise ValueProblem("Bitte geben Sie eine Zahl ab 0 ein.")
        if not _NUMBER.match(text):  # German notation only: no "1.5", "1e5", "inf" or "1_000"
            raise ValueProblem("Bitte geben Sie eine Zahl ein, z. B. 14 oder 2,5.")
        value = float(text.replace(".", "").replace(",", "."))
    if not math.isfinite(value):
        raise ValueProblem("Bitte geben Sie eine Zahl ein, z. B. 14 oder 2,5.")
    if value < 0:
        raise ValueProblem("Bitte geben Sie eine Zahl ab 0 ein.")
    if value > MAX_NUMBER:
        raise ValueProblem("Bitte geben Sie eine Zahl bis 1.000.000.000 ein.")
    return int(value) if float(value).is_integer() else value


def parse_money(raw: object) -> int:
    """Return euro cents (at most 1.000.000,00 €) for ``"8"``, ``"8,5"``, ``"1.234,50"`` or a number of euros."""
    cents = _cents(raw)
    if cents > MAX_AMOUNT_CENTS:
        raise ValueProblem("Bitte geben Sie einen Betrag bis 1.000.000,00 € an.")
    return cents


def _cents(raw: object) -> int:
    if isinstance(raw, bool):
        raise ValueProblem("Bitte geben Sie einen Betrag in Euro an.")
    if isinstance(raw, int | float):
        if not math.isfinite(raw) or raw < 0:
            raise ValueProblem("Bitte geben Sie einen Betrag ab 0 Euro an, z. B. 8,00 oder 1.250,50.")
        return round(raw * 100)
    text = str(raw).strip().removesuffix("€").removesuffix("EUR").strip()
    if not _MONEY.match(text):
        raise ValueProblem("Bitte geben Sie einen Betrag in Euro an, z. B. 8,00 oder 1.250,50.")
    euros, _, cents = text.replace(".", "").partition(",")
    return int(euros) * 100 + int((cents + "00")[:2])


def _municipalities(raw: object, known: Collection[str]) -> list[str] | None:
    if raw is None:
        return None
    if not isinstance(raw, list | tuple):
        raise ValueProblem("Bitte wählen Sie Gemeinden aus der Liste.")
    chosen: list[str] = []
    for item in raw:
        ags = str(item).strip()
        if not _AGS.match(ags):
            raise ValueProblem(f"„{ags[:20]}“ ist kein Amtlicher Gemeindeschlüssel (8 Ziffern).")
        if ags not in known:
            raise ValueProblem(f"Die Gemeinde mit dem Schlüssel {ags} steht nicht im Gemeindeverzeichnis.")
        if ags not in chosen:
            chosen.append(ags)
    return chosen or None


def _persons(raw: object) -> list[dict[str, str]] | None:
    if raw is None:
        return None
    if not isinstance(raw, list | tuple):
        raise ValueProblem("Bitte tragen Sie die Personen in die Tabelle ein.")
    persons: list[dict[str, str]] = []
    problems_found: list[str] = []  # every row's problem at once, not only the first
    for number, row in enumerate(raw, start=1):
        row = row if isinstance(row, Mapping) else {}
        name = clean_free_text(str(row.get("name") or ""), multiline=False)
        email = str(row.get("email") or "").strip()
        phone = str(row.get("telefon") or "").strip()
        if not (name or email or phone):
            continue  # an empty row of the table
        row_problems = []
        if len(name) < 3:
            row_problems.append("Bitte geben Sie Vor- und Nachnamen an.")
        elif len(name) > MAX_PERSON_NAME:
            row_problems.append(f"Bitte kürzen Sie den Namen auf höchstens {MAX_PERSON_NAME} Zeichen (jetzt {len(name)}).")
        person = {"name": name, "email": "", "telefon": ""}
        if not email:
            row_problems.append("Bitte geben Sie die E-Mail-Adresse an.")
        else:
            try:
                person["email"] = _email(email)
            except ValueProblem as exc:
                row_problems.append(str(exc))
        if phone:
            try:
                person["telefon"] = _phone(phone)
            except ValueProblem as exc:
                row_problems.append(str(exc))
        if row_problems:
            problems_found.append(f"Person {number}: " + " ".join(row_problems))
        persons.append(person)
    if problems_found:
        raise ValueProblem(" · ".join(problems_found))
    if len(persons) > MAX_PERSONS:
        raise ValueProblem(f"Bitte nennen Sie höchstens {MAX_PERSONS} Personen.")
    return persons or None


def clean_value(question: Question, raw: object, *, known_ags: Collection[str] = ()) -> Value:
    """Return the value to store for ``raw`` (``None`` for empty); raise :class:`ValueProblem` if it is wrong."""
    kind = question.kind
    if kind in ("ja_nein", "bestaetigung"):
        if raw is None or isinstance(raw, bool):
            return raw
        raise ValueProblem("Bitte wählen Sie Ja oder Nein.")
    if kind == "gemeinden":
        return _municipalities(raw, known_ags)
    if kind == "personen":
        return _persons(raw)
    if isinstance(raw, str) and not raw.strip():
        return None
    if raw is None:
        return None
    if kind == "zahl":
        return _number(raw)
    if kind == "betrag":
        return parse_money(raw)
    text = _text(question, raw)
    if text is None:
        return None
    if kind == "email":
        return _email(text)
    if kind == "telefon":
        return _phone(text)
    if kind == "url":
        return _url(text)
    if kind == "pfad":
        return _path(text)
    if kind == "auswahl" and text not in question.options:
        raise ValueProblem("Bitte wählen Sie einen der angebotenen Einträge.")
    return text


def clean_step(
    step: Step, raw: Mapping[str, object], *, known_ags: Collection[str] = ()
) -> tuple[dict[str, Value], dict[str, str]]:
    """Check the answers of one step; return ``(clean values, errors by question key)``."""
    values: dict[str, Value] = {}
    errors: dict[str, str] = {}
    for question in step.questions:
        if question.key not in raw:
            continue
        try:
            values[question.key] = clean_value(question, raw[question.key], known_ags=known_ags)
        except ValueProblem as exc:
            errors[question.key] = str(exc)
    return values, errors


@dataclass(frozen=True)
class Problem:
    """Something that stops the submission, with the step to fix it in."""

    step: str
    key: str
    label: str
    message: str


def is_required(question: Question, answers: Mapping[str, Any]) -> bool:
    """Tell whether ``question`` must be answered, given the other answers."""
    if question.required:
        return True
    if question.required_when:
        other, values = question.required_when
        return answers.get(other) in values
    return False


def _empty(value: object) -> bool:
    return value is None or value == "" or value == []


def problems(steps: tuple[Step, ...], answers: Mapping[str, Any], *, known_ags: Collection[str] = ()) -> list[Problem]:
    """List everything that stops the submission: missing answers, missing confirmations, invalid values."""
    found: list[Problem] = []
    for step in steps:
        for question in step.questions:
            value = answers.get(question.key)
            if question.kind == "bestaetigung":
                if question.required and value is not True:
                    found.append(Problem(step.key, question.key, question.label, "Bitte bestätigen Sie diesen Punkt."))
                continue
            if _empty(value):
                if is_required(question, answers):
                    found.append(Problem(step.key, question.key, question.label, "Bitte beantworten Sie diese Frage."))
                continue
            try:
                clean_value(question, _as_input(question, value), known_ags=known_ags)
            except ValueProblem as exc:
                found.append(Problem(step.key, question.key, question.label, str(exc)))
                continue
            if question.must_be is not None and value != question.must_be[0] and is_required(question, answers):
                found.append(Problem(step.key, question.key, question.label, question.must_be[1]))
    return found


def _as_input(question: Question, value: object) -> object:
    """Turn a stored value back into input form for re-checking (amounts are stored in cents)."""
    if question.kind == "betrag" and isinstance(value, int) and not isinstance(value, bool):
        return value / 100
    return value


def steps_with_problems(found: list[Problem]) -> set[str]:
    """Return the keys of the steps that have problems."""
    return {p.step for p in found}
