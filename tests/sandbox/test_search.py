"""Search: Stripe's query language over products, prices and customers; search_result pages."""

from __future__ import annotations

import pytest
import stripe


def test_customer_search(stripe_client: stripe.StripeClient) -> None:
    amy = stripe_client.v1.customers.create(
        {"email": "amy@rocketrides.io", "name": "Amy", "metadata": {"tier": "gold"}}
    )
    bob = stripe_client.v1.customers.create(
        {"email": "bob@example.com", "name": "Bob", "metadata": {"tier": "silver"}}
    )
    found = stripe_client.v1.customers.search({"query": 'email:"amy@rocketrides.io"'})
    assert found.object == "search_result"
    assert [c.id for c in found.data] == [amy.id]
    assert found.url == "/v1/customers/search"
    assert [c.id for c in stripe_client.v1.customers.search({"query": "metadata['tier']:'silver'"}).data] == [
        bob.id
    ]
    either = stripe_client.v1.customers.search({"query": "name:'Amy' OR name:'Bob'"})
    assert {c.id for c in either.data} == {amy.id, bob.id}
    assert [c.id for c in stripe_client.v1.customers.search({"query": "-name:'Amy'"}).data] == [bob.id]
    assert [c.id for c in stripe_client.v1.customers.search({"query": "email~'rocket'"}).data] == [amy.id]
    assert len(stripe_client.v1.customers.search({"query": f"created>={amy.created}"}).data) == 2


def test_product_and_price_search(stripe_client: stripe.StripeClient) -> None:
    shirt = stripe_client.v1.products.create({"name": "Shirt", "shippable": True})
    stripe_client.v1.products.create({"name": "Ebook", "active": False})
    assert [
        p.id for p in stripe_client.v1.products.search({"query": "active:'true' AND name:'Shirt'"}).data
    ] == [shirt.id]
    assert [p.id for p in stripe_client.v1.products.search({"query": "shippable:'true'"}).data] == [shirt.id]
    price = stripe_client.v1.prices.create({"product": shirt.id, "currency": "usd", "unit_amount": 100})
    assert [p.id for p in stripe_client.v1.prices.search({"query": f"product:'{shirt.id}'"}).data] == [
        price.id
    ]
    assert stripe_client.v1.prices.search({"query": "currency:'eur'"}).data == []


def test_pages(stripe_client: stripe.StripeClient) -> None:
    ids = [stripe_client.v1.customers.create({"name": "Same"}).id for _ in range(5)]
    first = stripe_client.v1.customers.search({"query": "name:'Same'", "limit": 2})
    assert first.has_more is True
    assert first.next_page
    second = stripe_client.v1.customers.search({"query": "name:'Same'", "limit": 2, "page": first.next_page})
    everything = [
        c.id
        for c in stripe_client.v1.customers.search({"query": "name:'Same'", "limit": 2}).auto_paging_iter()
    ]
    assert everything == list(reversed(ids))
    assert [c.id for c in second.data] == list(reversed(ids))[2:4]


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ("name:'a' AND email:'b' OR phone:'c'", "cannot mix AND and OR"),
        ("nickname:'x'", "not a searchable field"),
        ("name:", "Could not parse"),
        ("email~'ab'", "at least 3 characters"),
    ],
)
def test_bad_queries(stripe_client: stripe.StripeClient, query: str, fragment: str) -> None:
    with pytest.raises(stripe.InvalidRequestError) as failure:
        stripe_client.v1.customers.search({"query": query})
    assert failure.value.param == "query"
    assert fragment in failure.value.user_message
