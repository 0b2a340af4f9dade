"""Registration of a municipality by its first authorised person (pending until KISA approves)."""

from __future__ import annotations

import streamlit as st

from accounts.registration import POSITIONS, RegistrationInput, register, suggested_ars
from core.db import session_scope
from core.errors import FieldErrors
from web.cached import gemeinden
from web.forms import field_error

FIELDS = ("full_name", "email", "phone", "ags", "position", "authorised", "ars", "leitweg_id", "street", "postal_code",
          "city", "password", "password_repeat")

st.title("Kommune registrieren")
st.markdown(
    "Die **erste berechtigte Person** einer Kommune registriert sie hier einmalig. KISA prüft die Angaben "
    "und schaltet das Konto frei. Weitere Kolleg:innen fügen Sie danach selbst hinzu."
)

done = st.session_state.get("reg_done")
if done:
    st.success(
        f"Vielen Dank! Ihre Registrierung für **{done}** ist eingegangen. KISA prüft sie in der Regel "
        "innerhalb weniger Arbeitstage. Sie können sich schon jetzt anmelden und den Stand sehen."
    )
    st.page_link("pages/login.py", label="Zur Anmeldung", icon=":material/login:")
    st.stop()

errors: dict[str, str] = st.session_state.get("reg_errors", {})
options = {g.ags: g for g in gemeinden()}


def _prefill_ars() -> None:
    st.session_state["reg_ars"] = suggested_ars(st.session_state.get("reg_ags") or "")


st.header("Ihre Kommune")
st.selectbox(
    "Kommune (Gemeindeverzeichnis Sachsen)",
    options=list(options),
    index=None,
    format_func=lambda ags: options[ags].label,
    placeholder="Name der Gemeinde oder Stadt eingeben …",
    key="reg_ags",
    on_change=_prefill_ars,
)
field_error(errors, "ags")
col_ars, col_lw = st.columns(2)
with col_ars:
    st.text_input(
        "Amtlicher Regionalschlüssel (ARS)",
        key="reg_ars",
        max_chars=12,
        help="Aus dem Gemeindeschlüssel vorgeschlagen. Gehört Ihre Gemeinde zu einer Verwaltungsgemeinschaft, "
        "korrigieren Sie die Ziffern 6–9 (Gemeindeverband).",
    )
    field_error(errors, "ars")
with col_lw:
    st.text_input("Leitweg-ID (optional)", key="reg_leitweg_id", max_chars=46,
                  help="Adresse für elektronische Rechnungen (XRechnung), z. B. 14612000-12345-67.")
    field_error(errors, "leitweg_id")

street_col, code_col, city_col = st.columns([3, 1, 2])
with street_col:
    st.text_input("Anschrift der Verwaltung: Straße und Hausnummer", key="reg_street", max_chars=200)
    field_error(errors, "street")
with code_col:
    st.text_input("PLZ", key="reg_postal_code", max_chars=5)
    field_error(errors, "postal_code")
with city_col:
    st.text_input("Ort", key="reg_city", max_chars=120)
    field_error(errors, "city")

st.header("Ihre Person")
col_name, col_pos = st.columns(2)
with col_name:
    st.text_input("Vor- und Nachname", key="reg_full_name", max_chars=200, autocomplete="name")
    field_error(errors, "full_name")
with col_pos:
    st.selectbox("Ihre Funktion in der Kommune", POSITIONS, index=None, placeholder="Bitte wählen …",
                 key="reg_position")
    field_error(errors, "position")
col_mail, col_phone = st.columns(2)
with col_mail:
    st.text_input("Dienstliche E-Mail-Adresse", key="reg_email", max_chars=254, autocomplete="email")
    field_error(errors, "email")
with col_phone:
    st.text_input("Telefon", key="reg_phone", max_chars=32, autocomplete="tel", placeholder="0351 1234567")
    field_error(errors, "phone")

st.header("Passwort")
col_pw, col_pw2 = st.columns(2)
with col_pw:
    st.text_input("Passwort", type="password", key="reg_password", autocomplete="new-password",
                  help="Mindestens 12 Zeichen; kein leicht zu erratendes Passwort, nicht Ihr Name.")
    field_error(errors, "password")
with col_pw2:
    st.text_input("Passwort wiederholen", type="password", key="reg_password_repeat", autocomplete="new-password")
    field_error(errors, "password_repeat")

st.checkbox("Ich bin berechtigt, für meine Kommune im OAA-Shop zu handeln und Bestellungen auszulösen.",
            key="reg_authorised")
field_error(errors, "authorised")

if st.button("Registrierung absenden", type="primary"):
    data = RegistrationInput(**{
        f: (st.session_state.get(f"reg_{f}") or (False if f == "authorised" else "")) for f in FIELDS
    })
    try:
        with session_scope() as session:
            register(session, data)
            municipality_name = options[data.ags].name
    except FieldErrors as exc:
        st.session_state["reg_errors"] = exc.errors
    else:
        st.session_state["reg_errors"] = {}
        st.session_state["reg_done"] = municipality_name
        for f in ("password", "password_repeat"):
            st.session_state.pop(f"reg_{f}", None)
    st.rerun()

if errors:
    st.error(f"Bitte prüfen Sie die markierten Angaben ({len(errors)}).")
