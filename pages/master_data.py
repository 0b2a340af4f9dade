"""Stammdaten: the municipality's general answers, entered once; offers to update questionnaires still in draft."""

from __future__ import annotations

import streamlit as st

from accounts.directory import get_municipality
from core.db import session_scope
from core.errors import DomainError, FieldErrors
from models import Role
from questionnaire.display import answer_lines
from questionnaire.master import MASTER_STEPS, StaleMasterData, apply_master, read_master, save_master
from web.cached import district_choices, gemeinde_names
from web.guard import require_actor
from web.questions import load_widgets, read_widget, render_questions
from web.text import count, fmt_datetime, md

actor = require_actor(Role.KOMMUNE)
state = st.session_state
SCOPE, BASE, ERRORS = "md", "md_base", "md_errors"

st.title("Stammdaten der Kommune")
st.caption("Diese Angaben gelten für alle Online-Antragsassistenten Ihrer Kommune. Sie füllen jeden neuen "
           "Fragebogen vor; nach einer Änderung können Sie sie in Fragebögen übernehmen, die noch nicht eingereicht "
           "sind.")

with session_scope() as session:
    master = read_master(session, actor=actor)
    town = get_municipality(session, actor=actor, municipality_id=actor.municipality_id or 0)
if master.updated_by:
    st.caption(f"Zuletzt gespeichert am {fmt_datetime(master.updated_at)} von {md(master.updated_by)}")
state.setdefault(BASE, master.version)
labels = district_choices(town.ags if town else "", master.answers.get("zustaendigkeit.gemeinden") or ())
names = gemeinde_names()
questions = [q for s in MASTER_STEPS for q in s.questions]


LOADED = "md_loaded"  # what each field showed when it was last filled from the database
loaded: dict[str, object] = state.setdefault(LOADED, {})


def _changed_here() -> dict[str, object]:
    """Return the answers the person changed on this page (only these are saved; colleagues' others stay)."""
    return {q.key: read_widget(SCOPE, q) for q in questions
            if q.key in loaded and read_widget(SCOPE, q) != loaded[q.key]}


def _save() -> None:
    raw = _changed_here()
    if not raw:
        state["md_saved"] = 0
        return
    try:
        with session_scope() as session:
            saved = save_master(session, actor=actor, raw=raw, base_version=state[BASE])
    except FieldErrors as exc:
        state[ERRORS] = exc.errors
        return
    except StaleMasterData as exc:
        state["md_stale"] = str(exc)
        state["md_stale_answers"] = {k: exc.current.answers.get(k) for k in raw}
        state[BASE] = exc.current.version  # saving again takes the person's changes over the newer version
        return
    except DomainError as exc:
        state[ERRORS] = {questions[0].key: str(exc)}
        return
    state[ERRORS] = {}
    state[BASE] = saved.version
    loaded.update(raw)  # saved: the fields show the stored (normalised) values again
    state["md_saved"] = len(saved.changed_keys)
    state["md_drafts"] = saved.drafts
    state["md_changed"] = saved.changed_keys


def _apply() -> None:
    drafts = state.get("md_drafts", ())
    chosen = [d.questionnaire_id for d in drafts if state.get(f"md_apply_{d.questionnaire_id}", True)]
    try:
        with session_scope() as session:
            updated = apply_master(session, actor=actor, questionnaire_ids=chosen,
                                   keys=tuple(state.get("md_changed", ())))
    except DomainError as exc:
        state["md_apply_problem"] = str(exc)
        return
    state["md_applied"] = updated
    state.pop("md_drafts", None)


# Fields the person has not changed show the stored master data (also a colleague's newer values);
# changed fields keep what was typed until it is saved.
changed_here = _changed_here()
for question in questions:
    if question.key not in changed_here:
        load_widgets(SCOPE, (question,), master.answers, force=True)
        loaded[question.key] = read_widget(SCOPE, question)
for step in MASTER_STEPS:
    with st.container(border=True):
        st.header(step.title)
        render_questions(step.questions, SCOPE, errors=state.get(ERRORS, {}), gemeinde_labels=labels)

if state.get(ERRORS):
    st.error(f"Bitte prüfen Sie die markierten Angaben ({len(state[ERRORS])}). Es wurde nichts gespeichert.")
elif changed_here:
    st.caption(f":material/edit: {count(len(changed_here), 'geänderte Angabe ist', 'geänderte Angaben sind')} "
               "noch nicht gespeichert.")
st.button("Stammdaten speichern", type="primary", icon=":material/save:", on_click=_save)


def _feedback() -> None:
    """What saving did, right below the button where the person looks."""
    saved_count = state.pop("md_saved", None)
    if saved_count == 0:
        st.info("Keine Änderungen zu speichern.")
    elif saved_count is not None:
        st.success(f"Stammdaten gespeichert ({count(saved_count, 'Angabe', 'Angaben')} geändert).", icon=":material/task_alt:")
    applied = state.pop("md_applied", None)
    if applied is not None:
        st.success(f"Stammdaten in {count(applied, 'Fragebogen', 'Fragebögen')} übernommen.", icon=":material/task_alt:")
    if state.get("md_apply_problem"):
        st.error(md(state.pop("md_apply_problem")))

    drafts = state.get("md_drafts") or ()
    if drafts:
        with st.container(border=True):
            st.markdown("**Diese Fragebögen sind noch nicht eingereicht und enthalten andere Angaben.** "
                        "Sollen die neuen Stammdaten dort übernommen werden?")
            for draft in drafts:
                st.checkbox(f"{md(draft.product_name)} – {md(', '.join(draft.labels))}", value=True,
                            key=f"md_apply_{draft.questionnaire_id}")
            apply_col, skip_col = st.columns(2)
            apply_col.button("In ausgewählte Fragebögen übernehmen", type="primary", on_click=_apply,
                             icon=":material/sync:")
            skip_col.button("Nicht übernehmen", on_click=lambda: state.pop("md_drafts", None))

    stale = state.pop("md_stale", None)
    if stale:
        st.warning(md(stale), icon=":material/sync_problem:")
        by_key = {q.key: q for q in questions}
        for key, value in state.pop("md_stale_answers", {}).items():
            shown = "; ".join(answer_lines(by_key[key], value, names))
            st.caption(f"{md(by_key[key].label)}: jetzt gespeichert „{md(shown)}“ – Ihre Eingabe steht im Feld.")


_feedback()
