"""Meldungen (``?meldung=<id>`` opens one thread): problems a municipality reports to KISA about its products.

A municipality sees its own threads and reports new ones; the test and acceptance page links here with ``nr``
(product), ``punkt`` (test checklist item) and ``titel`` to open the form prefilled. KISA sees every thread with
filters. Both sides write in a thread, mark it solved and open it again.
"""

from __future__ import annotations

import streamlit as st

from accounts.access import require_staff
from accounts.actor import Actor
from core.config import get_settings
from core.db import session_scope
from core.errors import DomainError, FieldErrors
from models import ProblemStatus, Role
from support.threads import (
    MAX_REASON,
    MAX_TEXT,
    MAX_TITLE,
    ProblemRow,
    ProblemThread,
    ProductChoice,
    checklist_item_label,
    list_problems,
    mark_solved,
    municipalities_with_problems,
    open_count_for,
    problems_page,
    read_problem,
    reopen,
    reply,
    report_problem,
    reportable_products,
    reports_version,
)
from web.backoffice import show_feedback
from web.forms import field_error
from web.guard import require_actor
from web.navigation import is_record_id
from web.paging import first_page, page_controls, page_number, page_size
from web.search_pick import search_pick
from web.text import count, fmt_datetime, md

actor = require_actor(Role.KOMMUNE, Role.KISA, Role.ADMIN)
state = st.session_state
municipal = actor.role == Role.KOMMUNE
FEEDBACK, ERRORS = "pr_feedback", "pr_errors"
PRODUCT, TITLE, TEXT, PREFILLED = "pr_new_product", "pr_new_title", "pr_new_text", "pr_prefilled"
errors: dict[str, str] = state.pop(ERRORS, {})  # an action's messages, shown once at their fields
AVATARS = {"KISA": ":material/support_agent:", "Kommune": ":material/account_balance:"}

KISA_PAGE, KISA_SIZE = "pr_page", "pr_size"  # KISA's list of reports: page number, reports a page

def _done(message: str) -> None:
    state[FEEDBACK] = ("success", message)


def _failed(field: str, exc: DomainError) -> None:
    """Keep the messages of a refused action for the next run: per field, else under ``field``."""
    found = {**exc.errors} if isinstance(exc, FieldErrors) else {field: str(exc)}
    state[ERRORS] = found


def _paragraphs(text: str) -> str:
    """Return user text as Markdown that keeps its line breaks and nothing else (no links, no emphasis)."""
    return md(text).replace("\n", "  \n")


def _status_badge(row: ProblemRow) -> str:
    if row.is_open:
        return ":orange-badge[:material/pending: offen]"
    return ":green-badge[:material/check_circle: gelöst]"


def _turn_badge(row: ProblemRow) -> str:
    """Return whose move it is, for the list: the municipality looks for KISA's answers, KISA for open questions."""
    if municipal:
        if row.last_from_kisa:
            return " :blue-badge[:material/mark_chat_unread: KISA hat geantwortet]"
        return " :gray-badge[wartet auf KISA]" if row.is_open else ""
    if row.waiting_for_kisa:
        return " :red-badge[:material/reply: Antwort ausstehend]"
    return " :gray-badge[wartet auf die Kommune]" if row.is_open else ""


# ---- actions (callbacks: they run before the page is drawn again) ------------------------------------------------
# Moving between the list and a thread stays on this page: buttons set the address (a page link to the page itself
# would show the other view but leave the old address in the browser, so a reload would jump back).
def _open(report_id: int) -> None:
    st.query_params.clear()
    st.query_params["meldung"] = str(report_id)


def _close() -> None:
    st.query_params.clear()


def _report(test_item: str) -> None:
    try:
        with session_scope() as session:
            report_id = report_problem(session, actor=actor, ordered_product_id=state.get(PRODUCT),
                                       title=state.get(TITLE) or "", text=state.get(TEXT) or "", test_item=test_item)
    except DomainError as exc:
        _failed("new", exc)
        return
    state[TITLE] = state[TEXT] = ""
    state.pop(PRODUCT, None)
    _open(report_id)
    _done("Ihre Meldung ist bei KISA eingegangen. Sie erhalten eine E-Mail, sobald KISA antwortet.")


def _reply(report_id: int, widget: str) -> None:
    try:
        with session_scope() as session:
            reopened = reply(session, actor=actor, report_id=report_id, text=state.get(widget) or "")
    except DomainError as exc:
        _failed("text", exc)
        return
    state[widget] = ""
    if actor.is_staff:
        _done("Antwort gesendet. Die Kommune wurde per E-Mail informiert.")
    elif reopened:
        _done("Antwort gesendet. Die Meldung war als gelöst markiert und ist damit wieder offen; KISA wurde per "
              "E-Mail informiert.")
    else:
        _done("Antwort gesendet. KISA wurde per E-Mail informiert.")


def _solve(report_id: int) -> None:
    try:
        with session_scope() as session:
            mark_solved(session, actor=actor, report_id=report_id)
    except DomainError as exc:
        _failed("status", exc)
        return
    _done("Die Meldung ist als gelöst markiert. Die Kommune wurde per E-Mail informiert." if actor.is_staff
          else "Die Meldung ist als gelöst markiert. Vielen Dank für Ihre Rückmeldung.")


def _reopen(report_id: int, widget: str) -> None:
    try:
        with session_scope() as session:
            reopen(session, actor=actor, report_id=report_id, reason=state.get(widget) or "")
    except DomainError as exc:
        _failed("status", exc)
        return
    state[widget] = ""
    _done("Die Meldung ist wieder offen. " + ("Die Kommune" if actor.is_staff else "KISA")
          + " wurde per E-Mail informiert.")


# ---- one thread ---------------------------------------------------------------------------------------------------
def _back_link() -> None:
    st.button("Alle Meldungen", icon=":material/arrow_back:", type="tertiary", key="pr_back", on_click=_close)


def _show_thread(report_id: int) -> None:
    try:
        with session_scope() as session:
            thread = read_problem(session, actor=actor, report_id=report_id)
    except DomainError as exc:
        st.title("Meldung")
        st.error(md(str(exc)), icon=":material/error:")
        _back_link()
        return
    row = thread.row
    _back_link()
    st.title(md(row.title))
    where = md(row.product_name) + ("" if municipal else f" · {md(row.municipality_name)}")
    st.markdown(f"{_status_badge(row)} · **{where}** · Stand des Produkts: {md(thread.product_state_name)}")
    line = f"Gemeldet von {md(row.created_by_name)} am {fmt_datetime(row.created_at)}"
    if row.test_item:
        line += f" · aus dem Testpunkt „{md(thread.test_item_label)}“"
    if not row.is_open:
        line += f" · gelöst von {md(row.solved_by_name)} am {fmt_datetime(row.solved_at)}"
    st.caption(line)
    if not municipal:
        st.page_link("pages/kisa_case.py", label="Zum Vorgang", icon=":material/work:",
                     query_params={"nr": str(row.ordered_product_id)})
    _conversation(thread)
    show_feedback(FEEDBACK)  # under the conversation, next to where the person acted
    _reply_box(thread)
    _status_actions(thread)


def _conversation(thread: ProblemThread) -> None:
    for message in thread.messages:
        with st.chat_message(message.side, avatar=AVATARS[message.side]):
            st.markdown(f"**{md(message.author_name)}** · {message.side} · :gray[{fmt_datetime(message.created_at)}]")
            st.markdown(_paragraphs(message.text))


def _reply_box(thread: ProblemThread) -> None:
    report_id = thread.row.report_id
    widget = f"pr_reply_{report_id}"
    with st.container(border=True):
        st.text_area("Ihre Antwort an die Kommune" if actor.is_staff else "Ihre Antwort an KISA", key=widget,
                     max_chars=MAX_TEXT, height=120,
                     placeholder="Was ist neu? Was haben Sie geprüft oder geändert?")
        field_error(errors, "text")
        if thread.reply_reopens:
            st.caption(":material/info: Die Meldung ist als gelöst markiert. Mit Ihrer Antwort wird sie wieder geöffnet.")
        elif actor.is_staff and not thread.row.is_open:
            st.caption(":material/info: Die Meldung bleibt als gelöst markiert; die Kommune erhält Ihre Nachricht.")
        st.button("Antwort senden", type="primary", icon=":material/send:", key=f"pr_send_{report_id}",
                  on_click=_reply, args=(report_id, widget))


def _status_actions(thread: ProblemThread) -> None:
    row = thread.row
    if row.is_open:
        with st.popover("Als gelöst markieren …", icon=":material/task_alt:"):
            st.write("Das Problem ist behoben oder hat sich erledigt. "
                     + ("Die Kommune wird per E-Mail informiert und kann die Meldung wieder öffnen."
                        if actor.is_staff else "Sie können die Meldung später wieder öffnen."))
            st.button("Ja, als gelöst markieren", type="primary", key=f"pr_solve_{row.report_id}", on_click=_solve,
                      args=(row.report_id,))
    elif thread.may_reopen:
        widget = f"pr_reason_{row.report_id}"
        with st.popover("Wieder öffnen …", icon=":material/replay:"):
            st.text_area("Warum soll die Meldung wieder geöffnet werden?", key=widget, max_chars=MAX_REASON,
                         help="Wird als Nachricht in die Meldung übernommen.")
            field_error(errors, "reason")
            st.button("Ja, wieder öffnen", type="primary", key=f"pr_reopen_{row.report_id}", on_click=_reopen,
                      args=(row.report_id, widget))
        if "reason" in errors:
            st.error(f"Nicht wieder geöffnet: {md(errors['reason'])}", icon=":material/error:")
    field_error(errors, "status")


# ---- the lists ----------------------------------------------------------------------------------------------------
def _row(row: ProblemRow) -> None:
    with st.container(border=True):
        title_col, about_col, link_col = st.columns([4, 3, 1], vertical_alignment="center")
        title_col.markdown(f"**{md(row.title)}**  \n{_status_badge(row)}{_turn_badge(row)}")
        about = md(row.product_name) if municipal else f"{md(row.product_name)}  \n{md(row.municipality_name)}"
        about_col.markdown(f"{about}  \n:gray[zuletzt {fmt_datetime(row.updated_at)} · "
                           f"{count(row.message_count, 'Nachricht', 'Nachrichten')}]")
        link_col.button("Öffnen", icon=":material/forum:", key=f"pr_open_{row.report_id}", on_click=_open,
                        args=(row.report_id,))


def _prefill(choices: list[ProductChoice]) -> bool:
    """Put ``nr`` and ``titel`` from the address into the form once per link; return whether a link prefilled it."""
    params = (st.query_params.get("nr", ""), st.query_params.get("punkt", ""), st.query_params.get("titel", ""))
    if not any(params):
        state.pop(PREFILLED, None)  # the next link prefills again, even the same one
        return False
    if state.get(PREFILLED) != params:
        state[PREFILLED] = params
        nr, _item, title = params
        if is_record_id(nr) and int(nr) in {c.ordered_product_id for c in choices}:
            state[PRODUCT] = int(nr)
        if title:
            state[TITLE] = title[:MAX_TITLE]
    return True


def _item_label(nr: str, key: str) -> str:
    """Return the label of the test item the link names (the key when the product is not the municipality's)."""
    if not is_record_id(nr):
        return key
    try:
        with session_scope() as session:
            return checklist_item_label(session, actor=actor, ordered_product_id=int(nr), key=key)
    except DomainError:
        return key


def _new_report(choices: list[ProductChoice]) -> None:
    prefilled = _prefill(choices)
    names = {c.ordered_product_id: f"{c.product_name} ({c.state_name})" for c in choices}
    if state.get(PRODUCT) not in names:
        state.pop(PRODUCT, None)
    if len(names) == 1 and not errors:  # only one product to choose: chosen already
        state.setdefault(PRODUCT, next(iter(names)))
    test_item = st.query_params.get("punkt", "")
    failed = any(k in errors for k in ("product", "title", "text", "test_item", "new"))
    with st.expander("Neues Problem melden", icon=":material/add_comment:", expanded=prefilled or failed):
        if not choices:
            st.info("Ein Problem können Sie melden, sobald KISA ein bestelltes OAA im Wartungsmodus zum Test "
                    "bereitgestellt hat.", icon=":material/info:")
            return
        nr = st.query_params.get("nr", "")
        if nr and (not is_record_id(nr) or int(nr) not in names):
            st.warning("Für das Produkt aus dem Link lässt sich derzeit kein Problem melden. Bitte wählen Sie das "
                       "Produkt aus der Liste.", icon=":material/warning:")
        st.selectbox("Produkt", list(names), key=PRODUCT, index=None, format_func=lambda i: names.get(i, "?"),
                     placeholder="Bitte wählen Sie das Produkt")
        field_error(errors, "product")
        st.text_input("Titel", key=TITLE, max_chars=MAX_TITLE, placeholder="z. B. Absenden des Antrags schlägt fehl")
        field_error(errors, "title")
        st.text_area("Beschreibung", key=TEXT, max_chars=MAX_TEXT, height=160,
                     placeholder="Was haben Sie getan, was ist passiert, und was hätten Sie erwartet? "
                                 "Mit welchem Browser und welchem Testkonto?")
        field_error(errors, "text")
        if test_item:
            st.caption(f":material/fact_check: Aus dem Testpunkt „{md(_item_label(nr, test_item))}“ der Test-Checkliste")
            field_error(errors, "test_item")
        st.button("Problem an KISA melden", type="primary", icon=":material/send:", key="pr_new_send",
                  on_click=_report, args=(test_item,))
        field_error(errors, "new")


def _municipal_overview() -> None:
    st.title("Meldungen an KISA")
    st.caption("Fällt Ihnen beim Test im Wartungsmodus oder später im Betrieb ein Problem mit einem "
               "Online-Antragsassistenten auf, melden Sie es hier. KISA antwortet in der Meldung; Sie erhalten "
               "jede Antwort auch per E-Mail.")
    with session_scope() as session:
        choices = reportable_products(session, actor=actor)
        rows = list_problems(session, actor=actor)
    show_feedback(FEEDBACK)
    _new_report(choices)
    if not rows:
        st.info("Sie haben noch keine Probleme gemeldet.", icon=":material/inbox:")
        return
    still_open = [r for r in rows if r.is_open]
    solved = [r for r in rows if not r.is_open]
    st.header(f"Offen ({len(still_open)})")
    if not still_open:
        st.caption("Keine offenen Meldungen.")
    for row in still_open:
        _row(row)
    if solved:
        st.header(f"Gelöst ({len(solved)})")
        for row in solved:
            _row(row)


STATUS_FILTER = {"open": ("offen", ProblemStatus.OPEN), "solved": ("gelöst", ProblemStatus.SOLVED), "all": ("alle", None)}


@st.cache_data(max_entries=20, ttl=3600, show_spinner=False)
def _towns(version: tuple[int, str], database: str, _actor: Actor) -> dict[int, str]:
    """The municipalities KISA can filter by, shared by all staff until a problem is reported (``version``)."""
    del version, database  # cache keys only
    with session_scope() as session:
        return dict(municipalities_with_problems(session, actor=_actor))


def _kisa_overview() -> None:
    st.title("Meldungen")
    require_staff(actor)  # before the cache: it holds what staff may see
    with session_scope() as session:
        version = reports_version(session)
        still_open = open_count_for(session, actor=actor)
    towns = _towns(version, get_settings().effective_database_url(), actor)
    st.caption("Probleme, die Kommunen zu ihren Online-Antragsassistenten gemeldet haben, zuletzt bearbeitete zuerst. "
               "Ihre Antwort erhält die Kommune per E-Mail.")
    st.markdown(f"**{count(still_open, 'offene Meldung', 'offene Meldungen')}** insgesamt")
    status_col, town_col, search_col = st.columns([2, 3, 3])
    status = status_col.selectbox("Status", list(STATUS_FILTER), format_func=lambda s: STATUS_FILTER[s][0],
                                  key="pr_status", on_change=first_page, args=(KISA_PAGE,))
    with town_col:
        town = search_pick("Kommune", towns, key="pr_town", placeholder="Alle Kommunen", on_change=first_page,
                           args=(KISA_PAGE,))
    search = search_col.text_input("Suche", placeholder="Titel oder Produkt", key="pr_search", max_chars=100,
                                   on_change=first_page, args=(KISA_PAGE,))
    with session_scope() as session:
        page = problems_page(session, actor=actor, status=STATUS_FILTER[status][1], municipality_id=town,
                             query=search, number=page_number(KISA_PAGE), size=page_size(KISA_SIZE))
    show_feedback(FEEDBACK)
    st.markdown(f"**{count(page.total, 'Meldung', 'Meldungen')}** zu diesen Filtern")
    if not page.total:
        st.info("Keine Meldungen zu diesen Filtern.", icon=":material/inbox:")
    for row in page.items:
        _row(row)
    page_controls(KISA_PAGE, page, size_key=KISA_SIZE)


raw_id = st.query_params.get("meldung", "")
if is_record_id(raw_id):
    _show_thread(int(raw_id))
elif municipal:
    _municipal_overview()
else:
    _kisa_overview()
