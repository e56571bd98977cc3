"""Triggers without the Stripe CLI (``POST /_sandbox/triggers/{event}``): every scenario leaves its event, and
the native list is exactly the CLI triggers that work here (tests/sandbox/test_stripe_cli.py's list minus
the ones still waiting), so both grow together."""

from __future__ import annotations

import pytest
import requests
import stripe
from test_stripe_cli import TRIGGERS, WAITING

import sandbox as sandbox_package
from sandbox.resources.triggers import SCENARIOS


def _post(sandbox: sandbox_package.SandboxHandle, key: str, event: str) -> requests.Response:
    return requests.post(
        f"{sandbox.api_base}/_sandbox/triggers/{event}",
        headers={"Authorization": f"Bearer {key}"},
        timeout=60,
    )


def test_native_triggers_are_the_cli_triggers_that_work_here() -> None:
    assert sorted(SCENARIOS) == sorted(set(TRIGGERS) - set(WAITING))


@pytest.mark.parametrize("event", sorted(SCENARIOS))
def test_a_native_trigger_leaves_its_event(
    event: str,
    sandbox: sandbox_package.SandboxHandle,
    account: dict[str, str],
    stripe_client: stripe.StripeClient,
) -> None:
    answer = _post(sandbox, account["secret_key"], event)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["event"] == event
    listed = stripe_client.v1.events.list(params={"type": event, "limit": 100}).data
    assert sorted(e.id for e in listed) == body["events"]
    assert all(step["status"] < 500 for step in body["steps"])


def test_triggers_are_listed_and_unknown_ones_named(
    sandbox: sandbox_package.SandboxHandle, account: dict[str, str]
) -> None:
    key = account["secret_key"]
    listed = requests.get(
        f"{sandbox.api_base}/_sandbox/triggers", headers={"Authorization": f"Bearer {key}"}, timeout=30
    )
    assert listed.json()["data"] == sorted(SCENARIOS)
    unknown = _post(sandbox, key, "plan.created")
    assert unknown.status_code == 404
    assert "There is no trigger for 'plan.created'" in unknown.json()["error"]["message"]
    assert _post(sandbox, account["publishable_key"], "customer.created").status_code == 401
    assert _post(sandbox, "sk_test_unknown", "customer.created").status_code == 401
