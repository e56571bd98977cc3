"""Webhooks in Chromium: a registered sandbox endpoint feeds signed events into the page live (the fragment
refreshes on its own), and the verifier shows Stripe's verdict for a valid and a tampered payload."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from playground_e2e import click, open_page, ready, see
from playwright.sync_api import Page, expect


def test_webhook_feed_shows_events_arriving(open_app: Callable[[str], Page], artifacts_dir: Path) -> None:
    page = open_page(open_app, "webhooks")
    page.get_by_role("tab", name="Live feed").click()
    click(page, "webhooks_register")
    see(page, "0 requests received")
    click(page, "webhooks_trigger")
    # Nothing is clicked after this: the feed refreshes itself every 2 seconds.
    see(page, "1 request received")
    click(page, "webhooks_forge")
    see(page, "answered the forged event with HTTP 400")
    see(page, "2 requests received")
    ready(page)
    page.screenshot(path=str(artifacts_dir / "playground-webhook-feed.png"), full_page=True)


def test_verifier_valid_then_tampered(open_app: Callable[[str], Page], artifacts_dir: Path) -> None:
    page = open_page(open_app, "webhooks")
    page.get_by_role("tab", name="Verify a signature").click()
    click(page, "webhooks_verify_example")
    payload = page.locator(".st-key-webhooks_verify_payload textarea")
    expect(payload).to_have_value(re.compile("checkout.session.completed"), timeout=30_000)
    expect(page.locator(".st-key-webhooks_verify_header input")).to_have_value(re.compile(r"^t=\d+,v1="))
    click(page, "webhooks_verify_run")
    see(page, "Valid signature: checkout.session.completed evt_example")
    payload.fill(payload.input_value().replace('"complete"', '"paid"'))
    payload.blur()
    ready(page)
    click(page, "webhooks_verify_run")
    see(page, "No signatures found matching the expected signature for payload")
    see(page, "Rejected (no_match)")
    ready(page)
    page.screenshot(path=str(artifacts_dir / "playground-webhook-verifier.png"), full_page=True)


def test_verifier_judges_the_secret_the_field_holds_at_the_click(open_app: Callable[[str], Page]) -> None:
    """Issue "tells the truth", item 1: another whsec_ typed, Tab pressed, Verify clicked said "Valid
    signature" (Enter instead of Tab said "Rejected"): the verdict must come from what the fields hold."""
    page = open_page(open_app, "webhooks")
    page.get_by_role("tab", name="Verify a signature").click()
    click(page, "webhooks_verify_example")
    expect(page.locator(".st-key-webhooks_verify_payload textarea")).to_have_value(
        re.compile("checkout.session.completed"), timeout=30_000
    )
    click(page, "webhooks_verify_run")
    see(page, "Valid signature: checkout.session.completed evt_example")
    secret = page.locator(".st-key-webhooks_verify_secret input")
    secret.fill("whsec_" + "Q" * 32)  # another endpoint's secret
    secret.press("Tab")
    click(page, "webhooks_verify_run")
    see(page, "Rejected (no_match)")
    expect(page.get_by_text("Valid signature")).to_have_count(0)
