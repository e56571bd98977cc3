"""Payments in Chromium: an amount previews as money while typing (no Enter), and a declined card shows
Stripe's message and sends the Payment Intent back to requires_payment_method on its diagram."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playground_e2e import click, open_page, pick_action, ready, see
from playwright.sync_api import Page


def test_amount_preview_updates_while_typing(open_app: Callable[[str], Page], artifacts_dir: Path) -> None:
    page = open_page(open_app, "actions")
    see(page, "Actions — run any Stripe action")
    pick_action(page, "create_payment_intent")
    amount = page.locator(".st-key-actions_create_payment_intent_amount input")
    amount.press_sequentially("1000", delay=40)  # typing, never pressing Enter or leaving the field
    see(page, "1000 usd → $10.00")
    amount.press_sequentially("5", delay=40)
    see(page, "10005 usd → $100.05")
    amount.fill("10")
    see(page, "below Stripe's minimum charge of $0.50")
    ready(page)
    page.screenshot(path=str(artifacts_dir / "playground-amount-preview.png"), full_page=True)


def test_a_declined_payment(open_app: Callable[[str], Page], artifacts_dir: Path) -> None:
    page = open_page(open_app, "flows")
    see(page, "Payment Intent: not created yet")
    click(page, "flows_payment_create")
    see(page, "Payment Intent: requires_payment_method")
    card = page.locator(".st-key-flows_payment_card")
    card.click()
    page.get_by_role("option", name="Visa 0002 — declined (generic_decline)").click()
    ready(page)
    click(page, "flows_payment_confirm")
    see(page, "Confirm Payment Intent: failed (HTTP 402): Your card was declined.")
    see(page, "Payment Intent: requires_payment_method")
    ready(page)
    see(page, "try another card").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts_dir / "playground-declined.png"), full_page=True)
