"""Authentication, restricted-key permissions, account isolation and routing, as Stripe answers them."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest
import requests
import stripe

NO_KEY = (
    "You did not provide an API key. You need to provide your API key in the Authorization header, using "
    "Bearer "
    "auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for "
    "details, or we can help at https://support.stripe.com/."
)


def test_no_key(api: Callable[..., requests.Response]) -> None:
    response = api("GET", "/v1/products", key=None)
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error"
    assert error["message"] == NO_KEY
    assert response.headers["Request-Id"].startswith("req_")


def test_null_header(api: Callable[..., requests.Response]) -> None:
    response = api("GET", "/v1/products", key=None, headers={"Authorization": "Bearer null"})
    assert response.status_code == 401
    assert response.json()["error"]["message"].startswith(
        'You did not provide an API key, though you did set your Authorization header to "null".'
    )


def test_invalid_key_is_masked(make_client: Callable[..., stripe.StripeClient]) -> None:
    key = "sk_test_" + "a" * 95 + "WXYZ"
    with pytest.raises(stripe.AuthenticationError) as failure:
        make_client(key).v1.products.list()
    assert failure.value.http_status == 401
    assert failure.value.user_message == "Invalid API Key provided: sk_test_" + "*" * 95 + "WXYZ"
    assert key not in str(failure.value.http_body)


def test_publishable_key_refused(
    account: dict[str, str], make_client: Callable[..., stripe.StripeClient]
) -> None:
    with pytest.raises(stripe.AuthenticationError) as failure:
        make_client(account["publishable_key"]).v1.products.create({"name": "x"})
    assert failure.value.error.code == "secret_key_required"
    assert failure.value.user_message == (
        "This API call cannot be made with a publishable API key. Please use a secret API key. You can "
        "find a "
        "list of your API keys at https://dashboard.stripe.com/account/apikeys."
    )


def test_live_key_refused(make_client: Callable[..., stripe.StripeClient]) -> None:
    with pytest.raises(stripe.AuthenticationError) as failure:
        make_client("sk_live_" + "b" * 99).v1.products.list()
    assert failure.value.http_status == 401
    assert "only emulates test mode" in failure.value.user_message
    assert "b" * 20 not in failure.value.user_message


def test_basic_auth_like_curl(api: Callable[..., requests.Response], account: dict[str, str]) -> None:
    token = base64.b64encode(f"{account['secret_key']}:".encode()).decode()
    response = api(
        "POST", "/v1/products", key=None, params={"name": "curl"}, headers={"Authorization": f"Basic {token}"}
    )
    assert response.status_code == 200
    assert response.json()["name"] == "curl"


def _restricted(sandbox: Any, account: dict[str, str], permissions: list[str]) -> str:
    response = requests.post(
        sandbox.api_base + "/_sandbox/restricted_keys",
        json={"permissions": permissions},
        headers={"Authorization": f"Bearer {account['secret_key']}"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["permissions"] == sorted(permissions)
    return str(body["key"])


def test_restricted_key_permissions(
    sandbox: Any, account: dict[str, str], make_client: Callable[..., stripe.StripeClient]
) -> None:
    key = _restricted(sandbox, account, ["rak_product_read", "rak_plan_write"])
    assert key.startswith("rk_test_")
    client = make_client(key)
    assert client.v1.products.list().data == []
    with pytest.raises(stripe.PermissionError) as failure:
        client.v1.products.create({"name": "nope"})
    masked = key[:8] + "*" * (len(key) - 14) + key[-6:]
    assert failure.value.http_status == 403
    assert failure.value.code is None
    assert failure.value.error.type == "invalid_request_error"
    assert failure.value.user_message == (
        f"The provided key '{masked}' does not have the required permissions for this endpoint on account "
        f"'{account['id']}'. Having the 'rak_product_write' permission would allow this request to continue."
    )
    # prices use the legacy "plan" slug, and write implies read
    product = make_client(account["secret_key"]).v1.products.create({"name": "p"})
    price = client.v1.prices.create({"product": product.id, "currency": "usd", "unit_amount": 100})
    assert client.v1.prices.retrieve(price.id).id == price.id
    with pytest.raises(stripe.PermissionError) as customers:
        client.v1.customers.list()
    assert "'rak_customer_read'" in customers.value.user_message


def test_restricted_key_unknown_permission(sandbox: Any, account: dict[str, str]) -> None:
    response = requests.post(
        sandbox.api_base + "/_sandbox/restricted_keys",
        json={"permissions": ["rak_product_read", "rak_prodcut_write"]},
        headers={"Authorization": f"Bearer {account['secret_key']}"},
        timeout=10,
    )
    assert response.status_code == 400
    assert "rak_prodcut_write" in response.json()["error"]["message"]


def test_accounts_are_isolated(sandbox: Any, make_client: Callable[..., stripe.StripeClient]) -> None:
    first, second = sandbox.create_account(), sandbox.create_account()
    product = make_client(first["secret_key"]).v1.products.create({"name": "mine"})
    other = make_client(second["secret_key"])
    with pytest.raises(stripe.InvalidRequestError) as failure:
        other.v1.products.retrieve(product.id)
    assert failure.value.http_status == 404
    assert failure.value.user_message == f"No such product: '{product.id}'"
    assert other.v1.products.list().data == []
    with pytest.raises(stripe.InvalidRequestError):
        other.v1.products.update(product.id, {"name": "stolen"})


def test_control_api(sandbox: Any, account: dict[str, str], stripe_client: stripe.StripeClient) -> None:
    assert requests.get(sandbox.api_base + "/_sandbox/health", timeout=10).json() == {"status": "ok"}
    created = requests.post(sandbox.api_base + "/_sandbox/accounts", timeout=10).json()
    assert set(created) == {"id", "publishable_key", "secret_key"}
    assert created["secret_key"].startswith("sk_test_")
    assert created["publishable_key"].startswith("pk_test_")
    stripe_client.v1.products.create({"name": "to be wiped"})
    other = requests.post(
        sandbox.api_base + "/_sandbox/reset",
        headers={"Authorization": f"Bearer {created['secret_key']}"},
        timeout=10,
    )
    assert other.status_code == 200
    assert len(stripe_client.v1.products.list().data) == 1  # another account's reset never touches ours
    unauthenticated = requests.post(sandbox.api_base + "/_sandbox/reset", timeout=10)
    assert unauthenticated.status_code == 401
    mine = requests.post(
        sandbox.api_base + "/_sandbox/reset",
        headers={"Authorization": f"Bearer {account['secret_key']}"},
        timeout=10,
    )
    assert mine.json()["reset"] is True
    assert stripe_client.v1.products.list().data == []
    spec = requests.get(sandbox.api_base + "/_sandbox/openapi.json", timeout=10).json()
    assert "post" in spec["paths"]["/v1/products"]
    assert "/v1/payment_links" not in spec["paths"]


def test_unrecognized_url(api: Callable[..., requests.Response]) -> None:
    response = api("GET", "/v1/foo")
    assert response.status_code == 404
    assert response.json()["error"]["message"] == (
        "Unrecognized request URL (GET: /v1/foo).  Please see https://stripe.com/docs or we can help at "
        "https://support.stripe.com/."
    )
    assert (
        api("GET", "/v1/products/")
        .json()["error"]["message"]
        .endswith("make sure you passed a valid (non-empty) identifier in your code.")
    )


def test_not_emulated_operation(api: Callable[..., requests.Response]) -> None:
    response = api("POST", "/v1/payment_links", params={"line_items[0][price]": "price_x"})
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error"
    assert "does not emulate POST /v1/payment_links" in error["message"]


def test_headers(api: Callable[..., requests.Response]) -> None:
    response = api(
        "POST",
        "/v1/products",
        params={"name": "h"},
        headers={"Stripe-Version": "2024-06-20", "Idempotency-Key": "hk"},
    )
    assert response.headers["Stripe-Version"] == "2024-06-20"
    assert response.headers["Idempotency-Key"] == "hk"
    assert response.headers["Request-Id"].startswith("req_")
    assert len(response.headers["Request-Id"]) == len("req_") + 14
    assert api("GET", "/v1/products").headers["Stripe-Version"] == "2026-10-28.endive"


def test_key_with_space_and_bare_bearer(
    api: Callable[..., requests.Response], account: dict[str, str]
) -> None:
    spaced = api(
        "GET",
        "/v1/products",
        key=None,
        headers={"Authorization": f"Bearer sk_test_ab {account['secret_key']}"},
    )
    assert spaced.status_code == 401
    assert spaced.json()["error"]["message"].startswith(
        "Invalid API Key provided: nil. This key contains at least one space."
    )
    bare = api("GET", "/v1/products", key=None, headers={"Authorization": "Bearer"})
    assert bare.status_code == 401
    assert "you did set your Authorization header" in bare.json()["error"]["message"]


def test_deleted_customer_is_missing_as_a_parameter(stripe_client: stripe.StripeClient) -> None:
    customer = stripe_client.v1.customers.create({"email": "gone@example.com"})
    stripe_client.v1.customers.delete(customer.id)
    with pytest.raises(stripe.InvalidRequestError) as failure:
        stripe_client.v1.customers.delete(customer.id)
    assert failure.value.user_message == f"No such customer: '{customer.id}'"


def test_invalid_stripe_version(api: Callable[..., requests.Response]) -> None:
    response = api("GET", "/v1/products", headers={"Stripe-Version": "latest"})
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "Invalid Stripe API version: latest"
    assert api("GET", "/v1/products", headers={"Stripe-Version": "2020-08-27"}).status_code == 200
    assert api("GET", "/v1/products", headers={"Stripe-Version": "2025-03-31.basil"}).status_code == 200


def test_an_unknown_url_is_unrecognized_before_any_key_is_checked(
    api: Callable[..., requests.Response], make_client: Callable[..., stripe.StripeClient]
) -> None:
    """Stripe routes first: no key, or a wrong one, still hears "Unrecognized request URL" (404) for a URL
    Stripe does not have; for an operation Stripe has (emulated or not) the key is checked first (401)."""
    anonymous = api("GET", "/v1/foo", key=None)
    assert anonymous.status_code == 404
    assert anonymous.json()["error"]["message"].startswith("Unrecognized request URL (GET: /v1/foo).")
    with pytest.raises(stripe.InvalidRequestError) as unknown_key:
        make_client("sk_test_" + "x" * 99).raw_request("post", "/v1/foo", name="x")
    assert unknown_key.value.http_status == 404
    assert "Unrecognized request URL (POST: /v1/foo)" in str(unknown_key.value.user_message)
    assert api("GET", "/v1/products", key=None).status_code == 401
    not_emulated = api("POST", "/v1/payment_links", key=None, params={"line_items[0][price]": "price_x"})
    assert not_emulated.status_code == 401
    assert not_emulated.json()["error"]["message"].startswith("You did not provide an API key.")
