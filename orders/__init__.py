"""Cart, checkout and orders: step 2 of the journey (no Streamlit here)."""
