"""The Node test packages (tests/node: stripe-node and the Stripe CLI), installed from the lock file.

Shared by the tests that run a Node program or the CLI. ``npm ci`` (never ``npm install``) fetches only the
pinned, integrity-checked packages; it keeps the optional platform package ``@stripe/cli-<os>-<cpu>`` (never
``--omit=optional``: that package *is* the CLI's binary). A stamp holding the lock file's digest tells whether
``node_modules`` still matches the lock, so a developer's old ``node_modules`` is reinstalled when the lock
changes (CI starts from a fresh clone; ``scripts/test`` writes the same stamp).
"""

from __future__ import annotations

import hashlib
import os
import platform
import shutil
import subprocess
from pathlib import Path

import pytest

NODE_DIR = Path(__file__).resolve().parent / "node"
LOCK = NODE_DIR / "package-lock.json"
STAMP = NODE_DIR / "node_modules" / ".lock-sha256"

INSTALL_HINT = (
    "Install Node.js 20+ and npm (Debian/Ubuntu: `sudo apt-get install -y nodejs npm`), "
    "or run `bash scripts/test`, which installs them and the pinned Node packages."
)


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"`{name}` is not installed, so this Node test cannot run. {INSTALL_HINT}")
    return path


def lock_digest() -> str:
    return hashlib.sha256(LOCK.read_bytes()).hexdigest()


def ensure_installed() -> None:
    """``npm ci --prefix tests/node`` unless node_modules was installed from this very lock file."""
    digest = lock_digest()
    if STAMP.exists() and STAMP.read_text().strip() == digest:
        return
    npm = tool("npm")
    result = subprocess.run(
        [npm, "ci", "--prefix", str(NODE_DIR), "--no-audit", "--no-fund"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(
            f"`npm ci --prefix tests/node` failed (exit {result.returncode}):\n{result.stderr[-2000:]}"
        )
    STAMP.write_text(digest + "\n")


def stripe_cli() -> Path:
    """The Stripe CLI binary from the platform package (what ``npx stripe`` runs through its shim)."""
    ensure_installed()
    system = {"Linux": "linux", "Darwin": "darwin", "Windows": "win32"}.get(platform.system(), "")
    cpus = {"x86_64": "x64", "AMD64": "x64", "aarch64": "arm64", "arm64": "arm64"}
    machine = cpus.get(platform.machine(), "")
    binary = "stripe.exe" if system == "win32" else "stripe"
    path = NODE_DIR / "node_modules" / "@stripe" / f"cli-{system}-{machine}" / "bin" / binary
    if not path.exists():
        pytest.fail(
            f"The Stripe CLI binary is missing at {path} ({platform.system()}/{platform.machine()}). "
            "It comes from @stripe/cli's optional platform package: reinstall with "
            "`rm -rf tests/node/node_modules && npm ci --prefix tests/node` (never --omit=optional)."
        )
    return path


# The CLI checks GitHub for a newer release on `trigger`, `fixtures`, `logs tail` and (without --skip-update)
# `listen`. Tests must not reach the internet: a proxy on a closed loopback port fails that check at once (the
# CLI ignores the failure), while Go never proxies requests to loopback hosts, so the sandbox is reached
# directly.
_CLOSED_LOOPBACK_PROXY = "http://127.0.0.1:9"


def cli_env(home: Path, secret_key: str) -> dict[str, str]:
    """The environment a test runs the CLI in: its own HOME (no config or login of the developer's), telemetry
    off, and the key in ``STRIPE_API_KEY`` rather than ``--api-key`` (argv is visible to every user)."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "STRIPE_CLI_TELEMETRY_OPTOUT": "1",
        "STRIPE_API_KEY": secret_key,
        "HTTPS_PROXY": _CLOSED_LOOPBACK_PROXY,
        "HTTP_PROXY": _CLOSED_LOOPBACK_PROXY,
        "NO_PROXY": "127.0.0.1,localhost",
    }
