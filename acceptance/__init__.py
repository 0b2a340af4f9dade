"""Step 5 of the journey: test in maintenance mode, acceptance (Abnahme) with its record, going live, go-live
communication. Streamlit-free; every function takes the session and the acting person."""
