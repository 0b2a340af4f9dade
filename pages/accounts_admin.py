"""Administrators: all accounts, new KISA staff accounts, switching accounts off and on, access and erasure (DSGVO)."""

from __future__ import annotations

import json

import streamlit as st

from accounts.administration import account_page, create_staff_account, set_disabled
from core.db import session_scope
from core.errors import DomainError, FieldErrors
from models import Role, UserStatus
from models.user import ROLE_NAMES, USER_STATUS_NAMES
from privacy.erasure import erase_person
from privacy.export import export_person
from privacy.matching import ERASED_DOMAIN
from web.downloads import safe_filename
from web.forms import field_error
from web.guard import require_actor
from web.paging import first_page, page_controls, page_number
from web.text import fmt_datetime, md

actor = require_actor(Role.ADMIN)
st.title("Benutzerkonten")

message = st.session_state.pop("adm_message", None)
if message:
    st.success(md(message))

PAGE = "adm_page"
text = st.text_input("Suche nach Name oder E-Mail-Adresse", key="adm_text", max_chars=100, on_change=first_page,
                     args=(PAGE,))
with session_scope() as session:
    page = account_page(session, actor=actor, text=text, number=page_number(PAGE), size=50)
accounts = page.items

st.dataframe(
    [
        {
            "Name": a.full_name + (" (Beispieldaten)" if a.is_demo else ""),
            "E-Mail": a.email,
            "Rolle": ROLE_NAMES[a.role],
            "Kommune": a.municipality,
            "Status": USER_STATUS_NAMES[a.status],
            "Letzte Anmeldung": fmt_datetime(a.last_login_at),
        }
        for a in accounts
    ],
    hide_index=True,
    width="stretch",
)
page_controls(PAGE, page)

st.header("Konto deaktivieren oder wieder aktivieren")
st.caption("Zur Wahl stehen die Konten der angezeigten Seite; mit der Suche oben finden Sie jedes Konto.")
choices = {a.user_id: a for a in accounts if a.user_id != actor.user_id and a.status in (UserStatus.ACTIVE, UserStatus.DISABLED)}


def _label(user_id: int) -> str:
    a = choices[user_id]
    return f"{a.full_name} – {a.email} ({USER_STATUS_NAMES[a.status]})"


picked = st.selectbox("Konto", list(choices), index=None, placeholder="Konto wählen …", format_func=_label, key="adm_pick")
if picked is not None:
    target = choices[picked]
    disable = target.status == UserStatus.ACTIVE
    st.caption("Deaktivierte Konten können sich nicht anmelden; laufende Sitzungen enden sofort." if disable else
               "Das Konto kann sich danach wieder anmelden.")
    confirm = st.checkbox(f"Ja, {md(target.full_name)} {'deaktivieren' if disable else 'wieder aktivieren'}", key="adm_confirm")
    if st.button("Deaktivieren" if disable else "Wieder aktivieren", disabled=not confirm, key="adm_toggle"):
        try:
            with session_scope() as session:
                set_disabled(session, actor=actor, user_id=target.user_id, disabled=disable)
        except DomainError as exc:
            st.error(md(str(exc)))
        else:
            st.session_state["adm_message"] = (
                f"{target.full_name} ist {'deaktiviert' if disable else 'wieder aktiv'}."
            )
            st.session_state.pop("adm_pick", None)
            st.session_state.pop("adm_confirm", None)
            st.rerun()

st.header("KISA-Konto anlegen")
errors: dict[str, str] = st.session_state.get("adm_errors", {})
with st.form("adm_new"):
    name = st.text_input("Vor- und Nachname", key="adm_name", max_chars=200)
    field_error(errors, "full_name")
    email = st.text_input("E-Mail-Adresse", key="adm_email", max_chars=254)
    field_error(errors, "email")
    role = st.radio("Rolle", [Role.KISA, Role.ADMIN], format_func=ROLE_NAMES.get, horizontal=True, key="adm_role")
    password = st.text_input("Erstes Passwort", type="password", key="adm_password", autocomplete="new-password",
                             help="Mindestens 12 Zeichen. Teilen Sie es der Person auf sicherem Weg mit.")
    field_error(errors, "password")
    submitted = st.form_submit_button("Konto anlegen", type="primary")
if submitted:
    try:
        with session_scope() as session:
            create_staff_account(session, actor=actor, email=email, full_name=name, password=password,
                                 role=role or Role.KISA)
    except FieldErrors as exc:
        st.session_state["adm_errors"] = exc.errors
    else:
        st.session_state["adm_errors"] = {}
        st.session_state["adm_message"] = f"Konto für {name} angelegt."
    st.rerun()

st.subheader("Datenschutz: Auskunft und Löschung")
st.caption("Auskunft (Art. 15 DSGVO): alle zu einer Person gespeicherten Daten als JSON-Datei. Löschung (Art. 17 DSGVO): "
           "Name, E-Mail-Adresse und Telefonnummer werden überall durch Platzhalter ersetzt; Bestellungen, Verläufe und "
           "das Protokoll bleiben vollständig erhalten.")
people = {a.user_id: a for a in accounts}
privacy_errors: dict[str, str] = st.session_state.setdefault("adm_privacy_errors", {})


def _person_label(user_id: int) -> str:
    a = people[user_id]
    return f"{a.full_name} – {a.email} ({ROLE_NAMES[a.role]}, {a.municipality})"


def _erase(user_id: int) -> None:
    try:
        with session_scope() as session:
            erase_person(session, actor=actor, user_id=user_id, reason=st.session_state.get("adm_privacy_reason") or "")
    except FieldErrors as exc:
        privacy_errors.clear()
        privacy_errors.update(exc.errors)
    except DomainError as exc:
        privacy_errors.clear()
        privacy_errors["reason"] = str(exc)
    else:
        privacy_errors.clear()
        st.session_state["adm_message"] = f"Die personenbezogenen Daten von Konto {user_id} wurden gelöscht."
        st.session_state["adm_privacy_pick"] = None  # the frontend shows the reset too (a pop would leave the old label)
        st.session_state["adm_privacy_reason"] = ""


chosen = st.selectbox("Person", list(people), index=None, placeholder="Konto wählen …", format_func=_person_label,
                      key="adm_privacy_pick")
if chosen is not None:
    person = people[chosen]

    def _export() -> str:
        with session_scope() as session:
            document = export_person(session, actor=actor, user_id=person.user_id)
        return json.dumps(document, ensure_ascii=False, indent=2)

    export_col, erase_col = st.columns(2)
    export_col.download_button("Auskunft herunterladen (JSON)", data=_export,
                               file_name=safe_filename("auskunft-konto", chosen, extension="json"),
                               mime="application/json", icon=":material/download:", key="adm_privacy_export",
                               on_click="ignore")
    if person.email.endswith(f"@{ERASED_DOMAIN}"):
        erase_col.caption("Die Daten dieses Kontos wurden bereits gelöscht.")
    elif person.user_id != actor.user_id:
        with erase_col.popover("Personenbezogene Daten löschen …", icon=":material/person_remove:"):
            st.write(f"{md(person.full_name)} wird überall durch „gelöschte Person #{chosen}“ ersetzt, das Konto wird "
                     "deaktiviert. Das lässt sich nicht rückgängig machen.")
            st.text_area("Grund (erscheint im Protokoll)", key="adm_privacy_reason", max_chars=1000,
                         placeholder="z. B. Antrag nach Art. 17 DSGVO vom 3. März")
            st.button("Ja, Daten endgültig löschen", type="primary", key="adm_privacy_erase", on_click=_erase,
                      args=(chosen,))
    field_error(privacy_errors, "reason")
