"""The real app in headless Chromium: it starts, renders Home without an exception, and looks right."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from playwright.sync_api import Page, expect

ROOT = Path(__file__).resolve().parents[2]
README_SCREENSHOT = ROOT / "docs" / "screenshot-home.png"


def test_home_opens_in_chromium_without_exception(app_page: Page, artifacts_dir: Path) -> None:
    expect(app_page.get_by_role("heading", name="Stripe Setup Playground")).to_be_visible()
    expect(app_page.locator("[data-testid='stException']")).to_have_count(0)
    expect(app_page.get_by_text("The three steps")).to_be_visible()
    expect(app_page.locator("[data-testid='stSidebar']").get_by_text("Setup progress")).to_be_visible()

    shot = artifacts_dir / "home.png"
    app_page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    # The README's screenshot is refreshed on request only, so ordinary runs leave the work tree clean.
    if os.environ.get("PLAYGROUND_UPDATE_SCREENSHOTS") == "1":
        shutil.copyfile(shot, README_SCREENSHOT)
