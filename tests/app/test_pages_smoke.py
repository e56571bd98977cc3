"""Every page registered in the router renders without an exception and shows its own title."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui.navigation import PAGES, ROOT, PageSpec

APP = str(ROOT / "app.py")


def test_every_page_file_is_registered_in_the_router() -> None:
    on_disk = {p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py")}
    registered = {page.path for page in PAGES}
    assert on_disk == registered, "pages/ and ui.navigation.PAGES must list the same files"


def test_url_paths_are_unique_and_there_is_one_default_page() -> None:
    assert len({page.url_path for page in PAGES}) == len(PAGES)
    assert sum(page.default for page in PAGES) == 1


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.url_path)
def test_page_renders_its_title_without_exception(page: PageSpec) -> None:
    at = AppTest.from_file(APP, default_timeout=30).run()
    if not page.default:
        at.switch_page(page.path).run()
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title][:1] == [page.heading]
    assert Path(ROOT / page.path).is_file()
