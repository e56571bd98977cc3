"""Restricted keys made through the sandbox's control API, for tests that need exact permissions."""

from __future__ import annotations

from typing import Any

from sandbox.control import ControlClient


def restricted_key(sandbox: Any, account: dict[str, str], *permissions: str) -> str:
    """An ``rk_test_…`` key on ``account`` that holds exactly ``permissions`` (``rak_product_read``, …)."""
    key = ControlClient(sandbox.api_base, account["secret_key"]).restricted_key(permissions)
    assert key.startswith("rk_test_")
    return key
