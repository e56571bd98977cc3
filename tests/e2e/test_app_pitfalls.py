"""Pitfalls in Chromium: one click makes the mistake happen on the sandbox, and the fix shows with it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect


def test_restricted_key_example_shows_the_403_and_what_to_grant(
    open_app: Callable[[str], Page], artifacts_dir: Path
) -> None:
    page = open_app("pitfalls")
    page.get_by_role("button", name="Use a restricted key without Products access").click()
    expect(page.get_by_text("This restricted key lacks rak_product_read").first).to_be_visible()
    expect(page.get_by_text("Products: Read").first).to_be_visible()
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    page.get_by_role("button", name="Charge “10” meaning $10").click()
    expect(page.get_by_text("10 is $0.10").first).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "pitfalls-examples.png"), full_page=True)
