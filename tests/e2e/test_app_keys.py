"""Step 1 in Chromium: a pasted secret key is judged at once and never stays in the page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

# Keys of one made-up account: every key of an account shares its id after the "5" (core.keys).
ACCOUNT = "1PlaygroundAcct0"

SECRET = "sk_test_5" + ACCOUNT + "Z9y8X7w6V5" * 8 + "u4"
PUBLISHABLE = "pk_test_5" + ACCOUNT + "A1b2C3d4E5" * 8 + "f6"


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
