"""Stripe-Version: the request's version (else the account's default) decides Stripe's documented
version-dependent behaviour; responses keep the served version's shape (validated against the schema)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import requests
import stripe

import sandbox as sandbox_package
from sandbox._api import DEFAULT_API_VERSION

OLD = "2022-11-15"  # before 2023-08-16 (and before basil)
BEFORE_BASIL = "2024-06-20"


def _set_default(sandbox: sandbox_package.SandboxHandle, key: str, version: object) -> requests.Response:
    return requests.post(
        sandbox.api_base + "/_sandbox/api_version",
        json={"api_version": version},
        headers={"Authorization": f"Bearer {key}"},
        timeout=30,
    )


def test_without_stripe_version_the_account_default_applies(
    sandbox: sandbox_package.SandboxHandle, account: dict[str, str], api: Callable[..., requests.Response]
) -> None:
    assert api("GET", "/v1/products").headers["Stripe-Version"] == DEFAULT_API_VERSION
    shown = requests.get(
        sandbox.api_base + "/_sandbox/api_version",
        headers={"Authorization": f"Bearer {account['secret_key']}"},
        timeout=30,
    )
    assert shown.json() == {
        "account": account["id"],
        "api_version": DEFAULT_API_VERSION,
        "served": DEFAULT_API_VERSION,
    }
    assert _set_default(sandbox, account["secret_key"], OLD).json()["api_version"] == OLD
    assert api("GET", "/v1/products").headers["Stripe-Version"] == OLD
    assert (
        api("GET", "/v1/products", headers={"Stripe-Version": BEFORE_BASIL}).headers["Stripe-Version"]
        == BEFORE_BASIL
    )
    # Another account keeps its own default.
    other = sandbox.create_account()
    assert (
        api("GET", "/v1/products", key=other["secret_key"]).headers["Stripe-Version"] == DEFAULT_API_VERSION
    )


def test_the_default_version_setting_checks_its_input(
    sandbox: sandbox_package.SandboxHandle, account: dict[str, str]
) -> None:
    for bad in ("latest", 20230816, None):
        answer = _set_default(sandbox, account["secret_key"], bad)
        assert answer.status_code == 400
        assert answer.json()["error"]["param"] == "api_version"
    assert _set_default(sandbox, account["publishable_key"], OLD).status_code == 401


def test_before_2023_08_16_intents_default_to_cards(
    make_client: Callable[..., stripe.StripeClient], account: dict[str, str]
) -> None:
    old = make_client(account["secret_key"], stripe_version=OLD)
    pi = old.v1.payment_intents.create(params={"amount": 1000, "currency": "usd"})
    assert pi.automatic_payment_methods is None
    assert pi.payment_method_types == ["card"]
    # No return_url needed: no redirect-based method can be chosen.
    assert (
        old.v1.payment_intents.confirm(pi.id, params={"payment_method": "pm_card_visa"}).status == "succeeded"
    )
    si = old.v1.setup_intents.create()
    assert si.automatic_payment_methods is None
    assert si.payment_method_types == ["card"]


def test_from_2023_08_16_intents_get_automatic_payment_methods(stripe_client: stripe.StripeClient) -> None:
    pi = stripe_client.v1.payment_intents.create(params={"amount": 1000, "currency": "usd"})
    assert pi.automatic_payment_methods is not None
    assert pi.automatic_payment_methods.enabled is True
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.payment_intents.confirm(pi.id, params={"payment_method": "pm_card_visa"})
    assert "return_url" in info.value.user_message


def test_the_account_default_drives_requests_without_a_version(
    sandbox: sandbox_package.SandboxHandle, account: dict[str, str], api: Callable[..., requests.Response]
) -> None:
    _set_default(sandbox, account["secret_key"], OLD)
    pi = api("POST", "/v1/payment_intents", params={"amount": 500, "currency": "usd"}).json()
    assert pi["automatic_payment_methods"] is None


def test_singular_coupon_is_refused_from_basil_and_accepted_before(
    make_client: Callable[..., stripe.StripeClient],
    account: dict[str, str],
    stripe_client: stripe.StripeClient,
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.customers.create(params={"coupon": "SUMMER"})  # type: ignore[typeddict-unknown-key]
    assert (info.value.code, info.value.param) == ("parameter_unknown", "coupon")
    older = make_client(account["secret_key"], stripe_version=BEFORE_BASIL)
    with pytest.raises(stripe.InvalidRequestError) as info:
        older.v1.customers.create(params={"coupon": "SUMMER"})  # type: ignore[typeddict-unknown-key]
    # Accepted as a parameter; the coupon itself must exist, as on Stripe.
    assert (info.value.code, info.value.param) == ("resource_missing", "coupon")
    assert info.value.user_message == "No such coupon: 'SUMMER'"
    with pytest.raises(stripe.InvalidRequestError) as info:
        older.v1.customers.create(params={"promotion_code": "promo_x"})  # type: ignore[typeddict-unknown-key]
    assert info.value.param == "promotion_code"
    assert stripe_client.v1.customers.list().data == []


def test_before_basil_a_subscription_coupon_becomes_its_discount(
    make_client: Callable[..., stripe.StripeClient],
    account: dict[str, str],
    stripe_client: stripe.StripeClient,
) -> None:
    coupon = stripe_client.v1.coupons.create(params={"percent_off": 10, "duration": "once"})
    customer = stripe_client.v1.customers.create(
        params={
            "payment_method": "pm_card_visa",
            "invoice_settings": {"default_payment_method": "pm_card_visa"},
        }
    )
    price = stripe_client.v1.prices.create(
        params={
            "currency": "usd",
            "unit_amount": 1000,
            "recurring": {"interval": "month"},
            "product_data": {"name": "x"},
        }
    )
    older = make_client(account["secret_key"], stripe_version=BEFORE_BASIL)
    sub = older.v1.subscriptions.create(
        params={"customer": customer.id, "items": [{"price": price.id}], "coupon": coupon.id}  # type: ignore[typeddict-unknown-key]
    )
    assert len(sub.discounts) == 1
    with pytest.raises(stripe.InvalidRequestError) as info:
        older.v1.customers.create(params={"coupon": coupon.id})  # type: ignore[typeddict-unknown-key]
    assert info.value.param == "coupon"
    assert "does not emulate a customer's own discount" in info.value.user_message
