"""Every request is checked against its operation in Stripe's OpenAPI spec, with Stripe's error texts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests
import stripe


def _error(excinfo: pytest.ExceptionInfo[stripe.StripeError]) -> Any:
    return excinfo.value.error


def test_unknown_parameter(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as failure:
        stripe_client.v1.products.create({"name": "x", "colour": "red"})  # type: ignore[typeddict-unknown-key]
    assert failure.value.http_status == 400
    assert failure.value.code == "parameter_unknown"
    assert failure.value.param == "colour"
    assert failure.value.user_message == "Received unknown parameter: colour"
    assert _error(failure).doc_url == "https://stripe.com/docs/error-codes/parameter-unknown"
    assert _error(failure).request_log_url.startswith("https://dashboard.stripe.com/test/logs/req_")


def test_nested_unknown_parameter_is_named_with_brackets(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as failure:
        stripe_client.v1.products.create({"name": "x", "marketing_features": [{"title": "y"}]})  # type: ignore[typeddict-item]
    assert failure.value.param == "marketing_features[0][title]"
    assert failure.value.user_message == "Received unknown parameter: marketing_features[0][title]"


def test_missing_required(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as failure:
        stripe_client.v1.products.create({})  # type: ignore[typeddict-item]
    assert failure.value.code == "parameter_missing"
    assert failure.value.user_message == "Missing required param: name."
    product = stripe_client.v1.products.create({"name": "p"})
    with pytest.raises(stripe.InvalidRequestError) as nested:
        stripe_client.v1.prices.create(
            {"product": product.id, "currency": "usd", "unit_amount": 100, "recurring": {"interval_count": 1}}  # type: ignore[typeddict-item]
        )
    assert nested.value.user_message == "Missing required param: recurring[interval]."
    assert nested.value.param == "recurring[interval]"


def test_wrong_types(api: Callable[..., requests.Response]) -> None:
    integer = api("GET", "/v1/products", params={"limit": "ten"}).json()["error"]
    assert integer == {
        **integer,
        "code": "parameter_invalid_integer",
        "message": "Invalid integer: ten",
        "param": "limit",
    }
    price_data = {"default_price_data[currency]": "usd", "default_price_data[unit_amount]": "9175.2"}
    decimal = api("POST", "/v1/products", params={"name": "x", **price_data}).json()["error"]
    assert decimal["message"] == "Invalid integer: 9175.2"
    assert decimal["param"] == "default_price_data[unit_amount]"
    boolean = api("POST", "/v1/products", params={"name": "x", "active": "yes"}).json()["error"]
    assert boolean["message"] == "Invalid boolean: yes"
    assert boolean["param"] == "active"
    hash_error = api("POST", "/v1/products", params={"name": "x", "metadata": "oops"}).json()["error"]
    assert hash_error["message"] == "Invalid hash"
    empty = api("POST", "/v1/products", params={"name": ""}).json()["error"]
    assert empty["code"] == "parameter_invalid_empty"
    assert empty["message"].startswith("You passed an empty string for 'name'.")


def test_invalid_enum(stripe_client: stripe.StripeClient) -> None:
    product = stripe_client.v1.products.create({"name": "p"})
    with pytest.raises(stripe.InvalidRequestError) as failure:
        stripe_client.v1.prices.create(
            {
                "product": product.id,
                "currency": "usd",
                "unit_amount": 100,
                "recurring": {"interval": "fortnight"},
            }  # type: ignore[typeddict-item]
        )
    assert failure.value.user_message == "Invalid interval: must be one of day, month, week, or year"
    assert failure.value.param == "recurring[interval]"
    with pytest.raises(stripe.InvalidRequestError) as two:
        stripe_client.v1.prices.list({"type": "monthly"})  # type: ignore[typeddict-item]
    assert two.value.user_message == "Invalid type: must be one of one_time or recurring"


def test_failed_validation_writes_nothing(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.products.create({"name": "x", "unknown": "1"})  # type: ignore[typeddict-unknown-key]
    assert stripe_client.v1.products.list().data == []


def test_metadata_rules(stripe_client: stripe.StripeClient, api: Callable[..., requests.Response]) -> None:
    product = stripe_client.v1.products.create({"name": "m", "metadata": {"a": "1", "b": "2"}})
    assert product.metadata.to_dict() == {"a": "1", "b": "2"}
    unset = stripe_client.v1.products.update(product.id, {"metadata": {"a": ""}})
    assert unset.metadata.to_dict() == {"b": "2"}
    cleared = stripe_client.v1.products.update(product.id, {"metadata": ""})
    assert cleared.metadata.to_dict() == {}
    numeric = api("POST", "/v1/products", params={"name": "n", "metadata[count]": 5}).json()
    assert numeric["metadata"] == {"count": "5"}
    too_many = api(
        "POST", "/v1/products", params={"name": "x", **{f"metadata[k{i}]": "v" for i in range(51)}}
    )
    assert too_many.status_code == 400
    assert (
        too_many.json()["error"]["message"] == "You can include up to 50 metadata keys, but you passed in 51."
    )
    long_key = api("POST", "/v1/products", params={"name": "x", "metadata[" + "k" * 41 + "]": "v"}).json()[
        "error"
    ]
    assert long_key["message"].startswith("Metadata key length can't exceed 40 characters.")
    long_value = api("POST", "/v1/products", params={"name": "x", "metadata[k]": "v" * 501}).json()["error"]
    assert long_value["message"].startswith("Metadata values can have up to 500 characters")
    brackets = api("POST", "/v1/products", params={"name": "x", "metadata[a[b]]": "v"}).json()["error"]
    assert "square brackets" in brackets["message"]


def test_query_string_on_post_and_expand_bracket_forms(api: Callable[..., requests.Response]) -> None:
    price_data = {"default_price_data[currency]": "eur", "default_price_data[unit_amount]": "250"}
    product = api("POST", "/v1/products", params={"name": "x", **price_data}).json()
    for key in ("expand[]", "expand[0]"):
        expanded = api("GET", f"/v1/products/{product['id']}", params={key: "default_price"}).json()
        assert expanded["default_price"]["unit_amount"] == 250
        assert expanded["default_price"]["currency"] == "eur"


def test_url_and_email_shapes(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as bad_url:
        stripe_client.v1.products.create({"name": "x", "url": "not a url"})
    assert bad_url.value.code == "url_invalid"
    assert bad_url.value.user_message == "Not a valid URL"
    assert bad_url.value.param == "url"
    with pytest.raises(stripe.InvalidRequestError) as bad_image:
        stripe_client.v1.products.create({"name": "x", "images": ["https://ok.example/a.png", "ftp:/nope"]})
    assert bad_image.value.param == "images[1]"
    with pytest.raises(stripe.InvalidRequestError) as bad_email:
        stripe_client.v1.customers.create({"email": "jenny.example.com"})
    assert bad_email.value.code == "email_invalid"
    assert bad_email.value.param == "email"
    assert (
        stripe_client.v1.customers.create({"email": "jenny+tag@example.co.uk"}).email
        == "jenny+tag@example.co.uk"
    )


def test_an_invalid_array_element_is_named_with_its_array(stripe_client: stripe.StripeClient) -> None:
    """Stripe names an array element by its array and index ("Invalid enabled_events[0]: …"), never "0"."""
    with pytest.raises(stripe.InvalidRequestError) as failure:
        stripe_client.v1.checkout.sessions.create(
            {
                "mode": "payment",
                "success_url": "https://example.com/ok",
                "payment_method_types": ["card", "carrier_pigeon"],  # type: ignore[list-item]
                "line_items": [
                    {
                        "quantity": 1,
                        "price_data": {"currency": "usd", "unit_amount": 500, "product_data": {"name": "x"}},
                    }
                ],
            }
        )
    assert failure.value.param == "payment_method_types[1]"
    assert failure.value.user_message is not None
    assert failure.value.user_message.startswith(
        "Invalid payment_method_types[1]: must be one of acss_debit, "
    )
    with pytest.raises(stripe.InvalidRequestError) as events:
        stripe_client.v1.webhook_endpoints.create(
            {"url": "http://127.0.0.1:4242/hook", "enabled_events": ["nope.happened"]}  # type: ignore[list-item]
        )
    assert events.value.param == "enabled_events[0]"
    assert str(events.value.user_message).startswith(
        "Invalid enabled_events[0]: must be one of account.application.authorized, "
    )
