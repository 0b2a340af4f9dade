"""Streamlit glue shared by app.py and the pages: session state, login, forms, errors. UI only."""
