"""The data-flow picture of the seed on a page: the Graphviz chart, and the same arrows in words beneath it."""

from __future__ import annotations

from collections.abc import Collection

import streamlit as st

from web.text import md
from workshop.dataflow import FOOTNOTE, dataflow_dot, flows_in_words

ALT = ("Datenfluss eines Antrags auf Amt24: von der Antragstellerin über den Online-Antragsassistenten, das "
       "Servicekonto und das Transferverzeichnis im KDN ins Fachverfahren der Kommune, mit Benachrichtigungsmail")


def show_dataflow(highlight: Collection[str] = ()) -> None:
    """Draw the picture with the systems in ``highlight`` standing out; the arrows in words in an expander."""
    st.graphviz_chart(dataflow_dot(highlight), alt=ALT)
    with st.expander("Der Datenfluss in Worten"):
        st.markdown("\n".join(f"- {md(line)}" for line in flows_in_words()) + f"\n\n{md(FOOTNOTE)}")
