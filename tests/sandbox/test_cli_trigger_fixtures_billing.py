"""The Stripe CLI's trigger fixtures for coupons, tax rates and credit notes, replayed request by request.

`stripe trigger <event>` runs a fixture: a list of API calls whose parameters may name earlier results
(``${customer:id}``). The sequences below are those of stripe-cli's ``pkg/fixtures/triggers`` (copied as
data); each must succeed against the sandbox and record the event it is named after.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import stripe

_INVOICE_SETUP: list[tuple[str, str, dict[str, Any]]] = [
    ("customer", "/v1/customers", {"description": "(created by Stripe CLI)"}),
    ("invoiceitem", "/v1/invoiceitems", {"amount": 2000, "currency": "usd", "customer": "${customer:id}",
                                         "description": "(created by Stripe CLI)"}),
    ("invoice", "/v1/invoices", {"customer": "${customer:id}", "description": "(created by Stripe CLI)",
                                 "pending_invoice_items_behavior": "include"}),
    ("invoice_finalized", "/v1/invoices/${invoice:id}/finalize", {}),
    ("credit_note", "/v1/credit_notes", {"invoice": "${invoice:id}", "lines": [
        {"type": "custom_line_item", "unit_amount": 1000, "quantity": 1,
         "description": "(created by Stripe CLI)"}]}),
]  # fmt: skip
_COUPON = ("coupon", "/v1/coupons", {"percent_off": 20})
_TAX_RATE = ("tax_rate", "/v1/tax_rates", {"display_name": "test", "inclusive": True, "percentage": 10,
                                           "description": "(created by Stripe CLI)"})  # fmt: skip

FIXTURES: dict[str, list[tuple[str, str, dict[str, Any]]]] = {
    "coupon.created": [_COUPON],
    "coupon.updated": [_COUPON, ("coupon_updated", "/v1/coupons/${coupon:id}", {"metadata": {"foo": "bar"}})],
    "coupon.deleted": [_COUPON, ("coupon_deleted", "DELETE /v1/coupons/${coupon:id}", {})],
    "tax_rate.created": [_TAX_RATE],
    "tax_rate.updated": [
        _TAX_RATE,
        ("tax_rate_updated", "/v1/tax_rates/${tax_rate:id}", {"metadata": {"foo": "bar"}}),
    ],
    "credit_note.created": _INVOICE_SETUP,
    "credit_note.updated": [
        *_INVOICE_SETUP,
        ("credit_note_updated", "/v1/credit_notes/${credit_note:id}", {"metadata": {"foo": "bar"}}),
    ],
    "credit_note.voided": [
        *_INVOICE_SETUP,
        ("credit_note_voided", "/v1/credit_notes/${credit_note:id}/void", {}),
    ],
}


def _fill(value: Any, results: dict[str, Any]) -> Any:
    if isinstance(value, str):
        return re.sub(r"\$\{(\w+):(\w+)\}", lambda m: str(results[m.group(1)][m.group(2)]), value)
    if isinstance(value, dict):
        return {k: _fill(v, results) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, results) for v in value]
    return value


@pytest.mark.parametrize("event_type", sorted(FIXTURES))
def test_trigger_fixture_succeeds(stripe_client: stripe.StripeClient, event_type: str) -> None:
    results: dict[str, Any] = {}
    for name, target, params in FIXTURES[event_type]:
        method, _, path = target.rpartition(" ")
        response = stripe_client.raw_request(
            (method or "POST").lower(), _fill(path, results), **_fill(params, results)
        )
        results[name] = json.loads(response.body)
    types = [e.type for e in stripe_client.v1.events.list(params={"limit": 100}).data]
    assert event_type in types
