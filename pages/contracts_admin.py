"""KISA: model contract versions and funding programmes — the data every order is priced and signed with."""

from __future__ import annotations

from datetime import date

import streamlit as st

from core.clock import today_local
from core.db import session_scope
from core.errors import FieldErrors
from models import Role
from orders.contracts import current_contract, list_contracts, publish_contract
from orders.funding import add_programme, list_programmes, programme_on
from web.forms import field_error
from web.guard import require_actor
from web.text import fmt_date, fmt_datetime, md

actor = require_actor(Role.KISA, Role.ADMIN)
st.title("Vertrag und Förderung")
st.caption("Kommunen bestellen unter der heute gültigen Fassung des Mustervertrags; Förderprogramme gelten nach "
           "dem Bestelldatum. Bestellungen behalten ihre Fassung und ihre Förderung, auch wenn sich hier etwas ändert.")

message = st.session_state.pop("con_message", None)
if message:
    st.success(md(message))

today = today_local()
with session_scope() as session:
    contracts = list_contracts(session)
    valid = current_contract(session, today)
    programmes = list_programmes(session)
    funding_today = programme_on(session, today)

contract_tab, funding_tab = st.tabs(["Mustervertrag", "Förderprogramme"])
with contract_tab:
    st.markdown(f"Heute gültig: **{md(valid.title)} – Fassung {md(valid.version)}**" if valid else "Heute gilt keine Fassung.")
    for contract in contracts:
        with st.expander(f"Fassung {md(contract.version)} – gültig ab {fmt_date(contract.valid_from)}"):
            st.caption(f"Veröffentlicht {fmt_datetime(contract.published_at)} von {md(contract.published_by)}")
            st.text(contract.body)
    st.header("Neue Fassung veröffentlichen")
    errors: dict[str, str] = st.session_state.get("con_errors", {})
    with st.form("con_new"):
        version = st.text_input("Version", key="con_version", placeholder="z. B. 2027-1", max_chars=40)
        field_error(errors, "version")
        title = st.text_input("Titel", key="con_title", max_chars=300)
        field_error(errors, "title")
        valid_from = st.date_input("Gültig ab", key="con_valid_from", value=today, format="DD.MM.YYYY")
        body = st.text_area("Vertragstext", key="con_body", height=300,
                            help="Reiner Text; Absätze durch eine Leerzeile trennen. Formatierungen werden nicht ausgewertet.")
        field_error(errors, "body")
        confirm = st.checkbox("Ich weiß: veröffentlichte Fassungen können nicht mehr geändert werden.", key="con_confirm")
        submitted = st.form_submit_button("Veröffentlichen", type="primary")
    if submitted:
        if not confirm:
            st.session_state["con_errors"] = {"body": "Bitte bestätigen Sie die Veröffentlichung."}
        else:
            try:
                with session_scope() as session:
                    publish_contract(session, actor=actor, version=version, title=title, body=body,
                                     valid_from=valid_from if isinstance(valid_from, date) else today)
            except FieldErrors as exc:
                st.session_state["con_errors"] = exc.errors
            else:
                st.session_state["con_errors"] = {}
                st.session_state["con_message"] = f"Fassung {version} ist veröffentlicht."
        st.rerun()

with funding_tab:
    st.markdown(f"Heute gilt: **{md(funding_today.name)}**" if funding_today else "Heute gilt kein Förderprogramm.")
    st.dataframe(
        [{"Programm": p.name, "Einrichtung": f"{p.setup_percent} %", "Lizenz": f"{p.licence_percent} %",
          "von": fmt_date(p.valid_from), "bis": fmt_date(p.valid_to) if p.valid_to else "offen"} for p in programmes],
        hide_index=True, width="stretch",
    )
    st.header("Förderprogramm anlegen")
    ferrors: dict[str, str] = st.session_state.get("fun_errors", {})
    with st.form("fun_new"):
        name = st.text_input("Name", key="fun_name", max_chars=200)
        field_error(ferrors, "name")
        left, right = st.columns(2)
        setup = left.number_input("Anteil Einrichtung (%)", key="fun_setup", min_value=0, max_value=100, value=100)
        licence = right.number_input("Anteil Lizenz und Pflege (%)", key="fun_licence", min_value=0, max_value=100, value=100)
        start = left.date_input("Gültig ab", key="fun_from", value=today, format="DD.MM.YYYY")
        end = right.date_input("Gültig bis (leer: offen)", key="fun_to", value=None, format="DD.MM.YYYY")
        field_error(ferrors, "valid_to")
        description = st.text_area("Beschreibung", key="fun_description", max_chars=2000)
        field_error(ferrors, "description")
        added = st.form_submit_button("Anlegen", type="primary")
    if added:
        try:
            with session_scope() as session:
                add_programme(session, actor=actor, name=name, setup_percent=int(setup), licence_percent=int(licence),
                              valid_from=start if isinstance(start, date) else today,
                              valid_to=end if isinstance(end, date) else None, description=description)
        except FieldErrors as exc:
            st.session_state["fun_errors"] = exc.errors
        else:
            st.session_state["fun_errors"] = {}
            st.session_state["con_message"] = f"Förderprogramm „{name}“ ist angelegt."
        st.rerun()
