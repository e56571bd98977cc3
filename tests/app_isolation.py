"""AppTest runs the app inside the test process: keep its sandbox file and any .env in temporary folders, away
from the developer's own. The conftests of the suites that drive the app import the fixture."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True, scope="session")
def isolated_app_files(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    patch = pytest.MonkeyPatch()
    patch.setenv("PLAYGROUND_DATA_DIR", str(tmp_path_factory.mktemp("sandbox-data")))
    patch.setenv("PLAYGROUND_ENV_FILE", str(Path(tmp_path_factory.mktemp("env")) / ".env"))
    yield
    patch.undo()
