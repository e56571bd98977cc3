"""Security tests: the app under AppTest keeps its sandbox file and .env in temporary folders (as tests/app
does), and the secrets the tests plant are made up here and nowhere else."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# tests/app's helpers (open_page, plain, …) are plain modules next to its tests
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "app"))


@pytest.fixture(autouse=True, scope="session")
def _isolated_app_files(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    patch = pytest.MonkeyPatch()
    patch.setenv("PLAYGROUND_DATA_DIR", str(tmp_path_factory.mktemp("sandbox-data")))
    patch.setenv("PLAYGROUND_ENV_FILE", str(Path(tmp_path_factory.mktemp("env")) / ".env"))
    yield
    patch.undo()
