"""Workshop mode: the guided tour and the content of the participants' info pages (Streamlit-free)."""
