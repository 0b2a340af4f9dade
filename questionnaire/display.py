"""Answers as text for people (review page, mails): Ja/Nein, amounts in euro, persons, municipalities by name."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from accounts.validation import format_phone
from core.money import euro
from questionnaire.definition import Question

EMPTY = "—"


def answer_lines(question: Question, value: Any, gemeinde_names: Mapping[str, str] | None = None) -> list[str]:
    """Return the answer as one or more lines of plain text (``—`` when unanswered)."""
    if value is None or value == "" or value == []:
        return [EMPTY]
    kind = question.kind
    if kind in ("ja_nein", "bestaetigung"):
        return ["Ja" if value is True else "Nein"] if kind == "ja_nein" else ["bestätigt" if value else "nicht bestätigt"]
    if kind == "betrag" and isinstance(value, int):
        return [euro(value)]
    if kind == "zahl":
        return [str(value).replace(".", ",")]
    if kind == "telefon":
        return [format_phone(str(value))]
    if kind == "gemeinden":
        names = gemeinde_names or {}
        return [f"{names.get(ags, 'unbekannt')} ({ags})" for ags in value]
    if kind == "personen":
        return [", ".join(p for p in (person.get("name", ""), person.get("email", ""),
                                      format_phone(person.get("telefon", ""))) if p) for person in value]
    return str(value).split("\n") if kind == "langtext" else [str(value)]

