"""Security tests: the app under AppTest keeps its sandbox file and .env in temporary folders (as tests/app
does), and the secrets the tests plant are made up here and nowhere else."""

from __future__ import annotations

import sys
from pathlib import Path

from app_isolation import isolated_app_files  # noqa: F401 - an autouse fixture, active for these tests

# tests/app's helpers (open_page, plain, …) are plain modules next to its tests
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "app"))
