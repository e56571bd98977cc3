"""Customers: create, retrieve, update, delete, list, search (https://docs.stripe.com/api/customers).

A deleted customer stays retrievable as ``{"id", "object": "customer", "deleted": true}`` (as on Stripe) but
disappears from lists and searches; updating it answers Stripe's resource_missing.
"""

from __future__ import annotations

from typing import Any

from sandbox import _errors as errors
from sandbox._api import Context, apply_metadata, changed_fields, check_email, deleted, endpoint, expander
from sandbox.resources import customer_balance, test_clocks

KIND = "customer"
SEARCH_FIELDS = {
    "email": "string",
    "name": "string",
    "phone": "string",
    "created": "number",
    "metadata": "metadata",
}
_SIMPLE = ("address", "description", "email", "name", "phone", "shipping", "tax_exempt", "preferred_locales")


def _set_fields(
    customer: dict[str, Any], ctx: Context, attached: dict[str, Any] | None = None, *, initial: bool = False
) -> None:
    """``attached``: the PaymentMethod this request attached (create's ``payment_method``); naming the same id
    as ``invoice_settings[default_payment_method]`` means that copy, as Stripe resolves ``pm_card_visa``."""
    params = ctx.params
    check_email(params.get("email"), "email")
    for name in _SIMPLE:
        if name in params:
            customer[name] = None if params[name] == "" else params[name]
    if customer.get("tax_exempt") is None:
        customer["tax_exempt"] = "none"
    if customer.get("preferred_locales") is None:
        customer["preferred_locales"] = []
    if "balance" in params:
        customer_balance.set_balance(ctx, customer, int(params["balance"] or 0), initial=initial)
    if "invoice_prefix" in params:
        customer["invoice_prefix"] = params["invoice_prefix"] or customer["invoice_prefix"]
    if "metadata" in params:
        customer["metadata"] = apply_metadata(customer.get("metadata"), params["metadata"])
    settings = params.get("invoice_settings")
    if isinstance(settings, dict):
        current = dict(customer.get("invoice_settings") or {})
        if "default_payment_method" in settings:
            pm_id = settings["default_payment_method"] or None
            if attached is not None and pm_id == params.get("payment_method"):
                pm_id = attached["id"]
            if pm_id is not None:
                pm = ctx.load(
                    "payment_method", pm_id, param="invoice_settings[default_payment_method]", status=400
                )
                if pm.get("customer") != customer["id"]:
                    raise errors.invalid_request(
                        f"The customer does not have a payment method with the ID {pm_id}. The payment "
                        "method must be attached to the customer.",
                        param="invoice_settings[default_payment_method]",
                    )
            current["default_payment_method"] = pm_id
        if "footer" in settings:
            current["footer"] = settings["footer"] or None
        if "custom_fields" in settings:
            current["custom_fields"] = settings["custom_fields"] or None
        customer["invoice_settings"] = current


def _invoice_prefix(customer_id: str) -> str:
    return customer_id.removeprefix("cus_")[:8].upper()


@endpoint("POST", "/v1/customers", permission=KIND, extra_params={"validate": {"type": "boolean"}})
def create(ctx: Context) -> dict[str, Any]:
    clock_id = ctx.params.get("test_clock") or None
    if clock_id:
        test_clocks.load_clock(ctx, clock_id, "test_clock", 400)
        ctx.enter_clock(clock_id)  # the customer and everything it owns live on the clock's time
    customer_id = ctx.new_id("cus")
    customer: dict[str, Any] = {
        "id": customer_id,
        "object": KIND,
        "address": None,
        "balance": 0,
        "created": ctx.now(),
        "currency": None,
        "default_source": None,
        "delinquent": False,
        "description": None,
        "discount": None,
        "email": None,
        "invoice_prefix": _invoice_prefix(customer_id),
        "invoice_settings": {
            "custom_fields": None,
            "default_payment_method": None,
            "footer": None,
            "rendering_options": None,
        },
        "livemode": False,
        "metadata": {},
        "name": None,
        "next_invoice_sequence": 1,
        "phone": None,
        "preferred_locales": [],
        "shipping": None,
        "tax_exempt": "none",
        "test_clock": clock_id,
    }
    attached = None
    if ctx.params.get("payment_method"):
        # Attaching is the payment-methods module's business; look it up only when it is registered.
        from sandbox.resources import payment_methods as pm_module  # type: ignore[attr-defined,unused-ignore]

        attach = getattr(pm_module, "attach_to_customer", None)
        if attach is None:
            raise errors.invalid_request(
                "payment_method is not supported by this sandbox yet.", param="payment_method"
            )
        ctx.save(customer)
        attached = attach(ctx, ctx.params["payment_method"], customer_id, "payment_method")
    _set_fields(customer, ctx, attached, initial=True)
    ctx.save(customer)
    ctx.emit("customer.created", customer)
    return customer


def _load_live(ctx: Context) -> dict[str, Any]:
    customer = ctx.load(KIND, ctx.path["customer"], param="customer")
    ctx.enter_clock(customer.get("test_clock"))
    return customer


@endpoint("GET", "/v1/customers/{customer}", permission=KIND)
def retrieve(ctx: Context) -> dict[str, Any]:
    return ctx.load(KIND, ctx.path["customer"], param="customer", allow_deleted=True)


# stripe-python 16 can send validate on update; the vendored (older) spec has it only on create.
@endpoint("POST", "/v1/customers/{customer}", permission=KIND, extra_params={"validate": {"type": "boolean"}})
def update(ctx: Context) -> dict[str, Any]:
    customer = _load_live(ctx)
    before = {k: v for k, v in customer.items()}
    _set_fields(customer, ctx)
    previous = changed_fields(before, customer)
    if previous:
        ctx.save(customer)
        ctx.emit("customer.updated", customer, previous_attributes=previous)
    return customer


@endpoint("DELETE", "/v1/customers/{customer}", permission=KIND)
def delete(ctx: Context) -> dict[str, Any]:
    customer = _load_live(ctx)
    tombstone = deleted(customer["id"], KIND)
    ctx.save(dict(tombstone))
    ctx.emit("customer.deleted", customer)
    return tombstone


@endpoint("GET", "/v1/customers", permission=KIND)
def list_customers(ctx: Context) -> dict[str, Any]:
    # [U] Stripe matches the email filter case-sensitively; so does the sandbox.
    filters = {"email": ctx.params.get("email"), "test_clock": ctx.params.get("test_clock")}
    return ctx.list_response(KIND, "/v1/customers", filters=filters)


@endpoint("GET", "/v1/customers/search", permission=KIND)
def search(ctx: Context) -> dict[str, Any]:
    return ctx.search_response(KIND, "/v1/customers/search", SEARCH_FIELDS)


# Lists Stripe attaches to a customer only when expanded (expand[]=subscriptions, sources, tax_ids).
@expander(KIND, "subscriptions")
def _subscriptions(ctx: Context, customer: dict[str, Any]) -> dict[str, Any]:
    data = ctx.query("subscription", {"customer": customer["id"]})
    url = f"/v1/customers/{customer['id']}/subscriptions"
    return {"object": "list", "data": data, "has_more": False, "url": url}


@expander(KIND, "sources")
def _sources(ctx: Context, customer: dict[str, Any]) -> dict[str, Any]:
    # The sandbox emulates PaymentMethods, not the legacy Sources/Cards API: always empty.
    return {"object": "list", "data": [], "has_more": False, "url": f"/v1/customers/{customer['id']}/sources"}


@expander(KIND, "tax_ids")
def _tax_ids(ctx: Context, customer: dict[str, Any]) -> dict[str, Any]:
    return {"object": "list", "data": [], "has_more": False, "url": f"/v1/customers/{customer['id']}/tax_ids"}
