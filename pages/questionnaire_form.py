"""Konfigurationsfragebogen of one ordered product (``?nr=<id>&schritt=<step>``): wizard, autosave, review, submit."""

from __future__ import annotations

import streamlit as st

from backoffice.review import GENERAL, sent_comments
from core.db import session_scope
from core.errors import DomainError, FieldErrors
from models import OrderedProductState, Role
from questionnaire.checks import Problem, is_required
from questionnaire.definition import NAV_TITLES, REVIEW_STEP, Question, step_of
from questionnaire.display import answer_lines
from questionnaire.drafts import list_questionnaires, open_questionnaire, read_questionnaire, save_step
from questionnaire.store import EditConflict
from questionnaire.submission import ChangedMeanwhile, Incomplete, list_submissions, submit
from web.cached import district_choices, gemeinde_names
from web.downloads import configuration_downloads
from web.fragments import page_part
from web.guard import require_actor
from web.navigation import is_record_id
from web.questionnaire_panels import adopt_panel, copy_panel, invite_panel
from web.questionnaire_review import show_answers, show_problems
from web.questions import read_widget, render_questions, sync_widgets
from web.text import fmt_datetime, md

actor = require_actor(Role.KOMMUNE, Role.KISA, Role.ADMIN)
state = st.session_state


@page_part
def questionnaire() -> None:
    """The whole questionnaire: a step, an answer or a button reruns it alone, not the menu and the sidebar."""
    raw_nr = st.query_params.get("nr", "")
    if not is_record_id(raw_nr):
        st.title("Konfigurationsfragebogen")
        st.info("Bitte wählen Sie den Fragebogen in der Übersicht.")
        st.page_link("pages/questionnaires.py", label="Zur Übersicht der Fragebögen", icon=":material/checklist:")
        st.stop()
    try:
        with session_scope() as session:
            questionnaire_id = open_questionnaire(session, actor=actor, ordered_product_id=int(raw_nr))
            view = read_questionnaire(session, actor=actor, questionnaire_id=questionnaire_id)
    except DomainError as exc:
        st.title("Konfigurationsfragebogen")
        st.error(md(str(exc)))
        st.page_link("pages/questionnaires.py", label="Zur Übersicht der Fragebögen", icon=":material/checklist:")
        st.stop()

    qid = view.id
    scope = f"fb{qid}"
    # Per questionnaire: input not saved yet (invalid or in conflict) and the version each shown answer was loaded at.
    UNSAVED, SYNCED, ERRORS = f"fb_unsaved_{qid}", f"fb_synced_{qid}", f"fb_errors_{qid}"
    CONFLICT, SAVED = f"fb_conflict_{qid}", f"fb_saved_{qid}"
    unsaved: dict[str, object] = state.setdefault(UNSAVED, {})
    synced: dict[str, int] = state.setdefault(SYNCED, {})
    errors: dict[str, str] = state.setdefault(ERRORS, {})
    questions: dict[str, Question] = {q.key: q for s in view.steps for q in s.questions}
    step_keys = [s.key for s in view.steps] + [REVIEW_STEP]
    names = gemeinde_names()
    labels = district_choices(view.municipality_ags, view.answers.get("zustaendigkeit.gemeinden") or ())

    def go_to(step: str) -> None:
        """Open another step (kept in the address, so a reload or a link lands there)."""
        state[f"fb_step_{qid}"] = step
        st.query_params["schritt"] = step

    def _save(key: str, base_version: int) -> None:
        """Save one answer as typed, against the version it was shown at; a wrong value stays typed with its message."""
        raw = read_widget(scope, questions[key])
        try:
            with session_scope() as session:
                saved = save_step(session, actor=actor, questionnaire_id=qid, step_key=step_of(key), raw={key: raw},
                                  base_version=base_version)
        except FieldErrors as exc:
            errors[key] = exc.errors.get(key, str(exc))
            unsaved[key] = raw
        except EditConflict as exc:
            unsaved[key] = raw
            state[CONFLICT] = {"keys": [key], "exc": exc}
        except DomainError as exc:
            errors[key] = str(exc)
            unsaved[key] = raw
        else:
            errors.pop(key, None)
            unsaved.pop(key, None)
            synced[key] = saved.version
            conflict = state.get(CONFLICT)
            if conflict and key in conflict["keys"]:
                state.pop(CONFLICT)
            if saved.changed:
                state[SAVED] = True

    def _autosave(key: str) -> None:
        _save(key, synced.get(key, view.version))

    def _keep_mine() -> None:
        conflict = state.get(CONFLICT)
        if conflict:
            for key in conflict["keys"]:
                _save(key, conflict["exc"].current_version)

    def _take_theirs() -> None:
        conflict = state.pop(CONFLICT, None)
        if conflict:
            for key in conflict["keys"]:
                unsaved.pop(key, None)
                errors.pop(key, None)

    def _submit(reviewed_version: int) -> None:
        try:
            with session_scope() as session:
                submission = submit(session, actor=actor, questionnaire_id=qid, base_version=reviewed_version)
        except (Incomplete, ChangedMeanwhile) as exc:
            state[f"fb_submit_problem_{qid}"] = str(exc)
        except DomainError as exc:
            state[f"fb_submit_problem_{qid}"] = str(exc)
        else:
            state[f"fb_submitted_{qid}"] = submission.number

    # ---- header -------------------------------------------------------------------------------------------------------
    st.title(md(view.product.name))
    badge = f":blue-badge[{view.state_name}]"
    st.markdown(f"Konfigurationsfragebogen · **{md(view.municipality_name)}** (AGS {view.municipality_ags}) · {badge}")
    if view.updated_by:
        st.caption(f"Zuletzt gespeichert am {fmt_datetime(view.updated_at)} von {md(view.updated_by)}")
    seen = state.get(f"fb_seen_{qid}")
    if seen is not None and view.version > seen and view.updated_by and view.updated_by != actor.full_name:
        st.toast(f"Neue Angaben von {md(view.updated_by)} sind übernommen.", icon=":material/sync:")
    state[f"fb_seen_{qid}"] = view.version
    submitted_number = state.pop(f"fb_submitted_{qid}", None)
    if submitted_number:
        st.success(f"Eingereicht (Fassung {submitted_number}). Sie erhalten eine Bestätigung per E-Mail; KISA prüft die "
                   "Angaben und meldet sich bei Rückfragen.", icon=":material/send:")

    answered = view.progress
    st.progress(answered, text=f"{round(answered * 100)} % der Pflichtangaben beantwortet")

    # KISA's remarks of the current query (those written after the latest submission), at the top and at each question.
    remarks: dict[str, tuple[str, ...]] = {}
    if view.state == OrderedProductState.QUERY:
        with session_scope() as session:
            for comment in sent_comments(session, actor=actor, questionnaire_id=qid):
                if view.submitted_at is None or comment.created_at >= view.submitted_at:
                    remarks[comment.question_key] = (*remarks.get(comment.question_key, ()), comment.text)
    if remarks:
        step_titles = {s.key: s.title for s in view.steps}
        with st.container(border=True):
            st.markdown("**:material/forum: Rückfrage von KISA**")
            st.caption("Bitte prüfen Sie diese Angaben und reichen Sie den Fragebogen danach erneut ein.")
            for text in remarks.pop(GENERAL, ()):
                st.markdown(f"**Nachricht:** {md(text)}")
            for key, texts in remarks.items():
                question = questions.get(key)
                where = f"{step_titles.get(step_of(key), '')} – {question.label}" if question else key
                for text in texts:
                    st.markdown(f"- **{md(where)}:** {md(text)}")

    def _downloads() -> None:
        """Offer the configuration PDF and the JSON export (the latest submission, else the draft)."""
        configuration_downloads(actor, qid, name=("Konfiguration", view.municipality_ags, view.product.id), key=f"fb_{qid}",
                                json_label="Export für KISA (JSON)")

    # ---- read-only: submitted, or KISA looking at it -------------------------------------------------------------------
    if not view.editable:
        if actor.role == Role.KOMMUNE:
            st.info(f"Eingereicht am {fmt_datetime(view.submitted_at)}. Die Angaben sind schreibgeschützt, bis KISA "
                    "eine Rückfrage stellt.", icon=":material/lock:")
        _downloads()
        with session_scope() as session:
            history = list_submissions(session, actor=actor, questionnaire_id=qid)
        if history:
            st.caption("Eingereichte Fassungen: " + "; ".join(
                f"Fassung {h.number} am {fmt_datetime(h.submitted_at)} von {md(h.submitted_by)}" for h in history))
        st.header("Angaben")
        show_answers(view, names)
        st.stop()

    # ---- wizard ----------------------------------------------------------------------------------------------------------
    open_keys: dict[str, set[str]] = {}
    for problem in view.problems:
        open_keys.setdefault(problem.step, set()).add(problem.key)
    for key in errors:  # typed but not saved: open, whatever the stored answer says
        open_keys.setdefault(step_of(key), set()).add(key)
    step_param = st.query_params.get("schritt", step_keys[0])
    if state.get(f"fb_step_{qid}") not in step_keys:  # first visit, or a step this questionnaire does not have
        state[f"fb_step_{qid}"] = step_param if step_param in step_keys else step_keys[0]
    current = state[f"fb_step_{qid}"]

    nav_col, body_col = st.columns([1.4, 3], gap="large")

    def _step_chosen() -> None:
        """Keep the chosen step in the address (a reload or a link lands there)."""
        st.query_params["schritt"] = state[f"fb_step_{qid}"]

    def _step_label(key: str) -> str:
        """The step's number and short name. It never changes: Streamlit keeps a radio's choice by its label."""
        return f"{step_keys.index(key) + 1}. {NAV_TITLES.get(key, key)}"

    def _step_caption(key: str) -> str:
        """What is open in the step (its caption in the step list, which may change)."""
        missing = len(open_keys.get(key, ()))
        return f":material/radio_button_unchecked: {missing} offen" if missing and key != REVIEW_STEP else ""


    with nav_col:
        # One radio group, not a button per step: the browser redraws every element on each rerun (docs/performance.md,
        # "Fourth round"). Its key is the chosen step itself: "Weiter", "Zurück" and the review's links set it.
        st.radio("Schritte", step_keys, key=f"fb_step_{qid}", format_func=_step_label,
                 captions=[_step_caption(key) for key in step_keys], on_change=_step_chosen)
        if state.pop(SAVED, False):
            st.caption(":material/cloud_done: Gespeichert")
        else:
            st.caption(":material/cloud_done: Jede Eingabe wird beim Verlassen des Felds gespeichert.")

    current = state[f"fb_step_{qid}"]
    with body_col:
        conflict = state.get(CONFLICT)
        if conflict:
            clash: EditConflict = conflict["exc"]
            st.error(md(str(clash)), icon=":material/sync_problem:")
            for edit in clash.edits:
                for change in edit.answers:
                    question = questions.get(change.key)
                    new = "; ".join(answer_lines(question, change.new, names)) if question else str(change.new)
                    old = "; ".join(answer_lines(question, change.old, names)) if question else str(change.old)
                    st.markdown(f"- **{md(change.label)}**: jetzt „{md(new)}“ (vorher „{md(old)}“), geändert von "
                                f"{md(edit.user_name)} am {fmt_datetime(edit.at)}")
            keep_col, take_col = st.columns(2)
            keep_col.button("Meine Eingabe speichern", on_click=_keep_mine, icon=":material/save:", key=f"fb_keep_{qid}")
            take_col.button("Angaben der anderen Person übernehmen", on_click=_take_theirs, icon=":material/sync:",
                            key=f"fb_take_{qid}")

        if current == REVIEW_STEP:
            st.header("Prüfen und absenden")
            not_saved = [Problem(step_of(key), key, questions[key].label, f"nicht gespeichert – {message}")
                         for key, message in errors.items() if key in questions]
            open_points = not_saved + [p for p in view.problems if p.key not in errors]
            show_problems(open_points, go_to=go_to)
            problem = state.pop(f"fb_submit_problem_{qid}", None)
            if problem:
                st.error(md(problem))
            with st.popover("Fragebogen einreichen …", icon=":material/send:", disabled=bool(open_points)):
                st.write("Nach dem Einreichen sind die Angaben schreibgeschützt, bis KISA eine Rückfrage stellt. "
                         "KISA beginnt dann mit der Prüfung und Einrichtung.")
                st.button("Ja, verbindlich einreichen", type="primary", on_click=_submit, args=(view.version,),
                          key=f"fb_submit_{qid}")
            _downloads()
            show_answers(view, names, go_to=go_to)
        else:
            step = next(s for s in view.steps if s.key == current)
            st.header(step.title)
            st.caption(step.intro)
            sync_widgets(scope, step.questions, view.answers, unsaved=unsaved)
            for question in step.questions:
                if question.key not in unsaved:
                    synced[question.key] = view.version
            required = frozenset(q.key for q in step.questions if is_required(q, view.answers))
            render_questions(step.questions, scope, errors=errors, on_change=_autosave, gemeinde_labels=labels,
                             required_keys=required, remarks=remarks)
            if step.key == "servicekonto":
                with st.container(border=True):
                    st.caption("Vorschau: So sieht die Nachricht im Servicekonto aus")
                    st.markdown(f"**Ihr Antrag „{md(view.product.name)}“ ist eingegangen**")
                    st.text(f"{view.municipality_name} hat Ihren Antrag erhalten und bearbeitet ihn.")
                    extra = read_widget(scope, questions["servicekonto.text"]) or ""
                    if extra.strip():
                        st.text(extra)
            back_col, next_col = st.columns(2)
            position = step_keys.index(current)
            if position > 0:
                back_col.button("Zurück", icon=":material/arrow_back:", on_click=go_to, args=(step_keys[position - 1],),
                                key=f"fb_back_{qid}")
            next_col.button("Weiter", icon=":material/arrow_forward:", type="primary", on_click=go_to,
                            args=(step_keys[position + 1],), key=f"fb_next_{qid}")

        if actor.role == Role.KOMMUNE:
            st.divider()
            copy_panel(actor, view)
            with session_scope() as session:
                others = {r.ordered_product_id: r.product_name for r in list_questionnaires(session, actor=actor)
                          if r.editable and r.ordered_product_id != view.ordered_product_id}
            invite_panel(actor, view, others)
            adopt_panel(actor, view)


questionnaire()
