"""``core.results.to_table`` builds each column as the array pandas would infer and skips pandas' second
look (bench/core_overhead.py). These tests hold it to exactly the frame pandas itself builds from the same
cells (the previous implementation, kept here as the reference): same columns, dtypes, values and missing
values, on real sandbox objects of every kind the playground lists and on generated rows of every mix."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pandas as pd
import pytest
import stripe
from hypothesis import given, settings
from hypothesis import strategies as st

from core import results
from core.results import AMOUNT_FIELDS, DISPLAY_SUFFIX, SECRET_FIELDS, to_table
from core.secrets import mask


def reference_table(objects: list[Mapping[str, Any]]) -> pd.DataFrame:
    """The frame pandas infers column by column (the implementation before the fast path)."""
    fmt = results._money_formatter()
    rows = [results.flatten(o) for o in objects]
    seen: dict[str, None] = {}
    for r in rows:
        seen.update(dict.fromkeys(r))
    parents: set[str] = set()
    for c in seen:
        parts = c.split(".")
        parents.update(".".join(parts[:i]) for i in range(1, len(parts)))
    columns = [c for c in seen if not (c in parents and all(r.get(c) is None for r in rows))]
    if "id" in columns:
        columns.remove("id")
        columns.insert(0, "id")
    data: dict[str, Any] = {}
    for c in columns:
        raw = [r.get(c) for r in rows]
        leaf = c.rsplit(".", 1)[-1]
        secret = leaf in SECRET_FIELDS
        cells = [
            mask(v)
            if secret and isinstance(v, str)
            else dt.datetime.fromtimestamp(v, tz=dt.UTC)
            if isinstance(v, int) and results._is_timestamp(c, v)
            else v
            for v in raw
        ]
        present = [v for v in cells if v is not None]
        if present and all(isinstance(v, dt.datetime) for v in present):
            data[c] = pd.to_datetime(pd.Series(cells, dtype=object), utc=True)
        elif present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
            data[c] = pd.Series(cells, dtype="Int64")
        else:
            data[c] = cells
        if leaf in AMOUNT_FIELDS and any(isinstance(v, int) and not isinstance(v, bool) for v in raw):
            data[c + DISPLAY_SUFFIX] = [
                results._display_money(fmt, v, results._currency_for(c, r))
                for v, r in zip(raw, rows, strict=True)
            ]
    order = results.reading_order(list(data))  # the order is its own test below; here: same cells
    return pd.DataFrame({c: data[c] for c in order}, columns=order)


def assert_same(objects: list[Mapping[str, Any]]) -> None:
    fast, reference = to_table(objects), reference_table(objects)
    pd.testing.assert_frame_equal(fast, reference, check_exact=True)
    assert list(fast.dtypes) == list(reference.dtypes)
    assert fast.isna().equals(reference.isna())


CELLS = st.one_of(
    st.none(),
    st.text(max_size=5),
    st.integers(min_value=-(2**35), max_value=2**35),  # timestamps within datetime's years
    st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False),
)
NAMES = st.sampled_from(["id", "amount", "currency", "created", "paid_at", "status", "client_secret", "n"])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.dictionaries(NAMES, CELLS, max_size=6), min_size=1, max_size=4))
def test_generated_rows_match_pandas(objects: list[dict[str, Any]]) -> None:
    assert_same(objects)


def test_no_objects_is_the_same_empty_frame() -> None:
    pd.testing.assert_frame_equal(to_table([]), reference_table([]))


@pytest.mark.parametrize(
    "objects",
    [
        [{"id": "x", "amount": None, "created": None}],
        [{"id": "a", "amount": 5, "currency": "usd"}, {"id": "b", "amount": None, "currency": None}],
        [{"id": "a", "created": 1_700_000_000}, {"id": "b", "created": None}],
        [{"id": "a", "livemode": True}, {"id": "b", "livemode": None}],
        [{"id": "a", "recurring": None}, {"id": "b", "recurring": {"interval": "month"}}],
        [{"id": "a", "n": 1.5}, {"id": "b", "n": None}],
        [{"id": "a", "n": 1}, {"id": "b", "n": "one"}, {"id": "c", "n": True}],
    ],
)
def test_edge_rows_match_pandas(objects: list[dict[str, Any]]) -> None:
    assert_same(objects)


def test_every_listed_sandbox_object_matches_pandas(stripe_client: stripe.StripeClient) -> None:
    client = stripe_client
    product = client.v1.products.create({"name": "Table", "metadata": {"k": "v"}})
    client.v1.prices.create({"product": product.id, "unit_amount": 1999, "currency": "usd"})
    client.v1.prices.create(
        {
            "product": product.id,
            "unit_amount_decimal": "12.5",
            "currency": "jpy",
            "recurring": {"interval": "month"},
        }
    )
    customer = client.v1.customers.create({"email": "t@example.com"})
    client.v1.payment_intents.create({"amount": 2000, "currency": "usd", "customer": customer.id})
    client.v1.payment_intents.create(
        {
            "amount": 1000,
            "currency": "eur",
            "payment_method": "pm_card_visa",
            "confirm": True,
            "automatic_payment_methods": {"enabled": True, "allow_redirects": "never"},
        }
    )
    for resource in ("products", "prices", "customers", "payment_intents", "charges"):
        page = client.raw_request("get", f"/v1/{resource}", limit=100)
        objects = page.data["data"]
        assert objects, resource
        assert_same([dict(o) for o in objects])
        assert_same([dict(objects[0])])  # the one-row frame of a create or retrieve


def test_columns_read_id_name_status_then_money_then_the_rest(stripe_client: stripe.StripeClient) -> None:
    """QA: a Price's ``unit_amount (display)`` was 23rd of 24 columns, far off screen."""
    product = stripe_client.v1.products.create({"name": "Ordered", "description": "Columns"})
    price = stripe_client.v1.prices.create({"product": product.id, "unit_amount": 1999, "currency": "usd"})
    prices = to_table([dict(stripe_client.raw_request("get", f"/v1/prices/{price.id}").data)])
    assert list(prices.columns)[:5] == ["id", "nickname", "unit_amount", "unit_amount (display)", "currency"]
    products = to_table([dict(stripe_client.raw_request("get", f"/v1/products/{product.id}").data)])
    assert list(products.columns)[:3] == ["id", "name", "description"]
    intent = stripe_client.v1.payment_intents.create({"amount": 2000, "currency": "usd"})
    intents = to_table([dict(stripe_client.raw_request("get", f"/v1/payment_intents/{intent.id}").data)])
    columns = list(intents.columns)
    assert columns[:4] == ["id", "description", "status", "amount"]
    assert columns[4] == "amount (display)"
    assert columns.index("currency") < columns.index("object")
    # The same set of columns as Stripe's order: nothing dropped, nothing added.
    reference = reference_table([dict(stripe_client.raw_request("get", f"/v1/prices/{price.id}").data)])
    assert sorted(prices.columns) == sorted(reference.columns)
