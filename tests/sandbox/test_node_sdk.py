"""The official Node SDK (stripe-node, pinned in tests/node/package-lock.json) works unchanged here.

The sandbox promises to be "Stripe at another base address" for every client, not only stripe-python; this
runs tests/node/sdk_roundtrip.mjs, a real stripe-node program, against a real sandbox and checks what it saw.
Keys go through the environment, never argv (argv is visible to every user of the machine).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from typing import Any

import pytest
import stripe
from node_packages import NODE_DIR, ensure_installed, tool

import sandbox as sandbox_package
from sandbox._webhooks import new_endpoint_secret, signature_header

SCRIPT = NODE_DIR / "sdk_roundtrip.mjs"
PINNED_STRIPE = json.loads((NODE_DIR / "package.json").read_text())["dependencies"]["stripe"]

MIN_NODE_MAJOR = 20  # stripe-node 23's "engines"


@pytest.fixture(scope="module")
def node() -> str:
    path = tool("node")
    version = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30, check=False)
    major = re.match(r"v(\d+)\.", version.stdout.strip())
    if major is None or int(major.group(1)) < MIN_NODE_MAJOR:
        said = version.stdout.strip() or version.stderr.strip()
        pytest.fail(
            f"`node --version` says {said!r}; stripe {PINNED_STRIPE} needs Node {MIN_NODE_MAJOR}+ "
            "(Debian 12 ships 18: use Debian 13's nodejs or NodeSource's)."
        )
    ensure_installed()
    return path


def _run(node: str, env_extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp"), **env_extra}
    return subprocess.run(
        [node, str(SCRIPT)], cwd=NODE_DIR, env=env, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.fixture(scope="module")
def sandbox_signed() -> dict[str, str]:
    """A payload signed by the sandbox's own webhook signer: what its deliveries carry."""
    secret = new_endpoint_secret()
    payload = json.dumps({"id": "evt_sandbox_signed", "object": "event", "type": "invoice.paid", "data": {}})
    return {
        "SANDBOX_WEBHOOK_SECRET": secret,
        "SANDBOX_WEBHOOK_PAYLOAD": payload,
        "SANDBOX_WEBHOOK_SIGNATURE": signature_header(secret, payload),
    }


def test_stripe_node_round_trip(
    node: str,
    sandbox: sandbox_package.SandboxHandle,
    account: dict[str, str],
    stripe_client: stripe.StripeClient,
    sandbox_signed: dict[str, str],
) -> None:
    result = _run(
        node,
        {
            "SANDBOX_API_BASE": sandbox.api_base,
            "SANDBOX_SECRET_KEY": account["secret_key"],
            "SANDBOX_PUBLISHABLE_KEY": account["publishable_key"],
            **sandbox_signed,
        },
    )
    assert result.returncode == 0, (
        f"stripe-node round trip failed:\n{result.stderr[-4000:]}\n{result.stdout[-4000:]}"
    )
    assert account["secret_key"] not in result.stdout + result.stderr, "the script printed the secret key"
    summary: dict[str, Any] = json.loads(result.stdout)
    checks = summary["checks"]
    assert summary["failures"] == []
    assert summary["sdk_version"] == PINNED_STRIPE
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}\.\w+", summary["api_version"])

    product = checks["product"]
    assert re.fullmatch(r"prod_[A-Za-z0-9]{14}", product["id"])
    assert product["metadata"] == {"sku": "TS-42", "note": "a&b=c über [x]"}
    assert re.fullmatch(r"req_\w+", product["request_id"])
    # The node client really wrote to this account of this sandbox: stripe-python reads the same product back.
    again = stripe_client.v1.products.retrieve(product["id"])
    assert again.name == "Node T-shirt"
    assert again.metadata.to_dict() == product["metadata"]

    assert re.fullmatch(r"price_\w+", checks["price"]["id"])
    assert checks["price"]["type"] == "recurring"
    assert checks["price"]["interval"] == "month"
    assert checks["expand"]["product_type"] == "object"
    assert checks["expand"]["product_id"] == product["id"]

    pagination = checks["pagination"]
    assert pagination["created"] == pagination["seen_auto_paging_each"] == pagination["seen_for_await"] == 5
    assert pagination["first_page_has_more"] is True
    assert pagination["first_page_url"] == "/v1/products"

    idem = checks["idempotency"]
    assert re.fullmatch(r"prod_\w+", idem["first_id"])
    assert idem["replay_id"] == idem["first_id"]
    assert idem["first_replayed_header"] is None
    assert idem["replayed_header"] == "true"
    assert idem["conflict_class"] == "StripeIdempotencyError"
    assert idem["conflict_type"] == "idempotency_error"

    assert checks["not_found"] == {
        "class": "StripeInvalidRequestError",
        "type": "invalid_request_error",
        "status": 404,
        "code": "resource_missing",
        "message": "No such product: 'prod_missing'",
        "param": "id",
        "request_id": checks["not_found"]["request_id"],
    }
    assert re.fullmatch(r"req_\w+", checks["not_found"]["request_id"])
    assert checks["publishable_key"] == {
        "class": "StripeAuthenticationError",
        "type": "invalid_request_error",
        "status": 401,
        "code": "secret_key_required",
    }

    declined = checks["declined"]
    assert (declined["class"], declined["type"], declined["status"]) == ("StripeCardError", "card_error", 402)
    assert (declined["code"], declined["decline_code"]) == ("card_declined", "generic_decline")
    assert declined["message"] == "Your card was declined."
    assert re.fullmatch(r"pi_\w+", declined["payment_intent"])
    assert declined["payment_intent_status"] == "requires_payment_method"

    intent = checks["payment_intent"]
    assert re.fullmatch(r"pi_\w+", intent["id"])
    assert re.fullmatch(r"ch_\w+", intent["latest_charge"])
    assert (intent["created_status"], intent["status"]) == ("requires_payment_method", "succeeded")
    assert intent["amount_received"] == 1999
    assert stripe_client.v1.payment_intents.retrieve(intent["id"]).status == "succeeded"

    webhook = checks["webhook_signature"]
    assert re.fullmatch(r"evt_\w+", webhook["event_id"])
    assert webhook["event_type"] == "product.created"
    assert webhook["tampered_class"] == "StripeSignatureVerificationError"
    assert webhook["sandbox_signed"] == {"event_id": "evt_sandbox_signed", "event_type": "invoice.paid"}


def test_a_failed_expectation_fails_the_script(node: str, sandbox: sandbox_package.SandboxHandle) -> None:
    """The script must not pass vacuously: with a key the sandbox does not know, every call fails and it exits
    non-zero, listing what failed."""
    result = _run(
        node,
        {
            "SANDBOX_API_BASE": sandbox.api_base,
            "SANDBOX_SECRET_KEY": "sk_test_" + "0" * 24,
            "SANDBOX_PUBLISHABLE_KEY": "pk_test_" + "0" * 24,
        },
    )
    assert result.returncode == 1, result.stderr[-2000:]
    summary = json.loads(result.stdout)
    assert any(f.startswith("product: unexpected StripeAuthenticationError") for f in summary["failures"])
    assert "expectation(s) failed" in result.stderr


def test_missing_configuration_is_named(node: str) -> None:
    result = _run(node, {})
    assert result.returncode == 2
    assert "SANDBOX_API_BASE is not set" in result.stderr
