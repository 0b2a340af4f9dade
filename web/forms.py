"""Small helpers for forms: show a field's German error right under the field."""

from __future__ import annotations

import streamlit as st

from web.text import md


def field_error(errors: dict[str, str], field: str) -> None:
    """Show the message for ``field`` if there is one."""
    message = errors.get(field)
    if message:  # plain text: a message may quote what was typed (e.g. a path with backslashes)
        st.error(md(message), icon=":material/error:")
