"""Step 1 in Chromium: a pasted secret key is judged at once and never stays in the page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

SECRET = "sk_test_51" + "Z9y8X7w6V5" * 9 + "u4T3s2R"
PUBLISHABLE = "pk_test_51" + "A1b2C3d4E5" * 9 + "f6G7h8I"


def test_pasted_keys_get_a_verdict_and_the_raw_secret_leaves_the_page(
    open_app: Callable[[str], Page], artifacts_dir: Path
) -> None:
    page = open_app("keys")
    page.get_by_label("Publishable Key").fill(PUBLISHABLE)
    expect(page.get_by_text("Publishable key (test mode)")).to_be_visible()
    page.get_by_label("Secret Key or Restricted Key").fill(SECRET)
    expect(page.get_by_text("Secret key (test mode)")).to_be_visible()
    expect(page.get_by_text("Step 1 is done")).to_be_visible()
    expect(page.get_by_label("Secret Key or Restricted Key")).to_have_value("")
    assert SECRET not in page.content()
    assert SECRET[-20:] not in page.content()
    page.screenshot(path=str(artifacts_dir / "keys.png"), full_page=True)
