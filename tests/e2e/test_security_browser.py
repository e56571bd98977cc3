"""Security in Chromium: secrets never leak (page HTML, URLs, the browser's requests, the Streamlit server
log, files written), a double click creates one object, and two browser sessions never mix."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import stripe
from playground_e2e import click, open_page, pick_action, ready, see
from playwright.sync_api import Browser, Page, Request, expect

from sandbox.control import ControlClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "security"))
from secrets_scan import LIVE_PK, LIVE_SK, WHSEC, file_leaks, files_written_since, leaks

ROOT = Path(__file__).resolve().parents[2]


def _sandbox_account(page: Page) -> dict[str, str]:
    """A fresh account on the app's own sandbox (its address is on Home), plus a restricted key."""
    text = page.get_by_text("Sandbox API address").inner_text()
    api_base = next(w for w in text.replace("`", " ").split() if w.startswith("http://127.0.0.1:"))
    control = ControlClient(api_base)
    created = control.create_account()
    restricted = control.for_account(created).restricted_key(["rak_product_read"])
    return {
        "id": created.id,
        "api_base": api_base,
        "publishable_key": created.publishable_key,
        "secret_key": created.secret_key,
        "restricted_key": restricted,
    }


def _paste(page: Page, widget_key: str, value: str) -> None:
    field = page.locator(f".st-key-{widget_key} input")
    field.fill(value)
    expect(field).to_have_value("")  # committed, judged, and gone from the page


def _connect(page: Page, account: dict[str, str], name: str, htmls: list[str]) -> None:
    """Step 1 and 2 in the browser: keys (a live-looking pair first), then a connection on ``account``."""
    page.get_by_role("link", name="1 · Keys").first.click()
    ready(page)
    _paste(page, "keys_publishable", LIVE_PK)
    _paste(page, "keys_secret", LIVE_SK)
    htmls.append(page.content())
    _paste(page, "keys_publishable", account["publishable_key"])
    _paste(page, "keys_secret", account["secret_key"])
    htmls.append(page.content())
    page.get_by_role("link", name="2 · Connections").first.click()
    ready(page)
    page.locator(".st-key-connections_new_name input").fill(name)
    page.get_by_role("button", name="Create connection").click()
    see(page, f"Created “{name}”")
    slug = name.lower().replace(" ", "-").replace("–", "").replace("--", "-")
    prefix = f"connections_{slug}_editor"
    _paste(page, f"{prefix}_publishable", account["publishable_key"])
    _paste(page, f"{prefix}_secret", account["secret_key"])
    see(page, "Editor is ready")
    htmls.append(page.content())


def _record(page: Page, urls: list[str]) -> None:
    def on_request(request: Request) -> None:
        urls.append(request.url)
        urls.append(request.post_data or "")

    page.on("request", on_request)
    page.on("framenavigated", lambda frame: urls.append(frame.url))


def _products(account: dict[str, str]) -> list[str]:
    client = stripe.StripeClient(account["secret_key"], base_addresses={"api": account["api_base"]})
    return [p.name for p in client.v1.products.list({"limit": 100}).data]


def _slow_down(account: dict[str, str], ms: int) -> None:
    """Make the sandbox answer this account like a slow real Stripe, so the second click of a double click
    arrives while the first request is still in flight."""
    ControlClient(account["api_base"], account["secret_key"]).set_latency(ms)


def _create_product_by_double_click(page: Page, name: str) -> None:
    page.get_by_role("link", name="Actions").first.click()
    ready(page)
    pick_action(page, "create_product")
    ready(page)
    field = page.locator(".st-key-actions_create_product_name input")
    field.fill(name)
    field.press("Tab")
    ready(page)
    page.locator(".st-key-actions_create_product_run button").dblclick()
    see(page, "Create Product: HTTP 200")
    ready(page)


def test_secrets_never_leak_and_a_double_click_creates_one_object(
    open_app: Callable[[str], Page],
    app_url: str,
    artifacts_dir: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    started = time.time() - 1
    urls: list[str] = []
    htmls: list[str] = []
    page = open_page(open_app, "")
    _record(page, urls)
    account = _sandbox_account(page)
    secrets = [LIVE_SK, WHSEC, account["secret_key"], account["restricted_key"]]
    _connect(page, account, "Leak check", htmls)
    page.get_by_role("link", name="3 · Test connection").first.click()
    ready(page)
    # .all() does not wait: let the page draw its Run button first, or nothing would be clicked.
    expect(page.get_by_role("button", name="Run List Products").first).to_be_visible()
    run_buttons = page.get_by_role("button", name="Run List Products").all()
    assert run_buttons, "the test call must run, or the scans below search pages that never used the keys"
    for button in run_buttons:
        button.click()
        ready(page)
    htmls.append(page.content())

    _slow_down(account, 1500)
    _create_product_by_double_click(page, "Double-clicked product")
    _slow_down(account, 0)
    htmls.append(page.content())
    assert _products(account) == ["Double-clicked product"], "a double click must create one object"

    # a restricted key and a webhook secret in Staging
    page.get_by_role("link", name="2 · Connections").first.click()
    ready(page)
    page.locator(".st-key-connections_environment").get_by_text("Staging").click()
    ready(page)
    _paste(page, "connections_leak-check_staging_secret", account["restricted_key"])
    page.get_by_text("Webhook (optional").first.click()
    ready(page)
    _paste(page, "connections_leak-check_staging_webhook_secret", WHSEC)
    htmls.append(page.content())

    for url_path in (
        "request-log",
        "webhooks",
        "data",
        "flows",
        "keys",
        "connections",
        "test-connection",
        "",
    ):
        page.goto(f"{app_url}/{url_path}")
        ready(page)
        htmls.append(page.content())
    page.screenshot(path=str(artifacts_dir / "security-request-log.png"), full_page=True)

    server_log = (artifacts_dir / "streamlit-server.log").read_text(errors="replace")
    found = {
        "html": leaks("\n".join(htmls), secrets),
        "urls and requests": leaks("\n".join(urls), secrets),
        "server log": leaks(server_log, secrets),
    }
    assert not any(found.values()), found
    written = files_written_since([ROOT, tmp_path_factory.getbasetemp()], started)
    assert not file_leaks(written, secrets)


def test_two_browser_sessions_never_mix(browser: Browser, app_url: str) -> None:
    contexts = [browser.new_context(viewport={"width": 1366, "height": 900}) for _ in range(2)]
    try:
        pages = [c.new_page() for c in contexts]
        accounts = []
        for page, name in zip(pages, ("Session A", "Session B"), strict=True):
            page.goto(app_url)
            ready(page)
            account = _sandbox_account(page)
            accounts.append(account)
            _connect(page, account, name, [])
        a, b = pages
        _create_product_by_double_click(a, "Only in A")
        _create_product_by_double_click(b, "Only in B")
        for page in pages:
            pick_action(page, "list_products")
            ready(page)
            click(page, "actions_list_products_run")
            see(page, "List Products: HTTP 200")
            ready(page)
        seen_by_b = b.content()
        b.goto(f"{app_url}/request-log")
        ready(b)
        seen_by_b += b.content()
        b.goto(f"{app_url}/webhooks")
        ready(b)
        seen_by_b += b.content()
        assert "Only in B" in seen_by_b
        assert "Only in A" not in seen_by_b
        assert "Session A" not in seen_by_b
        assert not leaks(seen_by_b, [accounts[0]["secret_key"], accounts[0]["id"]])
        assert "Only in B" not in a.content()
        assert _products(accounts[0]) == ["Only in A"]
        assert _products(accounts[1]) == ["Only in B"]
    finally:
        for context in contexts:
            context.close()
