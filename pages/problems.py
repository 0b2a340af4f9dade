"""Meldungen (in Arbeit)."""

from __future__ import annotations

import streamlit as st

from models import Role
from web.guard import require_actor

actor = require_actor(Role.KOMMUNE, Role.KISA, Role.ADMIN)
st.title("Meldungen")
