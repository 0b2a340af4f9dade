"""Team-work panels of the questionnaire page: copy answers to other products, ask a colleague to help (UI only)."""

from __future__ import annotations

import streamlit as st

from accounts.actor import Actor
from accounts.registration import POSITIONS
from core.db import session_scope
from core.errors import DomainError, FieldErrors
from questionnaire.copying import copy_answers, copy_targets
from questionnaire.definition import STEP_TITLES
from questionnaire.drafts import QuestionnaireView, open_questionnaire
from questionnaire.master import adopt_as_master
from questionnaire.team import invite_to_questionnaires
from web.forms import field_error
from web.lazy import lazy_expander
from web.text import count, md


def copy_panel(actor: Actor, view: QuestionnaireView) -> None:
    """Copy the answers of chosen steps to other ordered products of the municipality."""
    box = lazy_expander("Angaben in andere Produkte übernehmen", key=f"cp_panel_{view.id}", icon=":material/content_copy:")
    if box is None:  # closed: the list of products to copy to is neither read nor sent
        return
    with session_scope() as session:
        targets = copy_targets(session, actor=actor, questionnaire_id=view.id)
    with box:
        if not targets:
            st.caption("Keine weiteren Produkte Ihrer Kommune warten auf einen Fragebogen.")
            return
        st.caption("Haben Sie mehrere Produkte bestellt, z. B. aus dem Meldewesen, füllen Sie einen Fragebogen aus "
                   "und übernehmen die Angaben in die anderen. Produkteinstellungen gehen nur dorthin über, wo das "
                   "Produkt dieselbe Einstellung hat.")
        names = {t.ordered_product_id: t.product_name + ("" if t.begun else " (noch nicht begonnen)") for t in targets}
        chosen = st.multiselect("In diese Produkte", list(names), format_func=names.__getitem__, key=f"cp_targets_{view.id}",
                                placeholder="Produkte wählen …", select_all=False)
        step_options = [s.key for s in view.steps]
        steps = st.multiselect("Diese Schritte", step_options, default=[s for s in step_options if s != "produkt"],
                               format_func=lambda key: STEP_TITLES.get(key, key), key=f"cp_steps_{view.id}", select_all=False,
                               placeholder="Schritte wählen …")
        with st.popover("Angaben kopieren …", icon=":material/content_copy:", disabled=not chosen or not steps):
            st.write("Die Angaben der gewählten Schritte ersetzen die Angaben in "
                     f"{count(len(chosen), 'Fragebogen', 'Fragebögen')}. "
                     "Wer was geändert hat, bleibt im Verlauf erhalten.")
            st.button("Ja, kopieren", type="primary", key=f"cp_go_{view.id}", on_click=_copy,
                      args=(actor, view.id, chosen, steps))
        report = st.session_state.pop(f"cp_report_{view.id}", None)
        if isinstance(report, str):
            st.success(report, icon=":material/task_alt:")
            st.toast(report, icon=":material/task_alt:")  # the confirmation popover may cover the message
        for line in st.session_state.pop(f"cp_skipped_{view.id}", []):
            st.warning(md(line))
        problem = st.session_state.pop(f"cp_problem_{view.id}", None)
        if problem:
            st.error(md(problem))


def _copy(actor: Actor, questionnaire_id: int, targets: list[int], steps: list[str]) -> None:
    try:
        with session_scope() as session:
            report = copy_answers(session, actor=actor, questionnaire_id=questionnaire_id,
                                  target_ordered_ids=targets, step_keys=steps)
    except DomainError as exc:
        st.session_state[f"cp_problem_{questionnaire_id}"] = str(exc)
        return
    changed = sum(report.copied.values())
    st.session_state[f"cp_report_{questionnaire_id}"] = (
        f"Angaben in {count(len(report.copied), 'Fragebogen', 'Fragebögen')} übernommen "
        f"({count(changed, 'Antwort', 'Antworten')} geändert).")
    st.session_state[f"cp_skipped_{questionnaire_id}"] = [
        f"{product}: „{label}“ nicht übernommen – {reason}" for product, label, reason in report.skipped]


def adopt_panel(actor: Actor, view: QuestionnaireView) -> None:
    """Offer to keep this questionnaire's general answers as the municipality's master data."""
    with st.expander("Als Stammdaten der Kommune speichern", icon=":material/domain:"):
        st.caption("Ansprechpartner, Transferverzeichnis, Benachrichtigungsadresse und weitere allgemeine Angaben "
                   "dieses Fragebogens werden Stammdaten Ihrer Kommune und füllen künftige Fragebögen vor.")
        if st.button("Angaben als Stammdaten speichern", key=f"ad_go_{view.id}", icon=":material/save:"):
            try:
                with session_scope() as session:
                    saved = adopt_as_master(session, actor=actor, questionnaire_id=view.id)
            except FieldErrors:
                st.error("Einige Angaben sind noch nicht gültig; bitte korrigieren Sie diese zuerst.")
            except DomainError as exc:
                st.error(md(str(exc)))
            else:
                st.success(f"Stammdaten gespeichert ({count(len(saved.changed_keys), 'Angabe', 'Angaben')} geändert).")
                if saved.drafts:
                    st.info(f"{count(len(saved.drafts), 'weiterer Fragebogen enthält', 'weitere Fragebögen enthalten')} "
                            "andere Angaben. Auf der Seite "
                            "„Stammdaten“ können Sie diese übernehmen.")


def invite_panel(actor: Actor, view: QuestionnaireView, others: dict[int, str]) -> None:
    """Ask a colleague (new or with an account) to fill some steps; they get an e-mail with the links."""
    if not actor.can_manage_team:
        return
    prefix = f"iv_{view.id}"
    box = lazy_expander("Kolleg:in um Mitarbeit bitten", key=f"{prefix}_panel", icon=":material/group_add:")
    if box is None:
        return
    with box:
        st.caption("Die Person erhält eine E-Mail mit Links zu den Schritten. Hat sie noch kein Konto, wird es mit der "
                   "Einladung angelegt; sie sieht nur die Daten Ihrer Kommune.")
        errors: dict[str, str] = st.session_state.get(f"{prefix}_errors", {})
        email_col, name_col, position_col = st.columns(3)
        email_col.text_input("Dienstliche E-Mail-Adresse", key=f"{prefix}_email", max_chars=254)
        with email_col:
            field_error(errors, "email")
        name_col.text_input("Vor- und Nachname (bei neuem Konto)", key=f"{prefix}_name", max_chars=200)
        with name_col:
            field_error(errors, "full_name")
        position_col.selectbox("Funktion (bei neuem Konto)", POSITIONS, index=None, placeholder="Bitte wählen …",
                               key=f"{prefix}_position")
        with position_col:
            field_error(errors, "position")
        st.multiselect("Welche Schritte soll die Person ausfüllen?", [s.key for s in view.steps],
                       format_func=lambda key: STEP_TITLES.get(key, key), key=f"{prefix}_steps", select_all=False,
                       placeholder="Schritte wählen …")
        field_error(errors, "steps")
        st.multiselect("Auch für diese Produkte (optional)", list(others), format_func=others.__getitem__,
                       key=f"{prefix}_others", placeholder="weitere Produkte …", select_all=False)
        st.text_area("Nachricht (optional)", key=f"{prefix}_note", max_chars=1000)
        field_error(errors, "note")
        st.button("Einladung senden", type="primary", icon=":material/send:", key=f"{prefix}_go", on_click=_invite,
                  args=(actor, view.id, prefix))
        done = st.session_state.pop(f"{prefix}_done", None)
        if done:
            st.success(done, icon=":material/mark_email_read:")


def _invite(actor: Actor, questionnaire_id: int, prefix: str) -> None:
    state = st.session_state
    try:
        with session_scope() as session:
            ids = [questionnaire_id] + [open_questionnaire(session, actor=actor, ordered_product_id=op)
                                        for op in state.get(f"{prefix}_others", [])]
            invited = invite_to_questionnaires(
                session, actor=actor, questionnaire_ids=ids, email=state.get(f"{prefix}_email", ""),
                full_name=state.get(f"{prefix}_name", ""), position=state.get(f"{prefix}_position") or "",
                steps=list(state.get(f"{prefix}_steps", [])), note=state.get(f"{prefix}_note", ""),
            )
    except FieldErrors as exc:
        state[f"{prefix}_errors"] = exc.errors
        return
    except DomainError as exc:
        state[f"{prefix}_errors"] = {"email": str(exc)}
        return
    state[f"{prefix}_errors"] = {}
    who = md(state.get(f"{prefix}_email", ""))
    state[f"{prefix}_done"] = (f"Einladung an {who} gesendet; ein neues Konto wurde angelegt." if invited.new_account
                               else f"{who} wurde per E-Mail um Mitarbeit gebeten.")
    # Empty the form (set, not deleted: the browser then shows the empty values too).
    for field, empty in (("email", ""), ("name", ""), ("position", None), ("steps", []), ("others", []), ("note", "")):
        state[f"{prefix}_{field}"] = empty
