"""The login form, shown on the login page and in place of a protected page opened by a link (e.g. from an e-mail)."""

from __future__ import annotations

import streamlit as st

from web.auth import log_in


def login_form(key: str = "login") -> bool:
    """Show the form; return ``True`` once the person is logged in (the caller reruns or switches page)."""
    with st.form(f"{key}_form"):
        email = st.text_input("E-Mail-Adresse", key=f"{key}_email", autocomplete="username")
        password = st.text_input("Passwort", type="password", key=f"{key}_password", autocomplete="current-password")
        submitted = st.form_submit_button("Anmelden", type="primary")
    if not submitted:
        return False
    problem = log_in(email, password)
    if problem:
        st.error(problem)
        return False
    return True
