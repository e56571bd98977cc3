"""AppTest runs the app in this process: keep its sandbox file and any .env away from the developer's own."""

from __future__ import annotations

from app_isolation import isolated_app_files  # noqa: F401 - an autouse fixture, active for these tests
