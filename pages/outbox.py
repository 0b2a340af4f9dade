"""KISA and administrators: the Postausgang — every e-mail of the shop, its delivery state and a safe preview."""

from __future__ import annotations

import streamlit as st

from core.db import session_scope
from core.errors import DomainError
from models import MailStatus, Role
from notifications.outbox import (
    STATUS_NAMES,
    can_retry,
    count_by_status,
    get_mail,
    is_waiting,
    list_mails,
    retry_mail,
    status_label,
    unclear_mail_ids,
)
from notifications.render import EVENTS
from web.guard import require_actor
from web.text import at_least, fmt_datetime, md

PAGE_SIZE = 50
ALL = "Alle"
FILTERS: dict[str, MailStatus | None] = {ALL: None, **{name: status for status, name in STATUS_NAMES.items()}}


def _first_page() -> None:
    """A changed filter starts again with the newest mails and forgets the picked one."""
    st.session_state["outbox_page"] = 0
    st.session_state.pop("outbox_pick", None)


actor = require_actor(Role.KISA, Role.ADMIN)
st.title("Postausgang")
st.caption("Alle E-Mails des OAA-Shops mit ihrem Versandstand. Der Versand läuft mit dem Befehl „oaa outbox send“; "
           "ohne eingerichteten SMTP-Server bleiben die E-Mails hier wartend.")

message = st.session_state.pop("outbox_message", None)
if message:
    st.success(message)

col_status, col_text = st.columns([1, 2])
choice = col_status.selectbox("Status", list(FILTERS), key="outbox_status", on_change=_first_page)
text = col_text.text_input("Suche in Empfänger, Betreff und Ereignis", key="outbox_text", max_chars=100,
                           on_change=_first_page)
page_no = st.session_state.setdefault("outbox_page", 0)

with session_scope() as session:
    counts = count_by_status(session, actor=actor)
    result = list_mails(session, actor=actor, status=FILTERS[choice], text=text.strip(), limit=PAGE_SIZE,
                        offset=page_no * PAGE_SIZE)
    unclear_ids = unclear_mail_ids(session, actor=actor)

for column, status in zip(st.columns(len(MailStatus)), MailStatus, strict=True):
    column.metric(STATUS_NAMES[status], at_least(*counts[status]))
if unclear_ids:
    numbers = ", ".join(str(i) for i in unclear_ids)
    st.warning(f"Unklarer Versandstand bei Nr. {numbers}: der Versand wurde begonnen, aber nicht abgeschlossen. "
               "Diese E-Mails werden nicht automatisch erneut versendet – bitte beim Empfänger nachfragen "
               "und bei Bedarf erneut in den Versand geben.", icon=":material/help:")

st.write("1 E-Mail" if result.total == 1 and not result.more else f"{at_least(result.total, result.more)} E-Mails")
st.dataframe(
    [
        {
            "Nr.": m.id,
            "Erstellt": fmt_datetime(m.created_at),
            "Art": EVENTS.get(m.event, m.event),
            "Empfänger": m.to_address,
            "Betreff": m.subject,
            "Status": status_label(m),
            "Versuche": m.attempts,
        }
        for m in result.mails
    ],
    hide_index=True,
    width="stretch",
)
prev_col, next_col = st.columns(2)
if page_no > 0 and prev_col.button("← Neuere"):
    st.session_state["outbox_page"] = page_no - 1
    st.session_state.pop("outbox_pick", None)
    st.rerun()
if ((page_no + 1) * PAGE_SIZE < result.total or result.more) and next_col.button("Ältere →"):
    st.session_state["outbox_page"] = page_no + 1
    st.session_state.pop("outbox_pick", None)
    st.rerun()

labels = {m.id: f"Nr. {m.id} – {m.subject} → {m.to_address}" for m in result.mails if m.id is not None}
picked = st.selectbox("E-Mail ansehen", list(labels), index=None, format_func=lambda i: labels.get(i, str(i)),
                      placeholder="E-Mail wählen …", key="outbox_pick")
if picked is not None:
    try:
        with session_scope() as session:
            mail = get_mail(session, actor=actor, mail_id=picked)
    except DomainError as exc:
        st.error(str(exc))
        st.stop()
    with st.container(border=True):
        st.header(md(mail.subject))
        st.markdown(
            f"**An:** {md(mail.to_address)}  \n"
            f"**Art:** {md(EVENTS.get(mail.event, mail.event))} · **Erstellt:** {fmt_datetime(mail.created_at)}  \n"
            f"**Status:** {status_label(mail)} · **Versuche:** {mail.attempts}"
            + (f" · **Versendet:** {fmt_datetime(mail.sent_at)}" if mail.sent_at else "")
            + (f" · **Nächster Versuch:** {fmt_datetime(mail.next_attempt_at)}" if is_waiting(mail) else "")
        )
        st.caption(f"Message-ID: {md(mail.message_id)}")
        if mail.last_error:
            st.error(f"Letzter Fehler: {md(mail.last_error)}", icon=":material/error:")
        if can_retry(mail) and st.button("Erneut in den Versand geben", key="outbox_retry", icon=":material/replay:"):
            try:
                with session_scope() as session:
                    retry_mail(session, actor=actor, mail_id=picked)
            except DomainError as exc:
                st.error(str(exc))
            else:
                st.session_state["outbox_message"] = f"Nr. {picked} wird beim nächsten Versandlauf erneut versendet."
                st.rerun()
        text_tab, html_tab = st.tabs(["Textfassung", "HTML-Quelltext"])
        with text_tab:
            st.code(mail.text_body, language=None, wrap_lines=True)
        with html_tab:  # as source: the HTML carries user text, and no page renders HTML made from data
            st.code(mail.html_body, language="html", wrap_lines=True)
