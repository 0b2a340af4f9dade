"""Download buttons: safe file names for every download, the configuration PDF and JSON export (UI only)."""

from __future__ import annotations

import re
from collections.abc import Sequence

import streamlit as st

from accounts.actor import Actor
from core.db import session_scope
from documents.plain import ascii_slug
from questionnaire.export import configuration_pdf, export_json

MAX_FILENAME = 120


def safe_filename(*parts: object, extension: str) -> str:
    """Return a download file name made from data, e.g. ``Abnahmeprotokoll_14627060_12_Runde1.pdf``.

    Only ASCII letters, digits and ``-_.`` (umlauts and ß transliterated, everything else a ``_``), the parts joined
    by ``_``, no leading dot and no ``..``, at most 120 characters: safe in every browser and file system.
    """
    slugs = [re.sub(r"\.{2,}", ".", ascii_slug(str(part), keep="-.")).strip("._-") for part in parts]
    stem = "_".join(slug for slug in slugs if slug) or "Download"
    suffix = re.sub(r"[^A-Za-z0-9]", "", extension).lower()[:10]
    stem = stem[: MAX_FILENAME - len(suffix) - 1].rstrip("._-")
    return f"{stem}.{suffix}" if suffix else stem


def configuration_downloads(actor: Actor, questionnaire_id: int, *, name: Sequence[object], key: str, json_label: str,
                            widths: Sequence[int] = (1, 1)) -> None:
    """Offer ``<name>.pdf`` and ``<name>.json`` of the latest submission (else the draft) in two columns."""

    def pdf() -> bytes:
        with session_scope() as session:
            return configuration_pdf(session, actor=actor, questionnaire_id=questionnaire_id)

    def data() -> str:
        with session_scope() as session:
            return export_json(session, actor=actor, questionnaire_id=questionnaire_id)

    pdf_col, json_col, *_rest = st.columns(list(widths))
    pdf_col.download_button("Konfiguration als PDF", data=pdf, file_name=safe_filename(*name, extension="pdf"),
                            mime="application/pdf", icon=":material/picture_as_pdf:", key=f"{key}_pdf", on_click="ignore")
    json_col.download_button(json_label, data=data, file_name=safe_filename(*name, extension="json"),
                             mime="application/json", icon=":material/data_object:", key=f"{key}_json", on_click="ignore")
