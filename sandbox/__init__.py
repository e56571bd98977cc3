"""A Stripe-compatible HTTP server that runs locally, with its state in SQLite.

It imports neither the app's ``core`` package nor Streamlit.
"""
