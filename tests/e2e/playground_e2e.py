"""Small helpers for the playground's browser tests: click a keyed Streamlit widget, wait for a text.

Waiting is always on what the person would see (Playwright's auto-retrying ``expect``), never on sleeps:
a click starts a rerun, and the readiness marker alone could be read before that rerun began.
"""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Locator, Page, expect

TIMEOUT_MS = 30_000
READY = "[data-testid='stApp'][data-test-script-state='notRunning']"


def ready(page: Page) -> None:
    expect(page.locator(READY)).to_be_attached(timeout=60_000)


def click(page: Page, key: str) -> None:
    """Click the button with widget key ``key``."""
    page.locator(f".st-key-{key} button").first.click()


def see(page: Page, text: str) -> Locator:
    """The first element showing ``text``, once it is visible."""
    found = page.get_by_text(text).first
    expect(found).to_be_visible(timeout=TIMEOUT_MS)
    return found


def open_page(open_app: Callable[[str], Page], url_path: str) -> Page:
    """Open Home first, then the page.

    Streamlit runs a fresh server's first script from the URL it was asked for; a first visit straight to a
    ``pages/`` URL runs that file alone (legacy multipage mode, no router, no sidebar) until ``app.py`` has
    called ``st.navigation`` once. Opening Home first makes every test see the app as people do.
    """
    open_app("")
    return open_app(url_path)


def pick_action(page: Page, action_id: str) -> None:
    """Choose an action in the Actions page's picker as a person does: open it, type, click the option."""
    from core import catalog
    from ui.action_picker import label  # the option's text exactly as the page shows it

    name = label(action_id)
    page.locator(".st-key-actions_pick input").click()
    page.keyboard.type(catalog.get(action_id).name)  # the action's name filters the list
    page.get_by_role("option", name=name, exact=True).click()
    expect(page.locator(f".st-key-actions_{action_id}_run button")).to_be_visible(timeout=TIMEOUT_MS)
    ready(page)
