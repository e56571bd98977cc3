"""Event sinks get events after the request committed (never for failed requests); SDK params are accepted."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
import requests
import stripe
import stripe.params
from stripe._request_options import RequestOptions

from sandbox._validation import params_schema


class RecordingSink:
    def __init__(self, sandbox: Any) -> None:
        self.sandbox = sandbox
        self.received: list[tuple[str, list[dict[str, Any]], bool]] = []
        self.threads: set[str] = set()

    def publish(self, account: str, events: list[dict[str, Any]]) -> None:
        # Committed means visible to a fresh transaction when the sink runs.
        with self.sandbox.runtime.store.transaction(account) as tx:
            visible = all(tx.get(event["data"]["object"]["id"]) is not None for event in events)
        self.received.append((account, events, visible))
        self.threads.add(threading.current_thread().name)


@pytest.fixture
def sink(sandbox: Any) -> Any:
    recorder = RecordingSink(sandbox)
    sandbox.runtime.add_sink(recorder)
    yield recorder
    sandbox.runtime.sinks.remove(recorder)


def test_sink_receives_committed_events(
    sink: Any, sandbox: Any, account: dict[str, str], stripe_client: stripe.StripeClient
) -> None:
    product = stripe_client.v1.products.create({"name": "Sunk"})
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.products.update("prod_missing", {"name": "x"})
    assert sandbox.runtime.drain()
    mine = [(events, visible) for acct, events, visible in sink.received if acct == account["id"]]
    assert len(mine) == 1
    events, visible = mine[0]
    assert visible is True
    assert [e["type"] for e in events] == ["product.created"]
    assert events[0]["data"]["object"]["id"] == product.id
    assert events[0]["pending_webhooks"] == 0
    assert sink.threads == {"sandbox-events"}


def test_request_id_on_control_responses(sandbox: Any) -> None:
    response = requests.get(sandbox.api_base + "/_sandbox/health", timeout=10)
    assert response.headers["Request-Id"].startswith("req_")


# Every parameter stripe-python 16.1.0 can send for these operations is accepted (the vendored spec is older).
OPERATIONS = {
    ("POST", "/v1/products"): "ProductCreateParams",
    ("POST", "/v1/products/{id}"): "ProductUpdateParams",
    ("GET", "/v1/products"): "ProductListParams",
    ("GET", "/v1/products/search"): "ProductSearchParams",
    ("POST", "/v1/prices"): "PriceCreateParams",
    ("POST", "/v1/prices/{price}"): "PriceUpdateParams",
    ("GET", "/v1/prices"): "PriceListParams",
    ("GET", "/v1/prices/search"): "PriceSearchParams",
    ("POST", "/v1/customers"): "CustomerCreateParams",
    ("POST", "/v1/customers/{customer}"): "CustomerUpdateParams",
    ("GET", "/v1/customers"): "CustomerListParams",
    ("GET", "/v1/customers/search"): "CustomerSearchParams",
}


@pytest.mark.parametrize(("operation", "params_class"), OPERATIONS.items())
def test_sdk_parameters_are_accepted(operation: tuple[str, str], params_class: str) -> None:
    from sandbox._api import REGISTRY

    method, template = operation
    registered = next(e for e in REGISTRY.endpoints if e.method == method and e.template == template)
    accepted = set(params_schema(method, template)["properties"]) | set(registered.extra_params)  # type: ignore[index]
    typed_dict = getattr(stripe.params, params_class)
    options = RequestOptions.__required_keys__ | RequestOptions.__optional_keys__  # legacy per-call options
    sent = set(typed_dict.__required_keys__ | typed_dict.__optional_keys__) - options
    assert sent <= accepted, f"{method} {template} refuses {sorted(sent - accepted)}"


def test_sdk_only_parameter_round_trip(
    stripe_client: stripe.StripeClient, api: Callable[..., requests.Response]
) -> None:
    customer = stripe_client.v1.customers.create({"name": "v"})
    response = api("POST", f"/v1/customers/{customer.id}", params={"validate": "false", "name": "w"})
    assert response.status_code == 200
    assert response.json()["name"] == "w"
