# The reference page of bench/bench_browser.py: a button and a click counter, nothing else. Served like the app
# (`streamlit run bench/bare_app.py` from the repository root: the same Streamlit, flags and .streamlit/config.toml),
# it shows what a click costs the browser and the machine when the page itself does next to nothing.
import streamlit as st

st.session_state.setdefault("clicks", 0)
if st.button("Klick"):
    st.session_state.clicks += 1
st.write(f"Zähler {st.session_state.clicks}")
