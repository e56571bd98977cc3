"""Webhook endpoints through the SDK: the secret only on create, URL and event validation, updates, deletes,
and an event's pending_webhooks."""

from __future__ import annotations

import pytest
import stripe
from billing_setup import customer

URL = "http://127.0.0.1:9/stripe/webhooks"


def test_create_returns_the_secret_once(stripe_client: stripe.StripeClient) -> None:
    created = stripe_client.v1.webhook_endpoints.create(
        params={
            "url": URL,
            "enabled_events": ["invoice.paid", "customer.subscription.created"],
            "description": "billing",
            "metadata": {"team": "ops"},
        }
    )
    assert created.object == "webhook_endpoint"
    assert created.id.startswith("we_")
    assert created.secret.startswith("whsec_")
    assert created.status == "enabled"
    assert created.url == URL
    assert list(created.enabled_events) == ["invoice.paid", "customer.subscription.created"]
    assert created.description == "billing"
    assert created.metadata.to_dict() == {"team": "ops"}
    fetched = stripe_client.v1.webhook_endpoints.retrieve(created.id)
    assert "secret" not in fetched
    listed = stripe_client.v1.webhook_endpoints.list()
    assert [e.id for e in listed.data] == [created.id]
    assert "secret" not in listed.data[0]


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("ftp://example.com/x", "Not a valid URL"),
        ("http://", "Not a valid URL"),
        ("http://exa mple.com/x", "Not a valid URL"),
        ("example.com/hook", "Invalid URL: An explicit scheme (such as https) must be provided."),
        ("http://example.com/" + "a" * 5000, "Invalid URL: URL must be 5000 characters or less."),
    ],
)
def test_invalid_urls(stripe_client: stripe.StripeClient, bad: str, message: str) -> None:
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.webhook_endpoints.create(params={"url": bad, "enabled_events": ["*"]})
    assert info.value.error.message == message
    assert info.value.code == "url_invalid"
    assert info.value.param == "url"


def test_at_most_16_endpoints(stripe_client: stripe.StripeClient) -> None:
    for _ in range(16):
        stripe_client.v1.webhook_endpoints.create(params={"url": URL, "enabled_events": ["*"]})
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.webhook_endpoints.create(params={"url": URL, "enabled_events": ["*"]})
    assert info.value.error.message == "You have reached the maximum of 16 test webhook endpoints."


def test_unknown_event_types_are_refused(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.webhook_endpoints.create(
            params={"url": URL, "enabled_events": ["invoice.paid", "invoice.exploded"]}
        )
    assert info.value.param == "enabled_events[1]"
    assert info.value.error.message.startswith(
        "Invalid enabled_events[1]: must be one of account.application.authorized, "
    )
    assert "invoice.paid" in info.value.error.message
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.webhook_endpoints.create(params={"url": URL, "enabled_events": []})
    assert info.value.param == "enabled_events"


def test_enabled_events_are_required(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.webhook_endpoints.create(params={"url": URL})
    assert info.value.code == "parameter_missing"
    assert info.value.param == "enabled_events"


def test_update_and_disable(stripe_client: stripe.StripeClient) -> None:
    created = stripe_client.v1.webhook_endpoints.create(params={"url": URL, "enabled_events": ["*"]})
    updated = stripe_client.v1.webhook_endpoints.update(
        created.id,
        params={"url": "http://localhost:4242/hooks", "enabled_events": ["invoice.paid"], "disabled": True},
    )
    assert updated.url == "http://localhost:4242/hooks"
    assert list(updated.enabled_events) == ["invoice.paid"]
    assert updated.status == "disabled"
    assert "secret" not in updated
    assert (
        stripe_client.v1.webhook_endpoints.update(created.id, params={"disabled": False}).status == "enabled"
    )
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.webhook_endpoints.update(created.id, params={"url": "nope"})
    assert info.value.code == "url_invalid"


def test_delete(stripe_client: stripe.StripeClient) -> None:
    created = stripe_client.v1.webhook_endpoints.create(params={"url": URL, "enabled_events": ["*"]})
    gone = stripe_client.v1.webhook_endpoints.delete(created.id)
    assert gone.deleted is True
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.webhook_endpoints.retrieve(created.id)
    assert info.value.http_status == 404
    assert info.value.error.message == f"No such webhook endpoint: '{created.id}'"


def test_pending_webhooks_counts_matching_enabled_endpoints(stripe_client: stripe.StripeClient) -> None:
    stripe_client.v1.webhook_endpoints.create(params={"url": URL, "enabled_events": ["*"]})
    stripe_client.v1.webhook_endpoints.create(params={"url": URL, "enabled_events": ["customer.created"]})
    stripe_client.v1.webhook_endpoints.create(params={"url": URL, "enabled_events": ["invoice.paid"]})
    off = stripe_client.v1.webhook_endpoints.create(params={"url": URL, "enabled_events": ["*"]})
    stripe_client.v1.webhook_endpoints.update(off.id, params={"disabled": True})
    cus = customer(stripe_client)
    stripe_client.v1.customers.update(cus.id, params={"name": "x"})
    events = {e.type: e for e in stripe_client.v1.events.list().data}
    assert events["customer.created"].pending_webhooks == 2
    assert events["customer.updated"].pending_webhooks == 1
