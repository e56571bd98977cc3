"""AppTest runs the app in this process: keep its sandbox file and any .env away from the developer's own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True, scope="session")
def _isolated_app_files(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    patch = pytest.MonkeyPatch()
    patch.setenv("PLAYGROUND_DATA_DIR", str(tmp_path_factory.mktemp("sandbox-data")))
    patch.setenv("PLAYGROUND_ENV_FILE", str(Path(tmp_path_factory.mktemp("env")) / ".env"))
    yield
    patch.undo()
