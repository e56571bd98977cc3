"""Calls of the sandbox's control API (``/_sandbox/…``) for a target, with its secret key.

The control API stands in for what a person does in Stripe's Dashboard or with a browser (3D Secure, the
native triggers). JSON in and out; an HTTP error raises ``urllib.error.HTTPError`` (an ``OSError``), which
``ui.request_log.call`` logs and shows like any failed call.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Mapping
from typing import Any

from core.runner import Target

_TIMEOUT_S = 10


def _call(target: Target, method: str, path: str, payload: Mapping[str, object] | None) -> dict[str, Any]:
    request = urllib.request.Request(  # noqa: S310 - the sandbox's own loopback address, never user input
        f"{target.api_base}{path}",
        data=None if payload is None else json.dumps(payload).encode(),
        method=method,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {target.secret.reveal()}"},
    )
    with urllib.request.urlopen(request, timeout=_TIMEOUT_S) as response:  # noqa: S310
        answer: dict[str, Any] = json.load(response)
        return answer


def post(target: Target, path: str, payload: Mapping[str, object]) -> dict[str, Any]:
    return _call(target, "POST", path, payload)


def get(target: Target, path: str) -> dict[str, Any]:
    return _call(target, "GET", path, None)
