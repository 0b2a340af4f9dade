"""Vorgang (``?nr=<ordered product>``): KISA reviews a submitted configuration, asks back or takes it over, works
through the set-up checklist and puts the OAA live in maintenance mode (Go-Live)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from acceptance.view import acceptance_view
from backoffice.queue import queue_item, staff_members
from backoffice.review import ReviewView, add_comment, ask_back, delete_comment, read_review, take_over
from backoffice.setup import TaskView, checklist, go_live, open_task_count, tick
from core.db import session_scope
from core.errors import DomainError, FieldErrors, NotFound
from lifecycle.changes import terminate
from lifecycle.machine import allowed
from models import OrderedProductState, Role, TestOutcome
from questionnaire.definition import Step
from questionnaire.drafts import read_questionnaire
from support.threads import list_problems
from web.answer_text import step_markdown
from web.backoffice import assign_control, due_text, show_feedback
from web.cached import gemeinde_names
from web.downloads import configuration_downloads
from web.fragments import page_part
from web.guard import require_actor
from web.lazy import lazy_expander
from web.navigation import is_record_id
from web.reauth import ReauthRequired, ask_password, password_field, sensitive_scope
from web.text import count, fmt_datetime, md

actor = require_actor(Role.KISA, Role.ADMIN)
state = st.session_state
S = OrderedProductState
TEST_AND_AFTER = (S.TESTING, S.ACCEPTED, S.LIVE, S.CHANGE_REQUESTED)


def _back_link() -> None:
    st.page_link("pages/kisa_queue.py", label="Zum Arbeitsvorrat", icon=":material/inbox:")


@page_part
def case() -> None:
    """The case: a remark, a tick or a button reruns it alone, not the menu and the sidebar (web/fragments.py)."""
    raw_nr = st.query_params.get("nr", "")
    if not is_record_id(raw_nr):
        st.title("Vorgang")
        st.info("Bitte wählen Sie den Vorgang im Arbeitsvorrat.")
        _back_link()
        st.stop()
    nr = int(raw_nr)
    try:
        with session_scope() as session:
            item = queue_item(session, actor=actor, ordered_product_id=nr)
            staff = {s.user_id: s.full_name for s in staff_members(session, actor=actor)}
            review: ReviewView | None = None
            draft_steps: tuple[Step, ...] = ()
            draft_answers: dict[str, Any] = {}
            if item.questionnaire_id is not None:
                try:
                    review = read_review(session, actor=actor, questionnaire_id=item.questionnaire_id)
                except NotFound:  # not submitted yet: KISA may look at the draft
                    draft = read_questionnaire(session, actor=actor, questionnaire_id=item.questionnaire_id)
                    draft_steps, draft_answers = draft.steps, draft.answers
            tasks = checklist(session, actor=actor, ordered_product_id=nr)
            still_open = open_task_count(session, nr)
            problems = list_problems(session, actor=actor, ordered_product_id=nr)
            step5 = (acceptance_view(session, actor=actor, ordered_product_id=nr)
                     if item.state not in (S.ORDERED, S.QUESTIONNAIRE, S.CANCELLED) else None)
    except DomainError as exc:
        st.title("Vorgang")
        st.error(md(str(exc)), icon=":material/error:")
        _back_link()
        st.stop()

    FEEDBACK, ERRORS = f"kc_feedback_{nr}", f"kc_errors_{nr}"
    errors: dict[str, str] = state.setdefault(ERRORS, {})
    names = gemeinde_names()
    qid = item.questionnaire_id

    def _done(message: str) -> None:
        state[FEEDBACK] = ("success", message)

    def _failed(exc: DomainError) -> None:
        state[FEEDBACK] = ("error", str(exc))

    # ---- actions (callbacks: they run before the page is drawn again) ------------------------------------------------
    def _add_remark(step_key: str, choice: str, widget: str) -> None:
        assert qid is not None
        try:
            with session_scope() as session:
                add_comment(session, actor=actor, questionnaire_id=qid, question_key=state.get(choice) or "",
                            text=state.get(widget) or "")
        except FieldErrors as exc:
            errors[f"step:{step_key}"] = exc.errors.get("text", str(exc))
        except DomainError as exc:
            errors[f"step:{step_key}"] = str(exc)
        else:
            errors.pop(f"step:{step_key}", None)
            state[widget] = ""  # saved: the field is emptied for the next remark

    def _delete_remark(comment_id: int) -> None:
        try:
            with session_scope() as session:
                delete_comment(session, actor=actor, comment_id=comment_id)
        except DomainError as exc:
            _failed(exc)
        else:
            _done("Anmerkung gelöscht.")

    def _ask_back(widget: str) -> None:
        assert qid is not None
        try:
            with session_scope() as session:
                sent = ask_back(session, actor=actor, questionnaire_id=qid, message=state.get(widget) or "",
                                submission_number=review.submission_number if review else None)
        except FieldErrors as exc:
            errors["message"] = exc.errors.get("message", str(exc))
        except DomainError as exc:
            errors["message"] = str(exc)
        else:
            errors.pop("message", None)
            state[widget] = ""
            _done(f"Rückfrage gesendet ({count(sent, 'Anmerkung', 'Anmerkungen')}). Die Kommune wurde per E-Mail "
                  "informiert und kann den Fragebogen wieder bearbeiten.")

    def _take_over() -> None:
        assert qid is not None
        try:
            with session_scope() as session:
                take_over(session, actor=actor, questionnaire_id=qid,
                          submission_number=review.submission_number if review else None)
        except DomainError as exc:
            _failed(exc)
        else:
            _done("Konfiguration übernommen. Die Einrichtung beginnt; die Kommune wurde per E-Mail informiert.")

    def _tick(task: str, widget: str) -> None:
        done = bool(state.get(widget))
        try:
            with session_scope() as session:
                tick(session, actor=actor, ordered_product_id=nr, task=task, done=done)
        except DomainError as exc:
            _failed(exc)

    def _terminate(widget: str) -> None:
        try:
            with sensitive_scope(f"kc_terminate_password_{nr}", actor) as session:
                terminate(session, actor=actor, ordered_product_id=nr, reason=state.get(widget) or "")
        except ReauthRequired as exc:  # the reason stays; the password field shows why
            ask_password(f"kc_terminate_password_{nr}", exc)
        except FieldErrors as exc:
            errors["reason"] = exc.errors.get("reason", str(exc))
        except DomainError as exc:
            _failed(exc)
        else:
            errors.pop("reason", None)
            state[widget] = ""
            _done("Vertrag beendet. Die Kommune wurde per E-Mail informiert.")

    def _go_live() -> None:
        try:
            with session_scope() as session:
                go_live(session, actor=actor, ordered_product_id=nr)
        except DomainError as exc:
            _failed(exc)
        else:
            _done("Go-Live im Wartungsmodus. Die Kommune wurde per E-Mail informiert und kann jetzt testen.")

    # ---- header -------------------------------------------------------------------------------------------------------
    _back_link()
    st.title(md(item.product_name))
    waiting = f" · wartet auf {md(item.waiting_for)}" if item.waiting_for != "–" else ""
    st.markdown(f"**{md(item.municipality_name)}** (AGS {item.ags}) · :blue-badge[{md(item.state_name)}]{waiting} · "
                + (f"seit {count(item.age_days, 'Tag', 'Tagen')} in diesem Stand" if item.age_days
                   else "seit heute in diesem Stand"))
    head_col, due_col, assign_col = st.columns([3, 1, 2])
    if review is not None:
        head_col.caption(f"Fassung {review.submission_number}, eingereicht am {fmt_datetime(review.submitted_at)} "
                         f"von {md(review.submitted_by)}")
    elif qid is not None:
        head_col.caption("Fragebogen in Bearbeitung, noch nicht eingereicht.")
    else:
        head_col.caption("Fragebogen noch nicht begonnen.")
    if item.due is not None:
        due_col.markdown(f"Fällig: {due_text(item)}")
    with assign_col:
        assign_control(actor, item, staff, prefix="kc", feedback=FEEDBACK, show_label=True)
    show_feedback(FEEDBACK)

    def _downloads() -> None:
        """Offer the configuration PDF and the JSON export of the latest submission."""
        assert qid is not None
        configuration_downloads(actor, qid, name=("Konfiguration", item.ags, nr), key=f"kc_{nr}", json_label="Export (JSON)",
                                widths=(1, 1, 2))

    def _answers(steps: tuple[Step, ...], answers: Mapping[str, Any], *, view: ReviewView | None = None,
                 remarks: bool = False) -> None:
        """Show the answers by step; with ``view``, the changes since the previous submission and the remarks."""
        changed = view.changed_keys if view is not None else frozenset()
        previous = view.previous if view is not None else None
        for step in steps:
            with st.container(border=True):
                st.markdown(f"### {md(step.title)}")
                st.markdown(step_markdown(step, answers, names, changed=changed, previous=previous))
                if view is not None:
                    _remarks(step, view, editable=remarks)

    def _remarks(step: Step, view: ReviewView, *, editable: bool) -> None:
        """List the remarks on the step's answers; in review, one form for a new remark on any of them (typed text and
        the chosen answer stay on errors)."""
        labels = {q.key: q.label for q in step.questions}
        for comment in (c for c in view.comments if c.question_key in labels):
            text_col, delete_col = st.columns([5, 1])
            sent = "gesendet" if comment.sent else "noch nicht gesendet"
            text_col.markdown(f":material/comment: **Zu „{md(labels[comment.question_key])}“:** {md(comment.text)}  \n"
                              f":gray[{md(comment.author)}, {fmt_datetime(comment.created_at)} · {sent}]")
            if editable and not comment.sent:
                delete_col.button("Löschen", key=f"kc_del_{comment.id}", icon=":material/delete:", type="tertiary",
                                  on_click=_delete_remark, args=(comment.id,))
        if not editable:
            return
        widget, choice = f"kc_remark_{qid}_{step.key}", f"kc_remark_q_{qid}_{step.key}"
        with st.popover("Anmerkung …", icon=":material/add_comment:"):
            st.selectbox("Zu welcher Antwort?", list(labels), key=choice, format_func=labels.__getitem__)
            st.text_area("Anmerkung", key=widget, max_chars=2000, help="Geht mit der nächsten Rückfrage an die Kommune.")
            st.button("Anmerkung speichern", key=f"kc_remark_save_{qid}_{step.key}", on_click=_add_remark,
                      args=(step.key, choice, widget))
        message = errors.pop(f"step:{step.key}", None)
        if message:
            st.error(f"Anmerkung nicht gespeichert: {md(message)}", icon=":material/error:")

    def _checklist(items: list[TaskView], *, editable: bool) -> None:
        for task in items:
            widget = f"kc_task_{nr}_{task.task}"
            state[widget] = task.done  # what is stored, a colleague's tick included (a refused tick springs back)
            box_col, who_col = st.columns([3, 2], vertical_alignment="center")
            box_col.checkbox(task.label, key=widget, disabled=not editable, on_change=_tick, args=(task.task, widget))
            who_col.caption(f"erledigt von {md(task.done_by)} am {fmt_datetime(task.done_at)}" if task.done else "offen")

    # ---- by state -----------------------------------------------------------------------------------------------------
    if item.state == OrderedProductState.SUBMITTED and review is not None:
        unsent = [c for c in review.comments if not c.sent]
        questions = {q.key for s in review.steps for q in s.questions}
        changes = len(review.changed_keys & questions)
        with st.container(border=True):
            st.markdown("**Prüfung**")
            if review.previous is not None:
                st.caption(f"{count(changes, 'Antwort', 'Antworten')} seit Fassung {review.submission_number - 1} geändert "
                           "(unten markiert).")
            st.caption(f"{count(len(unsent), 'Anmerkung', 'Anmerkungen')} noch nicht gesendet.")
            query_col, take_col, _rest = st.columns([1, 1, 1])
            with query_col.popover("Rückfrage senden …", icon=":material/forum:"):
                st.write(f"Die Kommune erhält eine E-Mail mit {count(len(unsent), 'Anmerkung', 'Anmerkungen')} und "
                         "Ihrer Nachricht und kann den Fragebogen wieder bearbeiten.")
                widget = f"kc_query_{nr}"
                st.text_area("Nachricht an die Kommune (optional)", key=widget, max_chars=2000)
                st.button("Rückfrage jetzt senden", type="primary", key=f"kc_query_send_{nr}", on_click=_ask_back,
                          args=(widget,))
            with take_col.popover("Konfiguration übernehmen …", icon=":material/task_alt:"):
                st.write("Die Einrichtung beginnt mit ihrer Checkliste; die Kommune wird per E-Mail informiert.")
                if unsent:
                    st.warning(f"{count(len(unsent), 'Anmerkung wird', 'Anmerkungen werden')} dann nicht gesendet.",
                               icon=":material/warning:")
                st.button("Ja, Konfiguration übernehmen", type="primary", key=f"kc_take_{nr}", on_click=_take_over)
            message = errors.pop("message", None)
            if message:
                st.error(f"Rückfrage nicht gesendet: {md(message)}", icon=":material/error:")
        _downloads()
        st.header("Antworten")
        _answers(review.steps, review.answers, view=review, remarks=True)

    elif item.state == OrderedProductState.SETUP:
        st.header("Einrichtung")
        if tasks:
            done = len(tasks) - still_open
            st.progress(done / len(tasks), text=f"{done} von {len(tasks)} Aufgaben erledigt")
            _checklist(tasks, editable=True)
        else:  # e.g. set up before the shop had the questionnaire
            st.info("Für diesen Vorgang ist keine Checkliste angelegt, weil keine Konfiguration im Shop übernommen wurde. "
                    "Go-Live ist deshalb hier nicht möglich.", icon=":material/info:")
        with st.popover("Go-Live (Wartungsmodus) …", icon=":material/rocket_launch:", disabled=still_open > 0 or not tasks,
                        help="Erst möglich, wenn alle Aufgaben erledigt sind." if still_open or not tasks else None):
            st.write("Das OAA geht auf Amt24 im Wartungsmodus live. Die Kommune und die Benachrichtigungsadresse erhalten "
                     "die Go-Live-Mail; danach testet die Kommune.")
            st.button("Ja, Go-Live im Wartungsmodus", type="primary", key=f"kc_golive_{nr}", on_click=_go_live)
        if still_open:
            st.caption(f"Noch {count(still_open, 'Aufgabe', 'Aufgaben')} offen – Go-Live ist danach möglich.")
        if review is not None:
            _downloads()
            box = lazy_expander(f"Konfiguration (Fassung {review.submission_number})", key=f"kc_config_{nr}")
            if box is not None:
                with box:
                    _answers(review.steps, review.answers, view=review)

    else:
        st.info(f"Stand: {md(item.state_name)}." + (f" Am Zug: {md(item.waiting_for)}." if item.waiting_for != "–" else ""),
                icon=":material/info:")
        if tasks:
            with st.expander("Checkliste der Einrichtung"):
                _checklist(tasks, editable=False)
        if review is not None:
            _downloads()
            st.header(f"Konfiguration (Fassung {review.submission_number})")
            _answers(review.steps, review.answers, view=review)
        elif draft_steps:
            st.header("Entwurf der Kommune")
            _answers(draft_steps, draft_answers)

    # ---- test and acceptance by the municipality (read-only here) ----------------------------------------------------
    if step5 is not None and (step5.acceptances or item.state in TEST_AND_AFTER):
        st.header("Test und Abnahme")
        if step5.items and step5.state == OrderedProductState.TESTING:
            failed = sum(1 for i in step5.items if i.result is not None and i.result.outcome == TestOutcome.FAILED)
            st.progress(step5.tested / len(step5.items),
                        text=f"Testrunde {step5.round}: {step5.tested} von {len(step5.items)} Prüfpunkten getestet"
                        + (f", {count(failed, 'Fehler', 'Fehler')}" if failed else ""))
        if step5.acceptance is not None:
            info = step5.acceptance
            st.markdown(f":green-badge[:material/verified: abgenommen] Runde {info.round} am {fmt_datetime(info.accepted_at)} "
                        f"von {md(info.accepted_by)}")
        st.page_link("pages/acceptance.py", label="Test und Abnahme ansehen", icon=":material/fact_check:",
                     query_params={"nr": str(nr)})

    # ---- problems the municipality reported (test and later) ----------------------------------------------------------
    if problems:
        open_count = sum(1 for p in problems if p.is_open)
        st.header(f"Meldungen der Kommune ({open_count} offen)")
        for problem in problems:
            badge = ":orange-badge[offen]" if problem.is_open else ":green-badge[gelöst]"
            text_col, link_col = st.columns([5, 1], vertical_alignment="center")
            text_col.markdown(f"{badge} **{md(problem.title)}**  \n:gray[{md(problem.created_by_name)}, "
                              f"{fmt_datetime(problem.created_at)} · {count(problem.message_count, 'Nachricht', 'Nachrichten')}"
                              f" · zuletzt {md(problem.last_author)}]")
            link_col.page_link("pages/problems.py", label="Öffnen", icon=":material/forum:",
                               query_params={"meldung": str(problem.report_id)})

    # ---- end of contract (KISA, once set up) ---------------------------------------------------------------------------
    if allowed(item.state, OrderedProductState.TERMINATED) is not None:
        st.divider()
        with st.popover("Vertrag beenden …", icon=":material/block:"):
            st.write("Der Online-Antragsassistent wird für diese Kommune außer Betrieb genommen. Die Kommune erhält eine "
                     "E-Mail mit dem Grund. Das lässt sich nicht rückgängig machen.")
            widget = f"kc_terminate_{nr}"
            st.text_area("Grund (geht an die Kommune)", key=widget, max_chars=2000)
            password_field(f"kc_terminate_password_{nr}", keep=(widget,))
            st.button("Ja, Vertrag beenden", type="primary", key=f"kc_terminate_send_{nr}", on_click=_terminate,
                      args=(widget,))
        reason_error = errors.pop("reason", None)
        if reason_error:
            st.error(f"Vertrag nicht beendet: {md(reason_error)}", icon=":material/error:")


case()
