"""Browser-test fixtures: the real app under ``streamlit run`` and Debian's Chromium driven by Playwright.

The server runs exactly as a person would start it (a subprocess on a free port), its output goes to a file
under ``test-artifacts/`` (a pipe that nobody reads can fill up and stall the server) and is printed when it
fails to start. Playwright cannot download browsers here, so pytest-playwright's launch arguments are
overridden to use ``/usr/bin/chromium``.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
CHROMIUM = "/usr/bin/chromium"
STARTUP_DEADLINE_S = 90.0
READY = "[data-testid='stApp'][data-test-script-state='notRunning']"
# A shared CI machine can be slow: give every expect() 15 s instead of Playwright's 5 s (never a sleep).
expect.set_options(timeout=15_000)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder drives a real browser: mark it ``e2e`` so ``-m "not e2e"`` skips them."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.e2e)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def app_env_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The .env the app under test offers and saves to: never the developer's own."""
    return tmp_path_factory.mktemp("env") / ".env"


@contextlib.contextmanager
def running_app(log_path: Path, env_file: Path, data_dir: Path) -> Iterator[str]:
    """``streamlit run app.py`` on a free port; yields its base URL once ``/_stcore/health`` answers."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        # The app must not pick up a developer's own .env or secrets during tests.
        "PLAYGROUND_ENV_FILE": str(env_file),
        "PLAYGROUND_DATA_DIR": str(data_dir),
    }
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    with log_path.open("w") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + STARTUP_DEADLINE_S
        while not _healthy(url):
            if process.poll() is not None or time.monotonic() > deadline:
                reason = f"exited with {process.returncode}" if process.poll() is not None else "timed out"
                pytest.fail(
                    f"streamlit run app.py {reason} before /_stcore/health answered.\n"
                    f"--- {log_path} ---\n{log_path.read_text()}",
                    pytrace=False,
                )
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="session")
def app_url(
    artifacts_dir: Path, app_env_file: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The app for the whole browser session (one server process, like a person's ``scripts/start``)."""
    log_path = artifacts_dir / "streamlit-server.log"
    with running_app(log_path, app_env_file, tmp_path_factory.mktemp("data")) as url:
        yield url


@pytest.fixture
def fresh_app_url(artifacts_dir: Path, tmp_path: Path) -> Iterator[str]:
    """A server process of its own, for behaviour that only shows on a process's first session."""
    with running_app(artifacts_dir / "streamlit-fresh-server.log", tmp_path / ".env", tmp_path) as url:
        yield url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright's launch options, pointed at Debian's Chromium (nothing is downloaded)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `apt-get update && apt-get install -y chromium`.")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """A desktop-sized window, so screenshots look like what a person sees."""
    return {**browser_context_args, "viewport": {"width": 1366, "height": 900}}


def wait_until_ready(page: Page) -> None:
    """Wait until the script run has finished (Streamlit's own readiness marker), never by sleeping."""
    expect(page.locator(READY)).to_be_attached(timeout=60_000)


@pytest.fixture
def open_app(page: Page, app_url: str) -> Callable[[str], Page]:
    """Open a page of the app by its ``url_path`` ("" for Home) and wait until it has rendered."""

    def _open(url_path: str = "") -> Page:
        page.goto(f"{app_url}/{url_path}")
        wait_until_ready(page)
        return page

    return _open


@pytest.fixture
def app_page(open_app: Callable[[str], Page]) -> Page:
    """A browser tab on the app's home page, fully rendered."""
    return open_app("")
