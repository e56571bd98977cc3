"""The UI-free domain of Stripe Setup Playground.

Keys, money, environments and connections, pitfalls, the action catalog and its runner.
Nothing here imports Streamlit, so the same code serves the app, notebooks and scripts.
"""
