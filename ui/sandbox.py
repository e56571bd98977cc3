"""The local Stripe sandbox behind the app: one server per process, one account per browser session.

The server is a shared resource (``st.cache_resource``: started once, on first use, by whichever session
comes first). Data is not shared: each session asks the server for its own account and keys
(``POST /_sandbox/accounts``), so two people on one server never see each other's products or payments.
The account lives in that session's state and nowhere else.
"""

from __future__ import annotations

import json
import os
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

import sandbox
from core.secrets import Secret

DATA_DIR_ENV_VAR = "PLAYGROUND_DATA_DIR"
ACCOUNT = "setup_sandbox_account"
_TIMEOUT_S = 10


@dataclass(frozen=True)
class SandboxAccount:
    """This session's sandbox account; the secret key only travels as a :class:`Secret`."""

    id: str
    api_base: str
    publishable_key: str
    secret_key: Secret


def data_dir() -> Path:
    """Where the sandbox keeps its SQLite file: a per-user cache folder, never the project folder."""
    configured = os.environ.get(DATA_DIR_ENV_VAR)
    path = Path(configured) if configured else Path(tempfile.gettempdir()) / "stripe-setup-playground"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


@st.cache_resource(show_spinner="Starting the local Stripe sandbox…")
def server() -> sandbox.SandboxHandle:
    """The process-wide sandbox server on a free loopback port."""
    return sandbox.start(port=0, db=str(data_dir() / "sandbox.sqlite3"))


def _post_json(
    url: str, payload: dict[str, object] | None = None, secret: Secret | None = None
) -> dict[str, Any]:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["Authorization"] = f"Bearer {secret.reveal()}"
    body = json.dumps(payload or {}).encode()
    # The URL is the sandbox's own loopback address (http by design), never user input.
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    with urllib.request.urlopen(request, timeout=_TIMEOUT_S) as response:  # noqa: S310
        answer: dict[str, Any] = json.load(response)
        return answer


def account() -> SandboxAccount:
    """This session's account, created on first use."""
    existing = st.session_state.get(ACCOUNT)
    if isinstance(existing, SandboxAccount):
        return existing
    handle = server()
    created = _post_json(f"{handle.api_base}/_sandbox/accounts")
    fresh = SandboxAccount(
        id=created["id"],
        api_base=handle.api_base,
        publishable_key=created["publishable_key"],
        secret_key=Secret(created["secret_key"]),
    )
    st.session_state[ACCOUNT] = fresh
    return fresh


def restricted_key(permissions: list[str]) -> Secret:
    """A new restricted key on this session's account with exactly ``permissions`` (``rak_product_read``…)."""
    mine = account()
    answer = _post_json(
        f"{mine.api_base}/_sandbox/restricted_keys", {"permissions": permissions}, mine.secret_key
    )
    return Secret(answer["key"])
