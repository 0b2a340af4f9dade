# What a rerun costs the browser, by what the page holds: served by bench/bench_element_cost.py, one `streamlit run`
# per variant (environment variable OAA_ELEMENT_VARIANT). Every variant has the bare page's button "Klick" and its
# counter "Zähler N"; a click reruns the page (or, in "fragment", only the part holding the button).
import os

import streamlit as st

VARIANT = os.environ.get("OAA_ELEMENT_VARIANT", "bare")
st.set_page_config(layout="wide")


def counter() -> None:
    st.session_state.setdefault("clicks", 0)
    if st.button("Klick"):
        st.session_state.clicks += 1
    st.write(f"Zähler {st.session_state.clicks}")


def other_page() -> None:
    st.write("Eine andere Seite")


def body() -> None:
    if VARIANT == "fragment":  # 100 captions outside the part that reruns
        for i in range(100):
            st.caption(f"Zeile {i} mit etwas Text")
        st.fragment(counter)()
        return
    counter()
    if VARIANT == "captions":
        for i in range(100):
            st.caption(f"Zeile {i} mit etwas Text")
    elif VARIANT == "markdown":
        st.markdown("\n".join(f"- Zeile {i} mit etwas Text" for i in range(100)))
    elif VARIANT == "multiselects":
        for i in range(5):
            st.multiselect(f"Filter {i}", ["a", "b", "c"], key=f"m{i}")
    elif VARIANT == "lines_columns":  # the catalogue's result lines before 2026-11-30
        for i in range(10):
            left, right = st.columns([12, 1])
            left.page_link(pages[1], label=f"Produkt {i}", icon=":material/description:")
            right.button("", icon=":material/add_shopping_cart:", key=f"b{i}")
            st.caption(f":green-badge[verfügbar] Beschreibung {i}")
    elif VARIANT == "lines_flex":  # and after
        for i in range(10):
            with st.container(horizontal=True, horizontal_alignment="distribute", vertical_alignment="center",
                              gap=None):
                st.page_link(pages[1], label=f"Produkt {i}", icon=":material/description:")
                st.button("", icon=":material/add_shopping_cart:", key=f"b{i}")
            st.caption(f":green-badge[verfügbar] Beschreibung {i}")
    elif VARIANT == "rows_columns":  # the queue's rows before 2026-11-30
        for i in range(10):
            with st.container(border=True):
                cells = st.columns(6)
                for j in range(4):
                    cells[j].markdown(f"Wert {i}.{j}  \n:gray[mehr]")
                cells[4].selectbox("Zuständig", ["a", "b"], key=f"s{i}", label_visibility="collapsed")
                cells[5].page_link(pages[1], label="Öffnen", icon=":material/open_in_new:")
    elif VARIANT == "cards":  # and after
        for i in range(10):
            with st.container(border=True, horizontal=True, vertical_alignment="center", wrap=False):
                st.markdown(f"**Wert {i}.0**  \nWert {i}.1 :gray[mehr]  \nWert {i}.2 · Wert {i}.3", width="stretch")
                st.selectbox("Zuständig", ["a", "b"], key=f"s{i}", label_visibility="collapsed", width=230)
                st.page_link(pages[1], label="Öffnen", icon=":material/open_in_new:")
    elif VARIANT == "page_links":
        for i in range(10):
            st.page_link(pages[1], label=f"Produkt {i}", icon=":material/description:")
    elif VARIANT == "markdown_table":
        rows = "\n".join(f"| Produkt {i} | Stadt {i} | :blue-badge[Prüfung] | {i} Tage |" for i in range(10))
        st.markdown("| Produkt | Kommune | Stand | Alter |\n|---|---|---|---|\n" + rows)
    elif VARIANT == "dataframe":
        st.dataframe([{"Produkt": f"Produkt {i}", "Kommune": f"Stadt {i}", "Stand": "Prüfung", "Alter": f"{i} Tage"}
                      for i in range(10)], hide_index=True)
    elif VARIANT == "radio":
        st.radio("Schritte", [f"{i}. Schritt" for i in range(1, 11)], key="steps")
    elif VARIANT == "buttons":
        for i in range(1, 11):
            st.button(f"{i}. Schritt", key=f"step{i}", type="tertiary")


pages = [st.Page(body, title="Start", url_path="start", default=True),
         *(st.Page(other_page, title=f"Seite {i}", icon=":material/inbox:", url_path=f"seite{i}") for i in range(2, 22))]
st.navigation({"Übersicht": pages[:3], "Weitere": pages[3:]},
              position="sidebar" if VARIANT == "menu" else "hidden").run()
