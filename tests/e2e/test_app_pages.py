"""Every registered page opens in Chromium without an exception and shows its heading."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from ui.navigation import PAGES, PageSpec


@pytest.mark.parametrize("spec", PAGES, ids=lambda p: p.url_path)
def test_page_opens_without_exception(
    spec: PageSpec, open_app: Callable[[str], Page], artifacts_dir: Path
) -> None:
    page = open_app("" if spec.default else spec.url_path)
    expect(page.get_by_role("heading", name=spec.heading, exact=True)).to_be_visible()
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    page.screenshot(path=str(artifacts_dir / f"page-{spec.url_path}.png"), full_page=True)
