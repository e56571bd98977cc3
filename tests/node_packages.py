"""The Node test packages (tests/node: stripe-node and the Stripe CLI), installed from the lock file.

Shared by the tests that run a Node program or the CLI, and by ``scripts/test`` (``python
tests/node_packages.py``), so the install rule lives here once. A stamp holding the lock file's digest tells
whether ``node_modules`` still matches the lock, so a developer's old ``node_modules`` is reinstalled when the
lock changes (CI starts from a fresh clone).

Why ``npm install --no-save`` and not ``npm ci``: ``@stripe/cli`` names five optional platform packages, and
the registry reachable here serves only ``@stripe/cli-linux-x64``, so the lock cannot list the other four;
``npm ci`` then refuses the lock as out of sync (a fresh clone's CI failed exactly so). ``npm install
--no-save`` installs the same pinned, integrity-checked versions from the lock, skips the optional packages
it cannot get, and writes nothing back. Never ``--omit=optional``: the platform package *is* the CLI's
binary. ``--ignore-scripts``: the CLI's postinstall would fetch a binary from GitHub (the platform package
already holds it), and no other package here has a script.
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


INSTALL = ("install", "--no-save", "--ignore-scripts", "--no-audit", "--no-fund", "--prefix")


def install() -> str | None:
    """Install tests/node from its lock unless node_modules already matches it; why it failed, or None."""
    digest = lock_digest()
    if STAMP.exists() and STAMP.read_text().strip() == digest:
        return None
    npm = shutil.which("npm")
    if npm is None:
        return f"`npm` is not installed. {INSTALL_HINT}"
    result = subprocess.run(
        [npm, *INSTALL, str(NODE_DIR)], capture_output=True, text=True, timeout=600, check=False
    )
    if result.returncode != 0:
        command = f"npm {' '.join(INSTALL)} tests/node"
        return f"`{command}` failed (exit {result.returncode}):\n{result.stderr[-2000:]}"
    STAMP.write_text(digest + "\n")
    return None


def ensure_installed() -> None:
    """The tests' entry: :func:`install`, failing the test with the reason."""
    problem = install()
    if problem is not None:
        pytest.fail(problem)


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
            "`rm -rf tests/node/node_modules && python3 tests/node_packages.py` (never --omit=optional). On "
            "macOS or Windows the package comes from npmjs.com (this machine's registry has only linux-x64)."
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


if __name__ == "__main__":
    reason = install()
    if reason is not None:
        raise SystemExit(reason)
