"""PaymentIntents over HTTP through the official SDK: lifecycle, declines, 3D Secure, capture, cancel."""

from __future__ import annotations

import time
from typing import Any

import pytest
import stripe
from payment_http import Reply, post_json

CARD_ONLY: dict[str, Any] = {"payment_method_types": ["card"]}


def _pi(client: stripe.StripeClient, **params: Any) -> stripe.PaymentIntent:
    base: dict[str, Any] = {"amount": 2000, "currency": "usd", **CARD_ONLY}
    base.update(params)
    return client.v1.payment_intents.create(base)


def test_create_defaults_match_stripe(stripe_client: stripe.StripeClient) -> None:
    pi = stripe_client.v1.payment_intents.create({"amount": 1999, "currency": "usd"})
    assert pi.id.startswith("pi_")
    assert pi.object == "payment_intent"
    assert pi.status == "requires_payment_method"
    assert pi.client_secret.startswith(pi.id + "_secret_")
    assert pi.capture_method == "automatic_async"
    assert pi.automatic_payment_methods is not None
    assert pi.automatic_payment_methods.enabled is True
    assert pi.automatic_payment_methods.allow_redirects == "always"
    assert (pi.amount_received, pi.amount_capturable, pi.latest_charge) == (0, 0, None)
    assert pi.livemode is False


def test_with_payment_method_it_waits_for_confirmation(stripe_client: stripe.StripeClient) -> None:
    pi = _pi(stripe_client, payment_method="pm_card_visa")
    assert pi.status == "requires_confirmation"
    # The well-known test id becomes a fresh PaymentMethod of the account, as in Stripe test mode.
    assert pi.payment_method is not None
    assert pi.payment_method.startswith("pm_")
    assert pi.payment_method != "pm_card_visa"


def test_confirm_succeeds_with_a_charge(stripe_client: stripe.StripeClient) -> None:
    pi = _pi(stripe_client, payment_method="pm_card_visa", confirm=True, description="Order 42")
    assert pi.status == "succeeded"
    assert pi.amount_received == 2000
    assert pi.latest_charge is not None
    charge = stripe_client.v1.charges.retrieve(pi.latest_charge)
    assert (charge.status, charge.paid, charge.captured) == ("succeeded", True, True)
    assert charge.amount_captured == 2000
    assert charge.payment_intent == pi.id
    assert charge.payment_method_details is not None
    card = charge.payment_method_details.card
    assert card is not None
    assert (card.brand, card.last4, card.funding) == ("visa", "4242", "credit")
    assert charge.outcome is not None
    assert charge.outcome.type == "authorized"
    assert charge.receipt_url


def test_confirm_endpoint_moves_requires_confirmation_to_succeeded(
    stripe_client: stripe.StripeClient,
) -> None:
    pi = _pi(stripe_client)
    confirmed = stripe_client.v1.payment_intents.confirm(pi.id, {"payment_method": "pm_card_mastercard"})
    assert confirmed.status == "succeeded"
    again = stripe_client.v1.payment_intents.retrieve(pi.id)
    assert again.status == "succeeded"


@pytest.mark.parametrize(
    ("pm", "code", "decline_code", "message"),
    [
        ("pm_card_visa_chargeDeclined", "card_declined", "generic_decline", "Your card was declined."),
        ("pm_card_chargeDeclined", "card_declined", "generic_decline", "Your card was declined."),
        (
            "pm_card_visa_chargeDeclinedInsufficientFunds",
            "card_declined",
            "insufficient_funds",
            "Your card has insufficient funds.",
        ),
        ("pm_card_visa_chargeDeclinedLostCard", "card_declined", "lost_card", "Your card was declined."),
        ("pm_card_visa_chargeDeclinedStolenCard", "card_declined", "stolen_card", "Your card was declined."),
        ("pm_card_chargeDeclinedExpiredCard", "expired_card", "expired_card", "Your card has expired."),
        (
            "pm_card_chargeDeclinedIncorrectCvc",
            "incorrect_cvc",
            "incorrect_cvc",
            "Your card's security code is incorrect.",
        ),
        (
            "pm_card_chargeDeclinedProcessingError",
            "processing_error",
            "processing_error",
            "An error occurred while processing your card. Try again in a little bit.",
        ),
    ],
)
def test_declines_answer_402_and_reset_the_intent(
    stripe_client: stripe.StripeClient, pm: str, code: str, decline_code: str, message: str
) -> None:
    pi = _pi(stripe_client)
    with pytest.raises(stripe.CardError) as caught:
        stripe_client.v1.payment_intents.confirm(pi.id, {"payment_method": pm})
    err = caught.value
    assert err.http_status == 402
    assert err.code == code
    assert err.user_message == message or str(err).endswith(message)
    body = err.json_body
    assert body is not None
    e = body["error"]
    assert (e["type"], e["decline_code"], e["message"]) == ("card_error", decline_code, message)
    assert e["charge"].startswith("ch_")
    assert e["payment_intent"]["id"] == pi.id
    assert e["payment_intent"]["status"] == "requires_payment_method"
    assert e["payment_intent"]["last_payment_error"]["decline_code"] == decline_code
    stored = stripe_client.v1.payment_intents.retrieve(pi.id)
    assert stored.status == "requires_payment_method"
    assert stored.last_payment_error is not None
    assert stored.last_payment_error.code == code
    assert stored.latest_charge == e["charge"]
    failed = stripe_client.v1.charges.retrieve(e["charge"])
    assert (failed.status, failed.paid, failed.failure_code, failed.failure_message) == (
        "failed",
        False,
        code,
        message,
    )
    # A later attempt with a good card succeeds on the same PaymentIntent.
    retried = stripe_client.v1.payment_intents.confirm(pi.id, {"payment_method": "pm_card_visa"})
    assert retried.status == "succeeded"
    assert retried.last_payment_error is None


def test_create_with_confirm_and_decline_keeps_the_intent(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.CardError) as caught:
        _pi(stripe_client, payment_method="pm_card_visa_chargeDeclined", confirm=True)
    body = caught.value.json_body
    assert body is not None
    pi_id = body["error"]["payment_intent"]["id"]
    assert stripe_client.v1.payment_intents.retrieve(pi_id).status == "requires_payment_method"


def _authenticate(sandbox: Any, account: dict[str, str], pi_id: str, outcome: str) -> Reply:
    return post_json(
        f"{sandbox.api_base}/_sandbox/payment_intents/{pi_id}/authenticate",
        {"outcome": outcome},
        key=account["secret_key"],
    )


def test_three_d_secure_then_authenticate_succeeds(
    stripe_client: stripe.StripeClient, sandbox: Any, account: dict[str, str]
) -> None:
    pi = _pi(stripe_client, payment_method="pm_card_authenticationRequired", confirm=True)
    assert pi.status == "requires_action"
    assert pi.next_action is not None
    assert pi.next_action.type == "use_stripe_sdk"
    answer = _authenticate(sandbox, account, pi.id, "succeed")
    assert answer.status == 200, answer.text
    assert answer.json()["status"] == "succeeded"
    assert stripe_client.v1.payment_intents.retrieve(pi.id).status == "succeeded"


def test_three_d_secure_with_return_url_redirects(stripe_client: stripe.StripeClient) -> None:
    pi = stripe_client.v1.payment_intents.create(
        {
            "amount": 1000,
            "currency": "eur",
            "payment_method": "pm_card_authenticationRequired",
            "confirm": True,
            "return_url": "https://example.com/back",
        }
    )
    assert pi.status == "requires_action"
    assert pi.next_action is not None
    assert pi.next_action.type == "redirect_to_url"
    assert pi.next_action.redirect_to_url is not None
    assert pi.next_action.redirect_to_url.return_url == "https://example.com/back"


def test_three_d_secure_failure_returns_to_requires_payment_method(
    stripe_client: stripe.StripeClient, sandbox: Any, account: dict[str, str]
) -> None:
    pi = _pi(
        stripe_client, payment_method="pm_card_authenticationRequired", confirm=True, capture_method="manual"
    )
    answer = _authenticate(sandbox, account, pi.id, "fail")
    assert answer.status == 200, answer.text
    stored = stripe_client.v1.payment_intents.retrieve(pi.id)
    assert stored.status == "requires_payment_method"
    assert stored.last_payment_error is not None
    assert stored.last_payment_error.code == "payment_intent_authentication_failure"
    # Not waiting for authentication any more: the control endpoint refuses.
    again = _authenticate(sandbox, account, pi.id, "succeed")
    assert again.status == 400
    assert again.json()["error"]["code"] == "payment_intent_unexpected_state"


def test_authenticate_needs_the_secret_key(sandbox: Any, stripe_client: stripe.StripeClient) -> None:
    pi = _pi(stripe_client, payment_method="pm_card_authenticationRequired", confirm=True)
    answer = post_json(
        f"{sandbox.api_base}/_sandbox/payment_intents/{pi.id}/authenticate", {"outcome": "succeed"}
    )
    assert answer.status == 401


def test_three_d_secure_manual_capture_lands_in_requires_capture(
    stripe_client: stripe.StripeClient, sandbox: Any, account: dict[str, str]
) -> None:
    pi = _pi(
        stripe_client, payment_method="pm_card_authenticationRequired", confirm=True, capture_method="manual"
    )
    assert _authenticate(sandbox, account, pi.id, "succeed").json()["status"] == "requires_capture"


def test_off_session_card_needing_authentication_fails_402(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.CardError) as caught:
        _pi(stripe_client, payment_method="pm_card_authenticationRequired", confirm=True, off_session=True)
    assert caught.value.code == "authentication_required"
    body = caught.value.json_body
    assert body is not None
    assert body["error"]["payment_intent"]["status"] == "requires_payment_method"


def test_confirm_without_return_url_under_automatic_payment_methods(
    stripe_client: stripe.StripeClient,
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.payment_intents.create(
            {"amount": 1000, "currency": "usd", "payment_method": "pm_card_visa", "confirm": True}
        )
    assert caught.value.http_status == 400
    assert str(caught.value.user_message).startswith(
        "A `return_url` must be specified because this Payment Intent is configured to automatically accept"
    )
    ok = stripe_client.v1.payment_intents.create(
        {
            "amount": 1000,
            "currency": "usd",
            "payment_method": "pm_card_visa",
            "confirm": True,
            "automatic_payment_methods": {"enabled": True, "allow_redirects": "never"},
        }
    )
    assert ok.status == "succeeded"


def test_manual_capture_full_and_partial(stripe_client: stripe.StripeClient) -> None:
    full = _pi(stripe_client, payment_method="pm_card_visa", confirm=True, capture_method="manual")
    assert (full.status, full.amount_capturable, full.amount_received) == ("requires_capture", 2000, 0)
    captured = stripe_client.v1.payment_intents.capture(full.id)
    assert (captured.status, captured.amount_received, captured.amount_capturable) == ("succeeded", 2000, 0)
    assert captured.latest_charge is not None
    assert stripe_client.v1.charges.retrieve(captured.latest_charge).captured is True

    partial = _pi(stripe_client, payment_method="pm_card_visa", confirm=True, capture_method="manual")
    done = stripe_client.v1.payment_intents.capture(partial.id, {"amount_to_capture": 1500})
    assert (done.status, done.amount_received) == ("succeeded", 1500)
    assert done.latest_charge is not None
    assert stripe_client.v1.charges.retrieve(done.latest_charge).amount_captured == 1500

    too_much = _pi(stripe_client, payment_method="pm_card_visa", confirm=True, capture_method="manual")
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.payment_intents.capture(too_much.id, {"amount_to_capture": 2001})
    assert caught.value.param == "amount_to_capture"


def test_capture_from_the_wrong_status(stripe_client: stripe.StripeClient) -> None:
    pi = _pi(stripe_client, payment_method="pm_card_visa")
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.payment_intents.capture(pi.id)
    assert caught.value.code == "payment_intent_unexpected_state"
    assert caught.value.user_message == (
        "This PaymentIntent could not be captured because it has a status of requires_confirmation. Only a "
        "PaymentIntent with one of the following statuses may be captured: requires_capture."
    )


def _in_status(client: stripe.StripeClient, status: str) -> str:
    if status == "requires_payment_method":
        return _pi(client).id
    if status == "requires_confirmation":
        return _pi(client, payment_method="pm_card_visa").id
    if status == "requires_action":
        return _pi(client, payment_method="pm_card_authenticationRequired", confirm=True).id
    if status == "requires_capture":
        return _pi(client, payment_method="pm_card_visa", confirm=True, capture_method="manual").id
    raise AssertionError(status)


@pytest.mark.parametrize(
    "status", ["requires_payment_method", "requires_confirmation", "requires_action", "requires_capture"]
)
def test_cancel_from_each_cancelable_status(stripe_client: stripe.StripeClient, status: str) -> None:
    pi_id = _in_status(stripe_client, status)
    assert stripe_client.v1.payment_intents.retrieve(pi_id).status == status
    canceled = stripe_client.v1.payment_intents.cancel(
        pi_id, {"cancellation_reason": "requested_by_customer"}
    )
    assert canceled.status == "canceled"
    assert canceled.cancellation_reason == "requested_by_customer"
    assert canceled.canceled_at is not None


@pytest.mark.parametrize("status", ["succeeded", "canceled"])
def test_cancel_from_a_final_status_is_refused_with_stripes_text(
    stripe_client: stripe.StripeClient, status: str
) -> None:
    pi = _pi(stripe_client, payment_method="pm_card_visa", confirm=status == "succeeded")
    if status == "canceled":
        stripe_client.v1.payment_intents.cancel(pi.id)
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.payment_intents.cancel(pi.id)
    err = caught.value
    assert err.http_status == 400
    assert err.code == "payment_intent_unexpected_state"
    assert err.user_message == (
        f"You cannot cancel this PaymentIntent because it has a status of {status}. Only a PaymentIntent "
        "with one of the following statuses may be canceled: requires_payment_method, requires_capture, "
        "requires_confirmation, requires_action, processing."
    )
    assert err.json_body is not None
    assert err.json_body["error"]["payment_intent"]["id"] == pi.id


def test_confirm_twice_and_confirm_without_payment_method(stripe_client: stripe.StripeClient) -> None:
    pi = _pi(stripe_client, payment_method="pm_card_visa", confirm=True)
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.payment_intents.confirm(pi.id)
    assert caught.value.user_message == (
        "You cannot confirm this PaymentIntent because it has already succeeded after being "
        "previously confirmed."
    )
    empty = _pi(stripe_client)
    with pytest.raises(stripe.InvalidRequestError) as missing:
        stripe_client.v1.payment_intents.confirm(empty.id)
    assert missing.value.code == "payment_intent_unexpected_state"
    assert "missing a payment method" in str(missing.value.user_message)


@pytest.mark.parametrize(
    ("amount", "currency", "code", "message"),
    [
        (49, "usd", "amount_too_small", "Amount must be at least $0.50 usd"),
        (10, "eur", "amount_too_small", "Amount must be at least €0.50 eur"),
        (100_000_000, "usd", "amount_too_large", "Amount must be no more than $999,999.99"),
    ],
)
def test_amount_limits(
    stripe_client: stripe.StripeClient, amount: int, currency: str, code: str, message: str
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.payment_intents.create({"amount": amount, "currency": currency})
    assert (caught.value.code, caught.value.param, caught.value.user_message) == (code, "amount", message)


def test_three_decimal_amounts_must_end_in_zero(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.payment_intents.create({"amount": 5125, "currency": "kwd"})
    assert stripe_client.v1.payment_intents.create({"amount": 5120, "currency": "kwd"}).amount == 5120


def test_update_list_and_search(stripe_client: stripe.StripeClient) -> None:
    customer = stripe_client.v1.customers.create({"email": "buyer@example.com"})
    pi = _pi(stripe_client, customer=customer.id, metadata={"order": "A1"})
    updated = stripe_client.v1.payment_intents.update(
        pi.id, {"amount": 2500, "description": "Bigger order", "metadata": {"note": "x"}}
    )
    assert (updated.amount, updated.description) == (2500, "Bigger order")
    assert updated.metadata.to_dict() == {"order": "A1", "note": "x"}
    _pi(stripe_client)  # another customer's noise
    listed = stripe_client.v1.payment_intents.list({"customer": customer.id})
    assert [p.id for p in listed.data] == [pi.id]
    found = stripe_client.v1.payment_intents.search({"query": f'customer:"{customer.id}"'})
    assert [p.id for p in found.data] == [pi.id]
    charges = stripe_client.v1.charges.list({"payment_intent": pi.id})
    assert charges.data == []


def test_retrieve_with_client_secret(stripe_client: stripe.StripeClient) -> None:
    pi = _pi(stripe_client)
    got = stripe_client.v1.payment_intents.retrieve(pi.id, {"client_secret": pi.client_secret})
    assert got.id == pi.id


def test_events_follow_the_lifecycle(stripe_client: stripe.StripeClient) -> None:
    pi = _pi(stripe_client, payment_method="pm_card_visa", confirm=True)
    types = [e.type for e in stripe_client.v1.events.list({"limit": 20}).data]
    assert "payment_intent.created" in types
    assert "payment_intent.succeeded" in types
    assert "charge.succeeded" in types
    assert pi.status == "succeeded"
    with pytest.raises(stripe.CardError):
        _pi(stripe_client, payment_method="pm_card_visa_chargeDeclined", confirm=True)
    types = [e.type for e in stripe_client.v1.events.list({"limit": 20}).data]
    assert "payment_intent.payment_failed" in types
    assert "charge.failed" in types


def test_publishable_key_reads_and_confirms_with_the_client_secret(
    stripe_client: stripe.StripeClient, make_client: Any, account: dict[str, str]
) -> None:
    """What Stripe.js does in the browser: create the card, confirm with the client_secret."""
    pi = _pi(stripe_client, metadata={"secret_note": "server only"})
    browser = make_client(account["publishable_key"])
    with pytest.raises(stripe.InvalidRequestError) as missing:
        browser.v1.payment_intents.retrieve(pi.id)
    assert missing.value.param == "client_secret"
    seen = browser.v1.payment_intents.retrieve(pi.id, {"client_secret": pi.client_secret})
    assert seen.status == "requires_payment_method"
    assert "metadata" not in seen
    pm = browser.v1.payment_methods.create({"type": "card", "card": {"token": "tok_visa"}})
    confirmed = browser.v1.payment_intents.confirm(
        pi.id, {"payment_method": pm.id, "client_secret": pi.client_secret}
    )
    assert confirmed.status == "succeeded"
    with pytest.raises(stripe.AuthenticationError):
        browser.v1.payment_intents.capture(pi.id)


@pytest.mark.parametrize(
    ("pm", "off_session", "status", "error_code"),
    [
        ("pm_card_visa", True, "succeeded", None),
        ("pm_card_visa_chargeDeclinedInsufficientFunds", True, "requires_payment_method", "card_declined"),
        ("pm_card_authenticationRequired", True, "requires_payment_method", "authentication_required"),
        ("pm_card_authenticationRequired", False, "requires_action", None),
    ],
)
def test_create_and_confirm_for_billing_never_raises_on_a_decline(
    sandbox: Any, account: dict[str, str], stripe_client: stripe.StripeClient, pm: str, off_session: bool,
    status: str, error_code: str | None,
) -> None:  # fmt: skip
    from sandbox.resources.payment_intents import create_and_confirm

    with sandbox.runtime.context(account["id"]) as ctx:
        pi = create_and_confirm(
            ctx,
            amount=1200,
            currency="usd",
            customer=None,
            payment_method=pm,
            off_session=off_session,
            description="Invoice 0001",
            metadata={"invoice": "in_1"},
        )
    assert pi["status"] == status
    assert (pi["last_payment_error"] or {}).get("code") == error_code
    stored = stripe_client.v1.payment_intents.retrieve(pi["id"])
    assert (stored.status, stored.description, stored.amount) == (status, "Invoice 0001", 1200)


def test_error_on_requires_action_fails_instead_of_asking(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.CardError) as caught:
        _pi(
            stripe_client,
            payment_method="pm_card_authenticationRequired",
            confirm=True,
            error_on_requires_action=True,
        )
    assert caught.value.code == "authentication_required"
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.payment_intents.create(
            {
                "amount": 1000,
                "currency": "usd",
                "payment_method": "pm_card_visa",
                "confirm": True,
                "return_url": "https://example.com/back",
                "error_on_requires_action": True,
            }
        )
    assert refused.value.param == "error_on_requires_action"


def test_a_declined_confirm_is_replayed_by_its_idempotency_key(stripe_client: stripe.StripeClient) -> None:
    """The decline is stored (PaymentIntent state, failed charge) and the 402 is what the key replays."""
    pi = _pi(stripe_client)
    options: Any = {"idempotency_key": "confirm-once-" + pi.id}
    params = {"payment_method": "pm_card_visa_chargeDeclined"}
    with pytest.raises(stripe.CardError) as first:
        stripe_client.v1.payment_intents.confirm(pi.id, params, options)
    with pytest.raises(stripe.CardError) as second:
        stripe_client.v1.payment_intents.confirm(pi.id, params, options)
    assert first.value.json_body == second.value.json_body
    assert second.value.headers is not None
    assert second.value.headers.get("Idempotent-Replayed") == "true"
    assert len(stripe_client.v1.charges.list({"payment_intent": pi.id}).data) == 1


def test_events_of_a_declined_attempt_reach_the_event_sinks() -> None:
    """A decline answers 402, yet its events (like Stripe's webhooks) are delivered: they were committed."""
    import sandbox as sandbox_package

    class Recorder:
        def __init__(self) -> None:
            self.types: list[str] = []

        def publish(self, account: str, events: list[dict[str, Any]]) -> None:
            self.types.extend(str(e["type"]) for e in events)

    handle = sandbox_package.start()
    try:
        recorder = Recorder()
        handle.runtime.add_sink(recorder)
        keys = handle.create_account()
        client = stripe.StripeClient(keys["secret_key"], base_addresses={"api": handle.api_base})
        with pytest.raises(stripe.CardError):
            _pi(client, payment_method="pm_card_visa_chargeDeclined", confirm=True)
        handle.runtime.drain()
        deadline = time.monotonic() + 5  # the sink runs on the delivery thread
        while "payment_intent.payment_failed" not in recorder.types and time.monotonic() < deadline:
            time.sleep(0.01)
        assert recorder.types[-3:] == [
            "payment_intent.created",
            "charge.failed",
            "payment_intent.payment_failed",
        ]
    finally:
        handle.stop()
