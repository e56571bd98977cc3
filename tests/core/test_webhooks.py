"""Webhook verdicts: each of Stripe's failure texts, exactly, and a valid event; never the secret."""

from __future__ import annotations

import json
import time

import pytest

from core.secrets import Secret
from core.webhooks import verify

SECRET = "whsec_test_5f1c0a9b8e7d6c5b4a3f2e1d0c9b8a7f"
BODY = json.dumps(
    {"id": "evt_123", "object": "event", "type": "payment_intent.succeeded", "data": {"object": {}}},
    indent=2,
)


def header(body: str = BODY, secret: str = SECRET, timestamp: int | None = None) -> str:
    import stripe

    return str(stripe.WebhookSignature.generate_signature_header(body, secret, timestamp=timestamp))


def test_valid_signature_returns_the_event() -> None:
    verdict = verify(BODY.encode(), header(), SECRET)
    assert verdict.ok
    assert verdict.code == "ok"
    assert verdict.event_type == "payment_intent.succeeded"
    assert verdict.event_id == "evt_123"
    assert verdict.stripe_message is None


def test_secret_wrapped_in_secret_works_too() -> None:
    assert verify(BODY, header(), Secret(SECRET)).ok


def test_missing_header() -> None:
    verdict = verify(BODY, None, SECRET)
    assert not verdict.ok
    assert verdict.code == "missing_header"
    assert verdict.stripe_message is not None
    assert verdict.stripe_message.startswith("No Stripe-Signature header value was provided.")


@pytest.mark.parametrize("secret", [None, "", "   "])
def test_no_secret(secret: str | None) -> None:
    verdict = verify(BODY, header(), secret)
    assert verdict.code == "no_secret"
    assert verdict.stripe_message == "No webhook secret value was provided. It should start with `whsec_`"
    assert "Signing secret" in verdict.fix


@pytest.mark.parametrize("bad", ["garbage", "v1=abc", "t=notanumber,v1=abc", '{"t": 1}'])
def test_unable_to_extract_timestamp(bad: str) -> None:
    verdict = verify(BODY, bad, SECRET)
    assert verdict.code == "bad_header"
    assert verdict.stripe_message == "Unable to extract timestamp and signatures from header"


def test_no_v1_scheme() -> None:
    ts = int(time.time())
    verdict = verify(BODY, f"t={ts},v0=deadbeef", SECRET)
    assert verdict.code == "no_v1"
    assert verdict.stripe_message == "No signatures found with expected scheme v1"


def test_tampered_body_does_not_match() -> None:
    tampered = json.dumps(json.loads(BODY))  # re-serialized JSON: same data, different bytes
    verdict = verify(tampered, header(), SECRET)
    assert verdict.code == "no_match"
    assert verdict.stripe_message == "No signatures found matching the expected signature for payload"
    assert "raw request bytes" in verdict.fix


def test_wrong_secret_does_not_match_and_is_never_echoed() -> None:
    other = "whsec_other_0000000000000000000000000000"
    verdict = verify(BODY, header(), other)
    assert verdict.code == "no_match"
    everything = repr(verdict) + verdict.explanation + verdict.fix + (verdict.stripe_message or "")
    assert other not in everything
    assert SECRET not in everything


def test_timestamp_outside_tolerance() -> None:
    old = int(time.time()) - 3600
    verdict = verify(BODY, header(timestamp=old), SECRET)
    assert verdict.code == "too_old"
    assert verdict.stripe_message == f"Timestamp outside the tolerance zone ({old})"
    assert verdict.timestamp == old


def test_tolerance_none_accepts_old_signatures() -> None:
    old = int(time.time()) - 3600
    assert verify(BODY, header(timestamp=old), SECRET, tolerance=None).ok


def test_several_v1_signatures_any_match_counts() -> None:
    ts = int(time.time())
    good = header(timestamp=ts).split("v1=")[1]
    verdict = verify(BODY, f"t={ts},v1={'0' * 64},v1={good}", SECRET)
    assert verdict.ok


def test_non_whsec_secret_gets_a_hint() -> None:
    api_key_like = "sk_test_" + "x" * 30
    verdict = verify(BODY, header(secret=api_key_like), api_key_like)
    assert verdict.ok  # the HMAC still matches, but it is almost certainly the wrong thing pasted
    assert any("does not start with whsec_" in h for h in verdict.hints)
    assert all(api_key_like not in h for h in verdict.hints)


def test_valid_signature_but_not_json() -> None:
    verdict = verify("not json", header("not json"), SECRET)
    assert verdict.code == "invalid_json"
    assert not verdict.ok
