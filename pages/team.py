"""Municipal users: colleagues of the own municipality; the registering person invites further ones."""

from __future__ import annotations

import streamlit as st

from accounts.directory import get_municipality
from accounts.registration import POSITIONS
from accounts.team import invite_colleague, list_team
from accounts.validation import format_phone
from core.db import session_scope
from core.errors import DomainError, FieldErrors
from models import Role
from models.user import USER_STATUS_NAMES
from web.forms import field_error
from web.guard import require_actor

actor = require_actor(Role.KOMMUNE)
with session_scope() as session:
    municipality = get_municipality(session, actor=actor, municipality_id=actor.municipality_id or 0)
    team = list_team(session, actor=actor)
if municipality is None:
    st.error("Ihr Konto ist keiner Kommune zugeordnet. Bitte wenden Sie sich an KISA.")
    st.stop()

st.title("Mein Team")
demo = " (Beispieldaten)" if municipality.is_demo else ""
st.caption(f"{municipality.name}{demo} · AGS {municipality.ags} · ARS {municipality.ars}")

st.dataframe(
    [
        {
            "Name": m.full_name,
            "Funktion": m.position,
            "E-Mail": m.email,
            "Telefon": format_phone(m.phone),
            "Status": USER_STATUS_NAMES[m.status],
            "Verwaltet Team": "ja" if m.can_manage_team else "",
        }
        for m in team
    ],
    hide_index=True,
    width="stretch",
)

link = st.session_state.get("team_invite_link")
if link:
    st.success("Die Einladung ist angelegt. Geben Sie Ihrer Kollegin oder Ihrem Kollegen diesen Link "
               "(gültig 7 Tage); damit legt sie oder er ein eigenes Passwort fest:")
    st.code(link, language=None)

if actor.can_manage_team:
    st.header("Kolleg:in hinzufügen")
    errors: dict[str, str] = st.session_state.get("team_errors", {})
    with st.form("team_invite", clear_on_submit=False):
        name = st.text_input("Vor- und Nachname", key="team_name", max_chars=200)
        field_error(errors, "full_name")
        email = st.text_input("Dienstliche E-Mail-Adresse", key="team_email", max_chars=254)
        field_error(errors, "email")
        phone = st.text_input("Telefon (optional)", key="team_phone", max_chars=32)
        field_error(errors, "phone")
        position = st.selectbox("Funktion", POSITIONS, index=None, placeholder="Bitte wählen …", key="team_position")
        field_error(errors, "position")
        submitted = st.form_submit_button("Einladen", type="primary")
    if submitted:
        try:
            with session_scope() as session:
                invitation = invite_colleague(session, actor=actor, full_name=name, email=email, phone=phone,
                                              position=position or "")
        except FieldErrors as exc:
            st.session_state["team_errors"] = exc.errors
        except DomainError as exc:
            st.session_state["team_errors"] = {"full_name": str(exc)}
        else:
            st.session_state["team_errors"] = {}
            base = st.context.url.split("?")[0].rsplit("/", 1)[0] if st.context.url else ""
            st.session_state["team_invite_link"] = f"{base}/einladung?token={invitation.token}"
        st.rerun()
else:
    st.info("Neue Kolleg:innen fügt die Person hinzu, die Ihre Kommune registriert hat.")
