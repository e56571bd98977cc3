"""The sandbox signs webhooks exactly as Stripe does, so stripe-python's own verifier accepts them."""

from __future__ import annotations

import json
import time

import pytest
import stripe

from sandbox._webhooks import (
    compute_signature,
    delivery_refusal,
    event_matches,
    new_endpoint_secret,
    signature_header,
)

EVENT = {
    "id": "evt_123",
    "object": "event",
    "type": "invoice.paid",
    "api_version": "2026-10-28.endive",
    "created": 1700000000,
    "livemode": False,
    "pending_webhooks": 1,
    "request": {"id": None, "idempotency_key": None},
    "data": {"object": {"id": "in_1", "object": "invoice", "amount_paid": 1234}},
}


def test_secret_looks_like_stripes() -> None:
    secret = new_endpoint_secret()
    assert secret.startswith("whsec_")
    assert len(secret) == len("whsec_") + 32
    assert secret != new_endpoint_secret()


def test_construct_event_accepts_the_header() -> None:
    secret = new_endpoint_secret()
    payload = json.dumps(EVENT, indent=2)
    event = stripe.Webhook.construct_event(payload, signature_header(secret, payload), secret)
    assert event.id == "evt_123"
    assert event.type == "invoice.paid"
    assert event.data.object.amount_paid == 1234


def test_the_key_is_the_whole_secret_including_the_prefix() -> None:
    secret = new_endpoint_secret()
    payload = json.dumps(EVENT)
    header = signature_header(secret, payload, timestamp=1700000000)
    # stripe-python's generator keys the HMAC with the whole string; the same v1 must come out.
    expected = stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp=1700000000)
    assert header.split(",")[:2] == expected.split(",")
    assert compute_signature(secret, 1700000000, payload) != compute_signature(
        secret.removeprefix("whsec_"), 1700000000, payload
    )


def test_header_carries_a_fake_v0_that_verifiers_ignore() -> None:
    secret = new_endpoint_secret()
    header = signature_header(secret, "{}", timestamp=5)
    parts = dict(p.split("=", 1) for p in header.split(","))
    assert parts["t"] == "5"
    assert parts["v0"] != parts["v1"]


def test_wrong_secret_or_tampered_body_is_rejected() -> None:
    secret = new_endpoint_secret()
    payload = json.dumps(EVENT)
    header = signature_header(secret, payload)
    with pytest.raises(stripe.SignatureVerificationError, match="No signatures found matching"):
        stripe.Webhook.construct_event(payload, header, new_endpoint_secret())
    with pytest.raises(stripe.SignatureVerificationError, match="No signatures found matching"):
        stripe.Webhook.construct_event(payload.replace("1234", "1235"), header, secret)


def test_an_old_timestamp_is_outside_the_tolerance() -> None:
    secret = new_endpoint_secret()
    payload = json.dumps(EVENT)
    old = int(time.time()) - 3600
    with pytest.raises(stripe.SignatureVerificationError, match="tolerance"):
        stripe.Webhook.construct_event(payload, signature_header(secret, payload, old), secret)


@pytest.mark.parametrize(
    ("enabled", "event_type", "expected"),
    [
        (("*",), "invoice.paid", True),
        (("invoice.paid",), "invoice.paid", True),
        (("invoice.paid",), "invoice.voided", False),
        ((), "invoice.paid", False),
    ],
)
def test_event_matching(enabled: tuple[str, ...], event_type: str, expected: bool) -> None:
    assert event_matches(enabled, event_type) is expected


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:9/hook", "http://127.1.2.3/x", "http://localhost:8000/", "http://[::1]:8000/wh"],
)
def test_loopback_hosts_are_allowed(url: str) -> None:
    assert delivery_refusal(url, ()) is None


def test_other_hosts_need_the_allow_list() -> None:
    reason = delivery_refusal("https://example.com/hook", ())
    assert reason is not None
    assert "--allow-webhook-host example.com" in reason
    assert delivery_refusal("https://example.com/hook", ["EXAMPLE.com"]) is None
    assert delivery_refusal("http://10.0.0.5/hook", ["example.com"]) is not None
    assert delivery_refusal("ftp://127.0.0.1/x", ()) is not None


def test_the_cli_takes_repeatable_allow_webhook_hosts() -> None:
    from sandbox.__main__ import parse_args

    args = parse_args(
        ["--memory", "--allow-webhook-host", "hooks.example.com", "--allow-webhook-host", "10.0.0.5"]
    )
    assert args.allow_webhook_host == ["hooks.example.com", "10.0.0.5"]
    assert parse_args(["--memory"]).allow_webhook_host == []
