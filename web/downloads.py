"""The configuration PDF and JSON export as download buttons, rendered only when clicked (UI only)."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from accounts.actor import Actor
from core.db import session_scope
from questionnaire.export import configuration_pdf, export_json


def configuration_downloads(actor: Actor, questionnaire_id: int, *, stem: str, key: str, json_label: str,
                            widths: Sequence[int] = (1, 1)) -> None:
    """Offer ``<stem>.pdf`` and ``<stem>.json`` of the latest submission (else the draft) in two columns."""

    def pdf() -> bytes:
        with session_scope() as session:
            return configuration_pdf(session, actor=actor, questionnaire_id=questionnaire_id)

    def data() -> str:
        with session_scope() as session:
            return export_json(session, actor=actor, questionnaire_id=questionnaire_id)

    pdf_col, json_col, *_rest = st.columns(list(widths))
    pdf_col.download_button("Konfiguration als PDF", data=pdf, file_name=f"{stem}.pdf", mime="application/pdf",
                            icon=":material/picture_as_pdf:", key=f"{key}_pdf", on_click="ignore")
    json_col.download_button(json_label, data=data, file_name=f"{stem}.json", mime="application/json",
                             icon=":material/data_object:", key=f"{key}_json", on_click="ignore")
