"""KISA: pending registrations, approve or reject with a reason (Freischaltung)."""

from __future__ import annotations

import streamlit as st

from accounts.approval import approve, pending_page, reject
from accounts.validation import format_phone
from core.db import session_scope
from core.errors import DomainError, FieldErrors
from models import Role
from web.guard import require_actor
from web.paging import page_controls, page_number, page_size
from web.text import count, fmt_datetime, md

PAGE, SIZE = "appr_page", "appr_size"  # page number; registrations per page ("Einträge je Seite"), oldest first

actor = require_actor(Role.KISA, Role.ADMIN)
st.title("Freischaltungen")
st.caption("Registrierungen von Kommunen, die auf die Entscheidung von KISA warten – älteste zuerst.")

with session_scope() as session:
    page = pending_page(session, actor=actor, number=page_number(PAGE), size=page_size(SIZE))

message = st.session_state.pop("appr_message", None)
if message:
    st.success(message)
problem = st.session_state.pop("appr_problem", None)
if problem:
    st.warning(problem)

if not page.total:
    st.info("Keine offenen Registrierungen. Neue Registrierungen erscheinen hier.", icon=":material/verified_user:")

if page.total:
    st.markdown(f"**{count(page.total, 'Registrierung wartet', 'Registrierungen warten')}**")
for item in page.items:
    with st.container(border=True):
        head, when = st.columns([3, 1])
        demo = " · Beispieldaten" if item.is_demo else ""
        head.header(f"{md(item.municipality_name)}{demo}")
        when.caption(f"Eingang: {fmt_datetime(item.registered_at)}")
        st.markdown(
            f"**{md(item.full_name)}** ({md(item.position)})  \n"
            f":material/mail: {md(item.email)} · :material/call: {md(format_phone(item.phone))}  \n"
            f"AGS {item.ags} · ARS {item.ars} · Landkreis {md(item.kreis)}"
            + (f" · Leitweg-ID {md(item.leitweg_id)}" if item.leitweg_id else "")
        )
        approve_col, reject_col = st.columns([1, 2])
        if approve_col.button("Freischalten", key=f"appr_ok_{item.user_id}", type="primary", icon=":material/verified_user:"):
            try:
                with session_scope() as session:
                    approve(session, actor=actor, user_id=item.user_id)
            except DomainError as exc:
                st.session_state["appr_problem"] = str(exc)  # e.g. a colleague decided meanwhile
            else:
                st.session_state["appr_message"] = f"{item.municipality_name} ist freigeschaltet."
            st.rerun()
        with reject_col.popover("Ablehnen …", icon=":material/block:"):
            reason = st.text_area("Begründung (die antragstellende Person liest sie)", key=f"appr_reason_{item.user_id}",
                                  max_chars=2000)
            if st.button("Ablehnung bestätigen", key=f"appr_no_{item.user_id}"):
                try:
                    with session_scope() as session:
                        reject(session, actor=actor, user_id=item.user_id, reason=reason)
                except FieldErrors as exc:
                    st.error(exc.errors["reason"])
                except DomainError as exc:
                    st.error(str(exc))
                else:
                    st.session_state["appr_message"] = f"Registrierung von {item.municipality_name} abgelehnt."
                    st.rerun()

page_controls(PAGE, page, size_key=SIZE)
