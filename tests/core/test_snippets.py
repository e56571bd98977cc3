"""Snippets: the Python one really runs against the sandbox; the curl one encodes the same request; no key."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest
import stripe
from hypothesis import given, settings
from hypothesis import strategies as st
from stripe._encode import _api_encode  # the SDK's own form encoder: what it really sends

from core import catalog
from core.snippets import curl_form_pairs, curl_snippet, form_pairs, python_snippet, snippets_for
from sandbox import _forms as sandbox_forms

PARAMS: dict[str, Any] = {
    "product": "prod_123",
    "currency": "usd",
    "unit_amount": 1000,
    "recurring": {"interval": "month", "interval_count": 1},
    "metadata": {"order id": "A&B = 1"},
    "active": False,
}


def sdk_pairs(params: dict[str, Any]) -> list[tuple[str, str]]:
    return parse_qsl(urlencode(list(_api_encode(params))), keep_blank_values=True)


def test_form_pairs_match_the_sdk_encoding() -> None:
    nested: dict[str, Any] = {**PARAMS, "items": [{"price": "price_1", "quantity": 2}], "expand": ["a", "b"]}
    nested.pop("active")  # the SDK leaves Python bools as True/False; Stripe expects true/false (ours)
    assert form_pairs(nested) == sdk_pairs(nested)
    assert ("active", "false") in form_pairs(PARAMS)


def test_curl_params_decode_to_the_same_request() -> None:
    action = catalog.get("create_price")
    curl = curl_snippet(action, {}, PARAMS, idempotency_key="sub-1")
    assert curl_form_pairs(curl) == form_pairs(PARAMS)
    assert curl.startswith("curl https://api.stripe.com/v1/prices")
    assert '-u "$STRIPE_SECRET_KEY:"' in curl
    assert "-H 'Idempotency-Key: sub-1'" in curl
    assert "--data-urlencode 'metadata[order id]=A&B = 1'" in curl  # curl must encode & and spaces
    assert "-d 'recurring[interval]=month'" in curl  # quoted: [ ] are shell glob characters


def test_curl_get_uses_query_string_and_delete_uses_x_delete() -> None:
    listing = curl_snippet(catalog.get("list_prices"), {}, {"limit": 3})
    assert listing.startswith("curl -G https://api.stripe.com/v1/prices")
    assert "Idempotency-Key" not in listing
    delete = curl_snippet(catalog.get("delete_product"), {"id": "prod_9"}, {}, api_base="http://127.0.0.1:9")
    assert delete.startswith("curl -X DELETE http://127.0.0.1:9/v1/products/prod_9")


def test_snippets_never_contain_the_key(account: dict[str, str]) -> None:
    both = snippets_for(catalog.get("create_customer"), {}, {"email": "a@example.com"}, idempotency_key="k")
    for text in (both.python, both.curl):
        assert account["secret_key"] not in text
        assert "STRIPE_SECRET_KEY" in text


def test_python_snippet_mentions_sandbox_only_when_not_stripe() -> None:
    code = python_snippet(catalog.get("list_products"), {}, {})
    assert "base_addresses" not in code
    assert "result = client.v1.products.list()" in code
    code = python_snippet(catalog.get("list_products"), {}, {"limit": 1}, api_base="http://127.0.0.1:5/")
    assert 'base_addresses={"api": "http://127.0.0.1:5"}' in code


def _exec(code: str) -> Any:
    namespace: dict[str, Any] = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(code, "<snippet>", "exec"), namespace)  # noqa: S102 - running the generated snippet is the test
    return namespace["result"]


def test_python_snippet_runs_against_the_sandbox(
    sandbox: Any, account: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STRIPE_SECRET_KEY", account["secret_key"])
    create = catalog.get("create_product")
    code = python_snippet(
        create,
        {},
        {"name": "Snippet product", "metadata": {"source": "snippet"}},
        api_base=sandbox.api_base,
        idempotency_key="snippet-key-1",
    )
    product = _exec(code)
    assert product.object == "product"
    assert product.name == "Snippet product"
    assert product.metadata["source"] == "snippet"
    again = _exec(code)  # same idempotency key: Stripe replays, no second product
    assert again.id == product.id

    retrieve = python_snippet(
        catalog.get("retrieve_product"), {"id": product.id}, {}, api_base=sandbox.api_base
    )
    assert _exec(retrieve).id == product.id

    client = stripe.StripeClient(account["secret_key"], base_addresses={"api": sandbox.api_base})
    listed = client.v1.products.list({"limit": 100})
    assert [p.id for p in listed.data].count(product.id) == 1


def _curl(command: str, key: str) -> dict[str, Any]:
    if shutil.which("curl") is None:  # pragma: no cover - curl ships with the Debian base image
        pytest.skip("curl is not installed")
    done = subprocess.run(
        ["bash", "-c", command.replace("curl ", "curl -s ", 1)],
        env={**os.environ, "STRIPE_SECRET_KEY": key},
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    body: dict[str, Any] = json.loads(done.stdout)
    return body


def test_curl_snippet_runs_against_the_sandbox(sandbox: Any, account: dict[str, str]) -> None:
    create = curl_snippet(
        catalog.get("create_customer"),
        {},
        {"email": "curl@example.com", "metadata": {"note": "A&B = 1 + 2"}},
        api_base=sandbox.api_base,
        idempotency_key="curl-submission-1",
    )
    created = _curl(create, account["secret_key"])
    assert created["object"] == "customer"
    assert created["metadata"] == {"note": "A&B = 1 + 2"}  # encoded by curl, decoded by the server alike
    assert _curl(create, account["secret_key"])["id"] == created["id"]  # same Idempotency-Key: replayed
    listed = _curl(
        curl_snippet(
            catalog.get("list_customers"),
            {},
            {"email": "curl@example.com", "limit": 5},
            api_base=sandbox.api_base,
        ),
        account["secret_key"],
    )
    assert [c["id"] for c in listed["data"]] == [created["id"]]
    deleted = _curl(
        curl_snippet(catalog.get("delete_customer"), {"id": created["id"]}, {}, api_base=sandbox.api_base),
        account["secret_key"],
    )
    assert deleted["deleted"] is True


_KEYS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8)
_SCALARS = st.one_of(
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda children: st.one_of(
        st.lists(children, min_size=1, max_size=3), st.dictionaries(_KEYS, children, min_size=1, max_size=3)
    ),
    max_leaves=8,
)


def _as_server_sees_it(value: Any) -> Any:
    """How a Stripe form decoder reads a value: strings, lists as dicts keyed "0", "1", …"""
    if isinstance(value, dict):
        return {k: _as_server_sees_it(v) for k, v in value.items()}
    if isinstance(value, list):
        return {str(i): _as_server_sees_it(v) for i, v in enumerate(value)}
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@given(st.dictionaries(_KEYS, _VALUES, min_size=1, max_size=4))
@settings(max_examples=150, deadline=None)
def test_curl_body_decodes_to_the_same_params_on_the_server(params: dict[str, Any]) -> None:
    curl = curl_snippet(catalog.get("create_product"), {}, params, idempotency_key="k")
    body = urlencode(curl_form_pairs(curl))
    assert sandbox_forms.decode(body) == _as_server_sees_it(params)
