"""Restricted keys made through the sandbox's control API, for tests that need exact permissions."""

from __future__ import annotations

from typing import Any

import requests


def restricted_key(sandbox: Any, account: dict[str, str], *permissions: str) -> str:
    """An ``rk_test_…`` key on ``account`` that holds exactly ``permissions`` (``rak_product_read``, …)."""
    response = requests.post(
        f"{sandbox.api_base}/_sandbox/restricted_keys",
        headers={"Authorization": f"Bearer {account['secret_key']}"},
        json={"permissions": list(permissions)},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    key: str = response.json()["key"]
    assert key.startswith("rk_test_")
    return key
