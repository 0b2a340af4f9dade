"""The OAA catalogue: product data files, their validation, and search (no Streamlit here)."""
