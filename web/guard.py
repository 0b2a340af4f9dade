"""The first line of every protected page: who may see it (the services check again)."""

from __future__ import annotations

import streamlit as st

from accounts.actor import Actor
from models import Role
from web.login_form import login_form
from web.state import current_actor


def require_actor(*roles: Role) -> Actor:
    """Return the logged-in, active actor with one of ``roles`` (any role if none given), else stop the page."""
    actor = current_actor()
    if actor is None:
        # Opened by a link (e.g. from an e-mail) without a login: log in right here and stay on the page,
        # with its query parameters, instead of being sent to the start page.
        st.info("Bitte melden Sie sich an. Danach sehen Sie gleich diese Seite.", icon=":material/login:")
        if login_form("guard_login"):
            st.rerun()
        st.stop()
    if not actor.is_active:
        st.warning("Bitte melden Sie sich an, um diese Seite zu sehen.", icon=":material/login:")
        st.stop()
    if roles and actor.role not in roles:
        st.error("Diese Seite ist für Ihre Rolle nicht freigegeben.", icon=":material/block:")
        st.stop()
    return actor
