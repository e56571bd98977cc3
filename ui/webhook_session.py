"""This session's webhook endpoint on the sandbox, the recent-events list, and the connection's settings.

The endpoint (its path token, id and ``whsec_`` secret) lives in the session: it is this person's, and the
receiver only knows the token. Every call goes through this browser session's
:class:`core.session.StripeSession`, so it is logged.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from core import webhooks
from core.client import cache_key
from core.environments import Connection, Environment, check_environment
from core.findings import Finding
from core.runner import Target
from core.secrets import Secret
from core.transport import Answer
from ui import sessions, state, webhook_receiver

ENDPOINT = "webhooks_endpoint"
ENABLED_EVENTS = ["*"]


@dataclass(frozen=True)
class Endpoint:
    """A registered endpoint: the sandbox's ``we_…`` id, where it points, and its signing secret."""

    id: str
    token: str
    url: str
    secret: Secret
    target_digest: str  # core.client.cache_key of the key and base it was registered with (never the key)


def endpoint(target: Target) -> Endpoint | None:
    """This session's endpoint on ``target`` (re-registered with the receiver after an app restart)."""
    current = st.session_state.get(ENDPOINT)
    if not isinstance(current, Endpoint) or current.target_digest != cache_key(
        target.secret, target.api_base
    ):
        return None
    inbox = webhook_receiver.receiver().inbox
    if not inbox.knows(current.token):
        inbox.register(current.token, current.secret)
    return current


def register(target: Target) -> str | None:
    """Create a sandbox webhook endpoint pointing at this session's receiver path; None or the error text."""
    receiver = webhook_receiver.receiver()
    token = webhook_receiver.new_token()
    url = receiver.url_for(token)
    params: Any = {
        "url": url,
        "enabled_events": ENABLED_EVENTS,
        "description": "Stripe Setup Playground receiver",
    }
    created = sessions.for_target(target).create_webhook_endpoint(params)
    secret_value = created.get("secret")
    if not created.ok or not isinstance(secret_value, str):
        return created.message or "The endpoint was created without a signing secret."
    # Stripe shows the signing secret only in the create answer; the log shows it masked.
    secret = Secret(secret_value)
    receiver.inbox.register(token, secret)
    st.session_state[ENDPOINT] = Endpoint(
        str(created.get("id")), token, url, secret, cache_key(target.secret, target.api_base)
    )
    return None


def remove(target: Target) -> None:
    current = endpoint(target)
    if current is None:
        return
    sessions.for_target(target).delete_webhook_endpoint(current.id)
    webhook_receiver.receiver().inbox.unregister(current.token)
    st.session_state.pop(ENDPOINT, None)


def send_forged(target: Target) -> int:
    """POST an event signed with the wrong secret to this session's receiver: it must answer 400."""
    import urllib.error
    import urllib.request

    current = endpoint(target)
    if current is None:
        return 0
    body = json.dumps({"id": "evt_forged", "object": "event", "type": "payment_intent.succeeded"})
    header = webhooks.sign(body, "whsec_" + "not_the_endpoint_secret")
    request = urllib.request.Request(  # noqa: S310 - our own loopback receiver
        current.url, data=body.encode(), method="POST", headers={"Stripe-Signature": header}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def feed(target: Target) -> pd.DataFrame:
    current = endpoint(target)
    items = webhook_receiver.receiver().inbox.received(current.token) if current else []
    return pd.DataFrame(
        [webhook_receiver.summary(i) for i in items],
        columns=["received", "answered", "signature", "event type", "event id", "object id", "detail"],
    )


def list_events(target: Target, params: Any) -> Answer:
    """``GET /v1/events`` with ``params``, through the session (the Webhooks page and Time travel)."""
    return sessions.for_target(target).list_events(params)


def recent_events(target: Target, limit: int = 20, event_type: str = "") -> tuple[pd.DataFrame, str | None]:
    """``GET /v1/events`` for any connection, as a small table; the error text if it failed."""
    params: Any = {"limit": limit}
    if event_type.strip():
        params["type"] = event_type.strip()
    answer = list_events(target, params)
    if not answer.ok:
        return pd.DataFrame(), answer.message
    rows = []
    for event in answer.get("data", []):
        obj = (event.get("data") or {}).get("object") or {}
        rows.append(
            {
                "id": event.get("id"),
                "type": event.get("type"),
                "created": dt.datetime.fromtimestamp(int(event.get("created") or 0), tz=dt.UTC),
                "object id": obj.get("id"),
                "pending webhooks": event.get("pending_webhooks"),
                "livemode": event.get("livemode"),
            }
        )
    return pd.DataFrame(rows), None


@dataclass(frozen=True)
class Settings:
    """A connection environment's webhook settings as the setup guide names them (secret masked)."""

    where: str
    enabled: bool
    path: str
    secret_masked: str | None
    findings: list[Finding]


def connection_settings() -> list[Settings]:
    """Every environment in use (keys, or webhook settings) of every connection, with the checks
    ``core.environments`` makes on its webhook. Slots nobody filled are left out: a project with one
    connection and two environments sees two cards, not nine "Disabled" ones."""
    found: list[Settings] = []
    for connection in st.session_state.get(state.CONNECTIONS, []):
        if not isinstance(connection, Connection):
            continue
        for env in Environment:
            config = connection[env]
            hook = config.webhook
            if config.is_empty and not hook.signing_secret:
                continue
            checks = [
                f
                for f in check_environment(env, config)
                if (f.field or "").split(".")[-1].startswith("webhook")
            ]
            found.append(
                Settings(
                    where=f"{connection.name} · {env.label}",
                    enabled=hook.enabled,
                    path=hook.path,
                    secret_masked=hook.signing_secret.masked if hook.signing_secret else None,
                    findings=checks,
                )
            )
    return found


_TRIGGER_NAMES = "webhooks_trigger_names"


def trigger_names(target: Target) -> list[str]:
    """The events the sandbox can trigger by itself (asked once per sandbox address and session)."""
    cached = st.session_state.get(_TRIGGER_NAMES)
    if isinstance(cached, tuple) and cached[0] == target.api_base:
        return list(cached[1])
    answer = sessions.for_target(target).trigger_names()
    if not answer.ok:
        return []
    names = [str(name) for name in answer.get("data", [])]
    st.session_state[_TRIGGER_NAMES] = (target.api_base, tuple(names))
    return names


def trigger(target: Target, event_type: str) -> str | None:
    """Run the sandbox's scenario for ``event_type`` (as ``stripe trigger`` does); None or the error."""
    return sessions.for_target(target).trigger(event_type).message
