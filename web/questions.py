"""Render questionnaire questions as widgets and read what was typed, for the wizard and the master data page.

Widget values live under keys ``q_<scope>_<question key>``; they are filled from the stored answers when a
step is shown and read back as raw input for :func:`questionnaire.checks.clean_value`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st

from accounts.validation import format_phone
from questionnaire.checks import MAX_PERSONS
from questionnaire.definition import Question
from web.forms import field_error
from web.text import md, md_field_label

YES, NO = "Ja", "Nein"
PERSON_FIELDS = (("name", "Name"), ("email", "E-Mail"), ("telefon", "Telefon (optional)"))


def widget_key(scope: str, key: str) -> str:
    """Return the session-state key of a question's widget."""
    return f"q_{scope}_{key}"


def _person_key(scope: str, key: str, index: int, field: str) -> str:
    return f"{widget_key(scope, key)}_{index}_{field}"


def _slots_key(scope: str, key: str) -> str:
    return f"{widget_key(scope, key)}_slots"


def to_widget(question: Question, value: Any) -> Any:
    """Return the widget value for a stored answer."""
    kind = question.kind
    if kind == "ja_nein":
        return None if value is None else (YES if value else NO)
    if kind == "bestaetigung":
        return bool(value)
    if kind == "gemeinden":
        return list(value or [])
    if kind == "auswahl":
        return value if value in question.options else None
    if value is None:
        return ""
    if kind == "betrag" and isinstance(value, int):
        return f"{value // 100},{value % 100:02d}"
    if kind == "zahl":
        return str(value).replace(".", ",")
    if kind == "telefon":
        return format_phone(str(value))
    return str(value)


def _fill_persons(scope: str, question: Question, persons: list[Any], *, force: bool, stored: bool) -> None:
    state = st.session_state
    slots_key = _slots_key(scope, question.key)
    needed = min(max(len(persons) + 1, 2), MAX_PERSONS)
    state[slots_key] = max(state.get(slots_key, 0), needed) if force else state.get(slots_key, needed)
    for index in range(state[slots_key]):
        person = persons[index] if index < len(persons) and isinstance(persons[index], Mapping) else {}
        for field, _label in PERSON_FIELDS:
            key = _person_key(scope, question.key, index, field)
            if force or key not in state:
                raw = str(person.get(field) or "")
                state[key] = format_phone(raw) if stored and field == "telefon" and raw else raw


def load_widgets(scope: str, questions: tuple[Question, ...], answers: Mapping[str, Any], *, force: bool = False) -> None:
    """Put stored answers into the widgets that have no value yet (``force``: overwrite what is there)."""
    state = st.session_state
    for question in questions:
        if question.kind == "personen":
            _fill_persons(scope, question, list(answers.get(question.key) or []), force=force, stored=True)
            continue
        key = widget_key(scope, question.key)
        if force or key not in state:
            state[key] = to_widget(question, answers.get(question.key))


def show_typed(scope: str, question: Question, raw: Any) -> None:
    """Put input that was not saved (invalid, or in conflict) back into its widget exactly as it was typed."""
    if question.kind == "personen":
        _fill_persons(scope, question, list(raw or []), force=True, stored=False)
    elif question.kind == "ja_nein":
        st.session_state[widget_key(scope, question.key)] = None if raw is None else (YES if raw else NO)
    else:
        st.session_state[widget_key(scope, question.key)] = raw


def sync_widgets(scope: str, questions: tuple[Question, ...], answers: Mapping[str, Any],
                 *, unsaved: Mapping[str, Any]) -> None:
    """Make the widgets show the stored answers (colleagues' changes included), except unsaved input, kept as typed."""
    for question in questions:
        if question.key in unsaved:
            show_typed(scope, question, unsaved[question.key])
        else:
            load_widgets(scope, (question,), answers, force=True)


def read_widget(scope: str, question: Question) -> Any:
    """Return the raw input of one question as :func:`questionnaire.checks.clean_value` expects it."""
    state = st.session_state
    if question.kind == "personen":
        slots = state.get(_slots_key(scope, question.key), 0)
        return [{field: state.get(_person_key(scope, question.key, i, field), "") or "" for field, _l in PERSON_FIELDS}
                for i in range(slots)]
    value = state.get(widget_key(scope, question.key))
    if question.kind == "ja_nein":
        return None if value is None else value == YES
    if question.kind == "gemeinden":
        return list(value or [])
    return value


def add_person_slot(scope: str, key: str) -> None:
    """Offer one more row for a person."""
    slots_key = _slots_key(scope, key)
    st.session_state[slots_key] = min(st.session_state.get(slots_key, 2) + 1, MAX_PERSONS)


def render_question(
    question: Question,
    scope: str,
    *,
    errors: Mapping[str, str],
    disabled: bool = False,
    on_change: Callable[..., None] | None = None,
    gemeinde_labels: Mapping[str, str] | None = None,
    required: bool = False,
    remarks: tuple[str, ...] = (),
) -> None:
    """Show the widget of one question, its help, its error and KISA's remarks on it."""
    key = widget_key(scope, question.key)
    label = md_field_label(question.label) + (" *" if required and question.kind != "bestaetigung" else "")  # labels are Markdown
    common: dict[str, Any] = {"key": key, "disabled": disabled, "help": md(question.help) or None}
    if on_change is not None:
        common |= {"on_change": on_change, "args": (question.key,)}
    kind = question.kind
    if kind == "langtext":
        st.text_area(label, max_chars=question.max_length, **common)
    elif kind == "auswahl":
        st.selectbox(label, question.options, index=None, placeholder="Bitte wählen …", **common)
    elif kind == "ja_nein":
        st.radio(label, (YES, NO), index=None, horizontal=True, **common)
    elif kind == "bestaetigung":
        st.checkbox(label, **common)
    elif kind == "gemeinden":
        labels = gemeinde_labels or {}
        st.multiselect(label, list(labels), format_func=lambda ags: labels.get(ags, ags),
                       placeholder="Gemeinde suchen …", **common, select_all=False)
    elif kind == "personen":
        _render_persons(question, scope, label=label, disabled=disabled, on_change=on_change)
    else:
        placeholder = {"email": "name@kommune.de", "telefon": "0351 1234567", "url": "https://",
                       "pfad": r"\\server\freigabe\ordner", "betrag": "0,00"}.get(kind)
        autocomplete = {"email": "email", "telefon": "tel"}.get(kind)
        st.text_input(label, max_chars=question.max_length, placeholder=placeholder, autocomplete=autocomplete,
                      **common)
    field_error(dict(errors), question.key)
    for remark in remarks:
        st.warning(f"**Rückfrage von KISA:** {md(remark)}", icon=":material/forum:")


def _render_persons(question: Question, scope: str, *, label: str, disabled: bool,
                    on_change: Callable[..., None] | None) -> None:
    st.markdown(f"**{md(label)}**")
    if question.help:
        st.caption(md(question.help))
    slots = st.session_state.get(_slots_key(scope, question.key), 2)
    for index in range(slots):
        columns = st.columns(3)
        for column, (field, field_label) in zip(columns, PERSON_FIELDS, strict=True):
            column.text_input(
                f"Person {index + 1}: {field_label}", key=_person_key(scope, question.key, index, field),
                disabled=disabled, on_change=on_change, args=(question.key,) if on_change else None,
                max_chars=254 if field == "email" else 200,
            )
    if not disabled and slots < MAX_PERSONS:
        st.button("Weitere Person", icon=":material/person_add:", key=f"{widget_key(scope, question.key)}_more",
                  on_click=add_person_slot, args=(scope, question.key))


def render_questions(
    questions: tuple[Question, ...] | list[Question],
    scope: str,
    *,
    errors: Mapping[str, str],
    disabled: bool = False,
    on_change: Callable[..., None] | None = None,
    gemeinde_labels: Mapping[str, str] | None = None,
    required_keys: frozenset[str] = frozenset(),
    remarks: Mapping[str, tuple[str, ...]] | None = None,
) -> None:
    """Show questions in order; consecutive questions of one ``row`` side by side (name, e-mail, phone)."""
    index = 0
    while index < len(questions):
        question = questions[index]
        group = [question]
        while question.row and index + len(group) < len(questions) and questions[index + len(group)].row == question.row:
            group.append(questions[index + len(group)])
        columns = st.columns(len(group)) if len(group) > 1 else [st.container()]
        for column, member in zip(columns, group, strict=True):
            with column:
                render_question(member, scope, errors=errors, disabled=disabled, on_change=on_change,
                                gemeinde_labels=gemeinde_labels, required=member.key in required_keys,
                                remarks=(remarks or {}).get(member.key, ()))
        index += len(group)
