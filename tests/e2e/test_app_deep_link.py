"""A page opened by its URL goes through the router, even as the very first session of a server process.

Streamlit 1.67 treats an app with a ``pages/`` folder as a legacy multipage app until some run calls
``st.navigation``; without ``ui.navigation``'s guard, a first visit to /keys ran pages/keys.py on its own (no
sidebar, legacy navigation) for every session until someone opened the root URL.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect


def test_first_session_opening_a_page_url_gets_the_routed_app(page: Page, fresh_app_url: str) -> None:
    page.goto(f"{fresh_app_url}/connections")
    expect(page.locator("[data-testid='stApp'][data-test-script-state='notRunning']")).to_be_attached(
        timeout=60_000
    )
    heading = "Step 2 — A connection: your Stripe account's keys, a slot per environment"
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    sidebar = page.locator("[data-testid='stSidebar']")
    expect(sidebar.get_by_text("Setup progress")).to_be_visible()
    expect(sidebar.get_by_role("link", name="2 · Connections")).to_be_visible()
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
