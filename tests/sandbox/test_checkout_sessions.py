"""Checkout Sessions over HTTP through the SDK: create rules, mode mismatches, line items, list, expire."""

from __future__ import annotations

import time
from typing import Any

import pytest
import stripe

SUCCESS = "https://shop.example/ok?session_id={CHECKOUT_SESSION_ID}"


def _price(
    client: stripe.StripeClient, amount: int = 1500, recurring: bool = False, currency: str = "usd"
) -> str:
    params: dict[str, Any] = {"currency": currency, "unit_amount": amount, "product_data": {"name": "Tea"}}
    if recurring:
        params["recurring"] = {"interval": "month"}
    return client.v1.prices.create(params).id


def _session(client: stripe.StripeClient, **params: Any) -> stripe.checkout.Session:
    base: dict[str, Any] = {"mode": "payment", "success_url": SUCCESS}
    base.update(params)
    return client.v1.checkout.sessions.create(base)


def test_payment_session_shape(
    stripe_client: stripe.StripeClient, sandbox: Any, account: dict[str, str]
) -> None:
    price = _price(stripe_client)
    session = _session(
        stripe_client,
        line_items=[{"price": price, "quantity": 2}],
        cancel_url="https://shop.example/cancel",
        client_reference_id="order-7",
        metadata={"order": "7"},
        customer_email="amy@example.com",
    )
    assert session.id.startswith("cs_test_")
    assert (session.object, session.mode, session.status, session.payment_status) == (
        "checkout.session",
        "payment",
        "open",
        "unpaid",
    )
    assert (session.amount_subtotal, session.amount_total, session.currency) == (3000, 3000, "usd")
    assert session.url == f"{sandbox.public_url}/c/pay/{account['id']}/{session.id}"
    assert session.payment_intent is None
    assert session.client_reference_id == "order-7"
    assert session.customer_email == "amy@example.com"
    assert session.ui_mode == "hosted_page"
    assert 86_390 <= session.expires_at - session.created <= 86_400
    got = stripe_client.v1.checkout.sessions.retrieve(session.id)
    assert got.metadata is not None
    assert got.metadata.to_dict() == {"order": "7"}


def test_line_items_with_price_data(stripe_client: stripe.StripeClient) -> None:
    session = _session(
        stripe_client,
        line_items=[
            {
                "price_data": {"currency": "eur", "unit_amount": 1250, "product_data": {"name": "Mug"}},
                "quantity": 3,
            },
            {
                "price_data": {"currency": "eur", "unit_amount": 500, "product_data": {"name": "Spoon"}},
                "quantity": 1,
            },
        ],
    )
    assert (session.amount_total, session.currency) == (4250, "eur")
    items = stripe_client.v1.checkout.sessions.line_items.list(session.id)
    assert [(i.description, i.quantity, i.amount_subtotal, i.amount_total) for i in items.data] == [
        ("Mug", 3, 3750, 3750),
        ("Spoon", 1, 500, 500),
    ]
    first = items.data[0]
    assert first.object == "item"
    assert first.price is not None
    assert (first.price.unit_amount, first.price.currency, first.price.type) == (1250, "eur", "one_time")
    page = stripe_client.v1.checkout.sessions.line_items.list(session.id, {"limit": 1})
    assert page.has_more is True
    rest = stripe_client.v1.checkout.sessions.line_items.list(session.id, {"starting_after": page.data[0].id})
    assert [i.description for i in rest.data] == ["Spoon"]
    expanded = stripe_client.v1.checkout.sessions.retrieve(session.id, {"expand": ["line_items"]})
    assert expanded.line_items is not None
    assert len(expanded.line_items.data) == 2


def test_subscription_mode_with_price_data_recurring(stripe_client: stripe.StripeClient) -> None:
    session = stripe_client.v1.checkout.sessions.create(
        {
            "mode": "subscription",
            "success_url": SUCCESS,
            "line_items": [
                {
                    "price_data": {
                        "currency": "usd",
                        "unit_amount": 900,
                        "recurring": {"interval": "month"},
                        "product_data": {"name": "Pro plan"},
                    },
                    "quantity": 1,
                }
            ],
            "subscription_data": {"trial_period_days": 7, "metadata": {"plan": "pro"}},
        }
    )
    # The trial defers the first payment: nothing is due today.
    assert (session.mode, session.amount_total, session.payment_status) == ("subscription", 0, "unpaid")
    items = stripe_client.v1.checkout.sessions.line_items.list(session.id)
    assert [(i.description, i.amount_total) for i in items.data] == [("Pro plan", 900)]
    assert items.data[0].price is not None
    assert items.data[0].price.recurring is not None
    assert items.data[0].price.recurring.interval == "month"


def test_mode_mismatch_errors(stripe_client: stripe.StripeClient) -> None:
    one_time = _price(stripe_client)
    monthly = _price(stripe_client, recurring=True)
    with pytest.raises(stripe.InvalidRequestError) as sub:
        stripe_client.v1.checkout.sessions.create(
            {
                "mode": "subscription",
                "success_url": SUCCESS,
                "line_items": [{"price": one_time, "quantity": 1}],
            }
        )
    assert sub.value.user_message == (
        "You must provide at least one recurring price in `subscription` mode when using prices."
    )
    with pytest.raises(stripe.InvalidRequestError) as pay:
        _session(stripe_client, line_items=[{"price": monthly, "quantity": 1}])
    assert pay.value.user_message == (
        "You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or "
        "use only one-time prices."
    )


def test_create_validation(stripe_client: stripe.StripeClient) -> None:
    price = _price(stripe_client)
    customer = stripe_client.v1.customers.create({"email": "x@example.com"})
    with pytest.raises(stripe.InvalidRequestError) as no_success:
        stripe_client.v1.checkout.sessions.create(
            {"mode": "payment", "line_items": [{"price": price, "quantity": 1}]}
        )
    assert (no_success.value.code, no_success.value.param) == ("parameter_missing", "success_url")
    with pytest.raises(stripe.InvalidRequestError) as both:
        _session(
            stripe_client,
            line_items=[{"price": price, "quantity": 1}],
            customer=customer.id,
            customer_email="y@example.com",
        )
    assert "customer" in str(both.value.user_message)
    assert "customer_email" in str(both.value.user_message)
    with pytest.raises(stripe.InvalidRequestError) as missing_price:
        _session(stripe_client, line_items=[{"price": "price_nope", "quantity": 1}])
    assert (missing_price.value.param, missing_price.value.user_message) == (
        "line_items[0][price]",
        "No such price: 'price_nope'",
    )
    with pytest.raises(stripe.InvalidRequestError) as quantity:
        _session(stripe_client, line_items=[{"price": price}])
    assert quantity.value.user_message == "Quantity is required. Add `quantity` to `line_items[0]`"
    with pytest.raises(stripe.InvalidRequestError) as too_small:
        _session(stripe_client, line_items=[{"price": _price(stripe_client, amount=20), "quantity": 1}])
    assert too_small.value.user_message == (
        "The Checkout Session's total amount due must add up to at least $0.50 usd"
    )


@pytest.mark.parametrize(
    ("offset", "ok"), [(29 * 60, False), (31 * 60, True), (23 * 3600, True), (25 * 3600, False)]
)
def test_expires_at_window(stripe_client: stripe.StripeClient, offset: int, ok: bool) -> None:
    price = _price(stripe_client)
    params = {"line_items": [{"price": price, "quantity": 1}], "expires_at": int(time.time()) + offset}
    if ok:
        assert _session(stripe_client, **params).status == "open"
        return
    with pytest.raises(stripe.InvalidRequestError) as caught:
        _session(stripe_client, **params)
    assert caught.value.param == "expires_at"


def test_expire_and_list(stripe_client: stripe.StripeClient) -> None:
    price = _price(stripe_client)
    customer = stripe_client.v1.customers.create({"email": "list@example.com"})
    mine = _session(stripe_client, line_items=[{"price": price, "quantity": 1}], customer=customer.id)
    other = _session(stripe_client, line_items=[{"price": price, "quantity": 1}])
    expired = stripe_client.v1.checkout.sessions.expire(other.id)
    assert (expired.status, expired.url) == ("expired", None)
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.checkout.sessions.expire(other.id)
    assert caught.value.user_message == (
        'Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status '
        "of `expired`."
    )
    assert [s.id for s in stripe_client.v1.checkout.sessions.list({"customer": customer.id}).data] == [
        mine.id
    ]
    assert [s.id for s in stripe_client.v1.checkout.sessions.list({"status": "expired"}).data] == [other.id]
    updated = stripe_client.v1.checkout.sessions.update(mine.id, {"metadata": {"k": "v"}})
    assert updated.metadata is not None
    assert updated.metadata.to_dict() == {"k": "v"}


def test_setup_mode(stripe_client: stripe.StripeClient) -> None:
    session = stripe_client.v1.checkout.sessions.create(
        {"mode": "setup", "success_url": SUCCESS, "currency": "usd"}
    )
    assert (session.mode, session.payment_status, session.amount_total) == (
        "setup",
        "no_payment_required",
        None,
    )


def test_urls_use_the_public_url_browsers_reach() -> None:
    """With --host 0.0.0.0 the API base is no address a browser can open: --public-url decides the links."""
    import sandbox as sandbox_package

    handle = sandbox_package.start(public_url="http://pay.example.test:8443/")
    try:
        keys = handle.create_account()
        client = stripe.StripeClient(keys["secret_key"], base_addresses={"api": handle.api_base})
        session = client.v1.checkout.sessions.create(
            {
                "mode": "payment",
                "success_url": SUCCESS,
                "line_items": [
                    {
                        "price_data": {"currency": "usd", "unit_amount": 500, "product_data": {"name": "X"}},
                        "quantity": 1,
                    }
                ],
            }
        )
        assert session.url == f"http://pay.example.test:8443/c/pay/{keys['id']}/{session.id}"
    finally:
        handle.stop()
