"""Idempotency keys: replays, mismatches, replayed errors, unsaved validation failures, concurrent 409."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
import requests
import stripe


def test_replay_returns_the_first_response(api: Callable[..., requests.Response]) -> None:
    first = api("POST", "/v1/products", params={"name": "once"}, headers={"Idempotency-Key": "k1"})
    again = api("POST", "/v1/products", params={"name": "once"}, headers={"Idempotency-Key": "k1"})
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert again.headers["Idempotency-Key"] == "k1"
    assert len(api("GET", "/v1/products").json()["data"]) == 1


def test_sdk_retries_reuse_the_key(stripe_client: stripe.StripeClient) -> None:
    one = stripe_client.v1.customers.create({"email": "a@example.com"}, {"idempotency_key": "sdk-key"})
    two = stripe_client.v1.customers.create({"email": "a@example.com"}, {"idempotency_key": "sdk-key"})
    assert one.id == two.id
    assert two.last_response.headers["Idempotent-Replayed"] == "true"


def test_errors_are_replayed(api: Callable[..., requests.Response]) -> None:
    first = api("POST", "/v1/products/prod_missing", params={"name": "x"}, headers={"Idempotency-Key": "err"})
    again = api("POST", "/v1/products/prod_missing", params={"name": "x"}, headers={"Idempotency-Key": "err"})
    assert first.status_code == again.status_code == 404
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"


def test_other_parameters(stripe_client: stripe.StripeClient) -> None:
    stripe_client.v1.products.create({"name": "a"}, {"idempotency_key": "same"})
    with pytest.raises(stripe.IdempotencyError) as failure:
        stripe_client.v1.products.create({"name": "b"}, {"idempotency_key": "same"})
    assert failure.value.http_status == 400
    assert failure.value.error.type == "idempotency_error"
    assert failure.value.user_message == (
        "Keys for idempotent requests can only be used with the same parameters they were first used with. "
        "Try using a key other than 'same' if you meant to execute a different request."
    )


def test_other_endpoint(stripe_client: stripe.StripeClient) -> None:
    stripe_client.v1.products.create({"name": "a"}, {"idempotency_key": "ep"})
    with pytest.raises(stripe.IdempotencyError) as failure:
        stripe_client.v1.customers.create({"name": "a"}, {"idempotency_key": "ep"})
    assert failure.value.user_message == (
        "Keys for idempotent requests can only be used for the same endpoint they were first used for "
        "('/v1/customers' vs '/v1/products'). Try using a key other than 'ep' if you meant to execute a "
        "different "
        "request."
    )


def test_validation_failure_saves_nothing(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.products.create({"name": "a", "bogus": "1"}, {"idempotency_key": "v"})  # type: ignore[typeddict-unknown-key]
    created = stripe_client.v1.products.create({"name": "a"}, {"idempotency_key": "v"})
    assert created.name == "a"
    assert "Idempotent-Replayed" not in created.last_response.headers


def test_key_length(api: Callable[..., requests.Response]) -> None:
    assert (
        api("POST", "/v1/products", params={"name": "x"}, headers={"Idempotency-Key": "k" * 255}).status_code
        == 200
    )
    too_long = api("POST", "/v1/products", params={"name": "x"}, headers={"Idempotency-Key": "k" * 256})
    assert too_long.status_code == 400
    assert too_long.json()["error"]["type"] == "idempotency_error"


def test_keys_are_per_account(sandbox: Any, make_client: Callable[..., stripe.StripeClient]) -> None:
    first = make_client(sandbox.create_account()["secret_key"])
    second = make_client(sandbox.create_account()["secret_key"])
    a = first.v1.products.create({"name": "a"}, {"idempotency_key": "shared"})
    b = second.v1.products.create({"name": "b"}, {"idempotency_key": "shared"})
    assert a.id != b.id


def test_concurrent_duplicate_gets_409(
    sandbox: Any, account: dict[str, str], api: Callable[..., requests.Response]
) -> None:
    auth = {"Authorization": f"Bearer {account['secret_key']}"}
    slow = requests.post(sandbox.api_base + "/_sandbox/latency", json={"ms": 1500}, headers=auth, timeout=10)
    assert slow.status_code == 200
    headers = {**auth, "Idempotency-Key": "race"}
    results: dict[str, requests.Response] = {}

    def first() -> None:
        results["first"] = api("POST", "/v1/products", key=None, params={"name": "r"}, headers=headers)

    thread = threading.Thread(target=first)
    thread.start()
    time.sleep(0.5)  # the first request is in flight (it waits 1.5 s before running)
    second = api("POST", "/v1/products", key=None, params={"name": "r"}, headers=headers)
    thread.join()
    requests.post(sandbox.api_base + "/_sandbox/latency", json={"ms": 0}, headers=auth, timeout=10)
    assert results["first"].status_code == 200
    assert second.status_code == 409
    error = second.json()["error"]
    assert error["code"] == "idempotency_key_in_use"
    assert error["message"] == (
        "There is currently another in-progress request using this Idempotent Key (that probably means you "
        "submitted twice, and the other request is still going through): race. Please try again later."
    )
    third = api("POST", "/v1/products", key=None, params={"name": "r"}, headers=headers)
    assert third.json()["id"] == results["first"].json()["id"]
    assert third.headers["Idempotent-Replayed"] == "true"


def test_handler_side_validation_saves_nothing(stripe_client: stripe.StripeClient) -> None:
    product = stripe_client.v1.products.create({"name": "p"})
    with pytest.raises(stripe.InvalidRequestError) as too_large:
        stripe_client.v1.prices.create(
            {"product": product.id, "currency": "usd", "unit_amount": 100_000_000},
            {"idempotency_key": "fixme"},
        )
    assert too_large.value.code == "amount_too_large"
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.products.create(
            {"name": "m", "metadata": {"k" * 41: "v"}}, {"idempotency_key": "meta"}
        )
    fixed = stripe_client.v1.prices.create(
        {"product": product.id, "currency": "usd", "unit_amount": 100}, {"idempotency_key": "fixme"}
    )
    assert fixed.unit_amount == 100
    assert stripe_client.v1.products.create({"name": "m"}, {"idempotency_key": "meta"}).name == "m"


def test_keys_expire_after_24_hours(
    sandbox: Any, account: dict[str, str], stripe_client: stripe.StripeClient
) -> None:
    first = stripe_client.v1.products.create({"name": "day one"}, {"idempotency_key": "daily"})
    sandbox.runtime.store.age_idempotency_keys(account["id"], 24 * 60 * 60 + 1)
    second = stripe_client.v1.products.create({"name": "day two"}, {"idempotency_key": "daily"})
    assert second.id != first.id  # pruned: the key runs as a new request, even with other parameters
    third = stripe_client.v1.products.create({"name": "day two"}, {"idempotency_key": "daily"})
    assert third.id == second.id
