"""Products: create, retrieve, update, delete, list, search (https://docs.stripe.com/api/products)."""

from __future__ import annotations

from typing import Any

from sandbox import _errors as errors
from sandbox._api import Context, apply_metadata, changed_fields, check_url, deleted, endpoint
from sandbox.resources import prices

KIND = "product"
SEARCH_FIELDS = {
    "active": "boolean",
    "name": "string",
    "description": "string",
    "shippable": "boolean",
    "url": "string",
    "created": "number",
    "metadata": "metadata",
}
# Fields copied verbatim from params; "" unsets the emptyable ones (Stripe's convention).
_SIMPLE = (
    "name",
    "active",
    "description",
    "shippable",
    "statement_descriptor",
    "tax_code",
    "unit_label",
    "url",
)


def _set_fields(product: dict[str, Any], params: dict[str, Any]) -> None:
    check_url(params.get("url"), "url")
    for index, image in enumerate(params.get("images") or []):
        check_url(image, f"images[{index}]")
    for name in _SIMPLE:
        if name in params:
            product[name] = None if params[name] == "" else params[name]
    if "images" in params:
        product["images"] = [] if params["images"] == "" else list(params["images"])
    if "marketing_features" in params:
        features = params["marketing_features"]
        product["marketing_features"] = [] if features == "" else [{"name": f["name"]} for f in features]
    if "package_dimensions" in params:
        product["package_dimensions"] = (
            None if params["package_dimensions"] == "" else params["package_dimensions"]
        )
    if "metadata" in params:
        product["metadata"] = apply_metadata(product.get("metadata"), params["metadata"])


# Sent by stripe-python 16, missing from the vendored (older) spec.
_TYPE = {"type": "string", "enum": ["good", "service"]}
_CREATE_EXTRAS = {"type": _TYPE}


@endpoint("POST", "/v1/products", permission="product", extra_params=_CREATE_EXTRAS)
def create(ctx: Context) -> dict[str, Any]:
    params = ctx.params
    product_id = params.get("id") or ctx.new_id("prod")
    if ctx.get(product_id) is not None:
        raise errors.StripeError(400, "Product already exists.", code="resource_already_exists", param="id")
    now = ctx.now()
    product: dict[str, Any] = {
        "id": product_id,
        "object": KIND,
        "active": True,
        "created": now,
        "default_price": None,
        "description": None,
        "images": [],
        "livemode": False,
        "marketing_features": [],
        "metadata": {},
        "name": params["name"],
        "package_dimensions": None,
        "shippable": None,
        "statement_descriptor": None,
        "tax_code": None,
        "type": params.get("type", "service"),
        "unit_label": None,
        "updated": now,
        "url": None,
    }
    _set_fields(product, params)
    ctx.save(product)
    if "default_price_data" in params:
        # The price first, so product.created already names its default price. [U] Stripe's event order.
        price = prices.create_price(ctx, params["default_price_data"], product_id, "default_price_data")
        product["default_price"] = price["id"]
        ctx.save(product)
    ctx.emit("product.created", product)
    return product


@endpoint("GET", "/v1/products/{id}", permission="product")
def retrieve(ctx: Context) -> dict[str, Any]:
    return ctx.load(KIND, ctx.path["id"])


# Stripe accepts default_price="" to unset it (remi-stripe in stripe/stripe-python#658); the spec types it
# as a plain string, so widen it here.
_UPDATE_EXTRAS = {
    "default_price": {"anyOf": [{"type": "string", "maxLength": 5000}, {"enum": [""]}]},
}


@endpoint("POST", "/v1/products/{id}", permission="product", extra_params=_UPDATE_EXTRAS)
def update(ctx: Context) -> dict[str, Any]:
    product = ctx.load(KIND, ctx.path["id"])
    before = dict(product)
    params = ctx.params
    _set_fields(product, params)
    if "default_price" in params:
        price_id = params["default_price"]
        if price_id == "":
            product["default_price"] = None
        else:
            price = ctx.load("price", price_id, param="default_price", status=400)
            if price.get("product") != product["id"]:
                raise errors.invalid_request(
                    f"The price '{price_id}' does not belong to product '{product['id']}'.",
                    param="default_price",
                )
            product["default_price"] = price_id
    previous = changed_fields(before, product)
    if previous:
        product["updated"] = ctx.now()
        ctx.save(product)
        ctx.emit("product.updated", product, previous_attributes=previous)
    return product


@endpoint("DELETE", "/v1/products/{id}", permission="product")
def delete(ctx: Context) -> dict[str, Any]:
    product = ctx.load(KIND, ctx.path["id"])
    if ctx.exists("price", {"product": product["id"]}):
        raise errors.invalid_request(
            "This product cannot be deleted because it has one or more user-created prices."
        )
    ctx.delete(product["id"])
    ctx.emit("product.deleted", product)
    return deleted(product["id"], KIND)


@endpoint("GET", "/v1/products", permission="product", extra_params={"type": _TYPE})
def list_products(ctx: Context) -> dict[str, Any]:
    params = ctx.params
    if params.get("ids") and (params.get("starting_after") or params.get("ending_before")):
        raise errors.invalid_request(
            "You cannot use `ids` together with `starting_after` or `ending_before`.", param="ids"
        )
    filters = {
        "active": params.get("active"),
        "shippable": params.get("shippable"),
        "url": params.get("url"),
        "type": params.get("type"),
        "id": params.get("ids") or None,
    }
    return ctx.list_response(KIND, "/v1/products", filters=filters)


@endpoint("GET", "/v1/products/search", permission="product")
def search(ctx: Context) -> dict[str, Any]:
    return ctx.search_response(KIND, "/v1/products/search", SEARCH_FIELDS)
