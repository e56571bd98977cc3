"""Bad input into the sandbox: malformed form encoding, huge values, unicode, NUL bytes and injection-looking
strings get a clear 4xx (Stripe's error envelope) or are stored exactly as sent; never a 500, and nothing that
was there before is lost."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import requests
import stripe

INJECTIONS = [
    "'; DROP TABLE objects;--",
    '" OR 1=1 --',
    "<script>alert('x')</script>",
    "{{7*7}} ${7*7} %s %n",
    "Ünïcødé ✓ 漢字 🧾 \u202e",
    "tab\tnew\nline",
]

RAW_BODIES = [
    b"name=%ZZ%",  # invalid percent escape
    b"name=\xff\xfe\xfa",  # not UTF-8
    b"name=a%00b",  # NUL byte
    b"name=" + b"x" * 2_000_000,  # a 2 MB value
    b"name[]=a&name[]=b",  # a list where a string belongs
    b"name[x]=a",  # an object where a string belongs
    b"metadata" + b"[a]" * 60 + b"=deep",  # absurd nesting
    b"name=ok&metadata[" + b"k" * 500 + b"]=v",  # a 500-character metadata key
    b"&&&===&",  # no names at all
    b"name",  # a name without '='
    b'{"name": "json instead of a form"}',
    b"name=ok&expand[]=" + b"a." * 50,
]


def test_injection_looking_strings_are_stored_verbatim(stripe_client: stripe.StripeClient) -> None:
    keep = stripe_client.v1.products.create({"name": "Keep me"})
    for text in INJECTIONS:
        product = stripe_client.v1.products.create({"name": text, "metadata": {"note": text}})
        again = stripe_client.v1.products.retrieve(product.id)
        assert again.name == text
        assert again.metadata["note"] == text
    names = {p.name for p in stripe_client.v1.products.list({"limit": 100}).data}
    assert names == {"Keep me", *INJECTIONS}
    assert stripe_client.v1.products.retrieve(keep.id).name == "Keep me"
    found = stripe_client.v1.products.search({"query": 'name:"\'; DROP TABLE objects;--"'})
    assert [p.name for p in found.data] == [INJECTIONS[0]]  # found, and nothing else matched


@pytest.mark.parametrize("body", RAW_BODIES, ids=lambda b: repr(b[:30]))
def test_malformed_bodies_get_a_clear_answer_and_lose_nothing(
    body: bytes, api: Callable[..., requests.Response], stripe_client: stripe.StripeClient
) -> None:
    keep = stripe_client.v1.products.create({"name": "Keep me"})
    answer = api(
        "POST", "/v1/products", params=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert answer.status_code < 500, answer.text[:500]
    payload = answer.json()
    if answer.status_code >= 400:
        error = payload["error"]
        assert error["type"] == "invalid_request_error"
        assert len(error["message"]) > 10
        assert "Traceback" not in error["message"]
    else:
        assert stripe_client.v1.products.retrieve(payload["id"]).name == payload["name"]
    assert stripe_client.v1.products.retrieve(keep.id).name == "Keep me"


@pytest.mark.parametrize(
    "path",
    [
        "/v1/products/'; DROP TABLE objects;--",
        "/v1/products/<script>",
        "/v1/products/%00",
        "/v1/products/" + "p" * 5000,
        "/v1/customers/cus_%E2%9C%93",
    ],
)
def test_malformed_ids_in_the_path_are_404s(path: str, api: Callable[..., requests.Response]) -> None:
    answer = api("GET", path)
    assert answer.status_code == 404, answer.text[:300]
    assert answer.json()["error"]["code"] == "resource_missing"
