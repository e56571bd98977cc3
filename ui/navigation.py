"""The one list of pages. ``app.py`` builds its navigation from it and the smoke test iterates over it.

Keeping the registry in one place means a new page is routed, grouped and smoke-tested by adding one line.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent.parent
# Set by sections() (the router) and taken by page_header(): was this run routed through app.py?
_ROUTED = "navigation_routed"


@dataclass(frozen=True)
class PageSpec:
    """A page as the router and the tests see it.

    ``path`` is relative to the repository root (Streamlit resolves it against ``app.py``'s folder),
    ``title`` is the navigation label and the browser tab title, ``heading`` the page's ``st.title``.
    """

    path: str
    title: str
    icon: str
    url_path: str
    section: str
    heading: str
    default: bool = False


PAGES: tuple[PageSpec, ...] = (
    PageSpec(
        path="pages/home.py",
        title="Home",
        icon=":material/home:",
        url_path="home",
        section="Set up",
        heading="Stripe Setup Playground",
        default=True,
    ),
    PageSpec(
        path="pages/keys.py",
        title="1 · Keys",
        icon=":material/key:",
        url_path="keys",
        section="Set up",
        heading="Step 1 — Your Stripe keys",
    ),
    PageSpec(
        path="pages/connections.py",
        title="2 · Connections",
        icon=":material/cable:",
        url_path="connections",
        section="Set up",
        heading="Step 2 — A connection: your Stripe account's keys, a slot per environment",
    ),
    PageSpec(
        path="pages/test_connection.py",
        title="3 · Test connection",
        icon=":material/network_check:",
        url_path="test-connection",
        section="Set up",
        heading="Step 3 — Test the connection",
    ),
    PageSpec(
        path="pages/pitfalls.py",
        title="Pitfalls & limitations",
        icon=":material/report:",
        url_path="pitfalls",
        section="Set up",
        heading="Pitfalls & limitations",
    ),
    # The playground (issue 8).
    PageSpec(
        path="pages/actions.py",
        title="Actions",
        icon=":material/play_circle:",
        url_path="actions",
        section="Playground",
        heading="Actions — run any Stripe action",
    ),
    PageSpec(
        path="pages/flows.py",
        title="Guided flows",
        icon=":material/route:",
        url_path="flows",
        section="Playground",
        heading="Guided flows",
    ),
    PageSpec(
        path="pages/request_log.py",
        title="Request log",
        icon=":material/receipt_long:",
        url_path="request-log",
        section="Playground",
        heading="Request log",
    ),
    PageSpec(
        path="pages/webhooks.py",
        title="Webhooks",
        icon=":material/webhook:",
        url_path="webhooks",
        section="Playground",
        heading="Webhooks",
    ),
    PageSpec(
        path="pages/data.py",
        title="Data",
        icon=":material/table:",
        url_path="data",
        section="Playground",
        heading="Data — Stripe resources as tables",
    ),
)


def spec(url_path: str) -> PageSpec:
    """The registered page with this ``url_path``; a KeyError names the known ones to catch typos early."""
    for page in PAGES:
        if page.url_path == url_path:
            return page
    known = ", ".join(p.url_path for p in PAGES)
    raise KeyError(f"No page with url_path {url_path!r}; registered pages: {known}")


def sections() -> dict[str, list[st.Page]]:
    """``st.navigation``'s input: the registered pages as ``st.Page`` objects grouped by section, in order.

    Only the router (``app.py``) asks for them, so the run is marked as routed (``_leave_legacy_pages_mode``).
    """
    st.session_state[_ROUTED] = True
    grouped: dict[str, list[st.Page]] = {}
    for page in PAGES:
        grouped.setdefault(page.section, []).append(
            st.Page(
                page.path,
                title=page.title,
                icon=page.icon,
                url_path=page.url_path,
                default=page.default,
            )
        )
    return grouped


def _leave_legacy_pages_mode() -> None:
    """Route through ``app.py`` even when a server's first session opens a page by its URL.

    Streamlit 1.67 decides per process whether the app is a legacy multipage app by looking for a folder
    named ``pages/`` next to the entry point (the layout prescribes that folder), and only forgets that once
    some run calls ``st.navigation``. Until then every session runs the requested ``pages/*.py`` file
    directly, without ``app.py``: no frame, no sidebar, no session setup, and legacy navigation, for
    everyone, until someone opens the root URL. There is no public switch for that mode (no config option;
    the flag is the private ``PagesManager.uses_pages_directory``), so this guard uses only public
    behaviour: a page that finds its run was not routed (``sections()`` did not mark it) calls
    ``st.navigation`` itself, which makes Streamlit ignore ``pages/`` from then on (its documented
    precedence over the folder), and reruns; the rerun goes through ``app.py`` to the same page (both modes
    identify a page by its URL path). tests/e2e/test_app_deep_link.py opens a page URL as a fresh server's
    first session.

    Not under AppTest: it runs every page the legacy way, always (it resets that mode before each run), and a
    rerun there would swallow the widget event the test is sending.
    """
    routed = st.session_state.pop(_ROUTED, False)
    if not routed and "streamlit.testing.v1.app_test" not in sys.modules:
        st.navigation(sections(), position="hidden")
        st.rerun()


def page_header(url_path: str, intro: str | None = None) -> None:
    """The page's title (from the registry, so navigation and heading cannot drift) and an optional intro."""
    _leave_legacy_pages_mode()
    page = spec(url_path)
    st.title(page.heading)
    if intro:
        st.caption(intro)
