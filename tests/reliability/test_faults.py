"""Faults get clear answers: 500, 429, timeouts, dropped connections and an unreachable Stripe.

Faults are armed through the sandbox's control endpoint (``POST /_sandbox/faults``, sandbox/_faults.py) for
one account; the SDK is the official one, and the messages are the ones ``core.runner`` gives the person.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

import pytest
import requests
import stripe
from fault_http import RecordingHTTPClient

import sandbox as sandbox_package
from core import runner
from core.client import ClientCache, Target
from core.secrets import Secret

Make = Callable[..., tuple[stripe.StripeClient, RecordingHTTPClient]]


def _product_names(client: stripe.StripeClient) -> list[str]:
    return [p.name for p in client.v1.products.list({"limit": 100}).data]


def _target(sandbox: sandbox_package.SandboxHandle, account: dict[str, str]) -> Target:
    return Target(Secret(account["secret_key"]), sandbox.api_base, "Editor", "faults")


def _run_create(target: Target, retries: int = 0, timeout: float = 10.0) -> Any:
    clients = ClientCache(max_network_retries=retries, timeout=timeout)
    return runner.run("create_product", {"name": "Faulty"}, target=target, clients=clients)


# --- the control endpoint ----------------------------------------------------------------------------------


def test_faults_are_armed_listed_and_cleared_per_account(
    sandbox: sandbox_package.SandboxHandle, account: dict[str, str], arm: Callable[..., dict[str, Any]]
) -> None:
    armed = arm("500", 2, path_prefix="/v1/prices")
    assert armed["faults"] == [{"mode": "500", "remaining": 2, "path_prefix": "/v1/prices"}]
    other = sandbox.create_account()
    theirs = requests.get(
        f"{sandbox.api_base}/_sandbox/faults",
        headers={"Authorization": f"Bearer {other['secret_key']}"},
        timeout=10,
    )
    assert theirs.json()["faults"] == []  # another account sees (and suffers) nothing
    cleared = requests.delete(
        f"{sandbox.api_base}/_sandbox/faults",
        headers={"Authorization": f"Bearer {account['secret_key']}"},
        timeout=10,
    )
    assert cleared.json() == {"account": account["id"], "cleared": 2, "faults": []}


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"mode": "503", "count": 1}, "mode"),
        ({"mode": "500", "count": 0}, "count"),
        ({"mode": "500", "count": True}, "count"),
        ({"mode": "drop", "count": 1, "path_prefix": "/_sandbox/reset"}, "path_prefix"),
        ({"mode": "timeout", "count": 1, "seconds": 10_000}, "seconds"),
    ],
)
def test_bad_fault_requests_get_a_400_that_says_what_to_send(
    sandbox: sandbox_package.SandboxHandle, account: dict[str, str], body: dict[str, Any], param: str
) -> None:
    response = requests.post(
        f"{sandbox.api_base}/_sandbox/faults",
        json=body,
        headers={"Authorization": f"Bearer {account['secret_key']}"},
        timeout=10,
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["param"] == param
    assert '{"mode": "500" | "429" | "timeout" | "drop", "count": N}' in error["message"]


def test_the_control_needs_the_secret_key(
    sandbox: sandbox_package.SandboxHandle, account: dict[str, str]
) -> None:
    url = f"{sandbox.api_base}/_sandbox/faults"
    assert requests.post(url, json={"mode": "500"}, timeout=10).status_code == 401
    publishable = {"Authorization": f"Bearer {account['publishable_key']}"}
    assert requests.post(url, json={"mode": "500"}, headers=publishable, timeout=10).status_code in (401, 403)


# --- retry behaviour of the official SDK ---------------------------------------------------------------


def test_a_500_is_retried_with_the_same_idempotency_key(
    recording_client: Make, arm: Callable[..., dict[str, Any]]
) -> None:
    client, recorder = recording_client(retries=2)
    arm("500", 1, path_prefix="/v1/products")
    product = client.v1.products.create({"name": "After a 500"})
    posts = [a for a in recorder.attempts if a.method == "POST"]
    assert [a.status for a in posts] == [500, 200]
    assert posts[0].idempotency_key
    assert posts[0].idempotency_key == posts[1].idempotency_key
    assert _product_names(client) == [product.name]


def test_a_429_is_not_retried_and_the_next_call_works(
    recording_client: Make, arm: Callable[..., dict[str, Any]]
) -> None:
    client, recorder = recording_client(retries=2)
    arm("429", 1)
    with pytest.raises(stripe.RateLimitError) as raised:
        client.v1.products.create({"name": "Rate limited"})
    assert raised.value.http_status == 429
    assert raised.value.error is not None
    assert raised.value.error.code == "rate_limit"
    assert "Request rate limit exceeded" in str(raised.value.user_message)
    assert [a.status for a in recorder.attempts] == [429]  # no retry
    assert _product_names(client) == []  # nothing was created
    client.v1.products.create({"name": "Later"})
    assert _product_names(client) == ["Later"]


def test_a_dropped_answer_is_retried_with_its_key_and_creates_one_object(
    recording_client: Make, arm: Callable[..., dict[str, Any]]
) -> None:
    """The sandbox carries the request out and loses the answer; the retry gets the stored answer."""
    client, recorder = recording_client(retries=2)
    arm("drop", 1, path_prefix="/v1/products")
    product = client.v1.products.create({"name": "Exactly once"})
    posts = [a for a in recorder.attempts if a.method == "POST"]
    assert [a.status for a in posts] == [None, 200]
    assert posts[0].idempotency_key == posts[1].idempotency_key
    assert posts[1].replayed  # the first attempt did create it: this is Stripe's replay
    assert [p for p in client.v1.products.list({"limit": 100}).data if p.id == product.id]
    assert _product_names(client) == ["Exactly once"]


def test_a_timeout_is_retried_with_its_key(
    recording_client: Make, arm: Callable[..., dict[str, Any]]
) -> None:
    client, recorder = recording_client(retries=1, timeout=0.5)
    arm("timeout", 1, path_prefix="/v1/products", seconds=5)
    client.v1.products.create({"name": "Patient"})
    posts = [a for a in recorder.attempts if a.method == "POST"]
    assert [a.status for a in posts] == [None, 200]
    assert posts[0].idempotency_key == posts[1].idempotency_key
    assert _product_names(client) == ["Patient"]


def test_a_submission_key_sent_twice_creates_one_object(
    sandbox: sandbox_package.SandboxHandle, account: dict[str, str]
) -> None:
    """core: the same submission (double click, rerun) → one object, the second answer is a replay."""
    target = _target(sandbox, account)
    key = runner.new_submission_key()
    first = runner.run("create_product", {"name": "Once"}, target=target, idempotency_key=key)
    second = runner.run("create_product", {"name": "Once"}, target=target, idempotency_key=key)
    assert first.ok
    assert second.ok
    assert first.object
    assert second.object
    assert first.object["id"] == second.object["id"]
    assert second.request
    assert second.request.replayed
    assert any(w.code == "idempotency.replayed" for w in second.warnings)
    listed = runner.run("list_products", {"limit": 100}, target=target)
    assert [o["id"] for o in listed.objects] == [first.object["id"]]


# --- what the person reads ---------------------------------------------------------------------------------


def _only_guidance(result: Any) -> str:
    assert not result.ok
    assert result.guidance, result
    text = " ".join(f"{g.message} {g.fix}" for g in result.guidance)
    assert "Traceback" not in text
    return text


def test_core_explains_a_500(
    sandbox: sandbox_package.SandboxHandle, account: dict[str, str], arm: Callable[..., dict[str, Any]]
) -> None:
    arm("500", 1)
    result = _run_create(_target(sandbox, account))
    text = _only_guidance(result)
    assert result.error is not None
    assert result.error.http_status == 500
    assert result.error.type == "api_error"
    assert "internal error (500)" in text


def test_core_explains_a_429(
    sandbox: sandbox_package.SandboxHandle, account: dict[str, str], arm: Callable[..., dict[str, Any]]
) -> None:
    arm("429", 1)
    result = _run_create(_target(sandbox, account), retries=2)
    text = _only_guidance(result)
    assert result.error is not None
    assert result.error.http_status == 429
    assert "Too many requests in a short time (429)" in text


@pytest.mark.parametrize("mode", ["timeout", "drop"])
def test_core_explains_no_answer(
    sandbox: sandbox_package.SandboxHandle,
    account: dict[str, str],
    arm: Callable[..., dict[str, Any]],
    mode: str,
) -> None:
    arm(mode, 1, seconds=5)
    result = _run_create(_target(sandbox, account), timeout=0.5)
    text = _only_guidance(result)
    assert result.request is not None
    assert result.request.status is None
    if mode == "timeout":
        assert f"The sandbox at {sandbox.api_base} did not answer in time (the request timed out)" in text
        assert "Is it running?" not in text
    else:
        assert f"Could not reach the sandbox at {sandbox.api_base}" in text
    assert result.idempotency_key
    assert "the retry keeps this submission's idempotency key" in text


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port  # closed again: connecting to it is refused


@pytest.mark.parametrize("where", ["closed-port", "stripe"])
def test_unreachable_gives_a_clear_offline_message_not_a_traceback(where: str) -> None:
    api_base = f"http://127.0.0.1:{_closed_port()}" if where == "closed-port" else None
    target = Target(Secret("sk_test_" + "R" * 99), api_base, "Editor", "offline")
    result = runner.run(
        "list_products", {"limit": 3}, target=target, clients=ClientCache(max_network_retries=0, timeout=3)
    )
    text = _only_guidance(result)
    if where == "stripe":
        assert "Could not reach Stripe (https://api.stripe.com)" in text
        assert "switch the connection to the local sandbox" in text
    else:
        assert f"Could not reach the sandbox at {api_base}. Is it running?" in text
    assert result.error is not None
    assert "sk_test_" + "R" * 99 not in result.error.message


def test_a_confirm_and_a_refund_sent_twice_happen_once(
    sandbox: sandbox_package.SandboxHandle, account: dict[str, str]
) -> None:
    """core: a double submit of Confirm and of Refund (same submission key) → one confirmation, one refund."""
    target = _target(sandbox, account)
    created = runner.run(
        "create_payment_intent",
        {
            "amount": "2000",
            "currency": "usd",
            "payment_method": "pm_card_visa",
            "payment_method_types": ["card"],
        },
        target=target,
    )
    assert created.ok, created
    assert created.object is not None
    intent = created.object["id"]
    confirm_key, refund_key = runner.new_submission_key(), runner.new_submission_key()
    confirms = [
        runner.run("confirm_payment_intent", {"id": intent}, target=target, idempotency_key=confirm_key)
        for _ in range(2)
    ]
    assert [c.ok for c in confirms] == [True, True]  # the second is Stripe's replay, not "already succeeded"
    assert confirms[1].request is not None
    assert confirms[1].request.replayed
    refunds = [
        runner.run(
            "refund_payment",
            {"payment_intent": intent, "amount": "500"},
            target=target,
            idempotency_key=refund_key,
        )
        for _ in range(2)
    ]
    assert [r.ok for r in refunds] == [True, True]
    assert refunds[0].object is not None
    assert refunds[1].object is not None
    assert refunds[0].object["id"] == refunds[1].object["id"]
    client = stripe.StripeClient(account["secret_key"], base_addresses={"api": sandbox.api_base})
    assert len(client.v1.refunds.list({"payment_intent": intent}).data) == 1
    assert client.v1.payment_intents.retrieve(intent).amount_received == 2000
