"""Test und Abnahme (``?nr=<ordered product>``): the municipality tests the OAA in maintenance mode item by item,
gives the acceptance, confirms the go-live and works through the communication checklist; KISA reads along.

Without ``nr`` the page lists the products in test, accepted or live.
"""

from __future__ import annotations

import streamlit as st

from acceptance.checklist import GROUP_NAMES
from acceptance.launch import LaunchTaskView, confirm_live, tick_launch_task
from acceptance.record import accept, acceptance_pdf
from acceptance.results import StaleResult, record_result
from acceptance.view import AcceptanceInfo, ItemView, acceptance_page, acceptance_view
from core.db import session_scope
from core.errors import DomainError, FieldErrors
from lifecycle.changes import request_change
from models import OUTCOME_NAMES, OrderedProductState, Role, TestOutcome
from web.backoffice import show_feedback
from web.cached import catalog_index
from web.downloads import deferred, safe_filename
from web.forms import field_error
from web.fragments import page_part
from web.guard import require_actor
from web.navigation import is_record_id, view_button
from web.paging import page_controls, page_number, page_size
from web.reauth import ReauthRequired, ask_password, password_field, sensitive_scope
from web.text import count, fmt_datetime, md, md_label

actor = require_actor(Role.KOMMUNE, Role.KISA, Role.ADMIN)
state = st.session_state
municipal = actor.role == Role.KOMMUNE
S = OrderedProductState
BADGES = {TestOutcome.PASSED: ":green-badge[:material/check_circle: in Ordnung]",
          TestOutcome.FAILED: ":red-badge[:material/error: Fehler]",
          TestOutcome.NOT_APPLICABLE: ":gray-badge[:material/remove_circle: entfällt]"}
ICONS = {TestOutcome.PASSED: ":material/check_circle:", TestOutcome.FAILED: ":material/error:",
         TestOutcome.NOT_APPLICABLE: ":material/remove_circle:"}
OPEN_BADGE = ":orange-badge[:material/pending: noch offen]"
OUTCOMES = [o.value for o in TestOutcome]

# the list of products in test, accepted or live: page number; products a page (10 unless chosen otherwise)
LIST_PAGE, LIST_SIZE = "ab_list_page", "ab_list_size"

def _list_link() -> None:
    view_button("Alle Produkte in Test und Abnahme", params={}, key="ab_back", icon=":material/arrow_back:")


# ---- the list (no ``nr``) -------------------------------------------------------------------------------------------
@page_part
def acceptance() -> None:
    """Test and acceptance: a result, a tick or a button reruns it alone, not the menu and the sidebar (web/fragments.py)."""
    raw_nr = st.query_params.get("nr", "")
    if not is_record_id(raw_nr):
        st.title("Test und Abnahme")
        st.caption("Nach dem Go-Live im Wartungsmodus testen die im Fragebogen benannten Testpersonen den "
                   "Online-Antragsassistenten. Danach erteilt die Koordinatorin oder der Koordinator die Abnahme, die "
                   "Kommune schaltet den Wartungsmodus auf Amt24 aus und informiert Bürgerinnen, Bürger und Unternehmen."
                   if municipal else "Test, Abnahme und Livegang der Kommunen (nur lesen).")
        with session_scope() as session:
            page = acceptance_page(session, actor=actor, number=page_number(LIST_PAGE), size=page_size(LIST_SIZE),
                                   catalogue=catalog_index().by_id)
        rows = page.items
        if not rows:
            st.info("Zurzeit ist kein Produkt im Test, abgenommen oder live. Sobald KISA einen Online-Antragsassistenten "
                    "im Wartungsmodus produktiv stellt, erscheint er hier.", icon=":material/info:")
            st.stop()
        for row in rows:
            name_col, state_col, progress_col, link_col = st.columns([3, 2, 2, 1], vertical_alignment="center")
            title = f"**{md(row.product_name)}**"
            if not municipal:
                title += f"  \n{md(row.municipality_name)} (AGS {md(row.ags)})"
            name_col.markdown(title)
            state_col.markdown(f":blue-badge[{md(row.state_name)}]  \n:gray[seit {fmt_datetime(row.state_since)}]")
            details = []
            if row.total is not None and row.tested is not None:
                details.append(f"{row.tested} von {row.total} Prüfpunkten getestet")
            if row.failed:
                details.append(f":red[{row.failed} mit Fehler]")
            if row.open_problems:
                details.append(f":orange[{count(row.open_problems, 'offene Meldung', 'offene Meldungen')}]")
            progress_col.markdown("  \n".join(details) or " ")
            with link_col:
                view_button("Öffnen", params={"nr": str(row.ordered_product_id)}, key=f"ab_open_{row.ordered_product_id}",
                            icon=":material/open_in_new:")
        page_controls(LIST_PAGE, page, size_key=LIST_SIZE)
        st.stop()

    # ---- one product ----------------------------------------------------------------------------------------------------
    nr = int(raw_nr)
    try:
        with session_scope() as session:
            view = acceptance_view(session, actor=actor, ordered_product_id=nr)
    except DomainError as exc:
        st.title("Test und Abnahme")
        st.error(md(str(exc)), icon=":material/error:")
        _list_link()
        st.stop()

    FEEDBACK, ERRORS, SAVED = f"ac_feedback_{nr}", f"ac_errors_{nr}", f"ac_saved_{nr}"
    PASSWORDS = {"accept": f"ac_accept_password_{nr}", "live": f"ac_live_password_{nr}"}  # re-authentication
    errors: dict[str, dict[str, str]] = state.setdefault(ERRORS, {})  # per item key (and "accept", "live", "change")
    saved: dict[str, str] = state.setdefault(SAVED, {})  # confirmation per item key, shown once

    def _widgets(key: str) -> tuple[str, str, str, str]:
        prefix = f"ac_{nr}_{key}"
        return f"{prefix}_outcome", f"{prefix}_tester", f"{prefix}_note", f"{prefix}_seen"

    # ---- actions (callbacks: they run before the page is drawn again) ------------------------------------------------
    def _save(item: ItemView) -> None:
        outcome, tester, note, seen = _widgets(item.key)
        saved.pop(item.key, None)
        try:
            with session_scope() as session:
                row = record_result(session, actor=actor, ordered_product_id=nr, item=item.key, outcome=state.get(outcome),
                                    tester=state.get(tester) or "", note=state.get(note) or "",
                                    base_version=int(state.get(seen) or 0))
                result = OUTCOME_NAMES[row.outcome]
        except StaleResult as exc:
            errors[item.key] = {"form": str(exc)}
            state[seen] = exc.current_version  # the next save overwrites on purpose; the typed input stays
        except FieldErrors as exc:
            errors[item.key] = exc.errors
        except DomainError as exc:
            errors[item.key] = {"form": str(exc)}
        else:
            errors.pop(item.key, None)
            saved[item.key] = f"Gespeichert: „{item.label}“ – {result}."

    def _accept(widget: str) -> None:
        try:
            with sensitive_scope(PASSWORDS["accept"], actor) as session:
                accept(session, actor=actor, ordered_product_id=nr, remarks=state.get(widget) or "")
        except ReauthRequired as exc:  # the remarks stay; the password field shows why
            errors.pop("accept", None)
            ask_password(PASSWORDS["accept"], exc)
        except FieldErrors as exc:
            errors["accept"] = {"remarks": exc.errors.get("remarks", str(exc))}
        except DomainError as exc:
            errors["accept"] = {"form": str(exc)}
        else:
            errors.pop("accept", None)
            state[FEEDBACK] = ("success", "Abnahme erteilt. KISA und Ihre Kommune wurden per E-Mail informiert; das "
                                          "Abnahmeprotokoll steht als PDF bereit. Nächster Schritt: Wartungsmodus auf Amt24 "
                                          "ausschalten und hier den Livegang bestätigen.")

    def _confirm_live(widget: str) -> None:
        try:
            with sensitive_scope(PASSWORDS["live"], actor) as session:
                confirm_live(session, actor=actor, ordered_product_id=nr, maintenance_off=bool(state.get(widget)))
        except ReauthRequired as exc:
            errors.pop("live", None)
            ask_password(PASSWORDS["live"], exc)
        except FieldErrors as exc:
            errors["live"] = {"maintenance_off": exc.errors.get("maintenance_off", str(exc))}
        except DomainError as exc:
            errors["live"] = {"form": str(exc)}
        else:
            errors.pop("live", None)
            state[FEEDBACK] = ("success", "Der Online-Antragsassistent ist live. KISA wurde informiert. Die Checkliste "
                                          "unten hilft, Bürgerinnen, Bürger und Unternehmen zu informieren.")

    def _tick(task: str, widget: str) -> None:
        try:
            with session_scope() as session:
                tick_launch_task(session, actor=actor, ordered_product_id=nr, task=task, done=bool(state.get(widget)))
        except DomainError as exc:
            state[FEEDBACK] = ("error", str(exc))

    def _request_change(widget: str) -> None:
        try:
            with session_scope() as session:
                request_change(session, actor=actor, ordered_product_id=nr, reason=state.get(widget) or "")
        except FieldErrors as exc:
            errors["change"] = {"reason": exc.errors.get("reason", str(exc))}
        except DomainError as exc:
            errors["change"] = {"form": str(exc)}
        else:
            errors.pop("change", None)
            state[widget] = ""
            state[FEEDBACK] = ("success", "Änderung beantragt. Der Fragebogen ist wieder geöffnet; KISA und Ihre Kommune "
                                          "wurden per E-Mail informiert. Bis zur neuen Einrichtung bleibt der "
                                          "Antragsassistent mit der bisherigen Konfiguration online.")

    # ---- pieces ---------------------------------------------------------------------------------------------------------
    def _form_error(key: str) -> None:
        message = errors.get(key, {}).get("form")
        if message:
            st.error(md(message), icon=":material/error:")

    def _pdf_download(acceptance: AcceptanceInfo, *, key: str, label: str = "Abnahmeprotokoll (PDF)") -> None:
        round_number = acceptance.round

        def pdf() -> bytes:
            with session_scope() as session:
                return acceptance_pdf(session, actor=actor, ordered_product_id=nr, round_number=round_number)

        st.download_button(label, data=deferred(pdf, what="Abnahmeprotokoll (PDF)"),
                           file_name=safe_filename("Abnahmeprotokoll", view.ags, nr, f"Runde{round_number}", extension="pdf"),
                           mime="application/pdf", icon=":material/picture_as_pdf:", key=key, on_click="ignore")

    def _result_line(item: ItemView) -> str:
        result = item.result
        if result is None:
            return OPEN_BADGE
        line = (f"{BADGES[result.outcome]} Testperson {md(result.tester)} · erfasst von {md(result.recorded_by)} am "
                f"{fmt_datetime(result.recorded_at)}")
        if result.note:
            line += f"  \n{md(result.note)}"
        return line

    def _problem_link(item: ItemView) -> None:
        st.page_link("pages/problems.py", label="Problem an KISA melden", icon=":material/support_agent:",
                     query_params={"nr": str(nr), "punkt": item.key, "titel": item.label})

    def _load(item: ItemView) -> None:
        """Put the stored result into the item's widgets when it changed since they were filled (also someone else's)."""
        outcome, tester, note, seen = _widgets(item.key)
        stored = item.result.version if item.result else 0
        if seen in state and state[seen] == stored:
            return
        result = item.result
        state[outcome] = result.outcome.value if result else None
        state[tester] = (result.tester if result and result.tester in view.testers
                         else view.testers[0] if len(view.testers) == 1 else None)
        state[note] = result.note if result else ""
        state[seen] = stored

    def _editable_item(item: ItemView) -> None:
        outcome, tester, note, _seen = _widgets(item.key)
        problems = errors.get(item.key, {})
        _load(item)
        st.caption(md(item.hint))
        st.markdown(_result_line(item))
        # A form: choosing the result, the tester and typing the note do not talk to the server; one click saves.
        with st.form(f"ac_form_{nr}_{item.key}", border=False):
            left, right = st.columns([3, 2])
            with left:
                st.radio("Ergebnis", OUTCOMES, index=None, key=outcome, horizontal=True,
                         format_func=lambda value: OUTCOME_NAMES[TestOutcome(value)])
                field_error(problems, "outcome")
            with right:
                st.selectbox("Testperson", view.testers, index=None, key=tester, placeholder="Testperson wählen …",
                             help="Die Testpersonen aus dem Fragebogen (Schritt „Test im Wartungsmodus“).")
                field_error(problems, "tester")
            st.text_area("Bemerkung (bei „Fehler“ erforderlich)", key=note, max_chars=2000, height=68,
                         placeholder="Was haben Sie getan, was ist passiert?")
            field_error(problems, "note")
            _form_error(item.key)
            st.form_submit_button("Ergebnis speichern", key=f"ac_save_{nr}_{item.key}", icon=":material/save:",
                                  on_click=_save, args=(item,))
        if item.result is not None and item.result.outcome == TestOutcome.FAILED:
            _problem_link(item)
        message = saved.pop(item.key, None)
        if message:
            st.success(md(message), icon=":material/check:")

    def _checklist(items: list[ItemView], *, editable: bool) -> None:
        """Show the items by group: as forms while testing, else with their results only."""
        for group, title in GROUP_NAMES.items():
            members = [i for i in items if i.group == group]
            if not members:
                continue
            # Under the section "Prüfpunkte" while testing; read-only the list sits in an expander, where a heading
            # would break the order of headings (WCAG 1.3.1).
            st.markdown(f"### {title}" if editable else f"**{title}**")
            for item in members:
                if not editable:
                    with st.container(border=True):
                        st.markdown(f"**{md(item.label)}**  \n{_result_line(item)}")
                    continue
                icon = ICONS[item.result.outcome] if item.result else ":material/radio_button_unchecked:"
                # Open: untested, failed, refused, or just saved (so the confirmation is seen).
                open_now = (item.result is None or item.result.outcome == TestOutcome.FAILED or item.key in errors
                            or item.key in saved)
                badge = BADGES[item.result.outcome] if item.result else OPEN_BADGE
                with st.expander(f"{md_label(item.label)} {badge}", expanded=open_now, icon=icon):
                    _editable_item(item)

    def _launch_tasks(tasks: list[LaunchTaskView]) -> None:
        done = sum(1 for t in tasks if t.done)
        st.progress(done / len(tasks), text=f"{done} von {len(tasks)} Aufgaben erledigt")
        for task in tasks:
            widget = f"ac_launch_{nr}_{task.task}"
            state[widget] = task.done  # what is stored, a colleague's tick included
            box_col, who_col = st.columns([3, 2], vertical_alignment="center")
            box_col.checkbox(task.label, key=widget, disabled=not municipal, on_change=_tick, args=(task.task, widget))
            who_col.caption(f"erledigt von {md(task.done_by)} am {fmt_datetime(task.done_at)}" if task.done else "offen")

    def _earlier(acceptances: list[AcceptanceInfo]) -> None:
        if not acceptances:
            return
        with st.expander(f"Frühere Testrunden ({len(acceptances)})", icon=":material/history:"):
            for acceptance in acceptances:
                info_col, pdf_col = st.columns([3, 2], vertical_alignment="center")
                info_col.markdown(f"Testrunde {acceptance.round}: abgenommen am {fmt_datetime(acceptance.accepted_at)} "
                                  f"durch {md(acceptance.accepted_by)}")
                with pdf_col:
                    _pdf_download(acceptance, key=f"ac_pdf_{nr}_{acceptance.round}", label="Protokoll (PDF)")

    # ---- header ---------------------------------------------------------------------------------------------------------
    _list_link()
    st.title(md(view.product_name))
    st.markdown(f"**{md(view.municipality_name)}** (AGS {md(view.ags)}) · :blue-badge[{md(view.state_name)}] · seit "
                f"{fmt_datetime(view.state_since)}")
    if not municipal:
        st.caption("Sie sehen den Test der Kommune (nur lesen).")
        st.page_link("pages/kisa_case.py", label="Zum Vorgang", icon=":material/work:", query_params={"nr": str(nr)})
    show_feedback(FEEDBACK)

    current = view.acceptance if view.acceptance and view.acceptance.round == view.round else None
    earlier = [a for a in view.acceptances if a is not current]

    # ---- by state -------------------------------------------------------------------------------------------------------
    if view.state == S.TESTING:
        testers = ", ".join(md(t) for t in view.testers) or "keine benannt"
        since = f" seit {fmt_datetime(view.testing_since)}" if view.testing_since else ""
        st.markdown(f"Test im Wartungsmodus{since} · Testrunde {view.round} · Testpersonen: {testers}")
        if municipal and not view.testers:
            st.warning("Im Fragebogen ist keine Testperson genannt. Bitte wenden Sie sich an KISA, damit die Testpersonen "
                       "ergänzt werden.", icon=":material/warning:")
        st.header("Prüfpunkte")
        failed = sum(1 for i in view.items if i.result and i.result.outcome == TestOutcome.FAILED)
        text = f"{view.tested} von {len(view.items)} Prüfpunkten getestet"
        if failed:
            text += f", {failed} mit Fehler"
        st.progress(view.tested / len(view.items) if view.items else 0.0, text=text)
        if municipal:
            st.caption("Testen Sie den Antragsassistenten auf Amt24 mit Ihrem Servicekonto und halten Sie hier je "
                       "Prüfpunkt das Ergebnis fest. Fehler melden Sie bitte an KISA.")
        _checklist(view.items, editable=view.may_record)

        st.header("Abnahme")
        if view.gaps:
            st.warning("Die Abnahme ist möglich, sobald alles getestet ist:  \n"
                       + "  \n".join(f"- {md(gap)}" for gap in view.gaps), icon=":material/pending_actions:")
        if view.open_problems:
            st.page_link("pages/problems.py", label=f"Meldungen an KISA ({view.open_problems} offen)",
                         icon=":material/support_agent:", query_params={"nr": str(nr)})
        if view.is_coordinator:
            widget = f"ac_remarks_{nr}"
            with st.popover("Abnahme erteilen …", icon=":material/verified:", disabled=not view.may_accept,
                            help=None if view.may_accept else "Erst möglich, wenn alles getestet ist (siehe oben)."):
                st.write("Mit der Abnahme bestätigen Sie für Ihre Kommune, dass der Online-Antragsassistent wie "
                         "konfiguriert funktioniert. KISA und Ihre Kommune erhalten eine E-Mail; das Abnahmeprotokoll "
                         "steht danach als PDF bereit.")
                st.text_area("Bemerkungen zur Abnahme (optional)", key=widget, max_chars=4000)
                field_error(errors.get("accept", {}), "remarks")
                password_field(PASSWORDS["accept"], keep=(widget,))
                st.button("Ja, Abnahme erteilen", type="primary", key=f"ac_accept_{nr}", on_click=_accept, args=(widget,))
            _form_error("accept")
        elif municipal:
            st.info("Die Abnahme erteilt die Koordinatorin oder der Koordinator Ihrer Kommune, sobald alles getestet ist.",
                    icon=":material/info:")
        else:
            st.info("Die Kommune erteilt die Abnahme, sobald alle Prüfpunkte getestet sind, keiner mit Fehler und keine "
                    "Meldung offen ist.", icon=":material/info:")

    elif view.state == S.ACCEPTED:
        if current is not None:
            st.success(f"Abnahme erteilt am {fmt_datetime(current.accepted_at)} durch {md(current.accepted_by)} "
                       f"(Testrunde {current.round}).", icon=":material/verified:")
            if current.remarks:
                st.markdown(f"**Bemerkungen:** {md(current.remarks)}")
            _pdf_download(current, key=f"ac_pdf_{nr}")
        st.header("Livegang")
        st.markdown("Nächster Schritt: Schalten Sie den Wartungsmodus des Antragsassistenten im **Amt24-Admincenter** aus. "
                    "Bestätigen Sie danach hier den Livegang; KISA wird informiert, und die Checkliste zur Kommunikation "
                    "öffnet sich.")
        if view.is_coordinator:
            widget = f"ac_maintenance_{nr}"
            with st.popover("Livegang bestätigen …", icon=":material/rocket_launch:"):
                st.checkbox("Wartungsmodus auf Amt24 ist ausgeschaltet", key=widget)
                field_error(errors.get("live", {}), "maintenance_off")
                password_field(PASSWORDS["live"], keep=(widget,))
                st.button("Ja, Antragsassistent ist live", type="primary", key=f"ac_live_{nr}", on_click=_confirm_live,
                          args=(widget,))
            _form_error("live")
        elif municipal:
            st.info("Den Livegang bestätigt die Koordinatorin oder der Koordinator Ihrer Kommune.", icon=":material/info:")
        else:
            st.info("Die Kommune schaltet den Wartungsmodus auf Amt24 aus und bestätigt hier den Livegang.",
                    icon=":material/info:")
        with st.expander(f"Testergebnisse der Testrunde {view.round}"):
            _checklist(view.items, editable=False)
        _earlier(earlier)

    elif view.state == S.LIVE:
        st.success(f"Live auf Amt24 seit {fmt_datetime(view.state_since)}.", icon=":material/public:")
        if current is not None:
            st.caption(f"Abgenommen am {fmt_datetime(current.accepted_at)} durch {md(current.accepted_by)} "
                       f"(Testrunde {current.round}).")
            _pdf_download(current, key=f"ac_pdf_{nr}")
        if view.launch_tasks:
            st.header("Kommunikation an Bürgerinnen, Bürger und Unternehmen")
            st.caption("Damit der neue Online-Antrag gefunden wird: Haken Sie ab, was erledigt ist. Ihr Team sieht, wer "
                       "was wann erledigt hat." if municipal else "Was die Kommune nach dem Livegang kommuniziert hat.")
            _launch_tasks(view.launch_tasks)
        if municipal:
            st.header("Änderung beantragen")
            st.caption("Ändert sich etwas an der Konfiguration, z. B. nach einer Satzungsänderung? Dann öffnen Sie den "
                       "Fragebogen wieder. KISA prüft die geänderte Fassung und richtet sie ein; danach testen Sie in "
                       "einer neuen Testrunde. Bis dahin bleibt der Antragsassistent mit der bisherigen Konfiguration "
                       "online.")
            widget = f"ac_reason_{nr}"
            st.text_area("Grund der Änderung", key=widget, max_chars=2000,
                         placeholder="z. B. neue Gebührensatzung ab 01.01.")
            field_error(errors.get("change", {}), "reason")
            with st.popover("Änderung beantragen …", icon=":material/edit_note:"):
                st.write("Der Fragebogen wird wieder geöffnet, und KISA wird per E-Mail informiert.")
                st.button("Ja, Änderung beantragen", type="primary", key=f"ac_change_{nr}", on_click=_request_change,
                          args=(widget,))
            _form_error("change")
        if current is not None:
            with st.expander(f"Testergebnisse der Testrunde {current.round}"):
                _checklist(view.items, editable=False)
        _earlier(earlier)

    else:
        if view.state == S.CHANGE_REQUESTED:
            st.info("Änderung beantragt: Bitte passen Sie den Fragebogen an und reichen Sie ihn erneut ein. Nach der "
                    f"Einrichtung durch KISA testen Sie in einer neuen Testrunde (Testrunde {view.round + 1}).",
                    icon=":material/edit_note:")
            st.page_link("pages/questionnaire_form.py", label="Zum Fragebogen", icon=":material/edit_note:",
                         query_params={"nr": str(nr)})
        elif view.state in (S.CANCELLED, S.TERMINATED):
            st.info(f"Stand: {md(view.state_name)}. Für dieses Produkt gibt es keinen Test und keine Abnahme (mehr).",
                    icon=":material/info:")
        else:
            st.info(f"Stand: {md(view.state_name)}. Test und Abnahme beginnen, sobald KISA den Online-Antragsassistenten "
                    "eingerichtet und im Wartungsmodus auf Amt24 produktiv gestellt hat (Go-Live-Mail).",
                    icon=":material/info:")
        _earlier(view.acceptances)


acceptance()
