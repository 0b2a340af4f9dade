"""The login form, shown on the login page and in place of a protected page opened by a link (e.g. from an e-mail).

With ``OAA_AUTH_MODE=oidc`` it offers the single sign-on first; e-mail and password stay unless ``OAA_AUTH_LOCAL=false``.
"""

from __future__ import annotations

import streamlit as st

from core.config import get_settings
from web.auth import log_in, start_sso_login


def login_form(key: str = "login") -> bool:
    """Show the form; return ``True`` once the person is logged in (the caller reruns or switches page)."""
    settings = get_settings()
    if settings.sso_enabled:
        st.button("Mit dem Dienstkonto anmelden", type="primary", icon=":material/badge:", key=f"{key}_sso",
                  on_click=start_sso_login)
        if not settings.local_login_enabled:
            return False
        st.caption("Oder mit E-Mail-Adresse und Passwort:")
    with st.form(f"{key}_form"):
        email = st.text_input("E-Mail-Adresse", key=f"{key}_email", autocomplete="username")
        password = st.text_input("Passwort", type="password", key=f"{key}_password", autocomplete="current-password")
        submitted = st.form_submit_button("Anmelden", type="secondary" if settings.sso_enabled else "primary")
    if not submitted:
        return False
    problem = log_in(email, password)
    if problem:
        st.error(problem)
        return False
    return True
